/// Query results streamed into a `ResultSink`: in order, chunk by chunk, stopping early.

import Foundation
import StarlingEngine
import StarlingExecution
import StarlingStorage
import Testing

/// A sink that keeps the first column's integers and can ask to stop after some chunks.
final class RecordingSink: ResultSink {
    var started = 0, finished = 0, chunks = 0
    var values: [Int64] = []
    let stopAfter: Int?

    init(stopAfter: Int? = nil) { self.stopAfter = stopAfter }

    func start(_ columns: [PlanColumn]) throws(QueryError) { started += 1 }

    func write(_ chunk: Chunk) throws(QueryError) -> Bool {
        #expect(chunk.count > 0)
        chunks += 1
        for row in 0..<chunk.count {
            if case .integer(let number) = chunk.columns[0].value(at: row) { values.append(number) }
        }
        return stopAfter.map { chunks < $0 } ?? true
    }

    func finish() throws(QueryError) { finished += 1 }
}

@Suite("Streaming results into a sink")
struct StreamingResultTests {
    /// A warehouse with `t(n, m)`: 300,000 rows loaded from a CSV file (five row groups).
    func engine(_ control: QueryControl? = nil) throws -> (Engine, String) {
        let directory = NSTemporaryDirectory() + "starling-stream-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var text = "n,m\n"
        for n in 0..<300_000 { text += "\(n),\(n % 7)\n" }
        try text.write(toFile: directory + "/t.csv", atomically: true, encoding: .utf8)
        let engine = Engine(warehouse: try Warehouse.create(at: directory + "/wh"), threads: 2, control: control)
        try engine.run("CREATE TABLE t (n BIGINT, m INTEGER); COPY t FROM '\(directory)/t.csv' (HEADER)")
        return (engine, directory)
    }

    @Test("a scan's rows arrive in order, one start and one finish per query, as the whole result")
    func ordered() throws {
        let (engine, directory) = try engine()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = RecordingSink()
        try engine.run("SELECT n FROM t WHERE m <> 3; SELECT n FROM t ORDER BY n DESC LIMIT 40000 OFFSET 5", into: sink)
        #expect(sink.started == 2 && sink.finished == 2)
        let first = (0..<300_000).filter { $0 % 7 != 3 }.map(Int64.init)
        let second = (0..<40_000).map { Int64(300_000 - 6 - $0) }
        #expect(sink.values == first + second)
        #expect(sink.chunks > 2)
    }

    @Test("a sink that wants no more rows stops the scan before it reads every row group")
    func stopsEarly() throws {
        let control = QueryControl()
        let (engine, directory) = try engine(control)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = RecordingSink(stopAfter: 1)
        try engine.run("SELECT n FROM t", into: sink)
        #expect(sink.chunks == 1 && sink.finished == 1)
        #expect(sink.values.first == 0)
        let progress = control.progress
        #expect(progress.done < progress.planned)
    }

    @Test("LIMIT stops its input early, and the rows are the first ones")
    func limit() throws {
        let control = QueryControl()
        let (engine, directory) = try engine(control)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = RecordingSink()
        try engine.run("SELECT n FROM t LIMIT 3 OFFSET 2", into: sink)
        #expect(sink.values == [2, 3, 4])
        #expect(control.progress.rowsScanned < 300_000)
    }
}
