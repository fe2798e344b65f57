/// Finds, while a write adds segments to a fact table, the columns whose value depends only on
/// a dimension key, so their chunks can be stored once per dimension row instead of per fact row.

import StarlingColumns

/// One write's view of a fact table's keyed columns (``KeyedValues``): for each pair of a value
/// column and a reference column, the map from row code to value built from the table's side
/// file and the rows written so far, and whether the pair still holds.
///
/// A segment's column (of at least ``minimumRows`` rows) is stored keyed when every row agrees with the map (rows whose code has no
/// value yet add it) and the segment reuses codes enough to pay for the new entries: at most three
/// new codes for every four rows (a side-file entry costs about what a row's value does). A row
/// that disagrees retires the pair for the rest of the write (its new codes from that segment are
/// taken back); the segments already keyed stay correct, because an entry, once added, never
/// changes. A segment with rows of the unknown member (code 0, keys the dimension lacked) stores
/// values, without retiring the pair, and so does a segment whose column holds one value (it costs
/// nothing either way). Candidates are the integer columns that are not references,
/// keys, the partition column or the sort key, against every reference column.
final class KeyedColumnTracker {
    /// A value column and a reference column, by catalog identifier.
    struct Pair {
        let column: Int
        let keyColumn: Int
        var map: KeyedValues
        /// No row has disagreed in this write.
        var holds = true
        /// Entries were added in this write.
        var grown = false
        /// Some segment of this write is stored keyed by the pair.
        var used = false
        /// The side file the write started from.
        let existing: CatalogKeyedColumn?
    }

    private(set) var pairs: [Pair]

    /// Segments with fewer rows are stored as they are and teach the maps nothing: in a few rows
    /// a dependency is as likely chance as rule, and there is little to save.
    static let minimumRows = 1024

    /// The pairs for `table`, their maps read from its side files; empty for a table that can
    /// be a dimension (its rows are row codes) or has no reference column.
    init(table: CatalogTable, warehouse: Warehouse) throws(StorageError) {
        pairs = []
        guard !table.isReferenceable else { return }
        let keys = table.columns.filter { $0.references != nil }
        guard !keys.isEmpty else { return }
        let sortKey = Set(TableOptions.sortKey(table.options, columns: table.columns).map { table.columns[$0].identifier })
        let excluded = Set(table.primaryKey + [table.partitioning?.column].compactMap { $0 })
        for column in table.columns where column.references == nil && !excluded.contains(column.name) && !sortKey.contains(column.identifier) {
            let physical = column.storedType.physicalType
            guard physical.typeClass == .integer, physical != .boolean else { continue }
            for key in keys {
                let existing = table.keyedColumn(column.identifier, by: key.identifier)
                let map = try existing.map { entry throws(StorageError) in
                    try KeyedValuesCache.values(entry, type: column.storedType, warehouse: warehouse)
                } ?? KeyedValues(type: column.storedType)
                pairs.append(Pair(column: column.identifier, keyColumn: key.identifier, map: map, existing: existing))
            }
        }
    }

    /// Which of `vectors` (stored values, in `columns` order) a new segment stores keyed: a map
    /// from a column's index to its key column's index, at most one key per column. Adds the
    /// segment's new codes to the maps of the pairs that hold.
    func choose(columns: [CatalogColumn], vectors: [ColumnVector]) -> [Int: Int] {
        var keyed: [Int: Int] = [:]
        for index in pairs.indices where pairs[index].holds {
            guard let columnIndex = columns.firstIndex(where: { $0.identifier == pairs[index].column }),
                  let keyIndex = columns.firstIndex(where: { $0.identifier == pairs[index].keyColumn }) else { continue }
            guard vectors[columnIndex].nullCount == 0, vectors[keyIndex].nullCount == 0, vectors[columnIndex].count >= Self.minimumRows else { continue }
            let rows = vectors[columnIndex].count
            let added: Int, varies: Bool
            switch extend(&pairs[index], values: vectors[columnIndex], codes: vectors[keyIndex]) {
            case .added(let count, let differs):
                (added, varies) = (count, differs)
            case .unknownMember:
                // Rows of keys the dimension did not have (code 0) say nothing about the rule.
                continue
            case .disagrees:
                pairs[index].holds = false
                // A map no segment used and no file holds is dropped now, not at the commit.
                if !pairs[index].used, pairs[index].existing == nil { pairs[index].map = KeyedValues(type: pairs[index].map.type) }
                continue
            }
            if added > 0 { pairs[index].grown = true }
            // A column with one value in the segment already costs nothing stored as values.
            if keyed[columnIndex] == nil, varies, added * 4 <= rows * 3 {
                keyed[columnIndex] = keyIndex
                pairs[index].used = true
            }
        }
        return keyed
    }

    /// Rows compared per block: most pairs disagree within the first block, so their columns are
    /// never widened whole.
    static let blockRows = 4096

    /// What comparing a segment's rows with a pair's map found.
    enum Extension {
        /// Every row agrees; this many codes were added; whether the rows hold more than one value.
        case added(Int, varies: Bool)
        /// A row disagrees with the map (or has a code out of range): nothing was added.
        case disagrees
        /// A row has code 0, the unknown member, whose rows need not share a value: nothing was added.
        case unknownMember
    }

    /// Adds the codes of `codes` without a value to the pair's map, when every row agrees.
    private func extend(_ pair: inout Pair, values: ColumnVector, codes: ColumnVector) -> Extension {
        var added: [Int] = []
        var outcome = Extension.added(0, varies: false)
        var first: Int64?
        var varies = false
        var start = 0
        blocks: while start < values.count {
            let end = min(start + Self.blockRows, values.count)
            let blockValues = values.widenedValues(.range(start..<end))
            let blockCodes = codes.widenedValues(.range(start..<end))
            if first == nil { first = blockValues.first }
            for (value, code) in zip(blockValues, blockCodes) {
                varies = varies || value != first
                guard code > 0, code < Int64(KeyedValues.codeLimit) else {
                    outcome = code == 0 ? .unknownMember : .disagrees
                    break blocks
                }
                if let known = pair.map.value(of: code) {
                    if known != value {
                        outcome = .disagrees
                        break blocks
                    }
                } else {
                    pair.map.add(code: Int(code), value: value)
                    added.append(Int(code))
                }
            }
            start = end
        }
        guard case .added = outcome else {
            for code in added { pair.map.remove(code: code) }
            return outcome
        }
        return .added(added.count, varies: varies)
    }

    /// The pairs whose side file this write must (re)write: those with a file that gained
    /// entries, and those used for the first time.
    var pairsToWrite: [Pair] {
        pairs.filter { $0.existing != nil ? $0.grown : $0.used }
    }
}
