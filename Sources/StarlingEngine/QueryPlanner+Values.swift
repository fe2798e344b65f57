/// `VALUES (…), (…)` as a query: rows bound without a FROM, typed column by column.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// The rows of a `VALUES` list. Columns are named `col0`, `col1`, … (as DuckDB names them;
    /// `AS t(a, b)` or a WITH column list renames them) and take the common type of their
    /// non-NULL items, INTEGER when every item is NULL. Rows of constants (after folding) become
    /// one chunk known while planning; a row with any other expression (a subquery) becomes a
    /// projection over one row, and such rows are combined with UNION ALL.
    func planValues(_ rows: [[Expression]], at position: SourcePosition) throws(SQLError) -> LogicalOperator {
        let context = ExpressionContext(scope: BindingScope(), clause: "VALUES")
        var bound: [[BoundExpression]] = []
        bound.reserveCapacity(rows.count)
        for row in rows {
            bound.append(
                try row.map { (item) throws(SQLError) -> BoundExpression in
                    try fold(bind(item, context), at: item.position)
                })
        }
        let width = rows.first?.count ?? 0
        var types: [LogicalType] = []
        for column in 0..<width {
            var type: LogicalType?
            for (rowIndex, row) in bound.enumerated() where !isNullConstant(row[column]) {
                guard let known = type else {
                    type = row[column].type
                    continue
                }
                guard let common = TypeRules.common(known, row[column].type) else {
                    throw SQLError(
                        "VALUES cannot combine \(known) with \(row[column].type) in column col\(column)",
                        at: rows[rowIndex][column].position)
                }
                type = common
            }
            types.append(type ?? .integer)
        }
        for rowIndex in bound.indices {
            for column in 0..<width {
                bound[rowIndex][column] = try coerce(
                    bound[rowIndex][column], to: types[column],
                    at: rows[rowIndex][column].position, what: "VALUES")
            }
        }
        let columns = types.indices.map { PlanColumn(name: "col\($0)", type: types[$0]) }
        var constantRows: [[Value]] = []
        var computedRows: [LogicalOperator] = []
        for row in bound {
            let values = row.compactMap { (item) -> Value? in
                if case .constant(let value, _) = item { return value } else { return nil }
            }
            if values.count == row.count {
                constantRows.append(values)
            } else {
                let one = LogicalOperator(.values([Chunk.rowsOnly(1)]), columns: [], estimatedRows: 1)
                computedRows.append(LogicalOperator(.projection(one, row), columns: columns, estimatedRows: 1))
            }
        }
        var inputs = computedRows
        if !constantRows.isEmpty || inputs.isEmpty {
            let vectors = types.indices.map { column in
                Vector(type: types[column], values: constantRows.map { $0[column] })
            }
            let chunk = Chunk(columns: vectors, count: constantRows.count)
            inputs.insert(LogicalOperator(.values([chunk]), columns: columns, estimatedRows: constantRows.count), at: 0)
        }
        return unionAll(inputs[...])
    }

    /// `inputs` (at least one, all with the same columns) under a balanced tree of UNION ALL.
    private func unionAll(_ inputs: ArraySlice<LogicalOperator>) -> LogicalOperator {
        guard inputs.count > 1, let first = inputs.first else {
            return inputs.first ?? LogicalOperator(.values([]), columns: [], estimatedRows: 0)
        }
        let middle = inputs.startIndex + inputs.count / 2
        let left = unionAll(inputs[..<middle])
        let right = unionAll(inputs[middle...])
        return LogicalOperator(
            .setOperation(.union, all: true, left, right), columns: first.columns,
            estimatedRows: CardinalityEstimate.sum(left.estimatedRows, right.estimatedRows))
    }
}
