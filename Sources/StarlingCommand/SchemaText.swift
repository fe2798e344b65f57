/// A table's definition as a CREATE TABLE statement (the shell's `.schema`).

import StarlingStorage

extension CatalogTable {
    /// `CREATE TABLE name (…) [PARTITION BY …] [WITH (…)];` — runs as written in another warehouse
    /// that holds the referenced tables.
    var createStatement: String {
        var lines: [String] = []
        for column in columns {
            var line = "    \(Self.quoted(column.name)) \(column.typeName)"
            if column.notNull { line += " NOT NULL" }
            if primaryKey == [column.name] { line += " PRIMARY KEY" }
            if let reference = column.references { line += " REFERENCES \(Self.quoted(reference.table))(\(Self.quoted(reference.column)))" }
            lines.append(line)
        }
        if primaryKey.count > 1 { lines.append("    PRIMARY KEY (\(primaryKey.map(Self.quoted).joined(separator: ", ")))") }
        var text = "CREATE TABLE \(Self.quoted(name)) (\n" + lines.joined(separator: ",\n") + "\n)"
        if let partitioning { text += " PARTITION BY \(partitioning.granularity.rawValue)(\(Self.quoted(partitioning.column)))" }
        if !options.isEmpty {
            let pairs = options.sorted { $0.key < $1.key }.map { "\($0.key) = '\($0.value.doubling("'"))'" }
            text += " WITH (\(pairs.joined(separator: ", ")))"
        }
        return text + ";"
    }

    /// A name as SQL: bare when it is a plain lower-case word, else in double quotes.
    static func quoted(_ name: String) -> String {
        let plain = name.first.map { $0 == "_" || ($0.isASCII && $0.isLowercase) } ?? false
            && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }
        return plain ? name : "\"" + name.doubling("\"") + "\""
    }
}

extension String {
    /// Every `quote` doubled, as SQL writes quotes inside quotes.
    func doubling(_ quote: Character) -> String {
        split(separator: quote, omittingEmptySubsequences: false).joined(separator: String(repeating: quote, count: 2))
    }
}
