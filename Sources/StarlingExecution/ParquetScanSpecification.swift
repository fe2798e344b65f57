/// What a scan of Parquet files in FROM reads, and how a row group becomes a chunk.

import StarlingColumns
import StarlingParquet

/// Parquet files read in place (`FROM 'sales.parquet'`, `read_parquet('dir/*.parquet')`): the
/// files, opened when the query was planned, and the leaf columns read, in output order. Each
/// row group of each file is a morsel.
public struct ParquetScanSpecification: Sendable {
    public var files: [ParquetFile]
    /// For each output column, its leaf's name (the same in every file).
    public var columns: [String]

    public init(files: [ParquetFile], columns: [String]) {
        self.files = files
        self.columns = columns
    }

    /// The (file, row group) of each morsel.
    var morsels: [(file: Int, rowGroup: Int)] {
        files.indices.flatMap { file in files[file].metadata.rowGroups.indices.map { (file, $0) } }
    }

    /// Rows a chunk holds at most: a row group's rows are handed on in chunks of this many.
    static let chunkRows = 1 << 16

    /// Reads one row group's columns as chunks.
    func read(file: Int, rowGroup: Int) throws(QueryError) -> [Chunk] {
        let parquet = files[file]
        var vectors: [Vector] = []
        for name in columns {
            guard let leaf = parquet.column(named: name) else {
                throw QueryError(.storage, "\(parquet.path) has no column \(name)")
            }
            do {
                vectors.append(Self.vector(try parquet.readColumn(leaf, rowGroup: rowGroup)))
            } catch {
                throw QueryError(.storage, error.description)
            }
        }
        let rows = Int(parquet.metadata.rowGroups[rowGroup].rowCount)
        guard rows > 0 else { return [] }
        let whole = Chunk(columns: vectors, count: rows)
        guard rows > Self.chunkRows else { return [whole] }
        return stride(from: 0, to: rows, by: Self.chunkRows).map { start in
            let end = min(rows, start + Self.chunkRows)
            return whole.gatherSharingStrings((start..<end).map { Int32($0) })
        }
    }

    /// A column's values as a vector.
    static func vector(_ data: ParquetColumnData) -> Vector {
        switch data.values {
        case .integers(let values):
            return Vector(type: data.type, count: data.count, data: .integers(values), nulls: data.nulls)
        case .doubles(let values):
            return Vector(type: data.type, count: data.count, data: .doubles(values), nulls: data.nulls)
        case .booleans(let values):
            return Vector(type: data.type, count: data.count, data: .booleans(values), nulls: data.nulls)
        case .strings(let bytes, let ends):
            var builder = StringStorageBuilder()
            builder.reserveCapacity(strings: ends.count, bytes: bytes.count)
            bytes.withUnsafeBytes { raw in
                var start = 0
                for end in ends {
                    builder.append(bytes: UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                    start = end
                }
            }
            return Vector(type: data.type, count: data.count, data: .strings(builder.finish()), nulls: data.nulls)
        }
    }
}
