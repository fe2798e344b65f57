/// The rows of a batch that are still selected after filtering.

/// Ascending row indices into a batch; operators after a filter touch only these rows.
public struct SelectionVector: Sendable {
    /// `count` `UInt32` row indices.
    public let storage: ByteStorage
    /// The number of selected rows.
    public let count: Int

    /// Wraps indices already written into `storage`.
    public init(storage: ByteStorage, count: Int) {
        precondition(storage.byteCount >= count * 4, "selection storage too small")
        self.storage = storage
        self.count = count
    }

    /// A selection of the given rows.
    public init(_ rows: [UInt32]) {
        storage = rows.withUnsafeBytes { ByteStorage(copying: $0) }
        count = rows.count
    }

    /// The indices.
    public var indices: UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(storage.typed(UInt32.self, count: count))
    }
}
