/// An extract file as a stream of UTF-8 blocks: decompressed, transcoded, BOM removed.

import StarlingCompression
import StarlingFormat

/// Reads one extract file block by block, never holding more than a few blocks in memory.
final class ExtractStream {
    let path: String
    let reader: FileReader
    let decompressor: DecompressingStream
    let transcoder: TextTranscoder?
    private var block: [UInt8]
    private var atStart = true
    /// Decompressed bytes handed out so far.
    private(set) var bytesOut = 0

    static let blockSize = 4 << 20

    init(path: String, encoding: TextEncoding) throws(LoadError) {
        self.path = path
        do {
            reader = try FileReader(path: path)
        } catch {
            throw LoadError(error.isMissing ? .missingFile : .io, error.description)
        }
        var compression = StreamCompression(fileName: path)
        if compression == .none {
            // Sniff the magic number, for compressed files without the usual suffix.
            if let sniffer = try? FileReader(path: path) {
                var head = [UInt8](repeating: 0, count: 4)
                let count = (try? head.withUnsafeMutableBytes { try sniffer.read(into: $0) }) ?? 0
                compression = StreamCompression(magic: Array(head[0..<count]))
            }
        }
        let source = reader
        do {
            decompressor = try DecompressingStream(compression: compression) { buffer in try source.read(into: buffer) }
        } catch {
            throw LoadError(.io, "\(path): \(error)")
        }
        transcoder = encoding == .utf8 ? nil : TextTranscoder(encoding: encoding)
        block = [UInt8](repeating: 0, count: Self.blockSize)
    }

    /// Appends the next block of text to `buffer`; returns false at the end of the file.
    func appendNext(to buffer: inout [UInt8]) throws(LoadError) -> Bool {
        let count: Int
        do {
            count = try block.withUnsafeMutableBytes { try decompressor.read(into: $0) }
        } catch let error as CompressionError {
            throw LoadError(.badData, "\(path): \(error)")
        } catch let error as FileError {
            throw LoadError(.io, error.description)
        } catch {
            throw LoadError(.io, "\(path): \(error)")
        }
        guard count > 0 else { return false }
        var start = 0
        if atStart {
            atStart = false
            if count >= 3, block[0] == 0xEF, block[1] == 0xBB, block[2] == 0xBF { start = 3 }
        }
        block.withUnsafeBytes { bytes in
            let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<count])
            if let transcoder {
                transcoder.transcode(slice, into: &buffer)
            } else {
                buffer.append(contentsOf: slice)
            }
        }
        bytesOut += count - start
        return true
    }

    /// Raw (compressed) bytes of the file.
    var fileSize: Int { reader.size }
}
