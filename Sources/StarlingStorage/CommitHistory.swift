/// The history log: one line per commit, appended, so a commit's cost does not grow with the
/// number of commits before it.

import StarlingColumns
import StarlingFormat

/// `snapshots/history.ndjson` (`Formats/catalog-v2.md` §6): one ``HistoryEntry`` as JSON per
/// line. A commit appends its entry, durably, before it renames its snapshot into place; a crash
/// between the two leaves an entry for a snapshot that was never committed, which readers skip
/// (its number is above the current snapshot's) and the next commit of that number supersedes
/// (the last line for a number wins).
enum CommitHistory {
    static let fileName = "history.ndjson"

    /// Where the log of the warehouse at `directory` is.
    static func path(_ directory: String) -> String {
        directory + "/snapshots/" + fileName
    }

    /// Appends `entry`. The first commit of a warehouse without a log (a new one, or one migrating
    /// from format 1, whose `earlier` history is then written first) writes the whole file
    /// atomically, so a crash cannot leave a log that lacks the earlier entries.
    static func append(_ entry: HistoryEntry, earlier: [HistoryEntry], directory: String) throws(FileError) {
        let file = path(directory)
        let line = String(decoding: JSONCoding.encode(entry), as: UTF8.self)
        if FileBytes.kind(of: file).exists {
            try AppendLog.append(line, to: file)
            return
        }
        let lines = earlier.filter { $0.snapshot < entry.snapshot }.map {
            String(decoding: JSONCoding.encode($0), as: UTF8.self)
        }
        try FileBytes.writeAtomically(Array((lines + [line]).joined(separator: "\n").utf8) + [0x0A], to: file)
    }

    /// The commits up to and including `current`, oldest first: the log's entries for snapshots
    /// up to `current.snapshot` (the last line of each number), and `current`'s own entry. Lines
    /// that do not decode (one cut short by a crash) are skipped; a missing log gives `current`'s
    /// entry alone.
    static func entries(directory: String, current: Catalog) throws(StorageError) -> [HistoryEntry] {
        let bytes: ByteStorage
        do throws(FileError) { bytes = try FileBytes.read(path: path(directory)) } catch {
            if error.isMissing { return [current.commit] }
            throw StorageError(error)
        }
        var byNumber: [Int: HistoryEntry] = [:]
        for line in bytes.decodedText().split(separator: "\n") {
            guard let entry = try? JSONCoding.decode(HistoryEntry.self, from: Array(line.utf8)),
                entry.snapshot >= 1, entry.snapshot <= current.snapshot
            else { continue }
            byNumber[entry.snapshot] = entry
        }
        byNumber[current.snapshot] = current.commit
        return byNumber.keys.sorted().compactMap { byNumber[$0] }
    }
}

extension Warehouse {
    /// Every commit up to snapshot `number` (the current snapshot when nil), oldest first, as
    /// `starling history` lists them.
    public func history(snapshot number: Int? = nil) throws(StorageError) -> [HistoryEntry] {
        let state = try readSnapshot(number)
        if let history = state.version1History { return history }
        return try CommitHistory.entries(directory: directory, current: state.catalog)
    }
}
