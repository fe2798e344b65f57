/// INSERT INTO … VALUES: literals converted to the columns' types, appended as one commit.

import StarlingColumns
import StarlingSQL
import StarlingStorage

extension Engine {
    func insertValues(_ insert: InsertValues) throws -> StatementOutcome {
        let transaction = try begin()
        defer { transaction.abandon() }
        guard let table = transaction.catalog.table(named: insert.table.name) else {
            throw Self.unknownTable(insert.table, in: transaction.catalog)
        }
        // Which table column each VALUES position fills.
        let targets = try Self.insertTargets(insert.columns, in: table)
        var rows: [[Value]] = []
        rows.reserveCapacity(insert.rows.count)
        for literals in insert.rows {
            guard literals.count == targets.count else {
                let position = literals.first?.position ?? insert.table.position
                throw SQLError("VALUES row has \(literals.count) values but \(targets.count) columns are being filled", at: position)
            }
            var row = [Value](repeating: .null, count: table.columns.count)
            for (literal, target) in zip(literals, targets) {
                row[target] = try Self.convert(literal, to: table.columns[target])
            }
            rows.append(row)
        }
        let count = try TableAppender.append(rows, to: table.name, in: transaction)
        let committed = try transaction.commit(operation: "insert", table: table.name)
        return StatementOutcome(tag: "INSERT 0 \(count)", snapshot: committed.snapshot)
    }

    /// The table column each inserted position fills: the listed columns, or all in order.
    static func insertTargets(_ names: [Identifier]?, in table: CatalogTable) throws(SQLError) -> [Int] {
        guard let names else { return Array(table.columns.indices) }
        var targets: [Int] = []
        for name in names {
            guard let index = table.columns.firstIndex(where: { $0.name == name.name }) else {
                throw Self.unknownColumn(name, in: table)
            }
            guard !targets.contains(index) else { throw SQLError("column \"\(name.name)\" is listed twice", at: name.position) }
            targets.append(index)
        }
        return targets
    }

    /// Converts a literal to a value of `column`'s declared type, with PostgreSQL's assignment rules:
    /// quoted text is parsed as the column's type, numbers fit numeric columns.
    static func convert(_ literal: Literal, to column: CatalogColumn) throws(SQLError) -> Value {
        let type = column.type
        func mismatch(_ what: String) -> SQLError {
            SQLError("cannot store \(what) in column \(column.name) of type \(type)", at: literal.position)
        }
        do {
            switch literal.kind {
            case .null:
                return .null
            case .boolean(let flag):
                guard type == .boolean else { throw mismatch(flag ? "TRUE" : "FALSE") }
                return .boolean(flag)
            case .number(let text):
                switch type {
                case .varchar: return .string(text)
                case .boolean:
                    guard text == "0" || text == "1" else { throw mismatch(text) }
                    return .boolean(text == "1")
                case .date, .timestamp: throw mismatch("the number \(text)")
                default: return try ValueParsing.parse(text, as: type)
                }
            case .string(let text):
                return try ValueParsing.parse(text, as: type)
            case .typed(let typeName, let text):
                let parsed = try ValueParsing.parse(text, as: typeName == "date" ? .date : .timestamp)
                guard case .integer(let number) = parsed else { throw mismatch(typeName.uppercased()) }
                switch (typeName, type) {
                case ("date", .date), ("timestamp", .timestamp): return parsed
                case ("date", .timestamp):
                    let (micros, overflow) = number.multipliedReportingOverflow(by: 86_400_000_000)
                    guard !overflow else { throw SQLError("DATE '\(text)' is out of range for TIMESTAMP", at: literal.position) }
                    return .integer(micros)
                case ("timestamp", .date):
                    let days = number >= 0 ? number / 86_400_000_000 : (number + 1) / 86_400_000_000 - 1
                    return .integer(days)
                case (_, .varchar): return .string(text)
                default: throw mismatch(typeName.uppercased() + " '\(text)'")
                }
            }
        } catch let failure as ValueParsing.Failure {
            throw SQLError("\(failure.message) (column \(column.name))", at: literal.position)
        } catch let error as SQLError {
            throw error
        } catch {
            throw SQLError("\(error)", at: literal.position)
        }
    }
}
