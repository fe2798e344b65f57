/// Expressions after binding: names resolved to column positions, types known, casts explicit.

import StarlingColumns

/// A typed expression over the columns of a ``Chunk``.
public indirect enum BoundExpression: Sendable, Equatable {
    /// Column `index` of the input chunk.
    case column(Int, LogicalType)
    /// A constant (already of `type`: decimals scaled, dates as days).
    case constant(Value, LogicalType)
    /// Inside a correlated subquery's plan: the value of its `index`th parameter, a column of the
    /// enclosing row, put in place as a constant before each run (``SubqueryValue/parameters``).
    case parameter(Int, LogicalType)
    /// Arithmetic on two operands of the result's shape (the binder has cast them).
    case arithmetic(ArithmeticOperator, BoundExpression, BoundExpression, LogicalType)
    /// `-x`.
    case negate(BoundExpression)
    /// A comparison of two operands of the same type.
    case comparison(ComparisonOperator, BoundExpression, BoundExpression)
    /// `a AND b AND …` with three-valued logic.
    case and([BoundExpression])
    /// `a OR b OR …`.
    case or([BoundExpression])
    case not(BoundExpression)
    /// `x IS [NOT] NULL`.
    case isNull(BoundExpression, negated: Bool)
    /// `x [NOT] IN (constants…)`; the constants have `x`'s type.
    case inList(BoundExpression, [Value], negated: Bool)
    /// `x [NOT] [I]LIKE pattern` with a constant pattern.
    case like(BoundExpression, LikePattern, negated: Bool)
    /// `CASE WHEN c THEN r … ELSE e END`; results already cast to `type`.
    case caseWhen([BoundCaseBranch], otherwise: BoundExpression, LogicalType)
    /// `CAST(x AS type)`.
    case cast(BoundExpression, LogicalType)
    /// A scalar function.
    case function(ScalarFunction, [BoundExpression], LogicalType)
    /// A regular-expression function (`regexp_matches`, `regexp_full_match`, `regexp_replace`,
    /// `regexp_extract`) whose pattern is a constant, compiled once when the query is bound; the
    /// arguments are the text, then the replacement or the group.
    case regexp(ScalarFunction, RegularExpression, [BoundExpression], LogicalType)
    /// A scalar or `EXISTS` subquery's result, filled in when the query runs (per row from its
    /// parameters when it is correlated).
    case subquery(SubqueryValue)
    /// `x [NOT] IN (SELECT …)`, made an `inList` when the query runs.
    case inSubquery(BoundExpression, SubqueryValue, negated: Bool)

    /// The result type.
    public var type: LogicalType {
        switch self {
        case .column(_, let type), .constant(_, let type), .parameter(_, let type): return type
        case .arithmetic(_, _, _, let type): return type
        case .negate(let operand): return operand.type
        case .comparison, .and, .or, .not, .isNull, .inList, .like, .inSubquery: return .boolean
        case .subquery(let subquery): return subquery.type
        case .caseWhen(_, _, let type): return type
        case .cast(_, let type): return type
        case .function(_, _, let type), .regexp(_, _, _, let type): return type
        }
    }

    /// The input columns the expression reads.
    public var columnsUsed: Set<Int> {
        var used: Set<Int> = []
        visit { if case .column(let index, _) = $0 { used.insert(index) } }
        return used
    }

    /// Calls `body` on this node and every node below it.
    public func visit(_ body: (BoundExpression) -> Void) {
        body(self)
        for child in children { child.visit(body) }
    }

    /// The direct sub-expressions.
    public var children: [BoundExpression] {
        switch self {
        case .column, .constant, .parameter: return []
        case .subquery(let subquery): return subquery.parameters
        case .inSubquery(let operand, let subquery, _): return [operand] + subquery.parameters
        case .arithmetic(_, let left, let right, _), .comparison(_, let left, let right): return [left, right]
        case .negate(let operand), .not(let operand), .isNull(let operand, _), .inList(let operand, _, _),
            .like(let operand, _, _), .cast(let operand, _):
            return [operand]
        case .and(let operands), .or(let operands), .function(_, let operands, _), .regexp(_, _, let operands, _):
            return operands
        case .caseWhen(let branches, let otherwise, _): return branches.flatMap { [$0.condition, $0.result] } + [otherwise]
        }
    }

    /// The same expression with column indices replaced by `mapping[index]`.
    public func remapColumns(_ mapping: (Int) -> Int) -> BoundExpression {
        replacing { node in
            if case .column(let index, let type) = node { return .column(mapping(index), type) }
            return nil
        }
    }

    /// The expression with every node for which `transform` answers replaced by that answer
    /// (its sub-expressions are not visited); other nodes are rebuilt from their rewritten
    /// sub-expressions. A subquery's own plan is left alone; a correlated one's parameters (over
    /// the enclosing row) are rewritten.
    public func replacing<Failure: Error>(_ transform: (BoundExpression) throws(Failure) -> BoundExpression?) throws(Failure) -> BoundExpression {
        if let replaced = try transform(self) { return replaced }
        func go(_ expression: BoundExpression) throws(Failure) -> BoundExpression { try expression.replacing(transform) }
        func all(_ expressions: [BoundExpression]) throws(Failure) -> [BoundExpression] {
            var result: [BoundExpression] = []
            result.reserveCapacity(expressions.count)
            for expression in expressions { result.append(try go(expression)) }
            return result
        }
        switch self {
        case .column, .constant, .parameter: return self
        case .subquery(let subquery):
            guard subquery.isCorrelated else { return self }
            return .subquery(subquery.with(parameters: try all(subquery.parameters)))
        case .inSubquery(let operand, let subquery, let negated):
            let rewritten = subquery.isCorrelated ? subquery.with(parameters: try all(subquery.parameters)) : subquery
            return .inSubquery(try go(operand), rewritten, negated: negated)
        case .arithmetic(let op, let left, let right, let type): return .arithmetic(op, try go(left), try go(right), type)
        case .negate(let operand): return .negate(try go(operand))
        case .comparison(let op, let left, let right): return .comparison(op, try go(left), try go(right))
        case .and(let operands): return .and(try all(operands))
        case .or(let operands): return .or(try all(operands))
        case .not(let operand): return .not(try go(operand))
        case .isNull(let operand, let negated): return .isNull(try go(operand), negated: negated)
        case .inList(let operand, let values, let negated): return .inList(try go(operand), values, negated: negated)
        case .like(let operand, let pattern, let negated): return .like(try go(operand), pattern, negated: negated)
        case .caseWhen(let branches, let otherwise, let type):
            var rewritten: [BoundCaseBranch] = []
            for branch in branches { rewritten.append(BoundCaseBranch(condition: try go(branch.condition), result: try go(branch.result))) }
            return .caseWhen(rewritten, otherwise: try go(otherwise), type)
        case .cast(let operand, let type): return .cast(try go(operand), type)
        case .function(let function, let arguments, let type): return .function(function, try all(arguments), type)
        case .regexp(let function, let expression, let arguments, let type):
            return .regexp(function, expression, try all(arguments), type)
        }
    }

    /// `column op constant` (either way round) with an integer-class constant of the column's
    /// type, as the column, its type and the closed range of values the condition keeps (`low >
    /// high` when it keeps none); nil for any other condition, `<>` included.
    public var integerRange: (column: Int, type: LogicalType, low: Int64, high: Int64)? {
        guard case .comparison(let op, let left, let right) = self else { return nil }
        let column: Int, type: LogicalType, constant: Int64, comparison: ComparisonOperator
        switch (left, right) {
        case (.column(let index, let columnType), .constant(.integer(let value), let constantType)) where columnType == constantType:
            (column, type, constant, comparison) = (index, columnType, value, op)
        case (.constant(.integer(let value), let constantType), .column(let index, let columnType)) where columnType == constantType:
            (column, type, constant, comparison) = (index, columnType, value, op.swapped)
        default:
            return nil
        }
        switch comparison {
        case .equal: return (column, type, constant, constant)
        case .less: return constant == .min ? (column, type, .max, .min) : (column, type, .min, constant - 1)
        case .lessOrEqual: return (column, type, .min, constant)
        case .greater: return constant == .max ? (column, type, .max, .min) : (column, type, constant + 1, .max)
        case .greaterOrEqual: return (column, type, constant, .max)
        case .notEqual: return nil
        }
    }

    /// Whether the expression is a constant: no columns, and no subquery or parameter, whose
    /// values are known only when the query runs.
    public var isConstant: Bool { columnsUsed.isEmpty && !containsSubquery && !containsParameter }

    /// Whether a correlated subquery's parameter is part of the expression.
    public var containsParameter: Bool {
        var found = false
        visit { if case .parameter = $0 { found = true } }
        return found
    }

    /// Whether a subquery's result is part of the expression.
    public var containsSubquery: Bool {
        var found = false
        visit { if case .subquery = $0 { found = true } else if case .inSubquery = $0 { found = true } }
        return found
    }
}

/// `WHEN condition THEN result`.
public struct BoundCaseBranch: Sendable, Equatable {
    public var condition: BoundExpression
    public var result: BoundExpression

    public init(condition: BoundExpression, result: BoundExpression) {
        self.condition = condition
        self.result = result
    }
}

/// `+ - * / // %` after binding.
public enum ArithmeticOperator: String, Sendable, Equatable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", integerDivide = "//", modulo = "%"
}

/// `= <> < <= > >=`.
public enum ComparisonOperator: String, Sendable, Equatable {
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    /// The operator with its operands swapped (`a < b` is `b > a`).
    public var swapped: ComparisonOperator {
        switch self {
        case .equal, .notEqual: return self
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        }
    }

    /// Whether `ordering` (-1, 0, 1) satisfies the operator.
    @inline(__always)
    public func holds(_ ordering: Int) -> Bool {
        switch self {
        case .equal: return ordering == 0
        case .notEqual: return ordering != 0
        case .less: return ordering < 0
        case .lessOrEqual: return ordering <= 0
        case .greater: return ordering > 0
        case .greaterOrEqual: return ordering >= 0
        }
    }
}

/// Scalar functions the evaluator implements.
public enum ScalarFunction: String, Sendable, Equatable, CaseIterable {
    case lower, upper, length, trim, ltrim, rtrim, substring, concat, replace, left, right
    /// `a || b || …`: the pieces back to back, NULL when any is NULL (concat skips NULLs). One
    /// call for a whole chain, so a long chain is one flat node.
    case concatOperator = "||"
    case abs, round, floor, ceil
    case coalesce, nullif
    /// `extract(field FROM x)` with the field as the first (constant) argument.
    case extract
    /// `date_trunc('month', d)`.
    case dateTrunc = "date_trunc"
    /// Date plus a number of months (what `INTERVAL 'n' MONTH` arithmetic becomes).
    case addMonths = "add_months"
    case startsWith = "starts_with"
    case contains
    /// `s LIKE p [ESCAPE e]` with a pattern that varies by row (a constant pattern is compiled
    /// once instead).
    case like
    case ilike
    /// `greatest(a, b, …)`, `least(…)`: NULLs skipped.
    case greatest, least
    /// `a IS [NOT] DISTINCT FROM b`.
    case isDistinctFrom = "is_distinct_from"
    case isNotDistinctFrom = "is_not_distinct_from"
    /// `TRY_CAST(x AS type)`, the type the call's result type.
    case tryCast = "try_cast"
    /// On DOUBLE: `power(x, y)`, `sqrt`, `ln`, `log10`, `log2`, `exp`, and `log(base, x)`.
    case power, sqrt, ln, log10, log2, exp, log
    /// `sign(x)` of any number: TINYINT.
    case sign
    /// Text: `split_part(s, delimiter, n)`, `lpad`/`rpad(s, n, fill)`, `strpos(s, needle)`,
    /// `reverse(s)`, `repeat(s, n)`, `ends_with(s, suffix)`.
    case splitPart = "split_part"
    case lpad, rpad, strpos, reverse
    case repeatText = "repeat"
    case endsWith = "ends_with"
    /// `chr(code)`: the character; `ascii(s)`, `unicode(s)`: the first character's code.
    case chr, ascii, unicode
    /// Regular expressions, with a pattern that varies by row (arguments: text, pattern, the
    /// replacement or group if any, and the constant options); a constant pattern is a
    /// ``BoundExpression/regexp(_:_:_:_:)`` instead.
    case regexpMatches = "regexp_matches"
    case regexpFullMatch = "regexp_full_match"
    case regexpReplace = "regexp_replace"
    case regexpExtract = "regexp_extract"
    /// Dates: `date_diff(unit, start, end)` (timestamps), `make_date(y, m, d)`, `last_day(d)`,
    /// `dayname(d)`, `monthname(d)`, `strftime(ts, format)`, `strptime(s, format)` and
    /// `try_strptime` (NULL where the text does not match).
    case dateDiff = "date_diff"
    case makeDate = "make_date"
    case lastDay = "last_day"
    case dayName = "dayname"
    case monthName = "monthname"
    case strftime, strptime
    case tryStrptime = "try_strptime"
    /// A row value `(a, b, …)` as one opaque, never-NULL key (``RowKey``): what
    /// `count(DISTINCT (a, b))` counts.
    case rowKey = "row_key"
    /// `to_days(n)` and the other `to_…` functions: the unit (a constant string, an
    /// ``Interval/Unit`` name), then the count (BIGINT, or DOUBLE for seconds and milliseconds).
    case toInterval = "to_interval"
    /// `age(end, start)` of two TIMESTAMPs: an INTERVAL of years, months, days and time.
    case age
}
