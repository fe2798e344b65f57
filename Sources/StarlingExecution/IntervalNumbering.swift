/// Numbers for INTERVAL keys: equal intervals (`1 month`, `30 days`) get one number, and the first
/// one seen stands for them all.

import StarlingColumns

/// Numbers the intervals of group, join, DISTINCT and set-operation keys by their SQL value
/// (``Interval/orderKey``), so a key tuple keeps one word per column as ``KeyEncoder`` wants; the
/// first interval given a number is the one the key shows (as DuckDB shows the first it saw).
/// Not thread-safe: workers that share one take turns (``SharedStringInterner``).
final class IntervalNumbering {
    private var numbers: [Interval.Key: Int64] = [:]
    /// The interval each number stands for.
    private(set) var representatives: [Interval] = []

    init() {}

    /// The number of `value`, given one if it has none and `insert` is true; -1 (which no
    /// interval has) when it has none and `insert` is false.
    func number(_ value: Interval, insert: Bool) -> Int64 {
        let key = value.orderKey
        if let known = numbers[key] { return known }
        guard insert else { return -1 }
        let next = Int64(representatives.count)
        numbers[key] = next
        representatives.append(value)
        return next
    }

    /// The numbers of the first `count` of `values` (a NULL row's value is numbered like any
    /// other; its word is cleared by the caller).
    func numbers(_ values: [Interval], count: Int, insert: Bool) -> [Int64] {
        (0..<count).map { number(values[$0], insert: insert) }
    }

    /// The interval number `number` stands for (zero for a number never given, as a NULL key's
    /// cleared word is).
    func representative(_ number: Int64) -> Interval {
        number >= 0 && number < Int64(representatives.count) ? representatives[Int(number)] : .zero
    }

    /// Approximate bytes held.
    var byteCount: Int { representatives.capacity * 16 + numbers.capacity * 40 }
}
