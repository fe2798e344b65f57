/// The columns a query block can name, and how names resolve to them.

import StarlingColumns
import StarlingSQL

/// The columns visible to expressions: FROM's columns (each with its table's name or alias).
struct BindingScope {
    struct Entry {
        var qualifier: String?
        var name: String
        var type: LogicalType
        /// USING's right-hand column: reachable qualified, but not by `*` or an unqualified name.
        var hidden = false
    }

    var entries: [Entry] = []

    /// The position of `name` (optionally qualified), or an error naming it with a suggestion.
    func resolve(qualifier: Identifier?, name: Identifier) throws(SQLError) -> Int? {
        let matches = entries.indices.filter { index in
            let entry = entries[index]
            guard entry.name == name.name else { return false }
            if let qualifier { return entry.qualifier == qualifier.name }
            return !entry.hidden
        }
        if matches.count > 1 {
            let tables = matches.compactMap { entries[$0].qualifier }.joined(separator: ", ")
            throw SQLError("column reference \"\(name.name)\" is ambiguous", at: name.position, hint: "qualify it with one of: \(tables)")
        }
        return matches.first
    }

    /// The error for a name nothing resolves.
    func unknown(qualifier: Identifier?, name: Identifier) -> SQLError {
        if let qualifier, !entries.contains(where: { $0.qualifier == qualifier.name }) {
            let hint = closestMatch(to: qualifier.name, in: Array(Set(entries.compactMap(\.qualifier)))).map { "did you mean \($0)?" }
            return SQLError("missing FROM-clause entry for table \"\(qualifier.name)\"", at: qualifier.position, hint: hint)
        }
        let candidates = entries.filter { qualifier == nil || $0.qualifier == qualifier?.name }.map(\.name)
        let hint = closestMatch(to: name.name, in: candidates).map { "did you mean \($0)?" }
        let place = qualifier.map { " in table \($0.name)" } ?? ""
        return SQLError("column \"\(name.name)\" does not exist\(place)", at: name.position, hint: hint)
    }

    /// The columns' names for EXPLAIN, qualified where a name occurs twice.
    var displayNames: [String] {
        var counts: [String: Int] = [:]
        for entry in entries { counts[entry.name, default: 0] += 1 }
        return entries.map { entry in
            guard counts[entry.name, default: 0] > 1, let qualifier = entry.qualifier else { return entry.name }
            return qualifier + "." + entry.name
        }
    }
}
