/// PostgreSQL's binary NUMERIC format, and the text of intervals as PostgreSQL writes them.

import NIOCore
import StarlingColumns

/// NUMERIC in binary: a digit count, a weight, a sign, a display scale, then base-10000 digits
/// (the first of them times 10000^weight).
enum NumericBinary {
    static let positive: UInt16 = 0x0000
    static let negative: UInt16 = 0x4000

    /// Writes the decimal `unscaled / 10^scale`.
    static func write(unscaled: Int64, scale: Int, into buffer: inout CellBytes) {
        let (digits, weight) = groups(magnitude: unscaled.magnitude, scale: scale)
        buffer.appendBigEndian(Int16(truncatingIfNeeded: digits.count))
        buffer.appendBigEndian(Int16(truncatingIfNeeded: digits.isEmpty ? 0 : weight))
        buffer.appendBigEndian(unscaled < 0 ? negative : positive)
        buffer.appendBigEndian(Int16(truncatingIfNeeded: scale))
        for digit in digits { buffer.appendBigEndian(digit) }
    }

    /// The base-10000 digits of `magnitude / 10^scale` without leading or trailing zero groups,
    /// and the weight of the first.
    static func groups(magnitude: UInt64, scale: Int) -> (digits: [Int16], weight: Int) {
        guard magnitude != 0 else { return ([], 0) }
        // Pad the fraction to whole groups of four: the value is then `padded / 10000^fractionGroups`.
        let fractionGroups = (scale + 3) / 4
        var padding = fractionGroups * 4 - scale
        var wide = (high: UInt64(0), low: magnitude)
        while padding > 0 {
            let product = wide.low.multipliedFullWidth(by: 10)
            wide = (wide.high &* 10 &+ product.high, product.low)
            padding -= 1
        }
        // Split into base-10000 groups, least significant first.
        var reversed: [Int16] = []
        while wide.high != 0 || wide.low != 0 {
            let highQuotient = wide.high / 10_000
            let highRemainder = wide.high % 10_000
            let (lowQuotient, remainder) = (10_000 as UInt64).dividingFullWidth((highRemainder, wide.low))
            wide = (highQuotient, lowQuotient)
            reversed.append(Int16(remainder))
        }
        var digits = Array(reversed.reversed())
        var weight = digits.count - 1 - fractionGroups
        while let first = digits.first, first == 0 {
            digits.removeFirst()
            weight -= 1
        }
        while let last = digits.last, last == 0 { digits.removeLast() }
        return (digits, weight)
    }

    /// The decimal text of a binary NUMERIC parameter (`-12.50`), or nil when malformed.
    static func text(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 8 else { return nil }
        func word(_ index: Int) -> Int { Int(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])) }
        let count = word(0)
        let weight = Int(Int16(bitPattern: UInt16(word(2))))
        let sign = word(4)
        let scale = word(6)
        guard bytes.count == 8 + 2 * count, scale <= 1000, abs(weight) <= 1000 else { return nil }
        if sign == 0xC000 { return "NaN" }
        guard sign == Int(positive) || sign == Int(negative) else { return nil }
        var groups: [Int] = []
        for index in 0..<count {
            let digit = word(8 + 2 * index)
            guard digit < 10_000 else { return nil }
            groups.append(digit)
        }
        // Integer part: groups 0...weight; fraction: the rest, to `scale` digits.
        var integer = ""
        if weight >= 0 {
            for index in 0...weight {
                let digit = index < groups.count ? groups[index] : 0
                integer += index == 0 ? String(digit) : pad(digit)
            }
        } else {
            integer = "0"
        }
        var fraction = ""
        var index = weight + 1
        while fraction.count < scale {
            let digit = index >= 0 && index < groups.count ? groups[index] : 0
            fraction += pad(digit)
            index += 1
        }
        fraction = String(fraction.prefix(scale))
        let text = fraction.isEmpty ? integer : integer + "." + fraction
        return sign == Int(negative) ? "-" + text : text
    }

    private static func pad(_ digit: Int) -> String {
        let text = String(digit)
        return String(repeating: "0", count: 4 - text.count) + text
    }
}

/// Intervals as PostgreSQL's `postgres` IntervalStyle writes them: `1 year 2 mons 3 days
/// 04:05:06.5`, a field after a negative one signed (`-1 days +02:00:00`), `00:00:00` for zero.
enum IntervalText {
    static func postgres(_ value: Interval) -> String {
        var parts: [String] = []
        var sawNegative = false
        func add(_ amount: Int64, _ unit: String) {
            guard amount != 0 else { return }
            let sign = amount > 0 && sawNegative ? "+" : ""
            if amount < 0 { sawNegative = true }
            parts.append("\(sign)\(amount) \(unit)\(amount == 1 ? "" : "s")")
        }
        let years = Int64(value.months) / 12
        let months = Int64(value.months) % 12
        add(years, "year")
        add(months, "mon")
        add(Int64(value.days), "day")
        if value.micros != 0 || parts.isEmpty {
            let negative = value.micros < 0
            let magnitude = value.micros.magnitude
            let seconds = magnitude / 1_000_000
            let fraction = magnitude % 1_000_000
            var text = negative ? "-" : (sawNegative ? "+" : "")
            text += two(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60)
            if fraction != 0 {
                var digits = String(fraction)
                digits = String(repeating: "0", count: 6 - digits.count) + digits
                while digits.hasSuffix("0") { digits.removeLast() }
                text += "." + digits
            }
            parts.append(text)
        }
        return parts.joined(separator: " ")
    }

    private static func two(_ value: UInt64) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
