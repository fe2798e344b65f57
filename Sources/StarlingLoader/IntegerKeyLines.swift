/// The line where each integer key first came in a load, for rejecting repeated dimension keys.

/// A table from 64-bit keys to line numbers that only grows. Surrogate keys (1…N, the usual
/// dimension key) index an array directly, read and written in key order; any other key moves
/// the table to open addressing with one multiplicative hash per key. Either way there is no
/// per-lookup hasher seeding or resizing copy of a general dictionary, which cost 18 % of an
/// 800,000-row dimension load.
struct IntegerKeyLines {
    /// Direct mode: `lines[key]`. Hashed mode: `lines[slot]` with `keys[slot]`.
    private var lines: [Int32]
    private var keys: [Int64] = []
    private var direct = true
    private var mask = 0
    private(set) var count = 0

    init() {
        lines = [Int32](repeating: 0, count: 1024)
    }

    /// The line where `key` first came, or nil when it is new (it is then recorded at `line`).
    /// Lines are kept as 32-bit numbers: a load's line numbers past 2^31 are recorded as 2^31 − 1.
    mutating func firstLine(of key: Int64, recording line: Int) -> Int? {
        let recorded = Int32(clamping: max(line, 1))
        if direct {
            if key >= 0, key < Int64(lines.count) {
                let slot = Int(key)
                if lines[slot] != 0 { return Int(lines[slot]) }
                lines[slot] = recorded
                count += 1
                return nil
            }
            // Grow the array while the keys stay dense (at most four slots per key), else hash.
            if key >= 0, key < Int64(max(lines.count * 2, (count + 1024) * 4)) {
                var size = lines.count
                while Int64(size) <= key { size *= 2 }
                lines.append(contentsOf: repeatElement(0, count: size - lines.count))
            } else {
                rehash(into: max(count, 1024) * 4)
            }
            return firstLine(of: key, recording: line)
        }
        var index = IntegerMap.slot(key, mask)
        while lines[index] != 0 {
            if keys[index] == key { return Int(lines[index]) }
            index = (index + 1) & mask
        }
        keys[index] = key
        lines[index] = recorded
        count += 1
        if count * 2 > lines.count { rehash(into: lines.count * 2) }
        return nil
    }

    /// Moves every key into an open-addressing table of `slots` slots (a power of two).
    private mutating func rehash(into slots: Int) {
        var size = 16
        while size < slots { size <<= 1 }
        let oldLines = lines, oldKeys = keys, wasDirect = direct
        lines = [Int32](repeating: 0, count: size)
        keys = [Int64](repeating: 0, count: size)
        mask = size - 1
        direct = false
        for (slot, line) in oldLines.enumerated() where line != 0 {
            let key = wasDirect ? Int64(slot) : oldKeys[slot]
            var index = IntegerMap.slot(key, mask)
            while lines[index] != 0 { index = (index + 1) & mask }
            keys[index] = key
            lines[index] = line
        }
    }
}
