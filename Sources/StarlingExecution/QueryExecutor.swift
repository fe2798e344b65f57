/// Runs a plan: pipelines of streaming operators over morsels, on all cores, into breakers.

import StarlingColumns
import StarlingStorage
import Synchronization
import Dispatch

/// Where a pipeline hands its rows, chunk by chunk: true to go on, false when no more rows are
/// wanted (a LIMIT has enough), so the pipeline stops making them.
typealias ChunkEmitter = (Chunk) throws(QueryError) -> Bool

/// A source of morsels and the streaming operators above it, fused: `produce(i, emit)` makes the
/// rows of morsel `i` after every operator and hands them to `emit` (several chunks when a join's
/// matches run past one batch, none when no row survives), returning false when `emit` asked it
/// to stop. Any worker may run any morsel.
struct Pipeline: Sendable {
    let morselCount: Int
    let produce: @Sendable (Int, ChunkEmitter) throws(QueryError) -> Bool
    /// Rows to add once every morsel has run (a FULL JOIN's unmatched build rows), handed to
    /// the emitter the same way.
    var finish: (@Sendable (ChunkEmitter) throws(QueryError) -> Bool)?
}

/// Executes plans against one warehouse snapshot. Plan nodes stay immutable; all running state
/// (opened segments, hash tables, partial aggregates) lives in the executor's local values.
public final class QueryExecutor: @unchecked Sendable {
    public let warehouse: Warehouse
    public let threads: Int
    public let budget: MemoryBudget
    public let profile: ExecutionProfile
    /// Cancellation and progress, checked and counted between morsels.
    public let control: QueryControl?
    /// The dimensions this query has read, by ``DimensionInput/identifier``.
    let dimensions = Mutex<[Int: LoadedDimension]>([:])
    /// The build keys of hash joins, for the scans that produce their probe keys, by scan node.
    let joinFilters = Mutex<[Int: [JoinKeyFilter]]>([:])

    public init(warehouse: Warehouse, threads: Int, memoryLimit: Int, profile: ExecutionProfile = ExecutionProfile(), control: QueryControl? = nil) {
        self.warehouse = warehouse
        self.threads = max(1, threads)
        self.budget = MemoryBudget(limit: memoryLimit)
        self.profile = profile
        self.control = control
    }

    /// An executor for the same query (sharing its memory budget, profile and cancellation) with
    /// running state of its own: a correlated subquery's runs each read their own dimensions and
    /// join filters, which depend on the parameters.
    init(sharing parent: QueryExecutor) {
        self.warehouse = parent.warehouse
        self.threads = parent.threads
        self.budget = parent.budget
        self.profile = parent.profile
        self.control = parent.control
    }

    /// Every result row of `plan`, as one chunk.
    public func execute(_ plan: PlanNode) throws(QueryError) -> Chunk {
        let chunks = try materialize(try resolvingSubqueries(plan))
        return Chunk.concatenate(chunks.isEmpty ? [Chunk(columns: plan.types.map { Vector(type: $0, values: []) }, count: 0)] : chunks, types: plan.types)
    }

    /// Runs `node` to completion.
    func materialize(_ node: PlanNode) throws(QueryError) -> [Chunk] {
        let start = monotonicNanoseconds()
        switch node.operation {
        case .rows(let chunks):
            profile.record(node.identifier) { $0.rowsOut += chunks.reduce(0) { $0 + $1.count } }
            return chunks
        case .series(let start, let stop, let step):
            let chunks = try series(start: start, stop: stop, step: step)
            profile.record(node.identifier) { $0.rowsOut += chunks.reduce(0) { $0 + $1.count } }
            return chunks
        case .aggregate(let child, let groups, let aggregates):
            if let answer = try sketchAnswer(node, child, groups: groups, aggregates: aggregates) {
                let elapsed = monotonicNanoseconds() - start
                profile.record(node.identifier) { $0.rowsOut += 1; $0.nanoseconds += elapsed }
                return [answer]
            }
            let source = try pipeline(child)
            let strings = SharedStringInterner(columns: groups.count)
            let states = (0..<threads).map { _ in AggregateState(groups: groups, aggregates: aggregates, strings: strings) }
            let slots = WorkerSlots(states)
            let budget = self.budget
            try runParallel(source) { (chunk, _, worker) throws(QueryError) in
                let began = monotonicNanoseconds()
                let state = slots.values[worker]
                let before = state.byteCount
                try state.consume(chunk)
                let grown = state.byteCount - before
                if grown > 0 { try budget.reserve(grown, for: "HASH_AGGREGATE") }
                let elapsed = monotonicNanoseconds() - began
                self.profile.record(node.identifier) { $0.rowsIn += chunk.count; $0.nanoseconds += elapsed }
            }
            let began = monotonicNanoseconds()
            let beforeMerge = states[0].byteCount
            for state in states.dropFirst() { try states[0].merge(state, control: control) }
            try control?.check()
            try budget.reserve(max(0, states[0].byteCount - beforeMerge), for: "HASH_AGGREGATE")
            let result = try states[0].finish(types: node.types, threads: threads, control: control)
            let elapsed = monotonicNanoseconds() - began
            profile.record(node.identifier) { $0.rowsOut += result.count; $0.nanoseconds += elapsed }
            return [result]
        case .groupingSets(let child, let groups, let aggregates, let sets):
            return try groupingSets(node, child, groups: groups, aggregates: aggregates, sets: sets)
        case .sort(let child, let keys, let limit):
            let (input, order) = try sorted(node, child, keys: keys, limit: limit)
            return [input.gather(order)]
        case .limit(let child, let limit, let offset):
            var output: [Chunk] = []
            _ = try streamLimit(node, child, limit: limit, offset: offset) { (chunk) throws(QueryError) -> Bool in
                output.append(chunk)
                return true
            }
            return output
        case .distinct(let child):
            let columns = child.types.enumerated().map { BoundExpression.column($0.offset, $0.element) }
            let grouped = PlanNode(identifier: node.identifier, operation: .aggregate(child, groups: columns, aggregates: []), columns: node.columns, estimatedRows: node.estimatedRows)
            return try materialize(grouped)
        case .setOperation(let kind, let all, let left, let right):
            let result = try SetOperations.run(kind, all: all, left: try materialize(left), right: try materialize(right), types: node.types)
            let elapsed = monotonicNanoseconds() - start
            profile.record(node.identifier) { $0.rowsOut += result.count; $0.nanoseconds += elapsed }
            return [result]
        case .window(let child, let functions, let passing):
            let input = Chunk.concatenate(try materializeNonEmpty(child), types: child.types, parallel: threads > 1)
            let began = monotonicNanoseconds()
            try budget.reserve(input.approximateBytes + input.count * (24 + 16 * functions.count), for: "WINDOW")
            let result = try WindowOperator.run(input, functions: functions, passing: passing, threads: threads, control: control)
            let elapsed = monotonicNanoseconds() - began
            profile.record(node.identifier) { $0.rowsIn += input.count; $0.rowsOut += input.count; $0.nanoseconds += elapsed }
            return result
        case .scan, .parquetScan, .filter, .project, .dimensionJoin, .hashJoin, .crossJoin:
            let source = try pipeline(node)
            // One slot per morsel, and one for the pipeline's closing rows.
            var slots = [[Chunk]](repeating: [], count: source.morselCount + 1)
            try slots.withUnsafeMutableBufferPointer { (buffer) throws(QueryError) in
                let output = ConcurrentSlots(buffer)
                let budget = self.budget
                try runParallel(source) { (chunk, place, _) throws(QueryError) in
                    try budget.reserve(chunk.approximateBytes, for: "RESULT")
                    output.pointer[place.morsel].append(chunk)
                }
            }
            return slots.flatMap { $0 }
        }
    }

    func materializeNonEmpty(_ node: PlanNode) throws(QueryError) -> [Chunk] {
        let chunks = try materialize(node)
        return chunks.isEmpty ? [Chunk(columns: node.types.map { Vector(type: $0, values: []) }, count: 0)] : chunks
    }

    /// Runs every morsel of `source` on the workers, handing each non-empty chunk to `body` with
    /// its place (to keep results in order) and the worker's number (to pick the worker's own
    /// state). Then hands over the pipeline's closing rows, if any, as worker 0's, placed after
    /// every morsel. Cancellation is checked between chunks too: one morsel of a join whose
    /// matches run into the billions makes many chunks.
    func runParallel(
        _ source: Pipeline, _ body: @Sendable (_ chunk: Chunk, _ place: ChunkPlace, _ worker: Int) throws(QueryError) -> Void
    ) throws(QueryError) {
        let control = self.control
        try control?.check()
        control?.planned(source.morselCount)
        try Self.forEachTask(source.morselCount, threads: threads, control: control) { (morsel, worker) throws(QueryError) in
            defer { control?.finishedMorsel() }
            var place = ChunkPlace(morsel: morsel, firstRow: 0)
            _ = try source.produce(morsel) { (chunk) throws(QueryError) -> Bool in
                guard chunk.count > 0 else { return true }
                try control?.check()
                try body(chunk, place, worker)
                place.firstRow += chunk.count
                return true
            }
        }
        if let finish = source.finish {
            var place = ChunkPlace(morsel: source.morselCount, firstRow: 0)
            _ = try finish { (chunk) throws(QueryError) -> Bool in
                guard chunk.count > 0 else { return true }
                try body(chunk, place, 0)
                place.firstRow += chunk.count
                return true
            }
        }
    }
}

/// Where a chunk's rows stand in a pipeline's output order: its morsel (the closing rows count
/// as one past the last), and how many rows that morsel made before it.
struct ChunkPlace: Sendable {
    var morsel: Int
    var firstRow: Int
}

extension QueryExecutor {
    /// Runs `body(task, worker)` for every task of `0..<count` on up to `threads` workers, each
    /// worker taking the next task not yet taken (the query's cancellation checked before each).
    /// After the first failure no task starts; that failure is thrown.
    static func forEachTask(
        _ count: Int, threads: Int, control: QueryControl?,
        _ body: @Sendable (_ task: Int, _ worker: Int) throws(QueryError) -> Void
    ) throws(QueryError) {
        let next = Atomic<Int>(0)
        let failure = Mutex<QueryError?>(nil)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, count))) { worker in
            while failure.withLock({ $0 == nil }) {
                let task = next.add(1, ordering: .relaxed).oldValue
                guard task < count else { return }
                do throws(QueryError) {
                    try control?.check()
                    try body(task, worker)
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}

/// Per-worker objects shared with the workers; each touches only its own index.
final class WorkerSlots<Element>: @unchecked Sendable {
    let values: [Element]
    init(_ values: [Element]) { self.values = values }
}

extension Chunk {
    /// Approximate bytes held (for the memory budget).
    var approximateBytes: Int {
        columns.reduce(0) { total, column in
            switch column.data {
            case .strings(let strings): return total + strings.byteCount + column.count * 4
            case .booleans: return total + column.count
            case .intervals: return total + column.count * 16
            case .integers, .doubles, .dictionary: return total + column.count * 8
            }
        }
    }
}
