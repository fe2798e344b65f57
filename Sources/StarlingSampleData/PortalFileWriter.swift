/// Writing one generated extract file whole: gzip-compressed when its name ends in `.gz`, to
/// `NAME.partial` first and renamed when complete, so an interrupted run leaves no half file.

import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum PortalFileWriter {
    /// Writes `bytes` to `path` (compressing them when `compress`); returns the bytes written.
    static func save(_ bytes: [UInt8], to path: String, compress: Bool) throws(SampleDataError) -> Int {
        let output = compress ? try gzip(bytes) : bytes
        let temporary = path + ".partial"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw SampleDataError("cannot create \(temporary): \(errorText())") }
        var done = 0
        var failure: String?
        output.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while done < buffer.count {
                let count = write(descriptor, base + done, buffer.count - done)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errorText()
                    return
                }
                done += count
            }
        }
        if close(descriptor) != 0, failure == nil { failure = errorText() }
        if let failure {
            unlink(temporary)
            throw SampleDataError("cannot write \(temporary): \(failure)")
        }
        guard rename(temporary, path) == 0 else {
            let message = errorText()
            unlink(temporary)
            throw SampleDataError("cannot rename \(temporary) to \(path): \(message)")
        }
        return output.count
    }

    /// `bytes` as one gzip member (level 6, no name, time 0: the same input, the same output).
    static func gzip(_ bytes: [UInt8]) throws(SampleDataError) -> [UInt8] {
        var stream = z_stream()
        guard starling_deflate_gzip_init(&stream, 6) == Z_OK else { throw SampleDataError("zlib could not start compressing") }
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw SampleDataError("zlib could not compress (status \(status))") }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
