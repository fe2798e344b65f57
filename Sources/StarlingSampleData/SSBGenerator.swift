/// A fast, deterministic Star Schema Benchmark data generator: the files `tools/ssb-data.py`
/// writes (same columns, value domains, cardinalities and distributions), on every core.

import Dispatch
import StarlingColumns
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one generated file holds and how long it took.
public struct SSBTableReport: Sendable {
    public let table: SSBTable
    public let path: String
    public let rows: Int
    public let bytes: Int
    public let seconds: Double
}

/// Writes `customer`, `supplier`, `part`, `date` and `lineorder` files for a scale factor.
///
/// Every table is cut into fixed blocks (5,000 rows, or 5,000 orders for lineorder), each drawn
/// from its own SplitMix64 stream seeded from (seed, table, block index). Worker threads format
/// blocks into their own buffers and the blocks are written in order, so the bytes depend only on
/// the scale factor (or cardinalities), the seed and the format — never on the thread count.
public struct SSBGenerator: Sendable {
    /// The seed `tools/ssb-data.py` uses by default.
    public static let defaultSeed: UInt64 = 19_920_101

    public let cardinalities: SSBCardinalities
    public let seed: UInt64
    public let format: SampleFileFormat
    public let threads: Int

    /// A generator for scale factor `scaleFactor`; nil when it is out of range (see
    /// ``SSBCardinalities/init(scaleFactor:)``).
    public init?(scaleFactor: Double, seed: UInt64 = defaultSeed, format: SampleFileFormat = .tbl, threads: Int? = nil) {
        guard let cardinalities = SSBCardinalities(scaleFactor: scaleFactor) else { return nil }
        self.init(cardinalities: cardinalities, seed: seed, format: format, threads: threads)
    }

    /// A generator for explicit table sizes. `threads` defaults to the online processors.
    public init(cardinalities: SSBCardinalities, seed: UInt64 = defaultSeed, format: SampleFileFormat = .tbl, threads: Int? = nil) {
        self.cardinalities = cardinalities
        self.seed = seed
        self.format = format
        self.threads = max(1, threads ?? Self.onlineProcessors)
    }

    /// The processors online now, at least 1.
    public static var onlineProcessors: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Writes `tables` into `directory` (created if missing), one file each, in order; calls
    /// `progress` after each file is complete, and returns the reports of all of them.
    ///
    /// Each file is written as `NAME.partial` and renamed when complete, so an interrupted run
    /// leaves no partial file under a final name.
    @discardableResult
    public func generate(
        into directory: String, tables: [SSBTable] = SSBTable.allCases, progress: (SSBTableReport) -> Void = { _ in }
    ) throws(SampleDataError) -> [SSBTableReport] {
        try BlockFileWriter.createDirectory(directory)
        let blocks = SSBBlockGenerator(cardinalities: cardinalities, seed: seed)
        var reports: [SSBTableReport] = []
        for table in tables {
            let report = try generate(table, blocks: blocks, directory: directory)
            progress(report)
            reports.append(report)
        }
        return reports
    }

    /// Writes one table's file with up to `threads` workers.
    private func generate(_ table: SSBTable, blocks: SSBBlockGenerator, directory: String) throws(SampleDataError) -> SSBTableReport {
        let clock = ContinuousClock()
        let start = clock.now
        let path = (directory.hasSuffix("/") ? directory : directory + "/") + table.fileName(format: format)
        let blockCount = cardinalities.blockCount(of: table)
        let workers = min(threads, blockCount)
        let file = try BlockFileWriter(path: path, blockCount: blockCount, workers: workers)
        if format == .csv {
            var header = RowWriter(format: format, capacity: 1024)
            for name in table.columnNames {
                header.text(name)
                header.endField()
            }
            header.endRow()
            do throws(SampleDataError) {
                try file.writeHeader(header.bytes)
            } catch {
                file.abandon()
                throw error
            }
        }
        let format = format
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var writer = RowWriter(format: format, capacity: 1 << 20)
            while let block = file.claim() {
                writer.reset()
                let rows = blocks.write(table, block: block, into: &writer)
                file.commit(block: block, bytes: writer.bytes, rows: rows)
            }
        }
        let written = try file.finish()
        let duration = clock.now - start
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        return SSBTableReport(table: table, path: path, rows: written.rows, bytes: written.bytes, seconds: seconds)
    }
}
