/// One field of an input row, as the CSV or NDJSON reader hands it to the converter.

/// A field's bytes and how they were written. NULL strings apply only to unquoted CSV fields;
/// JSON `null` and absent fields arrive as `.null`.
struct FieldValue {
    enum Kind {
        /// Unquoted text: may be a NULL string.
        case plain
        /// Quoted text (CSV quotes, or a JSON string): never NULL, even when empty.
        case quoted
        /// Missing or null.
        case null
    }

    var bytes: UnsafeRawBufferPointer
    var kind: Kind

    static var null: FieldValue { FieldValue(bytes: UnsafeRawBufferPointer(start: nil, count: 0), kind: .null) }
}
