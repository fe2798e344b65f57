/// The binary payload of a manifest file: a partition's segments with their zone maps, or a page
/// of loaded files, in a layout that decodes without a JSON parser.

import StarlingColumns
import StarlingEncoding

extension ManifestFile {
    /// The kind byte of a partition manifest.
    static let partitionCode: UInt8 = 1
    /// The kind byte of a loaded-files page.
    static let loadedFilesCode: UInt8 = 2
    /// At most this many segments or files in one manifest, and columns in one segment entry.
    static let maximumEntries = 1 << 24

    /// The first manifest write version whose statistics entries carry a distinct count.
    static let distinctCountVersion: UInt16 = 2
    /// The distinct count written for an unknown one.
    static let unknownDistinctCount: Int64 = -1

    /// The payload of `document` (`Formats/catalog-v2.md` §4.1) in the layout of manifest write
    /// version `version` (1: statistics without distinct counts; 2: with them).
    package static func payload(_ document: ManifestDocument, version: UInt16 = writeVersion) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: 64 + (document.segments?.count ?? 0) * 160)
        let isPartition = document.kind == ManifestDocument.partitionKind
        writer.write(isPartition ? partitionCode : loadedFilesCode)
        writer.write(littleEndian: Int64(document.table))
        writer.write(littleEndian: Int64(document.snapshot))
        if isPartition {
            writeText(document.partition ?? "", to: &writer)
            let segments = document.segments ?? []
            writer.write(littleEndian: UInt32(segments.count))
            for segment in segments { write(segment, version: version, to: &writer) }
        } else {
            let files = document.loadedFiles ?? []
            writer.write(littleEndian: UInt32(files.count))
            for file in files {
                writeText(file.contentHash, to: &writer)
                writeText(file.name, to: &writer)
                writer.write(littleEndian: Int64(file.bytes))
                writeText(file.batch, to: &writer)
                writer.write(littleEndian: Int64(file.snapshot))
            }
        }
        return writer.bytes
    }

    /// The document in `payload`, laid out as manifest write version `version` says, every length
    /// and count checked against the bytes left.
    package static func document(_ payload: [UInt8], version: UInt16 = writeVersion) throws(EncodedDataError)
        -> ManifestDocument
    {
        // `withUnsafeBytes` rethrows untyped; only this function's own errors come out of it.
        do {
            return try payload.withUnsafeBytes { try document(in: $0, version: version) }
        } catch let error as EncodedDataError {
            throw error
        } catch {
            throw EncodedDataError(offset: CatalogEnvelope.headerSize, reason: "\(error)")
        }
    }

    private static func document(in buffer: UnsafeRawBufferPointer, version: UInt16) throws(EncodedDataError)
        -> ManifestDocument
    {
        let hasDistinctCounts = version >= distinctCountVersion
        var reader = ByteReader(buffer, baseOffset: CatalogEnvelope.headerSize)
        let kind = try reader.readByte("manifest kind")
        guard kind == partitionCode || kind == loadedFilesCode else {
            throw reader.error("unknown manifest kind \(kind)")
        }
        let table = Int(try reader.read(Int64.self, "table identifier"))
        let snapshot = Int(try reader.read(Int64.self, "snapshot"))
        var document = ManifestDocument(
            kind: kind == partitionCode ? ManifestDocument.partitionKind : ManifestDocument.loadedFilesKind,
            table: table, snapshot: snapshot, partition: nil, segments: nil, loadedFiles: nil)
        if kind == partitionCode {
            document.partition = try readText(&reader, "partition key")
            let count = try reader.readCount("segment count", limit: maximumEntries)
            var segments: [CatalogSegment] = []
            segments.reserveCapacity(min(count, reader.remaining / 32))
            for _ in 0..<count { segments.append(try readSegment(&reader, hasDistinctCounts: hasDistinctCounts)) }
            document.segments = segments
        } else {
            let count = try reader.readCount("loaded file count", limit: maximumEntries)
            var files: [LoadedFile] = []
            files.reserveCapacity(min(count, reader.remaining / 24))
            for _ in 0..<count {
                let hash = try readText(&reader, "content hash")
                let name = try readText(&reader, "file name")
                let bytes = Int(try reader.read(Int64.self, "file size"))
                let batch = try readText(&reader, "batch")
                let snapshot = Int(try reader.read(Int64.self, "load snapshot"))
                files.append(LoadedFile(contentHash: hash, name: name, bytes: bytes, batch: batch, snapshot: snapshot))
            }
            document.loadedFiles = files
        }
        try reader.requireEnd("the manifest")
        return document
    }

    private static func write(_ segment: CatalogSegment, version: UInt16, to writer: inout ByteWriter) {
        writeText(segment.path, to: &writer)
        writer.write(littleEndian: Int64(segment.rows))
        writer.write(littleEndian: Int64(segment.bytes))
        writer.write(littleEndian: Int64(segment.snapshot))
        writer.write(littleEndian: UInt32(segment.columnIdentifiers.count))
        for identifier in segment.columnIdentifiers { writer.write(littleEndian: Int64(identifier)) }
        writer.write(littleEndian: UInt32(segment.statistics.count))
        for statistics in segment.statistics {
            writer.write(littleEndian: Int64(statistics.columnIdentifier))
            writer.write(littleEndian: Int64(statistics.nullCount))
            write(statistics.minimum, to: &writer)
            write(statistics.maximum, to: &writer)
            if version >= distinctCountVersion {
                writer.write(littleEndian: statistics.distinctCount.map { Int64($0) } ?? unknownDistinctCount)
            }
        }
    }

    private static func readSegment(_ reader: inout ByteReader, hasDistinctCounts: Bool) throws(EncodedDataError)
        -> CatalogSegment
    {
        let path = try readText(&reader, "segment path")
        let rows = Int(try reader.read(Int64.self, "segment rows"))
        let bytes = Int(try reader.read(Int64.self, "segment bytes"))
        let snapshot = Int(try reader.read(Int64.self, "segment snapshot"))
        let columnCount = try reader.readCount("column count", limit: min(maximumEntries, reader.remaining / 8))
        var identifiers: [Int] = []
        identifiers.reserveCapacity(columnCount)
        for _ in 0..<columnCount { identifiers.append(Int(try reader.read(Int64.self, "column identifier"))) }
        let statisticsCount = try reader.readCount(
            "statistics count", limit: min(maximumEntries, reader.remaining / (hasDistinctCounts ? 26 : 18)))
        var statistics: [ColumnStatistics] = []
        statistics.reserveCapacity(statisticsCount)
        for _ in 0..<statisticsCount {
            let column = Int(try reader.read(Int64.self, "statistics column"))
            let nulls = Int(try reader.read(Int64.self, "null count"))
            let minimum = try readValue(&reader, "minimum")
            let maximum = try readValue(&reader, "maximum")
            var distinct: Int?
            if hasDistinctCounts {
                let value = try reader.read(Int64.self, "distinct count")
                if value != unknownDistinctCount {
                    // At most the segment's rows (and its non-NULL rows, which the catalog checks).
                    guard value >= 0, value <= rows else {
                        throw reader.error("distinct count \(value) of column \(column) is outside 0...\(rows)")
                    }
                    distinct = Int(value)
                }
            }
            statistics.append(
                ColumnStatistics(
                    columnIdentifier: column, nullCount: nulls, minimum: minimum, maximum: maximum,
                    distinctCount: distinct))
        }
        return CatalogSegment(
            path: path, rows: rows, bytes: bytes, columnIdentifiers: identifiers, statistics: statistics,
            snapshot: snapshot)
    }

    /// A statistics value: a tag byte (0 absent, 1 integer, 2 double, 3 string, 4 boolean), then
    /// an `i64`, the double's bits as a `u64`, a text, or a byte 0 or 1.
    private static func write(_ value: StoredValue?, to writer: inout ByteWriter) {
        switch value {
        case nil: writer.write(UInt8(0))
        case .integer(let integer):
            writer.write(UInt8(1))
            writer.write(littleEndian: integer)
        case .double(let double):
            writer.write(UInt8(2))
            writer.write(littleEndian: double.bitPattern)
        case .string(let string):
            writer.write(UInt8(3))
            writeText(string, to: &writer)
        case .boolean(let flag):
            writer.write(UInt8(4))
            writer.write(UInt8(flag ? 1 : 0))
        }
    }

    private static func readValue(_ reader: inout ByteReader, _ what: String) throws(EncodedDataError) -> StoredValue? {
        let tag = try reader.readByte(what)
        switch tag {
        case 0: return nil
        case 1: return .integer(try reader.read(Int64.self, what))
        case 2: return .double(Double(bitPattern: try reader.read(UInt64.self, what)))
        case 3: return .string(try readText(&reader, what))
        case 4:
            let flag = try reader.readByte(what)
            guard flag <= 1 else { throw reader.error("\(what) boolean is \(flag)") }
            return .boolean(flag == 1)
        default: throw reader.error("unknown \(what) tag \(tag)")
        }
    }

    /// A text: a `u32` byte length, then that many bytes of UTF-8.
    private static func writeText(_ text: String, to writer: inout ByteWriter) {
        let utf8 = Array(text.utf8)
        writer.write(littleEndian: UInt32(utf8.count))
        writer.write(bytes: utf8)
    }

    private static func readText(_ reader: inout ByteReader, _ what: String) throws(EncodedDataError) -> String {
        // Messages are built only on failure: an interpolated description per call cost more than
        // the decoding itself.
        let length = Int(try reader.read(UInt32.self, what))
        guard length <= reader.remaining else {
            throw reader.error("\(what) length \(length) exceeds the \(reader.remaining) bytes left")
        }
        let start = reader.offset
        let bytes = try reader.readBytes(length, what)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw EncodedDataError(offset: reader.baseOffset + start, reason: "\(what) is not valid UTF-8")
        }
        return text
    }
}
