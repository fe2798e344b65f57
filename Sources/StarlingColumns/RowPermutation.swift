/// A row order known to be a permutation, for moving rows into it with one write each.

/// A row order checked to be a permutation, with where each row goes.
public struct RowPermutation: Sendable {
    /// Row `r` goes to position `destinations[r]`; every position in `0..<count` once.
    public let destinations: [Int32]

    /// The permutation that puts row `order[i]` at position `i`, or nil unless `order` holds
    /// each of `0..<order.count` exactly once.
    public init?(order: [Int32]) {
        let count = order.count
        guard count <= Int(Int32.max) else { return nil }
        var complete = true
        let destinations = [Int32](unsafeUninitializedCapacity: count) { destinations, initialized in
            for index in 0..<count { destinations[index] = -1 }
            initialized = count
            order.withUnsafeBufferPointer { order in
                for (position, row) in order.enumerated() {
                    let row = Int(row)
                    guard row >= 0, row < count, destinations[row] < 0 else { complete = false; return }
                    destinations[row] = Int32(truncatingIfNeeded: position)
                }
            }
        }
        guard complete else { return nil }
        self.destinations = destinations
    }

    /// The number of rows.
    public var count: Int { destinations.count }
}
