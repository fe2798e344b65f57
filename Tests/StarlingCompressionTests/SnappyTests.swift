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

@Suite("Compressing streams")
struct CompressingStreamTests {
    @Test(
        "gzip and zstd written in pieces read back whole through DecompressingStream",
        arguments: [
            StreamCompression.gzip, .zstd,
        ])
    func roundTrip(compression: StreamCompression) throws {
        let input = (0..<3_000_000).map { UInt8(truncatingIfNeeded: ($0 / 11) &* 13) }
        var compressed: [UInt8] = []
        let stream = try CompressingStream(compression: compression, level: 3, bufferSize: 4096) { bytes in
            compressed += bytes
        }
        var offset = 0
        for piece in [0, 1, 70_000, 1_000_000, 2_000_000] where offset < input.count {
            let end = min(input.count, offset + piece)
            try input[offset..<end].withUnsafeBytes { try stream.write($0) }
            offset = end
        }
        try input[offset...].withUnsafeBytes { try stream.write($0) }
        try stream.finish()
        #expect(StreamCompression(magic: Array(compressed.prefix(4))) == compression)
        var position = 0
        let reader = try DecompressingStream(compression: compression) { buffer in
            let count = min(buffer.count, compressed.count - position)
            compressed.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<position + count]))
            }
            position += count
            return count
        }
        var output: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = try piece.withUnsafeMutableBytes { try reader.read(into: $0) }
            if count == 0 { break }
            output += piece[..<count]
        }
        #expect(output == input)
    }
}
