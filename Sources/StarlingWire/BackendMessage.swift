/// The messages a PostgreSQL server sends (protocol 3.0), and their encoding.

import NIOCore

/// A column of a RowDescription.
public struct FieldDescription: Sendable, Equatable {
    public let name: String
    public let typeOID: UInt32
    /// The type's size in bytes, -1 for variable-length types.
    public let typeSize: Int16
    /// The type modifier (a numeric's precision and scale), -1 when none.
    public let typeModifier: Int32
    public let format: ValueFormat

    public init(name: String, typeOID: UInt32, typeSize: Int16, typeModifier: Int32, format: ValueFormat) {
        self.name = name
        self.typeOID = typeOID
        self.typeSize = typeSize
        self.typeModifier = typeModifier
        self.format = format
    }
}

/// The transaction status ReadyForQuery reports.
public enum TransactionStatus: UInt8, Sendable, Equatable {
    case idle = 0x49  // 'I'
    case inTransaction = 0x54  // 'T'
    case failed = 0x45  // 'E'
}

/// The fields of an ErrorResponse or NoticeResponse.
public struct ErrorFields: Sendable, Equatable {
    /// ERROR, FATAL, WARNING, NOTICE…
    public var severity: String
    public var sqlState: String
    public var message: String
    public var detail: String?
    public var hint: String?
    /// A 1-based character offset into the query string.
    public var position: Int?

    public init(
        severity: String = "ERROR", sqlState: String, message: String, detail: String? = nil, hint: String? = nil,
        position: Int? = nil
    ) {
        self.severity = severity
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
    }
}

/// A message to the client. DataRow is written by ``BackendMessage/writeDataRow(into:_:)``
/// straight from the cells, without a value per row.
public enum BackendMessage: Sendable, Equatable {
    case authenticationOk
    /// AuthenticationSASL (code 10): the SASL mechanisms the server offers.
    case authenticationSASL(mechanisms: [String])
    /// AuthenticationSASLContinue (code 11): a SASL challenge (SCRAM's server-first-message).
    case authenticationSASLContinue([UInt8])
    /// AuthenticationSASLFinal (code 12): SASL's outcome data (SCRAM's server-final-message).
    case authenticationSASLFinal([UInt8])
    case parameterStatus(name: String, value: String)
    case backendKeyData(processID: Int32, secretKey: Int32)
    case readyForQuery(TransactionStatus)
    case rowDescription([FieldDescription])
    case dataRow([[UInt8]?])
    case commandComplete(String)
    case emptyQueryResponse
    case errorResponse(ErrorFields)
    case noticeResponse(ErrorFields)
    case parseComplete
    case bindComplete
    case parameterDescription([UInt32])
    case noData
    case portalSuspended
    case closeComplete
    /// The server is ready for a `COPY … FROM STDIN`'s rows: text rows (format 0) of `columns`
    /// columns.
    case copyInResponse(columns: Int)
    /// A `COPY … TO STDOUT`'s rows follow as CopyData messages (text, `columns` columns).
    case copyOutResponse(columns: Int)
    /// The end of a `COPY … TO STDOUT`'s rows.
    case copyDone

    /// The type byte.
    var type: UInt8 {
        switch self {
        case .authenticationOk, .authenticationSASL, .authenticationSASLContinue, .authenticationSASLFinal:
            return UInt8(ascii: "R")
        case .parameterStatus: return UInt8(ascii: "S")
        case .backendKeyData: return UInt8(ascii: "K")
        case .readyForQuery: return UInt8(ascii: "Z")
        case .rowDescription: return UInt8(ascii: "T")
        case .dataRow: return UInt8(ascii: "D")
        case .commandComplete: return UInt8(ascii: "C")
        case .emptyQueryResponse: return UInt8(ascii: "I")
        case .errorResponse: return UInt8(ascii: "E")
        case .noticeResponse: return UInt8(ascii: "N")
        case .parseComplete: return UInt8(ascii: "1")
        case .bindComplete: return UInt8(ascii: "2")
        case .parameterDescription: return UInt8(ascii: "t")
        case .noData: return UInt8(ascii: "n")
        case .portalSuspended: return UInt8(ascii: "s")
        case .closeComplete: return UInt8(ascii: "3")
        case .copyInResponse: return UInt8(ascii: "G")
        case .copyOutResponse: return UInt8(ascii: "H")
        case .copyDone: return UInt8(ascii: "c")
        }
    }

    /// Appends the message (type byte, length word, body) to `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        let start = Self.begin(type, in: &buffer)
        switch self {
        case .authenticationOk: buffer.writeInteger(Int32(0))
        case .authenticationSASL(let mechanisms):
            buffer.writeInteger(Int32(10))
            for mechanism in mechanisms { buffer.writeCString(mechanism) }
            buffer.writeInteger(UInt8(0))
        case .authenticationSASLContinue(let data):
            buffer.writeInteger(Int32(11))
            buffer.writeBytes(data)
        case .authenticationSASLFinal(let data):
            buffer.writeInteger(Int32(12))
            buffer.writeBytes(data)
        case .parameterStatus(let name, let value):
            buffer.writeCString(name)
            buffer.writeCString(value)
        case .backendKeyData(let processID, let secretKey):
            buffer.writeInteger(processID)
            buffer.writeInteger(secretKey)
        case .readyForQuery(let status): buffer.writeInteger(status.rawValue)
        case .rowDescription(let fields):
            buffer.writeInteger(Int16(truncatingIfNeeded: fields.count))
            for field in fields {
                buffer.writeCString(field.name)
                buffer.writeInteger(Int32(0))  // no table
                buffer.writeInteger(Int16(0))  // no column number
                buffer.writeInteger(field.typeOID)
                buffer.writeInteger(field.typeSize)
                buffer.writeInteger(field.typeModifier)
                buffer.writeInteger(field.format.rawValue)
            }
        case .dataRow(let values):
            buffer.writeInteger(Int16(truncatingIfNeeded: values.count))
            for value in values {
                guard let value else {
                    buffer.writeInteger(Int32(-1))
                    continue
                }
                buffer.writeInteger(Int32(truncatingIfNeeded: value.count))
                buffer.writeBytes(value)
            }
        case .commandComplete(let tag): buffer.writeCString(tag)
        case .errorResponse(let fields), .noticeResponse(let fields): Self.write(fields, into: &buffer)
        case .parameterDescription(let types):
            buffer.writeInteger(Int16(truncatingIfNeeded: types.count))
            for type in types { buffer.writeInteger(type) }
        case .copyInResponse(let columns), .copyOutResponse(let columns):
            buffer.writeInteger(UInt8(0))
            buffer.writeInteger(Int16(truncatingIfNeeded: columns))
            for _ in 0..<max(0, columns) { buffer.writeInteger(Int16(0)) }
        case .emptyQueryResponse, .copyDone, .parseComplete, .bindComplete, .noData, .portalSuspended, .closeComplete: break
        }
        Self.end(start, in: &buffer)
    }

    /// Writes a message's type byte and a placeholder length; returns where the length goes.
    public static func begin(_ type: UInt8, in buffer: inout ByteBuffer) -> Int {
        buffer.writeInteger(type)
        let start = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        return start
    }

    /// Fills in the length of the message begun at `start`.
    public static func end(_ start: Int, in buffer: inout ByteBuffer) {
        buffer.setInteger(Int32(truncatingIfNeeded: buffer.writerIndex - start), at: start)
    }

    /// A DataRow of `count` columns whose cells `cells` writes (each a length word and bytes, or
    /// -1 for NULL).
    public static func writeDataRow(
        into buffer: inout ByteBuffer, columns count: Int, _ cells: (inout ByteBuffer) -> Void
    ) {
        let start = begin(UInt8(ascii: "D"), in: &buffer)
        buffer.writeInteger(Int16(truncatingIfNeeded: count))
        cells(&buffer)
        end(start, in: &buffer)
    }

    static func write(_ fields: ErrorFields, into buffer: inout ByteBuffer) {
        func field(_ code: Character, _ value: String?) {
            guard let value, let byte = code.asciiValue else { return }
            buffer.writeInteger(byte)
            buffer.writeCString(value)
        }
        field("S", fields.severity)
        field("V", fields.severity)
        field("C", fields.sqlState)
        field("M", fields.message)
        field("D", fields.detail)
        field("H", fields.hint)
        field("P", fields.position.map(String.init))
        buffer.writeInteger(UInt8(0))
    }
}

extension ByteBuffer {
    /// Writes `text` as UTF-8 and a NUL (a NUL inside `text` is dropped: it would end the string).
    mutating func writeCString(_ text: String) {
        if text.utf8.contains(0) {
            writeBytes(text.utf8.filter { $0 != 0 })
        } else {
            writeString(text)
        }
        writeInteger(UInt8(0))
    }
}
