/// A hashable view of a byte run, for building string dictionaries without copying.

/// Borrowed bytes compared and hashed by content. The bytes must outlive the key; encoders keep
/// the source vector alive while their tables exist.
struct ByteSliceKey: Hashable {
    let bytes: UnsafeRawBufferPointer

    static func == (left: ByteSliceKey, right: ByteSliceKey) -> Bool {
        left.bytes.count == right.bytes.count && compareBytes(left.bytes, right.bytes) == 0
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(bytes: bytes)
    }
}
