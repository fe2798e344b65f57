/// The fuzz harnesses: one function per component that reads untrusted bytes.

/// A component fed untrusted bytes. ``run(_:)`` hands the bytes to it and swallows the errors it
/// throws: bad input must become a thrown error, so anything else — a trap (force unwrap, index
/// out of range, overflow, precondition), a memory error the sanitizer sees, a hang — is a
/// finding. Where two ways of reading the same bytes must agree (small blocks and one block, a
/// chunk view and the full decoder), a disagreement traps too (``FuzzCheck``).
///
/// libFuzzer's entry points (`Fuzz/Entries/<name>.swift`, built only by `tools/fuzz`) call
/// ``run(_:)``; the unit tests run every harness over its seed corpus (`Fuzz/Corpus/<name>/`).
public enum FuzzHarness: String, CaseIterable, Sendable {
    /// CSV extracts: ``ExtractHarness`` (the reader, the tokenizer, the field converters).
    case csv
    /// NDJSON extracts: ``ExtractHarness`` (the reader, the JSON row parser, the converters).
    case ndjson
    /// The date and number parsers of the loader and of SQL literals: ``FieldHarness``.
    case fields
    /// The SQL lexer and parser: ``SQLHarness``.
    case sql
    /// Segment files: ``SegmentHarness`` (the footer, then every chunk through the reader).
    case segment
    /// One encoded chunk: ``ChunkHarness`` (the column decoders and the integer chunk view).
    case chunk
    /// Snapshot files: ``CatalogHarness`` (the envelope, the JSON, the validation).
    case catalog
    /// A client's bytes to `starling serve`: ``WireHarness`` (the PostgreSQL message decoder).
    case wire
    /// Parquet files: ``ParquetHarness`` (the footer, the schema, every column's pages).
    case parquet

    /// Feeds `bytes` to the component.
    public func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .csv: ExtractHarness.run(bytes, format: .csv)
        case .ndjson: ExtractHarness.run(bytes, format: .ndjson)
        case .fields: FieldHarness.run(bytes)
        case .sql: SQLHarness.run(bytes)
        case .segment: SegmentHarness.run(bytes)
        case .chunk: ChunkHarness.run(bytes)
        case .catalog: CatalogHarness.run(bytes)
        case .wire: WireHarness.run(bytes)
        case .parquet: ParquetHarness.run(bytes)
        }
    }

    /// Feeds `bytes` to the component.
    public func run(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { run($0) }
    }
}

/// Checks the harnesses make beyond "no trap": a failed one is a finding, so it traps.
enum FuzzCheck {
    static func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("fuzz check failed: \(message())") }
    }

    /// `value`, or `nil`, for a message.
    static func shown<Value>(_ value: Value?) -> String {
        value.map { "\($0)" } ?? "nil"
    }
}

/// Reads a harness's leading option bytes, then hands over the rest.
struct FuzzInput {
    let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The next byte, or 0 past the end.
    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    /// The next two bytes, little-endian (0 past the end).
    mutating func uint16() -> Int {
        Int(byte()) | Int(byte()) << 8
    }

    /// The bytes not read yet.
    var rest: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[min(position, bytes.count)...])
    }
}
