/// Row-by-row access to an integer chunk's values, without decoding the whole chunk first.

import StarlingColumns

/// An integer chunk without NULLs, stored bit-packed, dictionary-coded, run-length (either kind)
/// or plain, whose values are read by row number straight from the encoded bytes (for run-length,
/// from the runs).
///
/// Scans use it for late materialisation (only the rows that passed the filters are decoded, and
/// straight to `Int64`) and to test row codes against a star-join bitmap without materialising the
/// codes at all. ``make(_:owner:physical:count:)`` checks everything the full decoder checks up
/// front (header, lengths, dictionary order, and that every value a bit-packing frame can hold
/// fits the type); the one per-row check left is that a dictionary code is below the dictionary
/// size, which every reader performs and reports as an ``EncodedDataError``.
public struct IntegerChunkView: @unchecked Sendable {
    /// How the values are laid out in `bytes`.
    enum Layout {
        /// Frame of reference: `reference + unpacked(row)`.
        case packed(reference: Int64)
        /// Codes into `entries`, bit-packed.
        case dictionary
        /// Values back to back, `byteWidth` bytes each, little-endian and signed.
        case plain(byteWidth: Int)
        /// Run `j` holds `entries[j]` up to (not including) row `runEnds[j]`.
        case runs
    }

    /// Keeps `bytes` alive (a mapped file or a decompressed chunk).
    let owner: ByteStorage
    /// The owner of views that hold no encoded bytes.
    static let noBytes = ByteStorage(byteCount: 0)
    /// The packed codes or offsets, or the plain values.
    let bytes: UnsafeRawBufferPointer
    let layout: Layout
    /// Bits per packed value (0...57), 0 for plain.
    let width: Int
    /// The dictionary, for `.dictionary`; the run values, for `.runs`.
    let entries: [Int64]
    /// For `.runs`: where each run ends (exclusive), ascending, the last equal to `count`.
    let runEnds: [Int32]
    /// For `.runs` whose runs average under 64 rows: the run of any row in constant time, for
    /// gathers (longer runs are few, and a cursor steps through them cheaply).
    let runDirectory: RunDirectory?
    /// The number of rows.
    public let count: Int

    /// A view of `count` rows laid out as `layout`; for `.runs`, `runEnds` are the runs' ends,
    /// checked by the caller to ascend strictly to `count`.
    init(owner: ByteStorage, bytes: UnsafeRawBufferPointer, layout: Layout, width: Int, entries: [Int64], runEnds: [Int32] = [], count: Int) {
        self.owner = owner
        self.bytes = bytes
        self.layout = layout
        self.width = width
        self.entries = entries
        self.runEnds = runEnds
        self.count = count
        if case .runs = layout, runEnds.count &* 64 > count {
            runDirectory = RunDirectory(ends: runEnds, count: count)
        } else {
            runDirectory = nil
        }
    }

    /// Bytes of run arrays this view holds (unpacked from a run-length chunk), 0 for layouts read
    /// straight from the encoded bytes.
    public var decodedByteCount: Int {
        if case .runs = layout {
            return entries.count * MemoryLayout<Int64>.size + runEnds.count * MemoryLayout<Int32>.size + (runDirectory?.byteCount ?? 0)
        }
        return 0
    }

    /// The relative cost of testing every row with `select`: 1 for layouts read value by value,
    /// the share of runs for run-length chunks (each run is tested once).
    public var costPerRow: Double {
        if case .runs = layout { return count > 0 ? Double(runEnds.count) / Double(count) : 1 }
        return 1
    }

    /// A range every value of the chunk lies in, read from the encoding rather than the values:
    /// a bit-packing frame's reference up to the largest value its width can hold (checked to fit
    /// when the view was made), a dictionary's first and last entries (ascending, and no code
    /// past the last is ever returned), the smallest and largest run value. Nil for plain chunks
    /// and empty ones.
    public var valueBounds: ClosedRange<Int64>? {
        guard count > 0 else { return nil }
        switch layout {
        case .packed(let reference):
            return reference...(reference &+ Int64((UInt64(1) << UInt64(width)) &- 1))
        case .dictionary, .runs:
            guard var low = entries.first else { return nil }
            if case .dictionary = layout, let high = entries.last { return low...high }
            var high = low
            for value in entries {
                low = Swift.min(low, value)
                high = Swift.max(high, value)
            }
            return low...high
        case .plain:
            return nil
        }
    }

    /// A view of the encoded chunk `encoded` (held alive by `owner`) of `count` values of
    /// `physical`, or nil when the chunk has NULLs, another encoding, or a packing this view does
    /// not read (wider than 57 bits, or a frame reaching outside the type); decode those whole.
    public static func make(_ encoded: UnsafeRawBufferPointer, owner: ByteStorage, encoding: Encoding, physical: PhysicalType, count: Int) throws(EncodedDataError) -> IntegerChunkView? {
        guard let range = physical.integerRange, physical != .boolean, let byteWidth = physical.byteWidth else { return nil }
        var reader = ByteReader(encoded)
        // Rows are numbered with `Int32` (selections, run ends); a row group holds far fewer.
        guard count >= 0, count <= Int(Int32.max) else { throw reader.error("\(count) rows exceed a chunk's limit of \(Int32.max)") }
        let kind = try reader.readByte("validity kind")
        guard kind == ColumnEncoder.ValidityKind.noNulls.rawValue else { return nil }
        switch encoding {
        case .plain:
            let values = try reader.readBytes(count * byteWidth, "plain values")
            try reader.requireEnd("the plain values")
            return IntegerChunkView(owner: owner, bytes: values, layout: .plain(byteWidth: byteWidth), width: 0, entries: [], count: count)
        case .bitPacked:
            let reference = try reader.read(Int64.self, "frame reference")
            let width = Int(try reader.readByte("bit width"))
            guard width <= 57 else { return nil }
            let packed = try reader.readBytes(BitPacking.packedByteCount(count: count, width: width), "bit-packed values")
            try reader.requireEnd("the bitpack values")
            let (largest, overflow) = reference.addingReportingOverflow(Int64((UInt64(1) << UInt64(width)) - 1))
            guard !overflow, range.contains(reference), range.contains(largest) else { return nil }
            return IntegerChunkView(owner: owner, bytes: packed, layout: .packed(reference: reference), width: width, entries: [], count: count)
        case .dictionary:
            let entryCount = try reader.readCount("dictionary size", limit: max(count, 1))
            guard entryCount > 0 || count == 0 else { throw reader.error("empty dictionary for \(count) rows") }
            let raw = try reader.readBytes(entryCount * byteWidth, "dictionary entries")
            let entries = widen(raw, count: entryCount, byteWidth: byteWidth)
            for index in entries.indices.dropFirst() where entries[index - 1] >= entries[index] {
                throw reader.error("dictionary entries \(index - 1) and \(index) are not in ascending order")
            }
            let width = Int(try reader.readByte("code bit width"))
            guard width <= 32 else { throw reader.error("code bit width \(width) exceeds 32") }
            let packed = try reader.readBytes(BitPacking.packedByteCount(count: count, width: width), "dictionary codes")
            try reader.requireEnd("the dictionary values")
            return IntegerChunkView(owner: owner, bytes: packed, layout: .dictionary, width: width, entries: entries, count: count)
        case .runLength:
            let runCount = try reader.readCount("run count", limit: count)
            let raw = try reader.readBytes(runCount * byteWidth, "run values")
            let lengths = try reader.readBytes(runCount * 4, "run lengths")
            try reader.requireEnd("the run lengths")
            // Run ends by a running sum; a zero length, or a sum past `count`, is caught once at
            // the end instead of per run (lengths are below 2^32, so 64-bit sums cannot wrap).
            var row = 0
            var zeroLength = false
            let ends = [Int32](unsafeUninitializedCapacity: runCount) { ends, initialized in
                for run in 0..<runCount {
                    let length = Int(UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: run &* 4, as: UInt32.self)))
                    zeroLength = zeroLength || length == 0
                    row &+= length
                    ends[run] = Int32(truncatingIfNeeded: row)
                }
                initialized = runCount
            }
            guard !zeroLength else { throw reader.error("a run of length 0 in \(runCount) runs") }
            guard row == count else { throw reader.error("runs cover \(row) rows, expected \(count)") }
            let values = widen(raw, count: runCount, byteWidth: byteWidth)
            return IntegerChunkView(owner: owner, bytes: raw, layout: .runs, width: 0, entries: values, runEnds: ends, count: count)
        case .packedRunLength:
            let runs = try PackedRuns.read(&reader, count: count, range: range)
            try reader.requireEnd("the run lengths")
            // The runs are unpacked into arrays of their own: the encoded bytes (perhaps a whole
            // mapped file) need not stay alive for this view, which may be kept between queries.
            return IntegerChunkView(owner: Self.noBytes, bytes: UnsafeRawBufferPointer(start: nil, count: 0), layout: .runs, width: 0,
                                    entries: runs.values, runEnds: runs.ends, count: count)
        case .delta, .keyed:
            return nil
        }
    }

    /// Throws unless every row of `rows` lies in `0 ..< count`: checked once per call (one pass
    /// taking the largest row as unsigned, which the compiler vectorises), so that the loops that
    /// follow read rows without a bounds check. Rows come from the scan's own selections, so a
    /// row outside is a bug upstream, reported rather than read past the chunk.
    @inline(__always)
    func checkRows(_ rows: [Int32]?) throws(EncodedDataError) {
        guard let rows, !rows.isEmpty else { return }
        let largest = rows.withUnsafeBufferPointer { rows in
            var largest: UInt32 = 0
            for row in rows { largest = Swift.max(largest, UInt32(bitPattern: row)) }
            return largest
        }
        guard Int(largest) < count else {
            throw EncodedDataError(offset: 0, reason: "row \(Int32(bitPattern: largest)) asked of a chunk of \(count) rows")
        }
    }

    /// The rows among `candidates` (every row when nil), in order, whose value is a row code in
    /// `codes`.
    public func select(qualifying codes: CodeBitmap, among candidates: [Int32]?) throws(EncodedDataError) -> [Int32] {
        try checkRows(candidates)
        let limit = codes.count
        return try codes.words.withUnsafeBufferPointer { words throws(EncodedDataError) in
            if case .packed(let reference) = layout, let rows = selectPacked(reference: reference, words: words, among: candidates) {
                return rows
            }
            return try select(among: candidates) { value in CodeBitmap.bit(words, limit, value) }
        }
    }

    /// The code test on a bit-packed chunk whose codes all have a bit in `words` (the frame's
    /// reference and width say so; ``CodeBitmap`` pads its words for this): a bitmap probe
    /// without clamping. Nil when the frame reaches outside the words, or the chunk cannot take
    /// the packed loop.
    private func selectPacked(reference: Int64, words: UnsafeBufferPointer<UInt64>, among candidates: [Int32]?) -> [Int32]? {
        let mask: UInt64 = (UInt64(1) << UInt64(width)) &- 1
        let bits = UInt64(words.count) &* 64
        guard reference >= 0, UInt64(reference) < bits, bits &- UInt64(reference) > mask else { return nil }
        let start = Int(reference)
        return selectPacked(among: candidates) { packed in
            let code = start &+ Int(truncatingIfNeeded: packed)
            return Int(truncatingIfNeeded: (words[code &>> 6] &>> UInt64(code & 63)) & 1)
        }
    }

    /// The rows among `candidates` (every row when nil) of a bit-packed chunk for which `keep`,
    /// given the packed value (before the frame's reference is added), says 1; nil when the chunk
    /// is not bit-packed or too short for 8-byte loads. Nothing else is in the loop: an 8-byte
    /// load, a shift and a mask to unpack, the test, a store whose position advances by it.
    @inline(__always)
    private func selectPacked(among candidates: [Int32]?, _ keep: (UInt64) -> Int) -> [Int32]? {
        let width = self.width, count = self.count
        guard case .packed = layout, width > 0, let base = bytes.baseAddress, bytes.count >= 8 else { return nil }
        let mask: UInt64 = (UInt64(1) << UInt64(width)) &- 1
        // Rows before `fastEnd` can be read with one 8-byte load each; the rest go through
        // `unpack`, which stops at the buffer's end.
        let fastEnd = BitPacking.wordReadableCount(byteCount: bytes.count, count: count, width: width)
        let byteCount = bytes.count
        guard let candidates else {
            return [Int32](unsafeUninitializedCapacity: count) { output, initialized in
                var kept = 0
                var position = 0
                for row in 0..<fastEnd {
                    let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position &>> 3, as: UInt64.self))
                    output[kept] = Int32(truncatingIfNeeded: row)
                    kept &+= keep((word &>> UInt64(position & 7)) & mask)
                    position &+= width
                }
                for row in fastEnd..<count {
                    output[kept] = Int32(truncatingIfNeeded: row)
                    kept &+= keep(Self.unpack(base, byteCount, row, width, mask))
                }
                initialized = kept
            }
        }
        return candidates.withUnsafeBufferPointer { rows in
            [Int32](unsafeUninitializedCapacity: rows.count) { output, initialized in
                var kept = 0
                for index in 0..<rows.count {
                    let row = Int(rows[index])
                    let value: UInt64
                    if row < fastEnd {
                        let position = row &* width
                        value = (UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position &>> 3, as: UInt64.self)) &>> UInt64(position & 7)) & mask
                    } else {
                        value = Self.unpack(base, byteCount, row, width, mask)
                    }
                    output[kept] = Int32(truncatingIfNeeded: row)
                    kept &+= keep(value)
                }
                initialized = kept
            }
        }
    }

    /// The rows among `candidates` (every row when nil), in order, whose value lies in
    /// `low ... high` (none when `low > high`).
    public func select(from low: Int64, through high: Int64, among candidates: [Int32]?) throws(EncodedDataError) -> [Int32] {
        try checkRows(candidates)
        guard low <= high else { return [] }
        // One unsigned comparison: values below `low` wrap around to above `span`.
        let span = UInt64(bitPattern: high &- low)
        if case .packed(let reference) = layout {
            // value - low = packed + (reference - low), all modulo 2^64.
            let offset = UInt64(bitPattern: reference &- low)
            if let rows = selectPacked(among: candidates, { packed in Int(unsafeBitCast(packed &+ offset <= span, to: UInt8.self)) }) {
                return rows
            }
        }
        // The comparison's flag as a byte: `? 1 : 0` here compiled to a mispredicted jump.
        return try select(among: candidates) { value in Int(unsafeBitCast(UInt64(bitPattern: value &- low) <= span, to: UInt8.self)) }
    }

    /// The rows among `candidates` for which `keep` (1 to keep, 0 to drop; called once per row,
    /// or once per run for run-length chunks) says 1. Rows are written unconditionally and the
    /// output position advanced by `keep`, so the loop has no data-dependent branch.
    @inline(__always)
    private func select(among candidates: [Int32]?, _ keep: (Int64) -> Int) throws(EncodedDataError) -> [Int32] {
        if case .runs = layout { return selectRuns(among: candidates, keep) }
        let total = candidates?.count ?? count
        var bad: UInt64?
        let result = [Int32](unsafeUninitializedCapacity: total) { output, initialized in
            var kept = 0
            forEachValue(candidates, bad: &bad) { _, row, value in
                output[kept] = row
                kept &+= keep(value)
            }
            initialized = kept
        }
        if let bad { throw .codePastDictionary(bad, size: entries.count) }
        return result
    }

    /// `select` for run-length chunks: each run's value is tested once, and its rows (or the
    /// candidates inside it) kept or skipped together.
    @inline(__always)
    private func selectRuns(among candidates: [Int32]?, _ keep: (Int64) -> Int) -> [Int32] {
        runEnds.withUnsafeBufferPointer { ends in
            entries.withUnsafeBufferPointer { values in
                // Eight rows of slack: a short run is written whole whether it is kept or not.
                [Int32](unsafeUninitializedCapacity: (candidates?.count ?? count) &+ 8) { output, initialized in
                    var kept = 0
                    var start: Int32 = 0
                    if let candidates {
                        candidates.withUnsafeBufferPointer { rows in
                            var position = 0
                            for run in 0..<ends.count where position < rows.count {
                                let end = ends[run]
                                let step = keep(values[run])
                                while position < rows.count, rows[position] < end {
                                    output[kept] = rows[position]
                                    kept &+= step
                                    position &+= 1
                                }
                            }
                        }
                    } else {
                        // A run of up to 8 rows (an order's lines, say) is stored as one vector of
                        // its row numbers and kept by moving the output position by its length
                        // times the test: no branch on the test, which is as unpredictable as the
                        // filter is selective. Longer runs are written only when kept. `kept` never
                        // passes `start`, so the vector ends within the slack (run lengths are
                        // positive: `make` checked them; a negative one would take the loop).
                        let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
                        let target = UnsafeMutableRawPointer(output.baseAddress)
                        for run in 0..<ends.count {
                            let end = ends[run]
                            let length = end &- start
                            let step = keep(values[run])
                            if UInt32(bitPattern: length) <= 8, let target {
                                target.storeBytes(of: SIMD8(repeating: start) &+ lanes, toByteOffset: kept &<< 2, as: SIMD8<Int32>.self)
                                kept &+= step &* Int(length)
                            } else if step != 0 {
                                var row = start
                                while row < end {
                                    output[kept] = row
                                    kept &+= 1
                                    row &+= 1
                                }
                            }
                            start = end
                        }
                    }
                    initialized = kept
                }
            }
        }
    }

    /// Calls `body(position, row, value)` for each row of `rows` (every row when nil), dispatching
    /// on the layout once; a dictionary code out of range is reported in `bad` (its value is 0).
    @inline(__always)
    func forEachValue(_ rows: [Int32]?, bad: inout UInt64?, _ body: (Int, Int32, Int64) -> Void) {
        guard let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1) else { return }
        let byteCount = bytes.count
        let width = self.width
        let mask: UInt64 = (UInt64(1) << UInt64(width)) &- 1
        switch layout {
        case .packed(let reference):
            Self.visit(rows, count, body) { row in reference &+ Int64(bitPattern: Self.unpack(base, byteCount, row, width, mask)) }
        case .dictionary:
            var badCode: UInt64?
            entries.withUnsafeBufferPointer { entries in
                let entryCount = UInt64(entries.count)
                Self.visit(rows, count, body) { row in
                    let code = Self.unpack(base, byteCount, row, width, mask)
                    if code < entryCount { return entries[Int(code)] }
                    badCode = code
                    return 0
                }
            }
            if let badCode { bad = badCode }
        case .runs:
            // Rows lie in 0 ..< count (`checkRows`), so every row has a run.
            if let directory = runDirectory {
                // Each row's run from the directory: no cursor to step, in any order of rows.
                directory.starts.withUnsafeBufferPointer { starts in
                    directory.ranks.withUnsafeBufferPointer { ranks in
                        entries.withUnsafeBufferPointer { values in
                            Self.visit(rows, count, body) { row in values[RunDirectory.run(of: row, starts: starts, ranks: ranks)] }
                        }
                    }
                }
                return
            }
            // Long runs: rows arrive in ascending order (selections are), so a cursor moves
            // forward through the runs; a row behind it restarts the search. The last run ends
            // at `count`, past every row, so the cursor never passes it.
            runEnds.withUnsafeBufferPointer { ends in
                entries.withUnsafeBufferPointer { values in
                    var run = 0
                    Self.visit(rows, count, body) { row in
                        if run > 0, row < Int(ends[run &- 1]) { run = 0 }
                        while row >= Int(ends[run]) { run &+= 1 }
                        return values[run]
                    }
                }
            }
        case .plain(let byteWidth):
            switch byteWidth {
            case 1: Self.visit(rows, count, body) { row in Int64(base.load(fromByteOffset: row, as: Int8.self)) }
            case 2: Self.visit(rows, count, body) { row in Int64(Int16(littleEndian: base.loadUnaligned(fromByteOffset: row &* 2, as: Int16.self))) }
            case 4: Self.visit(rows, count, body) { row in Int64(Int32(littleEndian: base.loadUnaligned(fromByteOffset: row &* 4, as: Int32.self))) }
            default: Self.visit(rows, count, body) { row in Int64(littleEndian: base.loadUnaligned(fromByteOffset: row &* 8, as: Int64.self)) }
            }
        }
    }

    /// The loop over rows, specialised for each value reader.
    @inline(__always)
    static func visit(_ rows: [Int32]?, _ count: Int, _ body: (Int, Int32, Int64) -> Void, _ value: (Int) -> Int64) {
        if let rows {
            rows.withUnsafeBufferPointer { rows in
                for position in 0..<rows.count {
                    let row = rows[position]
                    body(position, row, value(Int(row)))
                }
            }
        } else {
            for row in 0..<count { body(row, Int32(truncatingIfNeeded: row), value(row)) }
        }
    }

    /// Packed value `index` of `width` (at most 57) bits: one unaligned 8-byte load, or the
    /// remaining bytes near the end of the buffer.
    @inline(__always)
    static func unpack(_ base: UnsafeRawPointer, _ byteCount: Int, _ index: Int, _ width: Int, _ mask: UInt64) -> UInt64 {
        let bit = index &* width
        let byte = bit &>> 3
        if byte &+ 8 <= byteCount {
            return (UInt64(littleEndian: base.loadUnaligned(fromByteOffset: byte, as: UInt64.self)) &>> UInt64(bit & 7)) & mask
        }
        var word: UInt64 = 0
        var shift: UInt64 = 0
        var offset = byte
        while offset < byteCount {
            word |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) &<< shift
            shift &+= 8
            offset &+= 1
        }
        return (word &>> UInt64(bit & 7)) & mask
    }

    /// `count` little-endian signed values `byteWidth` bytes wide, widened (one loop per width).
    static func widen(_ bytes: UnsafeRawBufferPointer, count: Int, byteWidth: Int) -> [Int64] {
        switch byteWidth {
        case 1: return widen(bytes, count, Int8.self)
        case 2: return widen(bytes, count, Int16.self)
        case 4: return widen(bytes, count, Int32.self)
        default: return widen(bytes, count, Int64.self)
        }
    }

    @inline(__always)
    static func widen<T: FixedWidthInteger & SignedInteger>(_ bytes: UnsafeRawBufferPointer, _ count: Int, _ type: T.Type) -> [Int64] {
        precondition(bytes.count >= count * MemoryLayout<T>.size, "values past the buffer")
        return [Int64](unsafeUninitializedCapacity: count) { output, initialized in
            for index in 0..<count {
                output[index] = Int64(T(littleEndian: bytes.loadUnaligned(fromByteOffset: index &* MemoryLayout<T>.size, as: T.self)))
            }
            initialized = count
        }
    }
}
