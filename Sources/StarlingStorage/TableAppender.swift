/// Appends rows to a table inside a write: constraints, dimension codes, partition routing.

import StarlingColumns

/// Adds user-level rows (values in the table's declared types, one per column) to a table as
/// new segment files, one per partition touched, inside a ``WriteTransaction``.
public enum TableAppender {
    /// Appends `rows` to the table named `tableName`; returns the number of rows added.
    @discardableResult
    public static func append(_ rowsGiven: [[Value]], to tableName: String, in transaction: WriteTransaction) throws(StorageError) -> Int {
        guard let tableIndex = transaction.catalog.tables.firstIndex(where: { $0.name == tableName }) else {
            throw StorageError(.invalid, "no table named \(tableName)")
        }
        let table = transaction.catalog.tables[tableIndex]
        guard !rowsGiven.isEmpty else { return 0 }
        var rows = rowsGiven
        // A type-2 dimension's rows need a validity range: new keys are valid from the start.
        if table.options["scd_type"] == "2",
           let from = table.columns.firstIndex(where: { $0.name == "valid_from" }),
           let to = table.columns.firstIndex(where: { $0.name == "valid_to" }),
           let current = table.columns.firstIndex(where: { $0.name == "is_current" }) {
            for index in rows.indices {
                if rows[index][from].isNull { rows[index][from] = .integer(CalendarDate(year: 1900, month: 1, day: 1).daysSinceEpoch) }
                if rows[index][to].isNull { rows[index][to] = .integer(CalendarDate(year: 9999, month: 12, day: 31).daysSinceEpoch) }
                if rows[index][current].isNull { rows[index][current] = .boolean(true) }
            }
        }
        let scanner = TableScanner(warehouse: transaction.warehouse, catalog: transaction.catalog)

        // NOT NULL (primary-key and partition columns are implicitly NOT NULL).
        let required = Set(table.primaryKey + [table.partitioning?.column].compactMap { $0 })
        for (columnIndex, column) in table.columns.enumerated() where column.notNull || required.contains(column.name) {
            if let rowIndex = rows.firstIndex(where: { $0[columnIndex].isNull }) {
                throw StorageError(.invalid, "NULL in column \(column.name) of row \(rowIndex + 1), which is NOT NULL")
            }
        }

        // Primary-key uniqueness, against stored rows and within the new ones.
        if !table.primaryKey.isEmpty {
            let keyIndices = table.primaryKey.compactMap { name in table.columns.firstIndex { $0.name == name } }
            var seen = Set<[Value]>()
            if table.rowCount > 0 {
                for row in try scanner.rows(of: table) { seen.insert(keyIndices.map { row[$0] }) }
            }
            for (rowIndex, row) in rows.enumerated() {
                let key = keyIndices.map { row[$0] }
                guard seen.insert(key).inserted else {
                    let shown = zip(keyIndices, key).map { "\(table.columns[$0.0].name) = \($0.1.formatted(as: table.columns[$0.0].type))" }
                    throw StorageError(.invalid, "duplicate primary key (\(shown.joined(separator: ", "))) in row \(rowIndex + 1) for table \(table.name)")
                }
            }
        }

        // References: keys to dimension row codes.
        var storedRows = rows
        for (columnIndex, column) in table.columns.enumerated() {
            guard let reference = column.references else { continue }
            guard let dimension = transaction.catalog.table(named: reference.table) else {
                throw StorageError(.invalid, "\(table.name).\(column.name) references missing table \(reference.table)")
            }
            let keys = try scanner.dimensionKeys(dimension)
            for rowIndex in storedRows.indices {
                let key = storedRows[rowIndex][columnIndex]
                if key.isNull { continue }
                guard let code = keys.codes[key] else {
                    throw StorageError(.invalid, "row \(rowIndex + 1): \(column.name) = \(key.formatted(as: column.type)) is not a key of \(dimension.name)")
                }
                storedRows[rowIndex][columnIndex] = .integer(Int64(code))
            }
        }

        // Route rows to partitions (in order of first appearance), one segment per partition.
        var groups: [(key: String, rows: [Int])] = []
        var groupIndex: [String: Int] = [:]
        let partitionColumn = table.partitioning.flatMap { partitioning in table.columns.firstIndex { $0.name == partitioning.column } }
        for rowIndex in storedRows.indices {
            var key = ""
            if let partitioning = table.partitioning, let partitionColumn {
                guard case .integer(let days) = rows[rowIndex][partitionColumn] else {
                    throw StorageError(.invalid, "row \(rowIndex + 1) has no date in partition column \(partitioning.column)")
                }
                key = partitioning.granularity.key(forDay: days)
            }
            if let index = groupIndex[key] {
                groups[index].rows.append(rowIndex)
            } else {
                groupIndex[key] = groups.count
                groups.append((key, [rowIndex]))
            }
        }
        var updated = table
        for group in groups {
            let vectors = table.columns.enumerated().map { columnIndex, column in
                ColumnVector(type: column.storedType, values: group.rows.map { storedRows[$0][columnIndex] })
            }
            let segment = try transaction.writeSegment(table: table, partitionKey: group.key, columns: table.columns, vectors: vectors)
            if let partitionIndex = updated.partitions.firstIndex(where: { $0.key == group.key }) {
                updated.partitions[partitionIndex].segments.append(segment)
            } else {
                updated.partitions.append(CatalogPartition(key: group.key, segments: [segment]))
                updated.partitions.sort { $0.key < $1.key }
            }
        }
        transaction.catalog.tables[tableIndex] = updated
        return rows.count
    }
}
