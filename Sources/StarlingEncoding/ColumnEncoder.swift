/// Analyses a column chunk, picks the smallest encoding, and writes it.

import StarlingColumns

/// The bytes of one encoded chunk (validity section, then values section), before compression.
public struct EncodedChunk: Sendable {
    /// The encoded bytes.
    public var bytes: [UInt8]
    /// The encoding of the values section.
    public var encoding: Encoding
    /// The chunk's statistics.
    public var statistics: ChunkStatistics
    /// The size the values would take in plain encoding (for reporting ratios).
    public var plainSize: Int
}

/// Encodes column vectors into chunk bytes.
///
/// Each chunk is analysed in one pass (min, max, runs, neighbour differences, distinct values),
/// from which the exact size of every candidate encoding follows; the smallest wins, ties going
/// to the one that decodes fastest (plain, bit-packed, dictionary, run-length, packed run-length,
/// delta). Tests and
/// tools can force an encoding instead.
public enum ColumnEncoder {
    /// Distinct values counted exactly (and kept as a dictionary candidate) up to this many;
    /// beyond it the count is a HyperLogLog estimate and dictionary encoding is not considered.
    public static let exactDistinctLimit = 1 << 16

    /// Validity section kinds.
    enum ValidityKind: UInt8 {
        case noNulls = 0
        case bitmap = 1
        case allNull = 2
    }

    /// Encodes `vector`, with `forced` as the encoding if given (it must support the type).
    public static func encode(_ vector: ColumnVector, forcing forced: Encoding? = nil) -> EncodedChunk {
        precondition(vector.type.isStorable, "segments hold no \(vector.type)")
        return withExtendedLifetime(vector) {
            let count = vector.count
            var writer = ByteWriter()
            let nullCount = vector.nullCount
            // Validity section.
            if nullCount == count && count > 0 {
                writer.write(ValidityKind.allNull.rawValue)
                let plainSize = plainSizeOfEmpty(vector.type.physicalType, count: count)
                let statistics = ChunkStatistics(nullCount: count, distinctCount: 0, minimum: .null, maximum: .null)
                return EncodedChunk(bytes: writer.bytes, encoding: .plain, statistics: statistics, plainSize: plainSize)
            }
            if let validity = vector.validity, nullCount > 0 {
                writer.write(ValidityKind.bitmap.rawValue)
                let byteCount = (count + 7) / 8
                var bitmapBytes = [UInt8](UnsafeRawBufferPointer(start: validity.storage.baseAddress, count: byteCount))
                // Clear the unused high bits of the last byte so the bytes are deterministic.
                if count % 8 != 0 {
                    bitmapBytes[byteCount - 1] &= UInt8((1 << (count % 8)) - 1)
                }
                writer.write(bytes: bitmapBytes)
            } else {
                writer.write(ValidityKind.noNulls.rawValue)
            }
            if vector.type.physicalType == .string {
                let strings = StringChunk(vector)
                return strings.encode(into: &writer, nullCount: nullCount, forcing: forced)
            }
            let fixed = FixedChunk(vector)
            return fixed.encode(into: &writer, nullCount: nullCount, forcing: forced)
        }
    }

    /// Encodes the rows `rows` of `vector` as one chunk. Rows of a vector without NULLs are read
    /// straight from it (a sorted segment's row groups need no reordered copy); vectors with
    /// NULLs are sliced or reordered first.
    /// `numbering`, when given, numbers `vector`'s strings (``StringNumbering``).
    public static func encode(_ vector: ColumnVector, rows: ChunkRows, numbering: StringNumbering? = nil, forcing forced: Encoding? = nil) -> EncodedChunk {
        if vector.nullCount == 0 {
            return withExtendedLifetime(vector) {
                var writer = ByteWriter()
                writer.write(ValidityKind.noNulls.rawValue)
                if vector.type.physicalType == .string {
                    let strings = numbering.map { StringChunk($0, rows: rows) } ?? StringChunk(vector, rows: rows)
                    return strings.encode(into: &writer, nullCount: 0, forcing: forced)
                }
                return FixedChunk(vector, rows: rows).encode(into: &writer, nullCount: 0, forcing: forced)
            }
        }
        switch rows {
        case .range(let range):
            return encode(range == 0..<vector.count ? vector : vector.slice(range), forcing: forced)
        case .picked(let picked):
            return encode(vector.reordered(Array(picked)), forcing: forced)
        }
    }

    /// A keyed chunk (``Encoding/keyed``): no values, only the index of the segment column whose
    /// codes in the same row group look its values up in the table's keyed-values file.
    /// `statistics` and `plainSize` are those of the values it stands for (the caller computed
    /// them, as from ``encode(_:rows:numbering:forcing:)``); a keyed chunk never holds NULLs.
    public static func keyed(keyColumn: Int, statistics: ChunkStatistics, plainSize: Int) -> EncodedChunk {
        precondition(statistics.nullCount == 0 && keyColumn >= 0 && keyColumn <= Int(UInt32.max), "a keyed chunk has no NULLs and a key column index")
        var writer = ByteWriter()
        writer.write(ValidityKind.noNulls.rawValue)
        writer.write(littleEndian: UInt32(keyColumn))
        return EncodedChunk(bytes: writer.bytes, encoding: .keyed, statistics: statistics, plainSize: plainSize)
    }

    static func plainSizeOfEmpty(_ type: PhysicalType, count: Int) -> Int {
        if let width = type.byteWidth { return width * count }
        return 4 * (count + 1)
    }

    /// Picks the smallest of `sizes`; ties go to the earlier encoding in decode-speed order.
    static func smallest(_ sizes: [(Encoding, Int)]) -> Encoding {
        let preference: [Encoding] = [.plain, .bitPacked, .dictionary, .runLength, .packedRunLength, .delta]
        var best: (Encoding, Int)?
        for encoding in preference {
            guard let size = sizes.first(where: { $0.0 == encoding })?.1 else { continue }
            if let current = best, current.1 <= size { continue }
            best = (encoding, size)
        }
        return best?.0 ?? .plain
    }
}
