/// Turning plan nodes into fused pipelines: scans, filters, projections and join probes.

import StarlingColumns
import Synchronization

extension QueryExecutor {
    /// The pipeline producing `node`'s rows. Breakers below it (aggregates, sorts, join build
    /// sides) run to completion first.
    func pipeline(_ node: PlanNode) throws(QueryError) -> Pipeline {
        let identifier = node.identifier
        let profile = self.profile
        let control = self.control
        switch node.operation {
        case .scan(let specification):
            let filters = joinFilters.withLock { $0[identifier] ?? [] }
            let source = try ScanSource(specification, warehouse: warehouse, threads: threads, joinFilters: filters) { (input) throws(QueryError) in try loaded(input) }
            profile.record(identifier) { _ in }
            return Pipeline(morselCount: source.morsels.count, produce: { (morsel) throws(QueryError) -> Chunk? in
                let began = monotonicNanoseconds()
                var counters = OperatorCounters()
                let chunk = try source.read(morsel, counters: &counters)
                counters.rowsOut = chunk?.count ?? 0
                counters.nanoseconds = monotonicNanoseconds() - began
                control?.scanned(counters.rowsIn)
                profile.record(identifier) { total in
                    total.rowsIn += counters.rowsIn
                    total.rowsOut += counters.rowsOut
                    total.nanoseconds += counters.nanoseconds
                    total.rowGroupsRead += counters.rowGroupsRead
                    total.rowGroupsSkipped += counters.rowGroupsSkipped
                    total.bytesRead += counters.bytesRead
                }
                return chunk
            })
        case .filter(let child, let predicate):
            if case .crossJoin(let left, let right) = child.operation {
                return try nestedLoopJoin(left, right, condition: predicate, identifier: identifier)
            }
            return try stream(child, identifier) { (chunk) throws(QueryError) -> Chunk in
                let rows = try ExpressionEvaluator.select(predicate, chunk)
                return rows.count == chunk.count ? chunk : chunk.gather(rows)
            }
        case .project(let child, let expressions):
            return try stream(child, identifier) { (chunk) throws(QueryError) -> Chunk in
                let columns = try expressions.map { (expression) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(expression, chunk) }
                return Chunk(columns: columns, count: chunk.count)
            }
        case .dimensionJoin(let child, let specification):
            let dimension = try loaded(specification.dimension)
            return try stream(child, identifier) { (chunk) throws(QueryError) -> Chunk in
                try Self.dimensionJoin(chunk, specification, dimension)
            }
        case .hashJoin(let probe, let build, let specification) where specification.buildsProbeSide && !specification.kind.outputsBuild:
            let chunk = try markingSemiJoin(probe: probe, build: build, specification, identifier: identifier)
            return Pipeline(morselCount: 1, produce: { (_) throws(QueryError) -> Chunk? in chunk })
        case .hashJoin(let probe, let build, let specification):
            let buildRows = Chunk.concatenate(try materializeNonEmpty(build), types: build.types, parallel: threads > 1)
            try budget.reserve(buildRows.approximateBytes + buildRows.count * 40, for: "HASH_JOIN")
            let table = try HashJoinTable(rows: buildRows, keys: specification.buildKeys, control: control)
            registerJoinFilters(probe: probe, specification, table: table)
            let matched = specification.kind == .full || specification.kind == .right ? MatchedRows(count: buildRows.count) : nil
            let probeTypes = probe.types
            let budget = self.budget
            var pipeline = try stream(probe, identifier) { (chunk) throws(QueryError) -> Chunk in
                try Self.probe(chunk, table: table, specification: specification, matched: matched, budget: budget)
            }
            if let matched {
                // The probe side's own last rows (an inner FULL JOIN's unmatched build rows), probed
                // first: they may match build rows, and they must not be lost.
                let upstream = pipeline.finish
                pipeline.finish = { () throws(QueryError) -> [Chunk] in
                    var output = try upstream?() ?? []
                    let unmatched = Self.rows(matched.flags.withLock { $0 }, marked: false)
                    guard !unmatched.isEmpty else { return output }
                    let nullProbe = probeTypes.map { Vector(constant: .null, type: $0, count: unmatched.count) }
                    output.append(Chunk(columns: nullProbe + table.rows.gather(unmatched).columns, count: unmatched.count))
                    return output
                }
            }
            return pipeline
        case .crossJoin(let left, let right):
            let rightRows = Chunk.concatenate(try materializeNonEmpty(right), types: right.types, parallel: threads > 1)
            let budget = self.budget
            return try stream(left, identifier) { (chunk) throws(QueryError) -> Chunk in
                // Checked before anything is allocated: the two row-index arrays (8 bytes a pair)
                // and 8 bytes a value, overflow counting as too much (a count(*) reads no column,
                // but its pairs are still made).
                let (total, pairsOverflow) = chunk.count.multipliedReportingOverflow(by: rightRows.count)
                let (bytes, bytesOverflow) = total.multipliedReportingOverflow(by: 8 * (1 + chunk.columns.count + rightRows.columns.count))
                try budget.reserve(pairsOverflow || bytesOverflow ? Int.max / 2 : bytes, for: "CROSS_PRODUCT")
                var leftRows: [Int32] = []
                var rightIndices: [Int32] = []
                leftRows.reserveCapacity(total)
                rightIndices.reserveCapacity(total)
                for row in 0..<chunk.count {
                    for other in 0..<rightRows.count {
                        leftRows.append(Int32(row))
                        rightIndices.append(Int32(other))
                    }
                }
                return Chunk(columns: chunk.gather(leftRows).columns + rightRows.gatherSharingStrings(rightIndices).columns, count: total)
            }
        case .rows, .aggregate, .groupingSets, .sort, .limit, .distinct, .setOperation, .window:
            let chunks = try materialize(node)
            return Pipeline(morselCount: chunks.count, produce: { (morsel) throws(QueryError) -> Chunk? in chunks[morsel] })
        }
    }

    /// `child`'s pipeline followed by `transform`, timed and counted as node `identifier`.
    private func stream(_ child: PlanNode, _ identifier: Int, _ transform: @escaping @Sendable (Chunk) throws(QueryError) -> Chunk) throws(QueryError) -> Pipeline {
        let input = try pipeline(child)
        let profile = self.profile
        let produce: @Sendable (Int) throws(QueryError) -> Chunk? = { (morsel) throws(QueryError) -> Chunk? in
            guard let chunk = try input.produce(morsel), chunk.count > 0 else { return nil }
            let began = monotonicNanoseconds()
            let output = try transform(chunk)
            let elapsed = monotonicNanoseconds() - began
            profile.record(identifier) { $0.rowsIn += chunk.count; $0.rowsOut += output.count; $0.nanoseconds += elapsed }
            return output
        }
        var finish: (@Sendable () throws(QueryError) -> [Chunk])?
        if let inputFinish = input.finish {
            finish = { () throws(QueryError) -> [Chunk] in
                var output: [Chunk] = []
                for chunk in try inputFinish() { output.append(try transform(chunk)) }
                return output
            }
        }
        return Pipeline(morselCount: input.morselCount, produce: produce, finish: finish)
    }

    /// The star join of one chunk: look each row's code up in the dimension.
    static func dimensionJoin(_ chunk: Chunk, _ specification: DimensionJoinSpecification, _ dimension: LoadedDimension) throws(QueryError) -> Chunk {
        let codesVector = chunk.columns[specification.codeColumn]
        guard case .integers(let codes) = codesVector.data else { throw .invalid("row codes must be integers") }
        let dimensionCount = dimension.rows.count
        // Every row matches when every code is a known row and qualifies (or the scan has already
        // kept only those): the dimension rows are the codes minus one, with no per-row branch.
        if codesVector.nulls == nil, dimension.qualifies == nil || specification.prefiltered,
           let rows = Self.knownRows(codes, dimensionCount: dimensionCount) {
            let dimensionColumns = specification.outputColumns.map { dimension.rows.columns[$0].gatherSharingStrings(rows) }
            return Chunk(columns: chunk.columns + dimensionColumns, count: chunk.count)
        }
        var factRows: [Int32] = []
        var dimensionRows: [Int32] = []
        factRows.reserveCapacity(chunk.count)
        dimensionRows.reserveCapacity(chunk.count)
        let qualifies = dimension.qualifies
        codes.withUnsafeBufferPointer { codes in
            for row in 0..<chunk.count {
                let code = codes[row]
                var match = code >= 1 && code <= Int64(dimensionCount) && !codesVector.isNull(row)
                if match, let qualifies { match = qualifies[Int(code)] }
                if match {
                    factRows.append(Int32(row))
                    dimensionRows.append(Int32(code - 1))
                } else if specification.keepUnmatched {
                    factRows.append(Int32(row))
                    dimensionRows.append(-1)
                }
            }
        }
        let factColumns = factRows.count == chunk.count ? chunk.columns : chunk.gather(factRows).columns
        let dimensionColumns = specification.outputColumns.map { dimension.rows.columns[$0].gatherOrNull(dimensionRows) }
        return Chunk(columns: factColumns + dimensionColumns, count: factRows.count)
    }

    /// `codes` minus one (dimension row indices) when every code is in `1 ... dimensionCount`;
    /// nil otherwise.
    static func knownRows(_ codes: [Int64], dimensionCount: Int) -> [Int32]? {
        var outside = false
        let rows = codes.withUnsafeBufferPointer { codes in
            [Int32](unsafeUninitializedCapacity: codes.count) { rows, initialized in
                let limit = UInt64(dimensionCount)
                for index in 0..<codes.count {
                    let row = codes[index] &- 1
                    outside = outside || UInt64(bitPattern: row) >= limit
                    rows[index] = Int32(truncatingIfNeeded: row)
                }
                initialized = codes.count
            }
        }
        return outside ? nil : rows
    }

    /// One probe chunk against a hash join's build table.
    static func probe(
        _ chunk: Chunk, table: HashJoinTable, specification: HashJoinSpecification, matched: MatchedRows?,
        budget: MemoryBudget? = nil
    ) throws(QueryError) -> Chunk {
        let keyVectors = try specification.probeKeys.map { (key) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(key, chunk) }
        // A pair's indexes, and the joined row it becomes (a word or so per column).
        let bytesPerPair = 8 + 8 * (chunk.columns.count + table.rows.columns.count)
        if specification.kind == .mark {
            return try mark(chunk, keyVectors, table: table, specification: specification, budget: budget)
        }
        if !specification.kind.outputsBuild, specification.residual == nil {
            // Which probe rows have a key the build side has is all a semi or anti join needs.
            return semiOrAnti(chunk, matchedProbeRows: try table.matchingRows(keyVectors, count: chunk.count), keep: specification.kind == .semi)
        }
        var (probeRows, buildRows) = try table.probe(
            keyVectors, count: chunk.count, budget: budget, bytesPerPair: bytesPerPair)
        var joined = Chunk(columns: chunk.gather(probeRows).columns + table.rows.gatherSharingStrings(buildRows).columns, count: probeRows.count)
        if let residual = specification.residual, joined.count > 0 {
            let keep = try ExpressionEvaluator.select(residual, joined)
            if keep.count < joined.count {
                joined = joined.gather(keep)
                probeRows = keep.map { probeRows[Int($0)] }
                buildRows = keep.map { buildRows[Int($0)] }
            }
        }
        if let matched, !buildRows.isEmpty {
            matched.flags.withLock { flags in for row in buildRows { flags[Int(row)] = true } }
        }
        if specification.kind == .single { try checkSingleMatches(probeRows, count: chunk.count, specification: specification) }
        guard specification.kind != .inner, specification.kind != .right else { return joined }
        if !specification.kind.outputsBuild {
            return semiOrAnti(chunk, matchedProbeRows: probeRows, keep: specification.kind == .semi)
        }
        // Outer joins: probe rows without a match, with NULL build columns.
        let unmatched = Self.rows(Self.flags(count: chunk.count, setting: probeRows), marked: false)
        guard !unmatched.isEmpty else { return joined }
        let nullBuild = table.rows.columns.map { Vector(constant: .null, type: $0.type, count: unmatched.count) }
        let extra = Chunk(columns: chunk.gather(unmatched).columns + nullBuild, count: unmatched.count)
        return Chunk.concatenate([joined, extra], types: joined.columns.map(\.type))
    }
}

extension QueryExecutor {
    /// A mark join's output for one probe chunk: its columns and the mark (see
    /// ``HashJoinSpecification/Kind/mark``).
    static func mark(
        _ chunk: Chunk, _ keyVectors: [Vector], table: HashJoinTable, specification: HashJoinSpecification,
        budget: MemoryBudget? = nil
    ) throws(QueryError) -> Chunk {
        // 0: no match (FALSE), 1: unknown (NULL), 2: a match (TRUE).
        var state = [UInt8](repeating: 0, count: chunk.count)
        let (probeRows, buildRows) = try table.probe(
            keyVectors, count: chunk.count, budget: budget,
            bytesPerPair: 8 + 8 * (chunk.columns.count + table.rows.columns.count))
        if !probeRows.isEmpty {
            let pairs = Chunk(columns: chunk.gather(probeRows).columns + table.rows.gather(buildRows).columns, count: probeRows.count)
            let matches = try specification.residual.map { (residual) throws(QueryError) -> [Int32] in try ExpressionEvaluator.select(residual, pairs) }
            for pair in matches ?? Array(0..<Int32(truncatingIfNeeded: pairs.count)) { state[Int(probeRows[Int(pair)])] = 2 }
            if let markNull = specification.markNull {
                for pair in try ExpressionEvaluator.select(markNull, pairs) where state[Int(probeRows[Int(pair)])] == 0 {
                    state[Int(probeRows[Int(pair)])] = 1
                }
            }
        }
        let nulls = state.contains(1) ? state.map { $0 == 1 } : nil
        let mark = Vector(type: .boolean, count: chunk.count, data: .booleans(state.map { $0 == 2 }), nulls: nulls)
        return Chunk(columns: chunk.columns + [mark], count: chunk.count)
    }

    /// A single join's check: no probe row may have found two build rows.
    static func checkSingleMatches(_ probeRows: [Int32], count: Int, specification: HashJoinSpecification) throws(QueryError) {
        guard probeRows.count > 1 else { return }
        var seen = [Bool](repeating: false, count: count)
        for row in probeRows {
            if seen[Int(row)] {
                throw QueryError(.invalidData, "a scalar subquery returned more than one row; it must return at most one", position: specification.position)
            }
            seen[Int(row)] = true
        }
    }

    /// The most row pairs a nested-loop join forms before testing its condition on them.
    static let nestedLoopBlock = 1 << 16

    /// A condition over a cross product (a join on `<`, `BETWEEN`, `<>`, …): the right input is
    /// materialised, and each left chunk meets it in blocks of at most ``nestedLoopBlock`` pairs,
    /// each block filtered at once, so only matching pairs are kept and memory is bounded by the
    /// result, not by the product.
    func nestedLoopJoin(_ left: PlanNode, _ right: PlanNode, condition: BoundExpression, identifier: Int) throws(QueryError) -> Pipeline {
        let rightRows = Chunk.concatenate(try materializeNonEmpty(right), types: right.types, parallel: threads > 1)
        let types = left.types + right.types
        let empty = Chunk(columns: types.map { Vector(type: $0, values: []) }, count: 0)
        let control = self.control
        return try stream(left, identifier) { (chunk) throws(QueryError) -> Chunk in
            guard rightRows.count > 0 else { return empty }
            let rightBlock = min(rightRows.count, Self.nestedLoopBlock)
            let leftBlock = max(1, Self.nestedLoopBlock / rightBlock)
            var outputs: [Chunk] = []
            var leftStart = 0
            while leftStart < chunk.count {
                let leftEnd = min(chunk.count, leftStart + leftBlock)
                var rightStart = 0
                while rightStart < rightRows.count {
                    try control?.check()
                    let rightEnd = min(rightRows.count, rightStart + rightBlock)
                    var leftIndices: [Int32] = []
                    var rightIndices: [Int32] = []
                    let pairs = (leftEnd - leftStart) * (rightEnd - rightStart)
                    leftIndices.reserveCapacity(pairs)
                    rightIndices.reserveCapacity(pairs)
                    for row in leftStart..<leftEnd {
                        for other in rightStart..<rightEnd {
                            leftIndices.append(Int32(truncatingIfNeeded: row))
                            rightIndices.append(Int32(truncatingIfNeeded: other))
                        }
                    }
                    let block = Chunk(columns: chunk.gather(leftIndices).columns + rightRows.gatherSharingStrings(rightIndices).columns, count: pairs)
                    let keep = try ExpressionEvaluator.select(condition, block)
                    if !keep.isEmpty { outputs.append(keep.count == pairs ? block : block.gather(keep)) }
                    rightStart = rightEnd
                }
                leftStart = leftEnd
            }
            if outputs.isEmpty { return empty }
            return outputs.count == 1 ? outputs[0] : Chunk.concatenate(outputs, types: types)
        }
    }

    /// A semi or anti join with its probe side in the hash table: the build side streams
    /// through on every worker, marking the probe rows it matches (after the residual, which
    /// reads probe columns then build columns), and the probe rows marked (semi) or not (anti)
    /// are the result.
    func markingSemiJoin(probe: PlanNode, build: PlanNode, _ specification: HashJoinSpecification, identifier: Int) throws(QueryError) -> Chunk {
        let probeRows = Chunk.concatenate(try materializeNonEmpty(probe), types: probe.types, parallel: threads > 1)
        try budget.reserve(probeRows.approximateBytes + probeRows.count * 40, for: "HASH_JOIN")
        let table = try HashJoinTable(rows: probeRows, keys: specification.probeKeys, control: control)
        registerMarkingFilters(stream: build, specification, table: table)
        let matched = MatchedRows(count: probeRows.count)
        let profile = self.profile
        try runParallel(try pipeline(build)) { (chunk, _, _) throws(QueryError) in
            let began = monotonicNanoseconds()
            let keys = try specification.buildKeys.map { (key) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(key, chunk) }
            let (streamRows, matches) = try table.probe(keys, count: chunk.count)
            var tableRows = matches
            if let residual = specification.residual, !tableRows.isEmpty {
                let joined = Chunk(columns: probeRows.gather(tableRows).columns + chunk.gather(streamRows).columns, count: tableRows.count)
                let keep = try ExpressionEvaluator.select(residual, joined)
                tableRows = keep.map { tableRows[Int($0)] }
            }
            if !tableRows.isEmpty {
                matched.flags.withLock { flags in for row in tableRows { flags[Int(row)] = true } }
            }
            let elapsed = monotonicNanoseconds() - began
            profile.record(identifier) { $0.rowsIn += chunk.count; $0.nanoseconds += elapsed }
        }
        let rows = Self.rows(matched.flags.withLock { $0 }, marked: specification.kind == .semi)
        profile.record(identifier) { $0.rowsOut += rows.count }
        return rows.count == probeRows.count ? probeRows : probeRows.gather(rows)
    }

    /// A semi join's (`keep`) or anti join's output: each probe row once, kept by whether it is
    /// among `matchedProbeRows`; probe columns only.
    static func semiOrAnti(_ chunk: Chunk, matchedProbeRows: [Int32], keep: Bool) -> Chunk {
        let rows = Self.rows(Self.flags(count: chunk.count, setting: matchedProbeRows), marked: keep)
        return rows.count == chunk.count ? chunk : chunk.gather(rows)
    }

    /// One flag per row of `count`, set for `rows` (which may repeat).
    static func flags(count: Int, setting rows: [Int32]) -> [Bool] {
        var flags = [Bool](repeating: false, count: count)
        for row in rows { flags[Int(row)] = true }
        return flags
    }

    /// The rows whose flag is `marked`, in order.
    static func rows(_ flags: [Bool], marked: Bool) -> [Int32] {
        flags.indices.filter { flags[$0] == marked }.map { Int32(truncatingIfNeeded: $0) }
    }
}

/// Which build rows of a FULL JOIN found a match, shared by the workers.
final class MatchedRows: Sendable {
    let flags: Mutex<[Bool]>
    init(count: Int) { flags = Mutex([Bool](repeating: false, count: count)) }
}
