/// Runs work on a thread with a large stack, so deeply nested SQL cannot overflow it.

import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Binding, planning and evaluating recurse once per level of expression nesting; the parser
/// admits 1000 levels, which in a debug build needs more than the main thread's 8 MiB. Statements
/// therefore run on a thread whose stack is reserved (not committed) at 1 GiB.
///
/// Such threads are kept once made: creating one (and reserving its gigabyte) for every statement
/// was most of a trivial query's time through `starling serve` (280 µs a `SELECT 1`). At most
/// ``idleLimit`` wait for the next statement; more, started for statements running at the same
/// time, end when their statement does.
public enum LargeStack {
    static let size = 1 << 30
    /// The most threads kept waiting for work.
    static let idleLimit = 8

    private static let idle = Mutex<[Worker]>([])

    /// Set (to any non-nil value) on the threads made here: their stack is large already.
    private static let largeThreadKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Whether the calling thread is one of the large-stack threads made here.
    public static var isLargeStackThread: Bool { pthread_getspecific(largeThreadKey) != nil }

    /// Runs `body` on a large-stack thread and waits for it: on the calling thread when it is one
    /// already (a server's query thread, ``startThread(_:)``) or when no thread can be created.
    static func run(_ body: () -> Void) {
        if isLargeStackThread { return body() }
        withoutActuallyEscaping(body) { escapable in
            guard let worker = idle.withLock({ $0.popLast() }) ?? Worker.start() else {
                escapable()
                return
            }
            worker.perform(escapable)
            let kept = idle.withLock { workers in
                guard workers.count < idleLimit else { return false }
                workers.append(worker)
                return true
            }
            if !kept { worker.stop() }
        }
    }

    /// Starts a thread with a large stack that runs `body` (a server's query thread, which runs
    /// its statements itself rather than handing each to another thread); false when no thread
    /// can be created.
    public static func startThread(_ body: @escaping @Sendable () -> Void) -> Bool {
        final class Job {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let context = Unmanaged.passRetained(Job(body)).toOpaque()
        let created = createThread(context) { context in
            guard let context else { return nil }
            pthread_setspecific(LargeStack.largeThreadKey, context)
            Unmanaged<Job>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }
        if !created { Unmanaged<Job>.fromOpaque(context).release() }
        return created
    }

    /// A detached thread with a ``size`` stack running `start(context)`.
    fileprivate static func createThread(
        _ context: UnsafeMutableRawPointer,
        _ start: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?
    ) -> Bool {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, size)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Glibc)
            var thread = pthread_t()
        #else
            var thread: pthread_t?
        #endif
        return pthread_create(&thread, &attributes, start, context) == 0
    }

    /// One large-stack thread, waiting for a job at a time: the caller hands it over and waits
    /// until it is done, so the job may borrow the caller's state.
    private final class Worker: @unchecked Sendable {
        private let started = DispatchSemaphore(value: 0)
        private let finished = DispatchSemaphore(value: 0)
        /// The job to run next; nil tells the thread to end. Written by the caller before
        /// `started` is signalled and read by the thread after it waits on it.
        private var job: (() -> Void)?

        /// A new worker with its own thread, nil when no thread can be created.
        static func start() -> Worker? {
            let worker = Worker()
            let context = Unmanaged.passRetained(worker).toOpaque()
            let created = LargeStack.createThread(context) { context in
                guard let context else { return nil }
                pthread_setspecific(LargeStack.largeThreadKey, context)
                Unmanaged<Worker>.fromOpaque(context).takeRetainedValue().loop()
                return nil
            }
            guard created else {
                Unmanaged<Worker>.fromOpaque(context).release()
                return nil
            }
            return worker
        }

        /// Runs `body` on the worker's thread and waits for it.
        func perform(_ body: @escaping () -> Void) {
            job = body
            started.signal()
            finished.wait()
        }

        /// Ends the worker's thread (it is idle: between jobs).
        func stop() {
            job = nil
            started.signal()
        }

        private func loop() {
            while true {
                started.wait()
                guard runJob() else { return }
                finished.signal()
            }
        }

        /// Runs the job handed over, false when there is none (the thread ends). The job is let
        /// go of before this returns: the caller's `withoutActuallyEscaping` checks that nothing
        /// holds it once `finished` is signalled.
        private func runJob() -> Bool {
            guard let body = job else { return false }
            job = nil
            body()
            return true
        }
    }
}
