/// The frontend message decoder: every message type, and malformed input (truncated, oversized,
/// negative lengths and counts, unknown types, random bytes) as typed errors, never a trap.

import NIOCore
import StarlingWire
import Testing

@Suite("FrontendDecoder")
struct FrontendDecoderTests {
    let decoder = FrontendDecoder(maximumMessageSize: 1 << 20)

    /// A typed message: type byte, length word, body.
    static func message(_ type: Character, _ body: [UInt8] = []) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(type.asciiValue ?? 0)
        buffer.writeInteger(Int32(body.count + 4))
        buffer.writeBytes(body)
        return buffer
    }

    static func cString(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }
    static func int16(_ value: Int16) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
    static func int32(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }

    func decode(_ buffer: ByteBuffer) throws(WireError) -> FrontendMessage? {
        var copy = buffer
        return try decoder.decodeMessage(&copy)
    }

    @Test("a startup packet with parameters")
    func startup() throws {
        var buffer = ByteBuffer()
        let body =
            Self.int32(196_608) + Self.cString("user") + Self.cString("ann") + Self.cString("database")
            + Self.cString("w") + [0]
        buffer.writeInteger(Int32(body.count + 4))
        buffer.writeBytes(body)
        let request = try decoder.decodeStartup(&buffer)
        guard case .startup(let message) = request else {
            Issue.record("not a startup message: \(String(describing: request))")
            return
        }
        #expect(message.majorVersion == 3 && message.minorVersion == 0)
        #expect(message["user"] == "ann" && message["database"] == "w" && message["options"] == nil)
        #expect(buffer.readableBytes == 0)
    }

    @Test("SSLRequest, GSSENCRequest and CancelRequest")
    func requests() throws {
        for (code, expected) in [(80_877_103, StartupRequest.sslRequest), (80_877_104, .gssEncryptionRequest)] {
            var buffer = ByteBuffer(bytes: Self.int32(8) + Self.int32(Int32(code)))
            #expect(try decoder.decodeStartup(&buffer) == expected)
        }
        var cancel = ByteBuffer(bytes: Self.int32(16) + Self.int32(80_877_102) + Self.int32(42) + Self.int32(-7))
        #expect(try decoder.decodeStartup(&cancel) == .cancel(processID: 42, secretKey: -7))
    }

    @Test("an incomplete packet consumes nothing and waits")
    func incomplete() throws {
        var startup = ByteBuffer(bytes: Self.int32(40) + Self.int32(196_608))
        #expect(try decoder.decodeStartup(&startup) == nil)
        #expect(startup.readableBytes == 8)
        var query = Self.message("Q", Self.cString("SELECT 1"))
        query.moveWriterIndex(to: query.writerIndex - 3)
        #expect(try decoder.decodeMessage(&query) == nil)
        #expect(query.readerIndex == 0)
        var empty = ByteBuffer()
        #expect(try decoder.decodeMessage(&empty) == nil)
    }

    @Test("every message type a client sends")
    func messages() throws {
        #expect(try decode(Self.message("Q", Self.cString("SELECT 1; SELECT 2"))) == .query("SELECT 1; SELECT 2"))
        let parse = Self.cString("s1") + Self.cString("SELECT $1") + Self.int16(1) + Self.int32(23)
        #expect(try decode(Self.message("P", parse)) == .parse(name: "s1", query: "SELECT $1", parameterTypes: [23]))
        let bind =
            Self.cString("p") + Self.cString("s1") + Self.int16(1) + Self.int16(1) + Self.int16(2) + Self.int32(2)
            + [0, 7] + Self.int32(-1) + Self.int16(1) + Self.int16(0)
        let expected = BindMessage(
            portal: "p", statement: "s1", parameterFormats: [.binary], parameters: [[0, 7], nil],
            resultFormats: [.text])
        #expect(try decode(Self.message("B", bind)) == .bind(expected))
        #expect(expected.parameterFormat(1) == .binary && expected.resultFormat(5) == .text)
        #expect(try decode(Self.message("D", [0x50] + Self.cString("p"))) == .describe(.portal, name: "p"))
        #expect(try decode(Self.message("C", [0x53] + Self.cString(""))) == .close(.statement, name: ""))
        #expect(try decode(Self.message("E", Self.cString("") + Self.int32(10))) == .execute(portal: "", maxRows: 10))
        #expect(try decode(Self.message("S")) == .sync)
        #expect(try decode(Self.message("H")) == .flush)
        #expect(try decode(Self.message("X")) == .terminate)
    }

    /// The error decoding `buffer` throws.
    func failure(_ buffer: ByteBuffer, startup: Bool = false) -> WireError? {
        var copy = buffer
        do {
            if startup {
                _ = try decoder.decodeStartup(&copy)
            } else {
                _ = try decoder.decodeMessage(&copy)
            }
            return nil
        } catch {
            return error
        }
    }

    @Test("lengths out of bounds")
    func lengths() {
        var oversized = ByteBuffer(bytes: [UInt8(ascii: "Q")])
        oversized.writeInteger(Int32.max)
        #expect(failure(oversized) == .messageTooLarge(type: UInt8(ascii: "Q"), length: Int(Int32.max), limit: 1 << 20))
        var negative = ByteBuffer(bytes: [UInt8(ascii: "Q")])
        negative.writeInteger(Int32(-1))
        #expect(failure(negative) == .invalidLength(type: UInt8(ascii: "Q"), length: -1))
        var short = ByteBuffer(bytes: [UInt8(ascii: "S")])
        short.writeInteger(Int32(3))
        #expect(failure(short) == .invalidLength(type: UInt8(ascii: "S"), length: 3))
        let hugeStartup = ByteBuffer(bytes: Self.int32(1 << 30) + Self.int32(196_608))
        #expect(failure(hugeStartup, startup: true) == .messageTooLarge(type: nil, length: 1 << 30, limit: 10_000))
        let tinyStartup = ByteBuffer(bytes: Self.int32(4) + Self.int32(196_608))
        #expect(failure(tinyStartup, startup: true) == .invalidLength(type: nil, length: 4))
        #expect(
            failure(ByteBuffer(bytes: Self.int32(8) + Self.int32(2 << 16)), startup: true)
                == .unsupportedProtocol(major: 2, minor: 0))
    }

    @Test("a 'p' message is kept whole; SASLInitialResponse decodes from it, checking its lengths")
    func password() throws {
        let body = Self.cString("SCRAM-SHA-256") + Self.int32(3) + Array("n,,".utf8)
        #expect(try decode(Self.message("p", body)) == .password(body))
        #expect(try decode(Self.message("p")) == .password([]))
        #expect(
            try SASLInitialResponse.decode(body)
                == SASLInitialResponse(mechanism: "SCRAM-SHA-256", data: Array("n,,".utf8)))
        #expect(
            try SASLInitialResponse.decode(Self.cString("X") + Self.int32(-1))
                == SASLInitialResponse(mechanism: "X", data: nil))
        #expect(
            try SASLInitialResponse.decode(Self.cString("X") + Self.int32(0))
                == SASLInitialResponse(mechanism: "X", data: []))
        for bad in [
            [], Array("SCRAM".utf8), Self.cString("X"), Self.cString("X") + [0, 0],
            Self.cString("X") + Self.int32(4) + [1],
            Self.cString("X") + Self.int32(-2), Self.cString("X") + Self.int32(Int32.min),
            Self.cString("X") + Self.int32(Int32.max), Self.cString("X") + Self.int32(1) + [1, 2],
            Self.cString("X") + Self.int32(-1) + [7],
        ] {
            #expect(throws: WireError.self, "\(bad)") { try SASLInitialResponse.decode(bad) }
        }
    }

    @Test("unknown and unsupported message types")
    func types() {
        #expect(failure(Self.message("z")) == .unknownMessageType(UInt8(ascii: "z")))
        #expect(failure(ByteBuffer(bytes: [0])) == .unknownMessageType(0))
        #expect(failure(Self.message("F")) == .unsupportedMessage(UInt8(ascii: "F")))
    }

    @Test("COPY's messages: CopyData's bytes as sent, CopyDone, CopyFail's reason")
    func copy() throws {
        var data = ByteBuffer()
        data.writeBytes([1, 2, 0, 9])
        #expect(try decode(Self.message("d", [1, 2, 0, 9])) == .copyData(data))
        #expect(try decode(Self.message("d")) == .copyData(ByteBuffer()))
        #expect(try decode(Self.message("c")) == .copyDone)
        #expect(try decode(Self.message("f", Array("gave up".utf8) + [0])) == .copyFail("gave up"))
        #expect(failure(Self.message("f", Array("no NUL".utf8))) != nil)
        #expect(failure(Self.message("c", [1])) != nil)
    }

    @Test("bodies that do not hold what their type says")
    func bodies() {
        let malformed: [(Character, [UInt8])] = [
            ("Q", Array("SELECT 1".utf8)),  // no NUL
            ("Q", Self.cString("SELECT 1") + [9]),  // trailing byte
            ("P", Self.cString("") + Self.cString("SELECT 1") + Self.int16(-1)),  // negative count
            ("P", Self.cString("") + Self.cString("SELECT 1") + Self.int16(3) + Self.int32(23)),  // count too large
            ("B", Self.cString("") + Self.cString("") + Self.int16(0) + Self.int16(1) + Self.int32(-2) + Self.int16(0)),
            ("B", Self.cString("") + Self.cString("") + Self.int16(0) + Self.int16(1) + Self.int32(100) + [1, 2]),
            ("B", Self.cString("") + Self.cString("") + Self.int16(2) + Self.int16(0) + Self.int16(0) + Self.int16(3)),
            ("B", Self.cString("") + Self.cString("") + Self.int16(0) + Self.int16(0) + Self.int16(1) + Self.int16(7)),
            ("B", Self.cString("") + Self.cString("") + Self.int16(2) + Self.int16(0) + Self.int16(0) + Self.int16(1)),
            ("D", [0x51] + Self.cString("x")),  // neither S nor P
            ("E", Self.cString("") + Self.int32(-1)),
            ("E", Self.cString("")),
            ("S", [1]),
        ]
        for (type, body) in malformed {
            let error = failure(Self.message(type, body))
            guard case .malformed(let errorType, _) = error else {
                Issue.record("\(type) \(body): \(String(describing: error))")
                continue
            }
            #expect(errorType == type.asciiValue)
            #expect(error?.sqlState == "08P01")
        }
    }

    @Test("random bytes never trap: each prefix decodes, waits or throws")
    func randomBytes() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<2_000 {
            let count = Int.random(in: 0...64, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Half the rounds start with a valid type byte and a small length, to reach the bodies.
            if round % 2 == 0, count >= 5 {
                bytes[0] = Array("QPBDECSHX".utf8)[round % 9]
                bytes[1] = 0
                bytes[2] = 0
                bytes[3] = 0
                bytes[4] = UInt8(min(count - 1, 255))
            }
            var buffer = ByteBuffer(bytes: bytes)
            var steps = 0
            while steps < 100, let message = try? decoder.decodeMessage(&buffer) {
                _ = message
                steps += 1
            }
            var startup = ByteBuffer(bytes: bytes)
            _ = try? decoder.decodeStartup(&startup)
        }
    }
}
