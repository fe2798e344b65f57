/// Turns parsed queries into plans: scopes, common table expressions, set operations, ORDER BY and LIMIT.

import StarlingColumns
import StarlingExecution
import StarlingSQL
import StarlingStorage

/// Binds and plans queries against one catalog snapshot, reading nothing but the catalog:
/// subqueries used as values and the dimensions star joins read whole are named in the plan
/// and read when it runs.
final class QueryPlanner {
    let catalog: Catalog
    let warehouse: Warehouse
    let threads: Int
    let memoryLimit: Int
    let control: QueryControl?
    /// `current_date` and `current_timestamp`, fixed for the statement.
    let now: (days: Int64, micros: Int64)
    private var nextIdentifier = 0
    /// Common table expressions in scope, innermost last.
    var commonTableExpressions: [[String: CommonTableExpression]] = []
    /// Reads of dimension keys by table name (a reference column's user-visible values).
    var dimensionKeyCache: [String: DimensionInput] = [:]
    /// The FROM scopes of the queries enclosing the subquery being planned, outermost first: a
    /// name found only there is a correlated reference that was not unnested.
    var enclosingScopes: [BindingScope] = []
    /// The FROM scopes of grouped blocks whose subqueries are being planned above their
    /// aggregation, with their groups: a name found in `from` and not among `groups` is an
    /// ungrouped column.
    var groupedScopes: [(from: BindingScope, groups: BindingScope)] = []
    /// While a WHERE conjunct is bound: its block's FROM items and its other conjuncts, from
    /// which a correlated aggregate learns which keys the block can hold (`scalarLeaf`).
    var outerBlocks: [(from: [TableReference], otherConjuncts: [Expression])] = []
    /// Subqueries being planned through the general path, innermost last: the columns of the
    /// blocks around them they name become their parameters (``parameter(qualifier:name:)``).
    var parameterFrames: [ParameterFrame] = []
    /// Relations the planner made and a rewritten subquery names in its FROM (a correlation's
    /// domain, ``withDomain(_:from:conditions:)``), by their reserved names.
    var planRelations: [String: LogicalOperator] = [:]
    /// Every view used so far in the statement, in order (see ``planView(_:reference:)``).
    var viewExpansions: [ViewExpansion] = []
    /// The views being planned, outermost first: a view met again is a cycle.
    var viewsBeingPlanned: [String] = []
    /// The cycle error on its way out through the views it passes (reported once, outside them).
    var viewCycle: SQLError?

    /// The session's settings for this statement (`current_setting()` reads them).
    let settings: EffectiveSettings

    init(catalog: Catalog, warehouse: Warehouse, settings: EffectiveSettings, control: QueryControl? = nil) {
        self.catalog = catalog
        self.warehouse = warehouse
        self.threads = settings.threads
        self.memoryLimit = settings.memoryLimit
        self.settings = settings
        self.control = control
        let micros = currentMicros()
        now = (micros >= 0 ? micros / 86_400_000_000 : (micros - 86_399_999_999) / 86_400_000_000, micros)
    }

    /// A new plan node with the next identifier.
    func node(_ operation: PlanNode.Operator, columns: [PlanColumn], estimatedRows: Int) -> PlanNode {
        nextIdentifier += 1
        return PlanNode(identifier: nextIdentifier, operation: operation, columns: columns, estimatedRows: estimatedRows)
    }

    /// A new executor with the planner's settings.
    func executor(profile: ExecutionProfile = ExecutionProfile()) -> QueryExecutor {
        QueryExecutor(warehouse: warehouse, threads: threads, memoryLimit: memoryLimit, profile: profile, control: control)
    }

    /// Binds a whole query into its logical plan.
    func plan(_ query: Query) throws(SQLError) -> LogicalOperator {
        var names: [String: CommonTableExpression] = [:]
        // Pops exactly the scopes pushed here, however planning ends.
        let depth = commonTableExpressions.count
        defer { commonTableExpressions.removeLast(max(0, commonTableExpressions.count - depth)) }
        for expression in query.commonTableExpressions {
            guard names[expression.name.name] == nil else {
                throw SQLError("common table expression \"\(expression.name.name)\" is defined twice", at: expression.name.position)
            }
            names[expression.name.name] = expression
            // Later ones may use earlier ones: push each as it is defined.
            commonTableExpressions.append([expression.name.name: expression])
        }
        if case .select(let select) = query.body {
            return try planSelect(select, orderBy: query.orderBy, limit: query.limit, offset: query.offset)
        }
        var result = try planBody(query.body)
        if !query.orderBy.isEmpty {
            let scope = BindingScope(entries: result.columns.map { BindingScope.Entry(qualifier: nil, name: $0.name, type: $0.type) })
            let context = ExpressionContext(scope: scope, clause: "ORDER BY")
            var keys: [SortKey] = []
            for item in expandingOrderByAll(query.orderBy, count: result.columns.count) {
                let expression: BoundExpression
                if let position = try orderPosition(item.expression, count: result.columns.count) {
                    expression = .column(position, result.columns[position].type)
                } else {
                    expression = try bind(item.expression, context)
                }
                keys.append(SortKey(expression: expression, descending: item.descending, nullsFirst: item.nullsFirst ?? false))
            }
            result = try addSortAndLimit(result, keys: keys, limit: query.limit, offset: query.offset)
        } else if query.limit != nil || query.offset != nil {
            result = try addSortAndLimit(result, keys: [], limit: query.limit, offset: query.offset)
        }
        return result
    }

    func planBody(_ body: QueryBody) throws(SQLError) -> LogicalOperator {
        switch body {
        case .select(let select):
            return try planSelect(select, orderBy: [], limit: nil, offset: nil)
        case .nested(let query):
            return try plan(query)
        case .values(let rows, let position):
            return try planValues(rows, at: position)
        case .setOperation(let op, let all, let leftBody, let rightBody, let position):
            var left = try planBody(leftBody)
            var right = try planBody(rightBody)
            guard left.columns.count == right.columns.count else {
                throw SQLError("each \(op.rawValue.uppercased()) input must have the same number of columns (\(left.columns.count) and \(right.columns.count))", at: position)
            }
            var types: [LogicalType] = []
            let leftNulls = left.nullColumns
            let rightNulls = right.nullColumns
            for (index, (leftColumn, rightColumn)) in zip(left.columns, right.columns).enumerated() {
                // A bare NULL takes the other input's type.
                if leftNulls.contains(index) { types.append(rightColumn.type); continue }
                if rightNulls.contains(index) { types.append(leftColumn.type); continue }
                guard let common = TypeRules.common(leftColumn.type, rightColumn.type) else {
                    throw SQLError("\(op.rawValue.uppercased()) cannot combine \(leftColumn.type) with \(rightColumn.type) in column \(leftColumn.name)", at: position)
                }
                types.append(common)
            }
            left = try convert(left, to: types, nullColumns: leftNulls, at: position)
            right = try convert(right, to: types, nullColumns: rightNulls, at: position)
            let kind: SetOperationKind = op == .union ? .union : (op == .except ? .except : .intersect)
            return LogicalOperator(.setOperation(kind, all: all, left, right), columns: left.columns, estimatedRows: CardinalityEstimate.sum(left.estimatedRows, right.estimatedRows))
        }
    }

    /// `input` with its columns cast to `types` (a projection when any differs).
    func convert(_ input: LogicalOperator, to types: [LogicalType], nullColumns: Set<Int> = [], at position: SourcePosition) throws(SQLError) -> LogicalOperator {
        guard input.types != types else { return input }
        var expressions: [BoundExpression] = []
        for (index, column) in input.columns.enumerated() {
            if nullColumns.contains(index) {
                expressions.append(.constant(.null, types[index]))
            } else {
                expressions.append(try coerce(.column(index, column.type), to: types[index], at: position, what: "set operation"))
            }
        }
        let columns = zip(input.columns, types).map { PlanColumn(name: $0.name, type: $1) }
        return LogicalOperator(.projection(input, expressions), columns: columns, estimatedRows: input.estimatedRows)
    }

    /// `ORDER BY 2`: the zero-based output position, when the key is an integer constant.
    func orderPosition(_ expression: Expression, count: Int) throws(SQLError) -> Int? {
        guard case .literal(let literal) = expression, case .number(let text) = literal.kind, let number = Int(text) else { return nil }
        guard number >= 1 && number <= count else {
            throw SQLError("position \(number) is not in the select list (1 to \(count))", at: literal.position)
        }
        return number - 1
    }

    /// Adds ORDER BY and LIMIT/OFFSET (the optimizer makes the pair a top-N).
    func addSortAndLimit(_ input: LogicalOperator, keys: [SortKey], limit: Expression?, offset: Expression?) throws(SQLError) -> LogicalOperator {
        let limitValue = try limit.map { (limit) throws(SQLError) -> Int in try constantCount(limit, what: "LIMIT") }
        let offsetValue = try offset.map { (offset) throws(SQLError) -> Int in try constantCount(offset, what: "OFFSET") } ?? 0
        var result = input
        if !keys.isEmpty {
            result = LogicalOperator(.order(result, keys), columns: result.columns, estimatedRows: result.estimatedRows)
        }
        if limitValue != nil || offsetValue > 0 {
            result = LogicalOperator(.limit(result, limit: limitValue, offset: offsetValue), columns: result.columns, estimatedRows: min(result.estimatedRows, limitValue ?? Int.max))
        }
        return result
    }

    func constantCount(_ expression: Expression, what: String) throws(SQLError) -> Int {
        let bound = try bind(expression, ExpressionContext(scope: BindingScope(), clause: what))
        guard case .constant(let value, _) = try fold(bound, at: expression.position), case .integer(let number) = value, number >= 0, number <= Int64(Int32.max) else {
            throw SQLError("\(what) must be a non-negative whole number", at: expression.position)
        }
        return Int(number)
    }

    /// Plans `query` as a subquery of a block whose FROM scope is `scope`.
    func planNested(_ query: Query, enclosing scope: BindingScope) throws(SQLError) -> LogicalOperator {
        enclosingScopes.append(scope)
        defer { enclosingScopes.removeLast() }
        return try plan(query)
    }

    /// The common table expression named `name`, innermost first.
    func commonTableExpression(named name: String) -> CommonTableExpression? {
        for scope in commonTableExpressions.reversed() {
            if let found = scope[name] { return found }
        }
        return nil
    }
}
