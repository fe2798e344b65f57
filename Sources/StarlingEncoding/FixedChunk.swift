/// Encoding of fixed-width chunks: booleans, integers, decimals, dates, timestamps and doubles.

import StarlingColumns

/// A chunk of fixed-width values, widened to `Int64` (doubles as their bit patterns),
/// with NULL rows filled by the previous non-NULL value so they cost nothing in any encoding.
struct FixedChunk {
    let type: LogicalType
    let width: Int
    let typeClass: PhysicalTypeClass
    let values: [Int64]
    let validity: ValidityBitmap?

    /// Chunks of at most this many rows count their distinct values exactly, whatever the type.
    static let exactCountLimit = 4096

    /// The rows `rows` of `vector`, which has no NULLs, read straight from its storage.
    init(_ vector: ColumnVector, rows: ChunkRows) {
        precondition(vector.nullCount == 0, "rows of a vector with NULLs are sliced first")
        type = vector.type
        width = vector.type.physicalType.byteWidth ?? 8
        typeClass = vector.type.physicalType == .float64 ? .float : .integer
        validity = nil
        values = vector.widenedValues(rows)
    }

    init(_ vector: ColumnVector) {
        type = vector.type
        width = vector.type.physicalType.byteWidth ?? 8
        typeClass = vector.type.physicalType == .float64 ? .float : .integer
        validity = vector.nullCount > 0 ? vector.validity : nil
        var widened = vector.widenedValues
        if let validity, let firstValid = (0..<widened.count).first(where: { validity.isValid($0) }) {
            var previous = widened[firstValid]
            for index in widened.indices {
                if validity.isValid(index) { previous = widened[index] } else { widened[index] = previous }
            }
        }
        values = widened
    }

    /// The comparison key of a value: itself for integers, its total-order key for doubles.
    func key(_ value: Int64) -> Int64 {
        typeClass == .float ? totalOrderKey(ofDoubleBits: value) : value
    }

    func statisticsValue(_ value: Int64) -> Value {
        switch type.physicalType {
        case .boolean: return .boolean(value != 0)
        case .float64: return .double(Double(bitPattern: UInt64(bitPattern: value)))
        case .int8, .int16, .int32, .int64: return .integer(value)
        case .string, .interval: preconditionFailure("\(type) is no fixed-width chunk")
        }
    }

    func encode(into writer: inout ByteWriter, nullCount: Int, forcing forced: Encoding?) -> EncodedChunk {
        let count = values.count
        // One pass: min/max (by comparison key and raw), runs, neighbour differences.
        var minimumKey = Int64.max, maximumKey = Int64.min
        var minimumRaw = Int64.max, maximumRaw = Int64.min
        var runs = count > 0 ? 1 : 0
        var minimumDelta = Int64.max, maximumDelta = Int64.min
        let isFloat = typeClass == .float
        values.withUnsafeBufferPointer { values in
            guard let first = values.first else { return }
            var previous = first
            minimumRaw = first
            maximumRaw = first
            for value in values.dropFirst() {
                minimumRaw = Swift.min(minimumRaw, value)
                maximumRaw = Swift.max(maximumRaw, value)
                runs &+= previous != value ? 1 : 0
                let delta = value &- previous
                minimumDelta = Swift.min(minimumDelta, delta)
                maximumDelta = Swift.max(maximumDelta, delta)
                previous = value
            }
            // Doubles order by their total-order key; integers by value (the same as raw).
            if isFloat {
                for value in values {
                    let key = totalOrderKey(ofDoubleBits: value)
                    minimumKey = Swift.min(minimumKey, key)
                    maximumKey = Swift.max(maximumKey, key)
                }
            } else {
                minimumKey = minimumRaw
                maximumKey = maximumRaw
            }
        }
        // Distinct values. NULL rows repeat neighbouring values, so counting the filled values
        // counts the distinct non-NULL ones. Integers whose frame is at most 16 bits wide are
        // counted exactly in a bitmap. Otherwise they are counted exactly (a set) for doubles,
        // small chunks and forced dictionaries; the rest are estimated by a sketch first (cheaper
        // than a set of tens of thousands of keys), and counted exactly only when a dictionary of
        // the estimated size (with a margin) would be smaller than the frame of reference: few
        // distinct values spread wide (YYYYMMDD dates a few weeks apart) make a narrow dictionary.
        // The frame of reference's width: bits for `maximum - minimum`.
        let frameWidth = BitPacking.bitWidth(of: UInt64(bitPattern: maximumRaw &- minimumRaw))
        let dense = typeClass == .integer && count > 0 && frameWidth <= DenseValueSet.maximumBits
            ? values.withUnsafeBufferPointer { DenseValueSet($0, minimum: minimumRaw, bits: frameWidth) } : nil
        let exactFirst = dense == nil && (forced == .dictionary || (forced == nil && (typeClass == .float || count <= FixedChunk.exactCountLimit)))
        let limit = forced == .dictionary ? max(count, 1) : min(ColumnEncoder.exactDistinctLimit, max(count, 1))
        var distinctSet = IntegerSet(limit: exactFirst ? limit : 1)
        var overflowed = !exactFirst && dense == nil
        if exactFirst {
            values.withUnsafeBufferPointer { buffer in
                for value in buffer where !distinctSet.insert(value) {
                    overflowed = true
                    break
                }
            }
        }
        var distinctCount: UInt64
        if let dense {
            distinctCount = count > nullCount ? UInt64(dense.count) : 0
        } else if overflowed {
            var sketch = HyperLogLog()
            values.withUnsafeBufferPointer { sketch.add(integers: $0) }
            distinctCount = sketch.estimate
            let estimated = Int(Double(distinctCount) * 1.1) + 1
            let estimatedWidth = BitPacking.bitWidth(of: UInt64(estimated - 1))
            let estimatedSize = 5 + estimated * width + BitPacking.packedByteCount(count: count, width: estimatedWidth)
            if !exactFirst, forced == nil, typeClass == .integer, count > 0, estimated <= limit,
               estimatedSize < 9 + BitPacking.packedByteCount(count: count, width: frameWidth) {
                var exact = IntegerSet(limit: limit)
                let complete = values.withUnsafeBufferPointer { buffer in buffer.allSatisfy { exact.insert($0) } }
                if complete {
                    distinctSet = exact
                    overflowed = false
                    distinctCount = count > nullCount ? UInt64(exact.count) : 0
                }
            }
        } else {
            distinctCount = count > nullCount ? UInt64(distinctSet.count) : 0
        }

        var sizes: [(Encoding, Int)] = [(.plain, count * width)]
        sizes.append((.runLength, 4 + runs * (width + 4)))
        if !overflowed {
            let entries = dense?.count ?? distinctSet.count
            let dictionaryWidth = BitPacking.bitWidth(of: UInt64(max(entries - 1, 0)))
            sizes.append((.dictionary, 4 + entries * width + 1 + BitPacking.packedByteCount(count: count, width: dictionaryWidth)))
        }
        let deltaWidth = BitPacking.bitWidth(of: UInt64(bitPattern: maximumDelta &- minimumDelta))
        if typeClass == .integer {
            sizes.append((.bitPacked, 9 + BitPacking.packedByteCount(count: count, width: count > 0 ? frameWidth : 0)))
            sizes.append((.delta, 17 + BitPacking.packedByteCount(count: max(count - 1, 0), width: count > 1 ? deltaWidth : 0)))
        }
        // Packed runs cost at least their frame-of-reference values; the longest run (for the
        // lengths' width) is only looked for when that lower bound can beat every other size.
        var lengthWidth = 0
        // The runs, once found for that, are kept for writing them.
        var foundRuns: (values: [Int64], lengths: [Int])?
        if typeClass == .integer {
            let valuesSize = 14 + BitPacking.packedByteCount(count: runs, width: frameWidth)
            let best = sizes.map(\.1).min() ?? Int.max
            if forced == .packedRunLength || (forced == nil && valuesSize < best) {
                let found = self.runs(count: runs)
                foundRuns = found
                lengthWidth = BitPacking.bitWidth(of: UInt64(max((found.lengths.max() ?? 0) - 1, 0)))
                sizes.append((.packedRunLength, valuesSize + BitPacking.packedByteCount(count: runs, width: lengthWidth)))
            }
        }
        let encoding = forced ?? ColumnEncoder.smallest(sizes)
        precondition(encoding.supports(typeClass), "\(encoding) cannot store \(type)")

        switch encoding {
        case .plain:
            for value in values { writer.write(value, byteWidth: width) }
        case .runLength:
            let (runValues, runLengths) = self.runs(count: runs)
            writer.write(littleEndian: UInt32(runValues.count))
            for value in runValues { writer.write(value, byteWidth: width) }
            for length in runLengths { writer.write(littleEndian: UInt32(length)) }
        case .dictionary:
            let sorted = dense?.values ?? distinctSet.values.sorted { key($0) < key($1) }
            writer.write(littleEndian: UInt32(sorted.count))
            for value in sorted { writer.write(value, byteWidth: width) }
            let codeWidth = BitPacking.bitWidth(of: UInt64(max(sorted.count - 1, 0)))
            writer.write(UInt8(codeWidth))
            if let dense {
                // Codes are ranks in the bitmap.
                values.withUnsafeBufferPointer { values in
                    var index = 0
                    BitPacking.pack(count: values.count, width: codeWidth, into: &writer) {
                        let code = UInt64(dense.rank(values[index]))
                        index &+= 1
                        return code
                    }
                }
                break
            }
            // Codes by binary search in the sorted entries (compared by the same key).
            let keys = sorted.map { key($0) }
            BitPacking.pack(values.lazy.map { value -> UInt64 in
                let target = key(value)
                var low = 0, high = keys.count - 1
                while low < high {
                    let middle = (low + high) / 2
                    if keys[middle] < target { low = middle + 1 } else { high = middle }
                }
                return UInt64(low)
            }, width: codeWidth, into: &writer)
        case .packedRunLength:
            let reference = count > 0 ? minimumRaw : 0
            let valueWidth = count > 0 ? frameWidth : 0
            writer.write(littleEndian: UInt32(runs))
            writer.write(littleEndian: reference)
            writer.write(UInt8(valueWidth))
            writer.write(UInt8(lengthWidth))
            let (runValues, runLengths) = foundRuns ?? self.runs(count: runs)
            runValues.withUnsafeBufferPointer { BitPacking.pack($0, minus: reference, width: valueWidth, into: &writer) }
            BitPacking.pack(runLengths.lazy.map { UInt64($0 &- 1) }, width: lengthWidth, into: &writer)
        case .bitPacked:
            let reference = count > 0 ? minimumRaw : 0
            let bitWidth = count > 0 ? frameWidth : 0
            writer.write(littleEndian: reference)
            writer.write(UInt8(bitWidth))
            values.withUnsafeBufferPointer { BitPacking.pack($0, minus: reference, width: bitWidth, into: &writer) }
        case .delta:
            let first = values.first ?? 0
            let reference = count > 1 ? minimumDelta : 0
            let bitWidth = count > 1 ? deltaWidth : 0
            writer.write(littleEndian: first)
            writer.write(littleEndian: reference)
            writer.write(UInt8(bitWidth))
            BitPacking.pack(
                (1..<max(count, 1)).lazy.map { UInt64(bitPattern: (values[$0] &- values[$0 - 1]) &- reference) },
                width: bitWidth, into: &writer)
        case .keyed:
            preconditionFailure("a keyed chunk has no values to encode: ColumnEncoder.keyed writes it")
        }

        var statistics = ChunkStatistics(nullCount: nullCount, distinctCount: distinctCount, minimum: .null, maximum: .null)
        if count > nullCount {
            if typeClass == .float {
                statistics.minimum = statisticsValue(totalOrderKey(ofDoubleBits: minimumKey))
                statistics.maximum = statisticsValue(totalOrderKey(ofDoubleBits: maximumKey))
            } else {
                statistics.minimum = statisticsValue(minimumRaw)
                statistics.maximum = statisticsValue(maximumRaw)
            }
        }
        return EncodedChunk(bytes: writer.bytes, encoding: encoding, statistics: statistics, plainSize: count * width)
    }

    /// The maximal runs of equal values: `count` (the number of runs, known from the analysis)
    /// run values and their lengths. Row groups hold at most 2^22 rows, so lengths fit a `UInt32`.
    func runs(count: Int) -> (values: [Int64], lengths: [Int]) {
        // Without a branch per row: every row writes its value as the current run's and its
        // index as the current run's end, and a change of value moves to the next run (run
        // lengths of a few rows would mispredict a branch at most run ends).
        precondition(count >= 0, "negative run count")
        let rows = values.count
        guard rows > 0, count > 0 else { return ([], []) }
        var complete = true
        var runEnds = [Int](repeating: 0, count: count)
        let runValues = values.withUnsafeBufferPointer { values in
            runEnds.withUnsafeMutableBufferPointer { runEnds in
                [Int64](unsafeUninitializedCapacity: count) { runValues, initialized in
                    runValues[0] = values[0]
                    var run = 0
                    for index in 1..<rows {
                        // 1 when the value differs from the previous one, by arithmetic (a
                        // comparison here is compiled to a branch).
                        let difference = UInt64(bitPattern: values[index] ^ values[index &- 1])
                        let changes = Int(truncatingIfNeeded: (difference | (0 &- difference)) >> 63)
                        runEnds[run] = index
                        run &+= changes
                        // `run` stays below `count` when `count` is the number of runs; a wrong
                        // count is caught here rather than written past the end.
                        guard run < count else { complete = false; break }
                        runValues[run] = values[index]
                    }
                    if complete {
                        runEnds[run] = rows
                        complete = run == count &- 1
                    }
                    initialized = count
                }
            }
        }
        precondition(complete, "run count does not match the values")
        var runLengths = runEnds
        var start = 0
        for run in 0..<count {
            runLengths[run] = runEnds[run] &- start
            start = runEnds[run]
        }
        return (runValues, runLengths)
    }
}
