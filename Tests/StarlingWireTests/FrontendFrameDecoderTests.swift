/// The frame decoder's opening: it stops after an SSLRequest or GSSENCRequest, and refuses bytes
/// that came with one (sent in the clear before the answer, perhaps injected: CVE-2021-23214).

import NIOCore
import Testing

@testable import StarlingWire

@Suite("FrontendFrameDecoder")
struct FrontendFrameDecoderTests {
    static let sslRequest = FrontendDecoderTests.int32(8) + FrontendDecoderTests.int32(80_877_103)
    static let gssRequest = FrontendDecoderTests.int32(8) + FrontendDecoderTests.int32(80_877_104)
    static let startup: [UInt8] = {
        let body =
            FrontendDecoderTests.int32(196_608) + FrontendDecoderTests.cString("user")
            + FrontendDecoderTests.cString("ann") + [0]
        return FrontendDecoderTests.int32(Int32(body.count + 4)) + body
    }()

    @Test("an SSLRequest alone, then the startup packet (decrypted) in a later read")
    func sslThenStartup() throws {
        let decoder = FrontendFrameDecoder()
        var buffer = ByteBuffer(bytes: Self.sslRequest)
        #expect(try decoder.next(&buffer) == .startup(.sslRequest))
        #expect(try decoder.next(&buffer) == nil)
        buffer.writeBytes(Self.startup)
        guard case .startup(.startup(let message)) = try decoder.next(&buffer) else {
            Issue.record("no startup packet")
            return
        }
        #expect(message["user"] == "ann")
        #expect(buffer.readableBytes == 0)
    }

    @Test("bytes that came with an SSLRequest or GSSENCRequest are refused")
    func dataAfterRequest() throws {
        for (request, gss) in [(Self.sslRequest, false), (Self.gssRequest, true)] {
            for extra in [Self.startup, [0x16, 0x03, 0x01], [0]] {
                let decoder = FrontendFrameDecoder()
                var buffer = ByteBuffer(bytes: request + extra)
                #expect(throws: WireError.dataAfterEncryptionRequest(gss: gss)) { try decoder.next(&buffer) }
            }
        }
        #expect(
            WireError.dataAfterEncryptionRequest(gss: false).message == "received unencrypted data after SSL request")
        #expect(WireError.dataAfterEncryptionRequest(gss: true).sqlState == "08P01")
    }

    @Test("GSSENCRequest, then SSLRequest, then the startup packet")
    func gssThenSSL() throws {
        let decoder = FrontendFrameDecoder()
        var buffer = ByteBuffer(bytes: Self.gssRequest)
        #expect(try decoder.next(&buffer) == .startup(.gssEncryptionRequest))
        buffer.writeBytes(Self.sslRequest)
        #expect(try decoder.next(&buffer) == .startup(.sslRequest))
        buffer.writeBytes(Self.startup)
        guard case .startup(.startup) = try decoder.next(&buffer) else {
            Issue.record("no startup packet")
            return
        }
    }
}
