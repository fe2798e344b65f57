/// Reads a CSV/TSV/.tbl extract into batches: header mapping, record shape checks, NULL strings.

import StarlingColumns
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StarlingStorage

/// What the loader asks of a file reader.
protocol BatchReader: AnyObject {
    /// The next batch of rows, or nil at the end of the file.
    func next() throws(LoadError) -> FieldBatch?
    /// The table columns the file provides.
    var provided: Set<Int> { get }
    /// Bytes of the file itself (compressed, if it is) read so far.
    var fileBytesRead: Int { get }
    /// Fields that matched no column, with counts (NDJSON).
    var unknownFields: [String: Int] { get }
    /// The file's stream, for its content hash.
    var stream: ExtractStream { get }
}

/// Streams one delimited file through the tokenizer, one block (a few MB) per batch.
final class CSVReader: BatchReader {
    let path: String
    let table: CatalogTable
    let stream: ExtractStream
    let tokenizer: CSVTokenizer
    let nullStrings: [[UInt8]]
    private var buffer: [UInt8] = []
    private var offset = 0
    /// Lines of blocks that gave no batch (a header alone), owed to the next batch.
    private var skippedLines = 0
    private var more = true
    private var headerPending: Bool
    private var mapping: [Int?]?
    private var expectedFields: Int?
    private var fieldForColumn: [Int]
    private var lastRecordCount = 1024
    private var lastFieldCount = 16 * 1024
    private(set) var provided = Set<Int>()
    var fileBytesRead: Int { stream.reader.position }
    var unknownFields: [String: Int] { [:] }

    init(path: String, table: CatalogTable, options: LoadOptions, format: ExtractFormat, hashContent: Bool = false) throws(LoadError) {
        self.path = path
        self.table = table
        stream = try ExtractStream(path: path, encoding: options.encoding, blockSize: options.blockSize,
                                  maxLineBytes: options.maxLineBytes, hashContent: hashContent)
        tokenizer = CSVTokenizer(delimiter: options.delimiter ?? format.delimiter, quote: options.quote, escape: options.escape ?? options.quote)
        headerPending = options.header ?? format.header
        nullStrings = (options.nullStrings ?? ["", "\\N"]).map { Array($0.utf8) }
        fieldForColumn = [Int](repeating: -1, count: table.columns.count)
        if let names = options.columns {
            let resolved = try Self.map(names: names, table: table, path: path, strict: false)
            use(resolved)
        }
    }

    private func use(_ resolved: [Int?]) {
        mapping = resolved
        expectedFields = resolved.count
        for (field, column) in resolved.enumerated() {
            if let column {
                fieldForColumn[column] = field
                provided.insert(column)
            }
        }
    }

    func next() throws(LoadError) -> FieldBatch? {
        while more || !buffer.isEmpty {
            // No record may run past the limit: checked before the buffer is scanned again.
            if more { more = try stream.appendNext(to: &buffer, recordStart: offset) }
            if !headerPending, let cut = quoteFreeCut() {
                // Whole records with no quote: the worker that converts them tokenizes them.
                guard cut > 0 else { continue }
                if mapping == nil { use(table.columns.indices.map { $0 }) }
                let text = buffer
                buffer = cut < text.count ? Array(text[cut...]) : []
                let batch = FieldBatch(file: path, columnCount: table.columns.count)
                batch.text = text
                batch.fieldForColumn = fieldForColumn
                batch.nullStrings = nullStrings
                batch.linesBefore = skippedLines
                batch.untokenized = FieldBatch.Untokenized(
                    delimiter: tokenizer.delimiter, length: cut, offset: offset, expectedFields: expectedFields ?? table.columns.count,
                    reserveRecords: lastRecordCount)
                skippedLines = 0
                offset += cut
                return batch
            }
            var records = CSVRecords()
            // The last batch's sizes predict this one's: reserve them so the arrays do not regrow.
            records.reserve(records: lastRecordCount, fields: lastFieldCount)
            let (consumed, lines) = buffer.withUnsafeBytes { bytes in
                tokenizer.tokenize(bytes, isFinal: !more, firstLine: 1, firstOffset: offset, into: &records)
            }
            let text = buffer
            // At the end of the input the tokenizer consumes everything.
            buffer = more && consumed < text.count ? Array(text[consumed...]) : []
            offset += consumed
            lastRecordCount = max(lastRecordCount, records.count + records.count / 8)
            lastFieldCount = max(lastFieldCount, records.fields.count + records.fields.count / 8)
            if let batch = try makeBatch(records: records, text: text), batch.rowCount > 0 {
                batch.linesBefore = skippedLines
                batch.lineCount = lines
                skippedLines = 0
                return batch
            }
            skippedLines += lines
        }
        if headerPending {
            throw LoadError(.badData, "\(path) is empty: expected a header line")
        }
        return nil
    }

    /// Where the buffer can be cut after its last whole record when it holds no quote or escape
    /// character (0 when no record is whole yet), or nil when it does and must be tokenized here
    /// (a quoted field may hold a newline, so only the tokenizer knows where records end).
    private func quoteFreeCut() -> Int? {
        buffer.withUnsafeBytes { bytes -> Int? in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
            if memchr(base, Int32(tokenizer.quote), bytes.count) != nil { return nil }
            if tokenizer.escape != tokenizer.quote, memchr(base, Int32(tokenizer.escape), bytes.count) != nil { return nil }
            if !more { return bytes.count }
            // The last newline is near the end: a record is short beside a block.
            var position = bytes.count
            while position > 0 {
                position -= 1
                if bytes[position] == 0x0A { return position + 1 }
            }
            return 0
        }
    }

    /// Turns tokenized records into a batch (consuming the header first if pending). Fields stay
    /// where the tokenizer put them; only each record's shape is checked here.
    private func makeBatch(records: CSVRecords, text: [UInt8]) throws(LoadError) -> FieldBatch? {
        guard records.count > 0 else { return nil }
        let batch = FieldBatch(file: path, columnCount: table.columns.count)
        if headerPending {
            headerPending = false
            batch.firstRecord = 1
            if mapping == nil {
                let start = records.recordFieldStart[0]
                let names = (0..<records.fieldCount(0)).map { index -> String in
                    let field = start + index
                    let span = records.fields[field]
                    let source = span.kind == .unescaped ? records.unescaped : text
                    return String(decoding: source[Int(span.start)..<Int(span.end)], as: UTF8.self)
                }
                use(try Self.map(names: Self.trimmingTrailingEmpty(names), table: table, path: path, strict: true))
            }
        }
        if mapping == nil {
            // No header and no --columns: the file's fields are the table's columns in order.
            use(table.columns.indices.map { $0 })
        }
        batch.text = text
        batch.records = records
        batch.checkFieldCounts(expected: expectedFields ?? table.columns.count)
        batch.fieldForColumn = fieldForColumn
        batch.nullStrings = nullStrings
        return batch
    }

    /// A header's trailing empty names (a trailing delimiter) are not columns.
    static func trimmingTrailingEmpty(_ names: [String]) -> [String] {
        var names = names
        while let last = names.last, last.trimmingSpacesOnly.isEmpty, names.count > 1 { names.removeLast() }
        return names
    }

    /// Maps file column names to table columns (case-insensitive). `strict`: the names must be
    /// exactly the table's columns (type-2 bookkeeping columns may be absent).
    static func map(names: [String], table: CatalogTable, path: String, strict: Bool) throws(LoadError) -> [Int?] {
        var mapping: [Int?] = []
        var unknown: [String] = []
        var seen = Set<Int>()
        for raw in names {
            let name = raw.trimmingSpacesOnly
            if let index = table.columns.firstIndex(where: { $0.name == name }) ?? table.columns.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
                guard seen.insert(index).inserted else {
                    throw LoadError(.badData, "\(path): column \(name) appears twice in the header")
                }
                mapping.append(index)
            } else {
                unknown.append(name)
                mapping.append(nil)
            }
        }
        let optional: Set<String> = DimensionMerge.isTypeTwo(table) ? [DimensionMerge.validFrom, DimensionMerge.validTo, DimensionMerge.isCurrent] : []
        let missing = table.columns.indices.filter { !seen.contains($0) && !optional.contains(table.columns[$0].name) }.map { table.columns[$0].name }
        if !unknown.isEmpty || (strict && !missing.isEmpty) {
            var parts: [String] = []
            if strict, !missing.isEmpty { parts.append("missing columns: \(missing.joined(separator: ", "))") }
            if !unknown.isEmpty { parts.append("unknown columns: \(unknown.map { $0.isEmpty || $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ", "))") }
            var hint = strict ? headerHint(names, table: table) : nil
            if hint == nil, !unknown.isEmpty, !strict || missing.isEmpty {
                // --columns cannot help: a file column the table lacks cannot be skipped.
                hint = "every file column must be a table column: add it with ALTER TABLE \(table.name) ADD COLUMN, "
                    + "or leave it out of the file"
            }
            throw LoadError(
                .badData,
                "\(path): the \(strict ? "header" : "--columns list") does not match table \(table.name): "
                    + "\(parts.joined(separator: "; ")) (\(hint ?? "use --columns to name the file's columns"))")
        }
        return mapping
    }

    /// What a header that is one field probably means: NDJSON read as CSV (`{"id": …`), or
    /// another delimiter (`id;name;amount`, whose parts name the table's columns).
    static func headerHint(_ names: [String], table: CatalogTable) -> String? {
        guard let first = names.first?.trimmingSpacesOnly else { return nil }
        if first.hasPrefix("{") || first.hasPrefix("[") {
            return "the file looks like NDJSON: try --format ndjson"
        }
        guard names.count == 1 else { return nil }
        let only = first
        let known = Set(table.columns.map { $0.name.lowercased() })
        for (character, shown) in [(";", "';'"), ("\t", "'\\t'"), ("|", "'|'")] where only.contains(character) {
            let parts = only.split(separator: Character(character)).map { String($0).trimmingSpacesOnly.lowercased() }
            if parts.contains(where: known.contains) {
                return "the header looks separated by \(shown): try --delimiter \(shown)"
            }
        }
        return nil
    }
}
