/// Streaming decompression of whole input files: gzip (zlib) and Zstandard.

import CZlib
import CZstd

/// The compression of an input file, from its name or first bytes.
public enum StreamCompression: String, Sendable, CaseIterable {
    case none, gzip, zstd

    /// `.gz` → gzip, `.zst`/`.zstd` → zstd, anything else none.
    public init(fileName: String) {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".gz") || lower.hasSuffix(".gzip") {
            self = .gzip
        } else if lower.hasSuffix(".zst") || lower.hasSuffix(".zstd") {
            self = .zstd
        } else {
            self = .none
        }
    }

    /// Recognises the gzip (`1F 8B`) and zstd (`28 B5 2F FD`) magic numbers.
    public init(magic bytes: [UInt8]) {
        if bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B {
            self = .gzip
        } else if bytes.count >= 4, bytes[0] == 0x28, bytes[1] == 0xB5, bytes[2] == 0x2F, bytes[3] == 0xFD {
            self = .zstd
        } else {
            self = .none
        }
    }
}

/// Pulls compressed bytes from `source` and hands out decompressed bytes, holding at most one
/// input buffer in memory. Concatenated gzip members and zstd frames are read in turn; input that
/// ends inside a member or frame is a ``CompressionError/corrupt(codec:detail:)`` ("truncated").
public final class DecompressingStream {
    public typealias Source = (UnsafeMutableRawBufferPointer) throws -> Int

    private let compression: StreamCompression
    private let source: Source
    private var input: [UInt8]
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceFinished = false
    private var zlib = z_stream()
    private var zlibActive = false
    private var zstd: OpaquePointer?
    /// Whether the current gzip member or zstd frame is complete.
    private var atBoundary = true

    /// - Parameter source: fills the buffer with the next raw bytes; returns 0 at the end.
    public init(compression: StreamCompression, bufferSize: Int = 1 << 20, source: @escaping Source) throws(CompressionError) {
        self.compression = compression
        self.source = source
        // Uncompressed input is read straight into the caller's buffer: no buffer of its own.
        self.input = compression == .none ? [] : [UInt8](repeating: 0, count: max(bufferSize, 1))
        switch compression {
        case .none: break
        case .gzip:
            guard starling_inflate_init(&zlib) == Z_OK else { throw .corruptInput("zlib could not start") }
            zlibActive = true
        case .zstd:
            guard let context = ZSTD_createDStream() else { throw .compressionFailed(codec: .zstd, detail: "could not create a zstd stream") }
            zstd = context
            ZSTD_initDStream(context)
        }
    }

    deinit {
        if zlibActive { inflateEnd(&zlib) }
        if let zstd { ZSTD_freeDStream(zstd) }
    }

    private func refill() throws {
        guard !sourceFinished else { return }
        if inputStart < inputEnd { return }
        let count = try input.withUnsafeMutableBytes { try source($0) }
        inputStart = 0
        inputEnd = count
        if count == 0 { sourceFinished = true }
    }

    /// Fills `output` with decompressed bytes; returns how many (0 only at the end of the data).
    public func read(into output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard output.count > 0 else { return 0 }
        // Uncompressed input with nothing buffered goes straight into `output`: no second copy.
        if compression == .none, inputStart >= inputEnd {
            guard !sourceFinished else { return 0 }
            let count = try source(output)
            if count == 0 { sourceFinished = true }
            return count
        }
        while true {
            try refill()
            let available = inputEnd - inputStart
            switch compression {
            case .none:
                if available == 0 { return 0 }
                let count = min(available, output.count)
                input.withUnsafeBytes { output.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[inputStart..<(inputStart + count)])) }
                inputStart += count
                return count
            case .gzip:
                if available == 0 {
                    if atBoundary { return 0 }
                    throw CompressionError.corruptInput("gzip data is truncated (the file ends inside a compressed stream)")
                }
                let (produced, status) = input.withUnsafeMutableBytes { buffer -> (Int, Int32) in
                    guard let inputBase = buffer.baseAddress, let outputBase = output.baseAddress else { return (0, Z_BUF_ERROR) }
                    zlib.next_in = inputBase.advanced(by: inputStart).assumingMemoryBound(to: Bytef.self)
                    zlib.avail_in = uInt(available)
                    zlib.next_out = outputBase.assumingMemoryBound(to: Bytef.self)
                    zlib.avail_out = uInt(output.count)
                    let status = inflate(&zlib, Z_NO_FLUSH)
                    return (output.count - Int(zlib.avail_out), status)
                }
                inputStart = inputEnd - Int(zlib.avail_in)
                switch status {
                case Z_OK, Z_BUF_ERROR:
                    atBoundary = false
                case Z_STREAM_END:
                    // The next member (if any) starts with a fresh header.
                    atBoundary = true
                    inflateReset(&zlib)
                default:
                    let message = zlib.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw CompressionError.corruptInput("gzip data is corrupt: \(message)")
                }
                if produced > 0 { return produced }
            case .zstd:
                guard let zstd else { return 0 }
                if available == 0 {
                    if atBoundary { return 0 }
                    throw CompressionError.corruptInput("zstd data is truncated (the file ends inside a frame)")
                }
                var inBuffer = ZSTD_inBuffer()
                var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
                let result = input.withUnsafeBytes { buffer -> Int in
                    guard let inputBase = buffer.baseAddress else { return 0 }
                    inBuffer = ZSTD_inBuffer(src: inputBase.advanced(by: inputStart), size: available, pos: 0)
                    return ZSTD_decompressStream(zstd, &outBuffer, &inBuffer)
                }
                if ZSTD_isError(result) != 0 {
                    throw CompressionError.corruptInput("zstd data is corrupt: " + (ZSTD_getErrorName(result).map { String(cString: $0) } ?? "error \(result)"))
                }
                inputStart += inBuffer.pos
                atBoundary = result == 0
                if outBuffer.pos > 0 { return outBuffer.pos }
            }
        }
    }
}
