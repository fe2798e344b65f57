/// `starling gen dates`: a date dimension generated rather than loaded.

import StarlingColumns
import StarlingStorage

/// Fills a date dimension, one row per day, upserting by its key (so a wider range adds rows and
/// leaves existing ones untouched). Columns are recognised by name; a missing table is created
/// with the standard columns (``standardColumns``).
public enum DateDimension {
    /// The columns of a created table.
    public static let standardColumns: [(String, LogicalType)] = [
        ("date_key", .date), ("date_int", .integer), ("year", .smallint), ("quarter", .tinyint), ("month", .tinyint),
        ("month_name", .varchar), ("year_month", .varchar), ("day_of_month", .tinyint), ("day_of_year", .smallint),
        ("iso_week", .tinyint), ("iso_year", .smallint), ("day_of_week", .tinyint), ("day_name", .varchar),
        ("is_weekend", .boolean), ("fiscal_year", .smallint), ("fiscal_quarter", .tinyint),
    ]

    /// Column names that hold the day itself (as DATE, YYYYMMDD integer or ISO text).
    static let dateKeyNames: Set<String> = ["date_key", "d_datekey", "datekey", "date", "full_date", "d_date_key", "calendar_date"]

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// The value of the column named `name` for `days`, or nil when the name is not recognised.
    /// Fiscal years are named by the calendar year they end in (April 2025 – March 2026 is 2026).
    static func value(_ name: String, type: LogicalType, days: Int64, fiscalStart: Int) -> Value? {
        let date = CalendarDate(daysSinceEpoch: days)
        let dayOfWeek = Int(((days % 7) + 7 + 3) % 7) + 1  // ISO: Monday 1 … Sunday 7
        let dayOfYear = Int(days - CalendarDate(year: date.year, month: 1, day: 1).daysSinceEpoch) + 1
        let (isoYear, isoWeek) = isoWeek(days: days)
        let fiscalYear = fiscalStart > 1 && date.month >= fiscalStart ? date.year + 1 : date.year
        let fiscalQuarter = ((date.month - fiscalStart + 12) % 12) / 3 + 1
        let yyyymmdd = Int64(date.year * 10_000 + date.month * 100 + date.day)
        let integerish: Int64?
        switch name {
        case _ where dateKeyNames.contains(name):
            return type == .date ? .integer(days) : type.physicalType.isInteger ? .integer(yyyymmdd) : .string(date.description)
        case "date_int", "date_id", "yyyymmdd": integerish = yyyymmdd
        case "year", "d_year", "calendar_year": integerish = Int64(date.year)
        case "quarter", "d_quarter", "quarter_of_year": integerish = Int64((date.month - 1) / 3 + 1)
        case "month", "d_monthnuminyear", "month_of_year", "month_number": integerish = Int64(date.month)
        case "month_name", "d_month": return .string(monthNames[date.month - 1])
        case "year_month": return .string(String(date.description.prefix(7)))
        case "d_yearmonthnum": integerish = Int64(date.year * 100 + date.month)
        case "d_yearmonth": return .string(String(monthNames[date.month - 1].prefix(3)) + String(date.year))
        case "day_of_month", "d_daynuminmonth", "day": integerish = Int64(date.day)
        case "day_of_year", "d_daynuminyear": integerish = Int64(dayOfYear)
        case "iso_week", "week", "week_of_year", "d_weeknuminyear": integerish = Int64(isoWeek)
        case "iso_year": integerish = Int64(isoYear)
        case "day_of_week", "d_daynuminweek", "weekday": integerish = Int64(dayOfWeek)
        case "day_name", "d_dayofweek": return .string(dayNames[dayOfWeek - 1])
        case "is_weekend", "weekend", "weekend_flag":
            return type == .boolean ? .boolean(dayOfWeek >= 6) : .integer(dayOfWeek >= 6 ? 1 : 0)
        case "d_weekdayfl", "is_weekday": return type == .boolean ? .boolean(dayOfWeek < 6) : .integer(dayOfWeek < 6 ? 1 : 0)
        case "d_lastdayinmonthfl", "is_last_day_of_month":
            let last = date.day == CalendarDate.daysInMonth(year: date.year, month: date.month)
            return type == .boolean ? .boolean(last) : .integer(last ? 1 : 0)
        case "fiscal_year": integerish = Int64(fiscalYear)
        case "fiscal_quarter": integerish = Int64(fiscalQuarter)
        default: return nil
        }
        guard let integerish else { return nil }
        if type == .varchar { return .string(String(integerish)) }
        return .integer(integerish)
    }

    /// Whether a generated value can be stored in a column of `type`.
    static func fits(_ value: Value, _ type: LogicalType, isKey: Bool) -> Bool {
        switch value {
        case .string: return type == .varchar
        case .boolean: return type == .boolean
        case .integer(let integer):
            switch type {
            case .tinyint, .smallint, .integer, .bigint: return type.physicalType.integerRange?.contains(integer) ?? false
            case .date: return isKey
            case .boolean, .double, .decimal, .timestamp, .varchar, .interval: return false
            }
        case .double, .null, .interval: return false
        }
    }

    /// ISO 8601 week-numbering year and week of a day.
    static func isoWeek(days: Int64) -> (year: Int, week: Int) {
        let dayOfWeek = ((days % 7) + 7 + 3) % 7 + 1
        // The Thursday of this week decides the year.
        let thursday = days - dayOfWeek + 4
        let year = CalendarDate(daysSinceEpoch: thursday).year
        let firstDay = CalendarDate(year: year, month: 1, day: 1).daysSinceEpoch
        return (year, Int((thursday - firstDay) / 7) + 1)
    }

    /// Generates days `from...to` into `tableName`, creating the table if needed; one commit.
    public static func generate(warehouse: Warehouse, table tableName: String, from: Int64, to: Int64, fiscalYearStartMonth: Int,
                                wait: Bool) throws(LoadError) -> (inserted: Int, unchanged: Int, snapshot: Int) {
        guard from <= to, to - from < 200_000 else { throw LoadError(.refused, "the date range must run forwards and cover under 200,000 days") }
        guard (1...12).contains(fiscalYearStartMonth) else { throw LoadError(.refused, "--fiscal-year-start-month must be 1 to 12") }
        let transaction: WriteTransaction
        do { transaction = try warehouse.beginWrite(wait: wait) } catch { throw LoadError(error) }
        defer { transaction.abandon() }
        var created = false
        if transaction.catalog.table(named: tableName) == nil {
            let columns = standardColumns.enumerated().map { index, column in
                CatalogColumn(identifier: index + 1, name: column.0, type: column.1, notNull: index == 0, references: nil)
            }
            transaction.catalog.tables.append(CatalogTable(
                identifier: transaction.catalog.nextTableIdentifier, name: tableName, columns: columns, primaryKey: ["date_key"],
                partitioning: nil, options: ["kind": "dimension"], createdSnapshot: transaction.snapshot))
            transaction.catalog.nextTableIdentifier += 1
            created = true
        }
        guard let tableIndex = transaction.catalog.tables.firstIndex(where: { $0.name == tableName }) else {
            throw LoadError(.refused, "no table named \(tableName)")
        }
        let table = transaction.catalog.tables[tableIndex]
        guard table.isReferenceable else {
            throw LoadError(.refused, "\(tableName) needs a one-column PRIMARY KEY (the date, as DATE or YYYYMMDD INTEGER) and no partitioning")
        }
        var provided = Set<Int>()
        var unknown: [String] = []
        for (index, column) in table.columns.enumerated() {
            if let sample = value(column.name.lowercased(), type: column.type, days: from, fiscalStart: fiscalYearStartMonth) {
                guard fits(sample, column.type, isKey: dateKeyNames.contains(column.name.lowercased())) else {
                    throw LoadError(.refused, "column \(column.name) of \(tableName) is \(column.type), which cannot hold its generated value \(sample.formatted(as: column.type == .varchar ? .varchar : .bigint))")
                }
                provided.insert(index)
            } else if column.notNull {
                unknown.append(column.name)
            }
        }
        guard unknown.isEmpty else {
            throw LoadError(.refused, "cannot fill NOT NULL column\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")) of \(tableName): the generator does not know \(unknown.count == 1 ? "it" : "them")")
        }
        // Days already present are left exactly as they are.
        var existing = Set<Value>()
        if table.rowCount > 0 {
            do {
                existing = Set(try TableScanner(warehouse: warehouse, catalog: transaction.catalog).dimensionKeys(table).keys)
            } catch { throw LoadError(error) }
        }
        let keyIndex = table.columns.firstIndex { $0.name == table.primaryKey.first } ?? 0
        var rows: [[Value]] = []
        rows.reserveCapacity(Int(to - from + 1))
        var present = 0
        for days in from...to {
            let key = value(table.columns[keyIndex].name.lowercased(), type: table.columns[keyIndex].type, days: days, fiscalStart: fiscalYearStartMonth) ?? .null
            if existing.contains(key) {
                present += 1
                continue
            }
            var row: [Value] = []
            row.reserveCapacity(table.columns.count)
            for column in table.columns {
                let generated = value(column.name.lowercased(), type: column.type, days: days, fiscalStart: fiscalYearStartMonth) ?? .null
                if !generated.isNull, !fits(generated, column.type, isKey: dateKeyNames.contains(column.name.lowercased())) {
                    throw LoadError(.refused, "column \(column.name) of \(tableName) is \(column.type), which cannot hold its value for \(CalendarDate(daysSinceEpoch: days)) (\(generated.formatted(as: column.type == .varchar ? .varchar : .bigint)))")
                }
                row.append(generated)
            }
            rows.append(row)
        }
        var updated = table
        let outcome = try Loader.upsertDimension(table: table, incoming: rows, provided: provided, resolvers: [:], transaction: transaction,
                                                 catalog: transaction.catalog, into: &updated)
        transaction.catalog.tables[tableIndex] = updated
        let committed: Catalog
        do {
            committed = try transaction.commit(operation: "generate dates", table: tableName,
                                               detail: "\(CalendarDate(daysSinceEpoch: from))…\(CalendarDate(daysSinceEpoch: to))\(created ? ", table created" : "")")
        } catch { throw LoadError(error) }
        return (outcome.inserted, present, committed.snapshot)
    }
}
