/// gzip compression of a whole buffer (RFC 1952), for files other tools read: generated extracts.

import CZlib

extension Compressor {
    /// `input` as one gzip member at `level` (1 fastest … 9 smallest) with a fixed header (no
    /// name, modification time 0), so the same input always gives the same bytes.
    public static func gzip(_ input: [UInt8], level: Int32 = 6) throws(CompressionError) -> [UInt8] {
        var stream = z_stream()
        let started = starling_deflate_gzip_init(&stream, level)
        guard started == Z_OK else { throw .fileCompressionFailed("gzip: zlib could not start compressing (status \(started))") }
        defer { deflateEnd(&stream) }
        var source = input
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        let status = source.withUnsafeMutableBufferPointer { sourceBuffer in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = sourceBuffer.baseAddress
                stream.avail_in = uInt(sourceBuffer.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw .fileCompressionFailed("gzip: zlib could not compress (status \(status))") }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}
