/// A run of rows flowing between operators: one ``Vector`` per column.

import Dispatch
import StarlingColumns

/// Rows passed between operators. Filters compact their output, so every row is live.
public struct Chunk: Sendable {
    public let columns: [Vector]
    public let count: Int

    public init(columns: [Vector], count: Int) {
        self.columns = columns
        self.count = count
    }

    /// A chunk with no columns and `count` rows (what `SELECT 1` with no FROM reads).
    public static func rowsOnly(_ count: Int) -> Chunk {
        Chunk(columns: [], count: count)
    }

    /// The rows at `indices`.
    public func gather(_ indices: [Int32]) -> Chunk {
        Chunk(columns: columns.map { $0.gather(indices) }, count: indices.count)
    }

    /// The rows at `indices` of the columns in `used` only; the others NULL (a scan's chunk holds
    /// only the columns decoded so far, the rest placeholders of no rows).
    public func gather(_ indices: [Int32], columns used: Set<Int>) -> Chunk {
        let gathered = columns.indices.map { index in
            used.contains(index)
                ? columns[index].gather(indices) : Vector(constant: .null, type: columns[index].type, count: indices.count)
        }
        return Chunk(columns: gathered, count: indices.count)
    }

    /// The rows at `indices` of a join's build side (see ``Vector/gatherSharingStrings(_:)``).
    public func gatherSharingStrings(_ indices: [Int32]) -> Chunk {
        Chunk(columns: columns.map { $0.gatherSharingStrings(indices) }, count: indices.count)
    }

    /// Row `index` as values.
    public func row(_ index: Int) -> [Value] {
        columns.map { $0.value(at: index) }
    }

    /// Concatenates chunks with the same column types.
    ///
    /// With `parallel`, a large result's columns are concatenated at once on the cores (a join's
    /// build side: TPC-H Q10's 573 K rows of seven columns, four of them strings, took 100 ms on
    /// one thread while the other waited).
    public static func concatenate(_ chunks: [Chunk], types: [LogicalType], parallel: Bool = false) -> Chunk {
        if chunks.count == 1 { return chunks[0] }
        let total = chunks.reduce(0) { $0 + $1.count }
        let columns = Vector.columns(types, rows: total, parallel: parallel) { column in
            Vector.concatenate(chunks.map { $0.columns[column] }, type: types[column])
        }
        return Chunk(columns: columns, count: total)
    }

    /// Results of fewer rows than this make their columns on one thread.
    static let parallelMinimumRows = 65_536
}

extension Vector {
    /// One vector per type of `types`, `make(index)` each: with `parallel`, when there are several
    /// and `rows` reach ``Chunk/parallelMinimumRows``, made at once on the cores (each `make`
    /// call owns its column: they share nothing they write); otherwise one after another.
    static func columns(_ types: [LogicalType], rows: Int, parallel: Bool, _ make: @Sendable (Int) -> Vector) -> [Vector] {
        guard parallel, types.count > 1, rows >= Chunk.parallelMinimumRows else { return types.indices.map(make) }
        var columns = [Vector?](repeating: nil, count: types.count)
        columns.withUnsafeMutableBufferPointer { slots in
            let output = ConcurrentSlots(slots)
            DispatchQueue.concurrentPerform(iterations: types.count) { output.pointer[$0] = make($0) }
        }
        return columns.enumerated().map { $1 ?? Vector(type: types[$0], values: []) }
    }
}
