/// Converts a batch of input rows column by column: values, NULLs, references and partitions.

import StarlingColumns
import StarlingStorage

/// One column of a converted batch, in the column's stored representation.
struct ConvertedColumn {
    /// Integers (also booleans, dates, timestamps, decimals, row codes), double bit patterns,
    /// or for text the start offset, with bit 62 set when it is in the batch's `extra` bytes.
    var values: [Int64]
    /// Text lengths.
    var lengths: [Int32]
    var nulls: [Bool]
}

/// A converted batch: accepted rows' values, and the rejects in row order.
struct ConvertedBatch {
    let batch: FieldBatch
    var columns: [ConvertedColumn]
    /// Per row: rejected?
    var rejected: [Bool]
    /// Rejects as (row, column name, shown value, reason), sorted by row.
    var rejects: [(row: Int, column: String, value: String, reason: String)]
    /// Per row: index into `partitionKeys` (fact and plain tables).
    var partitionOf: [Int32]
    var partitionKeys: [String]
    var unknownKeys: Int
}

/// The pure part of loading: everything about a row that depends only on the row and the
/// catalog as it was when the load began. Safe to run on several batches at once.
struct BatchConverter: Sendable {
    let table: CatalogTable
    let converters: [ColumnConverter]
    let resolvers: [Int: ReferenceResolver]
    let partitionColumn: Int?
    let granularity: PartitionGranularity?
    /// Dimension loads keep reference keys (the merge compares keys; codes are stored on write).
    let keepsKeys: Bool

    func convert(_ batch: FieldBatch) -> ConvertedBatch {
        let rows = batch.rowCount
        let columnCount = table.columns.count
        var rejected = [Bool](repeating: false, count: rows)
        var rejects: [(row: Int, column: String, value: String, reason: String)] = []
        // Most batches have no malformed record: then no row is looked at here.
        let malformed = batch.records.problemCount > 0 || !batch.problems.isEmpty
        for row in 0..<(malformed ? rows : 0) {
            if let reason = batch.records.problems[batch.firstRecord + row] {
                rejected[row] = true
                rejects.append((row, "", "", reason))
            } else if let problem = batch.problems[row] {
                rejected[row] = true
                rejects.append((row, "", problem.value, problem.reason))
            }
        }
        var columns = (0..<columnCount).map { column in
            let isText = table.columns[column].type == .varchar
            return ConvertedColumn(values: [Int64](repeating: 0, count: rows), lengths: isText ? [Int32](repeating: 0, count: rows) : [],
                                   nulls: [Bool](repeating: false, count: rows))
        }
        var state = RowState(rejected: rejected, rejects: rejects)
        batch.text.withUnsafeBytes { text in
            batch.records.unescaped.withUnsafeBytes { extra in
                // Text cells of an all-ASCII batch (most extracts) need no UTF-8 check each.
                let textIsASCII = table.columns.contains { $0.type == .varchar } && Self.isASCII(text)
                let contexts = (0..<columnCount).map { cellContext($0, batch: batch, text: text, extra: extra, textIsASCII: textIsASCII) }
                // The file fields that some column reads, and where each goes in a tile.
                let fields = Array(Set(contexts.map(\.fieldIndex).filter { $0 >= 0 })).sorted()
                // Tile by tile, column by column. Each tile's spans are first gathered into one run
                // per field, so a column's conversion reads its spans one after another instead
                // of one cache line per row.
                var tile = [CSVRecords.FieldSpan](repeating: CSVRecords.FieldSpan(start: 0, end: 0, kind: .null), count: fields.count * Self.tileRows)
                // Quote-free records are split into the tile directly (wrong field counts found
                // on the way), other batches' records transposed into it.
                var slotOfField = [Int](repeating: -1, count: (fields.last ?? -1) + 1)
                for (slot, field) in fields.enumerated() { slotOfField[field] = slot }
                var start = 0
                while start < rows {
                    let end = min(start + Self.tileRows, rows)
                    let records = (batch.firstRecord + start)..<(batch.firstRecord + end)
                    if let quoteFree = batch.quoteFreeRecords {
                        tile.withUnsafeMutableBufferPointer { tile in
                            quoteFree.split(text, records: records, slotOfField: slotOfField, wanted: fields, tileRows: Self.tileRows, into: tile) { record, shown, reason in
                                let row = record - batch.firstRecord
                                guard !state.rejected[row] else { return }
                                state.rejected[row] = true
                                state.rejects.append((row, "", shown, reason))
                            }
                        }
                    } else {
                        Self.transpose(batch.records, records: records, fields: fields, into: &tile)
                    }
                    tile.withUnsafeBufferPointer { tile in
                        for column in 0..<columnCount {
                            // A column the file does not provide reads no spans.
                            var spans = UnsafeBufferPointer<CSVRecords.FieldSpan>(start: nil, count: 0)
                            let field = contexts[column].fieldIndex
                            if field >= 0, field < slotOfField.count, slotOfField[field] >= 0 {
                                let slot = slotOfField[field]
                                spans = UnsafeBufferPointer(rebasing: tile[(slot * Self.tileRows)..<(slot * Self.tileRows + end - start)])
                            }
                            convertColumn(column, rows: start..<end, spans: spans, context: contexts[column], into: &columns[column], state: &state)
                        }
                    }
                    start = end
                }
            }
        }
        rejected = state.rejected
        rejects = state.rejects
        // Partitions.
        var partitionOf = [Int32](repeating: 0, count: rows)
        var partitionKeys: [String] = []
        if let partitionColumn, let granularity {
            var cachedRange: Range<Int64> = 0..<0
            var cachedIndex: Int32 = 0
            var indexByKey: [String: Int32] = [:]
            for row in 0..<rows where !rejected[row] {
                let days = columns[partitionColumn].values[row]
                if !cachedRange.contains(days) {
                    cachedRange = granularity.range(forDay: days)
                    let key = granularity.key(forDay: days)
                    if let existing = indexByKey[key] {
                        cachedIndex = existing
                    } else {
                        cachedIndex = Int32(partitionKeys.count)
                        indexByKey[key] = cachedIndex
                        partitionKeys.append(key)
                    }
                }
                partitionOf[row] = cachedIndex
            }
        } else {
            partitionKeys = [""]
        }
        // References: keys to row codes (in place), by the fact's date for type-2 dimensions.
        // Codes are collected first and stored after every reference is resolved, so a date column
        // that is itself a reference still reads as a date here.
        var unknownKeys = 0
        var resolved: [(column: Int, codes: [Int64])] = []
        for (column, resolver) in resolvers.sorted(by: { $0.key < $1.key }) {
            var codes = columns[column].values
            let type = table.columns[column].type
            // Type-1 integer keys (the common case): a tight loop over the key column, so the
            // lookups' cache misses overlap; keys not found go through the general path below.
            var pending: [Int]? = nil
            if type != .varchar, resolver.dateColumn == nil, let map = resolver.integerCodes {
                pending = Self.resolveIntegerKeys(columns[column], map: map, rejected: rejected, into: &codes)
            }
            for row in pending ?? Array(0..<rows) where !rejected[row] && !columns[column].nulls[row] {
                var factDate: Int64?
                if let dateColumn = resolver.dateColumn, !columns[dateColumn].nulls[row] { factDate = columns[dateColumn].values[row] }
                let code: Int32?
                if type == .varchar {
                    code = resolver.code(for: .string(text(batch, columns[column], row)), factDate: factDate)
                } else {
                    code = resolver.code(integer: columns[column].values[row], type: type, factDate: factDate)
                }
                if let code {
                    codes[row] = Int64(code)
                } else if resolver.unknownToMember, !keepsKeys {
                    codes[row] = Int64(DimensionKeys.unknownMember)
                    unknownKeys += 1
                } else {
                    rejected[row] = true
                    let shown = type == .varchar ? text(batch, columns[column], row) : Value.integer(columns[column].values[row]).formatted(as: type)
                    rejects.append((row, table.columns[column].name, shown,
                                    "key not found in dimension \(resolver.dimension) (load the dimension first, or set unknown_key = 'unknown_member')"))
                }
            }
            resolved.append((column, codes))
        }
        if !keepsKeys {
            for (column, codes) in resolved { columns[column].values = codes }
        }

        rejects.sort { $0.row < $1.row }
        return ConvertedBatch(batch: batch, columns: columns, rejected: rejected, rejects: rejects,
                              partitionOf: partitionOf, partitionKeys: partitionKeys, unknownKeys: unknownKeys)
    }

    /// Stores the row code of every non-NULL key of rows not rejected into `codes`; returns the
    /// rows whose key the map lacks.
    static func resolveIntegerKeys(_ keys: ConvertedColumn, map: IntegerMap, rejected: [Bool], into codes: inout [Int64]) -> [Int] {
        var missing: [Int] = []
        let count = min(keys.values.count, keys.nulls.count, rejected.count, codes.count)
        keys.values.withUnsafeBufferPointer { values in
            keys.nulls.withUnsafeBufferPointer { nulls in
                rejected.withUnsafeBufferPointer { rejected in
                    codes.withUnsafeMutableBufferPointer { codes in
                        for row in 0..<count where !rejected[row] && !nulls[row] {
                            let code = map.code(for: values[row])
                            if code >= 0 { codes[row] = Int64(code) } else { missing.append(row) }
                        }
                    }
                }
            }
        }
        return missing
    }

    /// Which rows are rejected so far, and why.
    struct RowState {
        var rejected: [Bool]
        var rejects: [(row: Int, column: String, value: String, reason: String)]
    }

    /// Rows converted column by column before moving on to the next rows. A tile of spans is
    /// fields × 256 × 12 bytes (51 KB for 17 fields), so the transposition's writes and the
    /// columns' reads stay in the core's cache: 2,048 rows (408 KB) measured 7 % slower on the
    /// SF1 lineorder load, 128 the same as 256.
    static let tileRows = 256

    /// What converting column `column` of `batch` needs to know, fixed for the batch.
    func cellContext(_ column: Int, batch: FieldBatch, text: UnsafeRawBufferPointer, extra: UnsafeRawBufferPointer, textIsASCII: Bool) -> CellContext {
        let type = table.columns[column].type
        let fast: FastPath
        switch type {
        case _ where converters[column].numberSeparators != nil: fast = .none
        case .tinyint, .smallint, .integer, .bigint: fast = .integer(type.physicalType.integerRange ?? Int64.min...Int64.max)
        case .decimal(let precision, let scale): fast = .decimal(precision, scale)
        case .date where converters[column].dateFormat == nil: fast = .isoDate
        case .varchar: fast = .varchar
        default: fast = .none
        }
        return CellContext(
            fieldIndex: batch.fieldForColumn[column], nullStrings: NullStrings(batch.nullStrings),
            checkNullsFirst: Self.nullStringsParse(batch.nullStrings, as: converters[column]),
            notNull: table.columns[column].notNull, name: table.columns[column].name, fast: fast, text: text, extra: extra,
            textIsASCII: textIsASCII, isJSON: batch.isJSON)
    }

    /// Whether every byte of `bytes` is ASCII: one pass that ORs eight bytes at a time (the
    /// compiler vectorises it), so a batch's text cells are known valid UTF-8 without a check each.
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let words = bytes.count / 8
        var any: UInt64 = 0
        for index in 0..<words { any |= base.loadUnaligned(fromByteOffset: index &* 8, as: UInt64.self) }
        for index in (words &* 8)..<bytes.count { any |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) }
        return any & 0x8080_8080_8080_8080 == 0
    }

    /// Copies the spans of `fields` of the records `records` into `tile`, one run of
    /// ``tileRows`` spans per field (field `fields[k]` of the records' row `r` goes to
    /// `tile[k * tileRows + r]`); a record without that field gets a NULL span.
    static func transpose(_ batch: CSVRecords, records: Range<Int>, fields: [Int], into tile: inout [CSVRecords.FieldSpan]) {
        precondition(records.count <= tileRows && tile.count >= fields.count * tileRows, "tile too small")
        let missing = CSVRecords.FieldSpan(start: 0, end: 0, kind: .null)
        batch.recordFieldStart.withUnsafeBufferPointer { recordFieldStart in
            batch.fields.withUnsafeBufferPointer { spans in
                tile.withUnsafeMutableBufferPointer { tile in
                    // Every record's fields lie inside the span array (the tokenizer's invariant),
                    // checked once here for the whole range.
                    precondition(records.upperBound < recordFieldStart.count && recordFieldStart[records.upperBound] <= spans.count, "records outside the batch")
                    for (position, record) in records.enumerated() {
                        let first = recordFieldStart[record]
                        let count = recordFieldStart[record &+ 1] &- first
                        for (slot, field) in fields.enumerated() {
                            tile[slot &* tileRows &+ position] = field < count ? spans[first &+ field] : missing
                        }
                    }
                }
            }
        }
    }

    /// Converts one column of the rows `rows` not yet rejected, into `output`; `spans` holds the
    /// column's field of each of those rows, in order. The common types take a fast path chosen
    /// once per column; anything the fast path cannot take (and every error) goes through the
    /// general converter.
    func convertColumn(_ column: Int, rows: Range<Int>, spans: UnsafeBufferPointer<CSVRecords.FieldSpan>, context: CellContext, into output: inout ConvertedColumn, state: inout RowState) {
        output.values.withUnsafeMutableBufferPointer { values in
            output.nulls.withUnsafeMutableBufferPointer { nulls in
                output.lengths.withUnsafeMutableBufferPointer { lengths in
                    let fields = FieldArrays(spans: spans, firstRow: rows.lowerBound)
                    let arrays = OutputArrays(values: values, lengths: lengths, nulls: nulls)
                    convertCells(rows: rows, fields: fields, output: arrays, context: context, converter: converters[column], state: &state)
                }
            }
        }
    }

    /// Whether any NULL string is a valid value for the converter's type (so it must be matched
    /// before parsing): always for text, and for example `--null 0` on a number column.
    static func nullStringsParse(_ strings: [[UInt8]], as converter: ColumnConverter) -> Bool {
        if converter.type == .varchar { return true }
        return strings.contains { string in
            string.withUnsafeBytes { bytes in
                (try? converter.convert(FieldValue(bytes: bytes, kind: .plain))) != nil
            }
        }
    }

    enum FastPath {
        case integer(ClosedRange<Int64>), decimal(Int, Int), isoDate, varchar, none

        var isText: Bool {
            if case .varchar = self { return true }
            return false
        }
    }

    /// What one column's conversion needs to know, fixed for the batch.
    struct CellContext {
        let fieldIndex: Int
        let nullStrings: NullStrings
        /// Whether NULL strings must be checked before parsing (some NULL string is a valid value).
        let checkNullsFirst: Bool
        let notNull: Bool
        let name: String
        let fast: FastPath
        let text: UnsafeRawBufferPointer
        let extra: UnsafeRawBufferPointer
        /// Every byte of `text` is ASCII (so any run of it is valid UTF-8).
        let textIsASCII: Bool
        /// An NDJSON batch: its plain fields are JSON numbers and literals.
        let isJSON: Bool
    }

    /// One column's field spans for a tile of rows, borrowed: row `r`'s is `spans[r - firstRow]`.
    struct FieldArrays {
        let spans: UnsafeBufferPointer<CSVRecords.FieldSpan>
        let firstRow: Int
    }

    /// One converted column's arrays, borrowed for writing.
    struct OutputArrays {
        let values: UnsafeMutableBufferPointer<Int64>
        let lengths: UnsafeMutableBufferPointer<Int32>
        let nulls: UnsafeMutableBufferPointer<Bool>
    }

    /// The per-cell loop: NULL detection, the fast path, else the general converter. The fast
    /// path is chosen here, once per column, and the loop is specialised for it.
    func convertCells(rows: Range<Int>, fields: FieldArrays, output: OutputArrays, context: CellContext, converter: ColumnConverter, state: inout RowState) {
        switch context.fast {
        case .integer(let range):
            let text = context.text
            convertCells(rows: rows, fields: fields, output: output, context: context, converter: converter, state: &state) { bytes in
                guard let value = FieldParser.integer(bytes, inside: text), range.contains(value) else { return nil }
                return value
            }
        case .decimal(let precision, let scale):
            convertCells(rows: rows, fields: fields, output: output, context: context, converter: converter, state: &state) { bytes in
                FieldParser.decimal(bytes, precision: precision, scale: scale)
            }
        case .isoDate:
            convertCells(rows: rows, fields: fields, output: output, context: context, converter: converter, state: &state) { bytes in
                FieldParser.isoDate(bytes)
            }
        case .varchar, .none:
            convertCells(rows: rows, fields: fields, output: output, context: context, converter: converter, state: &state) { _ in nil }
        }
    }

    @inline(__always)
    func convertCells(
        rows: Range<Int>, fields: FieldArrays, output: OutputArrays, context: CellContext, converter: ColumnConverter, state: inout RowState,
        parse: (UnsafeRawBufferPointer) -> Int64?
    ) {
        let isText = context.fast.isText
        for row in rows where !state.rejected[row] {
            var kind = CSVRecords.FieldKind.null
            var start = 0, end = 0
            if context.fieldIndex >= 0 {
                let span = fields.spans[row &- fields.firstRow]
                kind = span.kind
                start = Int(span.start)
                end = Int(span.end)
            }
            if kind == .plain {
                let bytes = UnsafeRawBufferPointer(rebasing: context.text[start..<end])
                // When no NULL string is a valid value of the column's type, a value that parses
                // cannot be NULL, so the check waits until the fast path fails.
                if context.checkNullsFirst {
                    if context.nullStrings.matches(bytes) { kind = .null }
                } else {
                    if let value = parse(bytes) {
                        output.values[row] = value
                        continue
                    }
                    if context.nullStrings.matches(bytes) { kind = .null }
                }
            }
            if kind == .null {
                output.nulls[row] = true
                if context.notNull {
                    state.rejected[row] = true
                    state.rejects.append((row, context.name, "", "NULL in a NOT NULL column"))
                }
                continue
            }
            let inExtra = kind == .unescaped
            let bytes = UnsafeRawBufferPointer(rebasing: (inExtra ? context.extra : context.text)[start..<end])
            if isText {
                if (context.textIsASCII && !inExtra) || ColumnConverter.isValidUTF8(bytes) {
                    output.values[row] = Int64(start) | (inExtra ? 1 << 62 : 0)
                    output.lengths[row] = Int32(bytes.count)
                    continue
                }
            } else if let value = parse(bytes) {
                output.values[row] = value
                continue
            }
            do throws(ConversionFailure) {
                let field = FieldValue(bytes: bytes, kind: kind == .plain ? .plain : .quoted)
                switch try converter.convert(field, jsonNumber: context.isJSON && kind == .plain) {
                case .null:
                    output.nulls[row] = true
                case .integer(let value):
                    output.values[row] = value
                case .double(let value):
                    output.values[row] = Int64(bitPattern: value.bitPattern)
                case .text(let text):
                    output.values[row] = Int64(start) | (inExtra ? 1 << 62 : 0)
                    output.lengths[row] = Int32(text.count)
                }
            } catch {
                state.rejected[row] = true
                state.rejects.append((row, context.name, String(decoding: bytes, as: UTF8.self), error.reason))
            }
        }
    }

    /// The text of a converted VARCHAR cell.
    func text(_ batch: FieldBatch, _ column: ConvertedColumn, _ row: Int) -> String {
        let start = Int(column.values[row] & ~(1 << 62))
        let length = Int(column.lengths[row])
        let source = column.values[row] & (1 << 62) != 0 ? batch.records.unescaped : batch.text
        return String(decoding: source[start..<(start + length)], as: UTF8.self)
    }
}
