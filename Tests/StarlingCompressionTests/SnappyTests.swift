/// Tests of the Snappy wrapper Parquet pages use.

import StarlingCompression
import Testing

@Suite("Snappy")
struct SnappyTests {
    @Test("round-trips, and refuses a wrong size or damaged bytes with an error")
    func roundTrip() throws {
        for input in [[], [7], CompressorTests.sample] as [[UInt8]] {
            let compressed = try input.withUnsafeBytes { try Compressor.snappy($0) }
            let output = try compressed.withUnsafeBytes { try Compressor.unsnappy($0, decompressedSize: input.count) }
            #expect(output == input)
            #expect(throws: CompressionError.self) {
                try compressed.withUnsafeBytes { try Compressor.unsnappy($0, decompressedSize: input.count + 1) }
            }
        }
        var damaged = try CompressorTests.sample.withUnsafeBytes { try Compressor.snappy($0) }
        damaged.removeLast(damaged.count / 2)
        #expect(throws: CompressionError.self) {
            try damaged.withUnsafeBytes { try Compressor.unsnappy($0, decompressedSize: CompressorTests.sample.count) }
        }
    }
}
