/// Snappy's raw format (no framing), the way Parquet pages use it, through Debian's libsnappy.

import CSnappy

extension Compressor {
    /// `input` compressed as one raw Snappy block.
    public static func snappy(_ input: UnsafeRawBufferPointer) throws(CompressionError) -> [UInt8] {
        var length = snappy_max_compressed_length(input.count)
        var output = [UInt8](repeating: 0, count: max(length, 1))
        let status = output.withUnsafeMutableBytes { target in
            snappy_compress(
                input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                target.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
        }
        guard status == SNAPPY_OK else {
            throw .fileCompressionFailed("snappy: could not compress (status \(status.rawValue))")
        }
        output.removeSubrange(length...)
        return output
    }

    /// The raw Snappy block `input`, which must decompress to exactly `decompressedSize` bytes.
    public static func unsnappy(_ input: UnsafeRawBufferPointer, decompressedSize: Int) throws(CompressionError)
        -> [UInt8]
    {
        var length = 0
        guard
            snappy_uncompressed_length(input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count, &length)
                == SNAPPY_OK, length == decompressedSize
        else {
            throw .fileCompressionFailed("snappy: the block does not hold \(decompressedSize) bytes")
        }
        var output = [UInt8](repeating: 0, count: max(length, 1))
        let status = output.withUnsafeMutableBytes { target in
            snappy_uncompress(
                input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                target.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
        }
        guard status == SNAPPY_OK, length == decompressedSize else {
            throw .fileCompressionFailed("snappy: the block is damaged")
        }
        output.removeSubrange(length...)
        return output
    }
}
