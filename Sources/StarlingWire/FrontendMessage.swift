/// The messages a PostgreSQL client sends (protocol 3.0), as values.

import NIOCore

/// What opens a connection: the first packet, which has no type byte.
public enum StartupRequest: Sendable, Equatable {
    /// Protocol 3.x with its parameters (`user`, `database`, `application_name`, …).
    case startup(StartupMessage)
    /// "Can we speak TLS?" (80877103): the server answers `S` and a TLS handshake follows (when it
    /// has a certificate), or `N`; then it waits for the startup packet.
    case sslRequest
    /// "Can we speak GSSAPI encryption?" (80877104): answered `N` as well.
    case gssEncryptionRequest
    /// Cancel the query running on another connection, named by its process id and secret.
    case cancel(processID: Int32, secretKey: Int32)
}

/// A startup packet's protocol version and parameters.
public struct StartupMessage: Sendable, Equatable {
    public let majorVersion: Int
    public let minorVersion: Int
    /// The name–value pairs in the order sent.
    public let parameters: [(name: String, value: String)]

    public init(majorVersion: Int, minorVersion: Int, parameters: [(name: String, value: String)]) {
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.parameters = parameters
    }

    /// The value of parameter `name`, if sent.
    public subscript(name: String) -> String? { parameters.first { $0.name == name }?.value }

    public static func == (left: StartupMessage, right: StartupMessage) -> Bool {
        left.majorVersion == right.majorVersion && left.minorVersion == right.minorVersion
            && left.parameters.map(\.name) == right.parameters.map(\.name)
            && left.parameters.map(\.value) == right.parameters.map(\.value)
    }
}

/// What a Describe or Close names: a prepared statement or a portal.
public enum DescribeTarget: UInt8, Sendable, Equatable {
    case statement = 0x53  // 'S'
    case portal = 0x50  // 'P'
}

/// A value's wire format: text (0) or binary (1).
public enum ValueFormat: Int16, Sendable, Equatable {
    case text = 0
    case binary = 1
}

/// A Bind message: the portal to create, from which statement, with which parameter values.
public struct BindMessage: Sendable, Equatable {
    public let portal: String
    public let statement: String
    /// No entry: every parameter is text; one entry: it applies to all; else one per parameter.
    public let parameterFormats: [ValueFormat]
    /// The parameter values as sent; nil for NULL.
    public let parameters: [[UInt8]?]
    /// The same convention as ``parameterFormats`` for the result columns.
    public let resultFormats: [ValueFormat]

    public init(
        portal: String, statement: String, parameterFormats: [ValueFormat], parameters: [[UInt8]?],
        resultFormats: [ValueFormat]
    ) {
        self.portal = portal
        self.statement = statement
        self.parameterFormats = parameterFormats
        self.parameters = parameters
        self.resultFormats = resultFormats
    }

    /// The format of parameter `index`.
    public func parameterFormat(_ index: Int) -> ValueFormat {
        Self.format(parameterFormats, index)
    }

    /// The format of result column `index`.
    public func resultFormat(_ index: Int) -> ValueFormat {
        Self.format(resultFormats, index)
    }

    static func format(_ formats: [ValueFormat], _ index: Int) -> ValueFormat {
        if formats.count == 1 { return formats[0] }
        return formats.indices.contains(index) ? formats[index] : .text
    }
}

/// A message after startup.
public enum FrontendMessage: Sendable, Equatable {
    /// A simple query: one or more statements separated by `;`.
    case query(String)
    /// Prepare `query` as statement `name` (empty: the unnamed statement); `parameterTypes` are
    /// the OIDs the client declares (0: infer).
    case parse(name: String, query: String, parameterTypes: [UInt32])
    case bind(BindMessage)
    case describe(DescribeTarget, name: String)
    /// Run portal `portal`, returning at most `maxRows` rows (0: all).
    case execute(portal: String, maxRows: Int)
    case close(DescribeTarget, name: String)
    case sync
    case flush
    case terminate
    /// A 'p' message's body: PasswordMessage, SASLInitialResponse or SASLResponse, which only
    /// the authentication step can tell apart (``SASLInitialResponse/decode(_:)``).
    case password([UInt8])
    /// Bytes of a `COPY … FROM STDIN`'s input, a slice of the received buffer; where the rows
    /// break is the data's business, not the messages'.
    case copyData(ByteBuffer)
    /// The end of a `COPY … FROM STDIN`'s input.
    case copyDone
    /// The client gives up a `COPY … FROM STDIN`, saying why.
    case copyFail(String)
}

/// SASLInitialResponse: the mechanism the client chose and its first message.
public struct SASLInitialResponse: Sendable, Equatable {
    public let mechanism: String
    /// The client's first message; nil when the client sent none (length -1).
    public let data: [UInt8]?

    public init(mechanism: String, data: [UInt8]?) {
        self.mechanism = mechanism
        self.data = data
    }

    /// Decodes a 'p' message's body as SASLInitialResponse: a mechanism name (C string), a
    /// length word (-1: no data) and that many bytes, and nothing after them.
    public static func decode(_ body: [UInt8]) throws(WireError) -> SASLInitialResponse {
        var buffer = ByteBufferAllocator().buffer(capacity: body.count)
        buffer.writeBytes(body)
        var reader = MessageReader(buffer, type: UInt8(ascii: "p"))
        let mechanism = try reader.readCString("SASL mechanism")
        let length = try reader.readInt32("SASL data length")
        var data: [UInt8]?
        if length >= 0 {
            data = try reader.readBytes(Int(length), "SASL data")
        } else if length != -1 {
            throw reader.error("negative SASL data length \(length)")
        }
        try reader.requireEnd()
        return SASLInitialResponse(mechanism: mechanism, data: data)
    }
}

/// What the frame decoder hands on: the opening packet, or a message after it.
public enum FrontendPacket: Sendable, Equatable {
    case startup(StartupRequest)
    case message(FrontendMessage)
}
