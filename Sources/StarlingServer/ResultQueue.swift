/// The bounded hand-over of a statement's results from the worker thread running it to the
/// connection's event loop.

import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import StarlingEngine
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
    /// A `COPY … TO STDOUT`: the query's columns and rows that follow go out as CopyData in
    /// this format.
    case copyOut(CopyFormat)
    /// A `COPY … FROM STDIN` waits for the client's rows (of `columns` columns) in `stream`.
    case copyIn(columns: Int, CopyInStream)
    /// The worker is done: no more items.
    case end
}

extension ResultItem {
    /// Whether the event loop should be woken for this item: columns (a Describe waits for
    /// them), rows, the end, and a COPY waiting for the client's input. The others (a command
    /// tag, an error, a setting) are always followed by the end or by more of the statement.
    var wakesConsumer: Bool {
        switch self {
        case .columns, .chunk, .end, .copyIn: return true
        case .complete, .empty, .failed, .parameterStatus, .copyOut: return false
        }
    }
}

/// A queue between one worker (producer) and the event loop (consumer) that holds at most
/// ``capacity`` chunks: the worker waits for room, so a slow client holds back the query rather
/// than letting its rows pile up in memory. The event loop is told (once per batch, through
/// `notify`) when items arrive; ``close()`` makes the worker's further writes return false.
///
/// The worker waits on a semaphore that starts at zero and is signalled only when it waits (a
/// semaphore released below its starting value at deallocation is a libdispatch trap).
final class ResultQueue: @unchecked Sendable {
    static let capacity = 2

    private struct State {
        var items: [ResultItem] = []
        var head = 0
        var closed = false
        var notifyPending = false
        /// Chunks pushed and not yet taken (or reserved by a push about to append one).
        var chunks = 0
        /// The worker waits for room.
        var producerWaiting = false
    }

    private let lock = NIOLock()
    private var state = State()
    private let room = DispatchSemaphore(value: 0)
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
        if case .chunk = item {
            while true {
                let outcome: Bool? = lock.withLock {
                    if state.closed { return false }
                    if state.chunks < ResultQueue.capacity {
                        state.chunks += 1
                        return true
                    }
                    state.producerWaiting = true
                    return nil
                }
                guard let outcome else {
                    room.wait()
                    continue
                }
                guard outcome else { return false }
                break
            }
        }
        let wake: Bool? = lock.withLock {
            guard !state.closed else { return nil }
            state.items.append(item)
            // What comes before a statement's rows or its end waits for them: one wake-up of the
            // event loop, not one per item (each is a thread switch).
            guard item.wakesConsumer, !state.notifyPending else { return false }
            state.notifyPending = true
            return true
        }
        guard let wake else { return false }
        if wake {
            let notify = self.notify
            eventLoop.execute { notify() }
        }
        return true
    }

    var isClosed: Bool { lock.withLock { state.closed } }

    /// The next item (the event-loop side), nil when none is waiting yet.
    func take() -> ResultItem? {
        let (item, wakeProducer): (ResultItem?, Bool) = lock.withLock {
            guard state.head < state.items.count else {
                state.items.removeAll(keepingCapacity: true)
                state.head = 0
                state.notifyPending = false
                return (nil, false)
            }
            let item = state.items[state.head]
            state.head += 1
            guard case .chunk = item else { return (item, false) }
            state.chunks -= 1
            let waiting = state.producerWaiting
            state.producerWaiting = false
            return (item, waiting)
        }
        if wakeProducer { room.signal() }
        return item
    }

    /// Stops the producer: items are dropped and a waiting write returns.
    func close() {
        let wakeProducer: Bool = lock.withLock {
            guard !state.closed else { return false }
            state.closed = true
            state.items.removeAll()
            state.head = 0
            state.chunks = 0
            let waiting = state.producerWaiting
            state.producerWaiting = false
            return waiting
        }
        if wakeProducer { room.signal() }
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
