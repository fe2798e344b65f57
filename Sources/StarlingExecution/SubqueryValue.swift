/// A subquery used as a value: planned with its query, run when the query runs.

import StarlingColumns

/// An uncorrelated subquery that an expression uses as a value — `(SELECT max(d) FROM t)`,
/// `EXISTS (…)`, `x IN (SELECT …)` — where it is not unnested into a join (in the select list,
/// HAVING, under OR, in ON). Planning only plans it; the executor runs it once when the query
/// starts, before any operator reads rows, and puts its result in place of the expression
/// (``QueryExecutor/resolvingSubqueries(_:)``), as PostgreSQL runs an InitPlan.
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

    public init(plan: PlanNode, kind: Kind, position: Int) {
        self.plan = plan
        self.kind = kind
        self.position = position
    }

    public var identifier: Int { plan.identifier }

    /// The type of the value: the column's for a scalar subquery, BOOLEAN for EXISTS.
    public var type: LogicalType {
        switch kind {
        case .scalar, .values: return plan.columns.first?.type ?? .integer
        case .exists: return .boolean
        }
    }

    public static func == (left: SubqueryValue, right: SubqueryValue) -> Bool { left === right }
}
