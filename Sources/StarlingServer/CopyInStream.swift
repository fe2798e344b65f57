/// The input of one `COPY … FROM STDIN`, handed from the connection's event loop to the worker
/// that gathers it.

import Dispatch
import NIOConcurrencyHelpers
import NIOCore

/// CopyData payloads in arrival order, then the end (CopyDone) or the client's failure (CopyFail).
/// The event loop appends; the worker takes. At most about ``pauseAbove`` bytes wait: beyond
/// that ``append(_:)`` says to stop reading the socket, and the worker, once it has taken the
/// waiting bytes down to ``resumeBelow``, calls the resume handler the connection attached, so a
/// fast client cannot fill the server's memory. The worker polls for cancellation while it waits.
final class CopyInStream: @unchecked Sendable {
    /// One thing the client sent.
    enum Piece {
        case data(ByteBuffer)
        case done
        case failed(String)
    }

    static let pauseAbove = 8 << 20
    static let resumeBelow = 2 << 20

    private struct State {
        var pieces: [Piece] = []
        var head = 0
        var buffered = 0
        /// CopyDone or CopyFail arrived: nothing more is taken.
        var ended = false
        /// The worker stopped (an error): what arrives is dropped.
        var abandoned = false
        var consumerWaiting = false
        var paused = false
        var resume: (@Sendable () -> Void)?
    }

    private let lock = NIOLock()
    private var state = State()
    private let arrived = DispatchSemaphore(value: 0)

    /// Sets what the worker calls when reading may go on after ``append(_:)`` returned false.
    func attach(resume: @escaping @Sendable () -> Void) {
        lock.withLock { state.resume = resume }
    }

    /// Adds a CopyData payload (the event-loop side). False when the connection should stop
    /// reading until the resume handler is called.
    func append(_ bytes: ByteBuffer) -> Bool {
        let (keepReading, wake): (Bool, Bool) = lock.withLock {
            guard !state.ended, !state.abandoned else { return (true, false) }
            state.pieces.append(.data(bytes))
            state.buffered += bytes.readableBytes
            if state.buffered > Self.pauseAbove { state.paused = true }
            return (!state.paused, takeWaiter())
        }
        if wake { arrived.signal() }
        return keepReading
    }

    /// The end of the input (CopyDone), or the client's failure (CopyFail).
    func end(_ piece: Piece) {
        let wake: Bool = lock.withLock {
            guard !state.ended, !state.abandoned else { return false }
            state.ended = true
            state.pieces.append(piece)
            return takeWaiter()
        }
        if wake { arrived.signal() }
    }

    /// The worker gave up: what arrives later is dropped, and reading goes on if it was paused.
    func abandon() {
        let resume: (@Sendable () -> Void)? = lock.withLock {
            state.abandoned = true
            state.pieces.removeAll()
            state.buffered = 0
            defer { state.paused = false }
            return state.paused ? state.resume : nil
        }
        resume?()
    }

    /// The next piece (the worker side), waiting for it; nil once `cancelled()` is true.
    func next(cancelled: () -> Bool) -> Piece? {
        while true {
            let (piece, resume): (Piece?, (@Sendable () -> Void)?) = lock.withLock {
                guard state.head < state.pieces.count else {
                    state.pieces.removeAll(keepingCapacity: true)
                    state.head = 0
                    state.consumerWaiting = true
                    return (nil, nil)
                }
                let piece = state.pieces[state.head]
                state.head += 1
                if case .data(let bytes) = piece { state.buffered -= bytes.readableBytes }
                guard state.paused, state.buffered < Self.resumeBelow else { return (piece, nil) }
                state.paused = false
                return (piece, state.resume)
            }
            resume?()
            if let piece { return piece }
            if cancelled() { return nil }
            _ = arrived.wait(timeout: .now() + .milliseconds(50))
        }
    }

    /// Whether the worker waits and should be woken (called under the lock).
    private func takeWaiter() -> Bool {
        guard state.consumerWaiting else { return false }
        state.consumerWaiting = false
        return true
    }
}
