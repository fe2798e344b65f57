/// Manifest files: the segments of one partition, or one page of a table's loaded files,
/// written once and shared by every snapshot whose root names them.

import StarlingColumns
import StarlingEncoding

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a manifest file holds (`Formats/catalog-v2.md` §4).
package struct ManifestDocument: Sendable, Equatable {
    /// `partition` or `loadedFiles`.
    var kind: String
    /// The table's identifier.
    var table: Int
    /// The snapshot whose commit wrote the manifest.
    var snapshot: Int
    /// The partition key, for a partition manifest.
    var partition: String?
    /// The partition's segments, in read order, for a partition manifest.
    var segments: [CatalogSegment]?
    /// A page of the table's loaded files, oldest first, for a loaded-files manifest.
    var loadedFiles: [LoadedFile]?

    static let partitionKind = "partition"
    static let loadedFilesKind = "loadedFiles"
}

/// Encodes and decodes manifest files (`manifests/<table id>/<snapshot>-<n>.stman`): the
/// envelope of ``CatalogEnvelope`` with the magic `STMF`, around a ``ManifestDocument`` in the
/// binary layout of `ManifestFile+Coding.swift` (a manifest of thousands of segments decodes in
/// a millisecond or two, where JSON took tens).
package enum ManifestFile {
    static let magic: [UInt8] = [0x53, 0x54, 0x4D, 0x46]
    /// 2 from the distinct counts in statistics entries on; readers take 1 and 2 (the payload's
    /// layout follows the write version, `ManifestFile+Coding.swift`).
    static let writeVersion: UInt16 = 2
    static let readVersion: UInt16 = 2
    /// Loaded files per page: a load rewrites only the last page, so its cost stays bounded
    /// however many files a table has loaded.
    static let loadedFilesPerPage = 512

    /// The file's bytes and its payload checksum, in the layout of write version `version` (its
    /// read version the same: 1 or 2; the reference writer writes the current one).
    static func encode(_ document: ManifestDocument, version: UInt16 = writeVersion)
        -> (bytes: [UInt8], checksum: UInt64)
    {
        let payload = payload(document, version: version)
        let bytes = CatalogEnvelope.encode(payload, magic: magic, writeVersion: version, readVersion: version)
        return (bytes, bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian })
    }

    /// A decoded manifest and its payload checksum (16 hexadecimal digits).
    struct Decoded: Sendable {
        var document: ManifestDocument
        var checksum: String
    }

    /// Decodes the manifest file at `path`: its envelope, then its payload.
    static func decode(_ storage: ByteStorage, path: String) throws(StorageError) -> Decoded {
        let contents = try CatalogEnvelope.decode(
            storage, magic: magic, supportedReadVersion: readVersion, kind: "manifest", path: path)
        do throws(EncodedDataError) {
            let document = try document(contents.payload, version: contents.writeVersion)
            return Decoded(document: document, checksum: CatalogEnvelope.hexadecimal(contents.checksum))
        } catch {
            throw StorageError(.corrupt, "\(path): at byte \(error.offset): \(error.reason)")
        }
    }

    /// Checks that `decoded` (read from `path`) is the manifest a root expects: the checksum the
    /// root recorded, then the kind, table and partition (`nil` for a loaded-files page).
    static func check(_ decoded: Decoded, path: String, checksum: String, table: Int, partition: String?)
        throws(StorageError)
    {
        guard decoded.checksum == checksum.lowercased() else {
            throw StorageError(
                .corrupt,
                "\(path): its checksum \(decoded.checksum) is not the \(checksum) the snapshot recorded "
                    + "(the file was replaced or edited)")
        }
        let document = decoded.document
        let expectedKind = partition == nil ? ManifestDocument.loadedFilesKind : ManifestDocument.partitionKind
        guard document.kind == expectedKind, document.table == table, document.partition == partition,
            (partition == nil) == (document.loadedFiles != nil), (partition == nil) == (document.segments == nil)
        else {
            throw StorageError(
                .corrupt, "\(path) is not the \(expectedKind) manifest of table \(table) its snapshot names")
        }
    }
}

/// JSON as the catalog files use it: keys sorted, no whitespace.
enum JSONCoding {
    /// The JSON of `value`. Encoding the catalog's plain structs of strings and numbers cannot
    /// fail; were it to, the empty payload would be refused by every reader.
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { [UInt8]($0) } ?? []
    }

    /// `bytes` decoded as `T`.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
