/// Rough cardinality estimates for ordering joins, from the shape of the conditions alone.

import StarlingExecution

/// The share of a table's rows its conditions keep, estimated without reading data.
///
/// The figures are the usual textbook defaults (PostgreSQL's and DuckDB's are alike): an
/// equality keeps a tenth, a range a third, `IN` a tenth per value, `LIKE` a tenth, `IS NULL` a
/// tenth. Conditions are taken as independent, so their shares multiply. Join order only needs
/// the estimates to rank tables against one another: the table whose conditions look most
/// selective joins first, shrinking the rows every later join sees.
enum CardinalityEstimate {
    /// The largest row estimate: products of estimates stop here instead of overflowing (a
    /// cross product of five 60-million-row tables), leaving room for a few more doublings.
    static let maximumRows = Int.max / 4

    /// `a + b` rows, at most ``maximumRows``.
    static func sum(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = max(0, a).addingReportingOverflow(max(0, b))
        return overflow ? maximumRows : min(value, maximumRows)
    }

    /// `a × b` rows, at most ``maximumRows``.
    static func product(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = max(0, a).multipliedReportingOverflow(by: max(0, b))
        return overflow ? maximumRows : min(value, maximumRows)
    }

    /// The share of rows `conditions` (all of which must hold) keep, in (0, 1].
    static func selectivity(of conditions: [BoundExpression]) -> Double {
        conditions.reduce(1.0) { $0 * selectivity(of: $1) }
    }

    /// The share of rows `conditions` keep, with comparisons of an integer-class column (numbers,
    /// dates, decimals) against constants estimated from the column's smallest and largest
    /// values (`bounds`, from the catalog's statistics) as the share of that span the conditions
    /// leave, assuming values spread evenly: `o_orderdate` in three months of six and a half
    /// years keeps 4%, not the default ninth. Other conditions take the defaults.
    static func selectivity(of conditions: [BoundExpression], bounds: (Int) -> ClosedRange<Int64>?) -> Double {
        var spans: [Int: (known: ClosedRange<Int64>, low: Int64, high: Int64)] = [:]
        var others: [BoundExpression] = []
        for condition in conditions.flatMap(\.conjuncts) {
            guard let range = condition.integerRange, let known = spans[range.column]?.known ?? bounds(range.column) else {
                others.append(condition)
                continue
            }
            let current = spans[range.column] ?? (known, known.lowerBound, known.upperBound)
            spans[range.column] = (known, max(current.low, range.low), min(current.high, range.high))
        }
        var share = selectivity(of: others)
        for span in spans.values {
            let width = Double(span.known.upperBound) - Double(span.known.lowerBound) + 1
            let kept = span.low > span.high ? 0 : Double(span.high) - Double(span.low) + 1
            share *= max(kept / width, 1e-6)
        }
        return share
    }

    static func selectivity(of condition: BoundExpression) -> Double {
        switch condition {
        case .comparison(let op, let left, let right):
            // A comparison of two columns of one table tells little.
            let constant = left.isConstant || right.isConstant
            switch op {
            case .equal: return constant ? 0.1 : 0.3
            case .notEqual: return 0.9
            default: return constant ? 0.33 : 0.5
            }
        case .and(let parts):
            return selectivity(of: parts)
        case .or(let parts):
            // Shares of alternatives add up, to at most all rows.
            return min(1.0, parts.reduce(0.0) { $0 + selectivity(of: $1) })
        case .not(let inner):
            return max(0.05, 1.0 - selectivity(of: inner))
        case .inList(_, let values, let negated):
            let share = min(1.0, 0.1 * Double(max(1, values.count)))
            return negated ? max(0.05, 1.0 - share) : share
        case .like(_, _, let negated):
            return negated ? 0.9 : 0.1
        case .isNull(_, let negated):
            return negated ? 0.9 : 0.1
        default:
            return 0.5
        }
    }
}
