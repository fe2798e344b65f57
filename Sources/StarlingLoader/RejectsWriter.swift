/// The rejects file: every rejected row with where it was and why.

import StarlingFormat

/// Writes rejected rows as CSV: `file,line,byte_offset,column,value,reason`. The file is created
/// on the first reject, written to a temporary name and renamed into place when the load ends
/// (committed or aborted), so it is whole or absent.
final class RejectsWriter {
    let path: String
    private var lines: [String] = []
    private(set) var count = 0

    init(path: String) {
        self.path = path
    }

    func add(file: String, line: Int, byteOffset: Int, column: String, value: String, reason: String) {
        if lines.isEmpty { lines.append("file,line,byte_offset,column,value,reason") }
        let shown = value.utf8.count > 200 ? String(decoding: Array(value.utf8.prefix(200)), as: UTF8.self) + "…" : value
        lines.append([file, String(line), String(byteOffset), column, shown, reason].map(Self.quote).joined(separator: ","))
        count += 1
    }

    static func quote(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    /// Writes the file if anything was rejected.
    func finish() throws(LoadError) {
        guard count > 0 else { return }
        do {
            try FileBytes.writeAtomically(Array((lines.joined(separator: "\n") + "\n").utf8), to: path)
        } catch {
            throw LoadError(.io, "cannot write the rejects file: \(error)")
        }
    }
}
