/// The query grammar: WITH, SELECT blocks, set operations, FROM items and joins, ORDER BY, LIMIT, OFFSET.

import StarlingColumns

extension Parser {
    /// Keywords an implicit alias in a SELECT list may be a misspelling of.
    static let selectClauseKeywords = [
        "from", "where", "group", "having", "window", "qualify", "order", "limit", "offset", "union", "except", "intersect",
    ]
    /// Keywords an implicit alias in FROM may be a misspelling of.
    static let fromClauseKeywords = [
        "where", "group", "having", "window", "qualify", "order", "limit", "offset", "union", "except", "intersect",
        "join", "inner", "left", "right", "full", "cross", "using",
    ]

    /// Parses one query that makes up all of `text` (a trailing `;` is allowed).
    public static func parseQuery(_ text: String) throws(SQLError) -> Query {
        var parser = try Parser(text)
        let query = try parser.parseQuery()
        _ = parser.acceptSymbol(";")
        guard parser.current.kind == .end else {
            throw SQLError("expected the end of the query, found \(parser.current.quoted)", at: parser.current.position)
        }
        return query
    }

    /// `[WITH …] body [ORDER BY …] [LIMIT …] [OFFSET …]`.
    mutating func parseQuery() throws(SQLError) -> Query {
        try enterNesting()
        defer { depth -= 1 }
        let start = current.position
        var tallest = 0
        var commonTableExpressions: [CommonTableExpression] = []
        if current.isKeyword("with") {
            commonTableExpressions = try parseWith()
            tallest = height
        }
        var query = Query(commonTableExpressions: commonTableExpressions, body: try parseQueryBody(), position: start)
        tallest = max(tallest, height)
        if current.isKeyword("order") {
            query.orderBy = try parseOrderBy()
            tallest = max(tallest, height)
        }
        if current.isKeyword("limit") || current.isKeyword("offset") {
            try parseLimitAndOffset(into: &query)
            tallest = max(tallest, height)
        }
        try grow(tallest, at: start)
        return query
    }

    /// `WITH name [(columns)] AS (query), …`.
    mutating func parseWith() throws(SQLError) -> [CommonTableExpression] {
        index += 1
        if current.isKeyword("recursive") {
            throw SQLError("recursive common table expressions are not supported", at: current.position)
        }
        var commonTableExpressions: [CommonTableExpression] = []
        var tallest = 0
        repeat {
            let name = try nonReservedIdentifier("a name for the WITH query")
            var columnNames: [Identifier]?
            if current.isSymbol("("), !isParenthesisedQuery(at: index) { columnNames = try parseIdentifierList("a column name") }
            guard accept("as") else { throw expected("AS after the name of the WITH query", hint: "WITH name AS (SELECT …)") }
            guard current.isSymbol("("), isParenthesisedQuery(at: index) else {
                throw expected("a query in parentheses after AS", hint: "WITH name AS (SELECT …)")
            }
            let query = try parseParenthesisedQuery()
            tallest = max(tallest, height)
            commonTableExpressions.append(CommonTableExpression(name: name, columnNames: columnNames, query: query))
        } while acceptSymbol(",")
        height = tallest
        return commonTableExpressions
    }

    /// `ORDER BY item, …`.
    mutating func parseOrderBy() throws(SQLError) -> [OrderItem] {
        index += 1
        try expect("by")
        var items: [OrderItem] = []
        var tallest = 0
        repeat {
            items.append(try parseOrderItem())
            tallest = max(tallest, height)
        } while acceptSymbol(",")
        height = tallest
        return items
    }

    /// `LIMIT n|ALL` and `OFFSET m [ROW|ROWS]`, in either order.
    mutating func parseLimitAndOffset(into query: inout Query) throws(SQLError) {
        var sawLimit = false
        var sawOffset = false
        var tallest = 0
        defer { height = tallest }
        while true {
            let token = current
            if token.isKeyword("limit") {
                guard !sawLimit else { throw SQLError("LIMIT is given twice", at: token.position) }
                sawLimit = true
                index += 1
                if !accept("all") {
                    query.limit = try parseExpression()
                    tallest = max(tallest, height)
                }
            } else if token.isKeyword("offset") {
                guard !sawOffset else { throw SQLError("OFFSET is given twice", at: token.position) }
                sawOffset = true
                index += 1
                query.offset = try parseExpression()
                tallest = max(tallest, height)
                if current.isKeyword("row") || current.isKeyword("rows") { index += 1 }
            } else {
                return
            }
        }
    }

    /// `expression [ASC|DESC] [NULLS FIRST|LAST]`.
    /// `ORDER BY ALL` is one item whose expression is `.star` (every output column in turn).
    mutating func parseOrderItem() throws(SQLError) -> OrderItem {
        var item: OrderItem
        if current.isKeyword("all") {
            item = OrderItem(expression: .star(qualifier: nil, position: advance().position))
        } else {
            item = OrderItem(expression: try parseExpression())
        }
        if accept("desc") {
            item.descending = true
        } else {
            _ = accept("asc")
        }
        if accept("nulls") {
            if accept("first") {
                item.nullsFirst = true
            } else if accept("last") {
                item.nullsFirst = false
            } else {
                throw expected("FIRST or LAST after NULLS")
            }
        }
        return item
    }

    /// Set operations: `UNION` and `EXCEPT` (left-associative) over `INTERSECT`, which binds tighter.
    mutating func parseQueryBody() throws(SQLError) -> QueryBody {
        var left = try parseIntersection()
        while current.isKeyword("union") || current.isKeyword("except") {
            let leftHeight = height
            let operatorToken = advance()
            let all = parseSetQuantifier()
            let right = try parseIntersection()
            try grow(max(leftHeight, height), at: operatorToken.position)
            left = .setOperation(operatorToken.text == "union" ? .union : .except, all: all, left, right, position: operatorToken.position)
        }
        return left
    }

    mutating func parseIntersection() throws(SQLError) -> QueryBody {
        var left = try parseSetOperand()
        while current.isKeyword("intersect") {
            let leftHeight = height
            let operatorToken = advance()
            let all = parseSetQuantifier()
            let right = try parseSetOperand()
            try grow(max(leftHeight, height), at: operatorToken.position)
            left = .setOperation(.intersect, all: all, left, right, position: operatorToken.position)
        }
        return left
    }

    /// `ALL` → true; `DISTINCT` or nothing → false.
    mutating func parseSetQuantifier() -> Bool {
        if accept("all") { return true }
        _ = accept("distinct")
        return false
    }

    /// A SELECT block or a parenthesised query.
    mutating func parseSetOperand() throws(SQLError) -> QueryBody {
        let token = current
        if token.isKeyword("select") {
            return .select(try parseSelect())
        }
        if token.isSymbol("(") {
            let query = try parseParenthesisedQuery()
            try grow(height, at: token.position)
            return .nested(query)
        }
        if token.isKeyword("values") && peek().isSymbol("(") {
            return try parseValues()
        }
        if token.isKeyword("with") {
            throw SQLError("a WITH clause must start the query", at: token.position, hint: "put this query in parentheses")
        }
        throw expected("SELECT", hint: token.kind == .word ? keywordMisspelling(token.text, of: ["select"]) : nil)
    }

    /// `VALUES (expression, …), …`: every row as long as the first.
    mutating func parseValues() throws(SQLError) -> QueryBody {
        let valuesToken = advance()
        var rows: [[Expression]] = []
        var tallest = 0
        repeat {
            let open = current
            try expectSymbol("(")
            let row = try parseExpressionList()
            tallest = max(tallest, height)
            try expectSymbol(")")
            if let first = rows.first, first.count != row.count {
                throw SQLError("VALUES lists must all be the same length (\(first.count) and \(row.count) values)",
                               at: open.position)
            }
            rows.append(row)
        } while acceptSymbol(",")
        try grow(tallest, at: valuesToken.position)
        return .values(rows, position: valuesToken.position)
    }

    /// `SELECT [DISTINCT|ALL] items [FROM …] [WHERE …] [GROUP BY …] [HAVING …]`.
    mutating func parseSelect() throws(SQLError) -> Select {
        let selectToken = advance()
        var select = Select(items: [], position: selectToken.position)
        if accept("distinct") {
            if current.isKeyword("on") && peek().isSymbol("(") {
                index += 2
                select.distinctOn = try parseExpressionList()
                try expectSymbol(")")
            } else {
                select.distinct = true
            }
        } else {
            _ = accept("all")
        }
        var tallest = 0
        repeat {
            select.items.append(try parseSelectItem())
            tallest = max(tallest, height)
        } while acceptSymbol(",")
        if accept("from") {
            repeat {
                select.from.append(try parseTableReference())
                tallest = max(tallest, height)
            } while acceptSymbol(",")
        }
        if accept("where") {
            select.whereClause = try parseExpression()
            tallest = max(tallest, height)
        }
        if current.isKeyword("group") {
            index += 1
            try expect("by")
            try parseGroupBy(into: &select)
            tallest = max(tallest, height)
        }
        if accept("having") {
            select.having = try parseExpression()
            tallest = max(tallest, height)
        }
        if current.isKeyword("window") {
            select.windows = try parseWindowClause()
            tallest = max(tallest, height)
        }
        if accept("qualify") {
            select.qualify = try parseExpression()
            tallest = max(tallest, height)
        }
        try grow(tallest, at: selectToken.position)
        return select
    }

    /// `expression [[AS] alias]`, `*` or `t.*`.
    mutating func parseSelectItem() throws(SQLError) -> SelectItem {
        let expression = try parseExpression()
        if case .star = expression { return SelectItem(expression: expression) }
        return SelectItem(expression: expression, alias: try parseAlias(misspelling: Self.selectClauseKeywords))
    }

    /// A name that is not a reserved word (or is quoted).
    mutating func nonReservedIdentifier(_ what: String) throws(SQLError) -> Identifier {
        let token = current
        guard token.kind == .quotedIdentifier || (token.kind == .word && !Self.reservedWords.contains(token.text)) else {
            throw expected(what)
        }
        index += 1
        return Identifier(token.text, at: token.position)
    }

    /// `AS name` (any word), or an implicit alias (a non-reserved word or a quoted name), if present.
    ///
    /// An implicit alias directly followed by another name or a constant cannot be right; if it is
    /// close to one of `keywords`, it is reported as a misspelling of that keyword.
    mutating func parseAlias(misspelling keywords: [String]) throws(SQLError) -> Identifier? {
        if accept("as") {
            let token = current
            guard token.kind == .word || token.kind == .quotedIdentifier else { throw expected("an alias after AS") }
            index += 1
            return Identifier(token.text, at: token.position)
        }
        let token = current
        guard token.kind == .quotedIdentifier || (token.kind == .word && !Self.reservedWords.contains(token.text)) else {
            return nil
        }
        index += 1
        let next = current
        let nameFollows = next.kind == .quotedIdentifier || next.kind == .number || next.kind == .string
            || (next.kind == .word && !Self.reservedWords.contains(next.text))
        if token.kind == .word, nameFollows, let hint = keywordMisspelling(token.text, of: keywords) {
            throw SQLError("unexpected \"\(token.text)\" (read as an alias)", at: token.position, hint: hint)
        }
        return Identifier(token.text, at: token.position)
    }

    // MARK: FROM

    /// One comma-separated item of FROM: a table, subquery or parenthesised join, with any joins.
    mutating func parseTableReference() throws(SQLError) -> TableReference {
        try enterNesting()
        defer { depth -= 1 }
        return try parseJoins(onto: try parseTablePrimary())
    }

    /// Whether the current token starts a join.
    var atJoinKeyword: Bool {
        ["join", "inner", "left", "right", "full", "cross", "natural"].contains(where: current.isKeyword)
    }

    /// Joins onto `start`, left-associatively: `a JOIN b ON … JOIN c ON …` is `(a ⋈ b) ⋈ c`.
    /// A qualified join's right side may itself carry joins: `a JOIN b JOIN c ON x ON y` is `a ⋈ (b ⋈ c)`.
    mutating func parseJoins(onto start: TableReference) throws(SQLError) -> TableReference {
        var left = start
        while true {
            let leftHeight = height
            let first = current
            // NATURAL [INNER | LEFT | RIGHT | FULL [OUTER]] JOIN: USING the shared column names.
            let natural = first.isKeyword("natural")
            if natural {
                index += 1
                if current.isKeyword("cross") { throw SQLError("a CROSS JOIN cannot be NATURAL", at: current.position) }
            }
            let kind: Join.Kind
            switch current.kind == .word ? current.text : "" {
            case "join":
                kind = .inner
            case "inner":
                kind = .inner
            case "left":
                kind = .left
            case "right":
                kind = .right
            case "full":
                kind = .full
            case "cross":
                kind = .cross
            default:
                if natural { throw expected("JOIN after NATURAL") }
                return left
            }
            let keyword = advance()
            if keyword.text != "join" {
                if kind == .left || kind == .right || kind == .full { _ = accept("outer") }
                guard accept("join") else { throw expected("JOIN") }
            }
            var right = try parseTablePrimary()
            if kind == .cross {
                if current.isKeyword("on") || current.isKeyword("using") { throw crossJoinCondition() }
                try grow(max(leftHeight, height), at: first.position)
                left = .join(Join(kind: .cross, left: left, right: right, position: first.position))
                continue
            }
            // (A NATURAL join has no ON to wait for: the next join applies to it.)
            if atJoinKeyword && !natural {
                try enterNesting()
                defer { depth -= 1 }
                right = try parseJoins(onto: right)
            }
            var tallest = max(leftHeight, height)
            var join = Join(kind: kind, left: left, right: right, position: first.position)
            join.natural = natural
            if natural {
                if current.isKeyword("on") || current.isKeyword("using") {
                    throw SQLError("a NATURAL join takes no ON or USING", at: current.position)
                }
            } else if accept("on") {
                join.condition = try parseExpression()
                tallest = max(tallest, height)
            } else if accept("using") {
                join.using = try parseIdentifierList("a column name")
            } else {
                throw expected("ON or USING after the joined table", hint: "use CROSS JOIN for a join without a condition")
            }
            try grow(tallest, at: first.position)
            left = .join(join)
        }
    }

    /// `name [[AS] alias]`, `schema.name [[AS] alias]`, `(query) [[AS] alias [(columns)]]` or `(from item)`.
    mutating func parseTablePrimary() throws(SQLError) -> TableReference {
        let token = current
        if token.isSymbol("(") {
            if isParenthesisedQuery(at: index) {
                let query = try parseParenthesisedQuery()
                try grow(height, at: token.position)
                let alias = try parseAlias(misspelling: Self.fromClauseKeywords)
                var columnNames: [Identifier]?
                if alias != nil, current.isSymbol("(") { columnNames = try parseIdentifierList("a column name") }
                return .subquery(query, alias: alias, columnNames: columnNames, position: token.position)
            }
            index += 1
            let inner = try parseTableReference()
            try expectSymbol(")")
            if current.isKeyword("as") || current.kind == .quotedIdentifier || (current.kind == .word && !Self.reservedWords.contains(current.text)) {
                throw SQLError("an alias for a parenthesised join is not supported", at: current.position, hint: "alias the tables inside the parentheses")
            }
            return inner
        }
        if token.kind == .string {
            // `FROM 'file.parquet'`: the table function that reads it, by the name's extension.
            index += 1
            let call = FunctionCall(
                name: Identifier("read_file", at: token.position),
                arguments: [.literal(Literal(.string(token.text), at: token.position))])
            let alias = try parseAlias(misspelling: Self.fromClauseKeywords)
            var columnNames: [Identifier]?
            if alias != nil, current.isSymbol("(") { columnNames = try parseIdentifierList("a column name") }
            return .function(call, alias: alias, columnNames: columnNames, withOrdinality: false)
        }
        guard token.kind == .quotedIdentifier || (token.kind == .word && !Self.reservedWords.contains(token.text)) else {
            throw expected("a table name", hint: token.isKeyword("select") || token.isKeyword("with") ? "write a subquery in parentheses: (SELECT …)" : nil)
        }
        index += 1
        var schema: Identifier?
        var name = Identifier(token.text, at: token.position)
        if acceptSymbol(".") {
            schema = name
            name = try identifier("a table name after \".\"")
            if current.isSymbol(".") {
                throw SQLError("table names have at most two parts (schema.table)", at: current.position)
            }
        }
        if current.isSymbol("(") {
            guard schema == nil || schema?.name == "pg_catalog" else {
                throw SQLError("table functions are not supported", at: current.position)
            }
            index -= 1  // back to the function's name
            guard case .function(let call) = try parseFunctionCall() else { throw expectedExpression() }
            let withOrdinality = current.isKeyword("with") && peek().isKeyword("ordinality")
            if withOrdinality { index += 2 }
            let alias = try parseAlias(misspelling: Self.fromClauseKeywords)
            var columnNames: [Identifier]?
            if alias != nil, current.isSymbol("(") { columnNames = try parseIdentifierList("a column name") }
            return .function(call, alias: alias, columnNames: columnNames, withOrdinality: withOrdinality)
        }
        leaf()
        return .table(name: name, schema: schema, alias: try parseAlias(misspelling: Self.fromClauseKeywords))
    }

    func crossJoinCondition() -> SQLError {
        SQLError("CROSS JOIN takes no \(current.text.uppercased()) clause", at: current.position, hint: "use JOIN … ON for a join with a condition")
    }

    /// "did you mean …?" when `word` looks like a misspelling of one of `keywords` (a close edit,
    /// or two neighbouring letters swapped, as in FORM for FROM).
    func keywordMisspelling(_ word: String, of keywords: [String]) -> String? {
        let letters = Array(word.lowercased())
        let match = closestMatch(to: word, in: keywords) ?? keywords.first { keyword in
            let target = Array(keyword)
            guard target.count == letters.count, target != letters else { return false }
            let differences = (0..<letters.count).filter { letters[$0] != target[$0] }
            return differences.count == 2 && differences[1] == differences[0] + 1
                && letters[differences[0]] == target[differences[1]] && letters[differences[1]] == target[differences[0]]
        }
        return match.map { "did you mean \($0.uppercased())?" }
    }
}
