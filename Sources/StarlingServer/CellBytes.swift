/// The bytes of encoded cells, and the writers of values into them as PostgreSQL's text and
/// binary formats spell them.

import StarlingColumns

/// A growing run of bytes that cells are written into: big-endian integers, and integers, decimals,
/// dates and timestamps as text digit by digit (no `String` per value).
struct CellBytes {
    var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    @inline(__always)
    mutating func append<Bytes: Sequence>(contentsOf more: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: more)
    }

    @inline(__always)
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Fills in the length word at `at` with the count of bytes after it.
    @inline(__always)
    mutating func setLength(at offset: Int) {
        let length = UInt32(truncatingIfNeeded: bytes.count - offset - 4)
        bytes[offset] = UInt8(truncatingIfNeeded: length >> 24)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: length >> 16)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: length)
    }

    /// `value` in decimal digits.
    mutating func appendInteger(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude, width: 1)
    }

    /// `value` in decimal, with at least `width` digits (zeros in front).
    mutating func appendDigits(_ value: UInt64, width: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 digits
        withUnsafeMutableBytes(of: &digits) { raw in
            var magnitude = value
            var index = raw.count
            repeat {
                index -= 1
                raw[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            while raw.count - index < min(width, raw.count) {
                index -= 1
                raw[index] = UInt8(ascii: "0")
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[index...]))
        }
    }

    /// `unscaled / 10^scale` with `scale` digits after the point: `-12.05`.
    mutating func appendDecimal(_ unscaled: Int64, scale: Int) {
        guard scale > 0 else { return appendInteger(unscaled) }
        guard scale <= 18 else {
            // Wider than any DECIMAL Starling has: the general formatting.
            return bytes.append(contentsOf: DecimalFormatting.format(unscaled: unscaled, scale: scale).utf8)
        }
        if unscaled < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = unscaled.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<scale { divisor &*= 10 }
        appendDigits(magnitude / divisor, width: 1)
        bytes.append(UInt8(ascii: "."))
        appendDigits(magnitude % divisor, width: scale)
    }

    /// A date as `2025-03-01` (as ``CalendarDate``'s description writes it).
    mutating func appendDate(days: Int64) {
        let date = CalendarDate(daysSinceEpoch: days)
        if date.year < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(UInt64(date.year.magnitude), width: 4)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt64(date.month.magnitude), width: 2)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt64(date.day.magnitude), width: 2)
    }

    /// A timestamp as `2025-03-01 13:45:00[.5]` (as ``TimestampFormatting`` writes it).
    mutating func appendTimestamp(microseconds: Int64) {
        let (days, remainder) = TimestampFormatting.split(microseconds: microseconds)
        appendDate(days: days)
        let seconds = UInt64(remainder / 1_000_000)
        let fraction = UInt64(remainder % 1_000_000)
        bytes.append(UInt8(ascii: " "))
        appendDigits(seconds / 3600, width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(seconds / 60 % 60, width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(seconds % 60, width: 2)
        guard fraction != 0 else { return }
        var digits = fraction
        var width = 6
        while digits % 10 == 0 {
            digits /= 10
            width -= 1
        }
        bytes.append(UInt8(ascii: "."))
        appendDigits(digits, width: width)
    }
}
