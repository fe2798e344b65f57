/// Streaming compression of whole output files: gzip (zlib) and Zstandard.

import CZlib
import CZstd

/// Compresses bytes handed to it piece by piece into one gzip member or one zstd frame, handing
/// compressed bytes to `sink` as they come, with at most one output buffer in memory. The same
/// input always gives the same bytes (gzip's header has no name and time 0).
public final class CompressingStream {
    public typealias Sink = (UnsafeRawBufferPointer) throws -> Void

    private let compression: StreamCompression
    private let sink: Sink
    private var output: [UInt8]
    private var zlib = z_stream()
    private var zstd: OpaquePointer?
    private var finished = false

    /// A stream at `level` (gzip 1…9; zstd 1…22, negative for the fast levels).
    ///
    /// - Precondition: `compression` is gzip or zstd.
    public init(compression: StreamCompression, level: Int, bufferSize: Int = 1 << 20, sink: @escaping Sink)
        throws(CompressionError)
    {
        precondition(compression != .none, "a compressing stream of no compression")
        self.compression = compression
        self.sink = sink
        output = [UInt8](repeating: 0, count: max(bufferSize, 64))
        switch compression {
        case .none: break
        case .gzip:
            let status = starling_deflate_gzip_init(&zlib, Int32(max(1, min(9, level))))
            guard status == Z_OK else { throw .fileCompressionFailed("gzip: zlib could not start (status \(status))") }
        case .zstd:
            guard let context = ZSTD_createCCtx() else { throw .fileCompressionFailed("zstd: no compression context") }
            zstd = context
            let set = ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level))
            guard ZSTD_isError(set) == 0 else { throw .fileCompressionFailed("zstd: level \(level) refused") }
        }
    }

    deinit {
        if compression == .gzip { deflateEnd(&zlib) }
        if let zstd { ZSTD_freeCCtx(zstd) }
    }

    /// Compresses `input`, handing on whatever output is ready.
    public func write(_ input: UnsafeRawBufferPointer) throws {
        precondition(!finished, "written after finish")
        try run(input, finish: false)
    }

    /// Ends the member or frame and hands on the rest.
    public func finish() throws {
        precondition(!finished, "finished twice")
        finished = true
        try run(UnsafeRawBufferPointer(start: nil, count: 0), finish: true)
    }

    private func run(_ input: UnsafeRawBufferPointer, finish: Bool) throws {
        switch compression {
        case .none: break
        case .gzip: try deflate(input, finish: finish)
        case .zstd: try compressZstd(input, finish: finish)
        }
    }

    private func deflate(_ input: UnsafeRawBufferPointer, finish: Bool) throws {
        zlib.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        zlib.avail_in = uInt(input.count)
        while true {
            let (status, produced) = output.withUnsafeMutableBytes { buffer -> (Int32, Int) in
                zlib.next_out = buffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
                zlib.avail_out = uInt(buffer.count)
                let status = CZlib.deflate(&zlib, finish ? Z_FINISH : Z_NO_FLUSH)
                return (status, buffer.count - Int(zlib.avail_out))
            }
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw CompressionError.fileCompressionFailed("gzip: zlib could not compress (status \(status))")
            }
            if produced > 0 {
                try output.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[..<produced])) }
            }
            if finish ? status == Z_STREAM_END : (zlib.avail_in == 0 && produced < output.count) { return }
        }
    }

    private func compressZstd(_ input: UnsafeRawBufferPointer, finish: Bool) throws {
        guard let zstd else { return }
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while true {
            let (remaining, produced) = output.withUnsafeMutableBytes { buffer -> (Int, Int) in
                var target = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
                let remaining = ZSTD_compressStream2(zstd, &target, &source, finish ? ZSTD_e_end : ZSTD_e_continue)
                return (remaining, target.pos)
            }
            if ZSTD_isError(remaining) != 0 {
                throw CompressionError.fileCompressionFailed("zstd: could not compress")
            }
            if produced > 0 {
                try output.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[..<produced])) }
            }
            if finish ? remaining == 0 : (source.pos == source.size && produced < output.count) { return }
        }
    }
}
