/// Tests of the LZ4 and ZSTD wrappers.

import Testing
import StarlingCompression

@Suite("Compressor")
struct CompressorTests {
    static let sample: [UInt8] = (0..<10_000).map { UInt8(truncatingIfNeeded: ($0 / 7) &* 31) }

    @Test("round-trips every codec and level", arguments: [
        CompressionSetting(.none), CompressionSetting(.lz4), CompressionSetting(.zstd, level: 1),
        CompressionSetting(.zstd, level: 3), CompressionSetting(.zstd, level: 19), CompressionSetting(.zstd, level: -5),
    ])
    func roundTrip(setting: CompressionSetting) throws {
        for input in [[], [42], Self.sample] as [[UInt8]] {
            let compressed = try Compressor.compress(input, setting: setting)
            let output = try compressed.withUnsafeBytes {
                try Compressor.decompress($0, codec: setting.compression, decompressedSize: input.count)
            }
            #expect(output == input)
        }
    }

    @Test("rejects corrupt input and wrong sizes with typed errors")
    func corruption() throws {
        for codec in [Compression.lz4, .zstd] {
            var compressed = try Compressor.compress(Self.sample, setting: CompressionSetting(codec))
            // A wrong expected size is a size mismatch or corruption, never a crash.
            #expect(throws: CompressionError.self) {
                try compressed.withUnsafeBytes { try Compressor.decompress($0, codec: codec, decompressedSize: Self.sample.count - 1) }
            }
            #expect(throws: CompressionError.self) {
                try compressed.withUnsafeBytes { try Compressor.decompress($0, codec: codec, decompressedSize: Self.sample.count + 1) }
            }
            compressed.removeLast(compressed.count / 2)
            #expect(throws: CompressionError.self) {
                try compressed.withUnsafeBytes { try Compressor.decompress($0, codec: codec, decompressedSize: Self.sample.count) }
            }
            let garbage: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x12]
            #expect(throws: CompressionError.self) {
                try garbage.withUnsafeBytes { try Compressor.decompress($0, codec: codec, decompressedSize: 100) }
            }
        }
    }

    @Test("a size the input cannot hold is refused before an output that large is allocated")
    func implausibleSizes() throws {
        // Found by the segment fuzz harness: a footer that said a chunk of a few bytes decodes to
        // hundreds of MB had that much allocated and zeroed before the decoder failed.
        let lz4 = try Compressor.compress([UInt8](repeating: 7, count: 1000), setting: CompressionSetting(.lz4))
        let refused = CompressionError.corrupt(
            codec: .lz4, detail: "\(lz4.count) bytes cannot hold the 1073741824 bytes recorded")
        #expect(throws: refused) {
            try lz4.withUnsafeBytes { try Compressor.decompress($0, codec: .lz4, decompressedSize: 1 << 30) }
        }
        // The most an LZ4 block holds is 255 bytes a byte: a long run comes close, and still reads.
        let run = [UInt8](repeating: 0, count: 1 << 20)
        let packed = try Compressor.compress(run, setting: CompressionSetting(.lz4))
        #expect(packed.count * 255 >= run.count)
        let unpacked = try packed.withUnsafeBytes {
            try Compressor.decompress($0, codec: .lz4, decompressedSize: run.count)
        }
        #expect(unpacked == run)
        let zstd = try Compressor.compress(Self.sample, setting: CompressionSetting(.zstd))
        #expect(throws: CompressionError.sizeMismatch(codec: .zstd, expected: 1 << 30, actual: Self.sample.count)) {
            try zstd.withUnsafeBytes {
                try Compressor.checkDecompressedSize($0, codec: .zstd, decompressedSize: 1 << 30)
            }
        }
        #expect(throws: CompressionError.self) {
            try [UInt8]().withUnsafeBytes { try Compressor.decompress($0, codec: .none, decompressedSize: -1) }
        }
    }

    @Test("names parse")
    func names() {
        #expect(Compression(name: "ZSTD") == .zstd)
        #expect(Compression(name: "lz4") == .lz4)
        #expect(Compression(name: "snappy") == nil)
        #expect(CompressionSetting(.zstd, level: 9).description == "zstd(9)")
    }
}
