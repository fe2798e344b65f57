/// The INTERVAL value: months, days and microseconds kept apart, with DuckDB's arithmetic and order.

/// A span of time as DuckDB and PostgreSQL keep it: a number of months, of days and of
/// microseconds, each as given. `1 month` and `30 days` are different values (a month added to
/// a date is a calendar month) that compare equal.
///
/// Ordering, equality, grouping and hashing for SQL go through ``orderKey``: DuckDB's
/// normalised form, microseconds carried into days of 24 hours and days into months of 30, each
/// remainder not negative. Swift's `==` and `hash(into:)` (synthesised) compare the parts as
/// they are, which is what round trips and tests need.
///
/// The layout is DuckDB's `interval_t`: 16 bytes, `months` and `days` as `Int32`, `micros` as
/// `Int64`.
public struct Interval: Hashable, Sendable {
    public var months: Int32
    public var days: Int32
    public var micros: Int64

    @inlinable
    public init(months: Int32 = 0, days: Int32 = 0, micros: Int64 = 0) {
        self.months = months
        self.days = days
        self.micros = micros
    }

    public static let zero = Interval()

    public static let microsPerMillisecond: Int64 = 1_000
    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerMinute: Int64 = 60_000_000
    public static let microsPerHour: Int64 = 3_600_000_000
    public static let microsPerDay: Int64 = 86_400_000_000
    /// A month is 30 days when intervals are compared (and nowhere else).
    public static let daysPerMonth: Int64 = 30
    public static let microsPerMonth: Int64 = 2_592_000_000_000

    /// DuckDB's normalised form, which orders intervals: whole months (months plus the carry
    /// from days), then the rest in microseconds, in `0 ..< 30 days`.
    public struct Key: Hashable, Comparable, Sendable {
        public var months: Int64
        public var micros: Int64

        @inlinable
        public init(months: Int64, micros: Int64) {
            self.months = months
            self.micros = micros
        }

        @inlinable
        public static func < (left: Key, right: Key) -> Bool {
            left.months != right.months ? left.months < right.months : left.micros < right.micros
        }
    }

    /// The normalised form (never overflows: the carries are far below 64 bits).
    @inlinable
    public var orderKey: Key {
        var carryDays = micros / Self.microsPerDay
        var remainder = micros - carryDays * Self.microsPerDay
        if remainder < 0 {
            carryDays -= 1
            remainder += Self.microsPerDay
        }
        var totalDays = Int64(days) + carryDays
        var carryMonths = totalDays / Self.daysPerMonth
        totalDays -= carryMonths * Self.daysPerMonth
        if totalDays < 0 {
            carryMonths -= 1
            totalDays += Self.daysPerMonth
        }
        return Key(months: Int64(months) + carryMonths, micros: totalDays * Self.microsPerDay + remainder)
    }

    /// -1, 0 or 1 as `self` orders before, with or after `other` (30-day months, 24-hour days).
    @inlinable
    public func compare(_ other: Interval) -> Int {
        if self == other { return 0 }
        let left = orderKey
        let right = other.orderKey
        if left == right { return 0 }
        return left < right ? -1 : 1
    }

    /// Whether `self` is below zero under ``compare(_:)``.
    public var isNegative: Bool { orderKey.months < 0 }

    /// DuckDB's `FromMicro`: whole days of 24 hours and the rest, both with the sign of `total`
    /// (what `TIMESTAMP - TIMESTAMP` gives).
    @inlinable
    public static func fromMicros(_ total: Int64) -> Interval {
        // |total / microsPerDay| < 2^27, so the days fit.
        Interval(months: 0, days: Int32(truncatingIfNeeded: total / microsPerDay), micros: total % microsPerDay)
    }

    /// Each part added (nil when one leaves its range).
    @inlinable
    public func adding(_ other: Interval) -> Interval? {
        let (months, o1) = self.months.addingReportingOverflow(other.months)
        let (days, o2) = self.days.addingReportingOverflow(other.days)
        let (micros, o3) = self.micros.addingReportingOverflow(other.micros)
        return o1 || o2 || o3 ? nil : Interval(months: months, days: days, micros: micros)
    }

    /// Each part subtracted (nil when one leaves its range).
    @inlinable
    public func subtracting(_ other: Interval) -> Interval? {
        let (months, o1) = self.months.subtractingReportingOverflow(other.months)
        let (days, o2) = self.days.subtractingReportingOverflow(other.days)
        let (micros, o3) = self.micros.subtractingReportingOverflow(other.micros)
        return o1 || o2 || o3 ? nil : Interval(months: months, days: days, micros: micros)
    }

    /// Each part negated (nil when one is its type's minimum).
    @inlinable
    public var negated: Interval? {
        guard months != .min, days != .min, micros != .min else { return nil }
        return Interval(months: -months, days: -days, micros: -micros)
    }

    /// Each part times `factor`, as DuckDB multiplies by an integer: the factor must fit 32 bits
    /// (months and days are 32-bit); nil when it does not or a part overflows.
    @inlinable
    public func multiplied(by factor: Int64) -> Interval? {
        guard let narrow = Int32(exactly: factor) else { return nil }
        let (months, o1) = self.months.multipliedReportingOverflow(by: narrow)
        let (days, o2) = self.days.multipliedReportingOverflow(by: narrow)
        let (micros, o3) = self.micros.multipliedReportingOverflow(by: factor)
        return o1 || o2 || o3 ? nil : Interval(months: months, days: days, micros: micros)
    }

    /// `self` times a fraction, as PostgreSQL's `interval_mul` (which DuckDB copies): whole
    /// months and days stay months and days, their fractions cascade down into days (of 30 to a
    /// month) and seconds, rounded to the microsecond. Nil when a part leaves its range.
    ///
    /// Each `a × b ± c` is one fused multiply-add, as DuckDB's build computes it (the fraction
    /// of `99999 days × (1 / 0.3)` is 1.5e-11 days, not 0, and rounds to a microsecond).
    public func multiplied(by factor: Double) -> Interval? {
        let monthProduct = Double(months) * factor
        let dayProduct = Double(days) * factor
        guard let resultMonths = Self.int32(monthProduct), var resultDays = Self.int32(dayProduct) else { return nil }
        let monthFraction = (-Double(resultMonths)).addingProduct(Double(months), factor)
        let monthRemainder = Self.roundToMicrosecond(monthFraction * Double(Self.daysPerMonth))
        let dayRemainder = Int32(monthRemainder)
        let dayFraction = (-Double(resultDays)).addingProduct(Double(days), factor)
        var secondRemainder = Self.roundToMicrosecond((dayFraction + monthRemainder - Double(dayRemainder)) * 86_400)
        if abs(secondRemainder) >= 86_400 {
            let carried = Int32(secondRemainder / 86_400)
            let (sum, overflow) = resultDays.addingReportingOverflow(carried)
            guard !overflow else { return nil }
            resultDays = sum
            secondRemainder -= Double(carried) * 86_400
        }
        let (withDays, overflow) = resultDays.addingReportingOverflow(dayRemainder)
        guard !overflow else { return nil }
        let microProduct = (secondRemainder * 1_000_000).addingProduct(Double(micros), factor).rounded(.toNearestOrEven)
        guard let resultMicros = Self.int64(microProduct) else { return nil }
        return Interval(months: resultMonths, days: withDays, micros: resultMicros)
    }

    /// `self` divided by `divisor`: times its reciprocal, as DuckDB divides (the caller handles
    /// division by zero).
    public func divided(by divisor: Double) -> Interval? {
        multiplied(by: 1.0 / divisor)
    }

    /// `value` truncated to an `Int32` when it lies in that range (NaN does not).
    @usableFromInline
    static func int32(_ value: Double) -> Int32? {
        guard value >= Double(Int32.min), value <= Double(Int32.max) else { return nil }
        return Int32(value)
    }

    /// `value` (a whole number) as an `Int64` when it lies in that range (NaN does not).
    @usableFromInline
    static func int64(_ value: Double) -> Int64? {
        guard value >= -9_223_372_036_854_775_808.0, value < 9_223_372_036_854_775_808.0 else { return nil }
        return Int64(value)
    }

    /// PostgreSQL's `TSROUND`: `value` seconds rounded to the microsecond.
    static func roundToMicrosecond(_ value: Double) -> Double {
        (value * 1_000_000).rounded(.toNearestOrEven) / 1_000_000
    }

    /// The interval's length in microseconds with 30-day months (DuckDB's `GetMicro`); nil when
    /// it passes 64 bits.
    public var totalMicros: Int64? {
        let (monthMicros, o1) = Int64(months).multipliedReportingOverflow(by: Self.microsPerMonth)
        let (dayMicros, o2) = Int64(days).multipliedReportingOverflow(by: Self.microsPerDay)
        let (partial, o3) = micros.addingReportingOverflow(monthMicros)
        let (total, o4) = partial.addingReportingOverflow(dayMicros)
        return o1 || o2 || o3 || o4 ? nil : total
    }

    /// Seconds as `extract(epoch FROM interval)` counts them in DuckDB: a year is 365.25 days, a
    /// month otherwise 30 days.
    public var epochSeconds: Double {
        let years = Int64(months) / 12
        let days = 365 * years + Self.daysPerMonth * (Int64(months) % 12) + Int64(self.days)
        let seconds = days * 86_400 + years * 21_600
        return Double(seconds) + Double(micros) / Double(Self.microsPerSecond)
    }
}
