/// Turns each input row into stored values: conversion, NOT NULL, references, partition routing,
/// and rejects with the reason.

import StarlingColumns
import StarlingStorage

/// Converts rows for one table and hands accepted rows to the fact/plain partitions or to the
/// dimension merge. Reused across rows: no allocation per row on the fact path.
final class RowProcessor {
    let table: CatalogTable
    let converters: [ColumnConverter]
    let resolvers: [Int: ReferenceResolver]
    let partitionColumn: Int?
    let granularity: PartitionGranularity?
    /// Fact and plain tables.
    let partitions: PartitionBuffers?
    /// Dimension tables: rows in declared types, and the input line of each.
    private(set) var dimensionRows: [[Value]] = []
    private(set) var dimensionLines: [Int] = []
    private var dimensionKeysSeen: [Value: Int] = [:]
    let dimensionKey: Int?
    let rejects: RejectsWriter
    let maxRejects: Int?

    private(set) var rowsRead = 0
    private(set) var rowsAccepted = 0
    private(set) var unknownKeys = 0
    /// NDJSON fields that matched no column, with counts.
    var unknownFields: [String: Int] = [:]
    private var scratch: [ConvertedValue]
    private var cachedRange: Range<Int64> = 0..<0
    private var cachedPartition = 0

    init(table: CatalogTable, catalog: Catalog, transaction: WriteTransaction, options: LoadOptions, rejects: RejectsWriter) throws(LoadError) {
        self.table = table
        converters = table.columns.map { ColumnConverter(column: $0, options: options) }
        var resolvers: [Int: ReferenceResolver] = [:]
        for (index, column) in table.columns.enumerated() where column.references != nil {
            resolvers[index] = try ReferenceResolver(fact: table, column: column, catalog: catalog, warehouse: transaction.warehouse)
        }
        self.resolvers = resolvers
        partitionColumn = table.partitioning.flatMap { partitioning in table.columns.firstIndex { $0.name == partitioning.column } }
        granularity = table.partitioning?.granularity
        if table.isReferenceable, let key = table.primaryKey.first {
            dimensionKey = table.columns.firstIndex { $0.name == key }
            partitions = nil
        } else {
            dimensionKey = nil
            partitions = PartitionBuffers(table: table, transaction: transaction)
        }
        self.rejects = rejects
        self.maxRejects = options.maxRejectRatio == nil ? options.maxRejects : nil
        scratch = [ConvertedValue](repeating: .null, count: table.columns.count)
    }

    var isDimension: Bool { dimensionKey != nil }

    /// Rejects a whole row (bad shape) and applies the reject limit.
    func reject(file: String, line: Int, offset: Int, column: String, value: String, reason: String) throws(LoadError) {
        rowsRead += 1
        rejects.add(file: file, line: line, byteOffset: offset, column: column, value: value, reason: reason)
        if let maxRejects, rejects.count > maxRejects {
            let where_ = column.isEmpty ? "" : " column \(column)"
            let shown = value.isEmpty ? "" : " value \"\(value.prefix(80))\":"
            let limit = maxRejects == 0
                ? "the load was aborted and nothing was loaded (pass --max-rejects N to skip up to N bad rows)"
                : "more than --max-rejects \(maxRejects) rows were rejected, so the load was aborted and nothing was loaded"
            throw LoadError(.badData, "\(file):\(line):\(where_)\(shown) \(reason); \(limit)")
        }
    }

    /// Converts and stores one row; `field(c)` gives the input for table column `c`.
    func process(file: String, line: Int, offset: Int, field: (Int) -> FieldValue) throws(LoadError) {
        let count = converters.count
        for index in 0..<count {
            let input = field(index)
            do {
                scratch[index] = try converters[index].convert(input)
            } catch {
                try reject(file: file, line: line, offset: offset, column: table.columns[index].name,
                           value: String(decoding: input.bytes, as: UTF8.self), reason: error.reason)
                return
            }
            if case .null = scratch[index], table.columns[index].notNull {
                try reject(file: file, line: line, offset: offset, column: table.columns[index].name, value: "", reason: "NULL in a NOT NULL column")
                return
            }
        }
        if isDimension {
            try acceptDimensionRow(file: file, line: line, offset: offset)
            return
        }
        // References: keys to row codes.
        for (index, resolver) in resolvers {
            let key = value(of: scratch[index], type: table.columns[index].type)
            if key.isNull { continue }
            var factDate: Int64?
            if let dateColumn = resolver.dateColumn, case .integer(let days) = scratch[dateColumn] { factDate = days }
            if let code = resolver.code(for: key, factDate: factDate) {
                scratch[index] = .integer(Int64(code))
            } else if resolver.unknownToMember {
                scratch[index] = .integer(Int64(DimensionKeys.unknownMember))
                unknownKeys += 1
            } else {
                try reject(file: file, line: line, offset: offset, column: table.columns[index].name,
                           value: key.formatted(as: table.columns[index].type),
                           reason: "key not found in dimension \(resolver.dimension) (load the dimension first, or set unknown_key = 'unknown_member')")
                return
            }
        }
        guard let partitions else { return }
        var partition = 0
        if let partitionColumn, let granularity {
            guard case .integer(let days) = scratch[partitionColumn] else {
                try reject(file: file, line: line, offset: offset, column: table.columns[partitionColumn].name, value: "", reason: "the partition column is NULL")
                return
            }
            if cachedRange.contains(days) {
                partition = cachedPartition
            } else {
                cachedRange = granularity.range(forDay: days)
                cachedPartition = partitions.index(of: granularity.key(forDay: days))
                partition = cachedPartition
            }
        } else {
            partition = partitions.index(of: "")
        }
        rowsRead += 1
        rowsAccepted += 1
        try partitions.append(scratch, toPartition: partition)
    }

    func acceptDimensionRow(file: String, line: Int, offset: Int) throws(LoadError) {
        let row = scratch.enumerated().map { value(of: $0.element, type: table.columns[$0.offset].type) }
        // A snowflaked dimension's own references must exist (they become codes when written).
        for (index, resolver) in resolvers where !row[index].isNull && resolver.code(for: row[index], factDate: nil) == nil {
            try reject(file: file, line: line, offset: offset, column: table.columns[index].name,
                       value: row[index].formatted(as: table.columns[index].type), reason: "key not found in dimension \(resolver.dimension)")
            return
        }
        if let dimensionKey {
            if let firstLine = dimensionKeysSeen[row[dimensionKey]] {
                try reject(file: file, line: line, offset: offset, column: table.columns[dimensionKey].name,
                           value: row[dimensionKey].formatted(as: table.columns[dimensionKey].type),
                           reason: "duplicate key in this load (first at line \(firstLine))")
                return
            }
            dimensionKeysSeen[row[dimensionKey]] = line
        }
        rowsRead += 1
        rowsAccepted += 1
        dimensionRows.append(row)
        dimensionLines.append(line)
    }

    /// A converted value as a ``Value`` of the column's declared type.
    func value(of converted: ConvertedValue, type: LogicalType) -> Value {
        switch converted {
        case .null: return .null
        case .integer(let integer): return type == .boolean ? .boolean(integer != 0) : .integer(integer)
        case .double(let double): return .double(double)
        case .text(let bytes): return .string(String(decoding: bytes, as: UTF8.self))
        }
    }
}
