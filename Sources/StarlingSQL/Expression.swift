/// The parsed form of SQL expressions: what appears in SELECT lists, WHERE, GROUP BY and so on.

import StarlingColumns

/// An expression as written, with the position of its first token (for error messages).
public indirect enum Expression: Sendable {
    /// A constant: a number as written, a string, TRUE/FALSE, NULL, or `DATE '…'`/`TIMESTAMP '…'`.
    case literal(Literal)
    /// `name` or `qualifier.name` (a column, possibly qualified by a table name or alias).
    case column(qualifier: Identifier?, name: Identifier)
    /// `*` or `t.*` (only in a SELECT list or `count(*)`).
    case star(qualifier: Identifier?, position: SourcePosition)
    /// `-x`, `+x`, `NOT x`.
    case unary(UnaryOperator, Expression, position: SourcePosition)
    /// `a + b`, `a = b`, `a AND b`, `a || b`, …; `position` is the operator's.
    case binary(BinaryOperator, Expression, Expression, position: SourcePosition)
    /// `x [NOT] BETWEEN low AND high`.
    case between(Expression, low: Expression, high: Expression, negated: Bool, position: SourcePosition)
    /// `x [NOT] IN (a, b, …)`.
    case inList(Expression, [Expression], negated: Bool, position: SourcePosition)
    /// `x [NOT] IN (SELECT …)`.
    case inSubquery(Expression, Query, negated: Bool, position: SourcePosition)
    /// `[NOT] EXISTS (SELECT …)`.
    case exists(Query, negated: Bool, position: SourcePosition)
    /// `(SELECT …)` used as a value.
    case scalarSubquery(Query, position: SourcePosition)
    /// `x [NOT] LIKE pattern [ESCAPE e]` / `ILIKE`.
    case like(Expression, pattern: Expression, escape: Expression?, negated: Bool, caseInsensitive: Bool, position: SourcePosition)
    /// `x IS [NOT] NULL`.
    case isNull(Expression, negated: Bool, position: SourcePosition)
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    case caseWhen(operand: Expression?, branches: [CaseBranch], otherwise: Expression?, position: SourcePosition)
    /// `CAST(x AS type)` or `x::type`; `TRY_CAST(x AS type)` (`orNull`: NULL where the value does
    /// not convert, instead of an error).
    case cast(Expression, LogicalType, orNull: Bool, position: SourcePosition)
    /// A function call: `lower(x)`, `count(*)`, `count(DISTINCT x)`, `sum(x) FILTER (WHERE …)`,
    /// `extract(year FROM d)` (as `extract('year', d)`), `substring(s FROM 2 FOR 3)` (as
    /// `substring(s, 2, 3)`), `current_date` (no arguments). The name is lower-cased.
    case function(FunctionCall)
    /// `INTERVAL 'n' unit` or `INTERVAL n unit`, from MICROSECOND to MILLENNIUM, or `INTERVAL
    /// 'text'` (`'1 day 02:00:00'`).
    case interval(IntervalLiteral)

    /// Where the expression starts in the script.
    public var position: SourcePosition {
        switch self {
        case .literal(let literal): return literal.position
        case .column(let qualifier, let name): return qualifier?.position ?? name.position
        case .star(_, let position): return position
        case .unary(_, _, let position): return position
        case .binary(_, let left, _, _): return left.position
        case .between(let value, _, _, _, _): return value.position
        case .inList(let value, _, _, _): return value.position
        case .inSubquery(let value, _, _, _): return value.position
        case .exists(_, _, let position): return position
        case .scalarSubquery(_, let position): return position
        case .like(let value, _, _, _, _, _): return value.position
        case .isNull(let value, _, _): return value.position
        case .caseWhen(_, _, _, let position): return position
        case .cast(_, _, _, let position): return position
        case .function(let call): return call.name.position
        case .interval(let interval): return interval.position
        }
    }
}

/// `-`, `+`, `NOT`.
public enum UnaryOperator: String, Sendable {
    case negate = "-"
    case plus = "+"
    case not = "NOT"
}

/// Binary operators, by SQL spelling.
public enum BinaryOperator: String, Sendable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    /// `//`: integer division (DuckDB).
    case integerDivide = "//"
    case modulo = "%"
    case concatenate = "||"
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case and = "AND"
    case or = "OR"
    /// `IS DISTINCT FROM`: `<>` with NULL a value like any other (never NULL).
    case isDistinctFrom = "IS DISTINCT FROM"
    /// `IS NOT DISTINCT FROM`: `=` with NULL a value like any other.
    case isNotDistinctFrom = "IS NOT DISTINCT FROM"
}

/// `WHEN condition THEN result`.
public struct CaseBranch: Sendable {
    public var condition: Expression
    public var result: Expression

    public init(condition: Expression, result: Expression) {
        self.condition = condition
        self.result = result
    }
}

/// A function or aggregate call.
public struct FunctionCall: Sendable {
    /// The lower-cased name with its position.
    public var name: Identifier
    public var arguments: [Expression]
    /// `count(DISTINCT x)`.
    public var distinct: Bool
    /// `count(*)`: `arguments` is empty and this is true.
    public var star: Bool
    /// `FILTER (WHERE …)`.
    public var filter: Expression?
    /// `OVER (…)`: a window function.
    public var window: WindowSpecification?
    /// `percentile_cont(0.95) WITHIN GROUP (ORDER BY x [DESC])`: the ordered-set argument.
    public var withinGroup: OrderItem?
    /// `string_agg(x, ',' ORDER BY y)`: the order an aggregate takes its values in.
    public var orderBy: [OrderItem] = []

    public init(name: Identifier, arguments: [Expression], distinct: Bool = false, star: Bool = false, filter: Expression? = nil, window: WindowSpecification? = nil) {
        self.name = name
        self.arguments = arguments
        self.distinct = distinct
        self.star = star
        self.filter = filter
        self.window = window
    }
}

/// An INTERVAL constant: `INTERVAL '3' MONTH` or `INTERVAL 3 MONTH` (a count of one unit), or
/// `INTERVAL '1 day 02:00:00'` (text, read as DuckDB casts text to an interval).
public struct IntervalLiteral: Sendable {
    public enum Unit: String, Sendable, CaseIterable {
        case microsecond, millisecond, second, minute, hour, day, week, month, quarter, year, decade, century
        case millennium

        /// The unit a keyword names, singular or plural (`DAY`, `days`, `CENTURIES`, `millennia`).
        public init?(keyword: String) {
            let lowered = keyword.lowercased()
            let irregular: [String: Unit] = ["centuries": .century, "millennia": .millennium]
            if let unit = Unit(rawValue: lowered) ?? irregular[lowered] {
                self = unit
            } else if lowered.hasSuffix("s"), let unit = Unit(rawValue: String(lowered.dropLast())) {
                self = unit
            } else {
                return nil
            }
        }
    }

    /// What was written.
    public enum Form: Sendable {
        /// A count of one unit.
        case count(Int64, Unit)
        /// Text such as `'2 hours 30 minutes'` or `'1 day 02:00:00'`.
        case text(String)
    }

    public var form: Form
    public var position: SourcePosition

    public init(form: Form, position: SourcePosition) {
        self.form = form
        self.position = position
    }

    /// The literal as SQL: `INTERVAL '3' MONTH`, `INTERVAL '1 day 02:00:00'`.
    public var sqlText: String {
        switch form {
        case .count(let count, let unit): return "INTERVAL '\(count)' \(unit.rawValue.uppercased())"
        case .text(let text): return "INTERVAL '" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        }
    }
}
