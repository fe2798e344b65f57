/// Decodes the messages a PostgreSQL client sends from raw bytes, checking every length and count.

import NIOCore

/// Splits the client's byte stream into messages and decodes them. Each function takes what is
/// readable, returns nil (consuming nothing) while a message is incomplete, and throws a typed
/// ``WireError`` — never traps — for a length out of bounds, an unknown type or a body that does
/// not hold what its type says.
public struct FrontendDecoder: Sendable {
    /// The largest message (its length word included) taken: 64 MiB by default, so a client
    /// cannot make the server reserve more than that for one message.
    public let maximumMessageSize: Int
    /// The largest startup packet: PostgreSQL's limit, 10,000 bytes.
    public static let maximumStartupSize = 10_000

    static let sslRequestCode: Int32 = 80_877_103
    static let gssEncryptionRequestCode: Int32 = 80_877_104
    static let cancelRequestCode: Int32 = 80_877_102

    public init(maximumMessageSize: Int = 64 << 20) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// The opening packet: a length word, a version or request code, and its body.
    public func decodeStartup(_ buffer: inout ByteBuffer) throws(WireError) -> StartupRequest? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return nil }
        guard length >= 8 else { throw .invalidLength(type: nil, length: Int(length)) }
        guard length <= Self.maximumStartupSize else {
            throw .messageTooLarge(type: nil, length: Int(length), limit: Self.maximumStartupSize)
        }
        guard buffer.readableBytes >= Int(length) else { return nil }
        guard var packet = buffer.readSlice(length: Int(length)) else { return nil }
        packet.moveReaderIndex(forwardBy: 4)
        var reader = MessageReader(packet, type: nil)
        let code = try reader.readInt32("protocol version")
        switch code {
        case Self.sslRequestCode:
            try reader.requireEnd()
            return .sslRequest
        case Self.gssEncryptionRequestCode:
            try reader.requireEnd()
            return .gssEncryptionRequest
        case Self.cancelRequestCode:
            let processID = try reader.readInt32("process id")
            let secret = try reader.readInt32("secret key")
            try reader.requireEnd()
            return .cancel(processID: processID, secretKey: secret)
        default:
            let major = Int(code >> 16)
            let minor = Int(code & 0xFFFF)
            guard major == 3 else { throw .unsupportedProtocol(major: major, minor: minor) }
            var parameters: [(name: String, value: String)] = []
            while true {
                let name = try reader.readCString("parameter name")
                if name.isEmpty { break }
                parameters.append((name, try reader.readCString("value of parameter \(name)")))
            }
            try reader.requireEnd()
            return .startup(StartupMessage(majorVersion: major, minorVersion: minor, parameters: parameters))
        }
    }

    /// One typed message: a type byte, a length word (counting itself) and the body.
    public func decodeMessage(_ buffer: inout ByteBuffer) throws(WireError) -> FrontendMessage? {
        let start = buffer.readerIndex
        guard let type = buffer.getInteger(at: start, as: UInt8.self) else { return nil }
        guard Self.knownTypes.contains(type) else { throw .unknownMessageType(type) }
        guard let length = buffer.getInteger(at: start + 1, as: Int32.self) else { return nil }
        guard length >= 4 else { throw .invalidLength(type: type, length: Int(length)) }
        guard Int(length) <= maximumMessageSize else {
            throw .messageTooLarge(type: type, length: Int(length), limit: maximumMessageSize)
        }
        guard buffer.readableBytes >= 1 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 5)
        guard let body = buffer.readSlice(length: Int(length) - 4) else { return nil }
        return try Self.decodeBody(type: type, MessageReader(body, type: type))
    }

    /// Every type byte a client may send in protocol 3.0.
    static let knownTypes: Set<UInt8> = Set("QPBDECSHXFdcfp".utf8)

    static func decodeBody(type: UInt8, _ body: MessageReader) throws(WireError) -> FrontendMessage {
        var reader = body
        let message: FrontendMessage
        switch type {
        case UInt8(ascii: "Q"):
            message = .query(try reader.readCString("query string"))
        case UInt8(ascii: "P"):
            let name = try reader.readCString("statement name")
            let query = try reader.readCString("query string")
            let count = try reader.readCount("parameter type count", minimumEach: 4)
            var types: [UInt32] = []
            types.reserveCapacity(count)
            for _ in 0..<count { types.append(UInt32(bitPattern: try reader.readInt32("parameter type"))) }
            message = .parse(name: name, query: query, parameterTypes: types)
        case UInt8(ascii: "B"):
            message = .bind(try decodeBind(&reader))
        case UInt8(ascii: "D"), UInt8(ascii: "C"):
            let byte = try reader.readByte("describe target")
            guard let target = DescribeTarget(rawValue: byte) else {
                throw reader.error("target \(WireError.describe(byte)) is neither 'S' nor 'P'")
            }
            let name = try reader.readCString("name")
            message = type == UInt8(ascii: "D") ? .describe(target, name: name) : .close(target, name: name)
        case UInt8(ascii: "E"):
            let portal = try reader.readCString("portal name")
            let maxRows = try reader.readInt32("row limit")
            guard maxRows >= 0 else { throw reader.error("negative row limit \(maxRows)") }
            message = .execute(portal: portal, maxRows: Int(maxRows))
        case UInt8(ascii: "S"): message = .sync
        case UInt8(ascii: "H"): message = .flush
        case UInt8(ascii: "X"): message = .terminate
        case UInt8(ascii: "p"): message = .password(try reader.readBytes(reader.remaining, "password message"))
        case UInt8(ascii: "d"): message = .copyData(reader.readRest())
        case UInt8(ascii: "c"): message = .copyDone
        case UInt8(ascii: "f"): message = .copyFail(try reader.readCString("COPY failure message"))
        default: throw .unsupportedMessage(type)
        }
        try reader.requireEnd()
        return message
    }

    static func decodeBind(_ reader: inout MessageReader) throws(WireError) -> BindMessage {
        let portal = try reader.readCString("portal name")
        let statement = try reader.readCString("statement name")
        let parameterFormats = try formats(&reader, "parameter format")
        let count = try reader.readCount("parameter count", minimumEach: 4)
        guard parameterFormats.count <= 1 || parameterFormats.count == count else {
            throw reader.error("\(parameterFormats.count) parameter formats for \(count) parameters")
        }
        var parameters: [[UInt8]?] = []
        parameters.reserveCapacity(count)
        for index in 0..<count {
            let length = try reader.readInt32("length of parameter \(index + 1)")
            if length == -1 {
                parameters.append(nil)
            } else if length < 0 {
                throw reader.error("negative length \(length) of parameter \(index + 1)")
            } else {
                parameters.append(try reader.readBytes(Int(length), "parameter \(index + 1)"))
            }
        }
        let resultFormats = try formats(&reader, "result format")
        return BindMessage(
            portal: portal, statement: statement, parameterFormats: parameterFormats, parameters: parameters,
            resultFormats: resultFormats)
    }

    static func formats(_ reader: inout MessageReader, _ what: String) throws(WireError) -> [ValueFormat] {
        let count = try reader.readCount("\(what) count", minimumEach: 2)
        var formats: [ValueFormat] = []
        formats.reserveCapacity(count)
        for _ in 0..<count {
            let code = try reader.readInt16(what)
            guard let format = ValueFormat(rawValue: code) else { throw reader.error("unknown \(what) \(code)") }
            formats.append(format)
        }
        return formats
    }
}
