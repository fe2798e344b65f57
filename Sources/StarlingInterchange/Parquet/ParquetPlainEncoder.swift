/// Parquet's PLAIN encoding of a column chunk's values and dictionaries, and their statistics.

import StarlingParquet

#if !_endian(little)
    #error("the Parquet writer copies integers and doubles as they are in memory: little-endian hosts only")
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// PLAIN values of one column chunk: INT32 and INT64 as little-endian integers, DOUBLE as
/// little-endian IEEE 754, BOOLEAN as bits (least significant first), BYTE_ARRAY as a 4-byte
/// little-endian length and the bytes.
struct ParquetPlainEncoder {
    let column: ParquetColumnSchema
    let buffer: ParquetColumnBuffer

    /// The PLAIN size of every value.
    var estimatedBytes: Int {
        switch column.physical {
        case .boolean: return (buffer.valueCount + 7) / 8
        case .int32: return 4 * buffer.valueCount
        case .int64, .double: return 8 * buffer.valueCount
        case .byteArray: return 4 * buffer.valueCount + buffer.stringBytes.count
        }
    }

    /// Appends values `range` (indices among present values).
    func appendValues(_ range: Range<Int>, to output: inout [UInt8]) {
        switch column.physical {
        case .boolean:
            var byte: UInt8 = 0
            for (offset, flag) in buffer.booleans[range].enumerated() {
                if flag { byte |= 1 << UInt8(offset & 7) }
                if offset & 7 == 7 {
                    output.append(byte)
                    byte = 0
                }
            }
            if range.count & 7 != 0 { output.append(byte) }
        case .int32:
            Self.appendInt32(buffer.integers[range], to: &output)
        case .int64:
            buffer.integers[range].withUnsafeBytes { output.append(contentsOf: $0) }
        case .double:
            buffer.doubles[range].withUnsafeBytes { output.append(contentsOf: $0) }
        case .byteArray:
            buffer.stringBytes.withUnsafeBufferPointer { bytes in
                for index in range {
                    let value = buffer.string(index, in: bytes)
                    Self.appendLittleEndian(UInt32(value.count), to: &output)
                    output.append(contentsOf: value)
                }
            }
        }
    }

    /// The PLAIN size of `dictionary`'s entries.
    func dictionaryBytes(_ dictionary: ParquetDictionary) -> Int {
        switch column.physical {
        case .boolean: return 0
        case .int32: return 4 * dictionary.entries.count
        case .int64, .double: return 8 * dictionary.entries.count
        case .byteArray:
            return dictionary.entries.reduce(0) { total, first in
                let index = Int(first)
                return total + 4 + buffer.stringEnds[index] - (index == 0 ? 0 : buffer.stringEnds[index - 1])
            }
        }
    }

    /// The dictionary page's body: the entries, PLAIN.
    func dictionaryPage(_ dictionary: ParquetDictionary) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(dictionaryBytes(dictionary))
        switch column.physical {
        case .boolean: break
        case .int32: Self.appendInt32(dictionary.entries[...], to: &output)
        case .int64, .double:
            // Doubles' entries are their bit patterns.
            dictionary.entries.withUnsafeBytes { output.append(contentsOf: $0) }
        case .byteArray:
            buffer.stringBytes.withUnsafeBufferPointer { bytes in
                for first in dictionary.entries {
                    let value = buffer.string(Int(first), in: bytes)
                    Self.appendLittleEndian(UInt32(value.count), to: &output)
                    output.append(contentsOf: value)
                }
            }
        }
        return output
    }

    /// Min, max and NULL count. Doubles leave NaN out (and have no min or max when every value
    /// is NaN); a zero minimum is written -0.0 and a zero maximum +0.0, as the format asks.
    /// Strings compare as unsigned bytes, and are left out past ``ParquetChunkEncoder/maximumStatisticBytes``.
    /// With a `dictionary`, only its entries are compared.
    func statistics(_ dictionary: ParquetDictionary?) -> ParquetStatistics {
        var statistics = ParquetStatistics(minimum: nil, maximum: nil, nullCount: buffer.nullCount)
        switch column.physical {
        case .boolean:
            guard !buffer.booleans.isEmpty else { break }
            statistics.minimum = [buffer.booleans.contains(false) ? 0 : 1]
            statistics.maximum = [buffer.booleans.contains(true) ? 1 : 0]
        case .int32, .int64:
            let integers = dictionary?.entries ?? buffer.integers
            guard var minimum = integers.first else { break }
            var maximum = minimum
            integers.withUnsafeBufferPointer { values in
                for value in values {
                    minimum = Swift.min(minimum, value)
                    maximum = Swift.max(maximum, value)
                }
            }
            statistics.minimum = plain(minimum)
            statistics.maximum = plain(maximum)
        case .double:
            var minimum = Double.infinity
            var maximum = -Double.infinity
            var any = false
            let doubles =
                dictionary.map { $0.entries.map { Double(bitPattern: UInt64(bitPattern: $0)) } } ?? buffer.doubles
            for value in doubles where !value.isNaN {
                minimum = Swift.min(minimum, value)
                maximum = Swift.max(maximum, value)
                any = true
            }
            guard any else { break }
            if minimum == 0 { minimum = -0.0 }
            if maximum == 0 { maximum = 0.0 }
            statistics.minimum = withUnsafeBytes(of: minimum.bitPattern.littleEndian) { Array($0) }
            statistics.maximum = withUnsafeBytes(of: maximum.bitPattern.littleEndian) { Array($0) }
        case .byteArray:
            buffer.stringBytes.withUnsafeBufferPointer { bytes in
                guard buffer.valueCount > 0 else { return }
                var minimum = buffer.string(0, in: bytes)
                var maximum = minimum
                func visit(_ index: Int) {
                    let value = buffer.string(index, in: bytes)
                    if Self.precedes(value, minimum) { minimum = value }
                    if Self.precedes(maximum, value) { maximum = value }
                }
                if let dictionary {
                    for first in dictionary.entries { visit(Int(first)) }
                } else {
                    for index in 1..<buffer.valueCount { visit(index) }
                }
                guard minimum.count <= ParquetChunkEncoder.maximumStatisticBytes,
                    maximum.count <= ParquetChunkEncoder.maximumStatisticBytes
                else { return }
                statistics.minimum = Array(minimum)
                statistics.maximum = Array(maximum)
            }
        }
        return statistics
    }

    /// Whether `left` sorts before `right` as unsigned bytes.
    @inline(__always)
    static func precedes(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = Swift.min(left.count, right.count)
        if common > 0, let a = left.baseAddress, let b = right.baseAddress {
            let order = memcmp(a, b, common)
            if order != 0 { return order < 0 }
        }
        return left.count < right.count
    }

    /// An integer as the column's physical type writes it.
    private func plain(_ value: Int64) -> [UInt8] {
        column.physical == .int32
            ? withUnsafeBytes(of: Int32(truncatingIfNeeded: value).littleEndian) { Array($0) }
            : withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    static func appendInt32(_ values: ArraySlice<Int64>, to output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: 4 * values.count))
        output.withUnsafeMutableBytes { raw in
            var offset = start
            for value in values {
                raw.storeBytes(of: Int32(truncatingIfNeeded: value).littleEndian, toByteOffset: offset, as: Int32.self)
                offset += 4
            }
        }
    }

    static func appendLittleEndian(_ value: UInt32, to output: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
    }
}
