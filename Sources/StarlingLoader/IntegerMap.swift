/// A fast map from 64-bit integers to 32-bit codes, for dimension key lookups while loading.

/// Open addressing with linear probing; built once, then read from any number of threads.
struct IntegerMap: Sendable {
    private var keys: [Int64]
    private var values: [Int32]
    private let mask: Int
    static let empty: Int32 = -1

    init(_ pairs: [(Int64, Int32)]) {
        var capacity = 16
        while capacity < pairs.count * 2 { capacity <<= 1 }
        keys = [Int64](repeating: 0, count: capacity)
        values = [Int32](repeating: Self.empty, count: capacity)
        mask = capacity - 1
        for (key, value) in pairs {
            var index = Self.slot(key, mask)
            while values[index] != Self.empty, keys[index] != key { index = (index + 1) & mask }
            keys[index] = key
            values[index] = value
        }
    }

    @inline(__always)
    static func slot(_ key: Int64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    @inline(__always)
    func value(for key: Int64) -> Int32? {
        var index = Self.slot(key, mask)
        while true {
            let value = values[index]
            if value == Self.empty { return nil }
            if keys[index] == key { return value }
            index = (index + 1) & mask
        }
    }
}
