/// xxHash64 (Yann Collet's XXH64), used for chunk and footer checksums and for hashing values.

/// The 64-bit xxHash of a byte run, as specified in the xxHash reference (XXH64, seed 0 by default).
/// `xxh64("")` with seed 0 is `0xEF46DB3751D8E999`.
public enum XXHash64 {
    @usableFromInline static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    @usableFromInline static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    @usableFromInline static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    @usableFromInline static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    @usableFromInline static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    @inlinable @inline(__always)
    static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        var value = accumulator &+ input &* prime2
        value = (value << 31) | (value >> 33)
        return value &* prime1
    }

    @inlinable @inline(__always)
    static func mergeRound(_ accumulator: UInt64, _ value: UInt64) -> UInt64 {
        let mixed = accumulator ^ round(0, value)
        return mixed &* prime1 &+ prime4
    }

    /// Hashes `bytes` with `seed`.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let length = bytes.count
        guard let base = bytes.baseAddress else { return finish(seed &+ prime5, length: 0, tail: bytes) }
        var offset = 0
        var hash: UInt64
        if length >= 32 {
            var v1 = seed &+ prime1 &+ prime2
            var v2 = seed &+ prime2
            var v3 = seed
            var v4 = seed &- prime1
            let limit = length - 32
            while offset <= limit {
                v1 = round(v1, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                v2 = round(v2, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
                v3 = round(v3, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)))
                v4 = round(v4, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)))
                offset += 32
            }
            hash = ((v1 << 1) | (v1 >> 63)) &+ ((v2 << 7) | (v2 >> 57))
                &+ ((v3 << 12) | (v3 >> 52)) &+ ((v4 << 18) | (v4 >> 46))
            hash = mergeRound(hash, v1)
            hash = mergeRound(hash, v2)
            hash = mergeRound(hash, v3)
            hash = mergeRound(hash, v4)
        } else {
            hash = seed &+ prime5
        }
        return finish(hash, length: length, tail: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
    }

    @inlinable
    static func finish(_ start: UInt64, length: Int, tail: UnsafeRawBufferPointer) -> UInt64 {
        var hash = start &+ UInt64(length)
        var offset = 0
        let count = tail.count
        while offset + 8 <= count {
            let k1 = round(0, UInt64(littleEndian: tail.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            hash ^= k1
            hash = ((hash << 27) | (hash >> 37)) &* prime1 &+ prime4
            offset += 8
        }
        if offset + 4 <= count {
            hash ^= UInt64(UInt32(littleEndian: tail.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) &* prime1
            hash = ((hash << 23) | (hash >> 41)) &* prime2 &+ prime3
            offset += 4
        }
        while offset < count {
            hash ^= UInt64(tail[offset]) &* prime5
            hash = ((hash << 11) | (hash >> 53)) &* prime1
            offset += 1
        }
        return avalanche(hash)
    }

    /// The final mixing step that spreads every input bit over the whole result.
    @inlinable @inline(__always)
    static func avalanche(_ value: UInt64) -> UInt64 {
        var hash = value
        hash ^= hash >> 33
        hash = hash &* prime2
        hash ^= hash >> 29
        hash = hash &* prime3
        hash ^= hash >> 32
        return hash
    }

    /// Hashes a byte array.
    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    /// A fast 64-bit mix of one integer (the xxHash avalanche applied to `value`), for hashing
    /// fixed-width values without touching memory.
    @inlinable @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        avalanche(value &* prime1 &+ prime5)
    }
}
