/// The Thrift compact protocol's encoding, for the metadata of Parquet files (their footer and
/// page headers).

/// Writes Thrift structures in the compact protocol: a field header is the delta from the
/// previous field's id (1…15) in the high nibble and the type in the low one, or the type then the
/// id as a zigzag varint; integers are zigzag varints; binaries a varint length and the bytes;
/// a list header the size (below 15) and element type in one byte, or `0xF_` and a varint size.
/// Each structure, nested ones included, ends with a stop byte (0).
///
/// The caller writes fields in increasing id order within each structure (the protocol allows
/// any order; deltas are only short when ids grow).
package struct ThriftCompactWriter {
    package private(set) var bytes: [UInt8] = []
    /// The last field id written in each open structure, innermost last.
    private var lastFieldIDs: [Int16] = [0]

    package init() {}

    // MARK: Fields

    package mutating func field(_ id: Int16, i32 value: Int32) {
        header(id, .i32)
        varint(zigzag(Int64(value)))
    }

    package mutating func field(_ id: Int16, i64 value: Int64) {
        header(id, .i64)
        varint(zigzag(value))
    }

    /// A one-byte integer (Thrift's `i8`, written as the byte itself).
    package mutating func field(_ id: Int16, byte value: Int8) {
        header(id, .byte)
        bytes.append(UInt8(bitPattern: value))
    }

    package mutating func field(_ id: Int16, bool value: Bool) {
        header(id, value ? .booleanTrue : .booleanFalse)
    }

    package mutating func field(_ id: Int16, binary value: [UInt8]) {
        header(id, .binary)
        binary(value)
    }

    package mutating func field(_ id: Int16, string value: String) {
        field(id, binary: Array(value.utf8))
    }

    /// Opens a structure-valued field; ``endStruct()`` closes it.
    package mutating func beginStruct(_ id: Int16) {
        header(id, .structure)
        lastFieldIDs.append(0)
    }

    /// Writes the stop byte of the innermost open structure (a field's, a list element's, or the
    /// outermost one).
    package mutating func endStruct() {
        bytes.append(0)
        if lastFieldIDs.count > 1 { lastFieldIDs.removeLast() }
    }

    /// An empty structure-valued field (a union member with no fields, such as `StringType`).
    package mutating func emptyStruct(_ id: Int16) {
        beginStruct(id)
        endStruct()
    }

    /// Opens a list-valued field of `count` elements of `type`; the elements follow.
    package mutating func beginList(_ id: Int16, of type: ThriftWireType, count: Int) {
        header(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            varint(UInt64(count))
        }
    }

    // MARK: List elements

    /// Opens a structure that is an element of a list; ``endStruct()`` closes it.
    package mutating func beginListStruct() {
        lastFieldIDs.append(0)
    }

    package mutating func element(i32 value: Int32) {
        varint(zigzag(Int64(value)))
    }

    package mutating func element(binary value: [UInt8]) {
        binary(value)
    }

    // MARK: Encoding

    private mutating func header(_ id: Int16, _ type: ThriftWireType) {
        let last = lastFieldIDs[lastFieldIDs.count - 1]
        let delta = Int(id) - Int(last)
        if delta > 0, delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(zigzag(Int64(id)))
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
    }

    private mutating func binary(_ value: [UInt8]) {
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    private mutating func varint(_ value: UInt64) {
        ULEB128.append(value, to: &bytes)
    }

    private func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}
