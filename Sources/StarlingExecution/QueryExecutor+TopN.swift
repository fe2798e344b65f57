/// ORDER BY with a small LIMIT without holding its whole input: each worker keeps the best rows
/// of the morsels it ran, cut back to the limit as they pile up, and the workers' best rows are
/// sorted once at the end.

import StarlingColumns
import Synchronization

/// One worker's best rows so far, each with its place in the input (morsel, then row) as a
/// last column, so that ties come out in input order as a full sort would give them.
final class TopNState: @unchecked Sendable {
    private(set) var pending: [Chunk] = []
    private(set) var pendingRows = 0

    func add(_ chunk: Chunk) {
        pending.append(chunk)
        pendingRows += chunk.count
    }

    func replace(with chunk: Chunk) {
        pending = [chunk]
        pendingRows = chunk.count
    }
}

extension QueryExecutor {
    /// The largest LIMIT (plus OFFSET) taken by ``topN(_:_:keys:limit:)``; larger ones sort the
    /// whole input.
    static let streamingTopNLimit = 100_000

    /// The first `limit` rows of `child` under `keys`, in order, and their order (`0 ..< n`), the
    /// input read morsel by morsel on all workers: memory holds about `limit` rows per worker
    /// plus the morsels in flight, not the input.
    func topN(_ node: PlanNode, _ child: PlanNode, keys: [SortKey], limit: Int) throws(QueryError)
        -> (input: Chunk, order: [Int32])
    {
        let source = try pipeline(child)
        let width = child.types.count
        let types = child.types + [.bigint, .bigint]
        // The input place (morsel, then row within it) as the last keys: ties keep input order.
        let ranked =
            keys + [width, width + 1].map {
                SortKey(expression: .column($0, .bigint), descending: false, nullsFirst: false)
            }
        let states = (0..<threads).map { _ in TopNState() }
        let slots = WorkerSlots(states)
        let budget = self.budget
        let control = self.control
        let threshold = max(2 * limit, 16_384)
        try runParallel(source) { (chunk, place, worker) throws(QueryError) in
            let began = monotonicNanoseconds()
            let state = slots.values[worker]
            let morsels = Vector(
                type: .bigint, count: chunk.count,
                data: .integers([Int64](repeating: Int64(place.morsel), count: chunk.count)), nulls: nil)
            let first = Int64(place.firstRow)
            let rows = Vector(
                type: .bigint, count: chunk.count, data: .integers((0..<Int64(chunk.count)).map { first + $0 }),
                nulls: nil)
            state.add(Chunk(columns: chunk.columns + [morsels, rows], count: chunk.count))
            if state.pendingRows >= threshold {
                try budget.reserve(state.pendingRows * 16, for: "TOP_N")
                try state.replace(
                    with: Self.best(state.pending, types: types, keys: ranked, limit: limit, control: control))
            }
            let elapsed = monotonicNanoseconds() - began
            self.profile.record(node.identifier) {
                $0.rowsIn += chunk.count
                $0.nanoseconds += elapsed
            }
        }
        let began = monotonicNanoseconds()
        let best = try Self.best(states.flatMap(\.pending), types: types, keys: ranked, limit: limit, control: control)
        let result = Chunk(columns: Array(best.columns.prefix(width)), count: best.count)
        let elapsed = monotonicNanoseconds() - began
        profile.record(node.identifier) {
            $0.rowsOut += result.count
            $0.nanoseconds += elapsed
        }
        return (result, (0..<result.count).map { Int32($0) })
    }

    /// The first `limit` rows of `chunks` under `keys`, in order.
    static func best(_ chunks: [Chunk], types: [LogicalType], keys: [SortKey], limit: Int, control: QueryControl?)
        throws(QueryError) -> Chunk
    {
        try control?.check()
        let all = Chunk.concatenate(
            chunks.isEmpty ? [Chunk(columns: types.map { Vector(type: $0, values: []) }, count: 0)] : chunks,
            types: types)
        let order = try Sorter.order(all, keys: keys, limit: limit, control: control)
        return all.gather(order)
    }
}
