/// The PostgreSQL wire harness: a client's byte stream through the frontend message decoder.

import NIOCore
import StarlingWire

/// Feeds the bytes to ``FrontendDecoder`` as a connection reads them: the startup packet (after
/// any SSLRequest), then typed messages, until the bytes end, a message is incomplete, or one is
/// malformed (a thrown ``WireError``, as the server answers with 08P01).
///
/// Input: 1 byte choosing where the stream is cut in two (a split point as a fraction of the
/// length), then the stream. The maximum message size is small (4 KiB), so the size check is
/// reached.
///
/// A 'p' message's body is also decoded as a SASLInitialResponse (its lengths checked, no trap).
///
/// Checks: the stream read whole and read in two pieces (the decoder told "incomplete" after the
/// first) gives the same packets and the same error; a packet is never decoded from fewer bytes
/// than its length word says.
enum WireHarness {
    static let decoder = FrontendDecoder(maximumMessageSize: 4096)

    /// What decoding a stream gave: its packets, then its error, if any.
    struct Outcome: Equatable {
        var packets: [FrontendPacket] = []
        var error: WireError?
    }

    static func run(_ bytes: UnsafeRawBufferPointer) {
        var input = FuzzInput(bytes)
        let cut = Int(input.byte())
        let stream = Array(input.rest)
        let whole = decode([stream])
        let split = stream.count * cut / 256
        let pieces = decode([Array(stream[..<split]), Array(stream[split...])])
        FuzzCheck.expect(
            whole == pieces,
            "whole: \(whole.packets.count) packets, \(FuzzCheck.shown(whole.error)); split at \(split): "
                + "\(pieces.packets.count) packets, \(FuzzCheck.shown(pieces.error))")
    }

    /// Decodes the stream arriving in `pieces`, as the frame decoder does: after each piece, every
    /// complete packet; an error ends it.
    static func decode(_ pieces: [[UInt8]]) -> Outcome {
        var outcome = Outcome()
        var buffer = ByteBuffer()
        var expectingStartup = true
        for piece in pieces {
            buffer.writeBytes(piece)
            while true {
                let before = buffer.readableBytes
                do {
                    if expectingStartup {
                        guard let request = try decoder.decodeStartup(&buffer) else { break }
                        if case .startup = request { expectingStartup = false }
                        outcome.packets.append(.startup(request))
                    } else {
                        guard let message = try decoder.decodeMessage(&buffer) else { break }
                        outcome.packets.append(.message(message))
                        // A 'p' body is also read as the SASLInitialResponse it may be.
                        if case .password(let body) = message { _ = try? SASLInitialResponse.decode(body) }
                    }
                } catch {
                    outcome.error = error
                    return outcome
                }
                FuzzCheck.expect(buffer.readableBytes < before, "a packet was decoded from no bytes")
            }
        }
        return outcome
    }
}
