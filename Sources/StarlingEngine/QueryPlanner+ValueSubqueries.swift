/// Correlated subqueries used as values — in the select list, under OR or NOT in WHERE, a scalar
/// subquery with `count` — unnested into joins applied once FROM's joins are done: `EXISTS` and
/// `IN` become mark joins (a BOOLEAN column), a scalar subquery a left join to its block grouped
/// by the correlation keys, or a single join when it has no aggregate.

import StarlingColumns
import StarlingExecution
import StarlingSQL

/// One correlated subquery turned into a join that adds columns to a block's rows.
struct ValueJoin {
    /// The plan, keys and residual, as for a semi join (over the block's FROM scope of
    /// `scopeCount` columns, then the plan's).
    var join: SubqueryJoin
    /// `.mark`, `.left` (a grouped scalar subquery: at most one row per key) or `.single`.
    var kind: HashJoinSpecification.Kind
    var markNull: BoundExpression?
    var position: SourcePosition
    /// The columns the join adds (the mark, or the plan's columns), hidden, named `__vjN.name`.
    var entries: [BindingScope.Entry]
}

/// The value joins of one block, and the scope they extend: FROM's columns, then theirs.
struct ValueSubqueries {
    var scope: BindingScope
    let scopeCount: Int
    var joins: [ValueJoin] = []

    init(from: FromClause) {
        scope = from.scope
        scopeCount = from.scope.entries.count
    }

    /// The FROM columns the joins read.
    var probeColumnsUsed: Set<Int> {
        Set(
            joins.flatMap { value in
                value.join.probeColumnsUsed.union(
                    (value.markNull?.columnsUsed ?? []).filter { $0 < value.join.scopeCount })
            })
    }
}

extension QueryPlanner {
    /// `expression` with each correlated `EXISTS`, `IN` and scalar subquery in it replaced by a
    /// reference to the column a value join adds (registered in `values`). Uncorrelated ones stay:
    /// they run before the query.
    func unnestValueSubqueries(_ expression: Expression, from: FromClause, into values: inout ValueSubqueries)
        -> Expression
    {
        var found = values
        let rewritten = expression.replacing { node in
            // One no rule unnests stays, for the general path (which reports any error in it).
            var attempt = found
            guard let replacement = (try? valueJoin(node, from: from, into: &attempt)) ?? nil else { return nil }
            found = attempt
            return replacement
        }
        values = found
        return rewritten
    }

    /// The replacement for one subquery node, or nil when it is not a correlated subquery.
    private func valueJoin(_ node: Expression, from: FromClause, into values: inout ValueSubqueries) throws(SQLError)
        -> Expression?
    {
        let qualifier = "__vj\(values.joins.count)"
        switch node {
        case .exists(let query, let negated, let position):
            guard case .select(let original) = query.body,
                let correlation = try correlation(of: query, outer: from.scope), correlation.isCorrelated
            else { return nil }
            guard isOnlyWhereCorrelated(correlation, original: original, items: false),
                let join = try semiJoin(correlation, value: nil, anti: false, from: from, at: position)
            else { return nil }
            add(
                ValueJoin(
                    join: join, kind: .mark, markNull: nil, position: position,
                    entries: [BindingScope.Entry(qualifier: qualifier, name: "mark", type: .boolean, hidden: true)]),
                to: &values)
            let mark = Expression.column(
                qualifier: Identifier(qualifier, at: position), name: Identifier("mark", at: position))
            return negated ? .unary(.not, mark, position: position) : mark
        case .inSubquery(let value, let query, let negated, let position):
            guard case .select(let original) = query.body,
                let correlation = try correlation(of: query, outer: from.scope), correlation.isCorrelated
            else { return nil }
            if original.items.count != 1
                || original.items.contains(where: {
                    if case .star = $0.expression { return true }
                    return false
                })
            {
                throw SQLError("the subquery in IN must return exactly one column", at: position)
            }
            guard isOnlyWhereCorrelated(correlation, original: original, items: true),
                let join = try semiJoin(correlation, value: value, anti: false, from: from, at: position, mark: true)
            else { return nil }
            add(
                ValueJoin(
                    join: join, kind: .mark, markNull: join.markNull, position: position,
                    entries: [BindingScope.Entry(qualifier: qualifier, name: "mark", type: .boolean, hidden: true)]),
                to: &values)
            let mark = Expression.column(
                qualifier: Identifier(qualifier, at: position), name: Identifier("mark", at: position))
            return negated ? .unary(.not, mark, position: position) : mark
        case .scalarSubquery(let query, let position):
            guard case .select(let original) = query.body,
                let correlation = try correlation(of: query, outer: from.scope), correlation.isCorrelated
            else { return nil }
            guard isOnlyWhereCorrelated(correlation, original: original, items: true) else { return nil }
            return try scalarJoin(
                correlation, original: original, qualifier: qualifier, from: from, into: &values, at: position)
        default:
            return nil
        }
    }

    private func add(_ join: ValueJoin, to values: inout ValueSubqueries) {
        values.joins.append(join)
        values.scope.entries += join.entries
    }

    /// A correlated scalar subquery as a join on its correlation keys: with one aggregate and no
    /// GROUP BY, its block grouped by the keys and left-joined (a key without rows gets the
    /// aggregate's value over no rows: 0 for `count`, NULL otherwise); without an aggregate, a
    /// single join, an error when a row finds two. Nil when no rule unnests it (it is then
    /// planned with parameters).
    private func scalarJoin(
        _ correlation: Correlation, original: Select, qualifier: String, from: FromClause,
        into values: inout ValueSubqueries, at position: SourcePosition
    ) throws(SQLError) -> Expression? {
        guard original.items.count == 1, let item = original.items.first else {
            throw SQLError(
                "a scalar subquery must return one column; this one returns \(original.items.count)", at: position)
        }
        let aggregated = item.expression.containsAggregate
        guard original.groupBy.isEmpty, original.groupingSets == nil, original.distinctOn == nil, original.having == nil,
            !original.distinct || !aggregated,
            let correlation = try withDomain(correlation, from: from)
        else { return nil }
        var select = correlation.select
        select.items = [SelectItem(expression: item.expression, alias: Identifier("value", at: position))]
        for (index, key) in correlation.keys.enumerated() {
            select.items.append(SelectItem(expression: key.inner, alias: Identifier("key\(index)", at: position)))
        }
        select.items.append(
            SelectItem(
                expression: .literal(Literal(.boolean(true), at: position)), alias: Identifier("found", at: position)))
        if aggregated { select.groupBy = correlation.keys.map(\.inner) }
        let plan = try planNested(Query(body: .select(select), position: position), enclosing: from.scope)
        let outerContext = ExpressionContext(scope: from.scope, clause: "a subquery condition")
        var probeKeys: [BoundExpression] = []
        var buildKeys: [BoundExpression] = []
        for (index, key) in correlation.keys.enumerated() {
            let (probe, build) = try keyPair(
                try bind(key.outer, outerContext), .column(1 + index, plan.columns[1 + index].type),
                at: key.outer.position)
            probeKeys.append(probe)
            buildKeys.append(build)
        }
        guard !probeKeys.isEmpty else { return nil }
        let join = SubqueryJoin(
            plan: plan, kind: .semi, probeKeys: probeKeys, buildKeys: buildKeys, residual: nil,
            scopeCount: from.scope.entries.count)
        let entries = plan.columns.map {
            BindingScope.Entry(qualifier: qualifier, name: $0.name, type: $0.type, hidden: true)
        }
        add(
            ValueJoin(
                join: join, kind: aggregated ? .left : .single, markNull: nil, position: position, entries: entries),
            to: &values)
        let value = Expression.column(
            qualifier: Identifier(qualifier, at: position), name: Identifier("value", at: position))
        guard aggregated, !item.expression.isNullOnNoRows else { return value }
        // The aggregate's value over no rows where the key found no group.
        let found = Expression.column(
            qualifier: Identifier(qualifier, at: position), name: Identifier("found", at: position))
        let noRows = item.expression.replacing { node in
            guard case .function(let call) = node, Expression.aggregateNames.contains(call.name.name.lowercased())
            else { return nil }
            return .literal(
                Literal(
                    Expression.zeroOnNoRows.contains(call.name.name.lowercased()) ? .number("0") : .null,
                    at: call.name.position))
        }
        return .caseWhen(
            operand: nil,
            branches: [CaseBranch(condition: .isNull(found, negated: false, position: position), result: noRows)],
            otherwise: value, position: position)
    }

    /// Applies a block's value joins to its joined FROM (whose columns are the FROM scope's, in
    /// order), each adding its columns after the others, as the scope `values` made has them.
    func applyValueJoins(_ values: ValueSubqueries, to input: LogicalOperator) -> LogicalOperator {
        var current = input
        for value in values.joins {
            let width = current.columns.count
            let scopeCount = value.join.scopeCount
            let remap: (Int) -> Int = { $0 < scopeCount ? $0 : width + $0 - scopeCount }
            let join = LogicalJoin(
                kind: value.kind, left: current, right: value.join.plan, leftKeys: value.join.probeKeys,
                rightKeys: value.join.buildKeys, residual: value.join.residual?.remapColumns(remap),
                markNull: value.markNull?.remapColumns(remap), position: value.position.offset)
            let columns =
                current.columns
                + (value.kind == .mark ? [PlanColumn(name: "mark", type: .boolean)] : value.join.plan.columns)
            current = LogicalOperator(.join(join), columns: columns, estimatedRows: current.estimatedRows)
        }
        return current
    }
}
