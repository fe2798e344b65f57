/// The text PostgreSQL's functions write: `json_build_object(key, value, …)` and
/// `pg_size_pretty(bytes)`, as expressions over their arguments.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// `json_build_object(key, value, …)`: a JSON object as text, `{"key" : value, …}` as
    /// PostgreSQL writes it; keys as text, values as JSON numbers, booleans, strings or null.
    func bindJSONBuildObject(_ call: FunctionCall, _ context: ExpressionContext) throws(SQLError) -> BoundExpression {
        let position = call.name.position
        guard call.arguments.count % 2 == 0, !call.star, !call.distinct, call.filter == nil else {
            throw SQLError(
                "json_build_object takes pairs of keys and values", at: position,
                hint: "json_build_object('a', 1, 'b', 2)")
        }
        func string(_ text: String) -> Expression { .literal(Literal(.string(text), at: position)) }
        // One flat concat(…): a chain of || would be as deep as the object is long.
        func concatenate(_ parts: [Expression]) -> Expression {
            .function(FunctionCall(name: Identifier("concat", at: position), arguments: parts))
        }
        func quoted(_ value: Expression) -> Expression {
            var escaped = Expression.cast(value, .varchar, orNull: false, position: position)
            for (from, to) in [("\\", "\\\\"), ("\"", "\\\""), ("\n", "\\n"), ("\t", "\\t"), ("\r", "\\r")] {
                escaped = .function(
                    FunctionCall(
                        name: Identifier("replace", at: position), arguments: [escaped, string(from), string(to)]))
            }
            return concatenate([string("\""), escaped, string("\"")])
        }
        var parts: [Expression] = [string("{")]
        var pair = 0
        while pair + 1 < call.arguments.count {
            let key = call.arguments[pair]
            let value = call.arguments[pair + 1]
            let type = try bind(value, context).type
            let text: Expression
            switch type {
            case .boolean:
                let isFalse = Expression.unary(.not, value, position: position)
                text = .caseWhen(
                    operand: nil,
                    branches: [
                        CaseBranch(condition: value, result: string("true")),
                        CaseBranch(condition: isFalse, result: string("false")),
                    ], otherwise: .literal(Literal(.null, at: position)), position: position)
            case .tinyint, .smallint, .integer, .bigint, .double, .decimal:
                text = .cast(value, .varchar, orNull: false, position: position)
            default:
                text = quoted(value)
            }
            let orNull = Expression.function(
                FunctionCall(name: Identifier("coalesce", at: position), arguments: [text, string("null")]))
            if pair > 0 { parts.append(string(", ")) }
            parts += [quoted(key), string(" : "), orNull]
            pair += 2
        }
        parts.append(string("}"))
        return try bind(concatenate(parts), context)
    }
}

extension QueryPlanner {
    /// `pg_size_pretty(bytes)` as PostgreSQL writes it: bytes below 10 kB, then kB, MB, GB, TB
    /// and PB, each unit while the rounded value is below 20480 of it (half-units rounded away
    /// from zero), for sizes of zero and more.
    func sizePretty(_ size: Expression, at position: SourcePosition) -> Expression {
        func number(_ value: Int64) -> Expression { .literal(Literal(.number(String(value)), at: position)) }
        func string(_ text: String) -> Expression { .literal(Literal(.string(text), at: position)) }
        func absolute(_ value: Expression) -> Expression {
            .function(FunctionCall(name: Identifier("abs", at: position), arguments: [value]))
        }
        func text(_ value: Expression, _ unit: String) -> Expression {
            .function(
                FunctionCall(
                    name: Identifier("concat", at: position),
                    arguments: [.cast(value, .varchar, orNull: false, position: position), string(unit)]))
        }
        var branches = [
            CaseBranch(
                condition: .binary(.less, absolute(size), number(10 * 1024), position: position),
                result: text(size, " bytes"))
        ]
        // Half-units: size / 2^9 for kB, 2^19 for MB, …; then rounded to whole units.
        for (index, unit) in ["kB", "MB", "GB", "TB"].enumerated() {
            let halves = Expression.binary(
                .integerDivide, size, number(Int64(1) << (9 + 10 * index)), position: position)
            let rounded = Expression.binary(
                .integerDivide, .binary(.add, halves, number(1), position: position), number(2), position: position)
            branches.append(
                CaseBranch(
                    condition: .binary(.less, absolute(halves), number(20 * 1024 - 1), position: position),
                    result: text(rounded, " " + unit)))
        }
        let petabytes = Expression.binary(
            .integerDivide,
            .binary(
                .add, .binary(.integerDivide, size, number(Int64(1) << 49), position: position), number(1),
                position: position),
            number(2), position: position)
        return .caseWhen(operand: nil, branches: branches, otherwise: text(petabytes, " PB"), position: position)
    }
}
