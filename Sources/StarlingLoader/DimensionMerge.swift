/// Dimension loads: upsert by primary key, as slowly changing dimensions of type 1 or 2.

import StarlingColumns
import StarlingStorage

/// Merges an extract's rows into a dimension's stored rows without ever moving a row, so row
/// codes stay valid.
///
/// - Type 1 (default): a changed attribute overwrites the row in place; a new key is appended.
/// - Type 2 (`WITH (scd_type = 2)`): the table has `valid_from DATE`, `valid_to DATE` and
///   `is_current BOOLEAN`. A change in a tracked column (`scd_tracked_columns`, default: every
///   column the file provides other than the key and those three) closes the current version
///   (`valid_to` = the effective date, `is_current` = false) and appends a new version with a new
///   row code; changes to untracked columns overwrite the current version. The effective date is
///   the row's `valid_from` when the file provides one, else the load's date. A key's first
///   version is valid from 1900-01-01; open versions are valid to 9999-12-31.
/// - Rows identical to what is stored change nothing.
enum DimensionMerge {
    static let validFrom = "valid_from"
    static let validTo = "valid_to"
    static let isCurrent = "is_current"
    static let openStart = CalendarDate(year: 1900, month: 1, day: 1).daysSinceEpoch
    static let openEnd = CalendarDate(year: 9999, month: 12, day: 31).daysSinceEpoch

    static func isTypeTwo(_ table: CatalogTable) -> Bool {
        table.options["scd_type"] == "2"
    }

    struct Outcome {
        /// Every row, stored rows first (changed in place where needed), appended rows after.
        var rows: [[Value]]
        /// The first appended row.
        var firstAppended: Int
        /// Whether any stored row changed (then the dimension is rewritten, else only appended to).
        var rewritten: Bool
        var inserted = 0
        var updated = 0
        var unchanged = 0
    }

    /// Merges `incoming` rows (full width; only `provided` columns come from the file).
    static func merge(table: CatalogTable, existing: [[Value]], incoming: [[Value]], provided: Set<Int>, loadDay: Int64) -> Outcome {
        guard let keyName = table.primaryKey.first, let key = table.columns.firstIndex(where: { $0.name == keyName }) else {
            return Outcome(rows: existing + incoming, firstAppended: existing.count, rewritten: false, inserted: incoming.count)
        }
        var rows = existing
        var outcome = Outcome(rows: [], firstAppended: existing.count, rewritten: false)
        let typeTwo = isTypeTwo(table)
        let from = table.columns.firstIndex { $0.name == validFrom }
        let to = table.columns.firstIndex { $0.name == validTo }
        let current = table.columns.firstIndex { $0.name == isCurrent }
        // A first load: nothing to merge with, and the loader has already rejected keys repeated
        // within the load, so every row is a new key (type 2: its first, open version).
        if existing.isEmpty {
            rows = incoming
            if typeTwo, let from, let to, let current {
                for index in rows.indices { open(&rows[index], from: from, to: to, current: current, start: openStart) }
            }
            outcome.rows = rows
            outcome.inserted = incoming.count
            return outcome
        }
        let bookkeeping = Set([from, to, current].compactMap { $0 })
        let attributes = provided.subtracting([key]).subtracting(typeTwo ? bookkeeping : [])
        var tracked = attributes
        if typeTwo, let names = table.options["scd_tracked_columns"] {
            let wanted = Set(TableOptions.columnNames(names))
            tracked = attributes.filter { wanted.contains(table.columns[$0].name) }
        }
        // The current row of each key, and every key that has any version.
        var currentRow: [Value: Int] = [:]
        var knownKeys = Set<Value>()
        currentRow.reserveCapacity(rows.count + incoming.count)
        knownKeys.reserveCapacity(rows.count + incoming.count)
        rows.reserveCapacity(rows.count + incoming.count)
        for (index, row) in rows.enumerated() {
            knownKeys.insert(row[key])
            if typeTwo, let to, case .integer(let end) = row[to], end < openEnd { continue }
            currentRow[row[key]] = index
        }
        for row in incoming {
            let keyValue = row[key]
            guard let index = currentRow[keyValue] else {
                var added = row
                if typeTwo, let from, let to, let current {
                    open(&added, from: from, to: to, current: current, start: knownKeys.contains(keyValue) ? loadDay : openStart)
                }
                currentRow[keyValue] = rows.count
                knownKeys.insert(keyValue)
                rows.append(added)
                outcome.inserted += 1
                continue
            }
            let changedTracked = tracked.contains { rows[index][$0] != row[$0] }
            let changedAny = attributes.contains { rows[index][$0] != row[$0] }
            guard changedAny else {
                outcome.unchanged += 1
                continue
            }
            if typeTwo, changedTracked, let from, let to, let current {
                var effective = loadDay
                if case .integer(let given) = row[from] { effective = given }
                if case .integer(let start) = rows[index][from], effective > start {
                    var version = rows[index]
                    for column in attributes { version[column] = row[column] }
                    version[from] = .integer(effective)
                    version[to] = .integer(openEnd)
                    version[current] = .boolean(true)
                    rows[index][to] = .integer(effective)
                    rows[index][current] = .boolean(false)
                    currentRow[keyValue] = rows.count
                    rows.append(version)
                    outcome.updated += 1
                    outcome.rewritten = outcome.rewritten || index < existing.count
                    continue
                }
            }
            // Type 1, an untracked change, or a second change on the same day: overwrite in place.
            for column in attributes { rows[index][column] = row[column] }
            outcome.updated += 1
            outcome.rewritten = outcome.rewritten || index < existing.count
        }
        outcome.rows = rows
        return outcome
    }

    /// Makes `row` a key's open current version (type 2): valid from its own `valid_from`, else
    /// from `start`, to the open end.
    static func open(_ row: inout [Value], from: Int, to: Int, current: Int, start: Int64) {
        if row[from].isNull { row[from] = .integer(start) }
        row[to] = .integer(openEnd)
        row[current] = .boolean(true)
    }
}
