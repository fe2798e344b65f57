/// The load log: one line of JSON per load, committed or aborted, in `DIR/loads/log.ndjson`.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StarlingColumns
import StarlingFormat
import StarlingStorage

/// One load, as `starling loads` shows it and the `loads` system table returns it.
public struct LoadRecord: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var bytes: Int
        /// xxHash64 of the file's bytes, 16 hexadecimal digits.
        public var contentHash: String
    }

    public var batch: String
    public var table: String
    public var files: [File]
    public var rowsRead: Int
    public var rowsLoaded: Int
    public var rowsRejected: Int
    /// Rows whose unknown dimension keys went to the unknown member.
    public var unknownKeys: Int
    /// Dimension rows changed in place (SCD type 1) and versions opened (SCD type 2).
    public var rowsUpdated: Int
    public var partitions: [String]
    public var startedMicros: Int64
    public var endedMicros: Int64
    /// `committed` or `aborted`.
    public var status: String
    public var error: String?
    /// The snapshot the load committed, if it did.
    public var snapshot: Int?
    public var rejectsFile: String?
}

/// Reads and appends the load log.
public enum LoadLog {
    public static func path(_ warehouse: Warehouse) -> String { warehouse.path("loads/log.ndjson") }

    static func append(_ record: LoadRecord, to warehouse: Warehouse) throws(LoadError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(record) else { return }
        do {
            try FileBytes.createDirectory(warehouse.path("loads"))
            try AppendLog.append(String(decoding: data, as: UTF8.self), to: path(warehouse))
        } catch {
            throw LoadError(.io, "cannot write the load log: \(error)")
        }
    }

    /// Every record, oldest first. A line cut short by a crash is skipped.
    public static func records(_ warehouse: Warehouse) throws(LoadError) -> [LoadRecord] {
        let bytes: ByteStorage
        do {
            bytes = try FileBytes.read(path: path(warehouse))
        } catch {
            if error.isMissing { return [] }
            throw LoadError(.io, error.description)
        }
        let decoder = JSONDecoder()
        return bytes.decodedText().split(separator: "\n").compactMap { line in
            try? decoder.decode(LoadRecord.self, from: Data(line.utf8))
        }
    }
}
