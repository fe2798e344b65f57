/// Writing one generated file from blocks made on many threads: blocks are handed out in order,
/// written in order, to a temporary name that becomes the file's name only once it is complete.

import Dispatch
import StarlingCompression
import StarlingFormat
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why sample data could not be written.
public struct SampleDataError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// One output file, filled by `workers` threads with blocks `0..<blockCount`.
///
/// Each worker repeatedly ``claim()``s the next block, formats it, and ``commit(block:bytes:rows:)``s
/// it; a commit waits until every earlier block has been written, so the file's bytes do not
/// depend on the number of workers or their timing. At most `workers` blocks are in flight: block
/// b waits on turn `b % workers`, which block b − 1 signals after its write.
final class BlockFileWriter: Sendable {
    /// The final path, and where the bytes go until ``finish()``.
    let path: String
    let temporaryPath: String
    private let descriptor: Int32
    private let blockCount: Int
    private let nextBlock = Atomic<Int>(0)
    private let turns: [DispatchSemaphore]
    private let failed = Atomic<Bool>(false)
    private let failure = Mutex<SampleDataError?>(nil)
    private let bytesWritten = Atomic<Int>(0)
    private let rowsWritten = Atomic<Int>(0)

    /// Creates (or truncates) the temporary file next to `path`.
    init(path: String, blockCount: Int, workers: Int) throws(SampleDataError) {
        self.path = path
        temporaryPath = path + ".partial"
        self.blockCount = blockCount
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw SampleDataError("cannot create \(temporaryPath): \(lastError())") }
        turns = (0..<max(workers, 1)).map { _ in DispatchSemaphore(value: 0) }
        turns[0].signal()
    }

    /// Writes bytes ahead of every block (the CSV header); call before any worker starts.
    func writeHeader(_ bytes: UnsafeRawBufferPointer) throws(SampleDataError) {
        try writeAll(bytes)
    }

    /// The next block to generate, or nil when all are handed out or a write has failed.
    func claim() -> Int? {
        guard !failed.load(ordering: .relaxed) else { return nil }
        let block = nextBlock.wrappingAdd(1, ordering: .relaxed).oldValue
        return block < blockCount ? block : nil
    }

    /// Writes block `block`'s bytes after those of every earlier block.
    func commit(block: Int, bytes: UnsafeRawBufferPointer, rows: Int) {
        turns[block % turns.count].wait()
        if !failed.load(ordering: .acquiring) {
            do {
                try writeAll(bytes)
                rowsWritten.wrappingAdd(rows, ordering: .relaxed)
            } catch {
                failure.withLock { $0 = $0 ?? error }
                failed.store(true, ordering: .releasing)
            }
        }
        turns[(block + 1) % turns.count].signal()
    }

    /// Closes the file and gives it its final name; returns its rows and bytes. On an earlier
    /// write error, removes the temporary file and throws that error.
    func finish() throws(SampleDataError) -> (rows: Int, bytes: Int) {
        if let error = failure.withLock({ $0 }) {
            abandon()
            throw error
        }
        guard close(descriptor) == 0 else {
            let error = SampleDataError("cannot write \(temporaryPath): \(lastError())")
            unlink(temporaryPath)
            throw error
        }
        guard rename(temporaryPath, path) == 0 else {
            let error = SampleDataError("cannot rename \(temporaryPath) to \(path): \(lastError())")
            unlink(temporaryPath)
            throw error
        }
        return (rowsWritten.load(ordering: .acquiring), bytesWritten.load(ordering: .acquiring))
    }

    /// Closes and removes the temporary file.
    func abandon() {
        close(descriptor)
        unlink(temporaryPath)
    }

    /// Writes every byte, retrying short writes and interrupts.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SampleDataError) {
        let failure = FileBytes.writeAll(bytes, to: descriptor)
        guard failure == 0 else { throw SampleDataError("cannot write \(temporaryPath): \(String(cString: strerror(failure)))") }
        bytesWritten.wrappingAdd(bytes.count, ordering: .relaxed)
    }

    /// Writes `bytes` as the whole file `path` (through `path.partial`, renamed when complete);
    /// returns the bytes written.
    static func writeWhole(_ bytes: [UInt8], to path: String) throws(SampleDataError) -> Int {
        let file = try BlockFileWriter(path: path, blockCount: 1, workers: 1)
        guard file.claim() != nil else {
            file.abandon()
            throw SampleDataError("cannot write \(path)")
        }
        bytes.withUnsafeBytes { file.commit(block: 0, bytes: $0, rows: 0) }
        return try file.finish().bytes
    }

    /// `bytes` gzip-compressed (deterministic: no name, time 0).
    static func gzip(_ bytes: [UInt8]) throws(SampleDataError) -> [UInt8] {
        do { return try Compressor.gzip(bytes) } catch { throw SampleDataError(error.description) }
    }

    /// Creates `directory` and any missing parents; an existing directory is fine.
    static func createDirectory(_ directory: String) throws(SampleDataError) {
        do { try FileBytes.createDirectory(directory) } catch { throw SampleDataError(error.description) }
        guard FileBytes.kind(of: directory).isDirectory else {
            throw SampleDataError("\(directory) exists and is not a directory")
        }
    }
}

/// The C library's message for `errno`.
private func lastError() -> String {
    String(cString: strerror(errno))
}
