/// Reads a table's rows at one snapshot (row by row for now; the executor will read vectors).

import StarlingColumns
import StarlingFormat

/// Reads segment files of a catalog's tables, mapping file columns to catalog columns by
/// identifier (columns added later read as NULL) and dimension row codes back to keys.
public struct TableScanner {
    public let warehouse: Warehouse
    public let catalog: Catalog

    public init(warehouse: Warehouse, catalog: Catalog) {
        self.warehouse = warehouse
        self.catalog = catalog
    }

    /// The stored vectors of one segment, one per catalog column in `columns` order (row groups
    /// concatenated; missing columns as NULL vectors). Keyed chunks are looked up in the side
    /// files of `table` (the segment's table).
    public func readSegment(_ segment: CatalogSegment, columns: [CatalogColumn], table: CatalogTable) throws(StorageError) -> [ColumnVector] {
        let reader: SegmentReader
        do { reader = try SegmentReader(path: warehouse.path(segment.path)) } catch { throw StorageError(error) }
        guard reader.rowCount == segment.rows, reader.footer.columns.count == segment.columnIdentifiers.count else {
            throw StorageError(.corrupt, "\(segment.path) holds \(reader.rowCount) rows in \(reader.footer.columns.count) columns; the catalog says \(segment.rows) rows in \(segment.columnIdentifiers.count)")
        }
        var vectors: [ColumnVector] = []
        for column in columns {
            guard let index = segment.columnIdentifiers.firstIndex(of: column.identifier) else {
                vectors.append(ColumnVector(type: column.storedType, values: [Value](repeating: .null, count: segment.rows)))
                continue
            }
            guard reader.footer.columns[index].type == column.storedType else {
                throw StorageError(.corrupt, "\(segment.path) stores \(column.name) as \(reader.footer.columns[index].type), not \(column.storedType)")
            }
            var parts: [ColumnVector] = []
            for rowGroup in reader.footer.rowGroups.indices {
                do {
                    if let key = try reader.keyColumn(rowGroup: rowGroup, column: index) {
                        parts.append(try keyedChunk(reader, rowGroup: rowGroup, column: column, keyFileColumn: key, segment: segment, table: table))
                    } else {
                        parts.append(try reader.read(rowGroup: rowGroup, column: index))
                    }
                } catch let error as SegmentError {
                    throw StorageError(error)
                } catch let error as StorageError {
                    throw error
                } catch {
                    throw StorageError(.corrupt, "\(error)")
                }
            }
            vectors.append(parts.count == 1 ? parts[0] : ColumnVector(type: column.storedType, values: parts.flatMap(\.values)))
        }
        return vectors
    }

    /// A keyed chunk's values: its key column's codes in the row group, looked up in the side file.
    private func keyedChunk(_ reader: SegmentReader, rowGroup: Int, column: CatalogColumn, keyFileColumn: Int, segment: CatalogSegment, table: CatalogTable) throws -> ColumnVector {
        guard keyFileColumn < segment.columnIdentifiers.count,
              let entry = table.keyedColumn(column.identifier, by: segment.columnIdentifiers[keyFileColumn]) else {
            throw StorageError(.corrupt, "\(segment.path): \(column.name) is stored keyed, but the catalog names no keyed values for it")
        }
        let map = try KeyedValuesCache.values(entry, type: column.storedType, warehouse: warehouse)
        let codes = try reader.read(rowGroup: rowGroup, column: keyFileColumn).widenedValues
        switch map.lookUp(codes) {
        case .success(let values):
            return ColumnVector(type: column.storedType, values: values.map { .integer($0) })
        case .failure(let miss):
            throw StorageError(.corrupt, "\(segment.path): \(column.name) in row group \(rowGroup) looks up code \(miss.code), which \(entry.path) has no value for")
        }
    }

    /// Every row of `table`, as users see it (references resolved to their keys), in storage order.
    public func rows(of table: CatalogTable) throws(StorageError) -> [[Value]] {
        var keysByColumn: [Int: DimensionKeys] = [:]
        for column in table.columns {
            guard let reference = column.references else { continue }
            guard let dimension = catalog.table(named: reference.table) else {
                throw StorageError(.corrupt, "\(table.name).\(column.name) references missing table \(reference.table)")
            }
            keysByColumn[column.identifier] = try dimensionKeys(dimension)
        }
        var rows: [[Value]] = []
        for partition in table.partitions {
            for segment in partition.segments {
                let vectors = try readSegment(segment, columns: table.columns, table: table)
                for row in 0..<segment.rows {
                    var values: [Value] = []
                    for (index, column) in table.columns.enumerated() {
                        let stored = vectors[index].value(at: row)
                        if let keys = keysByColumn[column.identifier] {
                            values.append(try keys.key(forStored: stored, column: column.name))
                        } else {
                            values.append(stored)
                        }
                    }
                    rows.append(values)
                }
            }
        }
        return rows
    }

    /// The primary-key values of a referenceable table, by row code.
    public func dimensionKeys(_ table: CatalogTable) throws(StorageError) -> DimensionKeys {
        guard table.isReferenceable, let keyName = table.primaryKey.first, let keyColumn = table.column(named: keyName) else {
            throw StorageError(.invalid, "table \(table.name) cannot be referenced: it needs a one-column primary key and no partitioning")
        }
        var keys: [Value] = []
        for partition in table.partitions {
            for segment in partition.segments {
                keys.append(contentsOf: try readSegment(segment, columns: [keyColumn], table: table)[0].values)
            }
        }
        return DimensionKeys(keys: keys)
    }
}

/// A dimension's keys in row-code order: code 0 is the unknown member, code `i` (from 1) is the
/// `i`-th stored row.
public struct DimensionKeys: Sendable {
    /// `keys[code - 1]` is the key of row code `code`.
    public let keys: [Value]
    /// Key to row code.
    public let codes: [Value: Int32]

    public init(keys: [Value]) {
        self.keys = keys
        var codes: [Value: Int32] = [:]
        codes.reserveCapacity(keys.count)
        for (index, key) in keys.enumerated() where !key.isNull {
            codes[key] = Int32(index + 1)
        }
        self.codes = codes
    }

    /// The row code reserved for keys the dimension does not have.
    public static let unknownMember: Int32 = 0

    /// The user-visible key for a stored row code.
    func key(forStored stored: Value, column: String) throws(StorageError) -> Value {
        guard case .integer(let code) = stored else { return .null }
        if code == Int64(Self.unknownMember) { return .null }
        guard code >= 1, code <= Int64(keys.count) else {
            throw StorageError(.corrupt, "column \(column) holds row code \(code), beyond the dimension's \(keys.count) rows")
        }
        return keys[Int(code - 1)]
    }
}
