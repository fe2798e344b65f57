/// Sizes the executor splits its work by, and a testing mode that makes them tiny.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The batch, block and task sizes of the executor's operators, read once per process.
///
/// With the environment variable `STARLING_TINY_BATCHES` set (to anything), every size is a
/// handful of rows: a join's matches come out a few pairs at a time, every hash table is built
/// on all workers in tasks of a few rows, nested loops make blocks of a few pairs, and ordered
/// output hands on each chunk in its turn. Answers must not change; the random query checks in
/// `tools/` run with it to reach the seams of batches and tasks on small tables (as DuckDB's
/// `verify_parallelism` does). Never for production use: it is slow.
enum ExecutionTuning {
    /// Whether `STARLING_TINY_BATCHES` is set.
    static let tiny: Bool = getenv("STARLING_TINY_BATCHES") != nil

    /// The fewest pairs a hash join probe makes at once (see
    /// ``QueryExecutor/probeBatchPairs(_:)``).
    static let probeBatchMinimum = tiny ? 3 : 1 << 17
    /// Build sides with at least this many rows are numbered and chained on every core.
    static let parallelBuildRows = tiny ? 2 : 1 << 17
    /// Rows or slot words one task of a parallel hash table build takes.
    static let parallelBuildTask = tiny ? 4 : 1 << 16
    /// The most row pairs a nested-loop join forms before testing its condition on them.
    static let nestedLoopBlock = tiny ? 5 : 1 << 16
    /// Bytes a worker holds for a morsel not yet next in order before it waits for its turn.
    static let orderedBufferBytes = tiny ? 1 : 16 << 20
}
