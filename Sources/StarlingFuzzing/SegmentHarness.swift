/// The segment harness: a segment file's bytes through the reader, footer and every chunk.

import StarlingColumns
import StarlingEncoding
import StarlingFormat

/// Feeds a segment file to ``SegmentReader``: opened as it is (magic, versions, lengths,
/// footer checksum), then *repaired* — both magics set and the footer checksum recomputed, and
/// once the footer parses every chunk's and column sketch's checksum too — so that mutated footers and chunks reach
/// the footer parser and the decoders instead of stopping at a checksum. Every chunk is then
/// read (decompressed, decoded, keyed chunks' key columns checked), as an integer view where
/// one applies, with the checks of ``ChunkHarness/checkAgreement(decoded:view:type:)``.
///
/// A footer may declare millions of rows that cost no bytes (all-NULL chunks, runs, bit width
/// 0): row groups beyond ``rowBudget`` rows in all are not decoded.
enum SegmentHarness {
    /// Rows decoded (per column) per input at most.
    static let rowBudget = 1 << 16

    static func run(_ bytes: UnsafeRawBufferPointer) {
        if let reader = try? SegmentReader(bytes: ByteStorage(copying: bytes), path: "fuzz.stsg") {
            exercise(reader)
        }
        guard let file = withFooterChecksum(bytes),
            let opened = file.withUnsafeBytes({ try? SegmentReader(bytes: ByteStorage(copying: $0), path: "fuzz.stsg") }
            )
        else { return }
        let rebuilt = withChunkChecksums(opened)
        guard
            let reader = rebuilt.withUnsafeBytes({
                try? SegmentReader(bytes: ByteStorage(copying: $0), path: "fuzz.stsg")
            })
        else {
            fatalError("fuzz check failed: a segment opened, but not once its chunk checksums were set")
        }
        exercise(reader)
    }

    /// The file with both magic numbers and the footer checksum its trailer names set; nil
    /// when it is too short for a header and trailer or its footer length does not fit.
    static func withFooterChecksum(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        let size = bytes.count
        guard size >= SegmentFormat.headerSize + SegmentFormat.trailerSize else { return nil }
        var file = Array(bytes)
        file.replaceSubrange(0..<4, with: SegmentFormat.magic)
        file.replaceSubrange((size - 4)..<size, with: SegmentFormat.magic)
        let trailer = size - SegmentFormat.trailerSize
        let length = Int(bytes.loadUnaligned(fromByteOffset: trailer, as: UInt32.self).littleEndian)
        guard length <= trailer - SegmentFormat.headerSize else { return nil }
        let checksum = file.withUnsafeBytes {
            XXHash64.hash(UnsafeRawBufferPointer(rebasing: $0[(trailer - length)..<trailer]))
        }
        withUnsafeBytes(of: checksum.littleEndian) { file.replaceSubrange((trailer + 4)..<(trailer + 12), with: $0) }
        return file
    }

    /// The opened file again, its footer rewritten with each chunk's checksum set to its bytes'.
    static func withChunkChecksums(_ reader: SegmentReader) -> [UInt8] {
        var footer = reader.footer
        for group in footer.rowGroups.indices {
            for column in footer.rowGroups[group].chunks.indices {
                let chunk = footer.rowGroups[group].chunks[column]
                let stored = UnsafeRawBufferPointer(
                    rebasing: reader.file.bytes[chunk.offset..<(chunk.offset + chunk.storedLength)])
                footer.rowGroups[group].chunks[column].checksum = XXHash64.hash(stored)
            }
        }
        footer.sketches = footer.sketches.map { location in
            location.map { location in
                var repaired = location
                repaired.checksum = XXHash64.hash(
                    UnsafeRawBufferPointer(
                        rebasing: reader.file.bytes[location.offset..<(location.offset + location.length)]))
                return repaired
            }
        }
        let serialized = footer.serialized()
        var file = Array(reader.file.bytes[0..<reader.footerOffset])
        file.append(contentsOf: serialized)
        withUnsafeBytes(of: UInt32(serialized.count).littleEndian) { file.append(contentsOf: $0) }
        withUnsafeBytes(of: XXHash64.hash(serialized).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: SegmentFormat.magic)
        return file
    }

    /// Statistics of every column; every chunk of the row groups within the budget.
    static func exercise(_ reader: SegmentReader) {
        let footer = reader.footer
        for column in footer.columns.indices {
            _ = footer.statistics(column: column)
            _ = try? reader.sketch(column: column)
        }
        var budget = rowBudget
        for (group, descriptor) in footer.rowGroups.enumerated() where descriptor.rowCount <= budget {
            budget -= descriptor.rowCount
            for column in footer.columns.indices {
                // A keyed chunk's values live in its table's keyed-values file.
                if (try? reader.keyColumn(rowGroup: group, column: column)) != nil { continue }
                let decoded = Result { () throws(SegmentError) -> ColumnVector in
                    try reader.read(rowGroup: group, column: column)
                }
                let view = Result { () throws(SegmentError) -> IntegerChunkView? in
                    try reader.integerView(rowGroup: group, column: column)
                }
                ChunkHarness.checkAgreement(decoded: decoded, view: view, type: footer.columns[column].type)
            }
        }
        if footer.rowCount <= rowBudget { _ = try? reader.verify() }
    }
}
