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
    /// A hash join's build: the rows put in its table, and the time the table took to build
    /// (wall time, on every core), apart from `nanoseconds`, which is the probes'.
    public var buildRows = 0
    public var buildNanoseconds: UInt64 = 0

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
///
/// Reservations are operators' estimates. Every ``checkInterval`` bytes of them, the budget also
/// compares what the process really holds (``AnonymousMemory``: heap and decoded data, not the
/// mapped segment files) with what it held when the query began, so a query whose state outgrows
/// its estimates, or that decodes much it never reserved, still stops near the limit rather than
/// at several times it.
public final class MemoryBudget: Sendable {
    public let limit: Int
    private let used = Atomic<Int>(0)
    /// Anonymous resident bytes when the query began (nil where they cannot be read).
    private let baseline: Int?
    /// Bytes reserved since the last look at what the process holds.
    private let sinceCheck = Atomic<Int>(0)
    /// How many reserved bytes between two looks at what the process holds.
    static let checkInterval = 4 << 20

    public init(limit: Int) {
        self.limit = limit
        baseline = AnonymousMemory.residentBytes()
    }

    /// Reserves `bytes` for `operatorName`, or throws naming it when the limit would be passed.
    public func reserve(_ bytes: Int, for operatorName: String) throws(QueryError) {
        // Requests are taken as at most Int.max / 2, so the sum cannot wrap.
        let asked = Swift.min(bytes, Int.max / 2)
        let total = used.add(asked, ordering: .relaxed).newValue
        if total > limit || total < 0 {
            // What failed is given back: the error says what was asked for beside what is held.
            let held = used.subtract(asked, ordering: .relaxed).newValue
            throw exceeded(operatorName, asking: bytes, holding: held)
        }
        if sinceCheck.add(asked, ordering: .relaxed).newValue >= Self.checkInterval {
            sinceCheck.store(0, ordering: .relaxed)
            if let baseline, let now = AnonymousMemory.residentBytes(), now - baseline > limit {
                used.subtract(asked, ordering: .relaxed)
                throw exceeded(operatorName, asking: bytes, holding: now - baseline)
            }
        }
    }

    private func exceeded(_ operatorName: String, asking bytes: Int, holding held: Int) -> QueryError {
        QueryError(
            .memoryLimit,
            "\(operatorName) needs \(Self.describe(bytes)) more with \(Self.describe(held)) in use, "
                + "over the memory limit of \(Self.describe(limit)); raise the limit (--memory-limit, or SET memory_limit = '8GB') "
                + "or narrow the query")
    }

    /// The bytes reserved now (what operators hold by their estimates).
    public var reservedBytes: Int { used.load(ordering: .relaxed) }

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
