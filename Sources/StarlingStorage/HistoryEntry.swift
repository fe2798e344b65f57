/// One commit in the warehouse history.

/// One commit, as `starling history` shows it.
public struct HistoryEntry: Codable, Sendable, Equatable {
    public var snapshot: Int
    public var committedMicros: Int64
    /// `init`, `create table`, `drop table`, `alter table`, `insert`, `load`, `rollback`, …
    public var operation: String
    public var table: String?
    public var rowsAdded: Int
    public var rowsRemoved: Int
    public var filesAdded: Int
    public var filesRemoved: Int
    public var detail: String?

    public init(snapshot: Int, committedMicros: Int64, operation: String, table: String?, rowsAdded: Int = 0, rowsRemoved: Int = 0, filesAdded: Int = 0, filesRemoved: Int = 0, detail: String? = nil) {
        self.snapshot = snapshot
        self.committedMicros = committedMicros
        self.operation = operation
        self.table = table
        self.rowsAdded = rowsAdded
        self.rowsRemoved = rowsRemoved
        self.filesAdded = filesAdded
        self.filesRemoved = filesRemoved
        self.detail = detail
    }
}
