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
            return Pipeline(morselCount: source.morsels.count, produce: { (morsel, emit) throws(QueryError) -> Bool in
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
                guard let chunk, chunk.count > 0 else { return true }
                return try emit(chunk)
            })
        case .parquetScan(let specification):
            let morsels = specification.morsels
            profile.record(identifier) { _ in }
            return Pipeline(morselCount: morsels.count, produce: { (morsel, emit) throws(QueryError) -> Bool in
                let began = monotonicNanoseconds()
                let chunks = try specification.read(file: morsels[morsel].file, rowGroup: morsels[morsel].rowGroup)
                let rows = chunks.reduce(0) { $0 + $1.count }
                control?.scanned(rows)
                profile.record(identifier) { total in
                    total.rowsIn += rows
                    total.rowsOut += rows
                    total.rowGroupsRead += 1
                    total.nanoseconds += monotonicNanoseconds() - began
                }
                for chunk in chunks where !(try emit(chunk)) { return false }
                return true
            })
        case .filter(let child, let predicate):
            if case .crossJoin(let left, let right) = child.operation {
                return try nestedLoopJoin(left, right, condition: predicate, identifier: identifier)
            }
            return try streamMap(child, identifier) { (chunk) throws(QueryError) -> Chunk in
                let rows = try ExpressionEvaluator.select(predicate, chunk)
                return rows.count == chunk.count ? chunk : chunk.gather(rows)
            }
        case .project(let child, let expressions):
            return try streamMap(child, identifier) { (chunk) throws(QueryError) -> Chunk in
                let columns = try expressions.map { (expression) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(expression, chunk) }
                return Chunk(columns: columns, count: chunk.count)
            }
        case .dimensionJoin(let child, let specification):
            let dimension = try loaded(specification.dimension)
            return try streamMap(child, identifier) { (chunk) throws(QueryError) -> Chunk in
                try Self.dimensionJoin(chunk, specification, dimension)
            }
        case .hashJoin(let probe, let build, let specification) where specification.buildsProbeSide && !specification.kind.outputsBuild:
            let chunk = try markingSemiJoin(probe: probe, build: build, specification, identifier: identifier)
            return Pipeline(morselCount: 1, produce: { (_, emit) throws(QueryError) -> Bool in
                chunk.count == 0 ? true : try emit(chunk)
            })
        case .hashJoin(let probe, let build, let specification):
            let buildRows = Chunk.concatenate(try materializeNonEmpty(build), types: build.types, parallel: threads > 1)
            try budget.reserve(buildRows.approximateBytes + buildRows.count * 40, for: "HASH_JOIN")
            let began = monotonicNanoseconds()
            let table = try HashJoinTable(rows: buildRows, keys: specification.buildKeys, threads: threads, control: control)
            let built = monotonicNanoseconds() - began
            profile.record(identifier) { $0.buildRows += buildRows.count; $0.buildNanoseconds += built }
            registerJoinFilters(probe: probe, specification, table: table)
            let matched = specification.kind == .full || specification.kind == .right ? MatchedRows(count: buildRows.count) : nil
            let probeTypes = probe.types
            var pipeline = try stream(probe, identifier) { (chunk, emit) throws(QueryError) -> Bool in
                try Self.probe(chunk, table: table, specification: specification, matched: matched, emit)
            }
            if let matched {
                // The probe side's own last rows (an inner FULL JOIN's unmatched build rows), probed
                // first: they may match build rows, and they must not be lost.
                let upstream = pipeline.finish
                pipeline.finish = { (emit) throws(QueryError) -> Bool in
                    guard try upstream?(emit) ?? true else { return false }
                    let unmatched = Self.rows(matched.flags.withLock { $0 }, marked: false)
                    guard !unmatched.isEmpty else { return true }
                    let nullProbe = probeTypes.map { Vector(constant: .null, type: $0, count: unmatched.count) }
                    return try emit(
                        Chunk(columns: nullProbe + table.rows.gather(unmatched).columns, count: unmatched.count))
                }
            }
            return pipeline
        case .crossJoin(let left, let right):
            let rightRows = Chunk.concatenate(try materializeNonEmpty(right), types: right.types, parallel: threads > 1)
            return try stream(left, identifier) { (chunk, emit) throws(QueryError) -> Bool in
                try Self.crossProduct(chunk, rightRows, condition: nil, emit)
            }
        case .rows, .series, .aggregate, .groupingSets, .sort, .limit, .distinct, .setOperation, .window:
            let chunks = try materialize(node)
            return Pipeline(morselCount: chunks.count, produce: { (morsel, emit) throws(QueryError) -> Bool in
                chunks[morsel].count == 0 ? true : try emit(chunks[morsel])
            })
        }
    }

    /// `child`'s pipeline followed by `transform`, which hands on each input chunk's rows as one
    /// chunk or several (false from the emitter stops it), timed and counted as node
    /// `identifier` (the time the operators after it take is not its own).
    private func stream(
        _ child: PlanNode, _ identifier: Int,
        _ transform: @escaping @Sendable (Chunk, ChunkEmitter) throws(QueryError) -> Bool
    ) throws(QueryError) -> Pipeline {
        let input = try pipeline(child)
        let profile = self.profile
        let apply: @Sendable (Chunk, ChunkEmitter) throws(QueryError) -> Bool = { (chunk, emit) throws(QueryError) in
            let began = monotonicNanoseconds()
            var rowsOut = 0
            var downstream: UInt64 = 0
            let going = try transform(chunk) { (output) throws(QueryError) -> Bool in
                guard output.count > 0 else { return true }
                rowsOut += output.count
                let handed = monotonicNanoseconds()
                defer { downstream += monotonicNanoseconds() - handed }
                return try emit(output)
            }
            let elapsed = monotonicNanoseconds() - began - downstream
            profile.record(identifier) { $0.rowsIn += chunk.count; $0.rowsOut += rowsOut; $0.nanoseconds += elapsed }
            return going
        }
        let produce: @Sendable (Int, ChunkEmitter) throws(QueryError) -> Bool = { (morsel, emit) throws(QueryError) in
            try input.produce(morsel) { (chunk) throws(QueryError) -> Bool in
                chunk.count == 0 ? true : try apply(chunk, emit)
            }
        }
        var finish: (@Sendable (ChunkEmitter) throws(QueryError) -> Bool)?
        if let inputFinish = input.finish {
            finish = { (emit) throws(QueryError) -> Bool in
                try inputFinish { (chunk) throws(QueryError) -> Bool in chunk.count == 0 ? true : try apply(chunk, emit) }
            }
        }
        return Pipeline(morselCount: input.morselCount, produce: produce, finish: finish)
    }

    /// `stream` for an operator that makes one chunk from each input chunk.
    private func streamMap(
        _ child: PlanNode, _ identifier: Int, _ transform: @escaping @Sendable (Chunk) throws(QueryError) -> Chunk
    ) throws(QueryError) -> Pipeline {
        try stream(child, identifier) { (chunk, emit) throws(QueryError) -> Bool in try emit(try transform(chunk)) }
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

    /// The most pairs a probe makes at once for a chunk of `count` rows: a key-to-foreign-key
    /// join's matches come out whole, as one chunk; a join whose matches explode comes out in
    /// batches of this many rows.
    static func probeBatchPairs(_ count: Int) -> Int {
        ExecutionTuning.tiny ? ExecutionTuning.probeBatchMinimum : max(2 * count, ExecutionTuning.probeBatchMinimum)
    }

    /// One probe chunk against a hash join's build table, its joined rows handed to `emit` a
    /// batch at a time (then, for LEFT and FULL joins, the probe rows without a match, with NULL
    /// build columns; a semi or anti join's rows come out once the chunk is probed).
    static func probe(
        _ chunk: Chunk, table: HashJoinTable, specification: HashJoinSpecification, matched: MatchedRows?,
        _ emit: ChunkEmitter
    ) throws(QueryError) -> Bool {
        let keyVectors = try specification.probeKeys.map { (key) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(key, chunk) }
        let kind = specification.kind
        if kind == .mark {
            return try emit(try mark(chunk, keyVectors, table: table, specification: specification))
        }
        if !kind.outputsBuild, specification.residual == nil {
            // Which probe rows have a key the build side has is all a semi or anti join needs.
            return try emit(semiOrAnti(chunk, matchedProbeRows: try table.matchingRows(keyVectors, count: chunk.count), keep: kind == .semi))
        }
        // Which probe rows found a match, for the joins that output them (or not) by that.
        var probeMatched = kind == .inner || kind == .right ? nil : [Bool](repeating: false, count: chunk.count)
        let going = try table.probe(keyVectors, count: chunk.count, batchPairs: probeBatchPairs(chunk.count)) {
            (probeRows, buildRows) throws(QueryError) -> Bool in
            var (probeRows, buildRows) = (probeRows, buildRows)
            var joined = Chunk(columns: chunk.gather(probeRows).columns + table.rows.gatherSharingStrings(buildRows).columns, count: probeRows.count)
            if let residual = specification.residual {
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
            if probeMatched != nil {
                for row in probeRows {
                    if kind == .single, probeMatched?[Int(row)] == true {
                        throw QueryError(.invalidData, "a scalar subquery returned more than one row; it must return at most one", position: specification.position)
                    }
                    probeMatched?[Int(row)] = true
                }
            }
            return kind.outputsBuild ? try emit(joined) : true
        }
        guard going, let probeMatched else { return going }
        if !kind.outputsBuild {
            let rows = Self.rows(probeMatched, marked: kind == .semi)
            return try emit(rows.count == chunk.count ? chunk : chunk.gather(rows))
        }
        // Outer joins: probe rows without a match, with NULL build columns.
        let unmatched = Self.rows(probeMatched, marked: false)
        guard !unmatched.isEmpty else { return true }
        let nullBuild = table.rows.columns.map { Vector(constant: .null, type: $0.type, count: unmatched.count) }
        return try emit(Chunk(columns: chunk.gather(unmatched).columns + nullBuild, count: unmatched.count))
    }
}

extension QueryExecutor {
    /// A mark join's output for one probe chunk: its columns and the mark (see
    /// ``HashJoinSpecification/Kind/mark``).
    static func mark(
        _ chunk: Chunk, _ keyVectors: [Vector], table: HashJoinTable, specification: HashJoinSpecification
    ) throws(QueryError) -> Chunk {
        // 0: no match (FALSE), 1: unknown (NULL), 2: a match (TRUE).
        var state = [UInt8](repeating: 0, count: chunk.count)
        _ = try table.probe(keyVectors, count: chunk.count, batchPairs: probeBatchPairs(chunk.count)) {
            (probeRows, buildRows) throws(QueryError) -> Bool in
            let pairs = Chunk(columns: chunk.gather(probeRows).columns + table.rows.gather(buildRows).columns, count: probeRows.count)
            let matches = try specification.residual.map { (residual) throws(QueryError) -> [Int32] in try ExpressionEvaluator.select(residual, pairs) }
            for pair in matches ?? Array(0..<Int32(truncatingIfNeeded: pairs.count)) { state[Int(probeRows[Int(pair)])] = 2 }
            if let markNull = specification.markNull {
                for pair in try ExpressionEvaluator.select(markNull, pairs) where state[Int(probeRows[Int(pair)])] == 0 {
                    state[Int(probeRows[Int(pair)])] = 1
                }
            }
            return true
        }
        let nulls = state.contains(1) ? state.map { $0 == 1 } : nil
        let mark = Vector(type: .boolean, count: chunk.count, data: .booleans(state.map { $0 == 2 }), nulls: nulls)
        return Chunk(columns: chunk.columns + [mark], count: chunk.count)
    }

    /// The most row pairs a nested-loop join forms before testing its condition on them.
    static let nestedLoopBlock = ExecutionTuning.nestedLoopBlock

    /// A condition over a cross product (a join on `<`, `BETWEEN`, `<>`, …): the right input is
    /// materialised, and each left chunk meets it in blocks of at most ``nestedLoopBlock`` pairs,
    /// each block filtered at once, so only matching pairs are kept and memory is bounded by a
    /// block, not by the product.
    func nestedLoopJoin(_ left: PlanNode, _ right: PlanNode, condition: BoundExpression, identifier: Int) throws(QueryError) -> Pipeline {
        let rightRows = Chunk.concatenate(try materializeNonEmpty(right), types: right.types, parallel: threads > 1)
        let control = self.control
        return try stream(left, identifier) { (chunk, emit) throws(QueryError) -> Bool in
            try Self.crossProduct(chunk, rightRows, condition: condition, control: control, emit)
        }
    }

    /// The pairs of `chunk`'s rows and `rightRows` (those `condition` keeps, when it is given),
    /// left rows outer, made and handed on a block of at most ``nestedLoopBlock`` pairs at a
    /// time (kept pairs gathered into chunks of about that many rows), so a product of billions
    /// of pairs streams through in bounded memory. Cancellation is checked at every block.
    static func crossProduct(
        _ chunk: Chunk, _ rightRows: Chunk, condition: BoundExpression?, control: QueryControl? = nil,
        _ emit: ChunkEmitter
    ) throws(QueryError) -> Bool {
        guard rightRows.count > 0, chunk.count > 0 else { return true }
        let types = chunk.columns.map(\.type) + rightRows.columns.map(\.type)
        let rightBlock = min(rightRows.count, Self.nestedLoopBlock)
        let leftBlock = max(1, Self.nestedLoopBlock / rightBlock)
        var kept: [Chunk] = []
        var keptRows = 0
        var leftStart = 0
        while leftStart < chunk.count {
            let leftEnd = min(chunk.count, leftStart + leftBlock)
            var rightStart = 0
            while rightStart < rightRows.count {
                try control?.check()
                let rightEnd = min(rightRows.count, rightStart + rightBlock)
                let pairs = (leftEnd - leftStart) * (rightEnd - rightStart)
                var leftIndices: [Int32] = []
                var rightIndices: [Int32] = []
                leftIndices.reserveCapacity(pairs)
                rightIndices.reserveCapacity(pairs)
                for row in leftStart..<leftEnd {
                    for other in rightStart..<rightEnd {
                        leftIndices.append(Int32(truncatingIfNeeded: row))
                        rightIndices.append(Int32(truncatingIfNeeded: other))
                    }
                }
                let block = Chunk(
                    columns: chunk.gather(leftIndices).columns + rightRows.gatherSharingStrings(rightIndices).columns,
                    count: pairs)
                rightStart = rightEnd
                guard let condition else {
                    guard try emit(block) else { return false }
                    continue
                }
                let keep = try ExpressionEvaluator.select(condition, block)
                guard !keep.isEmpty else { continue }
                kept.append(keep.count == pairs ? block : block.gather(keep))
                keptRows += keep.count
                if keptRows >= Self.nestedLoopBlock {
                    guard try emit(Chunk.concatenate(kept, types: types)) else { return false }
                    kept.removeAll()
                    keptRows = 0
                }
            }
            leftStart = leftEnd
        }
        if kept.isEmpty { return true }
        return try emit(kept.count == 1 ? kept[0] : Chunk.concatenate(kept, types: types))
    }

    /// A semi or anti join with its probe side in the hash table: the build side streams
    /// through on every worker, marking the probe rows it matches (after the residual, which
    /// reads probe columns then build columns), and the probe rows marked (semi) or not (anti)
    /// are the result.
    func markingSemiJoin(probe: PlanNode, build: PlanNode, _ specification: HashJoinSpecification, identifier: Int) throws(QueryError) -> Chunk {
        let probeRows = Chunk.concatenate(try materializeNonEmpty(probe), types: probe.types, parallel: threads > 1)
        try budget.reserve(probeRows.approximateBytes + probeRows.count * 40, for: "HASH_JOIN")
        let began = monotonicNanoseconds()
        let table = try HashJoinTable(rows: probeRows, keys: specification.probeKeys, threads: threads, control: control)
        let built = monotonicNanoseconds() - began
        profile.record(identifier) { $0.buildRows += probeRows.count; $0.buildNanoseconds += built }
        registerMarkingFilters(stream: build, specification, table: table)
        let matched = MatchedRows(count: probeRows.count)
        let profile = self.profile
        try runParallel(try pipeline(build)) { (chunk, _, _) throws(QueryError) in
            let began = monotonicNanoseconds()
            let keys = try specification.buildKeys.map { (key) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(key, chunk) }
            _ = try table.probe(keys, count: chunk.count, batchPairs: Self.probeBatchPairs(chunk.count)) {
                (streamRows, matches) throws(QueryError) -> Bool in
                var tableRows = matches
                if let residual = specification.residual {
                    let joined = Chunk(columns: probeRows.gather(tableRows).columns + chunk.gather(streamRows).columns, count: tableRows.count)
                    let keep = try ExpressionEvaluator.select(residual, joined)
                    tableRows = keep.map { tableRows[Int($0)] }
                }
                if !tableRows.isEmpty {
                    matched.flags.withLock { flags in for row in tableRows { flags[Int(row)] = true } }
                }
                return true
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
