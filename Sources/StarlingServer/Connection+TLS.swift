/// A connection's TLS: the answer to an SSLRequest, the TLS handler put in front of the decoder,
/// and the refusal of clients from other machines without TLS (`--require-tls`).

import NIOCore
import NIOSSL
import StarlingWire

extension Connection {
    /// Answers an SSLRequest: `N` when the server has no certificate, else `S`, sent in the clear,
    /// and then a TLS handler goes in front of the frame decoder, so what the client sends next
    /// (its handshake, then the startup packet) is decrypted before it is decoded. The decoder has
    /// read nothing past the request (it refuses bytes that came with it).
    func answerSSLRequest() {
        guard !sslRequested else {
            fatal("08P01", "a second SSLRequest on the connection")
            return
        }
        sslRequested = true
        guard let tls = server.configuration.tls, let context else {
            output.writeInteger(UInt8(ascii: "N"))
            return
        }
        output.writeInteger(UInt8(ascii: "S"))
        flushOutput()
        do {
            try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context), position: .first)
            encrypted = true
        } catch {
            server.log.write("connection \(peer): cannot start TLS: \(error)")
            context.close(promise: nil)
        }
    }

    /// Whether the startup packet may go on: false (and the connection refused with 28000) when the
    /// server requires TLS and the client, from another machine, did not use it.
    func allowedWithoutTLS() -> Bool {
        guard server.configuration.requireTLS, !encrypted, !isLoopbackPeer else { return true }
        fatal(
            "28000",
            "TLS required: this server accepts connections from other machines only over TLS "
                + "(connect with sslmode=require or sslmode=verify-full)")
        return false
    }

    /// How the connection is carried, for its log line: `over TLSv1.3`, or `without TLS`.
    var transportDescription: String {
        guard encrypted, let context else { return "without TLS" }
        let version: String
        switch try? context.pipeline.syncOperations.nioSSL_tlsVersion() {
        case .tlsv13: version = "TLSv1.3"
        case .tlsv12: version = "TLSv1.2"
        case .tlsv11: version = "TLSv1.1"
        case .tlsv1: version = "TLSv1"
        case nil: version = "TLS"
        }
        return "over \(version)"
    }

    /// The log line for an error that is neither a protocol violation nor a channel's; nil for a
    /// client that closed its TLS connection without close_notify (as many do).
    static func logText(for error: Error) -> String? {
        guard let tlsError = error as? NIOSSLError else { return "\(error)" }
        switch tlsError {
        case .uncleanShutdown: return nil
        case .handshakeFailed(let reason): return "TLS handshake failed: \(reasonNames(reason))"
        default: return "TLS: \(reasonNames(tlsError))"
        }
    }

    /// BoringSSL's reasons in `error` (`WRONG_VERSION_NUMBER`, …) without its codes and source
    /// paths; the whole text when it names none.
    static func reasonNames(_ error: Error) -> String {
        let text = "\(error)"
        if text.contains("EOF during handshake") { return "the client left during the handshake" }
        let marker = "OPENSSL_internal:"
        let names = text.split(separator: marker).dropFirst().compactMap { piece in
            piece.split(separator: " ").first.map(String.init)
        }
        return names.isEmpty ? text : names.joined(separator: ", ")
    }
}
