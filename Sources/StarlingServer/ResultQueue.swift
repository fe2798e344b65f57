/// The bounded hand-over of a statement's results from the worker thread running it to the
/// connection's event loop.

import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import StarlingExecution
import StarlingWire

/// One thing a running statement produced, in order.
enum ResultItem {
    /// A query's columns, before its rows.
    case columns([PlanColumn])
    case chunk(Chunk)
    /// The statement finished: its command tag.
    case complete(String)
    /// The statement text was empty.
    case empty
    /// The statement failed; nothing after it runs.
    case failed(ErrorFields)
    /// A client setting changed: reported to the client with ParameterStatus.
    case parameterStatus(name: String, value: String)
    /// The worker is done: no more items.
    case end
}

/// A queue between one worker (producer) and the event loop (consumer) that holds at most
/// ``capacity`` chunks: the worker waits for room, so a slow client holds back the query rather
/// than letting its rows pile up in memory. The event loop is told (once per batch, through
/// `notify`) when items arrive; ``close()`` makes the worker's further writes return false.
final class ResultQueue: @unchecked Sendable {
    static let capacity = 2

    private struct State {
        var items: [ResultItem] = []
        var head = 0
        var closed = false
        var notifyPending = false
    }

    private let lock = NIOLock()
    private var state = State()
    private let room = DispatchSemaphore(value: ResultQueue.capacity)
    private let eventLoop: EventLoop
    /// Called on the event loop when items are waiting.
    private let notify: @Sendable () -> Void

    init(eventLoop: EventLoop, notify: @escaping @Sendable () -> Void) {
        self.eventLoop = eventLoop
        self.notify = notify
    }

    /// Adds `item` (the worker side), waiting for room first when it is a chunk. False when the
    /// consumer closed the queue: the statement should stop.
    @discardableResult
    func push(_ item: ResultItem) -> Bool {
        if isClosed { return false }
        if case .chunk = item {
            room.wait()
        }
        let wake: Bool = lock.withLock {
            guard !state.closed else { return false }
            state.items.append(item)
            guard !state.notifyPending else { return false }
            state.notifyPending = true
            return true
        }
        if wake {
            let notify = self.notify
            eventLoop.execute { notify() }
        }
        return !isClosed
    }

    var isClosed: Bool { lock.withLock { state.closed } }

    /// The next item (the event-loop side), nil when none is waiting yet.
    func take() -> ResultItem? {
        let item: ResultItem? = lock.withLock {
            guard state.head < state.items.count else {
                state.items.removeAll(keepingCapacity: true)
                state.head = 0
                state.notifyPending = false
                return nil
            }
            let item = state.items[state.head]
            state.head += 1
            return item
        }
        if case .chunk = item { room.signal() }
        return item
    }

    /// Stops the producer: items are dropped and a waiting write returns.
    func close() {
        let wasOpen: Bool = lock.withLock {
            guard !state.closed else { return false }
            state.closed = true
            state.items.removeAll()
            state.head = 0
            return true
        }
        if wasOpen {
            for _ in 0..<ResultQueue.capacity { room.signal() }
        }
    }
}

/// The sink a worker runs a query into: columns and chunks go to a ``ResultQueue``.
final class QueueSink: ResultSink {
    let queue: ResultQueue
    private(set) var rows = 0

    init(_ queue: ResultQueue) {
        self.queue = queue
    }

    func start(_ columns: [PlanColumn]) throws(QueryError) {
        rows = 0
        queue.push(.columns(columns))
    }

    func write(_ chunk: Chunk) throws(QueryError) -> Bool {
        rows += chunk.count
        return queue.push(.chunk(chunk))
    }

    func finish() throws(QueryError) {}
}
