/// The `WITH (…)` options a table accepts, and their validation.

import StarlingColumns
import StarlingCompression

/// Table options, documented in `docs/sql.md`.
public enum TableOptions {
    /// Every option name, with what it accepts.
    public static let known: [String: String] = [
        "compression": "'lz4', 'zstd', 'zstd:LEVEL' or 'none'",
        "compression_level": "a ZSTD level from -7 to 22",
        "kind": "'fact', 'dimension' or 'plain' (normally inferred from REFERENCES)",
        "scd_type": "1 or 2: how a dimension load treats changed attributes",
        "scd_tracked_columns": "a comma-separated list of the columns whose changes open a new version (SCD type 2)",
        "scd_fact_date_column": "for SCD type 2: the facts' date column that picks the version valid on that date",
        "unknown_key": "'reject' or 'unknown_member': what a load does with a key this dimension lacks",
        "sort_key": "a comma-separated list of the columns each new segment's rows are stored in order of",
    ]

    /// Checks an option's value; returns an error message or `nil`.
    public static func validate(name: String, value: String) -> String? {
        switch name {
        case "compression":
            return setting(value, level: nil) == nil ? "compression must be 'lz4', 'zstd', 'zstd:LEVEL' or 'none', not '\(value)'" : nil
        case "compression_level":
            guard let level = Int(value), (-7...22).contains(level) else { return "compression_level must be a whole number from -7 to 22" }
            return nil
        case "kind":
            return ["fact", "dimension", "plain"].contains(value.lowercased()) ? nil : "kind must be 'fact', 'dimension' or 'plain'"
        case "scd_type":
            return ["1", "2"].contains(value) ? nil : "scd_type must be 1 or 2"
        case "scd_tracked_columns", "scd_fact_date_column", "sort_key":
            return value.isEmpty ? "\(name) needs at least one column name" : nil
        case "unknown_key":
            return ["reject", "unknown_member"].contains(value.lowercased()) ? nil : "unknown_key must be 'reject' or 'unknown_member'"
        default:
            return "unknown table option \"\(name)\""
        }
    }

    static func setting(_ value: String, level: Int?) -> CompressionSetting? {
        let parts = value.lowercased().split(separator: ":")
        guard let first = parts.first, let codec = Compression(name: String(first)) else { return nil }
        if parts.count == 2 {
            guard codec == .zstd, let explicit = Int(parts[1]), (-7...22).contains(explicit) else { return nil }
            return CompressionSetting(codec, level: explicit)
        }
        guard parts.count == 1 else { return nil }
        return CompressionSetting(codec, level: level ?? CompressionSetting.defaultZstdLevel)
    }

    /// The names in a comma-separated list option (`scd_tracked_columns`, `sort_key`), trimmed,
    /// empty names dropped.
    public static func columnNames(_ value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmed { $0 == " " || $0 == "\t" } }.filter { !$0.isEmpty }
    }

    /// The indices in `columns` of a table's sort key (`sort_key`), first key first; empty when it
    /// has none. Names that are not columns are left out (CREATE TABLE refuses them).
    public static func sortKey(_ options: [String: String], columns: [CatalogColumn]) -> [Int] {
        guard let value = options["sort_key"] else { return [] }
        return columnNames(value).compactMap { name in columns.firstIndex { $0.name == name } }
    }

    /// The codec a table's options ask for, if any.
    public static func compression(_ options: [String: String]) -> CompressionSetting? {
        guard let value = options["compression"] else { return nil }
        return setting(value, level: options["compression_level"].flatMap { Int($0) })
    }
}
