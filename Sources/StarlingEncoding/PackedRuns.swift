/// Reads the values section of the packed run-length encoding (segment read version 2).

import StarlingColumns

/// The runs of a packed run-length values section, read, checked and unpacked:
///
/// ```
/// packed-run-length = run_count:u32  reference:i64  value_width:u8  length_width:u8
///                     values:packed(run_count, value_width)  lengths:packed(run_count, length_width)
/// ```
///
/// Run `j` holds `reference + values[j]` (modulo 2^64) for `lengths[j] + 1` rows. Both the full
/// decoder and ``IntegerChunkView`` read the section through here, so they make the same checks.
struct PackedRuns {
    /// Each run's value, widened to `Int64` and checked against the physical type's range.
    var values: [Int64]
    /// Where each run ends (exclusive): ascending, the last equal to the row count.
    var ends: [Int32]

    /// Reads the section for `count` rows whose values must lie in `range`.
    static func read(_ reader: inout ByteReader, count: Int, range: ClosedRange<Int64>) throws(EncodedDataError) -> PackedRuns {
        let runCount = try reader.readCount("run count", limit: count)
        let reference = try reader.read(Int64.self, "run value reference")
        let valueWidth = Int(try reader.readByte("run value bit width"))
        guard valueWidth <= 64 else { throw reader.error("run value bit width \(valueWidth) exceeds 64") }
        let lengthWidth = Int(try reader.readByte("run length bit width"))
        guard lengthWidth <= 32 else { throw reader.error("run length bit width \(lengthWidth) exceeds 32") }
        let packedValues = try reader.readBytes(BitPacking.packedByteCount(count: runCount, width: valueWidth), "run values")
        let packedLengths = try reader.readBytes(BitPacking.packedByteCount(count: runCount, width: lengthWidth), "run lengths")

        // Lengths are below 2^32 and runs at most 2^22, so the running sum cannot wrap; a sum
        // past `count` is caught once at the end (ends past it are never used).
        var row = 0
        let ends = [Int32](unsafeUninitializedCapacity: runCount) { ends, initialized in
            if let base = packedLengths.baseAddress, lengthWidth > 0 {
                let mask: UInt64 = (UInt64(1) << UInt64(lengthWidth)) &- 1
                let byteCount = packedLengths.count
                // Runs before `fastEnd` are read with one 8-byte load at a running bit position.
                let fastEnd = BitPacking.wordReadableCount(byteCount: byteCount, count: runCount, width: lengthWidth)
                var total = 0
                var bit = 0
                for run in 0..<fastEnd {
                    let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
                    total &+= Int((word &>> UInt64(bit & 7)) & mask) &+ 1
                    ends[run] = Int32(truncatingIfNeeded: total)
                    bit &+= lengthWidth
                }
                for run in fastEnd..<runCount {
                    total &+= Int(IntegerChunkView.unpack(base, byteCount, run, lengthWidth, mask)) &+ 1
                    ends[run] = Int32(truncatingIfNeeded: total)
                }
                row = total
            } else {
                // Every run one row long.
                for run in 0..<runCount { ends[run] = Int32(truncatingIfNeeded: run &+ 1) }
                row = runCount
            }
            initialized = runCount
        }
        guard row == count else { throw reader.error("runs cover \(row) rows, expected \(count)") }

        // When every value the frame can hold fits the type, no per-value check is needed.
        let largestOffset: UInt64 = valueWidth == 64 ? ~0 : (UInt64(1) << UInt64(valueWidth)) &- 1
        let (largest, overflow) = reference.addingReportingOverflow(Int64(bitPattern: largestOffset))
        let frameFits = range == Int64.min...Int64.max
            || (valueWidth < 64 && !overflow && range.contains(reference) && range.contains(largest))
        var outOfRange = false
        let values = [Int64](unsafeUninitializedCapacity: runCount) { values, initialized in
            if frameFits, valueWidth <= 57, let base = packedValues.baseAddress {
                let mask: UInt64 = (UInt64(1) << UInt64(valueWidth)) &- 1
                let byteCount = packedValues.count
                let fastEnd = BitPacking.wordReadableCount(byteCount: byteCount, count: runCount, width: valueWidth)
                var bit = 0
                for run in 0..<fastEnd {
                    let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
                    values[run] = reference &+ Int64(bitPattern: (word &>> UInt64(bit & 7)) & mask)
                    bit &+= valueWidth
                }
                for run in fastEnd..<runCount {
                    values[run] = reference &+ Int64(bitPattern: IntegerChunkView.unpack(base, byteCount, run, valueWidth, mask))
                }
            } else {
                BitPacking.unpackBlocks(packedValues, count: runCount, width: valueWidth) { first, offsets in
                    var blockOutOfRange = false
                    for position in 0..<offsets.count {
                        let value = reference &+ Int64(bitPattern: offsets[position])
                        blockOutOfRange = blockOutOfRange || (!frameFits && !range.contains(value))
                        values[first &+ position] = value
                    }
                    outOfRange = outOfRange || blockOutOfRange
                }
            }
            initialized = runCount
        }
        if outOfRange { throw reader.error("run value frame \(reference) + \(valueWidth) bits holds a value outside the column's type") }
        return PackedRuns(values: values, ends: ends)
    }
}
