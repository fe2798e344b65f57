/// A statistics value as the catalog's JSON holds it.

import StarlingColumns

/// A tagged scalar: `{"int": 5}`, `{"double": "0x3ff8000000000000"}` (bit pattern, so NaN and
/// infinities survive), `{"string": "ASIA"}`, `{"bool": true}`.
public enum StoredValue: Codable, Sendable, Equatable {
    case integer(Int64)
    case double(Double)
    case string(String)
    case boolean(Bool)

    enum Key: String, CodingKey {
        case int, double, string, bool
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        if let value = try container.decodeIfPresent(Int64.self, forKey: .int) {
            self = .integer(value)
        } else if let bits = try container.decodeIfPresent(String.self, forKey: .double) {
            guard bits.hasPrefix("0x"), let pattern = UInt64(bits.dropFirst(2), radix: 16) else {
                throw DecodingError.dataCorruptedError(forKey: .double, in: container, debugDescription: "not a 0x-prefixed bit pattern")
            }
            self = .double(Double(bitPattern: pattern))
        } else if let value = try container.decodeIfPresent(String.self, forKey: .string) {
            self = .string(value)
        } else if let value = try container.decodeIfPresent(Bool.self, forKey: .bool) {
            self = .boolean(value)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "no int, double, string or bool"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .integer(let value): try container.encode(value, forKey: .int)
        case .double(let value):
            try container.encode("0x" + hexadecimalDigits(value.bitPattern), forKey: .double)
        case .string(let value): try container.encode(value, forKey: .string)
        case .boolean(let value): try container.encode(value, forKey: .bool)
        }
    }

    /// From a non-NULL ``Value``; `nil` for NULL and for an INTERVAL (the catalog holds none:
    /// no table column is one).
    public init?(_ value: Value) {
        switch value {
        case .null, .interval: return nil
        case .integer(let integer): self = .integer(integer)
        case .double(let double): self = .double(double)
        case .string(let string): self = .string(string)
        case .boolean(let flag): self = .boolean(flag)
        }
    }

    public var value: Value {
        switch self {
        case .integer(let integer): return .integer(integer)
        case .double(let double): return .double(double)
        case .string(let string): return .string(string)
        case .boolean(let flag): return .boolean(flag)
        }
    }
}
