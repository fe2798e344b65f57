/// Copying a run of rows out of a vector.

extension ColumnVector {
    /// A new vector holding rows `range` of this one (copied; dictionary payloads keep their dictionary).
    public func slice(_ range: Range<Int>) -> ColumnVector {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice out of range")
        let sliceCount = range.count
        var sliceValidity: ValidityBitmap?
        if let validity {
            let bitmap = ValidityBitmap(allValid: sliceCount)
            for row in 0..<sliceCount where !validity.isValid(range.lowerBound + row) {
                bitmap.set(row, valid: false)
            }
            sliceValidity = bitmap
        }
        let slicePayload: Payload
        switch payload {
        case .fixed(let storage):
            let width = type.physicalType.byteWidth ?? 1
            let bytes = UnsafeRawBufferPointer(start: storage.baseAddress.advanced(by: range.lowerBound * width), count: sliceCount * width)
            slicePayload = .fixed(ByteStorage(copying: bytes))
        case .strings(let strings):
            var builder = StringStorageBuilder()
            for row in range { builder.append(bytes: strings.bytes(at: row)) }
            slicePayload = .strings(builder.finish())
        case .dictionary(let codes, let dictionary):
            let bytes = UnsafeRawBufferPointer(start: codes.baseAddress.advanced(by: range.lowerBound * 4), count: sliceCount * 4)
            slicePayload = .dictionary(codes: ByteStorage(copying: bytes), dictionary: dictionary)
        }
        return ColumnVector(type: type, count: sliceCount, payload: slicePayload, validity: sliceValidity)
    }
}
