/// COPY's formats on the server: the text format rewritten as CSV, rows written as CopyData, and
/// the hand-over of a COPY FROM STDIN's input.

import NIOCore
import StarlingColumns
import StarlingEngine
import StarlingExecution
import StarlingSQL
import Testing

@testable import StarlingServer

@Suite("COPY on the server")
struct CopyTests {
    func format(_ options: [(String, String)]) throws -> CopyFormat {
        try CopyFormat(
            options: options.map {
                CopyOption(name: Identifier($0.0, at: SourcePosition(0)), value: $0.1, valuePosition: SourcePosition(0))
            })
    }

    /// `input` rewritten as CSV, fed in pieces of `piece` bytes.
    func transcode(_ input: String, piece: Int, _ format: CopyFormat) throws -> String {
        let transcoder = CopyTextTranscoder(format)
        var out: [UInt8] = []
        let bytes = Array(input.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + piece)
            try Array(bytes[start..<end]).withUnsafeBytes { out += try transcoder.feed($0) }
            start = end
        }
        out += transcoder.finish()
        return String(decoding: out, as: UTF8.self)
    }

    @Test("the text format as CSV, whatever the pieces", arguments: [1, 2, 3, 7, 1000])
    func textToCSV(piece: Int) throws {
        let text = try format([])
        // Plain values as they are, others quoted (however the pieces split them); NULL empty.
        #expect(
            try transcode("1\ta\\tb\t\\N\n2\t\"q\"\t\\\\\n", piece: piece, text)
                == "1,\"a\tb\",\n2,\"\"\"q\"\"\",\"\\\"\n")
        // Octal and hexadecimal escapes, \r\n line ends, a last row without a line break, the end marker.
        #expect(try transcode("\\101\\x42\\x4\r\nc\n\\.\nignored\n", piece: piece, text) == "\"AB\u{4}\"\nc\n")
        #expect(try transcode("x\ty", piece: piece, text) == "x,y\n")
        // An empty line is one empty value; an empty field is an empty string, not NULL; spaces at
        // either end and commas are kept by quotes.
        #expect(try transcode("\n\t\n a,b\tc \n", piece: piece, text) == "\"\"\n\"\",\"\"\n\" a,b\",\"c \"\n")
        let header = try format([("header", "true"), ("delimiter", "|"), ("null", "NA")])
        #expect(try transcode("a|b\nNA|x\\|y\n", piece: piece, header) == ",\"x|y\"\n")
    }

    @Test("format options: PostgreSQL's defaults and refusals")
    func options() throws {
        let text = try format([])
        #expect(text.kind == .text && text.delimiter == 0x09 && text.nullText == Array("\\N".utf8))
        let csv = try format([("format", "CSV")])
        #expect(csv.kind == .csv && csv.delimiter == UInt8(ascii: ",") && csv.nullText.isEmpty)
        #expect(throws: SQLError.self) { try format([("format", "binary")]) }
        #expect(throws: SQLError.self) { try format([("quote", "'")]) }
        #expect(throws: SQLError.self) { try format([("format", "csv"), ("delimiter", "\"")]) }
        #expect(throws: SQLError.self) { try format([("delimiter", "ab")]) }
        #expect(throws: SQLError.self) { try format([("encoding", "latin1")]) }
    }

    /// The CopyData bodies `chunk` is written as.
    func rows(_ chunk: Chunk, _ format: CopyFormat, header: [String] = []) -> [String] {
        let encoder = CopyOutEncoder(format: format, types: chunk.columns.map(\.type))
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        encoder.writeHeader(header, into: &buffer)
        encoder.write(chunk, into: &buffer)
        var bodies: [String] = []
        while let type = buffer.readInteger(as: UInt8.self), let length = buffer.readInteger(as: Int32.self) {
            #expect(type == UInt8(ascii: "d"))
            bodies.append(buffer.readString(length: Int(length) - 4) ?? "?")
        }
        return bodies
    }

    @Test("rows as CopyData, one message a row, escaped for the format")
    func copyOut() throws {
        let chunk = Chunk(
            columns: [
                Vector(type: .integer, values: [.integer(1), .integer(2), .null]),
                Vector(type: .varchar, values: [.string("a\tb\\c"), .string(""), .string("x,\"y\"\n")]),
            ], count: 3)
        #expect(rows(chunk, try format([])) == ["1\ta\\tb\\\\c\n", "2\t\n", "\\N\tx,\"y\"\\n\n"])
        #expect(
            rows(chunk, try format([("format", "csv"), ("header", "true")]), header: ["id", "na,me"])
                == ["id,\"na,me\"\n", "1,a\tb\\c\n", "2,\"\"\n", ",\"x,\"\"y\"\"\n\"\n"])
    }

    @Test("the input stream: in order, paused when full, resumed when taken")
    func stream() {
        let stream = CopyInStream()
        final class Count: @unchecked Sendable { var value = 0 }
        let resumed = Count()
        stream.attach { resumed.value += 1 }
        var big = ByteBufferAllocator().buffer(capacity: CopyInStream.pauseAbove + 1)
        big.writeRepeatingByte(0x41, count: CopyInStream.pauseAbove + 1)
        #expect(!stream.append(big))
        stream.end(.done)
        guard case .data(let bytes) = stream.next(cancelled: { false }) else {
            Issue.record("no data")
            return
        }
        #expect(bytes.readableBytes == CopyInStream.pauseAbove + 1)
        #expect(resumed.value == 1)
        guard case .done = stream.next(cancelled: { false }) else {
            Issue.record("no end")
            return
        }
        #expect(stream.next(cancelled: { true }) == nil)
    }
}
