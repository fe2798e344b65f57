/// gzip compression of a whole buffer with the system zlib, for generated extract files.

import CZlib

/// Compresses bytes into one gzip member (RFC 1952) with a fixed header (no name, no time), so
/// the same input always gives the same file.
enum GzipEncoder {
    /// `input` gzip-compressed at `level` (1 fastest … 9 smallest).
    static func compress(_ input: [UInt8], level: Int32 = 6) throws(SampleDataError) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip wrapper instead of zlib's.
        let started = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                    zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard started == Z_OK else { throw SampleDataError("gzip: cannot start zlib (status \(started))") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count)))
        var output = [UInt8](repeating: 0, count: bound + 64)
        var source = input
        let status: Int32 = source.withUnsafeMutableBufferPointer { sourceBuffer in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = sourceBuffer.baseAddress
                stream.avail_in = UInt32(sourceBuffer.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw SampleDataError("gzip: compression failed (status \(status))") }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }
}
