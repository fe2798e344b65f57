/// Checksum throughput: xxHash64 over chunk-sized byte runs, as every chunk read verifies.

import StarlingColumns
import StarlingEncoding

/// Hashes pseudo-random byte runs of a chunk's typical sizes with ``XXHash64`` and reports
/// gigabytes per second on one core: the cost a scan pays per byte it verifies.
struct ChecksumThroughput {
    let runs: Int

    func report() {
        print("Checksum throughput (xxHash64, GB/s per core)")
        print(pad("run length", 24, right: false) + pad("median ms", 11) + pad("GB/s", 8))
        var random = SplitMix64(seed: 11)
        let total = 64 << 20
        let words = (0..<(total / 8)).map { _ in random.next() }
        for length in [16, 200, 8 << 10, 64 << 10, 512 << 10] {
            var sink: UInt64 = 0
            let seconds = words.withUnsafeBytes { bytes in
                medianSeconds(runs: runs) {
                    var offset = 0
                    while offset + length <= total {
                        sink &+= XXHash64.hash(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]))
                        offset += length
                    }
                }
            }
            let rate = Double(total) / seconds / 1e9
            print(
                pad("\(length) bytes", 24, right: false) + pad(fixed(seconds * 1000, 1), 11) + pad(fixed(rate, 2), 8)
                    + (sink == 42 ? " " : ""))
        }
    }
}
