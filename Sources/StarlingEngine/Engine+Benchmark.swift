/// Running one query for a benchmark: its rows, and what its scans read.

import StarlingColumns
import StarlingExecution
import StarlingSQL
import StarlingStorage

/// One timed execution of a query.
public struct BenchmarkSample: Sendable {
    /// Result rows.
    public let rows: Int
    /// Rows the scans decoded (after partition, segment and zone-map pruning).
    public let rowsScanned: Int
    /// Stored bytes of the chunks the scans read.
    public let bytesScanned: Int
    /// Planning (including reading the dimensions of star joins) and execution, in nanoseconds.
    public let nanoseconds: UInt64

    public init(rows: Int, rowsScanned: Int, bytesScanned: Int, nanoseconds: UInt64) {
        self.rows = rows
        self.rowsScanned = rowsScanned
        self.bytesScanned = bytesScanned
        self.nanoseconds = nanoseconds
    }
}

extension Engine {
    /// Plans and runs `query` at the current snapshot once, timing it and adding up its scans.
    public func benchmark(_ query: Query, script: String) throws(EngineError) -> BenchmarkSample {
        do {
            let started = DispatchClock.now()
            let catalog = try warehouse.catalog()
            let planner = planner(catalog)
            let plan = try planner.physicalPlan(query)
            let profile = ExecutionProfile()
            let result = try planner.executor(profile: profile).execute(plan)
            let elapsed = DispatchClock.now() - started
            var rowsScanned = 0
            var bytesScanned = 0
            func visit(_ node: PlanNode) {
                if case .scan = node.operation {
                    let counters = profile.counters(for: node.identifier)
                    rowsScanned += counters.rowsIn
                    bytesScanned += counters.bytesRead
                }
                node.children.forEach(visit)
            }
            visit(plan)
            return BenchmarkSample(rows: result.count, rowsScanned: rowsScanned, bytesScanned: bytesScanned, nanoseconds: elapsed)
        } catch {
            throw Self.engineError(error, script: script)
        }
    }
}
