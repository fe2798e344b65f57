/// A Parquet file opened for reading: its footer decoded and checked, its leaf columns typed.

import StarlingColumns
import StarlingEncoding
import StarlingFormat

/// An opened Parquet file. The bytes are mapped (or held, for ``init(bytes:path:)``), the footer
/// is decoded once and checked: magic numbers, footer length, a schema that is a tree, row
/// groups whose column chunks match the leaves and lie inside the file. Columns are then read a
/// row group at a time (``readColumn(_:rowGroup:)``), every page checked as it is decoded.
public struct ParquetFile: Sendable {
    public let path: String
    let storage: ByteStorage
    public let metadata: ParquetFileMetadata
    public let columns: [ParquetLeafColumn]
    /// Where the footer starts: no page may reach it.
    let footerStart: Int

    /// Rows a row group may hold (a damaged count must not size an allocation).
    public static let maximumRowGroupRows: Int64 = 1 << 27

    /// Maps and opens the file at `path`.
    public init(path: String) throws(ParquetError) {
        let storage: ByteStorage
        do {
            storage = try FileBytes.map(path: path)
        } catch {
            throw ParquetError(path: path, error.description)
        }
        try self.init(storage: storage, path: path)
    }

    /// Opens a file held in memory (fuzzing, tests); `path` names it in errors.
    public init(bytes: [UInt8], path: String) throws(ParquetError) {
        let storage = bytes.withUnsafeBytes { ByteStorage(copying: $0) }
        try self.init(storage: storage, path: path)
    }

    private init(storage: ByteStorage, path: String) throws(ParquetError) {
        self.path = path
        self.storage = storage
        let (metadata, footerStart) = try Self.readFooter(storage.bytes, path: path)
        guard !storage.fileWasTruncated else { throw ParquetError(path: path, "the file was truncated while read") }
        self.metadata = metadata
        self.footerStart = footerStart
        do {
            columns = try ParquetLeafColumn.leaves(of: metadata.schema)
        } catch {
            throw ParquetError(path: path, "damaged schema: \(error.message)")
        }
        try checkRowGroups()
    }

    /// `PAR1`, the footer, its length and `PAR1`; returns the metadata and the footer's offset.
    private static func readFooter(_ raw: UnsafeRawBufferPointer, path: String) throws(ParquetError) -> (
        ParquetFileMetadata, Int
    ) {
        let magic: [UInt8] = Array("PAR1".utf8)
        guard raw.count >= 12 else { throw ParquetError(path: path, "not a Parquet file: \(raw.count) bytes") }
        guard raw.prefix(4).elementsEqual(magic), raw.suffix(4).elementsEqual(magic) else {
            if raw.suffix(4).elementsEqual(Array("PARE".utf8)) {
                throw ParquetError(path: path, "the file is encrypted, which Starling cannot read")
            }
            throw ParquetError(path: path, "not a Parquet file (no PAR1 at its start and end)")
        }
        let length = Int(raw.loadUnaligned(fromByteOffset: raw.count - 8, as: UInt32.self).littleEndian)
        guard length > 0, length <= raw.count - 12 else {
            throw ParquetError(path: path, "damaged: a footer of \(length) bytes in a file of \(raw.count)")
        }
        let start = raw.count - 8 - length
        do {
            let footer = UnsafeRawBufferPointer(rebasing: raw[start..<raw.count - 8])
            return (try ParquetFileMetadata.decode(footer, offset: start), start)
        } catch {
            throw ParquetError(path: path, error)
        }
    }

    /// Every row group has a chunk per leaf, of the leaf's type and path, inside the file, and a
    /// row count within limits; the row counts add up.
    private func checkRowGroups() throws(ParquetError) {
        var total: Int64 = 0
        for (number, group) in metadata.rowGroups.enumerated() {
            guard group.rowCount <= Self.maximumRowGroupRows else {
                throw ParquetError(
                    path: path, "row group \(number) has \(group.rowCount) rows, more than Starling reads at once")
            }
            guard group.columns.count == columns.count else {
                throw ParquetError(
                    path: path,
                    "damaged: row group \(number) has \(group.columns.count) columns, the schema \(columns.count)")
            }
            for (chunk, leaf) in zip(group.columns, columns) {
                guard chunk.physicalType == leaf.physicalType, chunk.path == leaf.path else {
                    throw ParquetError(
                        path: path,
                        "damaged: row group \(number)'s chunk \(chunk.path.joined(separator: ".")) does not match the schema's \(leaf.name)"
                    )
                }
                let start = Self.chunkStart(chunk)
                guard start >= 4, chunk.compressedSize <= Int64(footerStart) - start else {
                    throw ParquetError(
                        path: path, "damaged: row group \(number)'s chunk \(leaf.name) lies outside the file")
                }
            }
            total += group.rowCount
        }
        guard total == metadata.rowCount else {
            throw ParquetError(
                path: path, "damaged: the row groups hold \(total) rows, the footer says \(metadata.rowCount)")
        }
    }

    /// Where a chunk's first page is: its dictionary page when recorded (and before the data),
    /// else its first data page (some writers record a dictionary offset of 0 for none).
    static func chunkStart(_ chunk: ParquetColumnChunk) -> Int64 {
        if let dictionary = chunk.dictionaryPageOffset, dictionary > 0, dictionary < chunk.dataPageOffset {
            return dictionary
        }
        return chunk.dataPageOffset
    }

    /// The leaf named `name` (dotted for nested fields), if any.
    public func column(named name: String) -> ParquetLeafColumn? {
        columns.first { $0.name == name }
    }

    /// The rows of every row group.
    public var rowCount: Int64 { metadata.rowCount }
}
