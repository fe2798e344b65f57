/// Trimming the ends of text by a caller's choice of characters: one helper for option lists,
/// typed cells, query-file comments and DDL names.

extension StringProtocol {
    /// The text without its leading and trailing characters for which `isTrimmed` holds.
    public func trimmed(where isTrimmed: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else { return "" }
        return String(self[first...last])
    }
}
