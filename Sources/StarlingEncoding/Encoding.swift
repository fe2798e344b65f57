/// The lightweight encodings a column chunk's values can be stored in.

/// How a column chunk's values are laid out before compression. The raw values are the
/// identifiers written to disk; `Formats/segment.md` specifies each one byte by byte.
public enum Encoding: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// Values back to back at their physical width; strings as offsets then bytes.
    case plain = 0
    /// A dictionary of distinct values, then bit-packed codes into it.
    case dictionary = 1
    /// Runs of equal values: the run values, then the run lengths.
    case runLength = 2
    /// Frame of reference: the minimum, then each value minus it, bit-packed.
    case bitPacked = 3
    /// The first value, then the differences between neighbours (minus their minimum), bit-packed.
    case delta = 4
    /// Runs of equal values, their values as a frame of reference and their lengths (minus one)
    /// bit-packed. Segment read version 2.
    case packedRunLength = 5
    /// No values of its own: each row's value is the table's keyed value at the row's code in
    /// another column of the same row group (its key column), found through a side file the
    /// table's catalog names. The chunk stores only the key column's index. Segment read version 3.
    case keyed = 6

    public var description: String {
        switch self {
        case .plain: return "plain"
        case .dictionary: return "dictionary"
        case .runLength: return "rle"
        case .bitPacked: return "bitpack"
        case .delta: return "delta"
        case .packedRunLength: return "packed-rle"
        case .keyed: return "keyed"
        }
    }

    /// The lowest segment read version that defines this encoding; a file holding a chunk in it
    /// carries at least this read version.
    public var readVersion: UInt16 {
        switch self {
        case .plain, .dictionary, .runLength, .bitPacked, .delta: return 1
        case .packedRunLength: return 2
        case .keyed: return 3
        }
    }

    /// The encodings that store a chunk's values (every one but ``keyed``): those the writer
    /// chooses among, and those tests and tools may force.
    public static let valueEncodings: [Encoding] = allCases.filter { $0 != .keyed }

    /// Parses the names `description` prints.
    public init?(name: String) {
        guard let match = Encoding.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = match
    }

    /// Whether this encoding can store values of `type`.
    public func supports(_ type: PhysicalTypeClass) -> Bool {
        switch self {
        case .plain, .dictionary, .runLength: return type != .interval
        case .bitPacked, .delta, .packedRunLength, .keyed: return type == .integer
        }
    }
}

/// The families of physical type that encodings distinguish.
public enum PhysicalTypeClass: Sendable {
    /// Booleans and signed integers of 1, 2, 4 or 8 bytes.
    case integer
    /// IEEE doubles, encoded by their 8-byte bit patterns.
    case float
    /// UTF-8 strings.
    case string
    /// INTERVALs, which only queries have: no encoding stores them (the segment format has no
    /// INTERVAL type).
    case interval
}
