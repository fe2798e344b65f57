/// Reads Thrift's compact protocol from untrusted bytes: Parquet's footer and page headers.

import StarlingEncoding

/// The compact protocol's type codes (as in field and list headers).
package enum ThriftWireType: UInt8 {
    case stop = 0
    case booleanTrue = 1
    case booleanFalse = 2
    case byte = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case structure = 12
}

/// A cursor over compact-protocol bytes. Every varint, length and count is checked against the
/// bytes that remain before it is used; nesting deeper than ``maximumDepth`` and unknown type
/// codes are errors, so damaged metadata gives an ``EncodedDataError`` naming its offset, never
/// a trap or an allocation a few bytes claim to need.
struct ThriftCompactReader {
    var bytes: ByteReader
    /// The last field id read in each open structure, innermost last.
    private var lastFieldIDs: [Int16] = [0]

    /// Structures and lists nested deeper than this are refused (Parquet's metadata is at most
    /// six levels deep).
    static let maximumDepth = 32

    init(_ buffer: UnsafeRawBufferPointer, baseOffset: Int) {
        bytes = ByteReader(buffer, baseOffset: baseOffset)
    }

    var offset: Int { bytes.offset }

    /// The next field's id and type, or nil at the structure's stop byte.
    mutating func nextField() throws(EncodedDataError) -> (id: Int16, type: ThriftWireType)? {
        let header = try bytes.readByte("a Thrift field header")
        guard header != 0 else { return nil }
        guard let type = ThriftWireType(rawValue: header & 0x0F), type != .stop else {
            throw bytes.error("unknown Thrift type \(header & 0x0F)")
        }
        let delta = Int16(header >> 4)
        let id: Int16
        if delta == 0 {
            let wide = try readZigzag("a Thrift field id")
            guard let narrow = Int16(exactly: wide) else { throw bytes.error("Thrift field id \(wide) out of range") }
            id = narrow
        } else {
            id = lastFieldIDs[lastFieldIDs.count - 1] &+ delta
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
        return (id, type)
    }

    /// Enters a structure (a field's value or a list element).
    mutating func beginStruct() throws(EncodedDataError) {
        guard lastFieldIDs.count < Self.maximumDepth else { throw bytes.error("Thrift structures nested too deeply") }
        lastFieldIDs.append(0)
    }

    /// Leaves a structure whose stop byte ``nextField()`` returned nil for.
    mutating func endStruct() {
        if lastFieldIDs.count > 1 { lastFieldIDs.removeLast() }
    }

    mutating func readI32(_ what: String) throws(EncodedDataError) -> Int32 {
        let wide = try readZigzag(what)
        guard let value = Int32(exactly: wide) else { throw bytes.error("\(what) \(wide) is out of range") }
        return value
    }

    mutating func readI64(_ what: String) throws(EncodedDataError) -> Int64 {
        try readZigzag(what)
    }

    mutating func readByteValue(_ what: String) throws(EncodedDataError) -> Int8 {
        Int8(bitPattern: try bytes.readByte(what))
    }

    /// A binary's bytes (a length varint, checked against what remains).
    mutating func readBinary(_ what: String) throws(EncodedDataError) -> [UInt8] {
        let length = try readVarint(what)
        guard length <= UInt64(bytes.remaining) else {
            throw bytes.error("\(what) of \(length) bytes runs past the end")
        }
        return Array(try bytes.readBytes(Int(length), what))
    }

    mutating func readString(_ what: String) throws(EncodedDataError) -> String {
        String(decoding: try readBinary(what), as: UTF8.self)
    }

    /// A list header: the elements' type and count (each element takes a byte at least, so a
    /// count past the remaining bytes is refused).
    mutating func readListHeader(_ what: String) throws(EncodedDataError) -> (type: ThriftWireType, count: Int) {
        let header = try bytes.readByte(what)
        guard let type = ThriftWireType(rawValue: header & 0x0F), type != .stop else {
            throw bytes.error("\(what): unknown Thrift element type \(header & 0x0F)")
        }
        var count = UInt64(header >> 4)
        if count == 15 { count = try readVarint(what) }
        guard count <= UInt64(bytes.remaining) else {
            throw bytes.error("\(what) of \(count) elements runs past the end")
        }
        return (type, Int(count))
    }

    /// A boolean field's value, held in its header's type.
    func boolean(_ type: ThriftWireType) -> Bool { type == .booleanTrue }

    /// Skips a value of `type` (a field Starling does not read).
    mutating func skip(_ type: ThriftWireType, depth: Int = 0) throws(EncodedDataError) {
        guard depth < Self.maximumDepth else { throw bytes.error("Thrift values nested too deeply") }
        switch type {
        case .stop, .booleanTrue, .booleanFalse: return
        case .byte: _ = try bytes.readByte("a Thrift byte")
        case .i16, .i32, .i64: _ = try readVarint("a Thrift integer")
        case .double: _ = try bytes.readBytes(8, "a Thrift double")
        case .binary: _ = try readBinary("a Thrift binary")
        case .list, .set:
            let (element, count) = try readListHeader("a Thrift list")
            for _ in 0..<count {
                if element == .booleanTrue || element == .booleanFalse {
                    _ = try bytes.readByte("a Thrift boolean")
                } else {
                    try skip(element, depth: depth + 1)
                }
            }
        case .map:
            let count = try readVarint("a Thrift map")
            guard count > 0 else { return }
            guard count <= UInt64(bytes.remaining) else { throw bytes.error("a Thrift map runs past the end") }
            let types = try bytes.readByte("a Thrift map's types")
            guard let key = ThriftWireType(rawValue: types >> 4), let value = ThriftWireType(rawValue: types & 0x0F)
            else { throw bytes.error("unknown Thrift map types \(types)") }
            for _ in 0..<count {
                try skip(key, depth: depth + 1)
                try skip(value, depth: depth + 1)
            }
        case .structure:
            try beginStruct()
            while let field = try nextField() { try skip(field.type, depth: depth + 1) }
            endStruct()
        }
    }

    /// Skips the rest of the structure being read, through its stop byte, and leaves it.
    mutating func skipRest() throws(EncodedDataError) {
        while let field = try nextField() { try skip(field.type) }
        endStruct()
    }

    private mutating func readVarint(_ what: String) throws(EncodedDataError) -> UInt64 {
        try ParquetDecoders.varint(&bytes, what)
    }

    private mutating func readZigzag(_ what: String) throws(EncodedDataError) -> Int64 {
        try ParquetDecoders.zigzag(&bytes, what)
    }
}
