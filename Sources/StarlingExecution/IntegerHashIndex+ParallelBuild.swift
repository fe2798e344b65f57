/// Building a direct-mode ``IntegerHashIndex`` over a join's build keys on every core.

import Dispatch
import StarlingColumns

extension IntegerHashIndex {
    /// Rows or slot words one task takes in a parallel build.
    static let parallelBuildTask = ExecutionTuning.parallelBuildTask

    /// A direct-mode index over `values` (rows flagged in `nulls` aside), whose keys all lie in
    /// `low ..< low + span`, and each row's key number (-1 for NULL), built on `threads` workers.
    ///
    /// Keys are numbered in key order rather than in order of arrival, so that no step depends
    /// on another worker's: each worker marks the keys of its rows in a bitmap of its own; the
    /// bitmaps are merged a range of slots at a time, which numbers the slots present and writes
    /// every slot (-1 where no key is) in one pass instead of clearing the slots first; then each
    /// row looks its number up. Cancellation is checked between tasks.
    static func buildDirect(
        _ values: UnsafeBufferPointer<Int64>, nulls: [Bool]?, low: Int64, span: Int, threads: Int,
        control: QueryControl?
    ) throws(QueryError) -> (IntegerHashIndex, [Int32]) {
        precondition(span > 0 && threads > 0)
        let rows = values.count
        let words = (span + 63) / 64
        let workers = max(1, threads)
        // Each worker's bitmap of the slots its rows reach.
        let bitmaps = (0..<workers).map { _ in
            let bitmap = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
            bitmap.initialize(repeating: 0, count: words)
            return UncheckedSendable(bitmap)
        }
        defer { for bitmap in bitmaps { bitmap.value.deallocate() } }
        let rowTasks = (rows + parallelBuildTask - 1) / parallelBuildTask
        let source = UncheckedSendable(values)
        try QueryExecutor.forEachTask(rowTasks, threads: workers, control: control) { (task, worker) in
            let bitmap = bitmaps[worker].value
            let values = source.value
            let start = task * parallelBuildTask
            for row in start..<min(rows, start + parallelBuildTask) where !(nulls?[row] ?? false) {
                let slot = Int(truncatingIfNeeded: values[row] &- low)
                bitmap[slot >> 6] |= 1 << UInt64(slot & 63)
            }
        }
        // Merged into the first bitmap a range of words at a time, counting the keys of each.
        let wordTasks = (words + parallelBuildTask - 1) / parallelBuildTask
        var keysBefore = [Int](repeating: 0, count: wordTasks + 1)
        try keysBefore.withUnsafeMutableBufferPointer { (counts) throws(QueryError) in
            let counts = ConcurrentSlots(counts)
            try QueryExecutor.forEachTask(wordTasks, threads: workers, control: control) { (task, _) in
                let merged = bitmaps[0].value
                var keys = 0
                for word in task * parallelBuildTask..<min(words, (task + 1) * parallelBuildTask) {
                    var bits = merged[word]
                    for other in bitmaps.dropFirst() { bits |= other.value[word] }
                    merged[word] = bits
                    keys += bits.nonzeroBitCount
                }
                counts.pointer[task + 1] = keys
            }
        }
        for task in 0..<wordTasks { keysBefore[task + 1] += keysBefore[task] }
        let distinct = keysBefore[wordTasks]
        let slots = UnsafeMutablePointer<Int32>.allocate(capacity: span)
        let keyCapacity = distinct + 1
        let keys = UnsafeMutablePointer<Int64>.allocate(capacity: keyCapacity)
        // The index owns the buffers from here, so a cancelled fill frees them with it.
        let index = IntegerHashIndex(
            directSlots: slots, base: low, span: span, keys: keys, keyCapacity: keyCapacity, count: distinct)
        let output = UncheckedSendable((slots, keys))
        let firstNumbers = keysBefore
        try QueryExecutor.forEachTask(wordTasks, threads: workers, control: control) { (task, _) in
            let (slots, keys) = output.value
            let merged = bitmaps[0].value
            var number = firstNumbers[task]
            for word in task * parallelBuildTask..<min(words, (task + 1) * parallelBuildTask) {
                let first = word * 64
                let end = min(span, first + 64)
                (slots + first).update(repeating: -1, count: end - first)
                var bits = merged[word]
                while bits != 0 {
                    let slot = first + bits.trailingZeroBitCount
                    bits &= bits &- 1
                    slots[slot] = Int32(truncatingIfNeeded: number)
                    keys[number] = low &+ Int64(slot)
                    number += 1
                }
            }
        }
        // Every row's number written once, by the workers (so are the array's fresh pages).
        var failure: QueryError?
        let numbers = [Int32](unsafeUninitializedCapacity: rows) { buffer, initialized in
            let numbers = ConcurrentSlots(buffer)
            do throws(QueryError) {
                try QueryExecutor.forEachTask(rowTasks, threads: workers, control: control) { (task, _) in
                    let values = source.value
                    let slots = output.value.0
                    let start = task * parallelBuildTask
                    for row in start..<min(rows, start + parallelBuildTask) {
                        numbers.pointer[row] =
                            nulls?[row] ?? false ? -1 : slots[Int(truncatingIfNeeded: values[row] &- low)]
                    }
                }
                initialized = rows
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return (index, numbers)
    }

    /// `count` copies of `value`, written by `threads` workers a contiguous share each: the
    /// fresh pages of a large array are touched (faulted in) on every core, not on one.
    static func filledArray(_ value: Int32, count: Int, threads: Int) -> [Int32] {
        guard threads > 1, count >= parallelBuildTask else { return [Int32](repeating: value, count: count) }
        return [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            let shared = ConcurrentSlots(buffer)
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                let start = count * worker / threads
                let end = count * (worker + 1) / threads
                UnsafeMutableBufferPointer(rebasing: shared.pointer[start..<end]).initialize(repeating: value)
            }
            initialized = count
        }
    }
}
