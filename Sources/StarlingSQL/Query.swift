/// The parsed form of queries: `[WITH …] SELECT … FROM … WHERE … GROUP BY … ORDER BY … LIMIT …`.

/// A complete query: common table expressions, a body, ordering and limits.
public struct Query: Sendable {
    /// `WITH name [(columns)] AS (query), …`, in order (later ones may use earlier ones).
    public var commonTableExpressions: [CommonTableExpression]
    public var body: QueryBody
    public var orderBy: [OrderItem]
    /// `LIMIT n` (`nil` when absent).
    public var limit: Expression?
    /// `OFFSET m`.
    public var offset: Expression?
    public var position: SourcePosition

    public init(commonTableExpressions: [CommonTableExpression] = [], body: QueryBody, orderBy: [OrderItem] = [], limit: Expression? = nil, offset: Expression? = nil, position: SourcePosition) {
        self.commonTableExpressions = commonTableExpressions
        self.body = body
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
        self.position = position
    }
}

/// A SELECT block, or set operations over them.
public indirect enum QueryBody: Sendable {
    case select(Select)
    /// `left UNION [ALL] right` (also EXCEPT, INTERSECT).
    case setOperation(SetOperator, all: Bool, QueryBody, QueryBody, position: SourcePosition)
    /// `( query )` used as a body (a nested query with its own ORDER BY/LIMIT).
    case nested(Query)
    /// `VALUES (a, b), (c, d), …`: rows of expressions, all of one length.
    case values([[Expression]], position: SourcePosition)
}

/// `UNION`, `EXCEPT`, `INTERSECT`.
public enum SetOperator: String, Sendable {
    case union, except, intersect
}

/// `WITH name [(column, …)] AS (query)`.
public struct CommonTableExpression: Sendable {
    public var name: Identifier
    public var columnNames: [Identifier]?
    public var query: Query

    public init(name: Identifier, columnNames: [Identifier]?, query: Query) {
        self.name = name
        self.columnNames = columnNames
        self.query = query
    }
}

/// One `SELECT [DISTINCT] items FROM … WHERE … GROUP BY … HAVING …` block.
public struct Select: Sendable {
    public var distinct: Bool
    /// `DISTINCT ON (…)`: the first row (in ORDER BY's order) of each distinct value of these.
    public var distinctOn: [Expression]?
    public var items: [SelectItem]
    /// The FROM clause: comma-separated items (each possibly a join tree); empty without FROM.
    public var from: [TableReference]
    public var whereClause: Expression?
    /// GROUP BY's expressions; `GROUP BY ALL` is one `.star` (every select item without an
    /// aggregate).
    public var groupBy: [Expression]
    /// With `()`, ROLLUP, CUBE or GROUPING SETS: each set as positions in `groupBy` (a set may
    /// repeat); nil for a plain GROUP BY.
    public var groupingSets: [[Int]]?
    public var having: Expression?
    /// `WINDOW name AS (…), …`.
    public var windows: [NamedWindow] = []
    /// `QUALIFY condition`: a filter over the window functions' results.
    public var qualify: Expression?
    public var position: SourcePosition

    public init(distinct: Bool = false, items: [SelectItem], from: [TableReference] = [], whereClause: Expression? = nil, groupBy: [Expression] = [], having: Expression? = nil, position: SourcePosition) {
        self.distinct = distinct
        self.items = items
        self.from = from
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.having = having
        self.position = position
    }
}

/// `expression [AS alias]`, `*` or `t.*` (the last two as `.star` expressions).
public struct SelectItem: Sendable {
    public var expression: Expression
    public var alias: Identifier?

    public init(expression: Expression, alias: Identifier? = nil) {
        self.expression = expression
        self.alias = alias
    }
}

/// An item of FROM.
public indirect enum TableReference: Sendable {
    /// `name [[AS] alias]`: a table, a common table expression or a system table (`starling.tables`).
    case table(name: Identifier, schema: Identifier?, alias: Identifier?)
    /// `(query) [AS] alias [(columns)]`.
    case subquery(Query, alias: Identifier?, columnNames: [Identifier]?, position: SourcePosition)
    /// `left [INNER|LEFT [OUTER]|CROSS] JOIN right [ON condition | USING (columns)]`.
    case join(Join)
    /// `function(arguments) [WITH ORDINALITY] [[AS] alias [(columns)]]`: a table function
    /// (`generate_series`); WITH ORDINALITY adds a column numbering its rows from 1.
    case function(FunctionCall, alias: Identifier?, columnNames: [Identifier]?, withOrdinality: Bool)

    public var position: SourcePosition {
        switch self {
        case .table(let name, let schema, _): return schema?.position ?? name.position
        case .subquery(_, _, _, let position): return position
        case .join(let join): return join.left.position
        case .function(let call, _, _, _): return call.name.position
        }
    }
}

/// A join of two FROM items.
public struct Join: Sendable {
    public enum Kind: String, Sendable {
        case inner, left, right, full, cross
    }
    public var kind: Kind
    public var left: TableReference
    public var right: TableReference
    /// `ON condition`.
    public var condition: Expression?
    /// `USING (a, b)`.
    public var using: [Identifier]?
    /// `NATURAL … JOIN`: USING every column name the two sides share (found when binding).
    public var natural = false
    public var position: SourcePosition

    public init(kind: Kind, left: TableReference, right: TableReference, condition: Expression? = nil, using: [Identifier]? = nil, position: SourcePosition) {
        self.kind = kind
        self.left = left
        self.right = right
        self.condition = condition
        self.using = using
        self.position = position
    }
}

/// `expression [ASC|DESC] [NULLS FIRST|LAST]` in ORDER BY.
public struct OrderItem: Sendable {
    public var expression: Expression
    public var descending: Bool
    /// `nil` when not written: NULLs then sort last in both directions, as in DuckDB.
    public var nullsFirst: Bool?

    public init(expression: Expression, descending: Bool = false, nullsFirst: Bool? = nil) {
        self.expression = expression
        self.descending = descending
        self.nullsFirst = nullsFirst
    }
}
