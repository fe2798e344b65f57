/// Tests of vectorized expression evaluation: arithmetic, comparisons, logic, casts and functions.

import Testing
#if canImport(Glibc)
    import Glibc
#endif
@testable import StarlingExecution
import StarlingColumns

@Suite("Expression evaluator")
struct ExpressionEvaluatorTests {
    let chunk = Chunk(columns: [
        Vector(type: .integer, values: [.integer(1), .integer(-5), .null, .integer(2_147_483_647)]),
        Vector(type: .decimal(precision: 12, scale: 2), values: [.integer(1050), .integer(-1), .integer(0), .null]),
        Vector(type: .varchar, values: [.string("Pune"), .string("pune"), .null, .string("Mumbai, Suburban")]),
        Vector(type: .date, values: [.integer(0), .integer(59), .integer(-1), .null]),
    ], count: 4)

    func values(_ expression: BoundExpression) throws -> [Value] {
        let vector = try ExpressionEvaluator.evaluate(expression, chunk)
        return (0..<vector.count).map { vector.value(at: $0) }
    }

    @Test("integer arithmetic propagates NULL and reports overflow, not a wrap")
    func integerArithmetic() throws {
        let sum = BoundExpression.arithmetic(.add, .column(0, .integer), .constant(.integer(1), .integer), .integer)
        #expect(throws: QueryError.self) { try values(sum) }
        let product = BoundExpression.arithmetic(.multiply, .column(0, .bigint), .constant(.integer(3), .bigint), .bigint)
        #expect(try values(product) == [.integer(3), .integer(-15), .null, .integer(6_442_450_941)])
        // `//` and `%` by zero are errors naming the operands (DuckDB 2.0, PostgreSQL); `/` is NULL.
        let quotient = BoundExpression.arithmetic(.integerDivide, .column(0, .integer), .constant(.integer(0), .integer), .integer)
        let error = #expect(throws: QueryError.self) { try values(quotient) }
        #expect(error?.message.contains("division by zero in 1 // 0") == true)
        let remainder = BoundExpression.arithmetic(.modulo, .constant(.null, .integer), .constant(.integer(0), .integer), .integer)
        #expect(try values(remainder) == [.null, .null, .null, .null])
        let division = BoundExpression.arithmetic(.divide, .column(0, .bigint), .constant(.integer(0), .bigint), .bigint)
        #expect(try values(division) == [.null, .null, .null, .null])
    }

    @Test("a guard keeps a failing expression off its rows: CASE branches and filter conjuncts in any order")
    func guards() throws {
        let value = BoundExpression.cast(.column(0, .integer), .double)
        let positive = BoundExpression.comparison(.greater, .column(0, .integer), .constant(.integer(0), .integer))
        let logarithm = BoundExpression.function(.ln, [value], .double)
        let large = BoundExpression.comparison(.greater, logarithm, .constant(.double(1), .double))
        #expect(throws: QueryError.self) { try values(logarithm) }
        #expect(try ExpressionEvaluator.select(.and([large, positive]), chunk) == [3])
        #expect(try ExpressionEvaluator.select(.and([positive, large]), chunk) == [3])
        #expect(throws: QueryError.self) { try ExpressionEvaluator.select(large, chunk) }
        let guarded = BoundExpression.caseWhen(
            [BoundCaseBranch(condition: positive, result: logarithm)], otherwise: .constant(.null, .double), .double)
        #expect(try values(guarded) == [.double(0), .null, .null, .double(log(2_147_483_647.0))])
    }

    @Test("the new functions over a chunk of no rows, its text dictionary-coded")
    func emptyChunk() throws {
        let empty = Chunk(
            columns: [
                Vector(type: .varchar, count: 0, data: .dictionary(codes: [], dictionary: StringStorage(["a,b"])), nulls: nil),
                Vector(type: .timestamp, values: []),
            ], count: 0)
        let text = BoundExpression.column(0, .varchar)
        let comma = BoundExpression.constant(.string(","), .varchar)
        let one = BoundExpression.constant(.integer(1), .bigint)
        let pattern = try RegularExpression("(\\w)")
        let format = BoundExpression.constant(.string("%Y"), .varchar)
        let time = BoundExpression.column(1, .timestamp)
        let expressions: [BoundExpression] = [
            .function(.splitPart, [text, comma, one], .varchar),
            .function(.lpad, [text, one, comma], .varchar),
            .function(.reverse, [text], .varchar),
            .function(.repeatText, [text, one], .varchar),
            .function(.strpos, [text, comma], .bigint),
            .function(.upper, [text], .varchar),
            .function(.greatest, [text, comma], .varchar),
            .function(.isDistinctFrom, [text, comma], .boolean),
            .function(.tryCast, [text], .integer),
            .regexp(.regexpMatches, pattern, [text], .boolean),
            .regexp(.regexpExtract, pattern, [text, one], .varchar),
            .regexp(.regexpReplace, pattern, [text, .constant(.string("\\1\\1"), .varchar)], .varchar),
            .function(.strftime, [time, format], .varchar),
            .function(.strptime, [text, format], .timestamp),
            .function(.dateDiff, [.constant(.string("day"), .varchar), time, time], .bigint),
        ]
        for expression in expressions {
            #expect(try ExpressionEvaluator.evaluate(expression, empty).count == 0, "\(expression)")
        }
    }

    @Test("comparisons use three-valued logic; AND/OR decide around NULL")
    func logic() throws {
        let positive = BoundExpression.comparison(.greater, .column(0, .integer), .constant(.integer(0), .integer))
        #expect(try values(positive) == [.boolean(true), .boolean(false), .null, .boolean(true)])
        let falseAndNull = BoundExpression.and([.constant(.boolean(false), .boolean), positive])
        #expect(try values(falseAndNull) == [.boolean(false), .boolean(false), .boolean(false), .boolean(false)])
        let trueOrNull = BoundExpression.or([positive, .constant(.boolean(true), .boolean)])
        #expect(try values(trueOrNull) == [.boolean(true), .boolean(true), .boolean(true), .boolean(true)])
        #expect(try ExpressionEvaluator.select(positive, chunk) == [0, 3])
    }

    @Test("IN with a NULL candidate is NULL when nothing matches")
    func inList() throws {
        let expression = BoundExpression.inList(.column(0, .integer), [.integer(1), .null], negated: false)
        #expect(try values(expression) == [.boolean(true), .null, .null, .null])
    }

    @Test("strings: LIKE, ILIKE, lower, substring, length")
    func strings() throws {
        let like = BoundExpression.like(.column(2, .varchar), try LikePattern("P%", caseInsensitive: false), negated: false)
        #expect(try values(like) == [.boolean(true), .boolean(false), .null, .boolean(false)])
        let ilike = BoundExpression.like(.column(2, .varchar), try LikePattern("p_ne", caseInsensitive: true), negated: false)
        #expect(try values(ilike) == [.boolean(true), .boolean(true), .null, .boolean(false)])
        let upper = BoundExpression.function(.upper, [.column(2, .varchar)], .varchar)
        #expect(try values(upper) == [.string("PUNE"), .string("PUNE"), .null, .string("MUMBAI, SUBURBAN")])
        let substring = BoundExpression.function(.substring, [.column(2, .varchar), .constant(.integer(0), .bigint), .constant(.integer(3), .bigint)], .varchar)
        #expect(try values(substring) == [.string("Pu"), .string("pu"), .null, .string("Mu")])
    }

    @Test("casts round decimals half away from zero and check ranges")
    func casts() throws {
        let toInteger = try Cast.cast(chunk.columns[1], to: .integer)
        #expect((0..<4).map { toInteger.value(at: $0) } == [.integer(11), .integer(0), .integer(0), .null])
        #expect(Cast.rescale(-1250, from: 2, to: 1) == -125)
        #expect(Cast.rescale(-1255, from: 2, to: 1) == -126)
        #expect(Cast.rescale(Int64.max, from: 0, to: 1) == nil)
        let text = try Cast.cast(chunk.columns[1], to: .varchar)
        #expect(text.value(at: 0) == .string("10.50"))
        #expect(throws: QueryError.self) { try Cast.cast(Vector(type: .varchar, values: [.string("12x")]), to: .integer) }
    }

    @Test("date parts, truncation and month arithmetic")
    func dates() throws {
        let year = BoundExpression.function(.extract, [.constant(.string("year"), .varchar), .column(3, .date)], .bigint)
        #expect(try values(year) == [.integer(1970), .integer(1970), .integer(1969), .null])
        let month = BoundExpression.function(.dateTrunc, [.constant(.string("month"), .varchar), .column(3, .date)], .date)
        #expect(try values(month) == [.integer(0), .integer(59), .integer(-31), .null])
        // 1970-01-31 plus one month is 1970-02-28.
        #expect(DateFunctions.addMonths(30, 1, isTimestamp: false) == 58)
        #expect(DatePart.week.extract(CalendarDate(year: 2021, month: 1, day: 3).daysSinceEpoch, isTimestamp: false) == 53)
        #expect(DatePart.dow.extract(CalendarDate(year: 2025, month: 3, day: 2).daysSinceEpoch, isTimestamp: false) == 0)
    }

    @Test("date parts and truncations through a table of the chunk's days equal the per-row answers")
    func tabledDays() throws {
        // 2,000 days within 300 (tabled: 1969-08 to 1970-05), with NULLs; then a span too wide (per row).
        var narrow: [Int64?] = []
        for row in 0..<2_000 {
            let day = Int64(-150 + (row * 37) % 300)
            narrow.append(row % 13 == 0 ? nil : day)
        }
        let wide: [Int64?] = [0, 10_000, nil, -10_000, 365, 366]
        for days in [narrow, wide] {
            let dates = Vector(type: .date, values: days.map { $0.map(Value.integer) ?? .null })
            let stamps = try Cast.cast(dates, to: .timestamp)
            let chunk = Chunk(columns: [dates, stamps], count: days.count)
            for part in ["year", "quarter", "month", "day", "week", "isoyear", "doy", "dow", "decade"] {
                let datePart = try #require(DatePart(name: part))
                let extracted = try ExpressionEvaluator.evaluate(
                    .function(.extract, [.constant(.string(part), .varchar), .column(0, .date)], .bigint), chunk)
                let fromStamps = try ExpressionEvaluator.evaluate(
                    .function(.extract, [.constant(.string(part), .varchar), .column(1, .timestamp)], .bigint), chunk)
                for row in days.indices {
                    let expected: Value = days[row].map { .integer(datePart.extract($0, isTimestamp: false)) } ?? .null
                    #expect(extracted.value(at: row) == expected, "extract(\(part)) of day \(String(describing: days[row]))")
                    #expect(fromStamps.value(at: row) == expected, "extract(\(part)) of the timestamp")
                }
            }
            for unit in ["month", "week", "quarter", "year", "isoyear", "decade"] {
                let truncation = try #require(DatePart(name: unit))
                let truncated = try ExpressionEvaluator.evaluate(
                    .function(.dateTrunc, [.constant(.string(unit), .varchar), .column(1, .timestamp)], .timestamp), chunk)
                for row in days.indices {
                    let micros = days[row].map { $0 * DateFunctions.microsPerDay }
                    let expected: Value =
                        micros.map { .integer(DateFunctions.truncate(truncation, $0, isTimestamp: true)) } ?? .null
                    #expect(truncated.value(at: row) == expected, "date_trunc(\(unit))")
                }
            }
        }
    }

    @Test("the tabled year of a day agrees with the calendar on and around the table's edges")
    func tabledYears() {
        let edges: [Int64] = [
            CalendarDate(year: 1900, month: 1, day: 1).daysSinceEpoch, CalendarDate(year: 2200, month: 1, day: 1).daysSinceEpoch,
        ]
        var days = Array(stride(from: Int64(-80_000), through: 90_000, by: 1))
        for edge in edges { days += (edge - 3)...(edge + 3) }
        days += [Int64.min / 200_000, -1_000_000, 3_000_000]
        for day in days {
            #expect(DatePart.year(day) == Int64(CalendarDate(daysSinceEpoch: day).year), "day \(day)")
        }
    }
}
