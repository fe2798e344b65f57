/// Reading the canonical type names that `LogicalType.description` prints.

extension LogicalType {
    /// Parses `BOOLEAN`, `TINYINT`, …, `DECIMAL(p,s)`, `VARCHAR` (exactly as `description` prints
    /// them, any case). SQL's aliases (INT, TEXT, …) are the SQL parser's business.
    public init?(canonicalName: String) {
        let name = canonicalName.uppercased()
        switch name {
        case "BOOLEAN": self = .boolean
        case "TINYINT": self = .tinyint
        case "SMALLINT": self = .smallint
        case "INTEGER": self = .integer
        case "BIGINT": self = .bigint
        case "DOUBLE": self = .double
        case "DATE": self = .date
        case "TIMESTAMP": self = .timestamp
        case "VARCHAR": self = .varchar
        default:
            guard name.hasPrefix("DECIMAL("), name.hasSuffix(")") else { return nil }
            let inner = name.dropFirst(8).dropLast().split(separator: ",", omittingEmptySubsequences: false)
            guard inner.count == 2, let precision = Int(inner[0]), let scale = Int(inner[1]) else { return nil }
            let type = LogicalType.decimal(precision: precision, scale: scale)
            guard type.isValid else { return nil }
            self = type
        }
    }
}
