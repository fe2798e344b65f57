/// The errors of reading PostgreSQL protocol messages from a client: each one a protocol violation
/// that ends the connection with an ErrorResponse.

/// What was wrong with the bytes a client sent. The server answers with an ErrorResponse carrying
/// ``sqlState`` and ``message``, then closes the connection: after a malformed message the stream
/// cannot be trusted to be in step again.
public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A length word larger than the server accepts (``FrontendDecoder/maximumMessageSize``).
    case messageTooLarge(type: UInt8?, length: Int, limit: Int)
    /// A length word too small to cover itself (and a startup packet's version word).
    case invalidLength(type: UInt8?, length: Int)
    /// A message type byte the protocol does not define for a client.
    case unknownMessageType(UInt8)
    /// A message the protocol defines but the server does not take (FunctionCall, COPY data).
    case unsupportedMessage(UInt8)
    /// A startup packet asking for a protocol version other than 3.x.
    case unsupportedProtocol(major: Int, minor: Int)
    /// A message whose body does not hold what its type says: `reason` names the field.
    case malformed(type: UInt8?, reason: String)
    /// Bytes sent after an SSLRequest (`gss`: a GSSENCRequest) before its answer: unencrypted,
    /// they may have been injected by a man in the middle (CVE-2021-23214), so they are refused.
    case dataAfterEncryptionRequest(gss: Bool)

    /// The SQLSTATE for the ErrorResponse: 08P01 (protocol_violation), or 0A000
    /// (feature_not_supported) for an unsupported protocol version or message.
    public var sqlState: String {
        switch self {
        case .unsupportedProtocol, .unsupportedMessage: return "0A000"
        default: return "08P01"
        }
    }

    /// One line for the client and the log.
    public var message: String {
        switch self {
        case .messageTooLarge(let type, let length, let limit):
            return "\(Self.name(type)) of \(length) bytes is larger than the limit of \(limit) bytes"
        case .invalidLength(let type, let length):
            return "invalid length \(length) in \(Self.name(type))"
        case .unknownMessageType(let byte):
            return "invalid frontend message type \(Self.describe(byte))"
        case .unsupportedMessage(let byte):
            return "frontend message type \(Self.describe(byte)) is not supported by this server"
        case .unsupportedProtocol(let major, let minor):
            return "unsupported frontend protocol \(major).\(minor): the server supports 3.0"
        case .malformed(let type, let reason):
            return "malformed \(Self.name(type)): \(reason)"
        case .dataAfterEncryptionRequest(let gss):
            return "received unencrypted data after \(gss ? "GSSAPI encryption request" : "SSL request")"
        }
    }

    public var description: String { message }

    /// `message 'Q'`, or `startup packet` when there is no type byte.
    static func name(_ type: UInt8?) -> String {
        guard let type else { return "startup packet" }
        return "message \(describe(type))"
    }

    /// A type byte as a quoted printable character, else its number.
    static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "\(byte)"
    }
}
