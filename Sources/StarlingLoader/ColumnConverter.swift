/// Converts fields into one table column's stored values, with the reason when a value is bad.

import StarlingColumns
import StarlingStorage

/// The typed result of converting one field.
enum ConvertedValue {
    case null
    case integer(Int64)
    case double(Double)
    /// Bytes of a VARCHAR value (already valid UTF-8).
    case text(UnsafeRawBufferPointer)
}

/// How one table column turns field bytes into a value of its declared type.
struct ColumnConverter: Sendable {
    let column: CatalogColumn
    let type: LogicalType
    let dateFormat: DateTimeFormat?
    let timestampFormat: DateTimeFormat?
    /// Set when numbers use other separators and this column is a number: fields are rewritten
    /// before they are parsed.
    let numberSeparators: NumberSeparators?

    init(column: CatalogColumn, options: LoadOptions) {
        self.column = column
        self.type = column.type
        self.dateFormat = options.dateFormat
        self.timestampFormat = options.timestampFormat
        let isNumber: Bool
        switch column.type {
        case .tinyint, .smallint, .integer, .bigint, .decimal, .double: isNumber = true
        default: isNumber = false
        }
        self.numberSeparators = isNumber && !options.numberSeparators.isDefault ? options.numberSeparators : nil
    }

    /// Converts `field`; throws the reason a user reads in the rejects file. With
    /// `jsonNumber`, a number column's field is a JSON number, read as JSON writes it whatever
    /// the separators.
    func convert(_ field: FieldValue, jsonNumber: Bool = false) throws(ConversionFailure) -> ConvertedValue {
        if field.kind == .null { return .null }
        if let numberSeparators, !jsonNumber {
            guard field.bytes.count <= NumberSeparators.maximumLength else { throw ConversionFailure("not a number") }
            return try withUnsafeTemporaryAllocation(byteCount: max(1, field.bytes.count), alignment: 1) {
                (buffer) throws(ConversionFailure) -> ConvertedValue in
                let length = numberSeparators.normalize(field.bytes, into: buffer)
                let rewritten = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<length])
                return try convertValue(FieldValue(bytes: rewritten, kind: field.kind))
            }
        }
        return try convertValue(field)
    }

    /// What to pass for a field that is no number as written but would be with an option: a
    /// NULL marker (`NULL`, `NA`: `--null NULL`) or a decimal comma (`3,14`:
    /// `--decimal-separator ,`). Empty when neither, or when separators are already set.
    func numberHint(_ bytes: UnsafeRawBufferPointer) -> String {
        guard numberSeparators == nil else { return "" }
        let text = String(decoding: bytes, as: UTF8.self).trimmingSpacesOnly
        if ["null", "na", "n/a", "none", "-", "?"].contains(text.lowercased()) {
            return " (to read it as NULL: --null '\(text)')"
        }
        if text.utf8.filter({ $0 == UInt8(ascii: ",") }).count == 1 {
            // Only the point differs: a decimal comma.
            let pointed = Array(text.utf8).map { $0 == UInt8(ascii: ",") ? UInt8(ascii: ".") : $0 }
            if pointed.withUnsafeBytes({ FieldParser.double($0) != nil }) {
                return " (a decimal comma? --decimal-separator ,)"
            }
        }
        return ""
    }

    /// Converts a field whose numbers are written as the parsers read them.
    private func convertValue(_ field: FieldValue) throws(ConversionFailure) -> ConvertedValue {
        if field.kind == .null { return .null }
        let bytes = field.bytes
        switch type {
        case .varchar:
            guard Self.isValidUTF8(bytes) else { throw ConversionFailure("invalid UTF-8 (use --encoding latin-1 or windows-1252 for such files)") }
            return .text(bytes)
        case .boolean:
            guard let value = FieldParser.boolean(bytes) else { throw ConversionFailure("not a boolean (true/false, t/f, 1/0, yes/no, y/n, on/off)") }
            return .integer(value ? 1 : 0)
        case .tinyint, .smallint, .integer, .bigint:
            guard let value = FieldParser.integer(bytes) else {
                if let decimal = FieldParser.decimal(bytes, precision: 18, scale: 0), Self.looksNumeric(bytes) {
                    guard type.physicalType.integerRange?.contains(decimal) ?? false else { throw ConversionFailure("out of range for \(type)") }
                    return .integer(decimal)
                }
                throw ConversionFailure(
                    Self.looksNumeric(bytes) ? "out of range for \(type)" : "not a whole number" + numberHint(bytes))
            }
            guard type.physicalType.integerRange?.contains(value) ?? false else { throw ConversionFailure("out of range for \(type)") }
            return .integer(value)
        case .decimal(let precision, let scale):
            guard let value = FieldParser.decimal(bytes, precision: precision, scale: scale) else {
                throw ConversionFailure(
                    Self.looksNumeric(bytes) ? "out of range for \(type)" : "not a number" + numberHint(bytes))
            }
            return .integer(value)
        case .double:
            guard let value = FieldParser.double(bytes) else {
                throw ConversionFailure(
                    Self.looksNumeric(bytes) ? "out of range for DOUBLE" : "not a number" + numberHint(bytes))
            }
            return .double(value)
        case .date:
            let days: Int64?
            if let dateFormat {
                days = dateFormat.days(bytes)
            } else {
                days = FieldParser.isoDate(bytes)
            }
            guard let days, days >= Int64(Int32.min), days <= Int64(Int32.max) else {
                throw ConversionFailure("not a date" + (dateFormat.map { " in the format \($0.pattern)" } ?? " (expected YYYY-MM-DD; see --date-format)"))
            }
            return .integer(days)
        case .timestamp:
            let micros: Int64?
            if let timestampFormat {
                micros = timestampFormat.micros(bytes)
            } else {
                micros = ValueParsing.timestamp(String(decoding: bytes, as: UTF8.self).trimmingSpacesOnly)
            }
            guard let micros else {
                throw ConversionFailure("not a timestamp" + (timestampFormat.map { " in the format \($0.pattern)" } ?? " (expected ISO 8601; see --timestamp-format)"))
            }
            return .integer(micros)
        case .interval:
            // No table column is an INTERVAL (CREATE TABLE refuses one).
            throw ConversionFailure("a column cannot be an INTERVAL")
        }
    }

    /// A well-formed number (spaces around allowed), perhaps too large: tells "out of range" from
    /// "not a number" on the error path.
    static func looksNumeric(_ bytes: UnsafeRawBufferPointer) -> Bool {
        ValueParsing.isDecimalNumber(String(decoding: bytes, as: UTF8.self).trimmingSpacesOnly)
    }

    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var ascii = true
        for byte in bytes where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii { return true }
        return String(validating: bytes, as: UTF8.self) != nil
    }
}

/// Why a field could not be converted.
struct ConversionFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
