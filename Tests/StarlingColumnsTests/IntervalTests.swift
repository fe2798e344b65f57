/// Tests of the INTERVAL value: DuckDB's text both ways, its order, arithmetic and calendar.

import Testing

@testable import StarlingColumns

/// Microseconds in an hour.
private let hour: Int64 = 3_600_000_000

@Suite("Interval")
struct IntervalTests {
    @Test(
        "prints as DuckDB prints it",
        arguments: [
            (Interval.zero, "00:00:00"),
            (Interval(months: 14, days: 3, micros: 14_706_789_000), "1 year 2 months 3 days 04:05:06.789"),
            (Interval(days: -1), "-1 day"), (Interval(months: -1), "-1 month"),
            (Interval(months: -13), "-1 year -1 month"),
            (Interval(months: -25), "-2 years -1 month"), (Interval(months: 11), "11 months"),
            (Interval(micros: 36 * hour), "36:00:00"),
            (Interval(days: -1, micros: 2 * hour), "-1 day 02:00:00"), (Interval(micros: -1), "-00:00:00.000001"),
            (Interval(micros: 500_000), "00:00:00.5"), (Interval(months: .max), "178956970 years 7 months"),
            (Interval(months: .min), "-178956970 years -8 months"), (Interval(micros: .max), "2562047788:00:54.775807"),
            (Interval(micros: .min), "-2562047788:00:54.775808"),
            (Interval(days: 2, micros: 1_000), "2 days 00:00:00.001"),
        ])
    func text(interval: Interval, expected: String) {
        #expect(interval.description == expected)
        #expect(Value.interval(interval).formatted(as: .interval) == expected)
    }

    @Test(
        "reads text as DuckDB casts it",
        arguments: [
            ("2 hours 30 minutes", Interval(micros: 150 * 60_000_000)),
            ("1 day 02:00:00", Interval(days: 1, micros: 2 * hour)),
            ("42", Interval(micros: 42_000_000)), ("42.5", Interval(micros: 42_500_000)),
            ("@ 3 days", Interval(days: 3)),
            ("3 days ago", Interval(days: -3)), ("1 year 2 months ago", Interval(months: -14)),
            ("1.5 days", Interval(days: 1, micros: 12 * hour)), ("1.5 months", Interval(months: 1, days: 15)),
            ("1.5 weeks", Interval(days: 10, micros: 12 * hour)), ("0.5 quarters", Interval(months: 1, days: 15)),
            ("-04:05:06.789", Interval(micros: -14_706_789_000)), ("1 hour -02:00", Interval(micros: -hour)),
            ("1:2", Interval(micros: 62 * 60_000_000)), ("1:5:", Interval(micros: 65 * 60_000_000)),
            ("01:02:03.123456789", Interval(micros: 3_723_123_456)), ("1:2:345", Interval(micros: 3_754_000_000)),
            ("25:00:00 1 day", Interval(micros: 25 * hour)), ("  3   days  ", Interval(days: 3)),
            ("2h", Interval(micros: 2 * hour)),
            ("1 decade 1 century 1 millennium", Interval(months: 13_320)), ("5 us 5 ms", Interval(micros: 5_005)),
            ("-2562047788:00:54.775808", Interval(micros: .min)), ("2147483647 months", Interval(months: .max)),
        ])
    func parse(text: String, expected: Interval) throws {
        #expect(try Interval.parse(text) == expected)
    }

    @Test(
        "refuses what DuckDB refuses",
        arguments: [
            "", "x", "P1D", "+3 days", "3 dayz", "3 dow", "10:75", "1:59:60", "12:345", "1 day 2", "1 day 1:2 x",
            "1:2 days",
            "2562047788:00:54.775808", "00000000001:00:00", "99999999999999999999 days", "2147483648 months", "3 ago x",
            "ago",
        ])
    func refuse(text: String) {
        #expect(throws: ValueParsing.Failure.self) { try Interval.parse(text) }
    }

    @Test("orders with 30-day months and 24-hour days, remainders carried down (DuckDB's normalisation)")
    func order() {
        #expect(Interval(days: 30).compare(Interval(months: 1)) == 0)
        #expect(Interval(micros: 24 * hour).compare(Interval(days: 1)) == 0)
        #expect(Interval(months: 1, days: -4).compare(Interval(days: 26)) == 0)
        #expect(Interval(days: -1).compare(Interval(micros: -23 * hour)) < 0)
        #expect(Interval(days: 31).compare(Interval(months: 1)) > 0)
        #expect(Interval(months: .min).compare(Interval(micros: .min)) < 0)
        #expect(Interval(days: 30).orderKey == Interval(micros: 720 * hour).orderKey)
        #expect(
            Interval(micros: -1).isNegative && !Interval.zero.isNegative && !Interval(months: 1, days: -29).isNegative)
    }

    @Test("arithmetic gives nil where DuckDB's overflows")
    func overflow() {
        #expect(Interval(months: .max).multiplied(by: Int64(2)) == nil)
        #expect(Interval(micros: 1).multiplied(by: Int64(3_000_000_000)) == nil)
        #expect(Interval(days: .max).adding(Interval(days: 1)) == nil)
        #expect(Interval(days: .min).negated == nil)
        #expect(Interval(months: 1).multiplied(by: Double.nan) == nil)
        #expect(Interval(micros: .max).multiplied(by: 2.0) == nil)
        #expect(Interval(days: 3).multiplied(by: Int64(-2)) == Interval(days: -6))
    }

    @Test("fractions cascade down as PostgreSQL's interval_mul, with DuckDB's fused multiply-adds")
    func fractions() {
        #expect(Interval(months: 1).multiplied(by: 1.5) == Interval(months: 1, days: 15))
        #expect(Interval(months: 1).divided(by: 2.5) == Interval(days: 12))
        #expect(Interval(micros: 1_000_000).divided(by: 3) == Interval(micros: 333_333))
        #expect(Interval(days: 1).multiplied(by: 2.5) == Interval(days: 2, micros: 12 * hour))
        #expect(Interval(days: 99_999).divided(by: 0.3) == Interval(days: 333_330, micros: 1))
    }

    @Test("timestamps: plus an interval (months first, the day clamped), their difference, age")
    func calendar() throws {
        func at(_ text: String) throws -> Int64 {
            guard case .integer(let micros) = try ValueParsing.parse(text, as: .timestamp) else { return 0 }
            return micros
        }
        #expect(
            Interval(months: 1, days: 1).added(toTimestamp: try at("2024-01-31 10:00:00"))
                == (try at("2024-03-01 10:00:00")))
        #expect(
            Interval(months: 12).added(toTimestamp: try at("2024-02-29 10:00:00")) == (try at("2025-02-28 10:00:00")))
        #expect(
            Interval(months: -1, micros: 2 * hour).added(toTimestamp: try at("2024-01-31 23:00:00"))
                == (try at("2024-01-01 01:00:00")))
        #expect(Interval(days: .max).added(toTimestamp: try at("9999-01-01 00:00:00")) == nil)
        #expect(
            Interval.between(try at("2024-03-01 10:00:00"), try at("2024-01-01 00:00:00"))
                == Interval(days: 60, micros: 10 * hour))
        #expect(
            Interval.between(try at("2024-01-01 00:00:00"), try at("2024-03-01 10:00:00"))
                == Interval(days: -60, micros: -10 * hour))
        #expect(Interval.between(.max, .min) == Interval(days: 213_503_982, micros: 28_909_551_615))
        #expect(Interval.between(.min, .max) == Interval(days: -213_503_982, micros: -28_909_551_615))
        #expect(
            Interval.age(try at("2024-03-01 00:00:00"), try at("2023-01-15 10:00:00"))
                == Interval(months: 13, days: 16, micros: 14 * hour))
        #expect(
            Interval.age(try at("2023-01-15 10:00:00"), try at("2024-03-01 00:00:00"))
                == Interval(months: -13, days: -16, micros: -14 * hour))
        #expect(
            Interval.age(try at("2024-03-31 00:00:00"), try at("2024-02-29 00:00:00")) == Interval(months: 1, days: 2))
    }

    @Test("to_… units: a count of one unit, nil past the part's range")
    func units() {
        #expect(Interval.Unit.week.interval(2) == Interval(days: 14))
        #expect(Interval.Unit.millennium.interval(1) == Interval(months: 12_000))
        #expect(Interval.Unit.day.interval(2_147_483_648) == nil)
        #expect(Interval.Unit.hour.interval(.max) == nil)
        #expect(Interval.Unit(name: "HRS") == .hour && Interval.Unit(name: "dow") == nil)
    }
}
