/// Writing a stored string's UTF-8 bytes as a CSV or TSV field, a JSON string or a Markdown cell.

import StarlingColumns

extension ByteBuffer {
    /// Appends `text` as ``TextEscaping/quoteDelimited(_:_:)`` writes it: in quotes, its quotes
    /// doubled, when it holds `separator`, a quote or a line break. That function finds them as
    /// Swift `Character`s (so a quote followed by a combining mark, or a CR LF pair, is not one),
    /// which for ASCII text without a CR is the same as finding their bytes; other text holding
    /// any of those bytes goes through that function itself.
    mutating func appendDelimited(_ text: UnsafeRawBufferPointer, separator: UInt8) {
        var special = false
        var plain = true
        for byte in text {
            if byte == separator || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
            {
                special = true
            }
            if byte >= 0x80 || byte == UInt8(ascii: "\r") { plain = false }
        }
        guard special else { return append(text) }
        guard plain else {
            let string = String(decoding: text, as: UTF8.self)
            return append(TextEscaping.quoteDelimited(string, String(UnicodeScalar(separator))))
        }
        reserve(2 * text.count + 2)
        put(UInt8(ascii: "\""))
        for byte in text {
            if byte == UInt8(ascii: "\"") { put(byte) }
            put(byte)
        }
        put(UInt8(ascii: "\""))
    }

    /// Appends `text` as a JSON string literal, as `JSONText.quote` writes it: `"` and `\` escaped,
    /// newline, carriage return and tab as `\n`, `\r`, `\t`, other control characters as `\u00XX`.
    /// (Invalid UTF-8 is copied: turning the batch into a `String` repairs it as that function's
    /// `String` was repaired, since the bytes around it are ASCII in both.)
    mutating func appendJSONString(_ text: UnsafeRawBufferPointer) {
        reserve(6 * text.count + 2)
        put(UInt8(ascii: "\""))
        for byte in text {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                put(UInt8(ascii: "\\"))
                put(byte)
            case UInt8(ascii: "\n"): putEscape(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): putEscape(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): putEscape(UInt8(ascii: "t"))
            case 0..<0x20:
                for escape in "\\u00".utf8 { put(escape) }
                put(Self.hexDigit(byte >> 4))
                put(Self.hexDigit(byte & 0xF))
            default:
                put(byte)
            }
        }
        put(UInt8(ascii: "\""))
    }

    @inline(__always)
    private mutating func putEscape(_ letter: UInt8) {
        put(UInt8(ascii: "\\"))
        put(letter)
    }

    /// The lowercase hexadecimal digit of `value` (below 16).
    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    /// Appends `text` as ``TextEscaping/escapeMarkdown(_:)`` writes it: `|` as `\|`, line breaks
    /// as spaces. As for ``appendDelimited(_:separator:)``, only ASCII text without a CR is
    /// escaped byte by byte; other text holding a `|` or a line break goes through that function.
    mutating func appendMarkdown(_ text: UnsafeRawBufferPointer) {
        var special = false
        var plain = true
        for byte in text {
            if byte == UInt8(ascii: "|") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { special = true }
            if byte >= 0x80 || byte == UInt8(ascii: "\r") { plain = false }
        }
        guard special else { return append(text) }
        guard plain else { return append(TextEscaping.escapeMarkdown(String(decoding: text, as: UTF8.self))) }
        reserve(2 * text.count)
        for byte in text {
            switch byte {
            case UInt8(ascii: "|"):
                put(UInt8(ascii: "\\"))
                put(byte)
            case UInt8(ascii: "\n"): put(UInt8(ascii: " "))
            default: put(byte)
            }
        }
    }
}
