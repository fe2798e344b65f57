/// Reading byte runs of up to 16 bytes as two words, for hashing and comparing short strings.

/// Short byte runs (codes, flags, modes: most strings worth a dictionary) read with two loads
/// each instead of a byte loop.
public enum ShortByteRun {
    /// Runs of at most this many bytes are held whole by ``words(_:count:)``.
    public static let limit = 16

    /// The first and last (up to) eight bytes of a run of at most 16, as two words that together
    /// hold every byte (overlapping when the run is shorter than 16). Two runs of the same length
    /// are equal exactly when their words are.
    @inlinable @inline(__always)
    public static func words(_ base: UnsafeRawPointer, count: Int) -> (UInt64, UInt64) {
        if count >= 8 { return (base.loadUnaligned(as: UInt64.self), (base + count - 8).loadUnaligned(as: UInt64.self)) }
        if count >= 4 { return (UInt64(base.loadUnaligned(as: UInt32.self)), UInt64((base + count - 4).loadUnaligned(as: UInt32.self))) }
        if count > 0 {
            return (UInt64(base.load(as: UInt8.self)) | UInt64(base.load(fromByteOffset: count >> 1, as: UInt8.self)) << 8,
                    UInt64(base.load(fromByteOffset: count - 1, as: UInt8.self)))
        }
        return (0, 0)
    }

    /// A hash of a run of at most 16 bytes from its words and length: two multiplications, then
    /// MurmurHash3's finalizer so the low bits (a table slot) mix well. Not stable across versions.
    @inlinable @inline(__always)
    public static func hash(_ words: (UInt64, UInt64), count: Int) -> UInt64 {
        var hash = (words.0 &* 0x9E37_79B9_7F4A_7C15) ^ ((words.1 ^ UInt64(count)) &* 0xC2B2_AE3D_27D4_EB4F)
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 33)
    }
}
