/// A scan's filter split into value ranges, tested on encoded chunks, and the rest.

import StarlingColumns

/// The conjuncts of a scan's filter, sorted into two kinds:
///
/// * ``Range``: `column op constant` on a stored integer-class column (integers, dates,
///   timestamps, decimals), with every such conjunct on one column merged into one closed range,
///   so `lo_discount BETWEEN 1 AND 3` is one range `1 ... 3`. A scan tests a range straight on
///   the encoded chunk (``StarlingEncoding/IntegerChunkView``) in one unsigned comparison per row
///   (per run for run-length chunks), and orders ranges and star-join code tests by estimated
///   selectivity, so each later test looks at fewer rows.
/// * the residual: every other conjunct (`<>`, `LIKE`, `OR`, expressions, strings, doubles),
///   evaluated by ``ExpressionEvaluator`` on the rows the ranges and code tests left.
///
/// A row whose column is NULL fails a range, as it fails the comparison; a chunk with NULLs has
/// no view, so the scan evaluates that row group's range through its `condition` instead.
struct ScanFilter: Sendable {
    /// `low <= column <= high` on scan column `scanColumn`.
    struct Range: Sendable {
        let scanColumn: Int
        let low: Int64
        let high: Int64
        /// The conjuncts the range came from, for chunks a view cannot read.
        let condition: BoundExpression
    }

    let ranges: [Range]
    let residual: [BoundExpression]

    init(_ filter: BoundExpression?, columns: [ScanColumn]) {
        var conjuncts: [BoundExpression] = []
        func flatten(_ expression: BoundExpression) {
            if case .and(let operands) = expression { operands.forEach(flatten) } else { conjuncts.append(expression) }
        }
        if let filter { flatten(filter) }
        var bounds: [Int: (low: Int64, high: Int64, conditions: [BoundExpression])] = [:]
        var order: [Int] = []
        var residual: [BoundExpression] = []
        for conjunct in conjuncts {
            guard let (scanColumn, low, high) = Self.range(conjunct, columns: columns) else {
                residual.append(conjunct)
                continue
            }
            if var existing = bounds[scanColumn] {
                existing.low = max(existing.low, low)
                existing.high = min(existing.high, high)
                existing.conditions.append(conjunct)
                bounds[scanColumn] = existing
            } else {
                bounds[scanColumn] = (low, high, [conjunct])
                order.append(scanColumn)
            }
        }
        ranges = order.compactMap { scanColumn in
            guard let bound = bounds[scanColumn] else { return nil }
            let condition = bound.conditions.count == 1 ? bound.conditions[0] : .and(bound.conditions)
            return Range(scanColumn: scanColumn, low: bound.low, high: bound.high, condition: condition)
        }
        self.residual = residual
    }

    /// The residual conjuncts plus `extra`, as one predicate (nil when there are none).
    func predicate(adding extra: [BoundExpression]) -> BoundExpression? {
        let all = residual + extra
        if all.isEmpty { return nil }
        return all.count == 1 ? all[0] : .and(all)
    }

    /// `conjunct` as a closed range on a stored integer-class scan column, when it is one.
    static func range(_ conjunct: BoundExpression, columns: [ScanColumn]) -> (Int, Int64, Int64)? {
        guard let (column, type, low, high) = conjunct.integerRange, columns.indices.contains(column),
              case .stored = columns[column].mode, columns[column].type == type,
              type.physicalType.isInteger, type.physicalType != .boolean else { return nil }
        return (column, low, high)
    }

    /// The share of rows in `minimum ... maximum` (a chunk's zone map) that a range keeps,
    /// assuming values spread evenly; 0.5 when the zone map is unknown.
    static func estimate(low: Int64, high: Int64, minimum: Value, maximum: Value) -> Double {
        guard case .integer(let smallest) = minimum, case .integer(let largest) = maximum, smallest <= largest else { return 0.5 }
        let from = max(low, smallest), through = min(high, largest)
        if from > through { return 0 }
        let width = Double(largest) - Double(smallest) + 1
        return min(1, (Double(through) - Double(from) + 1) / width)
    }
}
