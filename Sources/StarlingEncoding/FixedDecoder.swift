/// Decodes fixed-width (integer, boolean, double) values sections.

import StarlingColumns

/// Decoders for the fixed-width encodings, writing straight into the vector's storage.
enum FixedDecoder {
    static func decode(
        _ reader: inout ByteReader, encoding: Encoding, physical: PhysicalType, count: Int
    ) throws(EncodedDataError) -> ByteStorage {
        switch physical {
        case .boolean: return try decode(&reader, encoding: encoding, physical: physical, count: count, as: UInt8.self)
        case .int8: return try decode(&reader, encoding: encoding, physical: physical, count: count, as: Int8.self)
        case .int16: return try decode(&reader, encoding: encoding, physical: physical, count: count, as: Int16.self)
        case .int32: return try decode(&reader, encoding: encoding, physical: physical, count: count, as: Int32.self)
        case .int64, .float64: return try decode(&reader, encoding: encoding, physical: physical, count: count, as: Int64.self)
        case .string: preconditionFailure("strings are decoded by StringDecoder")
        case .interval:
            // No encoding supports INTERVAL (the decoder checks before it gets here).
            throw EncodedDataError(offset: 0, reason: "an INTERVAL chunk cannot be decoded: segments hold no INTERVAL")
        }
    }

    /// Decodes into storage of `T` (doubles travel as their `Int64` bit patterns).
    static func decode<T: FixedWidthInteger>(
        _ reader: inout ByteReader, encoding: Encoding, physical: PhysicalType, count: Int, as: T.Type
    ) throws(EncodedDataError) -> ByteStorage {
        let storage = ByteStorage(capacity: count, of: T.self)
        let output = storage.typed(T.self, count: count)
        let width = MemoryLayout<T>.size
        // Doubles may hold any bit pattern; integers must fit their type (booleans 0 or 1).
        let range: ClosedRange<Int64> = physical == .float64 ? Int64.min...Int64.max : (physical.integerRange ?? Int64.min...Int64.max)
        switch encoding {
        case .plain:
            let bytes = try reader.readBytes(count * width, "plain values")
            UnsafeMutableRawBufferPointer(output).copyMemory(from: bytes)
            if physical == .boolean {
                try checkBooleans(output, reader: reader)
            }
        case .runLength:
            let runCount = try reader.readCount("run count", limit: count)
            let runValues = try reader.readBytes(runCount * width, "run values")
            let runLengths = try reader.readBytes(runCount * 4, "run lengths")
            var row = 0
            for run in 0..<runCount {
                let value = T(littleEndian: runValues.loadUnaligned(fromByteOffset: run * width, as: T.self))
                if physical == .boolean, value > 1 { throw reader.error("boolean run value \(value) is not 0 or 1") }
                let length = Int(UInt32(littleEndian: runLengths.loadUnaligned(fromByteOffset: run * 4, as: UInt32.self)))
                guard length > 0, length <= count - row else {
                    throw reader.error("run \(run) of length \(length) overruns the \(count) rows")
                }
                output[row..<(row + length)].update(repeating: value)
                row += length
            }
            guard row == count else { throw reader.error("runs cover \(row) rows, expected \(count)") }
        case .packedRunLength:
            let runs = try PackedRuns.read(&reader, count: count, range: range)
            var start = 0
            for (value, end) in zip(runs.values, runs.ends) {
                output[start..<Int(end)].update(repeating: T(truncatingIfNeeded: value))
                start = Int(end)
            }
        case .dictionary:
            let entryCount = try reader.readCount("dictionary size", limit: max(count, 1))
            guard entryCount > 0 || count == 0 else { throw reader.error("empty dictionary for \(count) rows") }
            let entries = try reader.readBytes(entryCount * width, "dictionary entries")
            let dictionary = (0..<entryCount).map { T(littleEndian: entries.loadUnaligned(fromByteOffset: $0 * width, as: T.self)) }
            if physical == .boolean, dictionary.contains(where: { $0 > 1 }) {
                throw reader.error("boolean dictionary entry is not 0 or 1")
            }
            // Entries are sorted and distinct (doubles by total order), so filters may compare codes.
            for index in dictionary.indices.dropFirst() {
                let previous = Int64(dictionary[index - 1]), next = Int64(dictionary[index])
                let ordered = physical == .float64 ? totalOrderKey(ofDoubleBits: previous) < totalOrderKey(ofDoubleBits: next) : previous < next
                guard ordered else { throw reader.error("dictionary entries \(index - 1) and \(index) are not in ascending order") }
            }
            let codeWidth = Int(try reader.readByte("code bit width"))
            guard codeWidth <= 32 else { throw reader.error("code bit width \(codeWidth) exceeds 32") }
            let packed = try reader.readBytes(BitPacking.packedByteCount(count: count, width: codeWidth), "dictionary codes")
            // A code past the dictionary reads entry 0 and is reported after the loop.
            var largest: UInt64 = 0
            dictionary.withUnsafeBufferPointer { entries in
                let entryCount = UInt64(entries.count)
                BitPacking.unpackBlocks(packed, count: count, width: codeWidth) { first, codes in
                    var blockLargest: UInt64 = 0
                    for offset in 0..<codes.count {
                        let code = codes[offset]
                        blockLargest = max(blockLargest, code)
                        output[first &+ offset] = entries[code < entryCount ? Int(code) : 0]
                    }
                    largest = max(largest, blockLargest)
                }
            }
            if count > 0, largest >= UInt64(entryCount) {
                throw .codePastDictionary(largest, size: entryCount, offset: reader.baseOffset + reader.offset)
            }
        case .bitPacked:
            let reference = try reader.read(Int64.self, "frame reference")
            let bitWidth = Int(try reader.readByte("bit width"))
            guard bitWidth <= 64 else { throw reader.error("bit width \(bitWidth) exceeds 64") }
            let packed = try reader.readBytes(BitPacking.packedByteCount(count: count, width: bitWidth), "bit-packed values")
            // When the largest value the frame can hold fits the type, no per-value check is needed.
            let largestOffset: UInt64 = bitWidth == 64 ? ~0 : (UInt64(1) << UInt64(bitWidth)) - 1
            let (largest, overflow) = reference.addingReportingOverflow(Int64(bitPattern: largestOffset))
            let fullRange = range == Int64.min...Int64.max
            if fullRange || (bitWidth < 64 && range.contains(reference) && !overflow && range.contains(largest)) {
                BitPacking.unpack(packed, count: count, width: bitWidth) { index, offset in
                    output[index] = T(truncatingIfNeeded: reference &+ Int64(bitPattern: offset))
                }
            } else {
                var outOfRange = false
                BitPacking.unpackBlocks(packed, count: count, width: bitWidth) { first, offsets in
                    var blockOutOfRange = false
                    for position in 0..<offsets.count {
                        let (value, overflow) = reference.addingReportingOverflow(Int64(bitPattern: offsets[position]))
                        blockOutOfRange = blockOutOfRange || overflow || !range.contains(value)
                        output[first &+ position] = T(truncatingIfNeeded: value)
                    }
                    outOfRange = outOfRange || blockOutOfRange
                }
                if outOfRange { throw reader.error("frame \(reference) + \(bitWidth) bits holds a value outside \(physical)") }
            }
        case .keyed:
            throw reader.error("a keyed chunk holds no values of its own: they are its table's keyed values at its key column's codes")
        case .delta:
            let first = try reader.read(Int64.self, "first value")
            let reference = try reader.read(Int64.self, "delta reference")
            let bitWidth = Int(try reader.readByte("bit width"))
            guard bitWidth <= 64 else { throw reader.error("bit width \(bitWidth) exceeds 64") }
            let packed = try reader.readBytes(BitPacking.packedByteCount(count: max(count - 1, 0), width: bitWidth), "delta values")
            guard count > 0 else { break }
            guard range.contains(first) else { throw reader.error("first value \(first) does not fit \(physical)") }
            output[0] = T(truncatingIfNeeded: first)
            var current = first
            var outOfRange = false
            BitPacking.unpackBlocks(packed, count: count - 1, width: bitWidth) { first, offsets in
                var running = current
                var blockOutOfRange = false
                for position in 0..<offsets.count {
                    running = running &+ (Int64(bitPattern: offsets[position]) &+ reference)
                    blockOutOfRange = blockOutOfRange || !range.contains(running)
                    output[first &+ position &+ 1] = T(truncatingIfNeeded: running)
                }
                current = running
                outOfRange = outOfRange || blockOutOfRange
            }
            if outOfRange { throw reader.error("delta-decoded value does not fit \(physical)") }
        }
        return storage
    }

    static func checkBooleans<T: FixedWidthInteger>(_ values: UnsafeMutableBufferPointer<T>, reader: ByteReader) throws(EncodedDataError) {
        var combined: T = 0
        for value in values { combined |= value }
        if combined > 1 { throw reader.error("boolean value is not 0 or 1") }
    }
}
