/// xxHash64 over data that arrives in pieces (a file read block by block).

extension XXHash64 {
    /// An incremental xxHash64: `update` with each piece, `finish` for the same value
    /// `XXHash64.hash` gives for the concatenation.
    public struct Stream: Sendable {
        private var v1: UInt64, v2: UInt64, v3: UInt64, v4: UInt64
        private let seed: UInt64
        private var buffer: [UInt8] = []
        private var length: UInt64 = 0

        public init(seed: UInt64 = 0) {
            self.seed = seed
            v1 = seed &+ XXHash64.prime1 &+ XXHash64.prime2
            v2 = seed &+ XXHash64.prime2
            v3 = seed
            v4 = seed &- XXHash64.prime1
            buffer.reserveCapacity(32)
        }

        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            length &+= UInt64(bytes.count)
            var offset = 0
            // Complete a partial stripe first.
            if !buffer.isEmpty {
                let take = min(32 - buffer.count, bytes.count)
                buffer.append(contentsOf: bytes[0..<take])
                offset = take
                if buffer.count == 32 {
                    buffer.withUnsafeBytes { consume(stripe: $0, at: 0) }
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            // Whole stripes in a tight loop over local accumulators.
            if offset + 32 <= bytes.count, let base = bytes.baseAddress {
                var a = v1, b = v2, c = v3, d = v4
                let limit = bytes.count - 32
                while offset <= limit {
                    a = XXHash64.round(a, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                    b = XXHash64.round(b, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
                    c = XXHash64.round(c, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)))
                    d = XXHash64.round(d, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)))
                    offset += 32
                }
                v1 = a; v2 = b; v3 = c; v4 = d
            }
            if offset < bytes.count {
                buffer.append(contentsOf: bytes[offset...])
            }
        }

        private mutating func consume(stripe bytes: UnsafeRawBufferPointer, at offset: Int) {
            v1 = XXHash64.round(v1, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            v2 = XXHash64.round(v2, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
            v3 = XXHash64.round(v3, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)))
            v4 = XXHash64.round(v4, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)))
        }

        /// The hash of everything given so far.
        public func finish() -> UInt64 {
            var hash: UInt64
            if length >= 32 {
                hash = ((v1 << 1) | (v1 >> 63)) &+ ((v2 << 7) | (v2 >> 57)) &+ ((v3 << 12) | (v3 >> 52)) &+ ((v4 << 18) | (v4 >> 46))
                hash = XXHash64.mergeRound(hash, v1)
                hash = XXHash64.mergeRound(hash, v2)
                hash = XXHash64.mergeRound(hash, v3)
                hash = XXHash64.mergeRound(hash, v4)
            } else {
                hash = seed &+ XXHash64.prime5
            }
            return buffer.withUnsafeBytes { XXHash64.finish(hash, length: Int(truncatingIfNeeded: length), tail: $0) }
        }
    }
}
