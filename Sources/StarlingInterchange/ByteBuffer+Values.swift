/// Writing SQL values as text straight into a ``ByteBuffer``, byte for byte as `Value.formatted(as:)`.

import StarlingColumns

extension ByteBuffer {
    /// Room every value writer below makes for itself, except decimals with a scale above 18
    /// (which add their scale): a sign, 20 digits and a timestamp's punctuation, rounded up.
    static let valueRoom = 48

    /// Appends `true` or `false`.
    @inline(__always)
    public mutating func appendBoolean(_ flag: Bool) {
        reserve(5)
        if flag {
            for byte in "true".utf8 { put(byte) }
        } else {
            for byte in "false".utf8 { put(byte) }
        }
    }

    /// Appends `value` in decimal, as `String(value)` does.
    @inline(__always)
    public mutating func appendInteger(_ value: Int64) {
        reserve(Self.valueRoom)
        if value < 0 { put(UInt8(ascii: "-")) }
        putDigits(value.magnitude)
    }

    /// Appends the unscaled `value` with `scale` digits after the point, as
    /// `DecimalFormatting.format(unscaled:scale:)` does: `-1205` at scale 2 is `-12.05`, `5` is `0.05`.
    @inline(__always)
    public mutating func appendDecimal(_ value: Int64, scale: Int) {
        guard scale > 0 else { return appendInteger(value) }
        reserve(Self.valueRoom + scale)
        if value < 0 { put(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        // 10^scale fits a UInt64 up to scale 19; every magnitude is below 10^20.
        guard scale < Self.maximumDigits, magnitude >= Self.powerOfTen(scale) else {
            put(UInt8(ascii: "0"))
            put(UInt8(ascii: "."))
            putDigits(magnitude, minimumWidth: scale)
            return
        }
        let unit = Self.powerOfTen(scale)
        putDigits(magnitude / unit)
        put(UInt8(ascii: "."))
        putDigits(magnitude % unit, minimumWidth: scale)
    }

    /// 10 to the power `exponent` (below 20).
    @inline(__always)
    static func powerOfTen(_ exponent: Int) -> UInt64 {
        var result: UInt64 = 1
        for _ in 0..<exponent { result &*= 10 }
        return result
    }

    /// Appends the date `days` after 1970-01-01 as `CalendarDate.description` does: `2025-03-01`,
    /// the year zero-padded to four digits (`-0044-03-15` before year 0).
    @inline(__always)
    public mutating func appendDate(days: Int64) {
        reserve(Self.valueRoom)
        putDate(CalendarDate(daysSinceEpoch: days))
    }

    /// Appends `date` into room made for ``valueRoom`` bytes.
    @inline(__always)
    private mutating func putDate(_ date: CalendarDate) {
        if date.year < 0 { put(UInt8(ascii: "-")) }
        putDigits(UInt64(date.year.magnitude), minimumWidth: 4)
        put(UInt8(ascii: "-"))
        putDigits(UInt64(date.month.magnitude), minimumWidth: 2)
        put(UInt8(ascii: "-"))
        putDigits(UInt64(date.day.magnitude), minimumWidth: 2)
    }

    /// Appends the timestamp `microseconds` after 1970-01-01 00:00 UTC as
    /// `TimestampFormatting.format(microseconds:)` does: `2025-03-01 13:45:00.12` (no fraction
    /// when it is zero, trailing zeros of the fraction left out).
    @inline(__always)
    public mutating func appendTimestamp(microseconds: Int64) {
        reserve(Self.valueRoom)
        let (days, remainder) = TimestampFormatting.split(microseconds: microseconds)
        putDate(CalendarDate(daysSinceEpoch: days))
        put(UInt8(ascii: " "))
        putClock(microseconds: UInt64(remainder))
    }

    /// Puts `microseconds` as a clock: `HH:MM:SS` (hours of two digits or more), then `.` and the
    /// fraction without its trailing zeros, when it is not zero. Room is reserved by the caller.
    @inline(__always)
    private mutating func putClock(microseconds: UInt64) {
        let seconds = microseconds / 1_000_000
        putDigits(seconds / 3600, minimumWidth: 2)
        put(UInt8(ascii: ":"))
        putDigits(seconds / 60 % 60, minimumWidth: 2)
        put(UInt8(ascii: ":"))
        putDigits(seconds % 60, minimumWidth: 2)
        var fraction = microseconds % 1_000_000
        guard fraction != 0 else { return }
        var width = 6
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        put(UInt8(ascii: "."))
        putDigits(fraction, minimumWidth: width)
    }

    /// Appends `interval` as its `description` (DuckDB's text) reads: `1 year 2 months 3 days
    /// 04:05:06.789`, `-1 day`, `00:00:00`; at most 70 bytes.
    public mutating func appendInterval(_ interval: Interval) {
        reserve(80)
        var first = true
        func part(_ value: Int32, _ unit: StaticString) {
            guard value != 0 else { return }
            if !first { put(UInt8(ascii: " ")) }
            first = false
            if value < 0 { put(UInt8(ascii: "-")) }
            putDigits(UInt64(value.magnitude))
            put(UInt8(ascii: " "))
            unit.withUTF8Buffer { for byte in $0 { put(byte) } }
            if value != 1 && value != -1 { put(UInt8(ascii: "s")) }
        }
        part(interval.months / 12, "year")
        part(interval.months % 12, "month")
        part(interval.days, "day")
        let micros = interval.micros
        guard micros != 0 else {
            if first { for byte in "00:00:00".utf8 { put(byte) } }
            return
        }
        if !first { put(UInt8(ascii: " ")) }
        if micros < 0 { put(UInt8(ascii: "-")) }
        putClock(microseconds: micros.magnitude)
    }

    /// Appends `value` as `DoubleFormatting.format` does: shortest round-trip digits, `.0` after
    /// whole numbers below 10^15, `NaN`, `Infinity`, `-Infinity` and `-0.0` spelled out.
    @inline(__always)
    public mutating func appendDouble(_ value: Double) {
        if value.isFinite, value != 0, value == value.rounded(), abs(value) < 1e15 {
            reserve(Self.valueRoom)
            let whole = Int64(value)
            if whole < 0 { put(UInt8(ascii: "-")) }
            putDigits(whole.magnitude)
            put(UInt8(ascii: "."))
            put(UInt8(ascii: "0"))
        } else if value.isFinite && value != 0 {
            // What `"\(value)"` in `DoubleFormatting.format` gives: the standard library's
            // shortest round-trip text, written here without making a `String` of it.
            withRoom(Self.valueRoom) { start in
                var stream = RoomStream(start: start, capacity: Self.valueRoom)
                value.write(to: &stream)
                return stream.count
            }
        } else {
            append(DoubleFormatting.format(value))
        }
    }
}

/// A text stream into a fixed room of bytes, which `Double.write(to:)` hands its digits to
/// as ASCII bytes (or, should it not, as a `String`).
private struct RoomStream: TextOutputStream {
    /// The room's first byte.
    let start: UnsafeMutablePointer<UInt8>
    /// The room's size.
    let capacity: Int
    /// The bytes written so far.
    private(set) var count = 0

    /// A stream into the `capacity` bytes at `start`.
    init(start: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.start = start
        self.capacity = capacity
    }

    /// Appends the UTF-8 bytes of `string`.
    mutating func write(_ string: String) {
        for byte in string.utf8 { append(byte) }
    }

    /// Appends ASCII bytes (the standard library's way of handing over a number's text).
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        for byte in buffer { append(byte) }
    }

    /// Appends `byte`, which must fit the room.
    private mutating func append(_ byte: UInt8) {
        precondition(count < capacity, "a number's text longer than its room")
        start[count] = byte
        count += 1
    }
}
