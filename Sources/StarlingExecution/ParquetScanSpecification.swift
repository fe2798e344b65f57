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

    /// Reads one row group's columns as chunks of at most ``chunkRows`` rows, each column's
    /// values sliced, a dictionary column's entries shared by every slice.
    func read(file: Int, rowGroup: Int) throws(QueryError) -> [Chunk] {
        let parquet = files[file]
        var columns: [ParquetColumnData] = []
        for name in self.columns {
            guard let leaf = parquet.column(named: name) else {
                throw QueryError(.storage, "\(parquet.path) has no column \(name)")
            }
            do {
                columns.append(try parquet.readColumn(leaf, rowGroup: rowGroup))
            } catch {
                throw QueryError(.storage, error.description)
            }
        }
        let rows = Int(parquet.metadata.rowGroups[rowGroup].rowCount)
        let dictionaries = columns.map { data -> StringStorage? in
            guard case .dictionary(_, let bytes, let ends) = data.values else { return nil }
            return Self.strings(bytes, ends)
        }
        return stride(from: 0, to: rows, by: Self.chunkRows).map { start in
            let range = start..<min(rows, start + Self.chunkRows)
            let vectors = columns.indices.map { Self.vector(columns[$0], range, dictionary: dictionaries[$0]) }
            return Chunk(columns: vectors, count: range.count)
        }
    }

    /// Rows `range` of a column as a vector (a dictionary column's entries in `dictionary`).
    static func vector(_ data: ParquetColumnData, _ range: Range<Int>, dictionary: StringStorage?) -> Vector {
        let whole = range.count == data.count
        let nulls = data.nulls.map { whole ? $0 : Array($0[range]) }
        let values: VectorData
        switch data.values {
        case .integers(let all): values = .integers(whole ? all : Array(all[range]))
        case .doubles(let all): values = .doubles(whole ? all : Array(all[range]))
        case .booleans(let all): values = .booleans(whole ? all : Array(all[range]))
        case .dictionary(let codes, let bytes, let ends):
            values = .dictionary(
                codes: whole ? codes : Array(codes[range]), dictionary: dictionary ?? strings(bytes, ends))
        case .strings(let bytes, let ends):
            let first = range.lowerBound == 0 ? 0 : ends[range.lowerBound - 1]
            let shifted = ends[range].map { $0 - first }
            values = .strings(strings(Array(bytes[first..<(ends[range].last ?? first)]), shifted))
        }
        return Vector(type: data.type, count: range.count, data: values, nulls: nulls)
    }

    /// Strings laid out as `bytes` and the end of each.
    static func strings(_ bytes: [UInt8], _ ends: [Int]) -> StringStorage {
        var builder = StringStorageBuilder()
        builder.reserveCapacity(strings: ends.count, bytes: bytes.count)
        bytes.withUnsafeBytes { raw in
            var start = 0
            for end in ends {
                builder.append(bytes: UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                start = end
            }
        }
        return builder.finish()
    }
}
