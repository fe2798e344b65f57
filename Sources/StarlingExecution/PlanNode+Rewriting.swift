/// Rewriting every expression of a plan: how subqueries' results are put in place.

import StarlingColumns

extension PlanNode {
    /// The plan with `transform` applied to each expression of every operator (filters,
    /// projections, join keys, residuals and mark conditions, groups, aggregate arguments and filters, sort keys,
    /// a scan's filter, a dimension's conditions). Subqueries' own plans are left alone.
    /// Identifiers, columns and estimates are kept.
    public func rewritingExpressions(_ transform: (BoundExpression) throws(QueryError) -> BoundExpression)
        throws(QueryError) -> PlanNode
    {
        func dimension(_ input: DimensionInput) throws(QueryError) -> DimensionInput {
            guard let predicate = input.predicate else { return input }
            return DimensionInput(
                tableName: input.tableName, scan: input.scan, predicate: try transform(predicate),
                conditionCount: input.conditionCount)
        }
        let operation: Operator
        switch self.operation {
        case .scan(var scan):
            scan.filter = try scan.filter.map { (filter) throws(QueryError) in try transform(filter) }
            for index in scan.codeFilters.indices {
                scan.codeFilters[index].dimension = try dimension(scan.codeFilters[index].dimension)
            }
            operation = .scan(scan)
        case .rows, .parquetScan:
            return self
        case .series(let start, let stop, let step):
            operation = .series(start: try transform(start), stop: try transform(stop), step: try transform(step))
        case .filter(let child, let predicate):
            operation = .filter(try child.rewritingExpressions(transform), try transform(predicate))
        case .project(let child, let expressions):
            operation = .project(
                try child.rewritingExpressions(transform),
                try expressions.map { (expression) throws(QueryError) in try transform(expression) })
        case .dimensionJoin(let child, var join):
            join.dimension = try dimension(join.dimension)
            operation = .dimensionJoin(try child.rewritingExpressions(transform), join)
        case .hashJoin(let probe, let build, var join):
            join.probeKeys = try join.probeKeys.map { (key) throws(QueryError) in try transform(key) }
            join.buildKeys = try join.buildKeys.map { (key) throws(QueryError) in try transform(key) }
            join.residual = try join.residual.map { (residual) throws(QueryError) in try transform(residual) }
            join.markNull = try join.markNull.map { (condition) throws(QueryError) in try transform(condition) }
            operation = .hashJoin(
                probe: try probe.rewritingExpressions(transform), build: try build.rewritingExpressions(transform), join
            )
        case .crossJoin(let left, let right):
            operation = .crossJoin(try left.rewritingExpressions(transform), try right.rewritingExpressions(transform))
        case .aggregate(let child, let groups, let aggregates):
            operation = .aggregate(
                try child.rewritingExpressions(transform),
                groups: try groups.map { (group) throws(QueryError) in try transform(group) },
                aggregates: try Self.rewriting(aggregates, transform))
        case .groupingSets(let child, let groups, let aggregates, let sets):
            operation = .groupingSets(
                try child.rewritingExpressions(transform),
                groups: try groups.map { (group) throws(QueryError) in try transform(group) },
                aggregates: try Self.rewriting(aggregates, transform), sets: sets)
        case .sort(let child, var keys, let limit):
            for index in keys.indices { keys[index].expression = try transform(keys[index].expression) }
            operation = .sort(try child.rewritingExpressions(transform), keys, limit: limit)
        case .limit(let child, let limit, let offset):
            operation = .limit(try child.rewritingExpressions(transform), limit: limit, offset: offset)
        case .distinct(let child):
            operation = .distinct(try child.rewritingExpressions(transform))
        case .window(let child, let functions, let passing):
            operation = .window(
                try child.rewritingExpressions(transform),
                try functions.map { (function) throws(QueryError) in try function.mapExpressions(transform) }, passing: passing)
        case .setOperation(let kind, let all, let left, let right):
            operation = .setOperation(
                kind, all: all, try left.rewritingExpressions(transform), try right.rewritingExpressions(transform))
        }
        return PlanNode(identifier: identifier, operation: operation, columns: columns, estimatedRows: estimatedRows)
    }

    /// `aggregates` with `transform` applied to their arguments and filters.
    private static func rewriting(
        _ aggregates: [AggregateSpecification], _ transform: (BoundExpression) throws(QueryError) -> BoundExpression
    ) throws(QueryError) -> [AggregateSpecification] {
        var rewritten: [AggregateSpecification] = []
        for aggregate in aggregates { rewritten.append(try aggregate.mapExpressions(transform)) }
        return rewritten
    }

    /// The subqueries the plan's expressions use (not those inside their plans), outermost first.
    public var subqueries: [SubqueryValue] {
        var found: [SubqueryValue] = []
        _ = try? rewritingExpressions { (expression) throws(QueryError) -> BoundExpression in
            expression.visit { node in
                switch node {
                case .subquery(let subquery), .inSubquery(_, let subquery, _):
                    if !found.contains(where: { $0 === subquery }) { found.append(subquery) }
                default: break
                }
            }
            return expression
        }
        return found
    }
}

extension BoundExpression {
    /// The expression with each subquery replaced by what `replacement` makes of it (given the
    /// `inSubquery`'s operand, already replaced, or nil for a scalar or EXISTS subquery).
    func replacingSubqueries(
        _ replacement: (SubqueryValue, _ operand: BoundExpression?, _ negated: Bool) throws(QueryError) -> BoundExpression
    ) throws(QueryError) -> BoundExpression {
        guard containsSubquery else { return self }
        return try replacing { (node) throws(QueryError) -> BoundExpression? in
            switch node {
            case .subquery(let subquery): return try replacement(subquery, nil, false)
            case .inSubquery(let operand, let subquery, let negated):
                return try replacement(subquery, try operand.replacingSubqueries(replacement), negated)
            default: return nil
            }
        }
    }
}
