/// Running a plan's subqueries when it starts, and putting their results in place.

import StarlingColumns

extension QueryExecutor {
    /// `plan` with each subquery its expressions use run once (its own subqueries first) and its
    /// result put in place: a scalar subquery's value (NULL without a row; more than one row is
    /// an error), `EXISTS` as true or false, `x IN (SELECT …)` as `x IN (values…)` — false for
    /// an empty result and true for `NOT IN` one, whatever `x` is. A plan without subqueries is
    /// returned as it is.
    func resolvingSubqueries(_ plan: PlanNode) throws(QueryError) -> PlanNode {
        let subqueries = plan.subqueries
        guard !subqueries.isEmpty else { return plan }
        var results: [Int: Chunk] = [:]
        for subquery in subqueries where results[subquery.identifier] == nil {
            results[subquery.identifier] = try execute(subquery.plan)
        }
        return try plan.rewritingExpressions { (expression) throws(QueryError) -> BoundExpression in
            try expression.replacingSubqueries { (subquery, operand, negated) throws(QueryError) -> BoundExpression in
                let rows = results[subquery.identifier] ?? Chunk(columns: [], count: 0)
                switch subquery.kind {
                case .scalar:
                    guard rows.count <= 1 else {
                        throw QueryError(
                            .invalidData, "a scalar subquery returned more than one row; it must return at most one",
                            position: subquery.position)
                    }
                    let value = rows.count == 1 ? rows.columns[0].value(at: 0) : .null
                    return .constant(value, subquery.type)
                case .exists(let negated):
                    return .constant(.boolean((rows.count > 0) != negated), .boolean)
                case .values:
                    guard let operand else { throw .invalid("internal: IN subquery without an operand") }
                    if rows.count == 0 { return .constant(.boolean(negated), .boolean) }
                    let column = rows.columns[0]
                    var seen = Set<Value>()
                    var values: [Value] = []
                    for row in 0..<rows.count where seen.insert(column.value(at: row)).inserted {
                        values.append(column.value(at: row))
                    }
                    return .inList(operand, values, negated: negated)
                }
            }
        }
    }
}
