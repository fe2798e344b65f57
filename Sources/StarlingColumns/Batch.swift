/// A batch of rows flowing between operators.

/// A run of rows passed between operators: one vector per column, all of the same length,
/// and an optional selection of the rows still alive.
public struct Batch: Sendable {
    /// The columns, all `rowCount` rows long.
    public let columns: [ColumnVector]
    /// The number of rows in each column.
    public let rowCount: Int
    /// The rows still selected; `nil` when all are.
    public let selection: SelectionVector?

    public init(columns: [ColumnVector], rowCount: Int, selection: SelectionVector? = nil) {
        precondition(columns.allSatisfy { $0.count == rowCount }, "column lengths differ")
        self.columns = columns
        self.rowCount = rowCount
        self.selection = selection
    }

    /// The number of rows a consumer sees.
    public var selectedCount: Int { selection?.count ?? rowCount }
}
