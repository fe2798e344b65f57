/// The threads statements run on: `--max-concurrent-queries` of them, taking work in arrival order.

import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import StarlingEngine

/// A fixed set of threads with large stacks (``LargeStack/startThread(_:)``), so the engine runs
/// each statement on the thread that took it instead of handing it to one more thread: one
/// thread switch less per statement than a pool of ordinary threads. Work is taken first come,
/// first served; after ``syncShutdownGracefully()`` what has not started runs as
/// `.cancelled`, as NIO's thread pool does.
final class QueryPool: @unchecked Sendable {
    typealias Work = @Sendable (NIOThreadPool.WorkItemState) -> Void

    private struct State {
        var queue: [Work] = []
        var head = 0
        var running = false
        var stopping = false
        var threads = 0
    }

    private let threadCount: Int
    private let lock = NIOLock()
    private var state = State()
    /// Signalled once per job queued, and once per thread at shutdown.
    private let available = DispatchSemaphore(value: 0)
    /// Signalled by each thread as it ends.
    private let ended = DispatchSemaphore(value: 0)

    init(numberOfThreads: Int) {
        threadCount = max(1, numberOfThreads)
    }

    /// Starts the threads (a thread that cannot be created leaves the others to do the work).
    func start() {
        let started = (0..<threadCount).filter { _ in LargeStack.startThread { [self] in loop() } }.count
        lock.withLock {
            state.running = true
            state.threads = started
        }
    }

    /// Queues `work`; it runs `.cancelled` at once when the pool is stopping or has no thread.
    func submit(_ work: @escaping Work) {
        let accepted: Bool = lock.withLock {
            guard state.running, !state.stopping, state.threads > 0 else { return false }
            state.queue.append(work)
            return true
        }
        guard accepted else { return work(.cancelled) }
        available.signal()
    }

    /// Runs `body` on the pool, its result on `eventLoop`; fails when the pool is stopping.
    func runIfActive<T: Sendable>(eventLoop: EventLoop, _ body: @escaping @Sendable () throws -> T) -> EventLoopFuture<
        T
    > {
        let promise = eventLoop.makePromise(of: T.self)
        submit { state in
            guard state == .active else { return promise.fail(NIOThreadPoolError.ThreadPoolInactive()) }
            promise.completeWith(Result { try body() })
        }
        return promise.futureResult
    }

    /// Lets queued work run `.cancelled`, ends the threads and waits for them.
    func syncShutdownGracefully() throws {
        let (threads, left): (Int, [Work]) = lock.withLock {
            guard !state.stopping else { return (0, []) }
            state.stopping = true
            let left = Array(state.queue[state.head...])
            state.queue.removeAll()
            state.head = 0
            return (state.threads, left)
        }
        for work in left { work(.cancelled) }
        for _ in 0..<threads { available.signal() }
        for _ in 0..<threads { ended.wait() }
    }

    private func loop() {
        while true {
            available.wait()
            let work: Work? = lock.withLock {
                guard state.head < state.queue.count else { return nil }
                let work = state.queue[state.head]
                state.head += 1
                if state.head == state.queue.count {
                    state.queue.removeAll(keepingCapacity: true)
                    state.head = 0
                }
                return work
            }
            if let work {
                work(.active)
                continue
            }
            if lock.withLock({ state.stopping }) {
                ended.signal()
                return
            }
        }
    }
}
