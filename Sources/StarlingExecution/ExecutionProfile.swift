/// Counters per plan node for `EXPLAIN ANALYZE`, and the memory budget a query runs under.

import Synchronization

/// What one operator did.
public struct OperatorCounters: Sendable {
    public var rowsIn = 0
    public var rowsOut = 0
    /// Time spent in the operator itself, summed over workers, in nanoseconds.
    public var nanoseconds: UInt64 = 0
    public var rowGroupsRead = 0
    public var rowGroupsSkipped = 0
    public var bytesRead = 0

    public init() {}
}

/// Counters per plan node, filled by workers concurrently.
public final class ExecutionProfile: Sendable {
    private let counters = Mutex<[Int: OperatorCounters]>([:])

    public init() {}

    /// Adds to node `identifier`'s counters.
    func record(_ identifier: Int, _ update: (inout OperatorCounters) -> Void) {
        counters.withLock { all in
            var entry = all[identifier] ?? OperatorCounters()
            update(&entry)
            all[identifier] = entry
        }
    }

    /// The counters of node `identifier`.
    public func counters(for identifier: Int) -> OperatorCounters {
        counters.withLock { $0[identifier] ?? OperatorCounters() }
    }
}

/// Monotonic nanoseconds.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    DispatchTime.now().uptimeNanoseconds
}

/// The memory a query's materialised state may take; operators reserve before they grow.
public final class MemoryBudget: Sendable {
    public let limit: Int
    private let used = Atomic<Int>(0)

    public init(limit: Int) {
        self.limit = limit
    }

    /// Reserves `bytes` for `operatorName`, or throws naming it when the limit would be passed.
    public func reserve(_ bytes: Int, for operatorName: String) throws(QueryError) {
        // Requests are taken as at most Int.max / 2, so the sum cannot wrap.
        let asked = Swift.min(bytes, Int.max / 2)
        let total = used.add(asked, ordering: .relaxed).newValue
        if total > limit || total < 0 {
            // What failed is given back: the error says what was asked for beside what is held.
            let held = used.subtract(asked, ordering: .relaxed).newValue
            throw QueryError(
                .memoryLimit,
                "\(operatorName) needs \(Self.describe(bytes)) more with \(Self.describe(held)) in use, over the memory limit of "
                    + "\(Self.describe(limit)); raise the limit (--memory-limit, or SET memory_limit = '8GB') "
                    + "or narrow the query")
        }
    }

    /// Returns `bytes` to the budget.
    public func release(_ bytes: Int) {
        used.subtract(bytes, ordering: .relaxed)
    }

    /// `1.5 GiB`, `300 MiB`.
    public static func describe(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : (value >= 10 ? "\(Int(value.rounded())) \(units[unit])" : "\(Double(Int(value * 10)) / 10) \(units[unit])")
    }
}

import Dispatch
