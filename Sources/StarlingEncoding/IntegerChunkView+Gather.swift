/// Decoding the selected rows of an integer chunk straight to `Int64`.

extension IntegerChunkView {
    /// The values at `rows` (every row when nil), in that order, widened to `Int64`.
    public func gather(_ rows: [Int32]?) throws(EncodedDataError) -> [Int64] {
        if let rows, let ascending = AscendingRows(rows, limit: count) { return try gather(ascending) }
        try checkRows(rows)
        if case .runs = layout, rows == nil { return expandedRuns() }
        if case .packed(let reference) = layout, rows == nil { return unpackedAll(reference: reference) }
        return try gatherEach(rows)
    }

    /// The values at `selection`'s rows, in order, widened to `Int64`. When the rows are most
    /// of the chunk, a bit-packed or dictionary chunk is unpacked a block at a time with the
    /// grouped loops and the selected rows taken from each block while it is in cache; fewer
    /// rows are each unpacked at their own offset.
    public func gather(_ selection: AscendingRows) throws(EncodedDataError) -> [Int64] {
        guard selection.limit == count else {
            throw EncodedDataError(
                offset: 0, reason: "rows of a chunk of \(selection.limit) rows asked of one of \(count)")
        }
        let rows = selection.rows
        if rows.count &* 2 >= count {
            switch layout {
            case .packed(let reference):
                return gatherInBlocks(rows) { reference &+ Int64(bitPattern: $0) }.values
            case .dictionary:
                let (values, largest) = entries.withUnsafeBufferPointer { entries in
                    // A code past the dictionary reads entry 0 here, and is reported below.
                    let entryCount = UInt64(entries.count)
                    return gatherInBlocks(rows) { code in entries[code < entryCount ? Int(code) : 0] }
                }
                guard largest < UInt64(entries.count) else { throw .codePastDictionary(largest, size: entries.count) }
                return values
            case .runs, .plain:
                break
            }
        }
        return try gatherEach(rows)
    }

    /// `transform` of the packed value of each of `rows` (ascending, below `count`), taken
    /// from blocks of values unpacked in order; also the largest packed value taken. `bytes`
    /// holds all `count` values (checked when the view was made).
    @inline(__always)
    private func gatherInBlocks(_ rows: [Int32], _ transform: (UInt64) -> Int64) -> (values: [Int64], largest: UInt64) {
        var largest: UInt64 = 0
        let values = rows.withUnsafeBufferPointer { rows in
            [Int64](unsafeUninitializedCapacity: rows.count) { output, initialized in
                let total = rows.count
                var position = 0
                BitPacking.unpackBlocks(bytes, count: count, width: width) { first, block in
                    // The rows in this block follow one another in `rows`, each at or after
                    // `first` (the rows before were below it).
                    let end = first &+ block.count
                    var next = position
                    var blockLargest: UInt64 = 0
                    while next < total, Int(rows[next]) < end {
                        let packed = block[Int(rows[next]) &- first]
                        blockLargest = Swift.max(blockLargest, packed)
                        output[next] = transform(packed)
                        next &+= 1
                    }
                    position = next
                    largest = Swift.max(largest, blockLargest)
                }
                // Every row is below `count`, so every row was in a block; zeros all the same,
                // should a block come short.
                for next in position..<total { output[next] = 0 }
                initialized = total
            }
        }
        return (values, largest)
    }

    /// Every value of a run-length chunk, in order: each run's value written over its rows
    /// (the run ends ascend strictly to `count`: checked when the view was made). Away from the
    /// end, a run first gets eight copies in two vector stores, whatever its length: the next
    /// run overwrites the copies past its end, and only runs longer than eight rows loop, so
    /// short runs of varying length cost no mispredicted loop exit.
    func expandedRuns() -> [Int64] {
        runEnds.withUnsafeBufferPointer { ends in
            entries.withUnsafeBufferPointer { values in
                [Int64](unsafeUninitializedCapacity: count) { output, initialized in
                    guard let base = output.baseAddress else {
                        initialized = 0
                        return
                    }
                    let raw = UnsafeMutableRawPointer(base)
                    let limit = count
                    var start = 0
                    for run in 0..<Swift.min(ends.count, values.count) {
                        let end = Swift.min(Int(ends[run]), limit)
                        let value = values[run]
                        if start &+ 8 <= limit {
                            let copies = SIMD4<Int64>(repeating: value)
                            raw.storeBytes(of: copies, toByteOffset: start &* 8, as: SIMD4<Int64>.self)
                            raw.storeBytes(of: copies, toByteOffset: start &* 8 &+ 32, as: SIMD4<Int64>.self)
                            var next = start &+ 8
                            while next < end {
                                base[next] = value
                                next &+= 1
                            }
                        } else {
                            var next = start
                            while next < end {
                                base[next] = value
                                next &+= 1
                            }
                        }
                        start = Swift.max(start, end)
                    }
                    // The last run ends at `count`; zeros all the same, should it not.
                    while start < limit {
                        base[start] = 0
                        start &+= 1
                    }
                    initialized = limit
                }
            }
        }
    }

    /// Every value of a bit-packed chunk, in order, by the grouped unpacking loops (`bytes`
    /// holds all `count` values: checked when the view was made).
    func unpackedAll(reference: Int64) -> [Int64] {
        [Int64](unsafeUninitializedCapacity: count) { output, initialized in
            BitPacking.unpack(bytes, count: count, width: width) { row, value in
                output[row] = reference &+ Int64(bitPattern: value)
            }
            initialized = count
        }
    }

    /// The values of `rows` (every row when nil; each below `count`), each read at its own
    /// offset.
    func gatherEach(_ rows: [Int32]?) throws(EncodedDataError) -> [Int64] {
        let total = rows?.count ?? count
        var bad: UInt64?
        let result = [Int64](unsafeUninitializedCapacity: total) { output, initialized in
            forEachValue(rows, bad: &bad) { position, _, value in output[position] = value }
            initialized = total
        }
        if let bad { throw .codePastDictionary(bad, size: entries.count) }
        return result
    }
}
