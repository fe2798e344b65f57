/// Decodes VARCHAR values sections.

import StarlingColumns

/// Decoders for the string encodings. Plain strings become offsets and bytes; dictionary and
/// run-length strings stay as codes into a small dictionary, so filters can work on codes.
enum StringDecoder {
    static func decode(_ reader: inout ByteReader, encoding: Encoding, count: Int) throws(EncodedDataError) -> ColumnVector.Payload {
        switch encoding {
        case .plain:
            return .strings(try readPlain(&reader, count: count, what: "strings"))
        case .dictionary:
            let entryCount = try reader.readCount("dictionary size", limit: max(count, 1))
            guard entryCount > 0 || count == 0 else { throw reader.error("empty dictionary for \(count) rows") }
            let dictionary = try readPlain(&reader, count: entryCount, what: "dictionary strings")
            // Entries are sorted and distinct, so filters may compare codes.
            for index in 1..<max(entryCount, 1) where compareBytes(dictionary.bytes(at: index - 1), dictionary.bytes(at: index)) >= 0 {
                throw reader.error("dictionary strings \(index - 1) and \(index) are not in ascending order")
            }
            let codeWidth = Int(try reader.readByte("code bit width"))
            guard codeWidth <= 32 else { throw reader.error("code bit width \(codeWidth) exceeds 32") }
            let packed = try reader.readBytes(BitPacking.packedByteCount(count: count, width: codeWidth), "dictionary codes")
            let codes = ByteStorage(capacity: count, of: UInt32.self)
            let output = codes.typed(UInt32.self, count: count)
            // Codes are at most 32 bits wide; so is the dictionary's size.
            guard let limit = UInt32(exactly: entryCount) else {
                throw reader.error("dictionary of \(entryCount) entries")
            }
            var bad: UInt32 = 0
            BitPacking.unpackBlocks(packed, count: count, width: codeWidth) { first, codes in
                var blockBad: UInt32 = 0
                for offset in 0..<codes.count {
                    let code = UInt32(truncatingIfNeeded: codes[offset])
                    blockBad |= code >= limit ? 1 : 0
                    output[first &+ offset] = code
                }
                bad |= blockBad
            }
            if bad != 0, let code = output.first(where: { $0 >= limit }) {
                throw .codePastDictionary(code, size: entryCount, offset: reader.baseOffset + reader.offset)
            }
            return .dictionary(codes: codes, dictionary: dictionary)
        case .runLength:
            let runCount = try reader.readCount("run count", limit: count)
            let runValues = try readPlain(&reader, count: runCount, what: "run strings")
            let lengths = try reader.readBytes(runCount * 4, "run lengths")
            let codes = ByteStorage(capacity: count, of: UInt32.self)
            let output = codes.typed(UInt32.self, count: count)
            var row = 0
            for run in 0..<runCount {
                let length = Int(UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: run * 4, as: UInt32.self)))
                guard length > 0, length <= count - row else {
                    throw reader.error("run \(run) of length \(length) overruns the \(count) rows")
                }
                output[row..<(row + length)].update(repeating: UInt32(run))
                row += length
            }
            guard row == count else { throw reader.error("runs cover \(row) rows, expected \(count)") }
            return .dictionary(codes: codes, dictionary: runValues)
        case .bitPacked, .delta, .packedRunLength, .keyed:
            throw reader.error("encoding \(encoding) cannot store strings")
        }
    }

    /// Reads `count + 1` offsets and the bytes they index, checking the offsets start at 0,
    /// never decrease and end within the bytes present.
    static func readPlain(_ reader: inout ByteReader, count: Int, what: String) throws(EncodedDataError) -> StringStorage {
        let offsetsStart = reader.offset
        let offsetBytes = try reader.readBytes(4 * (count + 1), "\(what) offsets")
        let offsets = ByteStorage(copying: offsetBytes)
        let values = offsets.typed(UInt32.self, count: count + 1)
        var previous: UInt32 = 0
        for index in 0...count {
            let offset = UInt32(littleEndian: values[index])
            values[index] = offset
            guard (index == 0 && offset == 0) || (index > 0 && offset >= previous) else {
                throw EncodedDataError(offset: reader.baseOffset + offsetsStart + index * 4, reason: "\(what) offset \(index) is \(offset), after \(previous)")
            }
            previous = offset
        }
        let bytes = try reader.readBytes(Int(previous), "\(what) bytes")
        return StringStorage(offsets: offsets, bytes: ByteStorage(copying: bytes), count: count)
    }
}
