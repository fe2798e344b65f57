/// Extract files a load committed, remembered to refuse re-deliveries.

/// An extract file a load committed, remembered so the same content is not loaded twice.
public struct LoadedFile: Codable, Sendable, Equatable {
    /// xxHash64 of the file's bytes, 16 hexadecimal digits.
    public var contentHash: String
    public var name: String
    public var bytes: Int
    public var batch: String
    public var snapshot: Int

    public init(contentHash: String, name: String, bytes: Int, batch: String, snapshot: Int) {
        self.contentHash = contentHash
        self.name = name
        self.bytes = bytes
        self.batch = batch
        self.snapshot = snapshot
    }
}
