/// Converts one field's bytes to a typed value, without building a String for numbers and dates.

import StarlingColumns

/// Fast parsers over UTF-8 bytes. Each returns `nil` (with the reason left to the caller) when
/// the bytes are not a valid value of the type; none ever traps on any input.
package enum FieldParser {
    /// `integer(raw)` for a field inside `buffer`: one to eight plain digits (most integer fields
    /// of an extract) are read with one 8-byte load when 8 bytes from the field's start lie inside
    /// `buffer`, and converted eight digits at a time; anything else goes to `integer(_:)`.
    @inline(__always)
    package static func integer(_ raw: UnsafeRawBufferPointer, inside buffer: UnsafeRawBufferPointer) -> Int64? {
        let count = raw.count
        if count >= 1, count <= 8, let base = raw.baseAddress, let bufferStart = buffer.baseAddress,
           base >= bufferStart, base + 8 <= bufferStart + buffer.count {
            let loaded = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
            // The field's bytes end up in the top `count` bytes, behind ASCII '0's.
            let shift = UInt64(8 &* (8 &- count))
            let word = (loaded << shift) | (0x3030_3030_3030_3030 >> (64 &- shift))
            if let value = eightDigits(count == 8 ? loaded : word) { return value }
        }
        return integer(raw)
    }

    /// Eight ASCII digits, the first in the lowest byte, as their value; nil unless all are digits.
    @inline(__always)
    static func eightDigits(_ word: UInt64) -> Int64? {
        // Every byte 0x30…0x39: its high nibble is 3, and adding 6 keeps it 3 (no byte carries).
        guard word & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030,
              (word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030 else { return nil }
        var value = word & 0x0F0F_0F0F_0F0F_0F0F
        value = (value &* (10 << 8 + 1)) >> 8                     // pairs of digits
        value = ((value & 0x00FF_00FF_00FF_00FF) &* (100 << 16 + 1)) >> 16      // groups of four
        value = ((value & 0x0000_FFFF_0000_FFFF) &* (10_000 << 32 + 1)) >> 32   // all eight
        return Int64(value & 0xFFFF_FFFF)
    }

    /// A signed decimal integer with optional sign and surrounding spaces, checked for overflow.
    package static func integer(_ raw: UnsafeRawBufferPointer) -> Int64? {
        guard let base = raw.baseAddress else { return nil }
        // Unchecked access within the run's own bounds.
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        guard let (start, end, negative) = signedDigits(bytes, count: raw.count), start < end else { return nil }
        // Up to 18 digits cannot overflow an Int64: no overflow checks needed.
        if end - start <= 18 {
            var value: Int64 = 0
            var index = start
            while index < end {
                let digit = bytes[index] &- 48
                guard digit <= 9 else { return nil }
                value = value &* 10 &+ Int64(digit)
                index &+= 1
            }
            return negative ? -value : value
        }
        var index = start
        // Accumulate negatively so Int64.min parses.
        var value: Int64 = 0
        while index < end {
            let digit = Int64(bytes[index]) - 48
            guard digit >= 0, digit <= 9 else { return nil }
            let (multiplied, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (subtracted, overflow2) = multiplied.subtractingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = subtracted
            index += 1
        }
        if negative { return value }
        let (positive, overflow) = Int64(0).subtractingReportingOverflow(value)
        return overflow ? nil : positive
    }

    /// A decimal as its unscaled value at `scale`, rounding half away from zero beyond it, with at
    /// most `precision` digits. Accepts `12`, `-12.5`, `.5`, `+3.`, and an exponent (`1.5e3`).
    package static func decimal(_ raw: UnsafeRawBufferPointer, precision: Int, scale: Int) -> Int64? {
        guard let base = raw.baseAddress else { return nil }
        // Unchecked access within the run's own bounds.
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        guard let (start, end, negative) = signedDigits(bytes, count: raw.count) else { return nil }
        var index = start
        // Integer digits. Up to 18 significant digits cannot overflow an Int64.
        var value: Int64 = 0
        var significant = 0
        while index < end {
            let digit = bytes[index] &- 48
            guard digit <= 9 else { break }
            value = value &* 10 &+ Int64(digit)
            significant &+= value == 0 ? 0 : 1
            index += 1
        }
        var any = index > start
        // Fraction digits: keep `scale` of them, round on the next.
        var kept = 0
        var roundUp = false
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < end {
                let digit = bytes[index] &- 48
                guard digit <= 9 else { break }
                any = true
                if kept < scale {
                    value = value &* 10 &+ Int64(digit)
                    significant &+= value == 0 ? 0 : 1
                    kept += 1
                } else if kept == scale {
                    roundUp = digit >= 5
                    kept += 1
                }
                index += 1
            }
        }
        if index < end {
            // An exponent goes the slow, exact way; anything else is not a number.
            let byte = bytes[index]
            return any && (byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")) ? slowDecimal(raw, precision: precision, scale: scale) : nil
        }
        guard any, significant <= 18 else { return nil }
        // Scale up when fewer than `scale` fraction digits were given.
        while kept < scale {
            let (multiplied, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = multiplied
            kept += 1
        }
        if roundUp { value += 1 }
        guard value < ValueParsing.power10(precision) else { return nil }
        return negative ? -value : value
    }

    /// Skips surrounding spaces and a leading sign: where the digits start and end, and the sign.
    @inline(__always)
    static func signedDigits(_ bytes: UnsafePointer<UInt8>, count: Int) -> (start: Int, end: Int, negative: Bool)? {
        var index = 0
        var end = count
        while index < end, bytes[index] == 0x20 { index += 1 }
        while end > index, bytes[end - 1] == 0x20 { end -= 1 }
        guard index < end else { return nil }
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        return (index, end, negative)
    }

    static func slowDecimal(_ bytes: UnsafeRawBufferPointer, precision: Int, scale: Int) -> Int64? {
        try? ValueParsing.decimal(String(decoding: bytes, as: UTF8.self).trimmingSpacesOnly, precision: precision, scale: scale)
    }

    /// A double, via the C library's correctly rounded conversion.
    package static func double(_ bytes: UnsafeRawBufferPointer) -> Double? {
        let text = String(decoding: bytes, as: UTF8.self).trimmingSpacesOnly
        if ValueParsing.isDecimalNumber(text) {
            guard let value = Double(text), value.isFinite else { return nil }
            return value
        }
        switch text.lowercased() {
        case "nan": return .nan
        case "inf", "infinity", "+inf", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }

    /// `true/false/t/f/1/0/yes/no/y/n`, any case.
    package static func boolean(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        if start > 0 || end < bytes.count { return boolean(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) }
        guard bytes.count <= 5 else { return nil }
        var lower: UInt64 = 0
        for byte in bytes {
            let folded = byte >= 65 && byte <= 90 ? byte + 32 : byte
            lower = lower << 8 | UInt64(folded)
        }
        switch bytes.count {
        case 1:
            switch UInt8(truncatingIfNeeded: lower) {
            case UInt8(ascii: "t"), UInt8(ascii: "1"), UInt8(ascii: "y"): return true
            case UInt8(ascii: "f"), UInt8(ascii: "0"), UInt8(ascii: "n"): return false
            default: return nil
            }
        default:
            return ValueParsing.boolean(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// ISO `YYYY-MM-DD` fast path, days since 1970-01-01.
    package static func isoDate(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else {
            return ValueParsing.date(String(decoding: bytes, as: UTF8.self).trimmingSpacesOnly)
        }
        func digits(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start..<(start + count) {
                let digit = Int(bytes[index]) - 48
                guard digit >= 0 && digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
              (1...12).contains(month), day >= 1, day <= CalendarDate.daysInMonth(year: year, month: month) else { return nil }
        return CalendarDate(year: year, month: month, day: day).daysSinceEpoch
    }
}

extension String {
    var trimmingSpacesOnly: String { trimmed { $0 == " " } }
}
