/// Encoding of VARCHAR chunks: plain, dictionary and run-length over byte runs.

import StarlingColumns

/// A chunk of strings as borrowed byte runs, with NULL rows filled by the previous non-NULL
/// string. The source vector must stay alive while this exists.
struct StringChunk {
    let values: [UnsafeRawBufferPointer]
    let validity: ValidityBitmap?
    /// When the strings were numbered for the whole vector: each row's number, and the strings
    /// by number (so encoding needs no hashing).
    var numbered: (numbers: [UInt32], distinct: [UnsafeRawBufferPointer])?

    /// The rows `rows` of `vector`, which has no NULLs, borrowed straight from its storage.
    init(_ vector: ColumnVector, rows: ChunkRows) {
        precondition(vector.nullCount == 0, "rows of a vector with NULLs are sliced first")
        validity = nil
        switch rows {
        case .range(let range): values = range.map { vector.stringBytes(at: $0) }
        case .picked(let picked): values = picked.map { vector.stringBytes(at: Int($0)) }
        }
    }

    /// The rows `rows` of a vector whose strings `numbering` numbered.
    init(_ numbering: StringNumbering, rows: ChunkRows) {
        let numbers = numbering.numbers(rows)
        let distinct = numbering.distinct
        validity = nil
        values = numbers.map { distinct[Int($0)] }
        numbered = (numbers, distinct)
    }

    init(_ vector: ColumnVector) {
        validity = vector.nullCount > 0 ? vector.validity : nil
        var slices = (0..<vector.count).map { vector.stringBytes(at: $0) }
        if let validity, let firstValid = (0..<slices.count).first(where: { validity.isValid($0) }) {
            var previous = slices[firstValid]
            for index in slices.indices {
                if validity.isValid(index) { previous = slices[index] } else { slices[index] = previous }
            }
        }
        values = slices
    }

    /// Writes strings as `count + 1` `u32` offsets then the bytes.
    static func writePlain(_ strings: [UnsafeRawBufferPointer], into writer: inout ByteWriter) {
        var offset: UInt32 = 0
        writer.write(littleEndian: offset)
        for string in strings {
            offset += UInt32(string.count)
            writer.write(littleEndian: offset)
        }
        for string in strings { writer.write(bytes: string) }
    }

    static func plainSize(_ strings: [UnsafeRawBufferPointer]) -> Int {
        4 * (strings.count + 1) + strings.reduce(0) { $0 + $1.count }
    }

    func encode(into writer: inout ByteWriter, nullCount: Int, forcing forced: Encoding?) -> EncodedChunk {
        let count = values.count
        // Number the distinct strings in order of first appearance: from the vector's numbering
        // when there is one, else by hashing (one hash and, on a match, one comparison per row).
        var numbers = [UInt32](repeating: 0, count: count)
        var distinct: [UnsafeRawBufferPointer] = []
        var distinctBytes = 0
        var overflowed = false
        if let numbered {
            var local = [Int32](repeating: -1, count: numbered.distinct.count)
            numbered.numbers.withUnsafeBufferPointer { source in
                for row in 0..<count {
                    let global = Int(source[row])
                    var number = local[global]
                    if number < 0 {
                        number = Int32(distinct.count)
                        local[global] = number
                        distinct.append(numbered.distinct[global])
                        distinctBytes += numbered.distinct[global].count
                    }
                    numbers[row] = UInt32(number)
                }
            }
        } else {
            var table = ByteSliceTable(limit: forced == .dictionary ? max(count, 1) : min(ColumnEncoder.exactDistinctLimit, max(count, 1)))
            for (row, value) in values.enumerated() {
                guard let number = table.number(of: value) else { overflowed = true; break }
                numbers[row] = UInt32(number)
            }
            distinct = table.distinct
            distinctBytes = table.distinctBytes
        }
        var minimum: UnsafeRawBufferPointer?
        var maximum: UnsafeRawBufferPointer?
        var runs = 0
        var runBytes = 0
        let distinctCount: UInt64
        if overflowed {
            for index in 0..<count {
                let value = values[index]
                if validity?.isValid(index) ?? true {
                    if minimum.map({ compareBytes(value, $0) < 0 }) ?? true { minimum = value }
                    if maximum.map({ compareBytes(value, $0) > 0 }) ?? true { maximum = value }
                }
                if index == 0 || compareBytes(values[index - 1], value) != 0 {
                    runs += 1
                    runBytes += value.count
                }
            }
            var sketch = HyperLogLog()
            for value in values { sketch.add(hash: XXHash64.hash(value)) }
            distinctCount = sketch.estimate
        } else {
            // Runs by number, and the minimum and maximum among the distinct strings: NULL rows
            // repeat neighbouring strings, so every distinct string is some valid row's, and
            // this counts the distinct non-NULL ones.
            numbers.withUnsafeBufferPointer { numbers in
                for index in 0..<count where index == 0 || numbers[index - 1] != numbers[index] {
                    runs += 1
                    runBytes += distinct[Int(numbers[index])].count
                }
            }
            if count > nullCount {
                for value in distinct {
                    if minimum.map({ compareBytes(value, $0) < 0 }) ?? true { minimum = value }
                    if maximum.map({ compareBytes(value, $0) > 0 }) ?? true { maximum = value }
                }
            }
            distinctCount = count > nullCount ? UInt64(distinct.count) : 0
        }

        let plainSize = StringChunk.plainSize(values)
        var sizes: [(Encoding, Int)] = [(.plain, plainSize)]
        sizes.append((.runLength, 4 + 4 * (runs + 1) + runBytes + 4 * runs))
        if !overflowed {
            let codeWidth = BitPacking.bitWidth(of: UInt64(max(distinct.count - 1, 0)))
            sizes.append((.dictionary, 4 + 4 * (distinct.count + 1) + distinctBytes + 1 + BitPacking.packedByteCount(count: count, width: codeWidth)))
        }
        let encoding = forced ?? ColumnEncoder.smallest(sizes)
        precondition(encoding.supports(.string), "\(encoding) cannot store VARCHAR")

        switch encoding {
        case .plain:
            StringChunk.writePlain(values, into: &writer)
        case .runLength:
            var runValues: [UnsafeRawBufferPointer] = []
            var runLengths: [UInt32] = []
            for value in values {
                if let last = runValues.last, compareBytes(last, value) == 0, runLengths[runLengths.count - 1] < UInt32.max {
                    runLengths[runLengths.count - 1] += 1
                } else {
                    runValues.append(value)
                    runLengths.append(1)
                }
            }
            writer.write(littleEndian: UInt32(runValues.count))
            StringChunk.writePlain(runValues, into: &writer)
            for length in runLengths { writer.write(littleEndian: length) }
        case .dictionary:
            // Sort the distinct strings; each row's code is its string's place in that order.
            let order = distinct.indices.sorted { compareBytes(distinct[$0], distinct[$1]) < 0 }
            var codeOfNumber = [UInt32](repeating: 0, count: order.count)
            for (code, number) in order.enumerated() { codeOfNumber[number] = UInt32(code) }
            writer.write(littleEndian: UInt32(order.count))
            StringChunk.writePlain(order.map { distinct[$0] }, into: &writer)
            let codeWidth = BitPacking.bitWidth(of: UInt64(max(order.count - 1, 0)))
            writer.write(UInt8(codeWidth))
            BitPacking.pack(numbers.lazy.map { UInt64(codeOfNumber[Int($0)]) }, width: codeWidth, into: &writer)
        case .bitPacked, .delta, .packedRunLength, .keyed:
            preconditionFailure("unreachable: checked above")
        }

        var statistics = ChunkStatistics(nullCount: nullCount, distinctCount: distinctCount, minimum: .null, maximum: .null)
        if let minimum, let maximum {
            statistics.minimum = .string(String(decoding: minimum, as: UTF8.self))
            statistics.maximum = .string(String(decoding: maximum, as: UTF8.self))
        }
        return EncodedChunk(bytes: writer.bytes, encoding: encoding, statistics: statistics, plainSize: plainSize)
    }
}
