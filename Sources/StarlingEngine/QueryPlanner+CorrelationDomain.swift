/// Correlations other than equalities unnested through a domain (Neumann and Kemper's dependent
/// join): the distinct values of the enclosing columns a subquery's conditions read become a
/// relation the subquery joins itself, and those columns become equality keys.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// `correlation` with its non-equality conditions (`t.d < o.d`) made equalities on a domain:
    /// the distinct values of the enclosing columns they read, over the enclosing FROM (one leaf
    /// when they all come from one, with its conditions in `conditions`), are added to the
    /// subquery's FROM as `__domainN(c0, c1, …)`; each condition reads `__domainN.ck` instead,
    /// inside the subquery, and `__domainN.ck = outer column` joins it back. Nil when a condition
    /// could hold for a NULL enclosing value (`o.d IS NULL OR …`, `coalesce(o.d, 0) < t.d`): a NULL
    /// finds no domain row, which is right only when the subquery then has no rows anyway.
    func withDomain(_ correlation: Correlation, from: FromClause, conditions: [BoundExpression] = [])
        throws(SQLError) -> Correlation?
    {
        guard !correlation.residuals.isEmpty else { return correlation }
        // The enclosing columns the conditions read, each once, by scope position.
        var columns: [Int] = []
        var references: [Int: (qualifier: Identifier?, name: Identifier)] = [:]
        for residual in correlation.residuals {
            for reference in residual.columnReferences where correlation.isOuter(reference) {
                guard let index = try from.scope.resolve(qualifier: reference.qualifier, name: reference.name) else {
                    return nil
                }
                guard residual.rejectsNull(reference) else { return nil }
                if references[index] == nil {
                    references[index] = reference
                    columns.append(index)
                }
            }
        }
        let name = "__domain\(planRelations.count)"
        planRelations[name] = domain(columns, from: from, conditions: conditions)
        let position = correlation.select.position
        func domainColumn(_ number: Int) -> Expression {
            .column(qualifier: Identifier(name, at: position), name: Identifier("c\(number)", at: position))
        }
        var result = correlation
        let isOuter = correlation.isOuter
        let moved = correlation.residuals.map { residual in
            residual.replacing { node in
                guard case .column(let qualifier, let columnName) = node, isOuter((qualifier, columnName)),
                    let index = try? from.scope.resolve(qualifier: qualifier, name: columnName),
                    let number = columns.firstIndex(of: index)
                else { return nil }
                return domainColumn(number)
            }
        }
        result.select.from.append(.table(name: Identifier(name, at: position), schema: nil, alias: nil))
        result.select.whereClause = Expression.conjunction(
            (correlation.select.whereClause.map { [$0] } ?? []) + moved)
        for (number, index) in columns.enumerated() {
            if let reference = references[index] {
                result.keys.append(
                    (inner: domainColumn(number), outer: .column(qualifier: reference.qualifier, name: reference.name)))
            }
        }
        result.residuals = []
        return result
    }

    /// The distinct values of scope columns `columns` over `from`: over the one leaf they come
    /// from (with `conditions` on that leaf alone), else over the whole FROM with its join
    /// conditions and `conditions`.
    private func domain(_ columns: [Int], from: FromClause, conditions: [BoundExpression]) -> LogicalOperator {
        let leaves = Set(columns.map { from.leaf(of: $0) })
        var source = from
        var offset = 0
        var filters = from.conditions + conditions
        if leaves.count == 1, let leafIndex = leaves.first {
            let leaf = from.leaves[leafIndex]
            source = FromClause()
            source.add(leaf.source, entries: leaf.entries, estimatedRows: leaf.estimatedRows)
            offset = leaf.offset
            filters = filters.filter { condition in
                let used = condition.columnsUsed
                return !used.isEmpty && used.allSatisfy { leaf.range.contains($0) }
            }.map { $0.remapColumns { $0 - leaf.offset } }
        }
        let joined = graph(source, conditions: filters)
        let expressions = columns.map { BoundExpression.column($0 - offset, joined.columns[$0 - offset].type) }
        let names = columns.indices.map { PlanColumn(name: "c\($0)", type: expressions[$0].type) }
        let projection = LogicalOperator(
            .projection(joined, expressions), columns: names, estimatedRows: joined.estimatedRows)
        return LogicalOperator(.distinct(projection), columns: names, estimatedRows: joined.estimatedRows)
    }
}

extension Expression {
    /// Whether the condition can never be TRUE while `column` is NULL: it is NULL (a comparison,
    /// `BETWEEN`, `LIKE` or `IN` whose operand reaches the column only through arithmetic, `||`,
    /// casts and signs), an AND with such a part, an OR of such branches, or NOT of a NULL.
    func rejectsNull(_ column: (qualifier: Identifier?, name: Identifier)) -> Bool {
        switch self {
        case .binary(.and, let left, let right, _):
            return left.rejectsNull(column) || right.rejectsNull(column)
        case .binary(.or, let left, let right, _):
            return left.rejectsNull(column) && right.rejectsNull(column)
        case .unary(.not, let operand, _):
            return operand.isNullWhenNull(column)
        case .between(let value, let low, let high, let negated, _) where !negated:
            // NULL or FALSE, never TRUE, when a bound is NULL.
            return value.isNullWhenNull(column) || low.isNullWhenNull(column) || high.isNullWhenNull(column)
        default:
            return isNullWhenNull(column)
        }
    }

    /// Whether the expression is NULL whenever `column` is (it reads it through strict operators).
    func isNullWhenNull(_ column: (qualifier: Identifier?, name: Identifier)) -> Bool {
        switch self {
        case .column(let qualifier, let name):
            return name.name == column.name.name && qualifier?.name == column.qualifier?.name
        case .binary(let op, let left, let right, _):
            guard op != .and && op != .or && op != .isDistinctFrom && op != .isNotDistinctFrom else { return false }
            return left.isNullWhenNull(column) || right.isNullWhenNull(column)
        case .unary(_, let operand, _):
            return operand.isNullWhenNull(column)
        case .cast(let operand, _, _, _):
            return operand.isNullWhenNull(column)
        case .between(let value, _, _, _, _):
            return value.isNullWhenNull(column)
        case .like(let value, let pattern, let escape, _, _, _):
            return value.isNullWhenNull(column) || pattern.isNullWhenNull(column)
                || (escape?.isNullWhenNull(column) ?? false)
        case .inList(let value, _, _, _):
            return value.isNullWhenNull(column)
        default:
            return false
        }
    }
}
