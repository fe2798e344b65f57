/// The NIO decoder that turns a connection's bytes into ``FrontendPacket``s.

import NIOCore

/// Reads the startup packet (after any SSLRequest or GSSENCRequest) and then typed messages,
/// through a ``FrontendDecoder``. It stops after an SSLRequest or GSSENCRequest, so the next
/// handler can answer it (and put a TLS handler in front of this one) before more is read;
/// bytes that came with the request are refused. A ``WireError`` it throws reaches the next handler's
/// `errorCaught`, which answers with an ErrorResponse and closes the connection; the decoder
/// reads nothing more after it.
public final class FrontendFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = FrontendPacket

    private let decoder: FrontendDecoder
    /// True until the startup message (not an SSL or GSS request) arrived.
    private var expectingStartup = true

    public init(decoder: FrontendDecoder = FrontendDecoder()) {
        self.decoder = decoder
    }

    public func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let packet = try next(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(packet))
        return .continue
    }

    public func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        // Whatever is left of an incomplete message when the client goes away is dropped.
        guard let packet = try next(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(packet))
        return .continue
    }

    /// The next packet in `buffer`, nil while incomplete.
    func next(_ buffer: inout ByteBuffer) throws(WireError) -> FrontendPacket? {
        if expectingStartup {
            guard let request = try decoder.decodeStartup(&buffer) else { return nil }
            switch request {
            case .startup: expectingStartup = false
            case .sslRequest, .gssEncryptionRequest:
                // The client waits for the answer ('S' or 'N') before sending more, and after an
                // 'S' the next bytes must be the TLS handshake: bytes already here were sent in
                // the clear before it, perhaps by a man in the middle (CVE-2021-23214).
                guard buffer.readableBytes == 0 else {
                    throw .dataAfterEncryptionRequest(gss: request == .gssEncryptionRequest)
                }
            case .cancel: break
            }
            return .startup(request)
        }
        guard let message = try decoder.decodeMessage(&buffer) else { return nil }
        return .message(message)
    }
}
