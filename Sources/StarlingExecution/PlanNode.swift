/// The physical plan: an immutable tree of operators; running state lives elsewhere.

import StarlingColumns
import StarlingStorage

/// One output column of a plan node.
public struct PlanColumn: Sendable, Equatable {
    public var name: String
    public var type: LogicalType

    public init(name: String, type: LogicalType) {
        self.name = name
        self.type = type
    }
}

/// An operator and its inputs. Nodes are immutable and shared by the worker threads; each has
/// a number unique in its plan so `EXPLAIN ANALYZE` can attribute counters to it.
public final class PlanNode: Sendable {
    public enum Operator: Sendable {
        /// Reads a table's segments (after pruning), filtered, only the needed columns.
        case scan(ScanSpecification)
        /// Rows computed before execution (system tables, `SELECT` without FROM, subquery results).
        case rows([Chunk])
        /// Parquet files read in place, a row group per morsel.
        case parquetScan(ParquetScanSpecification)
        /// `generate_series(start, stop, step)`: one BIGINT column counting from `start` to `stop`
        /// (inclusive) by `step`; the bounds are constants when it runs (a correlated
        /// subquery's parameters put in place), so they may depend on an enclosing row.
        case series(start: BoundExpression, stop: BoundExpression, step: BoundExpression)
        case filter(PlanNode, BoundExpression)
        case project(PlanNode, [BoundExpression])
        /// The star join: fact rows look up dimension rows by their stored row code.
        case dimensionJoin(PlanNode, DimensionJoinSpecification)
        /// A hash join: builds on `build`, probes with `probe`; output is probe columns then build
        /// columns (probe columns alone for semi and anti joins).
        case hashJoin(probe: PlanNode, build: PlanNode, HashJoinSpecification)
        /// Every row of `left` with every row of `right`.
        case crossJoin(PlanNode, PlanNode)
        case aggregate(PlanNode, groups: [BoundExpression], aggregates: [AggregateSpecification])
        /// GROUP BY with grouping sets: for each set (positions in `groups`), the input grouped by
        /// those keys, the others NULL; outputs `groups` then `aggregates`, set after set.
        case groupingSets(PlanNode, groups: [BoundExpression], aggregates: [AggregateSpecification], sets: [[Int]])
        /// Sorts; with `limit` keeps only the first `limit` rows (a top-N).
        case sort(PlanNode, [SortKey], limit: Int?)
        case limit(PlanNode, limit: Int?, offset: Int)
        case distinct(PlanNode)
        /// `UNION [ALL]`, `EXCEPT`, `INTERSECT` of two inputs with the same column types.
        case setOperation(SetOperationKind, all: Bool, PlanNode, PlanNode)
        /// Window functions: the input's `passing` columns, then one column per function.
        case window(PlanNode, [WindowFunction], passing: [Int])
    }

    public let identifier: Int
    public let operation: Operator
    public let columns: [PlanColumn]
    /// A rough row count, for choosing join sides.
    public let estimatedRows: Int

    public init(identifier: Int, operation: Operator, columns: [PlanColumn], estimatedRows: Int) {
        self.identifier = identifier
        self.operation = operation
        self.columns = columns
        self.estimatedRows = estimatedRows
    }

    public var types: [LogicalType] { columns.map(\.type) }

    /// The inputs.
    public var children: [PlanNode] {
        switch operation {
        case .scan, .rows, .series, .parquetScan: return []
        case .filter(let child, _), .project(let child, _), .dimensionJoin(let child, _), .aggregate(let child, _, _),
             .sort(let child, _, _), .limit(let child, _, _), .distinct(let child), .window(let child, _, _),
             .groupingSets(let child, _, _, _):
            return [child]
        case .hashJoin(let probe, let build, _): return [probe, build]
        case .crossJoin(let left, let right), .setOperation(_, _, let left, let right): return [left, right]
        }
    }
}

/// `UNION`, `EXCEPT`, `INTERSECT`.
public enum SetOperationKind: String, Sendable {
    case union = "UNION", except = "EXCEPT", intersect = "INTERSECT"
}

/// What a scan reads.
public struct ScanSpecification: Sendable {
    public var table: CatalogTable
    /// The segments left after pruning by catalog statistics, with their partition keys.
    public var segments: [CatalogSegment]
    public var partitionCount: Int
    public var partitionsSkipped: Int
    public var segmentsSkipped: Int
    public var columns: [ScanColumn]
    /// Applied to each row group as it is read (over the scan's output columns).
    public var filter: BoundExpression?
    /// Conditions checked against row-group zone maps before reading.
    public var zonePredicates: [ZonePredicate]
    /// Star-join conditions applied while scanning: rows whose row code's dimension row fails
    /// the dimension's conditions are dropped before the other columns are decoded.
    public var codeFilters: [CodeFilter] = []

    public init(table: CatalogTable, segments: [CatalogSegment], partitionCount: Int, partitionsSkipped: Int, segmentsSkipped: Int, columns: [ScanColumn], filter: BoundExpression?, zonePredicates: [ZonePredicate]) {
        self.table = table
        self.segments = segments
        self.partitionCount = partitionCount
        self.partitionsSkipped = partitionsSkipped
        self.segmentsSkipped = segmentsSkipped
        self.columns = columns
        self.filter = filter
        self.zonePredicates = zonePredicates
    }
}

/// One column a scan produces.
public struct ScanColumn: Sendable {
    public enum Mode: Sendable {
        /// The stored values.
        case stored
        /// A reference column's stored row codes (INTEGER), for a star join.
        case rowCode
        /// A reference column shown as the dimension's key: row `code - 1` of `keys` (a read of
        /// the key column alone), NULL for code 0.
        case referenceKey(keys: DimensionInput)
    }
    public var column: CatalogColumn
    public var mode: Mode
    public var name: String

    public init(column: CatalogColumn, mode: Mode, name: String) {
        self.column = column
        self.mode = mode
        self.name = name
    }

    /// The type the scan outputs.
    public var type: LogicalType {
        switch mode {
        case .stored: return column.storedType
        case .rowCode: return .integer
        case .referenceKey(let keys): return keys.scan.columns.first?.type ?? .integer
        }
    }
}

/// A row-code column and the dimension whose qualifying codes pass (code 0 and codes beyond
/// the dimension fail).
public struct CodeFilter: Sendable {
    public var scanColumn: Int
    public var dimension: DimensionInput

    public init(scanColumn: Int, dimension: DimensionInput) {
        self.scanColumn = scanColumn
        self.dimension = dimension
    }
}

/// `column op constant` checked against zone maps (constant in the stored representation).
public struct ZonePredicate: Sendable {
    public var columnIdentifier: Int
    public var comparison: ComparisonOperator
    public var constant: Value

    public init(columnIdentifier: Int, comparison: ComparisonOperator, constant: Value) {
        self.columnIdentifier = columnIdentifier
        self.comparison = comparison
        self.constant = constant
    }
}

/// A star join: the dimension read whole when the query runs, its needed columns gathered by
/// row code, and which codes qualify.
public struct DimensionJoinSpecification: Sendable {
    /// The child column holding row codes.
    public var codeColumn: Int
    /// The dimension's columns the query needs, and its conditions.
    public var dimension: DimensionInput
    /// Which columns of the dimension's rows to append to the output.
    public var outputColumns: [Int]
    /// LEFT JOIN: keep fact rows whose code matches nothing, with NULL dimension columns.
    public var keepUnmatched: Bool
    /// The scan below already dropped every row whose code does not qualify (it tests the same
    /// dimension's codes on the encoded chunk), so the join need not test them again.
    public var prefiltered: Bool

    public init(codeColumn: Int, dimension: DimensionInput, outputColumns: [Int], keepUnmatched: Bool, prefiltered: Bool = false) {
        self.codeColumn = codeColumn
        self.dimension = dimension
        self.outputColumns = outputColumns
        self.keepUnmatched = keepUnmatched
        self.prefiltered = prefiltered
    }
}

/// A hash join's keys and kind.
public struct HashJoinSpecification: Sendable {
    public enum Kind: String, Sendable {
        case inner = "INNER", left = "LEFT", full = "FULL"
        /// Matched pairs, and the build rows no probe row matched (with NULL probe columns): a
        /// LEFT join whose preserved side is the smaller, so it is the one built.
        case right = "RIGHT"
        /// Probe rows with at least one match, once each, probe columns only (`EXISTS`, `IN`).
        case semi = "SEMI"
        /// Probe rows with no match, probe columns only (`NOT EXISTS`, `NOT IN`).
        case anti = "ANTI"
        /// Every probe row once, its columns and a BOOLEAN mark: TRUE when some build row
        /// matches, else NULL when some build row with equal keys meets `markNull`, else FALSE
        /// (`EXISTS` and `IN` where a condition cannot drop rows: under OR, in the select list).
        case mark = "MARK"
        /// A LEFT join in which a probe row may match at most one build row; a second is an
        /// error (a correlated scalar subquery).
        case single = "SINGLE"

        /// Whether the output holds the build side's columns too.
        public var outputsBuild: Bool { self != .semi && self != .anti && self != .mark }
    }
    public var kind: Kind
    public var probeKeys: [BoundExpression]
    public var buildKeys: [BoundExpression]
    /// Extra condition over the joined columns (probe then build), part of the match.
    public var residual: BoundExpression?

    /// Semi and anti joins only: the probe input is built into the hash table, and the build
    /// input streams through it, marking the probe rows it matches; the marked (semi) or unmarked
    /// (anti) probe rows come out at the end. Chosen when the probe input is much the smaller
    /// (TPC-H Q21's 76 k qualifying lines against EXISTS over all 6 M lines).
    public var buildsProbeSide = false
    /// Mark joins only: the condition (over probe then build columns, for build rows with equal
    /// keys) that makes a mark NULL when no row matches: `x IS NULL OR v IS NULL` for `x IN (…)`.
    public var markNull: BoundExpression?
    /// Where the subquery a mark or single join came from starts in the statement (a byte
    /// offset), for the error when a single join finds two rows.
    public var position: Int?

    public init(kind: Kind, probeKeys: [BoundExpression], buildKeys: [BoundExpression], residual: BoundExpression?) {
        self.kind = kind
        self.probeKeys = probeKeys
        self.buildKeys = buildKeys
        self.residual = residual
    }
}

/// One ORDER BY key over the input columns.
public struct SortKey: Sendable, Equatable {
    public var expression: BoundExpression
    public var descending: Bool
    public var nullsFirst: Bool

    public init(expression: BoundExpression, descending: Bool, nullsFirst: Bool) {
        self.expression = expression
        self.descending = descending
        self.nullsFirst = nullsFirst
    }
}
