/// The decimal and thousands separators of numbers in an extract: `3,14` and `1.234,56` from
/// European systems, read with `--decimal-separator , --thousands-separator .`.

/// How an extract writes the point and the digit groups of its numbers. The default, `.` and no
/// group separator, is what the parsers read directly; any other is rewritten into that form
/// first, field by field (``normalize(_:into:)``).
public struct NumberSeparators: Sendable, Equatable {
    /// The character between the whole and the fractional digits (default `.`).
    public var decimal: UInt8
    /// The character between groups of whole digits (default none).
    public var thousands: UInt8?

    public init(decimal: UInt8 = UInt8(ascii: "."), thousands: UInt8? = nil) {
        self.decimal = decimal
        self.thousands = thousands
    }

    /// Whether `byte` may separate: not a digit, a sign or an exponent's `e`.
    public static func isAllowed(_ byte: UInt8) -> Bool {
        !Array("0123456789+-eE".utf8).contains(byte)
    }

    /// Whether numbers are read as they are.
    public var isDefault: Bool { decimal == UInt8(ascii: ".") && thousands == nil }

    /// The largest field rewritten (longer ones are not numbers any parser accepts).
    static let maximumLength = 128

    /// Writes `field` as the parsers read numbers into `output` (at least as long as `field`)
    /// and returns the length written: thousands separators dropped (only among the whole
    /// digits, and not first), the decimal separator made `.`. A `.` that is neither separator,
    /// or a group separator among the fraction digits, is made `?`, so the field is no number.
    package func normalize(_ field: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        precondition(output.count >= field.count, "output shorter than the field")
        var length = 0
        var inFraction = false
        var sawDigit = false
        for byte in field {
            var written: UInt8? = byte
            if let thousands, byte == thousands {
                // `1.234` keeps its digits; a separator before any digit or after the point is bad.
                written = sawDigit && !inFraction ? nil : UInt8(ascii: "?")
            } else if byte == decimal {
                inFraction = true
                written = UInt8(ascii: ".")
            } else if byte == UInt8(ascii: ".") {
                written = UInt8(ascii: "?")
            } else if byte >= 48 && byte <= 57 {
                sawDigit = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                inFraction = true
            }
            if let written {
                output[length] = written
                length += 1
            }
        }
        return length
    }
}
