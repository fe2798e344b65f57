/// Decodes chunk bytes back into column vectors, trusting nothing it reads.

import StarlingColumns

/// Decodes the bytes ``ColumnEncoder`` writes. Every count, width, offset and code is checked
/// against the bytes actually present and the row count the caller expects, and a problem is an
/// ``EncodedDataError``, never a trap. The whole input must be consumed.
public enum ColumnDecoder {
    /// Decodes `count` rows of `type` stored with `encoding`.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer, encoding: Encoding, type: LogicalType, count: Int
    ) throws(EncodedDataError) -> ColumnVector {
        var reader = ByteReader(bytes)
        let kindByte = try reader.readByte("validity kind")
        guard let kind = ColumnEncoder.ValidityKind(rawValue: kindByte) else {
            throw EncodedDataError(offset: 0, reason: "unknown validity kind \(kindByte)")
        }
        var validity: ValidityBitmap?
        switch kind {
        case .noNulls:
            break
        case .allNull:
            guard encoding == .plain else {
                throw reader.error("an all-NULL chunk must be marked plain, not \(encoding)")
            }
            try reader.requireEnd("an all-NULL validity section")
            return emptyVector(type: type, count: count)
        case .bitmap:
            let byteCount = (count + 7) / 8
            let bitmapBytes = try reader.readBytes(byteCount, "validity bitmap")
            let bitmap = ValidityBitmap(allNull: count)
            if byteCount > 0, let source = bitmapBytes.baseAddress {
                bitmap.storage.baseAddress.copyMemory(from: source, byteCount: byteCount)
                if count % 8 != 0 {
                    let last = bitmap.storage.baseAddress.advanced(by: byteCount - 1).assumingMemoryBound(to: UInt8.self)
                    last.pointee &= UInt8((1 << (count % 8)) - 1)
                }
            }
            validity = bitmap
        }
        let physical = type.physicalType
        guard encoding.supports(physical.typeClass) else {
            throw EncodedDataError(offset: 0, reason: "encoding \(encoding) cannot store \(type)")
        }
        let payload: ColumnVector.Payload
        if physical == .string {
            payload = try StringDecoder.decode(&reader, encoding: encoding, count: count)
        } else {
            payload = .fixed(try FixedDecoder.decode(&reader, encoding: encoding, physical: physical, count: count))
        }
        try reader.requireEnd("the \(encoding) values")
        return ColumnVector(type: type, count: count, payload: payload, validity: validity)
    }

    /// The key column index a keyed chunk (``Encoding/keyed``) stores: its bytes are the
    /// validity kind 0 (no NULLs), then the index as a little-endian `u32`, and nothing else.
    public static func keyColumn(ofKeyed bytes: UnsafeRawBufferPointer) throws(EncodedDataError) -> Int {
        var reader = ByteReader(bytes)
        let kind = try reader.readByte("validity kind")
        guard kind == ColumnEncoder.ValidityKind.noNulls.rawValue else {
            throw EncodedDataError(offset: 0, reason: "a keyed chunk must have validity kind 0 (no NULLs), not \(kind)")
        }
        let column = try reader.read(UInt32.self, "key column index")
        try reader.requireEnd("the key column index")
        return Int(column)
    }

    /// Decodes chunk bytes held in an array.
    public static func decode(_ bytes: [UInt8], encoding: Encoding, type: LogicalType, count: Int) throws(EncodedDataError) -> ColumnVector {
        var result: Result<ColumnVector, EncodedDataError> = .failure(EncodedDataError(offset: 0, reason: "not decoded"))
        bytes.withUnsafeBytes { buffer in
            result = Result { () throws(EncodedDataError) -> ColumnVector in
                try decode(buffer, encoding: encoding, type: type, count: count)
            }
        }
        return try result.get()
    }

    /// A vector of `count` NULLs.
    static func emptyVector(type: LogicalType, count: Int) -> ColumnVector {
        let payload: ColumnVector.Payload
        if let width = type.physicalType.byteWidth {
            payload = .fixed(ByteStorage(byteCount: width * count))
        } else {
            payload = .strings(StringStorage(offsets: ByteStorage(byteCount: 4 * (count + 1)), bytes: ByteStorage(byteCount: 0), count: count))
        }
        return ColumnVector(type: type, count: count, payload: payload, validity: ValidityBitmap(allNull: count))
    }
}

extension PhysicalType {
    /// The encoding family of this physical type.
    public var typeClass: PhysicalTypeClass {
        switch self {
        case .float64: return .float
        case .string: return .string
        case .interval: return .interval
        case .boolean, .int8, .int16, .int32, .int64: return .integer
        }
    }
}
