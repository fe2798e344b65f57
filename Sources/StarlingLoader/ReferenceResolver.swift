/// Turns a fact's dimension key into the dimension row code, by version for SCD type 2.

import StarlingColumns
import StarlingStorage

/// Resolves keys of one referencing column. For a type-2 dimension, the version whose
/// `[valid_from, valid_to)` holds the fact's date (or the current version when the fact has no
/// date column named by `scd_fact_date_column`); a fact dated before the first version gets the
/// first version.
struct ReferenceResolver: Sendable {
    let dimension: String
    let codes: [Value: Int32]
    /// Type 2: per key, its versions as (valid_from, valid_to, code), sorted by valid_from.
    let versions: [Value: [(from: Int64, to: Int64, code: Int32)]]?
    /// The fact column (index in the table's columns) whose date picks the version.
    let dateColumn: Int?
    /// Map keys the dimension lacks to the unknown member instead of rejecting the row.
    let unknownToMember: Bool
    /// Type 1 with an integer-like key: the same codes in a faster map.
    let integerCodes: IntegerMap?

    init(fact: CatalogTable, column: CatalogColumn, catalog: Catalog, warehouse: Warehouse) throws(LoadError) {
        guard let reference = column.references, let dimension = catalog.table(named: reference.table) else {
            throw LoadError(.refused, "\(fact.name).\(column.name) references a table that does not exist")
        }
        self.dimension = dimension.name
        let scanner = TableScanner(warehouse: warehouse, catalog: catalog)
        let policy = fact.options["unknown_key"] ?? dimension.options["unknown_key"] ?? "reject"
        unknownToMember = policy.lowercased() == "unknown_member"
        if DimensionMerge.isTypeTwo(dimension) {
            let rows: [[Value]]
            do { rows = try scanner.rows(of: dimension) } catch { throw LoadError(error) }
            guard let keyIndex = dimension.columns.firstIndex(where: { $0.name == reference.column }),
                  let fromIndex = dimension.columns.firstIndex(where: { $0.name == DimensionMerge.validFrom }),
                  let toIndex = dimension.columns.firstIndex(where: { $0.name == DimensionMerge.validTo }) else {
                throw LoadError(.refused, "type-2 dimension \(dimension.name) lacks \(DimensionMerge.validFrom)/\(DimensionMerge.validTo)")
            }
            var versions: [Value: [(from: Int64, to: Int64, code: Int32)]] = [:]
            var current: [Value: Int32] = [:]
            for (index, row) in rows.enumerated() {
                guard case .integer(let from) = row[fromIndex] else { continue }
                let to: Int64
                if case .integer(let value) = row[toIndex] { to = value } else { to = Int64(Int32.max) }
                let code = Int32(index + 1)
                versions[row[keyIndex], default: []].append((from, to, code))
                if to >= DimensionMerge.openEnd { current[row[keyIndex]] = code }
            }
            for key in versions.keys { versions[key]?.sort { $0.from < $1.from } }
            self.versions = versions
            self.codes = current
            integerCodes = nil
            let dateName = fact.options["scd_fact_date_column"] ?? dimension.options["scd_fact_date_column"]
            dateColumn = dateName.flatMap { name in fact.columns.firstIndex { $0.name.lowercased() == name.lowercased() && $0.type == .date } }
        } else {
            do { codes = try scanner.dimensionKeys(dimension).codes } catch { throw LoadError(error) }
            versions = nil
            dateColumn = nil
            if column.type.physicalType.isInteger && column.type != .boolean {
                integerCodes = IntegerMap(codes.compactMap { key, code in
                    if case .integer(let integer) = key { return (integer, code) }
                    return nil
                })
            } else {
                integerCodes = nil
            }
        }
    }

    /// The row code for an integer-like key (INTEGER, DATE, DECIMAL, …) of `type`.
    @inline(__always)
    func code(integer key: Int64, type: LogicalType, factDate: Int64?) -> Int32? {
        if let integerCodes { return integerCodes.value(for: key) }
        return code(for: type == .boolean ? .boolean(key != 0) : .integer(key), factDate: factDate)
    }

    /// The row code for `key`, or nil when the dimension has no such key.
    func code(for key: Value, factDate: Int64?) -> Int32? {
        guard let versions, let factDate, let list = versions[key], let first = list.first else { return codes[key] }
        for version in list where version.from <= factDate && factDate < version.to {
            return version.code
        }
        return factDate < first.from ? first.code : codes[key] ?? list.last?.code
    }
}
