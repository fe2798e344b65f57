/// Variances, standard deviations, covariances and correlation: per group, the count, the means
/// and the sums of squared (and crossed) deviations from them, kept stable as in DuckDB — each
/// chunk's moments in two passes, then folded in by Chan et al.'s pairwise formulas.

import StarlingColumns

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The moments of a group's values (`y`, the argument) and, for two-argument aggregates, of the
/// pairs' `x` (the second argument) with their co-moment. Arguments arrive as DOUBLE.
final class MomentsState: GroupedAggregate {
    let function: AggregateSpecification.Function
    let paired: Bool
    private var counts: [Int64] = []
    private var meanY: [Double] = []
    private var squaresY: [Double] = []
    private var meanX: [Double] = []
    private var squaresX: [Double] = []
    private var coMoments: [Double] = []

    init(_ specification: AggregateSpecification) {
        function = specification.function
        paired = specification.secondArgument != nil
    }

    var byteCount: Int { counts.capacity * 48 }

    private func grow(to groups: Int) {
        guard groups > counts.count else { return }
        let extra = groups - counts.count
        counts += [Int64](repeating: 0, count: extra)
        meanY += [Double](repeating: 0, count: extra)
        squaresY += [Double](repeating: 0, count: extra)
        if paired {
            meanX += [Double](repeating: 0, count: extra)
            squaresX += [Double](repeating: 0, count: extra)
            coMoments += [Double](repeating: 0, count: extra)
        }
    }

    func update(_ inputs: AggregateInputs) throws(QueryError) {
        guard let yVector = inputs.argument, case .doubles(let ys) = yVector.data else { return }
        var xs: [Double] = []
        if paired {
            guard let xVector = inputs.secondArgument, case .doubles(let values) = xVector.data else { return }
            xs = values
        }
        let groups = inputs.groups
        // The rows that count: kept by FILTER, with no NULL argument.
        var rows: [Int32] = []
        rows.reserveCapacity(groups.count)
        for row in 0..<groups.count where inputs.keeps(row) && !yVector.isNull(row) {
            if paired, inputs.secondArgument?.isNull(row) ?? true { continue }
            rows.append(Int32(row))
        }
        guard !rows.isEmpty else { return }
        grow(to: (groups.max().map { Int($0) } ?? -1) + 1)
        let (present, parts) = chunkMoments(rows: rows, groups: groups, ys: ys, xs: paired ? xs : nil)
        for (group, part) in zip(present, parts) { fold(part, into: group) }
    }

    private var chunkGroups = ChunkGroups()

    /// One chunk's moments per group present (in first-seen order): means first, then squared
    /// deviations from them.
    private func chunkMoments(rows: [Int32], groups: [Int32], ys: [Double], xs: [Double]?) -> ([Int], [Moments]) {
        defer { chunkGroups.reset() }
        var sums: [(count: Int64, y: Double, x: Double)] = []
        var positions = [Int](repeating: 0, count: rows.count)
        for (number, row) in rows.enumerated() {
            let index = Int(row)
            let position = chunkGroups.position(of: Int(groups[index]))
            if position == sums.count { sums.append((0, 0, 0)) }
            positions[number] = position
            sums[position].count += 1
            sums[position].y += ys[index]
            if let xs { sums[position].x += xs[index] }
        }
        var parts = sums.map { sum in
            Moments(count: sum.count, meanY: sum.y / Double(sum.count), meanX: sum.x / Double(sum.count))
        }
        for (number, row) in rows.enumerated() {
            let index = Int(row)
            let position = positions[number]
            let dy = ys[index] - parts[position].meanY
            parts[position].squaresY += dy * dy
            if let xs {
                let dx = xs[index] - parts[position].meanX
                parts[position].squaresX += dx * dx
                parts[position].coMoment += dx * dy
            }
        }
        return (chunkGroups.present, parts)
    }

    /// Folds a part's moments into group `group` (Chan, Golub and LeVeque's pairwise update).
    private func fold(_ part: Moments, into group: Int) {
        let before = counts[group]
        guard part.count > 0 else { return }
        if before == 0 {
            counts[group] = part.count
            meanY[group] = part.meanY
            squaresY[group] = part.squaresY
            if paired {
                meanX[group] = part.meanX
                squaresX[group] = part.squaresX
                coMoments[group] = part.coMoment
            }
            return
        }
        let total = Double(before + part.count)
        let mine = Double(before)
        let theirs = Double(part.count)
        let deltaY = part.meanY - meanY[group]
        squaresY[group] += part.squaresY + deltaY * deltaY * mine * theirs / total
        meanY[group] += deltaY * theirs / total
        if paired {
            let deltaX = part.meanX - meanX[group]
            squaresX[group] += part.squaresX + deltaX * deltaX * mine * theirs / total
            coMoments[group] += part.coMoment + deltaX * deltaY * mine * theirs / total
            meanX[group] += deltaX * theirs / total
        }
        counts[group] = before + part.count
    }

    func merge(_ other: any GroupedAggregate, mapping: [Int32]) throws(QueryError) {
        let other = try same(other, as: MomentsState.self)
        grow(to: (mapping.max().map { Int($0) } ?? -1) + 1)
        for (source, target) in mapping.enumerated() where source < other.counts.count {
            var part = Moments(count: other.counts[source], meanY: other.meanY[source], meanX: 0)
            part.squaresY = other.squaresY[source]
            if paired {
                part.meanX = other.meanX[source]
                part.squaresX = other.squaresX[source]
                part.coMoment = other.coMoments[source]
            }
            fold(part, into: Int(target))
        }
    }

    func results(count: Int, type: LogicalType, control: QueryControl?, threads: Int) throws(QueryError) -> Vector {
        var values = [Double](repeating: 0, count: count)
        var nulls = [Bool](repeating: false, count: count)
        for group in 0..<count {
            if let value = result(group) { values[group] = value } else { nulls[group] = true }
        }
        return Vector(type: type, count: count, data: .doubles(values), nulls: nulls)
    }

    /// Group `group`'s value; nil for NULL (too few values), as DuckDB gives them.
    private func result(_ group: Int) -> Double? {
        let n = group < counts.count ? counts[group] : 0
        guard n > 0 else { return nil }
        let count = Double(n)
        switch function {
        case .varianceSample: return n > 1 ? squaresY[group] / (count - 1) : nil
        case .variancePopulation: return n > 1 ? squaresY[group] / count : 0
        case .deviationSample: return n > 1 ? sqrt(squaresY[group] / (count - 1)) : nil
        case .deviationPopulation: return n > 1 ? sqrt(squaresY[group] / count) : 0
        case .covarianceSample: return n > 1 ? coMoments[group] / (count - 1) : nil
        case .covariancePopulation: return coMoments[group] / count
        case .correlation:
            let covariance = coMoments[group] / count
            let deviationX = n > 1 ? sqrt(squaresX[group] / count) : 0
            let deviationY = n > 1 ? sqrt(squaresY[group] / count) : 0
            let product = deviationX * deviationY
            return product != 0 ? covariance / product : .nan
        default: return nil
        }
    }
}

/// A part's count, means and sums of squared and crossed deviations.
private struct Moments {
    var count: Int64
    var meanY: Double
    var meanX: Double
    var squaresY = 0.0
    var squaresX = 0.0
    var coMoment = 0.0

    init(count: Int64, meanY: Double, meanX: Double) {
        self.count = count
        self.meanY = meanY
        self.meanX = meanX
    }
}
