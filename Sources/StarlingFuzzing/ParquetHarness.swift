/// The Parquet harness: a file's bytes through the reader, footer and every column.

import StarlingParquet

/// Feeds a Parquet file to ``ParquetFile``: opened (magic numbers, footer, schema tree, row
/// groups against the schema), then every readable column of every row group read (pages,
/// codecs, levels, encodings, conversions). A footer may declare millions of rows that cost no
/// bytes (an RLE run of NULLs): row groups past ``rowBudget`` rows in all are not read.
enum ParquetHarness {
    static let rowBudget: Int64 = 1 << 16

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let file = try? ParquetFile(bytes: Array(bytes), path: "fuzz.parquet") else { return }
        var rows: Int64 = 0
        for (index, group) in file.metadata.rowGroups.enumerated() {
            rows += group.rowCount
            guard rows <= rowBudget else { return }
            for column in file.columns where column.type != nil {
                if let data = try? file.readColumn(column, rowGroup: index) {
                    FuzzCheck.expect(
                        data.count == Int(group.rowCount), "a column of \(data.count) rows for \(group.rowCount)")
                }
            }
        }
    }
}
