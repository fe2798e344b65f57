/// A hash join's build keys handed down to the scan below its probe side.

import StarlingColumns
import StarlingEncoding

/// What an inner or semi hash join knows, once its build side is in, about the probe rows that
/// can find a match: their key lies between the smallest and largest build key, and, when the
/// keys are few for their range, is one of them. The scan that produces the probe side's key
/// column tests both on the encoded chunks (``ScanSource``), so row groups whose zone maps miss
/// the range are skipped and rows without a partner are dropped before their other columns are
/// decoded: TPC-H Q9's lineitem keeps the 5% of lines whose part is green before it decodes six
/// columns. Rows the filter lets through still go through the join: a filter is only ever a
/// necessary condition.
struct JoinKeyFilter: Sendable {
    /// The scan column holding the probe key.
    let scanColumn: Int
    let low: Int64
    let high: Int64
    /// The keys as a bitmap, when they are positive and few for their range.
    let bitmap: CodeBitmap?

    /// The largest key a bitmap is built for (a bit per key up to it, and as many again of
    /// padding: 64 M keys take 32 MB).
    static let bitmapLimit: Int64 = 1 << 26
    /// A bitmap is kept only when at most this share of the keys in `low ... high` are build keys.
    static let bitmapShare = 0.5

    /// The filter for build keys `keys` (integer-class values; NULLs never match), or nil when
    /// there is no non-NULL key.
    init?(scanColumn: Int, keys: Vector) {
        guard case .integers(let values) = keys.data else { return nil }
        var present: [Int64] = []
        present.reserveCapacity(keys.count)
        var low = Int64.max
        var high = Int64.min
        for row in 0..<keys.count where !keys.isNull(row) {
            let key = values[row]
            present.append(key)
            low = min(low, key)
            high = max(high, key)
        }
        guard low <= high else { return nil }
        self.scanColumn = scanColumn
        self.low = low
        self.high = high
        var bitmap: CodeBitmap?
        if low >= 1, high <= Self.bitmapLimit {
            let candidate = present.withUnsafeBufferPointer { CodeBitmap(setting: $0, count: Int(high) + 1) }
            if Double(candidate.passing) <= Self.bitmapShare * (Double(high) - Double(low) + 1) { bitmap = candidate }
        }
        self.bitmap = bitmap
    }

    /// `low <= column <= high` over the scan's columns (a range the scan tests on encoded chunks
    /// and against zone maps).
    func rangeCondition(type: LogicalType) -> BoundExpression {
        let column = BoundExpression.column(scanColumn, type)
        return .and([
            .comparison(.greaterOrEqual, column, .constant(.integer(low), type)),
            .comparison(.lessOrEqual, column, .constant(.integer(high), type)),
        ])
    }
}

extension QueryExecutor {
    /// Registers, for the scan under `probe` that produces each probe key, the filter of the
    /// build keys in `table`. Only for joins that drop probe rows without a match (inner, semi,
    /// and right: a LEFT join built on its preserved side).
    func registerJoinFilters(probe: PlanNode, _ specification: HashJoinSpecification, table: HashJoinTable) {
        let dropsUnmatched: Set<HashJoinSpecification.Kind> = [.inner, .semi, .right]
        guard dropsUnmatched.contains(specification.kind), !specification.buildsProbeSide else { return }
        registerFilters(scanning: probe, keys: specification.probeKeys, values: table.keyVectors)
    }

    /// For a semi or anti join built on its probe side: the built rows' keys (in `table`)
    /// filter the scan under the streaming side, whose rows without a partner mark nothing
    /// (TPC-H Q21's EXISTS over all of lineitem reads only the lines of the orders still in
    /// question).
    func registerMarkingFilters(stream: PlanNode, _ specification: HashJoinSpecification, table: HashJoinTable) {
        registerFilters(scanning: stream, keys: specification.buildKeys, values: table.keyVectors)
    }

    /// For each key of `node`'s rows (`keys[i]`) that a scan below produces, that scan's filter
    /// of the built keys `values[i]`.
    private func registerFilters(scanning node: PlanNode, keys: [BoundExpression], values: [Vector]) {
        for (key, keyValues) in zip(keys, values) {
            guard let target = Self.scanColumn(producing: key, in: node),
                  let filter = JoinKeyFilter(scanColumn: target.column, keys: keyValues) else { continue }
            joinFilters.withLock { $0[target.scan, default: []].append(filter) }
        }
    }

    /// The scan (its node identifier) and scan column whose stored integer values `key` is, in
    /// the pipeline that produces `node`'s rows: through filters, projections of bare columns,
    /// star joins and the probe side of hash joins, whose rows come from that scan.
    static func scanColumn(producing key: BoundExpression, in node: PlanNode) -> (scan: Int, column: Int)? {
        let column: Int
        switch key {
        case .column(let index, _): column = index
        case .cast(.column(let index, let from), let to) where from.isWholeNumber && to.isWholeNumber: column = index
        default: return nil
        }
        guard node.columns.indices.contains(column) else { return nil }
        switch node.operation {
        case .scan(let scan):
            guard scan.columns.indices.contains(column), case .stored = scan.columns[column].mode else { return nil }
            let type = scan.columns[column].type
            guard type.physicalType.isInteger, type.physicalType != .boolean else { return nil }
            return (node.identifier, column)
        case .filter(let child, _), .dimensionJoin(let child, _):
            return scanColumn(producing: .column(column, node.columns[column].type), in: child)
        case .project(let child, let expressions):
            return scanColumn(producing: expressions[column], in: child)
        case .hashJoin(let probe, _, let specification)
        where !(specification.buildsProbeSide && !specification.kind.outputsBuild):
            guard column < probe.columns.count else { return nil }
            return scanColumn(producing: .column(column, node.columns[column].type), in: probe)
        case .crossJoin(let left, _):
            guard column < left.columns.count else { return nil }
            return scanColumn(producing: .column(column, node.columns[column].type), in: left)
        default:
            return nil
        }
    }
}

extension LogicalType {
    /// TINYINT to BIGINT: a cast between them keeps the stored value.
    var isWholeNumber: Bool {
        switch self {
        case .tinyint, .smallint, .integer, .bigint: return true
        default: return false
        }
    }
}
