/// Reads the next batch on a background thread while the current ones are converted.

import Dispatch

/// Wraps a ``BatchReader`` so that `next()` hands out a batch read ahead of time and starts
/// reading the one after it, overlapping file reading and tokenizing with conversion.
final class BatchPrefetcher: @unchecked Sendable {
    private let reader: BatchReader
    private let queue = DispatchQueue(label: "starling.loader.prefetch")
    private let ready = DispatchSemaphore(value: 0)
    private var pending: Result<FieldBatch?, LoadError>?
    private var finished = false

    init(_ reader: BatchReader) {
        self.reader = reader
        start()
    }

    private func start() {
        queue.async { [self] in
            do throws(LoadError) {
                pending = .success(try reader.next())
            } catch {
                pending = .failure(error)
            }
            ready.signal()
        }
    }

    /// The next batch, or nil at the end of the file.
    func next() throws(LoadError) -> FieldBatch? {
        guard !finished else { return nil }
        ready.wait()
        let result = pending
        pending = nil
        switch result {
        case .success(let batch?):
            start()
            return batch
        case .success(nil), .none:
            finished = true
            return nil
        case .failure(let error):
            finished = true
            throw error
        }
    }

    /// Waits for any read in flight (so the reader is idle before its state is read).
    func drain() {
        guard !finished else { return }
        ready.wait()
        finished = true
    }
}
