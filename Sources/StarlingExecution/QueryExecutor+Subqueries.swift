/// Running a plan's subqueries when it starts, and putting their results in place.

import StarlingColumns

extension QueryExecutor {
    /// `plan` with each uncorrelated subquery its expressions use run once (its own subqueries
    /// first) and its result put in place (``result(of:rows:operand:negated:)``), and each
    /// correlated one given a runner that runs it per distinct parameter tuple while the rows go
    /// by. A plan without subqueries is returned as it is.
    func resolvingSubqueries(_ plan: PlanNode) throws(QueryError) -> PlanNode {
        let subqueries = plan.subqueries
        guard !subqueries.isEmpty else { return plan }
        var results: [Int: Chunk] = [:]
        for subquery in subqueries where !subquery.isCorrelated && results[subquery.identifier] == nil {
            results[subquery.identifier] = try execute(subquery.plan)
        }
        return try plan.rewritingExpressions { (expression) throws(QueryError) -> BoundExpression in
            try expression.replacingSubqueries { (subquery, operand, negated) throws(QueryError) -> BoundExpression in
                let rows: Chunk
                if subquery.isCorrelated {
                    let constants = subquery.parameters.compactMap { parameter -> Value? in
                        if case .constant(let value, _) = parameter { return value } else { return nil }
                    }
                    guard constants.count == subquery.parameters.count else {
                        let runner = correlatedRunner(subquery)
                        if let operand { return .inSubquery(operand, subquery.with(runner: runner), negated: negated) }
                        return .subquery(subquery.with(runner: runner))
                    }
                    // Every parameter is known (an enclosing subquery's run put it in place): one run.
                    rows = try QueryExecutor(sharing: self).execute(subquery.plan.givingParameters(constants))
                } else {
                    rows = results[subquery.identifier] ?? Chunk(columns: [], count: 0)
                }
                return try Self.result(of: subquery, rows: rows, operand: operand, negated: negated)
            }
        }
    }

    /// What an uncorrelated subquery (or one run with known parameters) puts in place: a scalar
    /// subquery's value (NULL without a row; more than one row is an error), `EXISTS` as true or
    /// false, `x IN (SELECT …)` as `x IN (values…)` — false for an empty result and true for
    /// `NOT IN` one, whatever `x` is.
    static func result(of subquery: SubqueryValue, rows: Chunk, operand: BoundExpression?, negated: Bool)
        throws(QueryError) -> BoundExpression
    {
        switch subquery.kind {
        case .scalar:
            return .constant(try subquery.scalarValue(of: rows), subquery.type)
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

    /// The runner of a correlated subquery: each run puts the parameters in place and runs the
    /// plan on an executor of its own (sharing this one's budget and cancellation).
    func correlatedRunner(_ subquery: SubqueryValue) -> CorrelatedSubquery {
        CorrelatedSubquery(subquery, budget: budget) { [self] (parameters) throws(QueryError) -> Chunk in
            try QueryExecutor(sharing: self).execute(subquery.plan.givingParameters(parameters))
        }
    }
}

extension PlanNode {
    /// The plan with each ``BoundExpression/parameter(_:_:)`` replaced by its value.
    func givingParameters(_ values: [Value]) throws(QueryError) -> PlanNode {
        try rewritingExpressions { (expression) throws(QueryError) -> BoundExpression in
            guard expression.containsParameter else { return expression }
            return try expression.replacing { (node) throws(QueryError) -> BoundExpression? in
                guard case .parameter(let index, let type) = node else { return nil }
                guard values.indices.contains(index) else {
                    throw .invalid("internal: a correlated subquery has no parameter \(index)")
                }
                return .constant(values[index], type)
            }
        }
    }
}
