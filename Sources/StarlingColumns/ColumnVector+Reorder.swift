/// Copying a vector's rows in another order.

extension ColumnVector {
    /// A new vector whose row `i` is this vector's row `order[i]` (copied; dictionary payloads
    /// keep their dictionary). `order` may repeat or leave out rows.
    ///
    /// - Precondition: every index in `order` is a row of this vector.
    public func reordered(_ order: [Int32]) -> ColumnVector {
        precondition(order.allSatisfy { $0 >= 0 && Int($0) < count }, "reorder index out of range")
        var newValidity: ValidityBitmap?
        if let validity {
            let bitmap = ValidityBitmap(allValid: order.count)
            for (row, source) in order.enumerated() where !validity.isValid(Int(source)) {
                bitmap.set(row, valid: false)
            }
            newValidity = bitmap
        }
        let newPayload: Payload
        switch payload {
        case .fixed(let storage):
            switch type.physicalType.byteWidth ?? 1 {
            case 1: newPayload = .fixed(Self.gather(storage, UInt8.self, order))
            case 2: newPayload = .fixed(Self.gather(storage, UInt16.self, order))
            case 4: newPayload = .fixed(Self.gather(storage, UInt32.self, order))
            case 16: newPayload = .fixed(Self.gather(storage, UInt128.self, order))
            default: newPayload = .fixed(Self.gather(storage, UInt64.self, order))
            }
        case .strings(let strings):
            newPayload = .strings(Self.gather(strings, order))
        case .dictionary(let codes, let dictionary):
            newPayload = .dictionary(codes: Self.gather(codes, UInt32.self, order), dictionary: dictionary)
        }
        return ColumnVector(type: type, count: order.count, payload: newPayload, validity: newValidity)
    }

    /// This vector's rows in `permutation`'s order (``reordered(_:)`` by its order), for vectors without NULLs whose values are fixed-width
    /// or dictionary codes. It reads this vector front to back and writes each value to its
    /// place, which for a sort by a key of a few thousand values (days, say) is a few thousand
    /// forward-moving write streams that stay in cache, where a gather reads every value from a
    /// different line; nil for vectors with NULLs or plain strings.
    ///
    /// - Precondition: `permutation` has one row per row of this vector.
    public func scattered(_ permutation: RowPermutation) -> ColumnVector? {
        let inverse = permutation.destinations
        precondition(inverse.count == count, "the permutation must cover every row")
        guard validity == nil else { return nil }
        let newPayload: Payload
        switch payload {
        case .fixed(let storage):
            switch type.physicalType.byteWidth ?? 1 {
            case 1: newPayload = .fixed(Self.scatter(storage, UInt8.self, inverse))
            case 2: newPayload = .fixed(Self.scatter(storage, UInt16.self, inverse))
            case 4: newPayload = .fixed(Self.scatter(storage, UInt32.self, inverse))
            case 16: newPayload = .fixed(Self.scatter(storage, UInt128.self, inverse))
            default: newPayload = .fixed(Self.scatter(storage, UInt64.self, inverse))
            }
        case .dictionary(let codes, let dictionary):
            newPayload = .dictionary(codes: Self.scatter(codes, UInt32.self, inverse), dictionary: dictionary)
        case .strings:
            return nil
        }
        return ColumnVector(type: type, count: count, payload: newPayload, validity: nil)
    }

    /// The values of `storage` (as `T`), each moved to `inverse[row]`, in a new storage.
    private static func scatter<T: FixedWidthInteger>(_ storage: ByteStorage, _ type: T.Type, _ inverse: [Int32]) -> ByteStorage {
        let result = ByteStorage(byteCount: inverse.count * MemoryLayout<T>.stride, zeroed: false)
        let source = storage.baseAddress.assumingMemoryBound(to: T.self)
        let target = result.baseAddress.assumingMemoryBound(to: T.self)
        inverse.withUnsafeBufferPointer { inverse in
            for row in 0..<inverse.count { target[Int(inverse[row])] = source[row] }
        }
        return result
    }

    /// The strings of `strings` at `order`, in new storage sized exactly (two passes: lengths,
    /// then one copy per string).
    private static func gather(_ strings: StringStorage, _ order: [Int32]) -> StringStorage {
        let sourceOffsets = strings.offsets.baseAddress.assumingMemoryBound(to: UInt32.self)
        let offsets = ByteStorage(capacity: order.count + 1, of: UInt32.self)
        let targetOffsets = offsets.baseAddress.assumingMemoryBound(to: UInt32.self)
        var total = 0
        targetOffsets[0] = 0
        for (row, index) in order.enumerated() {
            total += Int(sourceOffsets[Int(index) + 1] - sourceOffsets[Int(index)])
            targetOffsets[row + 1] = UInt32(truncatingIfNeeded: total)
        }
        precondition(total <= Int(UInt32.max), "string storage exceeds 4 GiB")
        let bytes = ByteStorage(byteCount: total, zeroed: false)
        for (row, index) in order.enumerated() {
            let start = Int(sourceOffsets[Int(index)])
            let length = Int(targetOffsets[row + 1] - targetOffsets[row])
            if length > 0 {
                (bytes.baseAddress + Int(targetOffsets[row])).copyMemory(from: strings.bytes.baseAddress + start, byteCount: length)
            }
        }
        return StringStorage(offsets: offsets, bytes: bytes, count: order.count)
    }

    /// The values of `storage` (as `T`) at `order`, in a new storage.
    private static func gather<T: FixedWidthInteger>(_ storage: ByteStorage, _ type: T.Type, _ order: [Int32]) -> ByteStorage {
        let result = ByteStorage(byteCount: order.count * MemoryLayout<T>.stride, zeroed: false)
        let source = storage.baseAddress.assumingMemoryBound(to: T.self)
        let target = result.baseAddress.assumingMemoryBound(to: T.self)
        for (row, index) in order.enumerated() { target[row] = source[Int(index)] }
        return result
    }
}
