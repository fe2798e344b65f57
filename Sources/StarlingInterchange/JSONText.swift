/// A minimal JSON value with ordered object keys, rendered as compact or indented text.

/// A JSON value. Objects keep their keys in the order given, so output is stable for scripts.
public indirect enum JSONText {
    case null
    case bool(Bool)
    /// A number already rendered as JSON number text (exact for integers and decimals).
    case number(String)
    case string(String)
    case array([JSONText])
    case object([(String, JSONText)])

    public static func integer<T: BinaryInteger>(_ value: T) -> JSONText { .number(String(value)) }

    /// Renders the value, indented by two spaces per level when `pretty`.
    public func rendered(pretty: Bool = true, level: Int = 0) -> String {
        let indent = pretty ? String(repeating: "  ", count: level + 1) : ""
        let closing = pretty ? String(repeating: "  ", count: level) : ""
        let newline = pretty ? "\n" : ""
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return JSONText.quote(text)
        case .array(let items):
            if items.isEmpty { return "[]" }
            let body = items.map { indent + $0.rendered(pretty: pretty, level: level + 1) }.joined(
                separator: "," + newline)
            return "[" + newline + body + newline + closing + "]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            let separator = pretty ? ": " : ":"
            let body = members.map {
                indent + JSONText.quote($0.0) + separator + $0.1.rendered(pretty: pretty, level: level + 1)
            }
            .joined(separator: "," + newline)
            return "{" + newline + body + newline + closing + "}"
        }
    }

    /// A JSON string literal with the required escapes.
    public static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
