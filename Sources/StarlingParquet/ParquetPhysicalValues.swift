/// A column chunk's present values as its physical type holds them, decoded page by page.

import StarlingEncoding

/// Values of one physical type, appended page by page: integers (INT32 sign-extended, INT64,
/// INT96 as microseconds), doubles (FLOAT widened), booleans, or byte strings back to back.
struct ParquetPhysicalValues {
    let physical: Int32
    /// FIXED_LEN_BYTE_ARRAY's length.
    let typeLength: Int
    var integers: [Int64] = []
    var doubles: [Double] = []
    var booleans: [Bool] = []
    var bytes: [UInt8] = []
    var ends: [Int] = []
    /// For strings kept as codes (while every page so far was dictionary-encoded): each value's
    /// entry in ``codeDictionary``. Nil once values are held as bytes.
    var codes: [UInt32]?
    var codeDictionary: (bytes: [UInt8], ends: [Int])?

    var count: Int {
        if let codes { return codes.count }
        switch physical {
        case ParquetPhysical.boolean: return booleans.count
        case ParquetPhysical.float, ParquetPhysical.double: return doubles.count
        case ParquetPhysical.byteArray, ParquetPhysical.fixedLengthByteArray: return ends.count
        default: return integers.count
        }
    }

    /// The smallest PLAIN size of a value, so a count can be checked against the bytes there are.
    var minimumBytes: Int {
        switch physical {
        case ParquetPhysical.boolean: return 0
        case ParquetPhysical.int32, ParquetPhysical.float: return 4
        case ParquetPhysical.int96: return 12
        case ParquetPhysical.byteArray: return 4
        case ParquetPhysical.fixedLengthByteArray: return typeLength
        default: return 8
        }
    }

    /// Appends `count` PLAIN values.
    mutating func appendPlain(_ reader: inout ByteReader, count: Int) throws(EncodedDataError) {
        switch physical {
        case ParquetPhysical.boolean:
            let bytes = try reader.readBytes((count + 7) / 8, "PLAIN booleans")
            for index in 0..<count { booleans.append(bytes[index / 8] >> UInt8(index % 8) & 1 != 0) }
        case ParquetPhysical.int32:
            let bytes = try reader.readBytes(4 * count, "PLAIN INT32 values")
            Self.appendConverted(&integers, count: count) { index in
                Int64(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * index, as: Int32.self)))
            }
        case ParquetPhysical.int64:
            let bytes = try reader.readBytes(8 * count, "PLAIN INT64 values")
            Self.appendConverted(&integers, count: count) { index in
                Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * index, as: Int64.self))
            }
        case ParquetPhysical.int96:
            let bytes = try reader.readBytes(12 * count, "PLAIN INT96 values")
            for index in 0..<count {
                let nanoseconds = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 12 * index, as: Int64.self))
                let day = Int64(
                    UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12 * index + 8, as: UInt32.self)))
                // Julian day 2440588 is 1970-01-01.
                let (days, overflow) = (day - 2_440_588).multipliedReportingOverflow(by: 86_400_000_000)
                let (micros, past) = days.addingReportingOverflow(nanoseconds / 1_000)
                guard !overflow, !past else { throw reader.error("an INT96 timestamp past the microsecond range") }
                integers.append(micros)
            }
        case ParquetPhysical.float:
            let bytes = try reader.readBytes(4 * count, "PLAIN FLOAT values")
            for index in 0..<count {
                let bits = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))
                doubles.append(Double(Float(bitPattern: bits)))
            }
        case ParquetPhysical.double:
            let bytes = try reader.readBytes(8 * count, "PLAIN DOUBLE values")
            Self.appendConverted(&doubles, count: count) { index in
                Double(
                    bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)))
            }
        case ParquetPhysical.byteArray:
            for _ in 0..<count {
                let length = Int(try reader.read(UInt32.self, "a BYTE_ARRAY length"))
                bytes.append(contentsOf: try reader.readBytes(length, "a BYTE_ARRAY value"))
                ends.append(bytes.count)
            }
        case ParquetPhysical.fixedLengthByteArray:
            let all = try reader.readBytes(typeLength * count, "FIXED_LEN_BYTE_ARRAY values")
            for index in 0..<count {
                bytes.append(
                    contentsOf: UnsafeRawBufferPointer(rebasing: all[index * typeLength..<(index + 1) * typeLength]))
                ends.append(bytes.count)
            }
        default:
            throw reader.error("physical type \(physical)")
        }
    }

    /// Appends the entries `indices` name, each checked against the dictionary's size: as codes
    /// while codes are kept (the reader turns them into values before a second dictionary
    /// replaces the one they name), else as values.
    mutating func appendGathered(from dictionary: ParquetPhysicalValues, _ indices: [UInt32], at reader: ByteReader)
        throws(EncodedDataError)
    {
        let size = dictionary.count
        for index in indices where Int(index) >= size {
            throw reader.error("dictionary index \(index) past a dictionary of \(size) entries")
        }
        if codes != nil {
            if codeDictionary == nil { codeDictionary = (dictionary.bytes, dictionary.ends) }
            codes?.append(contentsOf: indices)
            return
        }
        appendEntries(from: dictionary, indices)
    }

    /// Turns kept codes into values (before values of another encoding, or another dictionary).
    mutating func materializeCodes() {
        guard let kept = codes else { return }
        codes = nil
        if let dictionary = codeDictionary {
            for index in kept {
                let entry = Int(index)
                let start = entry == 0 ? 0 : dictionary.ends[entry - 1]
                bytes.append(contentsOf: dictionary.bytes[start..<dictionary.ends[entry]])
                ends.append(bytes.count)
            }
        }
        codeDictionary = nil
    }

    /// Appends `count` values made by `value(index)` into room made at once.
    @inline(__always)
    private static func appendConverted<T>(_ array: inout [T], count: Int, _ value: (Int) -> T) {
        let made = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count { buffer.initializeElement(at: index, to: value(index)) }
            initialized = count
        }
        if array.isEmpty { array = made } else { array.append(contentsOf: made) }
    }

    /// Appends the entries `indices` name (already checked).
    private mutating func appendEntries(from dictionary: ParquetPhysicalValues, _ indices: [UInt32]) {
        if physical != ParquetPhysical.boolean, physical != ParquetPhysical.float, physical != ParquetPhysical.double,
            physical != ParquetPhysical.byteArray, physical != ParquetPhysical.fixedLengthByteArray
        {
            dictionary.integers.withUnsafeBufferPointer { entries in
                Self.appendConverted(&integers, count: indices.count) { entries[Int(indices[$0])] }
            }
            return
        }
        switch physical {
        case ParquetPhysical.boolean: for index in indices { booleans.append(dictionary.booleans[Int(index)]) }
        case ParquetPhysical.float, ParquetPhysical.double:
            for index in indices { doubles.append(dictionary.doubles[Int(index)]) }
        case ParquetPhysical.byteArray, ParquetPhysical.fixedLengthByteArray:
            for index in indices {
                let entry = Int(index)
                let start = entry == 0 ? 0 : dictionary.ends[entry - 1]
                bytes.append(contentsOf: dictionary.bytes[start..<dictionary.ends[entry]])
                ends.append(bytes.count)
            }
        default: for index in indices { integers.append(dictionary.integers[Int(index)]) }
        }
    }

    /// Appends BYTE_STREAM_SPLIT values: byte `b` of value `i` at `b * count + i`.
    mutating func appendByteStreamSplit(_ reader: inout ByteReader, count: Int) throws(EncodedDataError) {
        let width: Int
        switch physical {
        case ParquetPhysical.int32, ParquetPhysical.float: width = 4
        case ParquetPhysical.int64, ParquetPhysical.double: width = 8
        case ParquetPhysical.fixedLengthByteArray: width = typeLength
        default: throw reader.error("BYTE_STREAM_SPLIT for physical type \(physical)")
        }
        let all = try reader.readBytes(width * count, "BYTE_STREAM_SPLIT values")
        var joined = [UInt8](repeating: 0, count: width * count)
        for index in 0..<count {
            for byte in 0..<width { joined[index * width + byte] = all[byte * count + index] }
        }
        let base = reader.baseOffset + reader.offset
        var failure: EncodedDataError?
        joined.withUnsafeBytes { raw in
            var plain = ByteReader(raw, baseOffset: base)
            do throws(EncodedDataError) { try appendPlain(&plain, count: count) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Appends DELTA_LENGTH_BYTE_ARRAY values: the lengths delta-encoded, then the bytes.
    mutating func appendDeltaLength(_ reader: inout ByteReader, count: Int) throws(EncodedDataError) {
        let lengths = try ParquetDecoders.deltaBinaryPacked(&reader, count: count)
        for length in lengths {
            guard length >= 0, length <= reader.remaining else { throw reader.error("a string length of \(length)") }
            bytes.append(contentsOf: try reader.readBytes(Int(length), "a string"))
            ends.append(bytes.count)
        }
    }

    /// Appends DELTA_BYTE_ARRAY values: prefix lengths, then suffixes as DELTA_LENGTH_BYTE_ARRAY;
    /// each value is the previous one's prefix and its suffix.
    mutating func appendDeltaStrings(_ reader: inout ByteReader, count: Int) throws(EncodedDataError) {
        let prefixes = try ParquetDecoders.deltaBinaryPacked(&reader, count: count)
        var suffixes = ParquetPhysicalValues(physical: ParquetPhysical.byteArray, typeLength: 0)
        try suffixes.appendDeltaLength(&reader, count: count)
        var previous: [UInt8] = []
        for index in 0..<count {
            let prefix = prefixes[index]
            guard prefix >= 0, prefix <= previous.count else {
                throw reader.error("a prefix of \(prefix) bytes of a \(previous.count)-byte value")
            }
            let start = index == 0 ? 0 : suffixes.ends[index - 1]
            previous = Array(previous[0..<Int(prefix)]) + suffixes.bytes[start..<suffixes.ends[index]]
            if physical == ParquetPhysical.fixedLengthByteArray, previous.count != typeLength {
                throw reader.error("a value of \(previous.count) bytes in a \(typeLength)-byte column")
            }
            bytes.append(contentsOf: previous)
            ends.append(bytes.count)
        }
    }

    /// Appends DELTA_BINARY_PACKED integers.
    mutating func appendDeltaIntegers(_ reader: inout ByteReader, count: Int) throws(EncodedDataError) {
        guard physical == ParquetPhysical.int32 || physical == ParquetPhysical.int64 else {
            throw reader.error("DELTA_BINARY_PACKED for physical type \(physical)")
        }
        let values = try ParquetDecoders.deltaBinaryPacked(&reader, count: count)
        if physical == ParquetPhysical.int32 {
            integers.append(contentsOf: values.map { Int64(Int32(truncatingIfNeeded: $0)) })
        } else {
            integers.append(contentsOf: values)
        }
    }
}
