/// The footer of a segment file: schema, row groups, and per chunk its location, encoding,
/// compression, checksum and statistics.

import StarlingColumns
import StarlingEncoding
import StarlingCompression

/// Everything a reader needs to know before touching column data.
public struct SegmentFooter: Equatable, Sendable {
    public var writeVersion: UInt16
    public var readVersion: UInt16
    public var rowCount: Int
    public var columns: [ColumnSchema]
    public var rowGroups: [RowGroupDescriptor]
    /// Free-form key/value pairs (for example the table and partition a segment belongs to).
    public var metadata: [String: String]
    /// Where each column's distinct-value sketch is stored (§7.5), in column order; empty, or
    /// nil entries, for columns without one (files of write version 3 and below have none).
    public var sketches: [SketchLocation?]

    public init(
        writeVersion: UInt16 = SegmentFormat.writeVersion, readVersion: UInt16 = SegmentFormat.readVersion,
        rowCount: Int, columns: [ColumnSchema], rowGroups: [RowGroupDescriptor], metadata: [String: String] = [:],
        sketches: [SketchLocation?] = []
    ) {
        self.writeVersion = writeVersion
        self.readVersion = readVersion
        self.rowCount = rowCount
        self.columns = columns
        self.rowGroups = rowGroups
        self.metadata = metadata
        self.sketches = sketches
    }

    /// Column `index`'s sketch location, if it has one.
    public func sketch(column index: Int) -> SketchLocation? {
        sketches.indices.contains(index) ? sketches[index] : nil
    }

    /// Statistics of column `index` over the whole segment (merging its row groups' zone maps).
    ///
    /// When any chunk's string minimum or maximum was truncated, the merged one is flagged too:
    /// a truncated maximum is then not an upper bound, and consumers must not prune by it.
    public func statistics(column index: Int) -> MergedStatistics {
        let type = columns[index].type
        var merged = MergedStatistics(statistics: ChunkStatistics(nullCount: 0, distinctCount: 0, minimum: .null, maximum: .null), minimumTruncated: false, maximumTruncated: false)
        for group in rowGroups {
            let chunk = group.chunks[index]
            let statistics = chunk.statistics
            merged.statistics.nullCount += statistics.nullCount
            // Distinct counts do not add; the largest is a lower bound on the segment's.
            merged.statistics.distinctCount = max(merged.statistics.distinctCount, statistics.distinctCount)
            merged.minimumTruncated = merged.minimumTruncated || chunk.minimumTruncated
            merged.maximumTruncated = merged.maximumTruncated || chunk.maximumTruncated
            if !statistics.minimum.isNull, merged.statistics.minimum.isNull || ValueOrdering.less(statistics.minimum, merged.statistics.minimum, type: type) {
                merged.statistics.minimum = statistics.minimum
            }
            if !statistics.maximum.isNull, merged.statistics.maximum.isNull || ValueOrdering.less(merged.statistics.maximum, statistics.maximum, type: type) {
                merged.statistics.maximum = statistics.maximum
            }
        }
        return merged
    }
}

/// A column's statistics over a whole segment.
public struct MergedStatistics: Equatable, Sendable {
    public var statistics: ChunkStatistics
    /// Some chunk's minimum was cut short (it is still a lower bound).
    public var minimumTruncated: Bool
    /// Some chunk's maximum was cut short: the merged maximum is not an upper bound.
    public var maximumTruncated: Bool
}

/// The order statistics use, on ``Value``s.
public enum ValueOrdering {
    /// Whether `left` sorts before `right` (both non-NULL, of `type`).
    public static func less(_ left: Value, _ right: Value, type: LogicalType) -> Bool {
        switch (left, right) {
        case (.integer(let a), .integer(let b)): return a < b
        case (.boolean(let a), .boolean(let b)): return !a && b
        case (.double(let a), .double(let b)):
            return totalOrderKey(ofDoubleBits: Int64(bitPattern: a.bitPattern)) < totalOrderKey(ofDoubleBits: Int64(bitPattern: b.bitPattern))
        case (.string(let a), .string(let b)):
            return a.utf8.lexicographicallyPrecedes(b.utf8)
        default: return false
        }
    }
}
