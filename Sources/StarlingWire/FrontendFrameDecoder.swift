/// The NIO decoder that turns a connection's bytes into ``FrontendPacket``s.

import NIOCore

/// Reads the startup packet (after any SSLRequest or GSSENCRequest) and then typed messages,
/// through a ``FrontendDecoder``. A ``WireError`` it throws reaches the next handler's
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
            if case .startup = request { expectingStartup = false }
            return .startup(request)
        }
        guard let message = try decoder.decodeMessage(&buffer) else { return nil }
        return .message(message)
    }
}
