/// A fact column's values stored once per dimension row code: what a keyed chunk looks up.

import StarlingColumns
import StarlingFormat

/// The values of one fact column by the row codes of one of its table's reference columns (its
/// key column), for a column that holds the same value on every row with the same code, such as
/// a unit price that only depends on the product. Code `c`'s value is `values[c]` when
/// `present[c]`; entries are only ever added, never changed, so a later version of the map serves
/// every segment an earlier one served. Stored as a side file: a segment with one column named
/// `value` whose row `c` holds code `c`'s value, NULL where the code has none
/// (`Formats/segment.md`, "Keyed chunks").
public struct KeyedValues: Sendable, Equatable {
    /// The column's stored type.
    public let type: LogicalType
    /// `values[code]`, meaningful where `present[code]`.
    public private(set) var values: [Int64]
    public private(set) var present: [Bool]

    /// The highest code a map may hold: row codes are `Int32`.
    public static let codeLimit = Int(Int32.max)

    /// An empty map for a column of `type`, an integer type other than BOOLEAN.
    public init(type: LogicalType) {
        precondition(type.physicalType.typeClass == .integer && type != .boolean, "keyed values are integers")
        self.type = type
        values = []
        present = []
    }

    /// Codes with a value.
    public var entryCount: Int { present.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// One past the highest code the map has room for.
    public var codeCount: Int { values.count }

    /// Rows of the side file ``encoded()`` writes: one past the highest code with a value.
    public var fileRowCount: Int { present.lastIndex(of: true).map { $0 + 1 } ?? 0 }

    /// The value of `code`, or nil when the map has none.
    public func value(of code: Int64) -> Int64? {
        guard code >= 0, code < Int64(values.count), present[Int(code)] else { return nil }
        return values[Int(code)]
    }

    /// Records `value` for `code`, which must have none yet.
    mutating func add(code: Int, value: Int64) {
        precondition(code >= 0 && code < Self.codeLimit && (code >= present.count || !present[code]), "a code's value is set once")
        if code >= values.count {
            let size = max(code + 1, values.count * 2)
            values.append(contentsOf: repeatElement(0, count: size - values.count))
            present.append(contentsOf: repeatElement(false, count: size - present.count))
        }
        values[code] = value
        present[code] = true
    }

    /// Forgets `code`'s value (undoing an ``add(code:value:)`` of the same write).
    mutating func remove(code: Int) {
        present[code] = false
    }

    /// The values of `codes`, or the first code without a value.
    public func lookUp(_ codes: [Int64]) -> Result<[Int64], KeyedValuesMiss> {
        let limit = UInt64(values.count)
        var missing: Int64?
        let result = [Int64](unsafeUninitializedCapacity: codes.count) { output, initialized in
            values.withUnsafeBufferPointer { values in
                present.withUnsafeBufferPointer { present in
                    for (index, code) in codes.enumerated() {
                        // Codes outside the map, or without a value, end the lookup.
                        guard UInt64(bitPattern: code) < limit, present[Int(code)] else {
                            missing = code
                            break
                        }
                        output[index] = values[Int(code)]
                    }
                }
            }
            initialized = missing == nil ? codes.count : 0
        }
        if let missing { return .failure(KeyedValuesMiss(code: missing)) }
        return .success(result)
    }

    /// The side file's bytes: one column `value` of ``type``, one row per code up to the highest
    /// code with a value (NULL where none).
    public func encoded() throws(StorageError) -> [UInt8] {
        let rows = fileRowCount
        var builder = ColumnVectorBuilder(type: type, reservingCapacity: rows)
        for code in 0..<rows {
            builder.append(present[code] ? .integer(values[code]) : .null)
        }
        var options = SegmentWriteOptions()
        options.rowGroupSize = SegmentFormat.maximumRowGroupRows
        options.metadata = ["kind": "keyed values"]
        do {
            return try SegmentWriter.encode(columns: [ColumnSchema(name: "value", type: type)], vectors: [builder.finish()], options: options)
        } catch {
            throw StorageError(.invalid, "cannot write keyed values: \(error)")
        }
    }

    /// Reads a side file written by ``encoded()``, checking it holds `codes` rows of one column
    /// `value` of `type`, an integer type other than BOOLEAN (the catalog bounds `codes` by the
    /// dimension's rows, ``CatalogFile``).
    public static func read(path: String, type: LogicalType, codes: Int) throws(StorageError) -> KeyedValues {
        let reader: SegmentReader
        do { reader = try SegmentReader(path: path) } catch { throw StorageError(error) }
        guard type.physicalType.typeClass == .integer, type != .boolean, reader.footer.columns.count == 1, reader.footer.columns[0].name == "value",
              reader.footer.columns[0].type == type, reader.rowCount == codes, codes <= codeLimit else {
            throw StorageError(.corrupt, "\(path) is not the keyed values the catalog names (\(codes) rows of \(type))")
        }
        var map = KeyedValues(type: type)
        map.values.reserveCapacity(codes)
        map.present.reserveCapacity(codes)
        for rowGroup in reader.footer.rowGroups.indices {
            let vector: ColumnVector
            do { vector = try reader.read(rowGroup: rowGroup, column: 0) } catch { throw StorageError(error) }
            map.values.append(contentsOf: vector.widenedValues)
            for row in 0..<vector.count { map.present.append(!vector.isNull(row)) }
        }
        return map
    }
}

/// A code a keyed chunk looked up that its map has no value for (a damaged file).
public struct KeyedValuesMiss: Error, Sendable {
    public let code: Int64
}

/// Keyed-values side files read in this process, kept while each file is unchanged.
public enum KeyedValuesCache {
    static let files = FileCache<KeyedValues>(budget: 1 << 30)

    /// The map in the side file of `entry`, for a column of `type`.
    public static func values(_ entry: CatalogKeyedColumn, type: LogicalType, warehouse: Warehouse) throws(StorageError) -> KeyedValues {
        let path = warehouse.path(entry.path)
        return try files.value(path: path, cost: { $0.values.count * 9 }) { () throws(StorageError) in
            try KeyedValues.read(path: path, type: type, codes: entry.codes)
        }
    }
}
