/// A subquery used as a value: planned with its query, run when the query runs.

import StarlingColumns

/// A subquery that an expression uses as a value — `(SELECT max(d) FROM t)`, `EXISTS (…)`,
/// `x IN (SELECT …)` — where it is not unnested into a join (in the select list, HAVING, under OR,
/// in ON). Planning only plans it. An uncorrelated one the executor runs once when the query
/// starts, before any operator reads rows, and puts its result in place of the expression
/// (``QueryExecutor/resolvingSubqueries(_:)``), as PostgreSQL runs an InitPlan. A correlated one
/// that no rule unnests reads the enclosing row through `parameters`: its plan holds
/// ``BoundExpression/parameter(_:_:)`` in their place and runs once per distinct set of their
/// values (``CorrelatedSubquery``).
public final class SubqueryValue: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// One column, at most one row; no row is NULL.
        case scalar
        /// Whether there is a row (`NOT EXISTS` when negated).
        case exists(negated: Bool)
        /// The column's values, for `x [NOT] IN (…)`; the plan's column has `x`'s type.
        case values
    }

    /// The subquery's plan; its identifier names the subquery within the query.
    public let plan: PlanNode
    public let kind: Kind
    /// Where the subquery starts in the statement (a byte offset), for errors about its result.
    public let position: Int
    /// Expressions over the enclosing row whose values the plan's parameters take, by index.
    public let parameters: [BoundExpression]
    /// Set by the executor for a correlated subquery: runs the plan for each row's parameters.
    public let runner: CorrelatedSubquery?

    public init(
        plan: PlanNode, kind: Kind, position: Int, parameters: [BoundExpression] = [],
        runner: CorrelatedSubquery? = nil
    ) {
        self.plan = plan
        self.kind = kind
        self.position = position
        self.parameters = parameters
        self.runner = runner
    }

    public var identifier: Int { plan.identifier }

    /// Whether the plan reads the enclosing row.
    public var isCorrelated: Bool { !parameters.isEmpty }

    /// The same subquery reading the enclosing row through `parameters`.
    public func with(parameters: [BoundExpression]) -> SubqueryValue {
        SubqueryValue(plan: plan, kind: kind, position: position, parameters: parameters, runner: runner)
    }

    /// The same subquery, run by `runner`.
    public func with(runner: CorrelatedSubquery) -> SubqueryValue {
        SubqueryValue(plan: plan, kind: kind, position: position, parameters: parameters, runner: runner)
    }

    /// A scalar subquery's value from its rows: NULL without a row, the first column of the
    /// only row, and an error at the subquery for a second row.
    public func scalarValue(of rows: Chunk) throws(QueryError) -> Value {
        guard rows.count <= 1 else {
            throw QueryError(
                .invalidData, "a scalar subquery returned more than one row; it must return at most one",
                position: position)
        }
        return rows.count == 1 ? rows.columns[0].value(at: 0) : .null
    }

    /// The type of the value: the column's for a scalar subquery, BOOLEAN for EXISTS.
    public var type: LogicalType {
        switch kind {
        case .scalar, .values: return plan.columns.first?.type ?? .integer
        case .exists: return .boolean
        }
    }

    /// Subqueries are the same when they are the same plan reading the same parameters.
    public static func == (left: SubqueryValue, right: SubqueryValue) -> Bool {
        left === right || (left.plan === right.plan && left.kind == right.kind && left.parameters == right.parameters)
    }
}
