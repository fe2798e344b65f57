/// What expressions bind against: a scope, and (after GROUP BY) the groups and aggregates.

import StarlingColumns
import StarlingExecution
import StarlingSQL

/// The scope and rules for binding one clause's expressions.
struct ExpressionContext {
    var scope: BindingScope
    /// Set above an aggregation: names then resolve to group keys and aggregate results.
    var aggregation: AggregationContext?
    /// The clause, for "not allowed in WHERE" messages.
    var clause: String
    /// Set where window functions are allowed (SELECT, QUALIFY, ORDER BY): their calls collect here.
    var windows: WindowContext?

    init(scope: BindingScope, aggregation: AggregationContext? = nil, clause: String, windows: WindowContext? = nil) {
        self.scope = scope
        self.aggregation = aggregation
        self.clause = clause
        self.windows = windows
    }
}

/// The groups and aggregate calls of one query block, collected while binding the clauses
/// above the aggregation (SELECT, HAVING, ORDER BY).
final class AggregationContext {
    /// GROUP BY expressions over FROM's columns.
    let groups: [BoundExpression]
    /// FROM's scope, for aggregate arguments and group matching.
    let inputContext: ExpressionContext
    /// Grouping sets (positions in `groups`), or nil for a plain GROUP BY.
    let sets: [[Int]]?
    /// Select-list aliases GROUP BY named (`GROUP BY y` for `… AS y`): their group positions.
    var groupAliases: [String: Int] = [:]
    private(set) var aggregates: [AggregateSpecification] = []
    /// Columns joined in after the aggregation (correlated subqueries over the groups): the
    /// entries of `scope` from `start` on. They bind to placeholder indices from `lateBase`,
    /// which ``resolvingLateColumns(_:)`` turns into positions after the aggregates.
    var late: (scope: BindingScope, start: Int)?

    /// The first placeholder index of a late column (far past any real column).
    static let lateBase = 1 << 40

    init(groups: [BoundExpression], inputContext: ExpressionContext, sets: [[Int]]? = nil) {
        self.groups = groups
        self.inputContext = inputContext
        self.sets = sets
    }

    /// The output column of an aggregate call, registering it when new.
    func column(for aggregate: AggregateSpecification) -> BoundExpression {
        if let index = aggregates.firstIndex(of: aggregate) {
            return .column(groups.count + index, aggregate.type)
        }
        aggregates.append(aggregate)
        return .column(groups.count + aggregates.count - 1, aggregate.type)
    }

    /// The placeholder for a late column `expression` names, if it names one.
    func lateColumn(for expression: Expression) -> BoundExpression? {
        guard let late, case .column(let qualifier, let name) = expression,
            let index = try? late.scope.resolve(qualifier: qualifier, name: name), index >= late.start
        else { return nil }
        return .column(Self.lateBase + index - late.start, late.scope.entries[index].type)
    }

    /// `expression` with late-column placeholders moved to their place after the groups and
    /// aggregates (call once every clause above the aggregation is bound).
    func resolvingLateColumns(_ expression: BoundExpression) -> BoundExpression {
        guard late != nil else { return expression }
        let first = groups.count + aggregates.count
        return expression.remapColumns { $0 >= Self.lateBase && $0 < WindowContext.base ? first + $0 - Self.lateBase : $0 }
    }

    /// The output column of a group key equal to `expression`, if any.
    func groupColumn(for expression: BoundExpression) -> BoundExpression? {
        guard let index = groups.firstIndex(of: expression) else { return nil }
        return .column(index, groups[index].type)
    }
}

extension Expression {
    /// The aggregate function names.
    static let aggregateNames: Set<String> = Set([
        "count", "sum", "avg", "mean", "min", "max", "median", "quantile_cont", "quantile_disc", "quantile", "percentile_cont",
        "percentile_disc", "grouping", "grouping_id",
    ]).union(QueryPlanner.moreAggregates.keys)

    /// The aggregates whose value over no rows is 0 rather than NULL.
    static let zeroOnNoRows: Set<String> = ["count", "approx_count_distinct"]

    /// Whether this is a call of an aggregate function (not as a window function).
    var isAggregateCall: Bool {
        if case .function(let call) = self { return call.window == nil && Self.aggregateNames.contains(call.name.name) }
        return false
    }

    /// Whether a window function call appears anywhere inside (not looking into subqueries).
    var containsWindow: Bool {
        if case .function(let call) = self, call.window != nil { return true }
        return subexpressions.contains { $0.containsWindow }
    }

    /// Whether an aggregate call appears anywhere inside (not looking into subqueries).
    var containsAggregate: Bool {
        if isAggregateCall { return true }
        return subexpressions.contains { $0.containsAggregate }
    }

    /// The direct sub-expressions (not into subqueries).
    var subexpressions: [Expression] {
        switch self {
        case .literal, .column, .star, .exists, .scalarSubquery, .interval: return []
        case .unary(_, let operand, _), .isNull(let operand, _, _), .cast(let operand, _, _, _), .inSubquery(let operand, _, _, _): return [operand]
        case .binary(_, let left, let right, _): return [left, right]
        case .between(let value, let low, let high, _, _): return [value, low, high]
        case .inList(let value, let list, _, _): return [value] + list
        case .like(let value, let pattern, let escape, _, _, _): return [value, pattern] + (escape.map { [$0] } ?? [])
        case .caseWhen(let operand, let branches, let otherwise, _):
            return (operand.map { [$0] } ?? []) + branches.flatMap { [$0.condition, $0.result] } + (otherwise.map { [$0] } ?? [])
        case .function(let call):
            return call.arguments + (call.filter.map { [$0] } ?? []) + (call.window?.expressions ?? [])
                + (call.withinGroup.map { [$0.expression] } ?? []) + call.orderBy.map(\.expression)
        }
    }
}
