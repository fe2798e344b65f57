/// The one place Starling calls liblz4 and libzstd.

import CLZ4
import CZstd

/// Compresses and decompresses chunk bytes, turning the C libraries' return codes into
/// ``CompressionError``.
public enum Compressor {
    /// Compresses `input` with `setting`. Returns the input unchanged for `.none`.
    public static func compress(_ input: UnsafeRawBufferPointer, setting: CompressionSetting) throws(CompressionError) -> [UInt8] {
        switch setting.compression {
        case .none:
            return Array(input)
        case .lz4:
            guard input.count <= Int(LZ4_MAX_INPUT_SIZE) else { throw .inputTooLarge(codec: .lz4, size: input.count) }
            let bound = Int(LZ4_compressBound(Int32(input.count)))
            var output = [UInt8](repeating: 0, count: max(bound, 1))
            let written = output.withUnsafeMutableBytes { destination in
                LZ4_compress_default(
                    input.baseAddress?.assumingMemoryBound(to: CChar.self),
                    destination.baseAddress?.assumingMemoryBound(to: CChar.self),
                    Int32(input.count), Int32(destination.count))
            }
            guard written > 0 || input.count == 0 else {
                throw .compressionFailed(codec: .lz4, detail: "LZ4_compress_default returned \(written)")
            }
            output.removeSubrange(Int(written)...)
            return output
        case .zstd:
            let bound = ZSTD_compressBound(input.count)
            var output = [UInt8](repeating: 0, count: max(bound, 1))
            let written = output.withUnsafeMutableBytes { destination in
                ZSTD_compress(destination.baseAddress, destination.count, input.baseAddress, input.count, Int32(setting.level))
            }
            if ZSTD_isError(written) != 0 {
                throw .compressionFailed(codec: .zstd, detail: zstdErrorName(written))
            }
            output.removeSubrange(written...)
            return output
        }
    }

    /// Compresses a byte array.
    public static func compress(_ input: [UInt8], setting: CompressionSetting) throws(CompressionError) -> [UInt8] {
        var result: Result<[UInt8], CompressionError> = .success([])
        input.withUnsafeBytes { bytes in
            result = Result { () throws(CompressionError) -> [UInt8] in try compress(bytes, setting: setting) }
        }
        return try result.get()
    }

    /// Decompresses `input` into `output`, which must be exactly the decompressed size the
    /// footer records; any other size is an error.
    public static func decompress(
        _ input: UnsafeRawBufferPointer, codec: Compression, into output: UnsafeMutableRawBufferPointer
    ) throws(CompressionError) {
        switch codec {
        case .none:
            guard input.count == output.count else {
                throw .sizeMismatch(codec: .none, expected: output.count, actual: input.count)
            }
            output.copyMemory(from: input)
        case .lz4:
            guard input.count <= Int(Int32.max), output.count <= Int(Int32.max) else {
                throw .inputTooLarge(codec: .lz4, size: max(input.count, output.count))
            }
            // LZ4_decompress_safe never writes past the destination capacity and never reads past
            // the source; a negative result means malformed input.
            let result = LZ4_decompress_safe(
                input.baseAddress?.assumingMemoryBound(to: CChar.self),
                output.baseAddress?.assumingMemoryBound(to: CChar.self),
                Int32(input.count), Int32(output.count))
            guard result >= 0 else { throw .corrupt(codec: .lz4, detail: "malformed block (error \(result))") }
            guard Int(result) == output.count else {
                throw .sizeMismatch(codec: .lz4, expected: output.count, actual: Int(result))
            }
        case .zstd:
            let frameSize = ZSTD_getFrameContentSize(input.baseAddress, input.count)
            if frameSize == ZSTD_CONTENTSIZE_ERROR {
                throw .corrupt(codec: .zstd, detail: "not a zstd frame")
            }
            // Exactly one frame: no trailing frames or skippable frames.
            let frameLength = ZSTD_findFrameCompressedSize(input.baseAddress, input.count)
            if ZSTD_isError(frameLength) != 0 || frameLength != input.count {
                throw .corrupt(codec: .zstd, detail: "not exactly one zstd frame")
            }
            if frameSize != ZSTD_CONTENTSIZE_UNKNOWN, frameSize != UInt64(output.count) {
                throw .sizeMismatch(codec: .zstd, expected: output.count, actual: Int(clamping: frameSize))
            }
            let result = ZSTD_decompress(output.baseAddress, output.count, input.baseAddress, input.count)
            if ZSTD_isError(result) != 0 {
                throw .corrupt(codec: .zstd, detail: zstdErrorName(result))
            }
            guard result == output.count else {
                throw .sizeMismatch(codec: .zstd, expected: output.count, actual: result)
            }
        }
    }

    /// Decompresses into a new array of `decompressedSize` bytes. The size is checked first
    /// (``checkDecompressedSize(_:codec:decompressedSize:)``), and the array is not zeroed: a
    /// decompression that succeeds writes every byte of it.
    public static func decompress(_ input: UnsafeRawBufferPointer, codec: Compression, decompressedSize: Int) throws(CompressionError) -> [UInt8] {
        try checkDecompressedSize(input, codec: codec, decompressedSize: decompressedSize)
        var failure: CompressionError?
        let output = [UInt8](unsafeUninitializedCapacity: decompressedSize) { buffer, initialized in
            do throws(CompressionError) {
                try decompress(input, codec: codec, into: UnsafeMutableRawBufferPointer(buffer))
                initialized = decompressedSize
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return output
    }

    /// Throws unless `input` may decompress to `decompressedSize` bytes, as far as can be told
    /// without decompressing it: exactly its size uncompressed, at most 255 bytes per byte of an
    /// LZ4 block (a match length byte adds at most 255), the size a zstd frame records. So a
    /// size from a corrupt footer (a few bytes said to hold a gigabyte) is refused before an
    /// output that large is allocated.
    public static func checkDecompressedSize(
        _ input: UnsafeRawBufferPointer, codec: Compression, decompressedSize: Int
    ) throws(CompressionError) {
        guard decompressedSize >= 0 else { throw .sizeMismatch(codec: codec, expected: decompressedSize, actual: 0) }
        switch codec {
        case .none:
            guard input.count == decompressedSize else {
                throw .sizeMismatch(codec: .none, expected: decompressedSize, actual: input.count)
            }
        case .lz4:
            guard decompressedSize / 255 <= input.count else {
                throw .corrupt(
                    codec: .lz4, detail: "\(input.count) bytes cannot hold the \(decompressedSize) bytes recorded")
            }
        case .zstd:
            let frameSize = ZSTD_getFrameContentSize(input.baseAddress, input.count)
            if frameSize == ZSTD_CONTENTSIZE_ERROR {
                throw .corrupt(codec: .zstd, detail: "not a zstd frame")
            }
            if frameSize != ZSTD_CONTENTSIZE_UNKNOWN, frameSize != UInt64(decompressedSize) {
                throw .sizeMismatch(codec: .zstd, expected: decompressedSize, actual: Int(clamping: frameSize))
            }
        }
    }

    private static func zstdErrorName(_ code: Int) -> String {
        guard let name = ZSTD_getErrorName(code) else { return "error \(code)" }
        return String(cString: name)
    }
}
