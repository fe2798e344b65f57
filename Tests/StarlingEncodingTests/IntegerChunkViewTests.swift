/// Reading integer chunks row by row from their encoded bytes, for every encoding the view reads.

import StarlingColumns
import Testing

@testable import StarlingEncoding

@Suite("Integer chunk view")
struct IntegerChunkViewTests {
    /// A view of `values` (of `type`) encoded with `encoding`.
    static func view(_ values: [Int64], type: LogicalType, encoding: Encoding) throws -> IntegerChunkView? {
        let vector = ColumnVector(type: type, values: values.map { .integer($0) })
        let chunk = ColumnEncoder.encode(vector, forcing: encoding)
        #expect(chunk.encoding == encoding)
        let storage = chunk.bytes.withUnsafeBytes { ByteStorage(copying: $0) }
        return try IntegerChunkView.make(
            UnsafeRawBufferPointer(start: storage.baseAddress, count: chunk.bytes.count), owner: storage,
            encoding: encoding, physical: type.physicalType, count: values.count)
    }

    /// Runs of 1 to 7 equal values, like an order's lines sharing a customer.
    static let values: [Int64] = {
        var random = SplitMix64(seed: 7)
        var result: [Int64] = []
        while result.count < 5000 {
            let value = Int64(random.next() % 3000) - 100
            result += Array(repeating: value, count: 1 + Int(random.next() % 7))
        }
        return Array(result.prefix(5000))
    }()

    @Test(
        "every encoding it reads gives the decoded values, for all rows and for a selection",
        arguments: [Encoding.plain, .bitPacked, .dictionary, .runLength, .packedRunLength])
    func matchesDecoder(encoding: Encoding) throws {
        let view = try #require(try Self.view(Self.values, type: .integer, encoding: encoding))
        #expect(try view.gather(nil) == Self.values)
        let rows: [Int32] = stride(from: 3, to: 5000, by: 17).map { Int32($0) } + [4999]
        #expect(try view.gather(rows) == rows.map { Self.values[Int($0)] })
        // A selection that goes backwards still reads the right values.
        #expect(try view.gather([4000, 10, 2500]) == [Self.values[4000], Self.values[10], Self.values[2500]])
    }

    @Test(
        "a dense ascending selection, picked from blocks as they are unpacked, gives the decoded values",
        arguments: [Encoding.plain, .bitPacked, .dictionary, .runLength, .packedRunLength])
    func gathersDenseSelections(encoding: Encoding) throws {
        let view = try #require(try Self.view(Self.values, type: .integer, encoding: encoding))
        // Every row but each fifth (blocks of 1,024 rows, the chunk's last block short).
        let rows = (0..<5000).filter { $0 % 5 != 2 }.map { Int32($0) }
        let ascending = try #require(AscendingRows(rows, limit: 5000))
        #expect(try view.gather(ascending) == rows.map { Self.values[Int($0)] })
        #expect(try view.gather(rows) == rows.map { Self.values[Int($0)] })
        if let bounds = view.valueBounds {
            #expect(Self.values.allSatisfy { bounds.contains($0) })
        } else {
            #expect(encoding == .plain)
        }
        // A selection checked against another chunk's row count is refused.
        let other = try #require(AscendingRows(rows, limit: 6000))
        #expect(throws: EncodedDataError.self) { try view.gather(other) }
    }

    @Test("a dictionary code past the dictionary is an error for the view, the integer decoder and the string decoder")
    func codesPastTheDictionary() throws {
        // Three entries take 2-bit codes; setting every code bit makes every code 3.
        func corrupted(_ vector: ColumnVector) -> [UInt8] {
            var bytes = ColumnEncoder.encode(vector, forcing: .dictionary).bytes
            let packed = BitPacking.packedByteCount(count: vector.count, width: 2)
            for index in (bytes.count - packed)..<bytes.count { bytes[index] = 0xFF }
            return bytes
        }
        let integers = corrupted(ColumnVector(type: .integer, values: (0..<3000).map { .integer(Int64($0 % 3) * 10) }))
        #expect(throws: EncodedDataError.self) {
            try ColumnDecoder.decode(integers, encoding: .dictionary, type: .integer, count: 3000)
        }
        let storage = integers.withUnsafeBytes { ByteStorage(copying: $0) }
        let view = try #require(
            try IntegerChunkView.make(
                UnsafeRawBufferPointer(start: storage.baseAddress, count: integers.count), owner: storage,
                encoding: .dictionary, physical: .int32, count: 3000))
        let rows = (0..<3000).filter { $0 % 4 != 0 }.map { Int32($0) }
        #expect(throws: EncodedDataError.self) { try view.gather(try #require(AscendingRows(rows, limit: 3000))) }
        #expect(throws: EncodedDataError.self) { try view.gather([5, 1]) }
        let letters = ColumnVector(type: .varchar, values: (0..<3000).map { .string(["a", "b", "c"][$0 % 3]) })
        let strings = corrupted(letters)
        #expect(throws: EncodedDataError.self) {
            try ColumnDecoder.decode(strings, encoding: .dictionary, type: .varchar, count: 3000)
        }
    }

    @Test("ascending rows are checked once: out of order, repeated or out of range rows are not ascending")
    func ascendingRows() {
        #expect(AscendingRows([0, 1, 5, 9], limit: 10)?.rows == [0, 1, 5, 9])
        #expect(AscendingRows([0, 1, 1, 9], limit: 10) == nil)
        #expect(AscendingRows([0, 3, 2], limit: 10) == nil)
        #expect(AscendingRows([0, 10], limit: 10) == nil)
        #expect(AscendingRows([-1, 3], limit: 10) == nil)
        #expect(AscendingRows([], limit: 10) == nil)
        #expect(AscendingRows([7], limit: 10)?.rows == [7])
    }

    @Test(
        "select keeps the rows whose value is a qualifying code, in order",
        arguments: [Encoding.plain, .bitPacked, .dictionary, .runLength, .packedRunLength])
    func selects(encoding: Encoding) throws {
        let codes = Self.values.map { $0 + 100 }  // 0..<3000, as row codes are
        let view = try #require(try Self.view(codes, type: .integer, encoding: encoding))
        // Code 0 is the unknown member and never qualifies, whatever the bitmap was given.
        let qualifies = (0..<3000).map { $0 % 3 == 0 }
        let passes = { (code: Int64) in code != 0 && qualifies[Int(code)] }
        let bitmap = CodeBitmap(qualifies)
        let expected = codes.indices.filter { passes(codes[$0]) }.map { Int32($0) }
        #expect(try view.select(qualifying: bitmap, among: nil) == expected)
        let candidates = codes.indices.filter { $0 % 2 == 0 }.map { Int32($0) }
        #expect(try view.select(qualifying: bitmap, among: candidates) == candidates.filter { passes(codes[Int($0)]) })
    }

    @Test(
        "run-length selects agree with a row-by-row filter for runs shorter, equal to and longer than 8 rows",
        arguments: [Encoding.runLength, .packedRunLength])
    func selectsRunsOfEveryLength(encoding: Encoding) throws {
        // Short runs are written as 8-row vectors and kept by moving the output position; runs
        // of 9 or more rows are written only when kept. Lengths 1...20 in a shuffled order, each
        // value kept or not, and chunks ending on a short and on a long run.
        var random = SplitMix64(seed: 11)
        for lastLength in [1, 8, 9, 20] {
            var codes: [Int64] = []
            for index in 0..<400 {
                let length = 1 + Int(random.next() % 20)
                codes += Array(repeating: Int64(1 + index % 50), count: length)
            }
            codes += Array(repeating: 3, count: lastLength)
            let view = try #require(try Self.view(codes, type: .integer, encoding: encoding))
            for keptModulus in [1, 2, 3, 50] {
                let qualifies = (0...50).map { $0 != 0 && $0 % keptModulus == 0 }
                let expected = codes.indices.filter { qualifies[Int(codes[$0])] }.map { Int32($0) }
                #expect(try view.select(qualifying: CodeBitmap(qualifies), among: nil) == expected)
                #expect(
                    try view.select(from: 1, through: Int64(keptModulus), among: nil)
                        == codes.indices.filter { codes[$0] <= Int64(keptModulus) }.map { Int32($0) })
            }
        }
    }

    @Test(
        "every row of a run-length chunk, expanded with eight-value stores, for runs of 1 to 20 rows and any last run",
        arguments: [Encoding.runLength, .packedRunLength])
    func expandsRunsOfEveryLength(encoding: Encoding) throws {
        // Runs get eight copies before their length is looked at; the next run overwrites the
        // spare ones, and the last eight rows are written one at a time. Chunks of 1 to 12 rows
        // too, where no vector store fits at all.
        var random = SplitMix64(seed: 13)
        for lastLength in [1, 2, 7, 8, 9, 20] {
            var values: [Int64] = []
            for index in 0..<300 {
                values += Array(repeating: Int64(index) * 3 - 400, count: 1 + Int(random.next() % 20))
            }
            values += Array(repeating: 5, count: lastLength)
            let view = try #require(try Self.view(values, type: .integer, encoding: encoding))
            #expect(try view.gather(nil) == values)
        }
        for count in 1...12 {
            let values = (0..<count).map { Int64($0 / 3) }
            let view = try #require(try Self.view(values, type: .integer, encoding: encoding))
            #expect(try view.gather(nil) == values)
        }
    }

    @Test(
        "runs averaging 64 rows or more are gathered by a cursor, shorter ones through the run directory; both agree with the decoder",
        arguments: [Encoding.runLength, .packedRunLength])
    func gathersLongAndShortRuns(encoding: Encoding) throws {
        var random = SplitMix64(seed: 3)
        for longest in [7, 300] {
            var values: [Int64] = []
            while values.count < 20_000 {
                values += Array(repeating: Int64(random.next() % 1000), count: 1 + Int(random.next() % UInt64(longest)))
            }
            let view = try #require(try Self.view(values, type: .integer, encoding: encoding))
            #expect((view.runDirectory != nil) == (longest == 7))
            let rows = stride(from: 5, to: values.count, by: 37).map { Int32($0) }
            #expect(try view.gather(rows) == rows.map { values[Int($0)] })
            #expect(try view.gather([15_000, 3, 19_999, 0]) == [values[15_000], values[3], values[19_999], values[0]])
        }
    }

    @Test(
        "rows outside the chunk are an error for gathers and selects of every encoding, never a read past it",
        arguments: [Encoding.plain, .bitPacked, .dictionary, .runLength, .packedRunLength])
    func rowsOutside(encoding: Encoding) throws {
        let view = try #require(try Self.view(Self.values, type: .integer, encoding: encoding))
        let bitmap = CodeBitmap((0..<3000).map { $0 % 2 == 0 })
        for rows: [Int32] in [[-1], [0, 5000], [4999, Int32.max], [Int32.min]] {
            #expect(throws: EncodedDataError.self) { try view.gather(rows) }
            #expect(throws: EncodedDataError.self) { try view.select(qualifying: bitmap, among: rows) }
            #expect(throws: EncodedDataError.self) { try view.select(from: 0, through: 10, among: rows) }
        }
        #expect(try view.gather([0, 4999]) == [Self.values[0], Self.values[4999]])
        #expect(try view.gather([]) == [])
    }

    @Test("a chunk said to hold more rows than an Int32 can number is an error")
    func tooManyRows() throws {
        let chunk = ColumnEncoder.encode(
            ColumnVector(type: .integer, values: [.integer(1), .integer(1)]), forcing: .runLength)
        let storage = chunk.bytes.withUnsafeBytes { ByteStorage(copying: $0) }
        let bytes = UnsafeRawBufferPointer(start: storage.baseAddress, count: chunk.bytes.count)
        #expect(throws: EncodedDataError.self) {
            try IntegerChunkView.make(
                bytes, owner: storage, encoding: .runLength, physical: .int32, count: Int(Int32.max) + 1)
        }
    }

    @Test(
        "select keeps the rows whose value lies in a closed range, in order, for any bounds",
        arguments: [Encoding.plain, .bitPacked, .dictionary, .runLength, .packedRunLength])
    func selectsRange(encoding: Encoding) throws {
        let view = try #require(try Self.view(Self.values, type: .bigint, encoding: encoding))
        let candidates = Self.values.indices.filter { $0 % 3 != 1 }.map { Int32($0) }
        let bounds: [(Int64, Int64)] = [
            (-50, 40), (0, 0), (2899, 2899), (-100, 2899), (3000, 5000), (-1000, -101),
            (.min, -1), (1, .max), (.min, .max), (40, -50), (.max, .max), (.min, .min),
        ]
        for (low, high) in bounds {
            let keeps = { (row: Int) in Self.values[row] >= low && Self.values[row] <= high }
            #expect(
                try view.select(from: low, through: high, among: nil)
                    == Self.values.indices.filter(keeps).map { Int32($0) })
            #expect(
                try view.select(from: low, through: high, among: candidates) == candidates.filter { keeps(Int($0)) })
        }
        #expect(try view.select(from: -100, through: 2899, among: []) == [])
    }

    @Test("a range compares values, not their encoded form, when they span the whole 64-bit range")
    func selectsExtremes() throws {
        let values: [Int64] = [.min, -1, 0, 1, .max, .min, .max, 7]
        for encoding in [Encoding.plain, .dictionary, .runLength, .packedRunLength] {
            let view = try #require(try Self.view(values, type: .bigint, encoding: encoding))
            #expect(try view.select(from: .min, through: 0, among: nil) == [0, 1, 2, 5])
            #expect(try view.select(from: 1, through: .max, among: nil) == [3, 4, 6, 7])
            #expect(try view.select(from: -1, through: 1, among: [1, 2, 3, 7]) == [1, 2, 3])
            #expect(try view.select(from: .max, through: .max, among: nil) == [4, 6])
        }
    }

    @Test(
        "bit-packed code tests agree with the bitmap whatever the frame: codes past the dimension, negative, tiny chunks",
        arguments: [Int64(0), 5, 90, 400, 5000, -7])
    func packedCodeFrames(offset: Int64) throws {
        // 100 dimension rows; fact codes from `offset` on, so some frames lie inside the padded
        // bitmap, some reach past it, and one starts below zero.
        let qualifies = (0..<100).map { $0 % 4 == 1 }
        let bitmap = CodeBitmap(qualifies)
        let passes = { (code: Int64) in code > 0 && code < 100 && qualifies[Int(code)] }
        for length in [1, 3, 9, 700] {
            let codes = (0..<length).map { offset + Int64(($0 * 37) % 150) }
            let view = try #require(try Self.view(codes, type: .bigint, encoding: .bitPacked))
            #expect(
                try view.select(qualifying: bitmap, among: nil)
                    == codes.indices.filter { passes(codes[$0]) }.map { Int32($0) })
            let candidates = codes.indices.filter { $0 % 3 != 0 }.map { Int32($0) }
            #expect(
                try view.select(qualifying: bitmap, among: candidates) == candidates.filter { passes(codes[Int($0)]) })
        }
    }

    @Test("delta chunks and chunks with NULLs are left to the full decoder")
    func declines() throws {
        #expect(try Self.view(Self.values, type: .bigint, encoding: .delta) == nil)
        let withNull = ColumnVector(type: .integer, values: [.integer(1), .null, .integer(3)])
        let chunk = ColumnEncoder.encode(withNull, forcing: .runLength)
        let storage = chunk.bytes.withUnsafeBytes { ByteStorage(copying: $0) }
        #expect(
            try IntegerChunkView.make(
                UnsafeRawBufferPointer(start: storage.baseAddress, count: chunk.bytes.count), owner: storage,
                encoding: .runLength, physical: .int32, count: 3) == nil)
    }

    @Test("run lengths that overrun or fall short of the rows are errors, never a crash")
    func badRuns() throws {
        // no NULLs, 2 runs: values 5 and 6, lengths 2 and 2, for a chunk said to hold 3 rows, then 5.
        var bytes: [UInt8] = [0]
        bytes += [2, 0, 0, 0] + [5, 0, 0, 0] + [6, 0, 0, 0] + [2, 0, 0, 0] + [2, 0, 0, 0]
        let storage = bytes.withUnsafeBytes { ByteStorage(copying: $0) }
        let buffer = UnsafeRawBufferPointer(start: storage.baseAddress, count: bytes.count)
        #expect(throws: EncodedDataError.self) {
            try IntegerChunkView.make(buffer, owner: storage, encoding: .runLength, physical: .int32, count: 3)
        }
        #expect(throws: EncodedDataError.self) {
            try IntegerChunkView.make(buffer, owner: storage, encoding: .runLength, physical: .int32, count: 5)
        }
        let fine = try #require(
            try IntegerChunkView.make(buffer, owner: storage, encoding: .runLength, physical: .int32, count: 4))
        #expect(try fine.gather(nil) == [5, 5, 6, 6])
        // A run of length 0 is an error even when the lengths add up.
        var zero: [UInt8] = [0]
        zero += [2, 0, 0, 0] + [5, 0, 0, 0] + [6, 0, 0, 0] + [0, 0, 0, 0] + [4, 0, 0, 0]
        let zeroStorage = zero.withUnsafeBytes { ByteStorage(copying: $0) }
        let zeroBuffer = UnsafeRawBufferPointer(start: zeroStorage.baseAddress, count: zero.count)
        #expect(throws: EncodedDataError.self) {
            try IntegerChunkView.make(zeroBuffer, owner: zeroStorage, encoding: .runLength, physical: .int32, count: 4)
        }
        // Lengths near 2^32 do not wrap into a plausible total.
        var huge: [UInt8] = [0]
        huge += [2, 0, 0, 0] + [5, 0, 0, 0] + [6, 0, 0, 0] + [0xFF, 0xFF, 0xFF, 0xFF] + [5, 0, 0, 0]
        let hugeStorage = huge.withUnsafeBytes { ByteStorage(copying: $0) }
        let hugeBuffer = UnsafeRawBufferPointer(start: hugeStorage.baseAddress, count: huge.count)
        #expect(throws: EncodedDataError.self) {
            try IntegerChunkView.make(hugeBuffer, owner: hugeStorage, encoding: .runLength, physical: .int32, count: 4)
        }
    }

    /// A packed run-length section: no NULLs, 2 runs, reference 5, value width 1, length width
    /// `lengthWidth`, then the packed values 0 and 1 (5 and 6) and the packed lengths minus one.
    static func packedRuns(lengthWidth: UInt8, lengths: UInt8, reference: Int64 = 5, valueWidth: UInt8 = 1) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(0)
        writer.write(littleEndian: UInt32(2))
        writer.write(littleEndian: reference)
        writer.write(valueWidth)
        writer.write(lengthWidth)
        writer.write(0b10)
        writer.write(lengths)
        return writer.bytes
    }

    @Test("packed run lengths that miss the row count, widths past the limit and values outside the type are errors")
    func badPackedRuns() throws {
        func make(_ bytes: [UInt8], _ physical: PhysicalType = .int32, count: Int) throws -> IntegerChunkView? {
            let storage = bytes.withUnsafeBytes { ByteStorage(copying: $0) }
            let buffer = UnsafeRawBufferPointer(start: storage.baseAddress, count: bytes.count)
            return try IntegerChunkView.make(
                buffer, owner: storage, encoding: .packedRunLength, physical: physical, count: count)
        }
        // Lengths 2 and 2 (stored 1 and 1 at 2 bits: 0b0101).
        let good = Self.packedRuns(lengthWidth: 2, lengths: 0b0101)
        #expect(try #require(try make(good, count: 4)).gather(nil) == [5, 5, 6, 6])
        #expect(
            try ColumnDecoder.decode(Array(good), encoding: .packedRunLength, type: .integer, count: 4).values
                == [5, 5, 6, 6].map { Value.integer($0) })
        for count in [3, 5, 0] {
            #expect(throws: EncodedDataError.self) { try make(good, count: count) }
            #expect(throws: EncodedDataError.self) {
                try ColumnDecoder.decode(good, encoding: .packedRunLength, type: .integer, count: count)
            }
        }
        // A length width past 32, a value width past 64, trailing bytes, every truncation.
        #expect(throws: EncodedDataError.self) { try make(Self.packedRuns(lengthWidth: 33, lengths: 0b0101), count: 4) }
        #expect(throws: EncodedDataError.self) {
            try make(Self.packedRuns(lengthWidth: 2, lengths: 0b0101, valueWidth: 65), count: 4)
        }
        #expect(throws: EncodedDataError.self) { try make(good + [0], count: 4) }
        for length in 0..<good.count {
            #expect(throws: EncodedDataError.self) { try make(Array(good[0..<length]), count: 4) }
        }
        // Run values outside TINYINT: 127 and 128.
        let wide = Self.packedRuns(lengthWidth: 2, lengths: 0b0101, reference: 127)
        #expect(throws: EncodedDataError.self) { try make(wide, .int8, count: 4) }
        #expect(throws: EncodedDataError.self) {
            try ColumnDecoder.decode(wide, encoding: .packedRunLength, type: .tinyint, count: 4)
        }
        #expect(try make(wide, .int16, count: 4)?.gather(nil) == [127, 127, 128, 128])
    }
}
