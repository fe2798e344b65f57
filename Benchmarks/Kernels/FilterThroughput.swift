/// Filter throughput: star-join code tests and value ranges on encoded chunks.

import StarlingColumns
import StarlingEncoding

/// Runs `IntegerChunkView.select` over 64Ki-row chunks of lineorder-like columns, as a scan's
/// filter steps do, and reports millions of rows tested per second on one core: a code test
/// against a dimension bitmap (one bit per dimension row), a value range, over every row or
/// over the rows an earlier step kept.
struct FilterThroughput {
    let data: LineorderLikeData
    let runs: Int

    /// Views of `column`'s chunks encoded with `encoding`, with the bytes that back them.
    func views(_ column: String, _ encoding: Encoding) throws -> [IntegerChunkView] {
        try views(data.column(column), encoding)
    }

    /// Views of `vector`'s chunks encoded with `encoding`.
    func views(_ vector: ColumnVector, _ encoding: Encoding) throws -> [IntegerChunkView] {
        try stride(from: 0, to: vector.count, by: DecodeThroughput.chunkRows).compactMap { start in
            let slice = vector.slice(start..<min(start + DecodeThroughput.chunkRows, vector.count))
            let chunk = ColumnEncoder.encode(slice, forcing: encoding)
            let storage = chunk.bytes.withUnsafeBytes { ByteStorage(copying: $0) }
            return try IntegerChunkView.make(UnsafeRawBufferPointer(start: storage.baseAddress, count: chunk.bytes.count), owner: storage,
                                             encoding: chunk.encoding, physical: slice.type.physicalType, count: slice.count)
        }
    }

    /// A bitmap over codes `0 ..< domain` where about `share` of them qualify, at random.
    static func bitmap(domain: Int, share: Double) -> CodeBitmap {
        var random = SplitMix64(seed: 7)
        let threshold = UInt64(share * 1_000_000)
        return CodeBitmap((0..<domain).map { _ in random.next() % 1_000_000 < threshold })
    }

    func report() throws {
        print("Filter throughput (million rows tested per second per core; 'among 20 %': the rows an earlier step kept)")
        print(pad("kernel", 58, right: false) + pad("rows kept", 11) + pad("median ms", 11) + pad("M rows/s", 10))
        let partCodes = Self.bitmap(domain: 200_001, share: 0.04)
        let supplierCodes = Self.bitmap(domain: 2_001, share: 0.2)
        let customerCodes = Self.bitmap(domain: 30_001, share: 0.2)
        let firstDay = Int64(CalendarDate(year: 1993, month: 1, day: 1).daysSinceEpoch)
        let part = try views("lo_partkey", .bitPacked)
        // Part keys as at scale factor 10: 800 K codes, a 100 KB bitmap that no longer fits the
        // first-level cache.
        var random = SplitMix64(seed: 10)
        let count = data.column("lo_partkey").count
        let largePart = try views(ColumnVector(type: .integer, values: (0..<count).map { _ in .integer(1 + Int64(random.next() % 800_000)) }), .bitPacked)
        let largePartCodes = Self.bitmap(domain: 800_001, share: 0.04)
        let supplier = try views("lo_suppkey", .bitPacked)
        let customer = try views("lo_custkey", .runLength)
        let discount = try views("lo_discount", .bitPacked)
        let quantity = try views("lo_quantity", .bitPacked)
        let orderDate = try views("lo_orderdate", .bitPacked)
        // Every fifth row: the rows a 20 % first step leaves.
        let fifth = stride(from: 0, to: DecodeThroughput.chunkRows, by: 5).map { Int32($0) }
        let cases: [(String, [IntegerChunkView], (IntegerChunkView) throws -> [Int32])] = [
            ("code test, bit-packed lo_partkey, 4 % of 200 K codes", part, { try $0.select(qualifying: partCodes, among: nil) }),
            ("code test, bit-packed lo_partkey, 4 % of 800 K codes", largePart, { try $0.select(qualifying: largePartCodes, among: nil) }),
            ("code test, bit-packed lo_suppkey, 20 % of 2 K codes", supplier, { try $0.select(qualifying: supplierCodes, among: nil) }),
            ("code test, lo_suppkey among 20 %", supplier, { view in
                try view.select(qualifying: supplierCodes, among: view.count == DecodeThroughput.chunkRows ? fifth : fifth.filter { Int($0) < view.count })
            }),
            ("code test, run-length lo_custkey, 20 % of 30 K codes", customer, { try $0.select(qualifying: customerCodes, among: nil) }),
            ("range, bit-packed lo_discount BETWEEN 1 AND 3", discount, { try $0.select(from: 1, through: 3, among: nil) }),
            ("range, bit-packed lo_quantity < 25", quantity, { try $0.select(from: .min, through: 24, among: nil) }),
            ("range, bit-packed lo_orderdate in 1993", orderDate, { try $0.select(from: firstDay, through: firstDay + 364, among: nil) }),
        ]
        for (label, views, select) in cases {
            var kept = 0
            var tested = 0
            let seconds = try medianSeconds(runs: runs) {
                kept = 0
                tested = 0
                for view in views {
                    kept += try select(view).count
                    tested += view.count
                }
            }
            let share = label.contains("among") ? tested / 5 : tested
            print(pad(label, 58, right: false) + pad(fixed(Double(kept) / Double(max(tested, 1)) * 100, 1) + " %", 11)
                + pad(fixed(seconds * 1000, 2), 11) + pad(fixed(Double(share) / seconds / 1e6, 0), 10))
        }
        try reportGathers(customer: customer)
    }

    /// Late materialisation: the values at the rows the filters left (every 30th row, about the
    /// 3 % a two-dimension star join keeps, and all but every 70th, TPC-H Q1's 98.6 %), and every
    /// row, from a run-length and a bit-packed chunk.
    func reportGathers(customer: [IntegerChunkView]) throws {
        print("Gather throughput (million rows read per second per core)")
        print(pad("kernel", 58, right: false) + pad("rows read", 11) + pad("median ms", 11) + pad("M rows/s", 10))
        let revenue = try views("lo_revenue", .bitPacked)
        let every30th = stride(from: 0, to: DecodeThroughput.chunkRows, by: 30).map { Int32($0) }
        let most = (0..<DecodeThroughput.chunkRows).filter { $0 % 70 != 69 }.map { Int32($0) }
        let cases: [(String, [IntegerChunkView], [Int32]?)] = [
            ("gather, run-length lo_custkey, every 30th row", customer, every30th),
            ("gather, bit-packed lo_revenue, every 30th row", revenue, every30th),
            ("gather, bit-packed lo_revenue, 69 rows of 70", revenue, most),
            ("gather, bit-packed lo_revenue, every row", revenue, nil),
        ]
        for (label, views, selection) in cases {
            var read = 0
            let seconds = try medianSeconds(runs: runs) {
                read = 0
                for view in views {
                    let rows = selection.map { rows in
                        view.count == DecodeThroughput.chunkRows ? rows : rows.filter { Int($0) < view.count }
                    }
                    read += try view.gather(rows).count
                }
            }
            print(pad(label, 58, right: false) + pad(String(read), 11) + pad(fixed(seconds * 1000, 2), 11)
                + pad(fixed(Double(read) / seconds / 1e6, 0), 10))
        }
    }
}
