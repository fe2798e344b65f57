/// Planning FROM: tables, subqueries, common table expressions, system tables and joins.

import StarlingColumns
import StarlingExecution
import StarlingSQL
import StarlingStorage

/// One FROM item after planning: a base table (scanned later, only the columns needed) or a
/// plan (subquery, CTE, system table, outer join).
struct FromLeaf {
    enum Source {
        case table(CatalogTable)
        case plan(LogicalOperator)
    }
    var source: Source
    /// The leaf's first column in the FROM scope.
    var offset: Int
    var entries: [BindingScope.Entry]
    var estimatedRows: Int

    var range: Range<Int> { offset..<(offset + entries.count) }
}

/// FROM's leaves, the scope they make, and the conditions of its inner joins.
struct FromClause {
    var leaves: [FromLeaf] = []
    var scope = BindingScope()
    var conditions: [BoundExpression] = []

    mutating func add(_ source: FromLeaf.Source, entries: [BindingScope.Entry], estimatedRows: Int) {
        leaves.append(FromLeaf(source: source, offset: scope.entries.count, entries: entries, estimatedRows: estimatedRows))
        scope.entries += entries
    }

    /// The leaf holding scope column `index`.
    func leaf(of index: Int) -> Int {
        leaves.firstIndex { $0.range.contains(index) } ?? 0
    }

    /// The conditions of `pending` whose leaves are all `done`, taken out of it (a join graph's
    /// residuals, applied as soon as their leaves are joined).
    func takeReady(_ pending: inout [BoundExpression], done: Set<Int>) -> [BoundExpression] {
        let isReady = { (condition: BoundExpression) in condition.columnsUsed.allSatisfy { done.contains(leaf(of: $0)) } }
        let ready = pending.filter(isReady)
        pending.removeAll(where: isReady)
        return ready
    }
}

extension QueryPlanner {
    func planFrom(_ items: [TableReference]) throws(SQLError) -> FromClause {
        var from = FromClause()
        if items.isEmpty {
            from.add(.plan(LogicalOperator(.values([Chunk.rowsOnly(1)]), columns: [], estimatedRows: 1)), entries: [], estimatedRows: 1)
            return from
        }
        for item in items { try addReference(item, to: &from) }
        return from
    }

    func addReference(_ reference: TableReference, to from: inout FromClause) throws(SQLError) {
        switch reference {
        case .table(let name, let schema, let alias):
            let qualifier = alias?.name ?? name.name
            if let schema {
                guard ["starling", "main", "information_schema", "pg_catalog"].contains(schema.name) else {
                    throw SQLError(
                        "unknown schema \"\(schema.name)\"", at: schema.position,
                        hint: "tables and views are in main; system tables in starling (starling.tables, "
                            + "starling.columns, …), information_schema (information_schema.tables, .columns, .views) "
                            + "and pg_catalog (pg_catalog.pg_class, …)")
                }
                if schema.name == "pg_catalog" {
                    let plan = try postgresCatalogTable(name)
                    from.add(.plan(plan), entries: plan.columns.map { BindingScope.Entry(qualifier: qualifier, name: $0.name, type: $0.type) }, estimatedRows: plan.estimatedRows)
                    return
                }
                if schema.name == "starling" || schema.name == "information_schema" {
                    let plan = try schema.name == "starling" ? systemTable(name) : informationSchemaTable(name)
                    from.add(.plan(plan), entries: plan.columns.map { BindingScope.Entry(qualifier: qualifier, name: $0.name, type: $0.type) }, estimatedRows: plan.estimatedRows)
                    return
                }
            }
            if schema == nil, let relation = planRelations[name.name] {
                let entries = relation.columns.map {
                    BindingScope.Entry(qualifier: qualifier, name: $0.name, type: $0.type, hidden: true)
                }
                from.add(.plan(relation), entries: entries, estimatedRows: relation.estimatedRows)
                return
            }
            if schema == nil, let expression = commonTableExpression(named: name.name) {
                // Plan the CTE's query without itself in scope (no recursion).
                // Restored on every exit, errors included: the enclosing query's scopes must be intact
                // when its own `defer` pops them.
                let saved = commonTableExpressions
                defer { commonTableExpressions = saved }
                while let last = commonTableExpressions.last, last[name.name] == nil { commonTableExpressions.removeLast() }
                if !commonTableExpressions.isEmpty { commonTableExpressions.removeLast() }
                let planned = try plan(expression.query)
                var names = planned.columns.map(\.name)
                if let columnNames = expression.columnNames {
                    guard columnNames.count <= names.count else {
                        throw SQLError("\(name.name) has \(names.count) columns but \(columnNames.count) names", at: expression.name.position)
                    }
                    for (index, column) in columnNames.enumerated() { names[index] = column.name }
                }
                let entries = zip(names, planned.columns).map {
                    BindingScope.Entry(qualifier: qualifier, name: $0, type: $1.type)
                }
                from.add(.plan(planned), entries: entries, estimatedRows: planned.estimatedRows)
                return
            }
            if let view = catalog.view(named: name.name) {
                let (planned, names) = try planView(view, reference: name)
                let entries = zip(names, planned.columns).map {
                    BindingScope.Entry(qualifier: qualifier, name: $0, type: $1.type)
                }
                from.add(.plan(planned), entries: entries, estimatedRows: planned.estimatedRows)
                return
            }
            // pg_catalog is on the search path after main, as PostgreSQL's clients expect.
            if schema == nil, catalog.table(named: name.name) == nil, PostgresCatalogSchema.table(named: name.name) != nil {
                let plan = try postgresCatalogTable(name)
                from.add(.plan(plan), entries: plan.columns.map { BindingScope.Entry(qualifier: qualifier, name: $0.name, type: $0.type) }, estimatedRows: plan.estimatedRows)
                return
            }
            guard let table = catalog.table(named: name.name) else {
                var candidates = catalog.relationNames
                for scope in commonTableExpressions { candidates += scope.keys }
                let hint = closestMatch(to: name.name, in: candidates).map { "did you mean \($0)?" }
                throw SQLError("table \"\(name.name)\" does not exist", at: name.position, hint: hint)
            }
            let entries = table.columns.map { BindingScope.Entry(qualifier: qualifier, name: $0.name, type: $0.type) }
            from.add(.table(table), entries: entries, estimatedRows: max(table.rowCount, 1))
        case .function(let call, let alias, let columnNames, let withOrdinality):
            let planned = try planTableFunction(call, withOrdinality: withOrdinality)
            guard (columnNames?.count ?? 0) <= planned.columns.count else {
                throw SQLError(
                    "\(call.name.name) has \(planned.columns.count) columns but \(columnNames?.count ?? 0) names",
                    at: call.name.position)
            }
            // PostgreSQL names a one-column function's column after the alias; DuckDB after the function.
            var names = planned.columns.map(\.name)
            if let alias, names.count == 1, !Self.readsFiles(call) { names[0] = alias.name }
            for (index, name) in (columnNames ?? []).enumerated() { names[index] = name.name }
            let qualifier = alias?.name ?? Self.fileTableName(call) ?? call.name.name
            let entries = zip(names, planned.columns).map {
                BindingScope.Entry(qualifier: qualifier, name: $0, type: $1.type)
            }
            from.add(.plan(planned), entries: entries, estimatedRows: planned.estimatedRows)
        case .subquery(let query, let alias, let columnNames, let position):
            let planned = try plan(query)
            var names = planned.columns.map(\.name)
            if let columnNames {
                guard columnNames.count <= names.count else {
                    throw SQLError("the subquery has \(names.count) columns but \(columnNames.count) names", at: position)
                }
                for (index, column) in columnNames.enumerated() { names[index] = column.name }
            }
            let entries = zip(names, planned.columns).map { BindingScope.Entry(qualifier: alias?.name, name: $0, type: $1.type) }
            from.add(.plan(planned), entries: entries, estimatedRows: planned.estimatedRows)
        case .join(var join):
            switch join.kind {
            case .inner, .cross:
                try addReference(join.left, to: &from)
                let rightStart = from.scope.entries.count
                try addReference(join.right, to: &from)
                if join.natural {
                    join.using = try naturalColumns(
                        Array(from.scope.entries[..<rightStart]), Array(from.scope.entries[rightStart...]), at: join.position)
                }
                try addJoinConditions(join, leftRange: 0..<rightStart, rightRange: rightStart..<from.scope.entries.count, from: &from)
            case .left, .right, .full:
                try addOuterJoin(join, to: &from)
            }
        }
    }

    /// ON and USING of an inner join become conditions on the FROM scope.
    func addJoinConditions(_ join: Join, leftRange: Range<Int>, rightRange: Range<Int>, from: inout FromClause) throws(SQLError) {
        if let condition = join.condition {
            let bound = try bind(condition, ExpressionContext(scope: from.scope, clause: "JOIN conditions"))
            from.conditions.append(try coerce(bound, to: .boolean, at: condition.position, what: "ON"))
        }
        for name in join.using ?? [] {
            let (left, right) = try usingColumns(name, scope: from.scope, leftRange: leftRange, rightRange: rightRange)
            from.conditions.append(try comparison(.equal, .column(left, from.scope.entries[left].type), .column(right, from.scope.entries[right].type), at: name.position))
            from.scope.entries[right].hidden = true
            if let leaf = from.leaves.indices.first(where: { from.leaves[$0].range.contains(right) }) {
                from.leaves[leaf].entries[right - from.leaves[leaf].offset].hidden = true
            }
        }
    }

    /// A NATURAL join's USING list: the column names visible on both sides, in the left side's
    /// order; an error when there is none (DuckDB; PostgreSQL makes it a cross join).
    func naturalColumns(_ left: [BindingScope.Entry], _ right: [BindingScope.Entry], at position: SourcePosition)
        throws(SQLError) -> [Identifier]
    {
        let rightNames = Set(right.filter { !$0.hidden }.map(\.name))
        var names: [Identifier] = []
        for entry in left where !entry.hidden && rightNames.contains(entry.name) {
            if !names.contains(where: { $0.name == entry.name }) { names.append(Identifier(entry.name, at: position)) }
        }
        guard !names.isEmpty else {
            throw SQLError(
                "the two sides of the NATURAL join share no column name", at: position,
                hint: "join them with ON, or CROSS JOIN for every pair of rows")
        }
        return names
    }

    /// The positions of a USING column on each side.
    func usingColumns(_ name: Identifier, scope: BindingScope, leftRange: Range<Int>, rightRange: Range<Int>) throws(SQLError) -> (Int, Int) {
        let left = leftRange.filter { scope.entries[$0].name == name.name && !scope.entries[$0].hidden }
        let right = rightRange.filter { scope.entries[$0].name == name.name }
        guard left.count == 1, right.count == 1 else {
            let side = left.count != 1 ? "left" : "right"
            throw SQLError(left.count > 1 || right.count > 1 ? "column \"\(name.name)\" in USING is ambiguous on the \(side) side" : "column \"\(name.name)\" in USING does not exist on the \(side) side", at: name.position)
        }
        return (left[0], right[0])
    }

    /// A LEFT, RIGHT or FULL join, planned as one leaf: a logical join of the two sides' join
    /// graphs. A LEFT join's conditions on its right side alone filter that side.
    func addOuterJoin(_ join: Join, to from: inout FromClause) throws(SQLError) {
        let swap = join.kind == .right
        var leftFrom = FromClause()
        try addReference(swap ? join.right : join.left, to: &leftFrom)
        var rightFrom = FromClause()
        try addReference(swap ? join.left : join.right, to: &rightFrom)
        var scope = BindingScope(entries: leftFrom.scope.entries + rightFrom.scope.entries)
        let leftCount = leftFrom.scope.entries.count
        var join = join
        if join.natural {
            join.using = try naturalColumns(leftFrom.scope.entries, rightFrom.scope.entries, at: join.position)
        }
        var conjuncts: [BoundExpression] = []
        if let condition = join.condition {
            let bound = try coerce(
                try bind(condition, ExpressionContext(scope: scope, clause: "JOIN conditions")), to: .boolean,
                at: condition.position, what: "ON")
            conjuncts = bound.conjuncts
        }
        var usingPairs: [(left: Int, right: Int)] = []
        for name in join.using ?? [] {
            let (left, right) = try usingColumns(
                name, scope: scope, leftRange: 0..<leftCount, rightRange: leftCount..<scope.entries.count)
            conjuncts.append(
                try comparison(
                    .equal, .column(left, scope.entries[left].type), .column(right, scope.entries[right].type),
                    at: name.position))
            scope.entries[right].hidden = true
            usingPairs.append((left, right))
        }
        var leftKeys: [BoundExpression] = []
        var rightKeys: [BoundExpression] = []
        var residual: [BoundExpression] = []
        for conjunct in conjuncts {
            let used = conjunct.columnsUsed
            if case .comparison(.equal, let a, let b) = conjunct {
                let aUsed = a.columnsUsed
                let bUsed = b.columnsUsed
                if !aUsed.isEmpty, !bUsed.isEmpty, aUsed.allSatisfy({ $0 < leftCount }), bUsed.allSatisfy({ $0 >= leftCount }) {
                    leftKeys.append(a)
                    rightKeys.append(b.remapColumns { $0 - leftCount })
                    continue
                }
                if !aUsed.isEmpty, !bUsed.isEmpty, bUsed.allSatisfy({ $0 < leftCount }), aUsed.allSatisfy({ $0 >= leftCount }) {
                    leftKeys.append(b)
                    rightKeys.append(a.remapColumns { $0 - leftCount })
                    continue
                }
            }
            if join.kind != .full, !used.isEmpty, used.allSatisfy({ $0 >= leftCount }) {
                rightFrom.conditions.append(conjunct.remapColumns { $0 - leftCount })
            } else {
                residual.append(conjunct)
            }
        }
        let left = graph(leftFrom)
        let right = graph(rightFrom)
        let logicalJoin = LogicalJoin(
            kind: join.kind == .full ? .full : .left, left: left, right: right, leftKeys: leftKeys, rightKeys: rightKeys,
            residual: residual.isEmpty ? nil : .and(residual))
        var joined = LogicalOperator(
            .join(logicalJoin), columns: left.columns + right.columns,
            estimatedRows: max(left.estimatedRows, join.kind == .full ? right.estimatedRows : 0))
        var entries = scope.entries
        if join.kind == .full && !usingPairs.isEmpty {
            (joined, entries) = try mergedUsingColumns(joined, scope: scope, pairs: usingPairs, at: join.position)
        }
        if swap {
            // Restore the written order: the RIGHT JOIN's left side first.
            let rightCount = rightFrom.scope.entries.count
            let order = Array(leftCount..<(leftCount + rightCount)) + Array(0..<leftCount)
            joined = LogicalOperator(
                .projection(joined, order.map { .column($0, joined.columns[$0].type) }),
                columns: order.map { joined.columns[$0] }, estimatedRows: joined.estimatedRows)
            entries = order.map { entries[$0] }
            if !usingPairs.isEmpty {
                // As in DuckDB, a USING column stands where the written left side has it, with the
                // value of the right side (which every row has).
                let restored = { (index: Int) in index >= leftCount ? index - leftCount : index + rightCount }
                let pairs = usingPairs.map { (left: restored($0.right), right: restored($0.left)) }
                for pair in pairs { entries[pair.right].hidden = true }
                (joined, entries) = try mergedUsingColumns(
                    joined, scope: BindingScope(entries: entries), pairs: pairs, at: join.position)
            }
        }
        from.add(.plan(joined), entries: entries, estimatedRows: joined.estimatedRows)
    }

    /// A FULL JOIN's USING column is whichever side has the row: a merged column takes the left
    /// one's place; the sides' own columns stay reachable by qualified name.
    private func mergedUsingColumns(
        _ joined: LogicalOperator, scope: BindingScope, pairs: [(left: Int, right: Int)], at position: SourcePosition
    ) throws(SQLError) -> (LogicalOperator, [BindingScope.Entry]) {
        var expressions: [BoundExpression] = []
        var columns: [PlanColumn] = []
        var entries: [BindingScope.Entry] = []
        for (index, column) in joined.columns.enumerated() {
            if let pair = pairs.first(where: { $0.left == index }) {
                let type = column.type
                let right = try coerce(.column(pair.right, joined.columns[pair.right].type), to: type, at: position, what: "USING")
                expressions.append(.function(.coalesce, [.column(index, type), right], type))
                columns.append(column)
                entries.append(BindingScope.Entry(qualifier: nil, name: scope.entries[index].name, type: type))
                var original = scope.entries[index]
                original.hidden = true
                entries.append(original)
            } else {
                entries.append(scope.entries[index])
            }
            expressions.append(.column(index, column.type))
            columns.append(column)
        }
        let projection = LogicalOperator(.projection(joined, expressions), columns: columns, estimatedRows: joined.estimatedRows)
        return (projection, entries)
    }

    /// A FROM's join graph as a logical operator: its scope's columns, all its leaves joined.
    func graph(_ from: FromClause, conditions: [BoundExpression]? = nil, subqueryJoins: [SubqueryJoin] = [])
        -> LogicalOperator
    {
        let columns = from.scope.entries.map { PlanColumn(name: $0.name, type: $0.type) }
        let graph = JoinGraph(from: from, conditions: conditions ?? from.conditions, subqueryJoins: subqueryJoins)
        return LogicalOperator(.joinGraph(graph), columns: columns, estimatedRows: roughEstimate(graph))
    }

    /// A graph's rows before its joins are ordered: the largest leaf's, a tenth per condition
    /// on it alone, and a half per residual (the join-order rule estimates it properly).
    private func roughEstimate(_ graph: JoinGraph) -> Int {
        let estimates = graph.from.leaves.map(\.estimatedRows)
        guard let largest = estimates.indices.max(by: { estimates[$0] < estimates[$1] }) else { return 1 }
        var rows = Double(estimates[largest])
        for condition in graph.conditions {
            let leaves = Set(condition.columnsUsed.map { graph.from.leaf(of: $0) })
            if leaves.isEmpty || leaves == [largest] { rows *= CardinalityEstimate.selectivity(of: condition) }
        }
        return max(1, Int(min(rows, Double(Int.max / 4))))
    }

    /// The read of a referenceable table's keys, by row code (planned once per query; read
    /// when the query runs).
    func dimensionKeys(_ tableName: String) throws(SQLError) -> DimensionInput {
        if let cached = dimensionKeyCache[tableName] { return cached }
        guard let table = catalog.table(named: tableName), table.isReferenceable, let keyName = table.primaryKey.first, let keyColumn = table.column(named: keyName) else {
            throw SQLError("table \(tableName) is referenced but missing from the catalog, or cannot be referenced", at: SourcePosition(0))
        }
        let columns = [ScanColumn(column: keyColumn, mode: .stored, name: keyColumn.name)]
        let specification = pruneSegments(table, columns: columns, filter: nil, zonePredicates: [], partitionPredicates: [])
        let scan = node(.scan(specification), columns: [PlanColumn(name: keyColumn.name, type: keyColumn.type)], estimatedRows: specification.segments.reduce(0) { $0 + $1.rows })
        let input = DimensionInput(tableName: table.name, scan: scan, predicate: nil, conditionCount: 0)
        dimensionKeyCache[tableName] = input
        return input
    }
}

extension BoundExpression {
    /// The parts of an AND (itself otherwise).
    var conjuncts: [BoundExpression] {
        if case .and(let parts) = self { return parts.flatMap(\.conjuncts) }
        return [self]
    }
}
