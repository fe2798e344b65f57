/// Reads a CSV/TSV/.tbl extract: header mapping, record shape checks, rows to the processor.

import StarlingColumns
import StarlingStorage

/// Streams one delimited file through the tokenizer into a ``RowProcessor``.
struct CSVReader {
    let path: String
    let table: CatalogTable
    let options: LoadOptions
    let format: ExtractFormat

    /// Reads every record; returns the set of table columns the file provides.
    func read(into processor: RowProcessor, progress: (Int) -> Void) throws -> Set<Int> {
        let stream = try ExtractStream(path: path, encoding: options.encoding)
        let tokenizer = CSVTokenizer(delimiter: options.delimiter ?? format.delimiter, quote: options.quote, escape: options.escape ?? options.quote)
        let hasHeader = options.header ?? format.header
        let nullStrings = (options.nullStrings ?? ["", "\\N"]).map { Array($0.utf8) }
        var buffer: [UInt8] = []
        var records = CSVRecords()
        var line = 1
        var offset = 0
        var mapping: [Int?]?
        var provided = Set<Int>()
        var fieldForColumn = [Int](repeating: -1, count: table.columns.count)
        if let names = options.columns {
            let resolved = try Self.map(names: names, table: table, path: path, strict: false)
            mapping = resolved
            for (field, column) in resolved.enumerated() { if let column { fieldForColumn[column] = field; provided.insert(column) } }
        }
        var expectedFields = mapping?.count
        var headerPending = hasHeader
        var more = true
        while more {
            more = try stream.appendNext(to: &buffer)
            records.removeAll()
            let (consumed, lines) = buffer.withUnsafeBytes { bytes in
                tokenizer.tokenize(bytes, isFinal: !more, firstLine: line, firstOffset: offset, into: &records)
            }
            try buffer.withUnsafeBytes { bytes in
                try records.unescaped.withUnsafeBytes { unescaped in
                    for record in 0..<records.count {
                        let first = records.recordFieldStart[record]
                        let fieldCount = records.fieldCount(record)
                        func fieldBytes(_ index: Int) -> FieldValue {
                            let field = first + index
                            let start = records.starts[field], end = records.ends[field]
                            switch records.kinds[field] {
                            case .plain:
                                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                                for null in nullStrings where null.count == slice.count && null.elementsEqual(slice) { return .null }
                                return FieldValue(bytes: slice, kind: .plain)
                            case .quoted:
                                return FieldValue(bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), kind: .quoted)
                            case .unescaped:
                                return FieldValue(bytes: UnsafeRawBufferPointer(rebasing: unescaped[start..<end]), kind: .quoted)
                            }
                        }
                        let recordLine = records.lineNumbers[record]
                        let recordOffset = records.byteOffsets[record]
                        if headerPending {
                            headerPending = false
                            if mapping == nil {
                                let names = (0..<fieldCount).map { String(decoding: fieldBytes($0).bytes, as: UTF8.self) }
                                let resolved = try Self.map(names: Self.trimmingTrailingEmpty(names), table: table, path: path, strict: true)
                                mapping = resolved
                                expectedFields = resolved.count
                                for (field, column) in resolved.enumerated() { if let column { fieldForColumn[column] = field; provided.insert(column) } }
                            }
                            continue
                        }
                        if let problem = records.problems[record] {
                            try processor.reject(file: path, line: recordLine, offset: recordOffset, column: "", value: "", reason: problem)
                            continue
                        }
                        if mapping == nil {
                            // No header and no --columns: the file's fields are the table's columns in order.
                            mapping = table.columns.indices.map { $0 }
                            expectedFields = table.columns.count
                            for column in table.columns.indices { fieldForColumn[column] = column; provided.insert(column) }
                        }
                        var usable = fieldCount
                        // dbgen's trailing delimiter: one extra, empty, unquoted field.
                        if let expected = expectedFields, fieldCount == expected + 1, records.kinds[first + expected] == .plain,
                           records.starts[first + expected] == records.ends[first + expected] {
                            usable = expected
                        }
                        if let expected = expectedFields, usable != expected {
                            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[records.starts[first]..<max(records.starts[first], records.ends[first + fieldCount - 1])]), as: UTF8.self)
                            try processor.reject(file: path, line: recordLine, offset: recordOffset, column: "", value: text,
                                                 reason: "expected \(expected) fields, found \(usable)")
                            continue
                        }
                        try processor.process(file: path, line: recordLine, offset: recordOffset) { column in
                            let field = fieldForColumn[column]
                            return field >= 0 ? fieldBytes(field) : .null
                        }
                    }
                }
            }
            buffer.removeFirst(consumed)
            line += lines
            offset += consumed
            progress(stream.bytesOut)
        }
        if headerPending, mapping == nil {
            throw LoadError(.badData, "\(path) is empty: expected a header line")
        }
        return provided
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
            if !unknown.isEmpty { parts.append("unknown columns: \(unknown.joined(separator: ", "))") }
            throw LoadError(.badData, "\(path): the \(strict ? "header" : "--columns list") does not match table \(table.name): \(parts.joined(separator: "; ")) (use --columns to name the file's columns)")
        }
        return mapping
    }
}
