/// The hand-over of results from a worker to the event loop: at most two chunks held, the worker
/// waiting for room, close() releasing it, and a queue dropped while chunks are held.

import Dispatch
import NIOCore
import NIOPosix
import StarlingColumns
import StarlingExecution
import Synchronization
import Testing

@testable import StarlingServer

@Suite("ResultQueue")
struct ResultQueueTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    static func chunk(_ value: Int64) -> Chunk {
        Chunk(columns: [Vector(type: .bigint, values: [.integer(value)])], count: 1)
    }

    static func makeQueue() -> ResultQueue {
        ResultQueue(eventLoop: group.next()) {}
    }

    @Test("the third chunk waits until one is taken; items come out in order")
    func capacity() async throws {
        let queue = Self.makeQueue()
        #expect(queue.push(.columns([PlanColumn(name: "a", type: .bigint)])))
        #expect(queue.push(.chunk(Self.chunk(1))))
        #expect(queue.push(.chunk(Self.chunk(2))))
        let pushed = Shared()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = queue.push(.chunk(Self.chunk(3)))
            pushed.set(1)
            done.signal()
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(pushed.current == 0)
        guard case .columns = queue.take() else {
            Issue.record("expected the columns first")
            return
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(pushed.current == 0)
        guard case .chunk(let first) = queue.take() else {
            Issue.record("expected a chunk")
            return
        }
        #expect(first.columns.first?.value(at: 0) == .integer(1))
        done.wait()
        #expect(pushed.current == 1)
        guard case .chunk(let second) = queue.take(), case .chunk(let third) = queue.take() else {
            Issue.record("expected two chunks")
            return
        }
        #expect(second.columns.first?.value(at: 0) == .integer(2))
        #expect(third.columns.first?.value(at: 0) == .integer(3))
        #expect(queue.take().isNone)
    }

    @Test("close() releases a waiting worker, whose writes then fail")
    func close() async throws {
        let queue = Self.makeQueue()
        #expect(queue.push(.chunk(Self.chunk(1))))
        #expect(queue.push(.chunk(Self.chunk(2))))
        let result = Shared()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            result.set(queue.push(.chunk(Self.chunk(3))) ? 1 : 2)
            done.signal()
        }
        try await Task.sleep(for: .milliseconds(50))
        queue.close()
        done.wait()
        #expect(result.current == 2)
        #expect(!queue.push(.complete("SELECT 3")))
        #expect(queue.take().isNone)
    }

    @Test("a queue dropped with chunks taken, held or closed does not trap")
    func dropped() {
        for taken in 0...2 {
            let queue = Self.makeQueue()
            _ = queue.push(.chunk(Self.chunk(1)))
            _ = queue.push(.chunk(Self.chunk(2)))
            for _ in 0..<taken { _ = queue.take() }
            if taken == 1 { queue.close() }
        }
    }
}

extension Optional where Wrapped == ResultItem {
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}

/// A value set on one thread and read on another.
final class Shared: Sendable {
    private let value = Mutex<Int>(0)
    func set(_ new: Int) { value.withLock { $0 = new } }
    var current: Int { value.withLock { $0 } }
}
