/// Tests of the large-stack threads statements run on: kept between statements, deep recursion on
/// each, many at once.

import Dispatch
import Synchronization
import Testing

@testable import StarlingEngine

@Suite("Large stack")
struct LargeStackTests {
    /// Recursion `depth` deep, each frame holding a few hundred bytes: far past 8 MiB at 100,000.
    private static func depth(_ levels: Int) -> Int {
        var frame = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        frame.0 = levels
        return levels == 0 ? frame.0 : 1 + depth(levels - 1) + frame.15
    }

    @Test("statements one after another and many at once each get a deep stack, and the work is done")
    func reusedAndConcurrent() {
        for round in 0..<50 {
            var result = 0
            LargeStack.run { result = Self.depth(100_000) }
            #expect(result == 100_000, "round \(round)")
        }
        // More at once than threads are kept idle: the extra ones end when their work does.
        let total = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 3 * LargeStack.idleLimit) { _ in
            var result = 0
            LargeStack.run { result = Self.depth(50_000) }
            total.withLock { $0 += result }
        }
        #expect(total.withLock { $0 } == 3 * LargeStack.idleLimit * 50_000)
    }
}
