/// Reads batches ahead on a background thread while earlier ones are converted.

import Dispatch
import Synchronization

/// Wraps a ``BatchReader`` so that file reading and tokenizing overlap conversion: a background
/// thread keeps up to `depth` batches ready, and `next()` hands them out in order.
final class BatchPrefetcher: @unchecked Sendable {
    private let reader: BatchReader
    private let queue = DispatchQueue(label: "starling.loader.prefetch")
    /// Free places in the read-ahead queue, and batches ready in it.
    private let space: DispatchSemaphore
    private let ready = DispatchSemaphore(value: 0)
    private let results = Mutex<[Result<FieldBatch?, LoadError>]>([])
    private let stop = Atomic<Bool>(false)
    private var finished = false
    private let done = DispatchSemaphore(value: 0)

    init(_ reader: BatchReader, depth: Int) {
        self.reader = reader
        space = DispatchSemaphore(value: max(depth, 1))
        queue.async { [self] in
            defer { done.signal() }
            while true {
                space.wait()
                if stop.load(ordering: .relaxed) { return }
                let result: Result<FieldBatch?, LoadError>
                do throws(LoadError) {
                    result = .success(try self.reader.next())
                } catch {
                    result = .failure(error)
                }
                results.withLock { $0.append(result) }
                ready.signal()
                switch result {
                case .success(.some): continue
                default: return
                }
            }
        }
    }

    /// The next batch, or nil at the end of the file.
    func next() throws(LoadError) -> FieldBatch? {
        guard !finished else { return nil }
        ready.wait()
        let result = results.withLock { $0.removeFirst() }
        space.signal()
        switch result {
        case .success(let batch?):
            return batch
        case .success(nil):
            finished = true
            return nil
        case .failure(let error):
            finished = true
            throw error
        }
    }

    /// Stops reading ahead and waits for the background thread to finish, so the reader is idle
    /// before its state is read. Batches read ahead but never taken (the load stopped at an error)
    /// are dropped and their places given back: libdispatch traps when a semaphore is released
    /// below its initial value, so `space` must end at least where it started.
    func drain() {
        stop.store(true, ordering: .relaxed)
        space.signal()
        done.wait()
        let untaken = results.withLock { results in
            defer { results.removeAll() }
            return results.count
        }
        for _ in 0..<untaken { space.signal() }
        finished = true
    }
}
