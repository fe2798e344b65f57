/// Batches converted on worker threads without a barrier, their results taken back in file order.

import Dispatch
import StarlingColumns

/// Runs the per-batch work of a load on `threads` workers. Batch `i` goes to worker `i % threads`
/// (a serial queue), which tokenizes and converts it and, for fact and plain tables, appends its
/// accepted rows to that worker's own partition buffers, so which rows share a segment does not
/// depend on timing. Workers never wait for each other: a slow batch on one holds up only the
/// results behind it, while the other goes on with its next batch. The loader takes results back
/// in submission order (``takeOldest()``), so rejects, line numbers and dimension rows stay in
/// file order.
///
/// Worker queues are serial queues of their own, so they run on threads outside the global
/// pool that background segment writes use: a worker waiting for its previous write can never
/// hold the thread that write needs.
final class ConversionPipeline {
    let converter: BatchConverter
    let workers: [PartitionBuffers]
    private let queues: [DispatchQueue]
    /// Submitted batches whose results were not taken yet, oldest first.
    private var inFlight: [(done: DispatchSemaphore, slot: ResultSlot)] = []
    private var submitted = 0

    /// What a worker made of one batch.
    struct Result {
        var converted: ConvertedBatch
        var accepted: Int
        var error: LoadError?
    }

    /// Where a worker leaves one batch's result; read only after its semaphore is signalled.
    final class ResultSlot: @unchecked Sendable {
        var result: Result?
    }

    init(converter: BatchConverter, workers: [PartitionBuffers], threads: Int) {
        self.converter = converter
        self.workers = workers
        queues = (0..<max(threads, 1)).map { DispatchQueue(label: "starling.loader.worker.\($0)") }
    }

    /// Results not taken yet.
    var pending: Int { inFlight.count }

    /// Hands `batch` to its worker and returns at once.
    func submit(_ batch: FieldBatch) {
        let index = submitted
        submitted += 1
        let worker = index % queues.count
        let done = DispatchSemaphore(value: 0)
        let slot = ResultSlot()
        inFlight.append((done, slot))
        let work = UncheckedSendable((converter, worker < workers.count ? workers[worker] : nil, batch))
        queues[worker].async {
            let (converter, buffers, batch) = work.value
            batch.tokenize()
            let converted = converter.convert(batch)
            var result = Result(converted: converted, accepted: 0, error: nil)
            if let buffers {
                do throws(LoadError) { result.accepted = try buffers.append(converted) } catch { result.error = error }
            }
            slot.result = result
            done.signal()
        }
    }

    /// Waits for the oldest submitted batch's result and takes it.
    func takeOldest() -> Result? {
        guard !inFlight.isEmpty else { return nil }
        let (done, slot) = inFlight.removeFirst()
        done.wait()
        return slot.result
    }

    /// Waits for every submitted batch (results dropped): the workers must be idle before the
    /// buffers they append to are flushed or abandoned.
    func waitForAll() {
        while takeOldest() != nil {}
    }
}
