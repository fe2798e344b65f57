/// A load's reading and converting without a warehouse: what the fuzz harnesses drive.

import StarlingColumns
import StarlingStorage

/// Reads an extract file and converts its rows as ``Loader`` does (the same reader, tokenizer,
/// record checks and column converters, on one thread), and stops where a load would write: no
/// warehouse, no transaction, no rejects file. References are not resolved (there is no
/// dimension to resolve them in). Package access: for StarlingFuzzing and tests.
package enum ExtractDryRun {
    /// What reading the file gave.
    package struct Outcome: Equatable, Sendable {
        /// Data rows read.
        package var rows = 0
        /// Rows a load would reject, with the line each was reported at.
        package var rejectedLines: [Int] = []
        /// Bytes of the accepted text values, a check that every one can be read back.
        package var textBytes = 0
    }

    /// Reads `path` into rows of `table` under `options`; throws what a load would throw while
    /// reading (a header that does not match, a record past the line limit, corrupt compression).
    package static func run(path: String, table: CatalogTable, options: LoadOptions) throws(LoadError) -> Outcome {
        try Loader.checkSeparators(options)
        let reader = try Loader.reader(for: path, table: table, options: options, hashContent: false)
        let partitionColumn = table.partitioning.flatMap { partitioning in
            table.columns.firstIndex { $0.name == partitioning.column }
        }
        let converter = BatchConverter(
            table: table, converters: table.columns.map { ColumnConverter(column: $0, options: options) },
            resolvers: [:],
            partitionColumn: partitionColumn, granularity: table.partitioning?.granularity, keepsKeys: false)
        var outcome = Outcome()
        // As the loader numbers lines: each batch from where the one before it ended.
        var nextLine = 1
        while let batch = try reader.next() {
            // A worker's part (an untokenized batch counts its lines as it is tokenized) …
            batch.tokenize()
            let converted = converter.convert(batch)
            // … then the loader's, in file order.
            batch.firstLine = nextLine + batch.linesBefore
            nextLine = batch.firstLine + batch.lineCount
            outcome.rows += batch.rowCount
            for entry in converted.rejects {
                // What the rejects file records of each: its line and byte offset.
                _ = batch.offset(entry.row)
                outcome.rejectedLines.append(batch.line(entry.row))
            }
            for (index, column) in table.columns.enumerated() where column.type == .varchar {
                let values = converted.columns[index]
                for row in 0..<batch.rowCount where !converted.rejected[row] && !values.nulls[row] {
                    outcome.textBytes += converter.text(batch, values, row).utf8.count
                }
            }
        }
        return outcome
    }
}
