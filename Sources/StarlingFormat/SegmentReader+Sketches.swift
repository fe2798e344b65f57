/// Reading a column's distinct-value sketch (§7.5) from an opened segment.

import StarlingEncoding

extension SegmentReader {
    /// Column `column`'s sketch, or nil when the file stores none for it (write version 3 and
    /// below, or a writer that left it out). The stored bytes' checksum and every field are
    /// checked first.
    public func sketch(column: Int) throws(SegmentError) -> ColumnSketch? {
        guard let location = footer.sketch(column: column) else { return nil }
        // The footer's parser checked the range lies inside the data region.
        let stored = UnsafeRawBufferPointer(rebasing: file.bytes[location.offset..<(location.offset + location.length)])
        let actual = XXHash64.hash(stored)
        try checkNotTruncated()
        let name = footer.columns.indices.contains(column) ? footer.columns[column].name : "\(column)"
        guard actual == location.checksum else {
            throw SegmentError(
                path: path, offset: location.offset, kind: .checksumMismatch,
                reason: "sketch of column \(name): checksum is \(hex(actual)), expected \(hex(location.checksum))")
        }
        do {
            return try ColumnSketch.parse(stored, baseOffset: location.offset)
        } catch {
            throw SegmentError(
                path: path, offset: error.offset, kind: .malformed, reason: "sketch of column \(name): \(error.reason)")
        }
    }
}
