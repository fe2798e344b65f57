/// The logical plan: what a query computes, before the optimizer rewrites it and the physical
/// planner chooses how (scans, star joins by row code, hash-join sides).

import StarlingColumns
import StarlingExecution
import StarlingStorage

/// One operator of a logical plan and its inputs. Immutable; each produces `columns`, which the
/// expressions of the operator above read by position.
final class LogicalOperator {
    enum Kind {
        /// Rows known while planning: `SELECT` without FROM, system tables.
        case values([Chunk])
        /// `generate_series(start, stop, step)` in FROM: one BIGINT column.
        case series(start: BoundExpression, stop: BoundExpression, step: BoundExpression)
        /// Parquet files read in place (`FROM 'x.parquet'`, `read_parquet(…)`).
        case parquetScan(ParquetScanSpecification)
        /// One FROM's tables, subqueries and outer joins (`from.leaves`) joined by inner joins
        /// under `conditions`, with WHERE's `[NOT] IN`/`EXISTS` as semi and anti joins; outputs
        /// the FROM scope's columns in order. The optimizer pushes filters into it and orders it.
        case joinGraph(JoinGraph)
        /// A join whose inputs keep their written order: LEFT and FULL joins, and the mark,
        /// single and left joins of subqueries used as values.
        case join(LogicalJoin)
        case filter(LogicalOperator, BoundExpression)
        case projection(LogicalOperator, [BoundExpression])
        case aggregate(LogicalOperator, groups: [BoundExpression], aggregates: [AggregateSpecification])
        /// GROUP BY with grouping sets (ROLLUP, CUBE, GROUPING SETS): `groups` then `aggregates`,
        /// one group of rows per set (positions in `groups`), the keys a set leaves out NULL.
        case groupingSets(
            LogicalOperator, groups: [BoundExpression], aggregates: [AggregateSpecification], sets: [[Int]])
        case order(LogicalOperator, [SortKey])
        case limit(LogicalOperator, limit: Int?, offset: Int)
        /// ORDER BY with LIMIT: the first `limit` rows by `keys` (made by the optimizer).
        case topN(LogicalOperator, [SortKey], limit: Int)
        case distinct(LogicalOperator)
        case setOperation(SetOperationKind, all: Bool, LogicalOperator, LogicalOperator)
        /// Window functions over the input: its columns, then one per function.
        case window(LogicalOperator, [WindowFunction])
    }

    let kind: Kind
    let columns: [PlanColumn]
    /// A rough row count, for join order and build sides.
    let estimatedRows: Int
    /// Where the rows of a `values` operator came from, for EXPLAIN (a rule that answered a
    /// query from the catalog says so).
    let origin: String?

    init(_ kind: Kind, columns: [PlanColumn], estimatedRows: Int, origin: String? = nil) {
        self.kind = kind
        self.columns = columns
        self.estimatedRows = max(0, estimatedRows)
        self.origin = origin
    }

    var types: [LogicalType] { columns.map(\.type) }

    /// The same operator with new inputs or parameters, keeping the columns and estimate.
    func with(_ kind: Kind) -> LogicalOperator {
        LogicalOperator(kind, columns: columns, estimatedRows: estimatedRows)
    }

    /// The direct inputs (a join graph's leaf plans and subquery plans included).
    var children: [LogicalOperator] {
        switch kind {
        case .values, .series, .parquetScan: return []
        case .joinGraph(let graph): return graph.childPlans
        case .join(let join): return [join.left, join.right]
        case .filter(let child, _), .projection(let child, _), .aggregate(let child, _, _), .order(let child, _),
            .groupingSets(let child, _, _, _), .limit(let child, _, _), .topN(let child, _, _), .distinct(let child), .window(let child, _):
            return [child]
        case .setOperation(_, _, let left, let right): return [left, right]
        }
    }
}

/// FROM's inner joins as a graph: leaves, and the conditions between them.
struct JoinGraph {
    var from: FromClause
    /// ON conditions of inner joins and WHERE's conjuncts, over the FROM scope.
    var conditions: [BoundExpression]
    /// WHERE's subqueries unnested into semi and anti joins.
    var subqueryJoins: [SubqueryJoin]
    /// Set by the join-order rule: which leaf joins when, and how.
    var order: JoinOrder?

    var childPlans: [LogicalOperator] {
        var plans: [LogicalOperator] = []
        for leaf in from.leaves { if case .plan(let plan) = leaf.source { plans.append(plan) } }
        return plans + subqueryJoins.map(\.plan)
    }
}

/// A join of two inputs in their written order: `left`'s columns, then `right`'s (a mark
/// join: `left`'s, then the BOOLEAN mark).
struct LogicalJoin {
    /// `.left`, `.full`, `.mark`, `.single`.
    var kind: HashJoinSpecification.Kind
    var left: LogicalOperator
    var right: LogicalOperator
    /// Equal pairs: over `left`'s columns, and over `right`'s.
    var leftKeys: [BoundExpression]
    var rightKeys: [BoundExpression]
    /// Other conditions of the match, over `left`'s columns then `right`'s.
    var residual: BoundExpression?
    /// Mark joins: when a row with equal keys leaves the mark NULL rather than FALSE.
    var markNull: BoundExpression?
    /// Where the subquery a mark or single join came from starts (a byte offset).
    var position: Int?
}

extension LogicalOperator {
    /// The output columns that are a bare NULL (typeless in SQL, INTEGER here until a set
    /// operation or an INSERT gives them the type they meet).
    var nullColumns: Set<Int> {
        switch kind {
        case .projection(_, let expressions):
            return Set(
                expressions.indices.filter {
                    if case .constant(.null, _) = expressions[$0] { return true }
                    return false
                })
        case .distinct(let child), .order(let child, _), .limit(let child, _, _), .topN(let child, _, _):
            return child.nullColumns
        case .setOperation(_, _, let left, let right):
            return left.nullColumns.intersection(right.nullColumns)
        default:
            return []
        }
    }
}
