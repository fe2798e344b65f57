/// Bound expressions written back as SQL-like text for EXPLAIN, columns by name.

import StarlingColumns
import StarlingExecution

/// Renders a ``BoundExpression`` over input columns named `names` (`#3` past their end).
/// Long renderings are cut at `limit` characters with an ellipsis.
struct ExpressionText {
    let names: [String]
    var limit = 120

    func callAsFunction(_ expression: BoundExpression) -> String {
        let text = outermost(expression)
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    func render(_ expression: BoundExpression) -> String {
        switch expression {
        case .column(let index, _):
            return names.indices.contains(index) ? names[index] : "#\(index)"
        case .constant(let value, let type):
            return constant(value, type)
        case .arithmetic(let op, let left, let right, _):
            return "(\(render(left)) \(op.rawValue) \(render(right)))"
        case .negate(let operand):
            return "-" + render(operand)
        case .comparison(let op, let left, let right):
            return "\(render(left)) \(op.rawValue) \(render(right))"
        case .and(let parts):
            return parts.map { wrapped($0) }.joined(separator: " AND ")
        case .or(let parts):
            return "(" + parts.map { wrapped($0) }.joined(separator: " OR ") + ")"
        case .not(let inner):
            return "NOT " + wrapped(inner)
        case .isNull(let operand, let negated):
            return render(operand) + (negated ? " IS NOT NULL" : " IS NULL")
        case .inList(let operand, let values, let negated):
            let list = values.map { constant($0, operand.type) }.joined(separator: ", ")
            return render(operand) + (negated ? " NOT IN (" : " IN (") + list + ")"
        case .like(let operand, let pattern, let negated):
            let op = (negated ? "NOT " : "") + (pattern.caseInsensitive ? "ILIKE" : "LIKE")
            let escape = pattern.escape.map { " ESCAPE " + quoted(String(decoding: [$0], as: UTF8.self)) } ?? ""
            return "\(render(operand)) \(op) \(quoted(pattern.text))\(escape)"
        case .caseWhen(let branches, let otherwise, _):
            let whens = branches.map { "WHEN \(render($0.condition)) THEN \(render($0.result))" }
            return "CASE " + whens.joined(separator: " ") + " ELSE \(render(otherwise)) END"
        case .cast(let operand, let type):
            return "CAST(\(render(operand)) AS \(type))"
        case .function(.isDistinctFrom, let arguments, _) where arguments.count == 2:
            return "\(wrapped(arguments[0])) IS DISTINCT FROM \(wrapped(arguments[1]))"
        case .function(.isNotDistinctFrom, let arguments, _) where arguments.count == 2:
            return "\(wrapped(arguments[0])) IS NOT DISTINCT FROM \(wrapped(arguments[1]))"
        case .function(.concatOperator, let arguments, _):
            return arguments.map(wrapped).joined(separator: " || ")
        case .function(.tryCast, let arguments, let type) where arguments.count == 1:
            return "TRY_CAST(\(render(arguments[0])) AS \(type))"
        case .regexp(let function, let expression, let arguments, _):
            let rest = arguments.dropFirst().map(outermost)
            let all = [outermost(arguments[0]), quoted(expression.pattern)] + rest
            return function.rawValue + "(" + all.joined(separator: ", ") + ")"
        case .function(let function, let arguments, _):
            return function.rawValue + "(" + arguments.map(outermost).joined(separator: ", ") + ")"
        case .parameter(let index, _):
            return "$\(index)"
        case .subquery(let subquery):
            return "(SUBQUERY \(subquery.identifier)\(correlation(subquery)))"
        case .inSubquery(let operand, let subquery, let negated):
            return render(operand) + (negated ? " NOT IN " : " IN ")
                + "(SUBQUERY \(subquery.identifier)\(correlation(subquery)))"
        }
    }

    /// ` PER $0 = o_custkey, …` for a correlated subquery: what each parameter reads.
    func correlation(_ subquery: SubqueryValue) -> String {
        guard subquery.isCorrelated else { return "" }
        return " PER " + subquery.parameters.indices.map { "$\($0) = " + outermost(subquery.parameters[$0]) }
            .joined(separator: ", ")
    }

    /// Arithmetic without the parentheses it takes inside other expressions.
    func outermost(_ expression: BoundExpression) -> String {
        guard case .arithmetic(let op, let left, let right, _) = expression else { return render(expression) }
        return "\(render(left)) \(op.rawValue) \(render(right))"
    }

    /// An AND or OR inside another, parenthesised.
    private func wrapped(_ expression: BoundExpression) -> String {
        if case .and = expression { return "(" + render(expression) + ")" }
        return render(expression)
    }

    private func constant(_ value: Value, _ type: LogicalType) -> String {
        if value.isNull { return "NULL" }
        switch type {
        case .varchar: return quoted(value.formatted(as: type))
        case .date, .timestamp, .interval: return "\(type) " + quoted(value.formatted(as: type))
        case .boolean, .tinyint, .smallint, .integer, .bigint, .double, .decimal: return value.formatted(as: type)
        }
    }

    private func quoted(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
}
