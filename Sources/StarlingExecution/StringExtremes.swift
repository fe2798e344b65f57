/// min and max over strings, per group: each group's extreme so far, in one byte arena.

import StarlingColumns

/// Each group's smallest or largest string so far, as a span of one append-only byte arena: a
/// better string is appended and the group's span moved to it, so no group owns an array of its
/// own (a GROUP BY of 1.5 M orders took a retain, a release and an allocation per group). The
/// replaced bytes stay until the arena holds over twice the live bytes, when it is rewritten
/// with only the current extremes.
struct StringExtremes {
    /// Where each group's extreme starts in `arena`, and its length; -1 for a group with none.
    private var offsets: [Int] = []
    private var lengths: [Int] = []
    private var arena: [UInt8] = []
    /// The bytes of the current extremes (the rest of `arena` is replaced strings).
    private var liveBytes = 0
    /// Whether a smaller string wins (min) or a larger one (max).
    let keepsSmallest: Bool

    init(keepsSmallest: Bool) {
        self.keepsSmallest = keepsSmallest
    }

    /// Makes room for `groupCount` groups, the new ones without a value.
    mutating func resize(_ groupCount: Int) {
        guard offsets.count < groupCount else { return }
        let added = groupCount - offsets.count
        offsets.append(contentsOf: repeatElement(0, count: added))
        lengths.append(contentsOf: repeatElement(-1, count: added))
    }

    /// Offers `bytes` to `group` (which must exist): kept when the group has none yet, or when
    /// they order before (min) or after (max) its current extreme.
    @inline(__always)
    mutating func offer(_ bytes: UnsafeRawBufferPointer, to group: Int) {
        let length = lengths[group]
        if length >= 0 {
            let start = offsets[group]
            let order = arena.withUnsafeBytes { arena in
                compareBytes(bytes, UnsafeRawBufferPointer(rebasing: arena[start..<(start + length)]))
            }
            guard keepsSmallest ? order < 0 : order > 0 else { return }
            liveBytes -= length
        }
        offsets[group] = arena.count
        lengths[group] = bytes.count
        arena.append(contentsOf: bytes)
        liveBytes += bytes.count
    }

    /// Rewrites the arena with only the current extremes once replaced bytes are most of it.
    mutating func compactIfWasteful() {
        guard arena.count > 2 * liveBytes + (1 << 20) else { return }
        var compacted: [UInt8] = []
        compacted.reserveCapacity(liveBytes)
        arena.withUnsafeBytes { arena in
            for group in offsets.indices where lengths[group] >= 0 {
                let start = offsets[group]
                offsets[group] = compacted.count
                compacted.append(contentsOf: UnsafeRawBufferPointer(rebasing: arena[start..<(start + lengths[group])]))
            }
        }
        arena = compacted
    }

    /// `other`'s group `source`'s extreme offered to this one's group `target`.
    mutating func merge(_ other: StringExtremes, source: Int, into target: Int) {
        let length = other.lengths[source]
        guard length >= 0 else { return }
        let start = other.offsets[source]
        other.arena.withUnsafeBytes { bytes in
            offer(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)]), to: target)
        }
    }

    /// Group `group`'s extreme, nil when it has none.
    func value(_ group: Int) -> String? {
        let length = lengths[group]
        guard length >= 0 else { return nil }
        let start = offsets[group]
        return arena.withUnsafeBytes {
            String(decoding: UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)]), as: UTF8.self)
        }
    }

    /// The extremes of groups `0 ..< count` as string storage (a group without one is empty:
    /// its NULL flag is the caller's), or nil when they hold more than a storage may (4 GiB).
    func storage(count: Int) -> StringStorage? {
        var total = 0
        for group in 0..<count where lengths[group] > 0 { total += lengths[group] }
        guard total <= Int(UInt32.max) else { return nil }
        var builder = StringStorageBuilder()
        builder.reserveCapacity(strings: count, bytes: total)
        arena.withUnsafeBytes { arena in
            for group in 0..<count {
                let length = Swift.max(0, lengths[group])
                let start = offsets[group]
                builder.append(bytes: UnsafeRawBufferPointer(rebasing: arena[start..<(start + length)]))
            }
        }
        return builder.finish()
    }

    /// Approximate bytes held.
    var byteCount: Int { arena.capacity + offsets.capacity * 8 + lengths.capacity * 8 }
}
