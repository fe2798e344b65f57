/// Correlated subqueries above a GROUP BY — in the select list, HAVING or ORDER BY of a grouped
/// block — unnested into value joins applied to the aggregation's rows. The subquery sees the
/// block's groups as the enclosing query's columns (`n.n_regionkey` of `GROUP BY n_regionkey`),
/// so its joins and domains run per group, not per input row.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// The scope correlated subqueries above `aggregation` read: one leaf, the distinct groups of
    /// `input` (the block's rows: FROM, WHERE and its value joins), whose columns are the groups
    /// in order (``groupScope(_:from:)``).
    func groupsFrom(_ aggregation: AggregationContext, from: FromClause, input: LogicalOperator) -> FromClause {
        let entries = groupScope(aggregation, from: from.scope).entries
        let columns = entries.map { PlanColumn(name: $0.name, type: $0.type) }
        let estimate = max(1, input.estimatedRows / 10)
        let groups = LogicalOperator(
            .aggregate(input, groups: aggregation.groups, aggregates: []), columns: columns, estimatedRows: estimate)
        var result = FromClause()
        result.add(.plan(groups), entries: entries, estimatedRows: estimate)
        return result
    }

    /// The groups of `aggregation` as columns a subquery names: a group that is a plain column
    /// of `from` keeps its table name and name; another group expression is reachable by none.
    func groupScope(_ aggregation: AggregationContext, from: BindingScope) -> BindingScope {
        var entries: [BindingScope.Entry] = []
        for (index, group) in aggregation.groups.enumerated() {
            if case .column(let column, _) = group, from.entries.indices.contains(column) {
                var entry = from.entries[column]
                entry.hidden = false
                entries.append(entry)
            } else {
                entries.append(
                    BindingScope.Entry(qualifier: "__groups", name: "g\(index)", type: group.type, hidden: true))
            }
        }
        return BindingScope(entries: entries)
    }

    /// Plans a subquery of a grouped block's clauses above its aggregation: a name of the block's
    /// FROM that is not a group is reported as ungrouped.
    func planAboveAggregation(_ query: Query, _ aggregation: AggregationContext, from: BindingScope)
        throws(SQLError) -> LogicalOperator
    {
        groupedScopes.append((from, groupScope(aggregation, from: from)))
        defer { groupedScopes.removeLast() }
        return try planNested(query, enclosing: from)
    }

    /// Rewrites the correlated subqueries in the clauses above `aggregation` (`items`, `having`,
    /// `orderBy`) into references to value joins over the groups, and tells `aggregation` where
    /// their columns are. Nil when no clause holds a subquery (nothing changes then).
    func unnestAboveAggregation(
        _ aggregation: AggregationContext, from: FromClause, input: LogicalOperator,
        items: inout [(expression: Expression, name: String)], having: inout Expression?, orderBy: inout [OrderItem]
    ) throws(SQLError) -> ValueSubqueries? {
        let holds =
            items.contains { $0.expression.containsSubquery } || having?.containsSubquery == true
            || orderBy.contains { $0.expression.containsSubquery }
        guard holds else { return nil }
        let groups = groupsFrom(aggregation, from: from, input: input)
        groupedScopes.append((from.scope, groups.scope))
        defer { groupedScopes.removeLast() }
        var values = ValueSubqueries(from: groups)
        for index in items.indices where items[index].expression.containsSubquery {
            items[index].expression = unnestValueSubqueries(items[index].expression, from: groups, into: &values)
        }
        if let condition = having, condition.containsSubquery {
            having = unnestValueSubqueries(condition, from: groups, into: &values)
        }
        for index in orderBy.indices where orderBy[index].expression.containsSubquery {
            orderBy[index].expression = unnestValueSubqueries(
                orderBy[index].expression, from: groups, into: &values)
        }
        guard !values.joins.isEmpty else { return nil }
        aggregation.late = (values.scope, values.scopeCount)
        return values
    }
}
