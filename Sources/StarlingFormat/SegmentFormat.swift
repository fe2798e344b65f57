/// Constants of the segment file format: magic, versions, fixed sizes, identifiers and limits.

import StarlingColumns

/// The fixed numbers of the segment format. `Formats/segment.md` is the normative text.
public enum SegmentFormat {
    /// `STSG`, at offset 0 and in the last 4 bytes.
    public static let magic: [UInt8] = [0x53, 0x54, 0x53, 0x47]
    /// The format version this build writes.
    public static let writeVersion: UInt16 = 4
    /// The write version from which column records carry a sketch location (§7.5).
    public static let sketchVersion: UInt16 = 4
    /// The reader version needed to read a file this build writes when it uses no encoding of a
    /// later version; a file holding a chunk in such an encoding carries that encoding's
    /// ``Encoding/readVersion`` instead.
    public static let readVersion: UInt16 = 1
    /// The highest read version this build understands.
    public static let supportedReadVersion: UInt16 = 3
    /// Header: magic, write version, read version, 8 reserved bytes.
    public static let headerSize = 16
    /// Trailer: footer length (u32), footer checksum (u64), magic.
    public static let trailerSize = 16

    /// Rows in one row group at most (bounds what a corrupt footer can make a reader allocate).
    public static let maximumRowGroupRows = 1 << 22
    /// Bytes in one decompressed chunk at most.
    public static let maximumChunkBytes = 1 << 30
    /// Columns at most.
    public static let maximumColumns = 4096
    /// String statistics keep at most this many bytes of the minimum and maximum.
    public static let statisticsStringLimit = 64

    /// The on-disk identifier of a logical type (every type with ``LogicalType/isStorable``).
    public static func typeIdentifier(_ type: LogicalType) -> UInt8 {
        switch type {
        case .boolean: return 1
        case .tinyint: return 2
        case .smallint: return 3
        case .integer: return 4
        case .bigint: return 5
        case .double: return 6
        case .decimal: return 7
        case .date: return 8
        case .timestamp: return 9
        case .varchar: return 10
        // Tables never have INTERVAL columns (the engine refuses them), so no writer gets here.
        case .interval: preconditionFailure("the segment format has no INTERVAL type")
        }
    }

    /// The logical type for an identifier, precision and scale; `nil` when they are not valid.
    public static func logicalType(identifier: UInt8, precision: UInt8, scale: UInt8) -> LogicalType? {
        let type: LogicalType
        switch identifier {
        case 1: type = .boolean
        case 2: type = .tinyint
        case 3: type = .smallint
        case 4: type = .integer
        case 5: type = .bigint
        case 6: type = .double
        case 7: type = .decimal(precision: Int(precision), scale: Int(scale))
        case 8: type = .date
        case 9: type = .timestamp
        case 10: type = .varchar
        default: return nil
        }
        if case .decimal = type { return type.isValid ? type : nil }
        return precision == 0 && scale == 0 ? type : nil
    }
}

/// A column of a segment: its name and type.
public struct ColumnSchema: Hashable, Sendable {
    public var name: String
    public var type: LogicalType

    public init(name: String, type: LogicalType) {
        self.name = name
        self.type = type
    }
}
