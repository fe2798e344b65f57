/// The chunk harness: one encoded column chunk through the decoders that read chunks.

import StarlingColumns
import StarlingEncoding

/// Feeds one chunk's encoded bytes (as stored after decompression) to ``ColumnDecoder`` and
/// ``IntegerChunkView``.
///
/// Input: the encoding (byte 0, modulo 7: plain, dictionary, rle, bitpack, delta, packed-rle,
/// keyed), the type (byte 1, modulo 10: BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, DOUBLE,
/// DECIMAL, DATE, TIMESTAMP, VARCHAR), a DECIMAL's precision and scale (byte 2), the row count
/// (bytes 3–4, little-endian), then the chunk's bytes.
///
/// Checks (``checkAgreement(decoded:view:type:)``): every decoded row can be read; an integer
/// chunk the view reads gives the decoder's values, rows by range and rows by code bitmap; and
/// the view and the decoder accept the same chunks (the view may defer a dictionary code past
/// the end to the rows read).
enum ChunkHarness {
    static let types: [LogicalType] = [
        .boolean, .tinyint, .smallint, .integer, .bigint, .double, .decimal(precision: 18, scale: 2), .date, .timestamp,
        .varchar,
    ]
    /// A view's owner when the bytes are the harness input itself.
    static let noOwner = ByteStorage(byteCount: 0)

    static func run(_ bytes: UnsafeRawBufferPointer) {
        var input = FuzzInput(bytes)
        let encoding = Encoding(rawValue: input.byte() % 7) ?? .plain
        var type = types[Int(input.byte() % 10)]
        let precisionByte = Int(input.byte())
        if case .decimal = type {
            let precision = 1 + precisionByte % 18
            type = .decimal(precision: precision, scale: (precisionByte / 18) % (precision + 1))
        }
        let count = input.uint16()
        // The rest of the input, not a copy: a read past the chunk's end is past the input's.
        let chunk = input.rest
        if encoding == .keyed { _ = try? ColumnDecoder.keyColumn(ofKeyed: chunk) }
        let decoded = Result { () throws(EncodedDataError) -> ColumnVector in
            try ColumnDecoder.decode(chunk, encoding: encoding, type: type, count: count)
        }
        let view = Result { () throws(EncodedDataError) -> IntegerChunkView? in
            try IntegerChunkView.make(
                chunk, owner: noOwner, encoding: encoding, physical: type.physicalType, count: count)
        }
        checkAgreement(decoded: decoded, view: view, type: type)
    }

    /// Reads every row of `decoded`; compares the view's values and selections with it.
    static func checkAgreement<DecodeError: Error, ViewError: Error>(
        decoded: Result<ColumnVector, DecodeError>, view: Result<IntegerChunkView?, ViewError>, type: LogicalType
    ) {
        var values: [Int64]?
        if case .success(let vector) = decoded {
            FuzzCheck.expect(vector.type == type, "decoded a \(vector.type) chunk as \(type)")
            values = touch(vector)
        }
        switch view {
        case .failure(let error):
            FuzzCheck.expect(values == nil, "the decoder reads the chunk, the view refuses it: \(error)")
        case .success(nil):
            return
        case .success(let view?):
            let gathered = Result { () throws(EncodedDataError) -> [Int64] in try view.gather(nil) }
            guard let values else {
                // The decoder refused the chunk: the view may only have deferred the dictionary check.
                if case .success(let all) = gathered {
                    fatalError("fuzz check failed: the view reads \(all.count) values of a chunk the decoder refuses")
                }
                return
            }
            guard case .success(let all) = gathered else {
                fatalError("fuzz check failed: the decoder reads the chunk, the view's gather fails: \(gathered)")
            }
            FuzzCheck.expect(all == values, "the view gathers \(all.prefix(8))…, the decoder \(values.prefix(8))…")
            checkSelections(view, values: values)
        }
    }

    /// Range and code-bitmap selections, every row and a sparse list of rows, against `values`.
    static func checkSelections(_ view: IntegerChunkView, values: [Int64]) {
        guard let first = values.first, let last = values.last else { return }
        let (low, high) = (min(first, values[values.count / 2]), max(last, values[values.count / 2]))
        let candidates: [Int32] = stride(from: 0, to: values.count, by: 3).map { Int32($0) }
        for among in [nil, candidates] {
            let rows = among ?? values.indices.map { Int32($0) }
            let inRange = try? view.select(from: low, through: high, among: among)
            let expected = rows.filter { low <= values[Int($0)] && values[Int($0)] <= high }
            FuzzCheck.expect(
                inRange == expected,
                "rows in \(low)...\(high): the view selects \(FuzzCheck.shown(inRange?.prefix(8)))…, "
                    + "expected \(expected.prefix(8))…")
            // Codes: every third of 0 ..< 200 (the bitmap ignores code 0, negative codes and codes
            // past its end).
            let bitmap = CodeBitmap((0..<200).map { $0 % 3 == 1 })
            let qualifying = try? view.select(qualifying: bitmap, among: among)
            let expectedCodes = rows.filter { bitmap.contains(values[Int($0)]) }
            FuzzCheck.expect(
                qualifying == expectedCodes,
                "rows by code: the view selects \(FuzzCheck.shown(qualifying?.prefix(8)))…, "
                    + "expected \(expectedCodes.prefix(8))…")
        }
        if let selection = AscendingRows(candidates, limit: values.count) {
            let gathered = try? view.gather(selection)
            FuzzCheck.expect(gathered == candidates.map { values[Int($0)] }, "the view gathers every third row wrongly")
        }
    }

    /// Reads every row of `vector`; its values as integers when its type is integer-like.
    static func touch(_ vector: ColumnVector) -> [Int64]? {
        var integers: [Int64]? = vector.type.physicalType.typeClass == .integer ? [] : nil
        for row in 0..<vector.count {
            switch vector.value(at: row) {
            case .integer(let value): integers?.append(value)
            case .boolean(let flag): integers?.append(flag ? 1 : 0)
            case .null: integers = nil
            case .double, .string, .interval: break
            }
            if vector.type.physicalType == .string, !vector.isNull(row) { _ = vector.stringBytes(at: row) }
        }
        return integers
    }
}
