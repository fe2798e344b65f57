/// A bounds-checked cursor over the body of one protocol message.

import NIOCore

/// Reads the fields of one message body (big-endian integers, NUL-terminated strings, byte
/// runs). Every read checks the bytes left first and throws ``WireError/malformed(type:reason:)``
/// instead of reading past the body; every count is checked against what is left before it sizes
/// an array.
struct MessageReader {
    private var body: ByteBuffer
    /// The message type, for errors (nil in a startup packet).
    let type: UInt8?

    init(_ body: ByteBuffer, type: UInt8?) {
        self.body = body
        self.type = type
    }

    /// Bytes not yet read.
    var remaining: Int { body.readableBytes }

    func error(_ reason: String) -> WireError { .malformed(type: type, reason: reason) }

    mutating func readInt16(_ what: String) throws(WireError) -> Int16 {
        guard let value = body.readInteger(as: Int16.self) else { throw error("\(what) is cut off") }
        return value
    }

    mutating func readInt32(_ what: String) throws(WireError) -> Int32 {
        guard let value = body.readInteger(as: Int32.self) else { throw error("\(what) is cut off") }
        return value
    }

    mutating func readByte(_ what: String) throws(WireError) -> UInt8 {
        guard let value = body.readInteger(as: UInt8.self) else { throw error("\(what) is cut off") }
        return value
    }

    /// A count (Int16) that must not be negative and must leave room for `minimumEach` bytes per
    /// item in what is left.
    mutating func readCount(_ what: String, minimumEach: Int) throws(WireError) -> Int {
        let count = Int(try readInt16(what))
        guard count >= 0 else { throw error("negative \(what) \(count)") }
        guard count * minimumEach <= remaining else {
            throw error("\(what) \(count) does not fit in the \(remaining) bytes left")
        }
        return count
    }

    /// A NUL-terminated string, as UTF-8 (invalid sequences replaced).
    mutating func readCString(_ what: String) throws(WireError) -> String {
        guard let end = body.readableBytesView.firstIndex(of: 0) else {
            throw error("\(what) has no terminating NUL")
        }
        let length = end - body.readerIndex
        guard let text = body.readString(length: length) else { throw error("\(what) is cut off") }
        body.moveReaderIndex(forwardBy: 1)
        return text
    }

    /// `count` bytes.
    mutating func readBytes(_ count: Int, _ what: String) throws(WireError) -> [UInt8] {
        guard count >= 0, count <= remaining, let bytes = body.readBytes(length: count) else {
            throw error("\(what) of \(count) bytes does not fit in the \(remaining) bytes left")
        }
        return bytes
    }

    /// The rest of the body, as a slice of the message's buffer (no copy).
    mutating func readRest() -> ByteBuffer {
        body.readSlice(length: body.readableBytes) ?? ByteBuffer()
    }

    /// Throws unless the whole body was read: trailing bytes mean the message is not what its
    /// type says.
    func requireEnd() throws(WireError) {
        guard remaining == 0 else { throw error("\(remaining) unexpected bytes at the end") }
    }
}
