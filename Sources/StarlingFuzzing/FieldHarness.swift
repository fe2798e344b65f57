/// The date and number parsers harness: one field's text through every parser that reads one.

import StarlingColumns
import StarlingLoader

/// Feeds one field to the loader's ``FieldParser`` (integers, decimals, doubles, booleans, ISO
/// dates), to ``ValueParsing`` (SQL literals and casts, every type), to ``DateTimeFormat``
/// (`--date-format` patterns) and to ``NumberSeparators``.
///
/// Input: one byte choosing a decimal's precision (1–18) and scale (0–precision), then the
/// field. When the field holds a newline, the text before it is a date-time pattern parsed and
/// applied to the text after it; the fixed patterns of ``ExtractHarness`` are always applied.
///
/// Checks: the eight-digit integer path agrees with the digit loop, an ISO date read by the
/// fast path agrees with ``ValueParsing/date(_:)``, and the loader's decimal parser agrees with
/// ``ValueParsing/decimal(_:precision:scale:)`` on the same text.
enum FieldHarness {
    static let patterns = [
        "%d/%m/%Y", "%Y%m%d", "%d-%b-%Y", "%Y-%m-%d %H:%M:%S%z", "%d/%m/%Y %I:%M %p", "%Y%m%dT%H%M%S.%f", "%B %e, %y",
    ].compactMap(DateTimeFormat.init)

    static let separators = [
        NumberSeparators(decimal: UInt8(ascii: ",")),
        NumberSeparators(decimal: UInt8(ascii: ","), thousands: UInt8(ascii: ".")),
        NumberSeparators(thousands: UInt8(ascii: "_")),
    ]

    static func run(_ bytes: UnsafeRawBufferPointer) {
        var input = FuzzInput(bytes)
        let choice = Int(input.byte())
        let precision = 1 + choice % 18
        let scale = (choice / 18) % (precision + 1)
        let field = input.rest
        if let newline = field.firstIndex(of: 0x0A) {
            let pattern = String(decoding: UnsafeRawBufferPointer(rebasing: field[..<newline]), as: UTF8.self)
            let value = UnsafeRawBufferPointer(rebasing: field[(newline + 1)...])
            _ = DateTimeFormat.problem(pattern)
            if let format = DateTimeFormat(pattern) {
                _ = format.days(value)
                _ = format.micros(value)
            }
        }
        parseField(field, inside: bytes, precision: precision, scale: scale)
    }

    static func parseField(
        _ field: UnsafeRawBufferPointer, inside buffer: UnsafeRawBufferPointer, precision: Int, scale: Int
    ) {
        let integer = FieldParser.integer(field)
        let inside = FieldParser.integer(field, inside: buffer)
        FuzzCheck.expect(
            integer == inside,
            "integer: the digit loop reads \(FuzzCheck.shown(integer)), the word path \(FuzzCheck.shown(inside))")
        let decimal = FieldParser.decimal(field, precision: precision, scale: scale)
        _ = FieldParser.double(field)
        _ = FieldParser.boolean(field)
        let date = FieldParser.isoDate(field)
        for format in patterns {
            _ = format.days(field)
            _ = format.micros(field)
        }
        for separators in separators where field.count <= 128 {
            withUnsafeTemporaryAllocation(byteCount: max(field.count, 1), alignment: 1) { output in
                let length = separators.normalize(field, into: output)
                FuzzCheck.expect(
                    length <= field.count, "normalize wrote \(length) bytes of a \(field.count)-byte field")
            }
        }

        let text = String(decoding: field, as: UTF8.self)
        for type in [
            LogicalType.boolean, .tinyint, .smallint, .integer, .bigint, .double,
            .decimal(precision: precision, scale: scale), .date, .timestamp, .varchar,
        ] {
            _ = try? ValueParsing.parse(text, as: type)
        }
        _ = ValueParsing.isDecimalNumber(text)
        _ = ValueParsing.timestamp(text)
        _ = LogicalType(canonicalName: text)
        // The fast paths must read what the general parsers read.
        if field.count == 10, field[4] == UInt8(ascii: "-"), field[7] == UInt8(ascii: "-") {
            let general = ValueParsing.date(text)
            FuzzCheck.expect(
                date == general,
                "ISO date \(text): the fast path reads \(FuzzCheck.shown(date)), "
                    + "the general one \(FuzzCheck.shown(general))")
        }
        if field.allSatisfy({ $0 < 0x80 }) {
            let trimmed = text.trimmed { $0 == " " }
            let general = try? ValueParsing.decimal(trimmed, precision: precision, scale: scale)
            FuzzCheck.expect(
                decimal == general,
                "DECIMAL(\(precision),\(scale)) \(text): the loader reads \(FuzzCheck.shown(decimal)), "
                    + "SQL \(FuzzCheck.shown(general))")
        }
    }
}
