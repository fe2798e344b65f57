/// Binding function calls: scalar functions, date parts, and aggregates.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// Every function name accepted, for "did you mean".
    static let functionNames =
        builtInFunctionNames + mathFunctionNames + stringFunctionNames + regexpFunctionNames + dateFunctionNames
        + intervalFunctionNames

    /// The names the switch in ``bindFunction(_:_:)`` binds itself.
    static let builtInFunctionNames = [
        "lower", "upper", "length", "char_length", "character_length", "trim", "ltrim", "rtrim", "substring", "substr",
        "concat", "replace", "left", "right", "starts_with", "contains", "abs", "round", "floor", "ceil", "ceiling",
        "coalesce", "ifnull", "nullif", "extract", "date_part", "date_trunc", "year", "quarter", "month", "day",
        "dayofmonth", "dayofweek", "isodow", "week", "dayofyear", "hour", "minute", "second",
        "current_date", "today", "current_timestamp", "now", "count", "sum", "avg", "mean", "min", "max",
    ]

    func bindFunction(_ call: FunctionCall, _ context: ExpressionContext) throws(SQLError) -> BoundExpression {
        let name = call.name.name
        let position = call.name.position
        if call.window != nil { return try bindWindow(call, context) }
        if Expression.aggregateNames.contains(name) {
            throw SQLError("aggregate function \(name) is not allowed in \(context.clause)", at: position)
        }
        if Self.listAggregates.contains(name) {
            throw SQLError(
                "\(name) returns a LIST, and Starling has no LIST type yet", at: position,
                hint: "string_agg(x, ', ' ORDER BY …) joins the values as text")
        }
        if name == "row" {
            throw SQLError(
                "row values such as (a, b) are not supported here", at: position,
                hint: "count(DISTINCT (a, b)) counts distinct combinations")
        }
        if Self.windowOnlyNames.contains(name) {
            throw SQLError("\(name) is a window function and needs OVER (…)", at: position, hint: "\(name)() OVER (PARTITION BY … ORDER BY …)")
        }
        guard Self.functionNames.contains(name) else {
            let hint = closestMatch(to: name, in: Self.functionNames).map { "did you mean \($0)?" }
            throw SQLError("unknown function \(name)", at: position, hint: hint)
        }
        if call.distinct || call.filter != nil || call.star {
            throw SQLError("\(name) is not an aggregate function; DISTINCT, FILTER and * apply to aggregates", at: position)
        }
        if name == "date_add" { return try bindDateAdd(call, context) }
        let arguments = try call.arguments.map { (argument) throws(SQLError) -> BoundExpression in try bind(argument, context) }
        func expectCount(_ range: ClosedRange<Int>) throws(SQLError) {
            try checkArgumentCount(name, arguments.count, range, at: position)
        }
        func text(_ index: Int) throws(SQLError) -> BoundExpression {
            try coerce(arguments[index], to: .varchar, at: call.arguments[index].position, what: name)
        }
        func integer(_ index: Int) throws(SQLError) -> BoundExpression {
            guard TypeRules.isInteger(arguments[index].type) || isNullConstant(arguments[index]) else {
                throw SQLError("\(name) needs an integer here, not \(arguments[index].type)", at: call.arguments[index].position)
            }
            return try coerce(arguments[index], to: .bigint, at: call.arguments[index].position, what: name)
        }
        func temporal(_ index: Int) throws(SQLError) -> BoundExpression {
            let argument = arguments[index]
            if argument.type == .date || argument.type == .timestamp { return argument }
            if argument.isConstant && argument.type == .varchar { return try coerce(argument, to: .date, at: call.arguments[index].position, what: name) }
            throw SQLError("\(name) needs a DATE or TIMESTAMP, not \(argument.type)", at: call.arguments[index].position)
        }
        func part(_ field: String, _ value: BoundExpression) throws(SQLError) -> BoundExpression {
            // epoch is seconds as DOUBLE (with the fraction of a timestamp), as in DuckDB.
            try fold(.function(.extract, [.constant(.string(field), .varchar), value], field == "epoch" ? .double : .bigint), at: position)
        }
        switch name {
        case "lower", "upper":
            try expectCount(1...1)
            return try fold(.function(name == "lower" ? .lower : .upper, [try text(0)], .varchar))
        case "length", "char_length", "character_length":
            try expectCount(1...1)
            return try fold(.function(.length, [try text(0)], .bigint))
        case "trim", "ltrim", "rtrim":
            try expectCount(1...2)
            let function: ScalarFunction = name == "trim" ? .trim : (name == "ltrim" ? .ltrim : .rtrim)
            return try fold(.function(function, try (0..<arguments.count).map { (index) throws(SQLError) -> BoundExpression in try text(index) }, .varchar))
        case "substring", "substr":
            try expectCount(2...3)
            var bound = [try text(0), try integer(1)]
            if arguments.count == 3 { bound.append(try integer(2)) }
            return try fold(.function(.substring, bound, .varchar))
        case "concat":
            guard !arguments.isEmpty else { throw SQLError("concat needs at least one argument", at: position) }
            return try fold(.function(.concat, try (0..<arguments.count).map { (index) throws(SQLError) -> BoundExpression in try coerce(arguments[index], to: .varchar, at: position, what: "||") }, .varchar))
        case "replace":
            try expectCount(3...3)
            return try fold(.function(.replace, [try text(0), try text(1), try text(2)], .varchar))
        case "left", "right":
            try expectCount(2...2)
            return try fold(.function(name == "left" ? .left : .right, [try text(0), try integer(1)], .varchar))
        case "starts_with", "contains":
            try expectCount(2...2)
            return try fold(.function(name == "contains" ? .contains : .startsWith, [try text(0), try text(1)], .boolean))
        case "abs", "round", "floor", "ceil", "ceiling":
            try expectCount(name == "round" ? 1...2 : 1...1)
            let value = arguments[0]
            guard TypeRules.isNumeric(value.type) || isNullConstant(value) else { throw SQLError("\(name) needs a number, not \(value.type)", at: position) }
            var resultType = value.type
            var bound = [value]
            if arguments.count == 2 { bound.append(try integer(1)) }
            if case .decimal(let precision, let scale) = value.type, name != "abs" {
                var keep = 0
                if name == "round", arguments.count == 2, case .constant(.integer(let digits), _) = bound[1] { keep = Int(max(0, min(digits, Int64(scale)))) }
                resultType = .decimal(precision: precision, scale: keep)
            }
            let function: ScalarFunction = name == "abs" ? .abs : (name == "round" ? .round : (name == "floor" ? .floor : .ceil))
            if TypeRules.isInteger(value.type) {
                // As in DuckDB: floor and ceil of an integer are DOUBLE; round keeps the type.
                if name == "floor" || name == "ceil" || name == "ceiling" { return try fold(.cast(value, .double)) }
                if name == "round" && arguments.count == 1 { return value }
            }
            return try fold(.function(function, bound, resultType))
        case "coalesce", "ifnull":
            guard !arguments.isEmpty else { throw SQLError("\(name) needs at least one argument", at: position) }
            var type: LogicalType?
            for argument in arguments where !isNullConstant(argument) {
                guard let current = type else { type = argument.type; continue }
                guard let common = TypeRules.common(current, argument.type) ?? (argument.isConstant && argument.type == .varchar ? current : nil) else {
                    throw SQLError("\(name) arguments have types \(current) and \(argument.type), which do not mix", at: position)
                }
                type = common
            }
            let resultType = type ?? .integer
            let bound = try arguments.map { (argument) throws(SQLError) -> BoundExpression in try coerce(argument, to: resultType, at: position, what: name) }
            return try fold(.function(.coalesce, bound, resultType))
        case "nullif":
            try expectCount(2...2)
            guard let type = TypeRules.common(arguments[0].type, arguments[1].type) ?? (isNullConstant(arguments[1]) ? arguments[0].type : nil) else {
                throw SQLError("nullif cannot compare \(arguments[0].type) with \(arguments[1].type)", at: position)
            }
            return try fold(.function(.nullif, [try coerce(arguments[0], to: type, at: position, what: name), try coerce(arguments[1], to: type, at: position, what: name)], type))
        case "extract", "date_part":
            try expectCount(2...2)
            guard case .constant(.string(let field), _) = arguments[0] else { throw SQLError("\(name) needs a constant field name", at: position) }
            guard let datePart = DatePart(name: field) else {
                let names = DatePart.allCases.map(\.rawValue)
                let hint = closestMatch(to: field.lowercased(), in: names).map { "did you mean \($0)?" }
                throw SQLError("unknown date part \"\(field)\"", at: call.arguments[0].position, hint: hint)
            }
            if arguments[1].type == .interval {
                return try intervalPart(datePart, arguments[1], at: call.arguments[0].position)
            }
            return try part(datePart.rawValue, try temporal(1))
        case "year", "quarter", "month", "day", "dayofmonth", "dayofweek", "isodow", "week", "dayofyear", "hour", "minute", "second":
            try expectCount(1...1)
            let field = ["dayofmonth": "day", "dayofweek": "dow", "dayofyear": "doy"][name] ?? name
            if arguments[0].type == .interval, let datePart = DatePart(name: field) {
                return try intervalPart(datePart, arguments[0], at: position)
            }
            return try part(field, try temporal(0))
        case "date_trunc":
            try expectCount(2...2)
            guard case .constant(.string(let unit), _) = arguments[0],
                let datePart = DatePart(name: unit), DatePart.truncationUnits.contains(datePart)
            else {
                let units = DatePart.truncationUnits.map(\.rawValue).joined(separator: ", ")
                throw SQLError("date_trunc needs a constant unit: \(units)", at: call.arguments[0].position)
            }
            // A TIMESTAMP whatever the input, as in DuckDB and PostgreSQL.
            let value = try coerce(try temporal(1), to: .timestamp, at: call.arguments[1].position, what: name)
            return try fold(.function(.dateTrunc, [.constant(.string(datePart.rawValue), .varchar), value], .timestamp))
        case "current_date", "today":
            try expectCount(0...0)
            return .constant(.integer(now.days), .date)
        case "current_timestamp", "now":
            try expectCount(0...0)
            return .constant(.integer(now.micros), .timestamp)
        default:
            let scalarCall = ScalarCall(name: name, call: call, arguments: arguments, planner: self)
            if let bound = try bindMathFunction(scalarCall) { return bound }
            if let bound = try bindStringFunction(scalarCall) { return bound }
            if let bound = try bindRegexpFunction(scalarCall) { return bound }
            if let bound = try bindDateFunction(scalarCall) { return bound }
            if let bound = try bindIntervalFunction(scalarCall) { return bound }
            let hint = closestMatch(to: name, in: Self.functionNames).map { "did you mean \($0)?" }
            throw SQLError("unknown function \(name)", at: position, hint: hint)
        }
    }

    /// Above GROUP BY: aggregate calls become aggregate columns, group expressions group columns.
    /// Returns nil to let the caller bind the node's parts.
    func bindAboveAggregation(_ expression: Expression, _ aggregation: AggregationContext, _ context: ExpressionContext) throws(SQLError) -> BoundExpression? {
        if case .function(let call) = expression, expression.isAggregateCall {
            if Self.groupingNames.contains(call.name.name) { return try bindGrouping(call, aggregation) }
            return aggregation.column(for: try bindAggregate(call, aggregation.inputContext))
        }
        if expression.containsAggregate { return nil }
        if let late = aggregation.lateColumn(for: expression) { return late }
        switch expression {
        case .exists, .scalarSubquery, .literal, .interval: return nil
        default: break
        }
        // A whole group expression, or a constant.
        if let bound = try? bind(expression, aggregation.inputContext) {
            if let group = aggregation.groupColumn(for: bound) { return group }
            // A constant, or a column of an enclosing block (a parameter: one value per run).
            if bound.columnsUsed.isEmpty && !bound.containsSubquery { return bound }
        }
        if case .column(let qualifier, let name) = expression {
            let written = (qualifier.map { $0.name + "." } ?? "") + name.name
            // Surface unknown names as such.
            _ = try bind(expression, aggregation.inputContext)
            throw SQLError("column \"\(written)\" must appear in the GROUP BY clause or be used in an aggregate function", at: name.position)
        }
        return nil
    }

    /// Fails unless `name` was given a number of arguments in `range`.
    func checkArgumentCount(_ name: String, _ count: Int, _ range: ClosedRange<Int>, at position: SourcePosition) throws(SQLError) {
        guard range.contains(count) else {
            let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw SQLError("\(name) takes \(expected) argument\(range.upperBound == 1 ? "" : "s"), not \(count)", at: position)
        }
    }

    /// Binds `count(*)`, `sum(x)`, `count(DISTINCT x)`, `… FILTER (WHERE …)` over the input.
    func bindAggregate(_ call: FunctionCall, _ input: ExpressionContext) throws(SQLError) -> AggregateSpecification {
        let name = call.name.name
        for argument in call.arguments where argument.containsAggregate {
            throw SQLError("aggregate function calls cannot be nested", at: argument.position)
        }
        var filter: BoundExpression?
        if let condition = call.filter {
            guard !condition.containsAggregate else { throw SQLError("aggregate functions are not allowed in FILTER", at: condition.position) }
            filter = try coerce(try bind(condition, input), to: .boolean, at: condition.position, what: "FILTER")
        }
        if Self.quantileNames.contains(name) { return try bindQuantile(call, input, filter: filter) }
        if Self.moreAggregates[name] != nil { return try bindMoreAggregate(call, input, filter: filter) }
        if call.star {
            guard name == "count" else { throw SQLError("\(name)(*) is not allowed; only count(*)", at: call.name.position) }
            return AggregateSpecification(function: .countStar, argument: nil, distinct: false, filter: filter, type: .bigint)
        }
        if call.withinGroup != nil { throw SQLError("WITHIN GROUP applies to percentile_cont and percentile_disc, not to \(name)", at: call.name.position) }
        guard call.arguments.count == 1 else {
            throw SQLError("\(name) takes one argument, not \(call.arguments.count)", at: call.name.position)
        }
        return try aggregate(call, argument: try bindAggregateArgument(call.arguments[0], input), filter: filter)
    }

    /// The aggregate `call` names over a bound `argument`: its function and result type.
    func aggregate(_ call: FunctionCall, argument: BoundExpression, filter: BoundExpression?) throws(SQLError) -> AggregateSpecification {
        let name = call.name.name
        let type = argument.type
        switch name {
        case "count":
            return AggregateSpecification(function: .count, argument: argument, distinct: call.distinct, filter: filter, type: .bigint)
        case "sum":
            guard TypeRules.isNumeric(type) || type == .boolean else {
                // DuckDB has no sum of INTERVALs either (avg it has).
                let hint = type == .interval ? "avg(x) averages intervals; sum(epoch(x)) adds up their seconds" : nil
                throw SQLError("sum needs numbers, not \(type)", at: call.arguments[0].position, hint: hint)
            }
            var resultType: LogicalType = .bigint
            if type == .double { resultType = .double }
            if case .decimal(_, let scale) = type { resultType = .decimal(precision: 18, scale: scale) }
            return AggregateSpecification(function: .sum, argument: type == .boolean ? .cast(argument, .integer) : argument, distinct: call.distinct, filter: filter, type: resultType)
        case "avg", "mean":
            if type == .interval {
                return AggregateSpecification(function: .avg, argument: argument, distinct: call.distinct, filter: filter, type: .interval)
            }
            guard TypeRules.isNumeric(type) else { throw SQLError("\(name) needs numbers, not \(type)", at: call.arguments[0].position) }
            return AggregateSpecification(function: .avg, argument: argument, distinct: call.distinct, filter: filter, type: .double)
        default:
            return AggregateSpecification(function: name == "min" ? .min : .max, argument: argument, distinct: call.distinct, filter: filter, type: type)
        }
    }
}
