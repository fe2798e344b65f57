/// The server's query threads: large stacks, work in order, shutdown.

import Dispatch
import NIOConcurrencyHelpers
import NIOPosix
import StarlingEngine
import Testing

@testable import StarlingServer

@Suite("QueryPool")
struct QueryPoolTests {
    @Test("work runs on large-stack threads, first come first served; after shutdown, cancelled")
    func pool() throws {
        let pool = QueryPool(numberOfThreads: 1)
        pool.start()
        let seen = NIOLockedValueBox<[Int]>([])
        let large = NIOLockedValueBox(true)
        let done = DispatchSemaphore(value: 0)
        for number in 0..<20 {
            pool.submit { state in
                #expect(state == .active)
                large.withLockedValue { $0 = $0 && LargeStack.isLargeStackThread }
                seen.withLockedValue { $0.append(number) }
                if number == 19 { done.signal() }
            }
        }
        done.wait()
        #expect(seen.withLockedValue { $0 } == Array(0..<20))
        #expect(large.withLockedValue { $0 })
        #expect(!LargeStack.isLargeStackThread)
        try pool.syncShutdownGracefully()
        let cancelled = NIOLockedValueBox(false)
        pool.submit { state in cancelled.withLockedValue { $0 = state == .cancelled } }
        #expect(cancelled.withLockedValue { $0 })
    }
}
