/// Encoding of VARCHAR chunks: plain, dictionary and run-length over byte runs.

import StarlingColumns

/// A chunk of strings as borrowed byte runs, with NULL rows filled by the previous non-NULL
/// string. The source vector must stay alive while this exists.
struct StringChunk {
    let values: [UnsafeRawBufferPointer]
    let validity: ValidityBitmap?

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
        var minimum: UnsafeRawBufferPointer?
        var maximum: UnsafeRawBufferPointer?
        var runs = 0
        var runBytes = 0
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
        var table = ByteSliceTable(limit: forced == .dictionary ? max(count, 1) : min(ColumnEncoder.exactDistinctLimit, max(count, 1)))
        var numbers = [UInt32](repeating: 0, count: count)
        var overflowed = false
        for (row, value) in values.enumerated() {
            guard let number = table.number(of: value) else { overflowed = true; break }
            numbers[row] = UInt32(number)
        }
        let distinctCount: UInt64
        if overflowed {
            var sketch = HyperLogLog()
            for value in values { sketch.add(hash: XXHash64.hash(value)) }
            distinctCount = sketch.estimate
        } else {
            // NULL rows repeat neighbouring strings, so this counts the distinct non-NULL ones.
            distinctCount = count > nullCount ? UInt64(table.distinct.count) : 0
        }

        let plainSize = StringChunk.plainSize(values)
        var sizes: [(Encoding, Int)] = [(.plain, plainSize)]
        sizes.append((.runLength, 4 + 4 * (runs + 1) + runBytes + 4 * runs))
        if !overflowed {
            let codeWidth = BitPacking.bitWidth(of: UInt64(max(table.distinct.count - 1, 0)))
            sizes.append((.dictionary, 4 + 4 * (table.distinct.count + 1) + table.distinctBytes + 1 + BitPacking.packedByteCount(count: count, width: codeWidth)))
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
            let order = table.distinct.indices.sorted { compareBytes(table.distinct[$0], table.distinct[$1]) < 0 }
            var codeOfNumber = [UInt32](repeating: 0, count: order.count)
            for (code, number) in order.enumerated() { codeOfNumber[number] = UInt32(code) }
            writer.write(littleEndian: UInt32(order.count))
            StringChunk.writePlain(order.map { table.distinct[$0] }, into: &writer)
            let codeWidth = BitPacking.bitWidth(of: UInt64(max(order.count - 1, 0)))
            writer.write(UInt8(codeWidth))
            BitPacking.pack(numbers.lazy.map { UInt64(codeOfNumber[Int($0)]) }, width: codeWidth, into: &writer)
        case .bitPacked, .delta, .packedRunLength:
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
