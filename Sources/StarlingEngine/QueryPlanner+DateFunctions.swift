/// Binding the date functions added beside extract and date_trunc: date_diff, date_add,
/// make_date, last_day, dayname, monthname, strftime, strptime and try_strptime.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// The names ``bindDateFunction(_:)`` binds (and date_add, bound from its expressions).
    static let dateFunctionNames = [
        "date_diff", "datediff", "date_add", "make_date", "last_day", "dayname", "monthname", "strftime", "strptime",
        "try_strptime",
    ]

    /// `date_add(d, x)` is `d + x`, an INTERVAL or a number of days (bound before its arguments,
    /// since an INTERVAL is no value on its own).
    func bindDateAdd(_ call: FunctionCall, _ context: ExpressionContext) throws(SQLError) -> BoundExpression {
        try checkArgumentCount("date_add", call.arguments.count, 2...2, at: call.name.position)
        return try bindArithmetic(.add, call.arguments[0], call.arguments[1], call.name.position, context)
    }

    /// Binds a date function (DuckDB's argument orders and result types); nil for another name.
    func bindDateFunction(_ call: ScalarCall) throws(SQLError) -> BoundExpression? {
        switch call.name {
        case "date_diff", "datediff":
            try call.expectCount(3...3)
            if call.isNull(0) { return .constant(.null, .bigint) }
            guard let name = call.constantText(0), let unit = CalendarFunctions.DifferenceUnit(name: name) else {
                let units = CalendarFunctions.DifferenceUnit.allCases.map(\.rawValue).joined(separator: ", ")
                throw SQLError("\(call.name) needs a constant unit: \(units)", at: call.position(0))
            }
            let start = try timestamp(call, 1)
            let end = try timestamp(call, 2)
            return try call.make(.dateDiff, [.constant(.string(unit.rawValue), .varchar), start, end], .bigint)
        case "make_date":
            try call.expectCount(3...3)
            return try call.make(.makeDate, [try call.integer(0), try call.integer(1), try call.integer(2)], .date)
        case "last_day":
            try call.expectCount(1...1)
            return try call.make(.lastDay, [try call.temporal(0)], .date)
        case "dayname", "monthname":
            try call.expectCount(1...1)
            return try call.make(call.name == "dayname" ? .dayName : .monthName, [try call.temporal(0)], .varchar)
        case "strftime":
            // strftime(ts, format), or strftime(format, ts) as DuckDB also takes it.
            try call.expectCount(2...2)
            let formatFirst = call.arguments[0].type == .varchar && call.arguments[1].type != .varchar
            let (valueIndex, formatIndex) = formatFirst ? (1, 0) : (0, 1)
            let format = try self.format(call, formatIndex, parsing: false)
            return try call.make(.strftime, [try timestamp(call, valueIndex), format], .varchar)
        case "strptime", "try_strptime":
            try call.expectCount(2...2)
            let format = try self.format(call, 1, parsing: true)
            let function: ScalarFunction = call.name == "strptime" ? .strptime : .tryStrptime
            return try call.make(function, [try call.text(0), format], .timestamp)
        default:
            return nil
        }
    }

    /// Argument `index`, a DATE (its midnight) or TIMESTAMP, as a TIMESTAMP.
    private func timestamp(_ call: ScalarCall, _ index: Int) throws(SQLError) -> BoundExpression {
        try coerce(try call.temporal(index), to: .timestamp, at: call.position(index), what: call.name)
    }

    /// Argument `index`, a format; a constant one is checked here.
    private func format(_ call: ScalarCall, _ index: Int, parsing: Bool) throws(SQLError) -> BoundExpression {
        let format = try call.text(index)
        if let text = call.constantText(index) {
            do { _ = try StrftimeFormat(text, parsing: parsing) } catch {
                throw SQLError(error.message, at: call.position(index))
            }
        }
        return format
    }
}
