/// Running a plan into a ``ResultSink``: rows handed on in order, chunk by chunk, as they are made.

import Dispatch
import StarlingColumns
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension QueryExecutor {
    /// Rows per chunk handed on from an operator that holds its whole output (a sort, an
    /// aggregate): small enough that a sink can stop early and print as it goes.
    static let outputChunkRows = 16_384

    /// Runs `plan`, handing its rows to `sink` in order as they are produced. A pipeline's
    /// morsels run on every worker and are handed on in morsel order; a sort or an aggregate
    /// hands on its result in chunks of ``outputChunkRows``. When the sink wants no more rows,
    /// the workers stop taking morsels. Subqueries used as values run first. `finish` is not
    /// called when the query fails.
    public func run(_ plan: PlanNode, into sink: ResultSink) throws(QueryError) {
        let resolved = try resolvingSubqueries(plan)
        try sink.start(plan.columns)
        _ = try stream(resolved) { (chunk) throws(QueryError) -> Bool in try sink.write(chunk) }
        try sink.finish()
    }

    /// Hands the rows of `node` to `emit` in order (non-empty chunks only); false when `emit`
    /// asked to stop before the end.
    func stream(_ node: PlanNode, _ emit: (Chunk) throws(QueryError) -> Bool) throws(QueryError) -> Bool {
        switch node.operation {
        case .scan, .filter, .project, .dimensionJoin, .hashJoin, .crossJoin:
            return try streamOrdered(try pipeline(node), emit)
        case .limit(let child, let limit, let offset):
            return try streamLimit(node, child, limit: limit, offset: offset, emit)
        case .sort(let child, let keys, let limit):
            let (input, order) = try sorted(node, child, keys: keys, limit: limit)
            // Gathered a piece at a time: the sorted copy is never whole.
            var start = 0
            while start < order.count {
                let end = min(order.count, start + Self.outputChunkRows)
                guard try emit(input.gather(Array(order[start..<end]))) else { return false }
                start = end
            }
            return true
        default:
            for chunk in try materialize(node) {
                guard try emitInPieces(chunk, emit) else { return false }
            }
            return true
        }
    }

    /// The rows of a sort node's input and their order (the first `limit` only, for a top-N),
    /// timed and counted as the node.
    func sorted(_ node: PlanNode, _ child: PlanNode, keys: [SortKey], limit: Int?) throws(QueryError) -> (
        input: Chunk, order: [Int32]
    ) {
        if let limit, limit <= Self.streamingTopNLimit {
            return try topN(node, child, keys: keys, limit: limit)
        }
        let input = Chunk.concatenate(try materializeNonEmpty(child), types: child.types)
        let began = monotonicNanoseconds()
        try budget.reserve(input.count * 16, for: limit == nil ? "ORDER_BY" : "TOP_N")
        let order = try Sorter.order(input, keys: keys, limit: limit, control: control)
        let elapsed = monotonicNanoseconds() - began
        profile.record(node.identifier) {
            $0.rowsIn += input.count
            $0.rowsOut += order.count
            $0.nanoseconds += elapsed
        }
        return (input, order)
    }

    /// `chunk` handed on in pieces of at most ``outputChunkRows``.
    func emitInPieces(_ chunk: Chunk, _ emit: (Chunk) throws(QueryError) -> Bool) throws(QueryError) -> Bool {
        if chunk.count <= Self.outputChunkRows { return chunk.count == 0 ? true : try emit(chunk) }
        var start = 0
        while start < chunk.count {
            let end = min(chunk.count, start + Self.outputChunkRows)
            guard try emit(chunk.rows(start..<end)) else { return false }
            start = end
        }
        return true
    }

    /// LIMIT and OFFSET over a stream: the input stops as soon as enough rows came out, so
    /// `LIMIT 10` over a scan reads a row group or two, not the table.
    func streamLimit(
        _ node: PlanNode, _ child: PlanNode, limit: Int?, offset: Int, _ emit: (Chunk) throws(QueryError) -> Bool
    ) throws(QueryError) -> Bool {
        var skip = offset
        var remaining = limit ?? Int.max
        var produced = 0
        var consumerStopped = false
        defer { profile.record(node.identifier) { $0.rowsOut += produced } }
        guard remaining > 0 else { return true }
        _ = try stream(child) { (chunk) throws(QueryError) -> Bool in
            var piece = chunk
            if skip > 0 {
                if skip >= piece.count {
                    skip -= piece.count
                    return true
                }
                piece = piece.rows(skip..<piece.count)
                skip = 0
            }
            if piece.count > remaining { piece = piece.rows(0..<remaining) }
            remaining -= piece.count
            produced += piece.count
            guard try emit(piece) else {
                consumerStopped = true
                return false
            }
            return remaining > 0
        }
        return !consumerStopped
    }

    /// Bytes of rows a worker holds for a morsel that is not yet next in order before it waits
    /// for that morsel's turn and hands the rows on as they are made.
    static let orderedBufferBytes = ExecutionTuning.orderedBufferBytes

    /// Runs the morsels of `source` on the workers and hands their rows to `emit` in morsel
    /// order. A worker that finishes a morsel files its rows, then hands on every filed morsel
    /// that is next in order, holding the lock while `emit` runs: `emit` is called from one
    /// thread at a time, and a slow sink holds the workers back rather than letting rows pile up.
    /// A morsel that makes more than ``orderedBufferBytes`` (a join whose matches explode) waits
    /// for its turn, then streams: memory holds a few batches per worker, not the morsel's rows.
    func streamOrdered(_ source: Pipeline, _ emit: ChunkEmitter) throws(QueryError) -> Bool {
        let delivery = Mutex(OrderedDelivery())
        let nextMorsel = Atomic<Int>(0)
        let workers = max(1, min(threads, source.morselCount))
        let control = self.control
        try control?.check()
        control?.planned(source.morselCount)
        try withoutActuallyEscaping(emit) { (escaping) throws(QueryError) in
            let handOn = UncheckedSendable(escaping)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while delivery.withLock({ !$0.stopped && $0.failure == nil }) {
                    let morsel = nextMorsel.add(1, ordering: .relaxed).oldValue
                    guard morsel < source.morselCount else { return }
                    var pending: [Chunk] = []
                    var pendingBytes = 0
                    do throws(QueryError) {
                        try control?.check()
                        defer { control?.finishedMorsel() }
                        _ = try source.produce(morsel) { (chunk) throws(QueryError) -> Bool in
                            guard chunk.count > 0 else { return true }
                            pending.append(chunk)
                            pendingBytes += chunk.approximateBytes
                            guard pendingBytes >= Self.orderedBufferBytes else { return true }
                            try control?.check()
                            pendingBytes = 0
                            return Self.deliverInTurn(morsel, &pending, delivery, handOn.value)
                        }
                    } catch {
                        delivery.withLock { if $0.failure == nil { $0.failure = error } }
                        return
                    }
                    delivery.withLock { state in
                        state.filed.updateValue(pending, forKey: morsel)
                        state.deliverFiled(handOn.value)
                    }
                }
            }
        }
        let outcome = delivery.withLock { ($0.failure, $0.stopped) }
        if let failure = outcome.0 { throw failure }
        if outcome.1 { return false }
        if let finish = source.finish {
            return try finish { (chunk) throws(QueryError) -> Bool in chunk.count == 0 ? true : try emit(chunk) }
        }
        return true
    }

    /// Waits until `morsel` is next in order (every earlier morsel handed on), then hands on
    /// `pending` and empties it; false when the output stopped or failed meanwhile. The earliest
    /// morsel still running is always next, so some worker always goes on.
    private static func deliverInTurn(
        _ morsel: Int, _ pending: inout [Chunk], _ delivery: borrowing Mutex<OrderedDelivery>, _ emit: ChunkEmitter
    ) -> Bool {
        while true {
            let outcome = delivery.withLock { (state) -> Bool? in
                guard !state.stopped, state.failure == nil else { return false }
                guard state.next == morsel else { return nil }
                return state.handOn(pending, emit)
            }
            if let outcome {
                pending.removeAll()
                return outcome
            }
            usleep(100)
        }
    }
}

/// The state of an ordered delivery: the morsel whose rows go out next, the rows of morsels done
/// before their turn, and whether the output stopped or failed.
struct OrderedDelivery {
    var next = 0
    var filed: [Int: [Chunk]] = [:]
    var stopped = false
    var failure: QueryError?

    /// Hands on every filed morsel that is next in order.
    mutating func deliverFiled(_ emit: ChunkEmitter) {
        while !stopped, failure == nil, let chunks = filed.removeValue(forKey: next) {
            next += 1
            guard handOn(chunks, emit) else { return }
        }
    }

    /// Hands `chunks` (the empty ones skipped) to `emit`; false, with `stopped` or `failure`
    /// set, when it asked to stop or failed.
    mutating func handOn(_ chunks: [Chunk], _ emit: ChunkEmitter) -> Bool {
        for chunk in chunks where chunk.count > 0 {
            do throws(QueryError) {
                guard try emit(chunk) else {
                    stopped = true
                    return false
                }
            } catch {
                failure = error
                return false
            }
        }
        return true
    }
}

extension Chunk {
    /// The rows in `range`.
    func rows(_ range: Range<Int>) -> Chunk {
        if range.lowerBound == 0 && range.upperBound == count { return self }
        return gather(range.map { Int32($0) })
    }
}
