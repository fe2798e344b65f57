/// Joining vectors end to end.

extension ColumnVector {
    /// The rows of `parts`, in order, as one vector of `type`: fixed-width values copied a part
    /// at a time; strings, and dictionary codes resolved to their strings, appended a value at a
    /// time. NULL rows stay NULL.
    ///
    /// - Precondition: every part has `type`.
    public static func concatenate(_ parts: [ColumnVector], type: LogicalType) -> ColumnVector {
        precondition(parts.allSatisfy { $0.type == type }, "concatenated vectors differ in type")
        let count = parts.reduce(0) { $0 + $1.count }
        var validity: ValidityBitmap?
        if parts.contains(where: { $0.validity != nil }) {
            let bitmap = ValidityBitmap(allValid: count)
            var offset = 0
            for part in parts {
                if let partValidity = part.validity {
                    for row in 0..<part.count where !partValidity.isValid(row) {
                        bitmap.set(offset + row, valid: false)
                    }
                }
                offset += part.count
            }
            validity = bitmap
        }
        if let width = type.physicalType.byteWidth {
            let storage = ByteStorage(byteCount: count * width, zeroed: false)
            var offset = 0
            for part in parts {
                guard case .fixed(let source) = part.payload else {
                    preconditionFailure("a fixed-width type with a string payload")
                }
                storage.baseAddress.advanced(by: offset).copyMemory(
                    from: source.baseAddress, byteCount: part.count * width)
                offset += part.count * width
            }
            return ColumnVector(type: type, count: count, payload: .fixed(storage), validity: validity)
        }
        var builder = StringStorageBuilder()
        for part in parts {
            switch part.payload {
            case .strings(let strings):
                for row in 0..<part.count { builder.append(bytes: strings.bytes(at: row)) }
            case .dictionary(let codes, let dictionary):
                let typed = codes.typed(UInt32.self, count: part.count)
                for row in 0..<part.count { builder.append(bytes: dictionary.bytes(at: Int(typed[row]))) }
            case .fixed:
                preconditionFailure("a string type with a fixed-width payload")
            }
        }
        return ColumnVector(type: type, count: count, payload: .strings(builder.finish()), validity: validity)
    }
}
