/// Walking and rewriting parsed expressions within one query block (never into subqueries).

import StarlingSQL

extension Expression {
    /// The expression with every node for which `transform` answers replaced by that answer;
    /// other nodes are rebuilt from their rewritten sub-expressions. Subqueries are left whole.
    func replacing(_ transform: (Expression) -> Expression?) -> Expression {
        if let replaced = transform(self) { return replaced }
        func go(_ expression: Expression) -> Expression { expression.replacing(transform) }
        switch self {
        case .literal, .column, .star, .exists, .scalarSubquery, .interval:
            return self
        case .unary(let op, let operand, let position):
            return .unary(op, go(operand), position: position)
        case .binary(let op, let left, let right, let position):
            return .binary(op, go(left), go(right), position: position)
        case .between(let value, let low, let high, let negated, let position):
            return .between(go(value), low: go(low), high: go(high), negated: negated, position: position)
        case .inList(let value, let list, let negated, let position):
            return .inList(go(value), list.map(go), negated: negated, position: position)
        case .inSubquery(let value, let query, let negated, let position):
            return .inSubquery(go(value), query, negated: negated, position: position)
        case .like(let value, let pattern, let escape, let negated, let insensitive, let position):
            return .like(
                go(value), pattern: go(pattern), escape: escape.map(go), negated: negated, caseInsensitive: insensitive,
                position: position)
        case .isNull(let value, let negated, let position):
            return .isNull(go(value), negated: negated, position: position)
        case .caseWhen(let operand, let branches, let otherwise, let position):
            let rewritten = branches.map { CaseBranch(condition: go($0.condition), result: go($0.result)) }
            return .caseWhen(operand: operand.map(go), branches: rewritten, otherwise: otherwise.map(go), position: position)
        case .cast(let value, let type, let orNull, let position):
            return .cast(go(value), type, orNull: orNull, position: position)
        case .function(var call):
            call.arguments = call.arguments.map(go)
            call.filter = call.filter.map(go)
            call.window = call.window?.mapExpressions(go)
            call.withinGroup = call.withinGroup.map { OrderItem(expression: go($0.expression), descending: $0.descending, nullsFirst: $0.nullsFirst) }
            return .function(call)
        }
    }

    /// The column references of this block (not inside subqueries), in order of appearance.
    var columnReferences: [(qualifier: Identifier?, name: Identifier)] {
        if case .column(let qualifier, let name) = self { return [(qualifier, name)] }
        return subexpressions.flatMap(\.columnReferences)
    }

    /// The parts of a chain of ANDs (itself otherwise).
    var astConjuncts: [Expression] {
        if case .binary(.and, let left, let right, _) = self { return left.astConjuncts + right.astConjuncts }
        return [self]
    }

    /// `parts` joined by AND; nil when there are none.
    static func conjunction(_ parts: [Expression]) -> Expression? {
        guard var result = parts.first else { return nil }
        for part in parts.dropFirst() { result = .binary(.and, result, part, position: result.position) }
        return result
    }
}
