/// The backend message encoder: the bytes of each message, as the protocol documents them.

import NIOCore
import StarlingWire
import Testing

@Suite("BackendMessage")
struct BackendMessageTests {
    static func bytes(_ message: BackendMessage) -> [UInt8] {
        var buffer = ByteBuffer()
        message.encode(into: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    @Test("messages without a body, and with a small one")
    func simple() {
        #expect(Self.bytes(.authenticationOk) == [0x52, 0, 0, 0, 8, 0, 0, 0, 0])
        #expect(Self.bytes(.readyForQuery(.idle)) == [0x5A, 0, 0, 0, 5, 0x49])
        #expect(Self.bytes(.readyForQuery(.failed)) == [0x5A, 0, 0, 0, 5, 0x45])
        #expect(Self.bytes(.parseComplete) == [0x31, 0, 0, 0, 4])
        #expect(Self.bytes(.bindComplete) == [0x32, 0, 0, 0, 4])
        #expect(Self.bytes(.closeComplete) == [0x33, 0, 0, 0, 4])
        #expect(Self.bytes(.noData) == [0x6E, 0, 0, 0, 4])
        #expect(Self.bytes(.portalSuspended) == [0x73, 0, 0, 0, 4])
        #expect(Self.bytes(.emptyQueryResponse) == [0x49, 0, 0, 0, 4])
        #expect(Self.bytes(.commandComplete("SELECT 1")) == [0x43, 0, 0, 0, 13] + Array("SELECT 1".utf8) + [0])
        #expect(
            Self.bytes(.backendKeyData(processID: 1, secretKey: -1)) == [
                0x4B, 0, 0, 0, 12, 0, 0, 0, 1, 255, 255, 255, 255,
            ])
        #expect(Self.bytes(.parameterStatus(name: "a", value: "b")) == [0x53, 0, 0, 0, 8, 0x61, 0, 0x62, 0])
        #expect(Self.bytes(.parameterDescription([23, 25])) == [0x74, 0, 0, 0, 14, 0, 2, 0, 0, 0, 23, 0, 0, 0, 25])
    }

    @Test("AuthenticationSASL, SASLContinue and SASLFinal: 'R' with codes 10, 11 and 12")
    func sasl() {
        #expect(
            Self.bytes(.authenticationSASL(mechanisms: ["SCRAM-SHA-256"]))
                == [0x52, 0, 0, 0, 23, 0, 0, 0, 10] + Array("SCRAM-SHA-256".utf8) + [0, 0])
        #expect(
            Self.bytes(.authenticationSASLContinue(Array("r=a".utf8))) == [
                0x52, 0, 0, 0, 11, 0, 0, 0, 11, 0x72, 0x3D, 0x61,
            ])
        #expect(
            Self.bytes(.authenticationSASLFinal(Array("v=b".utf8))) == [
                0x52, 0, 0, 0, 11, 0, 0, 0, 12, 0x76, 0x3D, 0x62,
            ])
    }

    @Test("RowDescription and DataRow")
    func rows() {
        let field = FieldDescription(name: "n", typeOID: 1700, typeSize: -1, typeModifier: 0x000A_0006, format: .binary)
        #expect(
            Self.bytes(.rowDescription([field])) == [0x54, 0, 0, 0, 26, 0, 1, 0x6E, 0] + [0, 0, 0, 0, 0, 0]
                + [0, 0, 6, 0xA4, 255, 255, 0, 0x0A, 0, 6, 0, 1])
        #expect(
            Self.bytes(.dataRow([[0x61], nil])) == [0x44, 0, 0, 0, 15, 0, 2, 0, 0, 0, 1, 0x61, 255, 255, 255, 255])
        var buffer = ByteBuffer()
        BackendMessage.writeDataRow(into: &buffer, columns: 1) { cells in
            cells.writeInteger(Int32(1))
            cells.writeInteger(UInt8(0x62))
        }
        #expect(buffer.readBytes(length: buffer.readableBytes) == [0x44, 0, 0, 0, 11, 0, 1, 0, 0, 0, 1, 0x62])
    }

    @Test("ErrorResponse fields: severity, SQLSTATE, message, hint, position")
    func error() {
        let fields = ErrorFields(sqlState: "42P01", message: "m", hint: "h", position: 15)
        let expected: [UInt8] =
            [0x53] + Array("ERROR".utf8) + [0, 0x56] + Array("ERROR".utf8) + [0, 0x43] + Array("42P01".utf8)
            + [0, 0x4D, 0x6D, 0, 0x48, 0x68, 0, 0x50, 0x31, 0x35, 0, 0]
        #expect(Self.bytes(.errorResponse(fields)) == [0x45, 0, 0, 0, UInt8(expected.count + 4)] + expected)
        #expect(Self.bytes(.noticeResponse(fields)).first == 0x4E)
        // A NUL inside a string would end it early: it is dropped.
        #expect(Self.bytes(.commandComplete("a\u{0}b")) == [0x43, 0, 0, 0, 7, 0x61, 0x62, 0])
    }
}
