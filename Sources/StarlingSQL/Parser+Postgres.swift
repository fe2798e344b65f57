/// PostgreSQL spellings that catalog-browsing clients (psql, JDBC, SQLAlchemy) send: the
/// `pg_catalog.` qualifier on functions and types, `OPERATOR(pg_catalog.~)`, `COLLATE
/// pg_catalog.default`, casts to the object-identifier types (`'t'::regclass`) and `x = ANY
/// (ARRAY[…])`.

import StarlingColumns

extension Parser {
    /// The object-identifier types a cast to which becomes a call of the function of that name
    /// (`'t'::regclass` is `regclass('t')`): they look names up in the catalog, which the
    /// planner has and the parser does not.
    public static let objectIdentifierTypes: Set<String> = ["regclass", "regtype", "regproc", "regnamespace"]

    /// `tokens` (with their end offsets) with PostgreSQL's qualified spellings made plain:
    /// `OPERATOR(pg_catalog.~)` is the operator `~`; `pg_catalog.` before a function call, before
    /// a type after `::` or `AS`, or before `table.column`, is dropped (every function and type is pg_catalog's);
    /// and `COLLATE pg_catalog.default` / `COLLATE "default"`, the only collation there is, is
    /// dropped.
    static func plainPostgresTokens(_ tokens: [Token], ends: [Int]) -> ([Token], [Int]) {
        guard
            tokens.contains(where: { $0.isKeyword("pg_catalog") || $0.isKeyword("operator") || $0.isKeyword("collate") }
            )
        else { return (tokens, ends) }
        var outTokens: [Token] = []
        var outEnds: [Int] = []
        outTokens.reserveCapacity(tokens.count)
        outEnds.reserveCapacity(ends.count)
        func token(_ offset: Int) -> Token? { offset < tokens.count ? tokens[offset] : nil }
        var index = 0
        while index < tokens.count {
            let current = tokens[index]
            let end = index < ends.count ? ends[index] : 0
            // OPERATOR ( [pg_catalog .] op )
            if current.isKeyword("operator"), token(index + 1)?.isSymbol("(") == true {
                var look = index + 2
                if token(look)?.isKeyword("pg_catalog") == true, token(look + 1)?.isSymbol(".") == true { look += 2 }
                if let op = token(look), op.kind == .symbol, token(look + 1)?.isSymbol(")") == true {
                    outTokens.append(Token(kind: .symbol, text: op.text, position: current.position))
                    outEnds.append(look + 1 < ends.count ? ends[look + 1] : end)
                    index = look + 2
                    continue
                }
            }
            // COLLATE pg_catalog.default, COLLATE "default", COLLATE default
            if current.isKeyword("collate") {
                var look = index + 1
                if token(look)?.isKeyword("pg_catalog") == true, token(look + 1)?.isSymbol(".") == true { look += 2 }
                if let name = token(look), name.kind == .word || name.kind == .quotedIdentifier, name.text == "default"
                {
                    index = look + 1
                    continue
                }
            }
            // pg_catalog . name (   and   :: pg_catalog . type
            if current.isKeyword("pg_catalog"), token(index + 1)?.isSymbol(".") == true,
                let name = token(index + 2), name.kind == .word || name.kind == .quotedIdentifier
            {
                let previous = outTokens.last
                let isCall =
                    token(index + 3)?.isSymbol("(") == true && !(previous?.isKeyword("from") ?? false)
                    && !(previous?.isKeyword("join") ?? false)
                let isType = previous?.isSymbol("::") == true || previous?.isKeyword("as") == true
                // pg_catalog.pg_class.relname: the table names the column's qualifier.
                let isColumn = token(index + 3)?.isSymbol(".") == true
                if isCall || isType || isColumn {
                    index += 2
                    continue
                }
            }
            outTokens.append(current)
            outEnds.append(end)
            index += 1
        }
        return (outTokens, outEnds)
    }

    /// After `::` or `CAST(… AS`: whether the type is an object-identifier type, and so the cast
    /// a call of ``objectIdentifierTypes``' function.
    var atObjectIdentifierType: Bool {
        current.kind == .word && Self.objectIdentifierTypes.contains(current.text)
    }

    /// `value::regclass` (the current token names the type) as the call `regclass(value)`.
    mutating func parseObjectIdentifierCast(of value: Expression, at position: SourcePosition) -> Expression {
        let type = advance()
        return .function(FunctionCall(name: Identifier(type.text, at: type.position), arguments: [value]))
    }

    /// The function `x = ANY (array)` calls when the array is not `ARRAY[…]`: whether the text
    /// form of an array (`{1,2}`, as pg_catalog's array columns have it) holds `x`.
    public static let arrayContainsFunction = "pg_catalog_array_contains"

    /// `ARRAY(query)`, from ARRAY: the query's values as the text form of an array, `{a,b}`
    /// (`{}` when there are none), which is how pg_catalog's array columns read.
    mutating func parseArraySubquery() throws(SQLError) -> Expression {
        index += 1  // ARRAY
        let open = advance()  // "("
        let queryStart = index
        // The query's text up to the matching ")", parsed once, inside the rewritten text (parsing
        // it here too would parse nested ARRAY(…)s once per enclosing level, twice over each).
        var level = 1
        var close = index
        while close < tokens.count, tokens[close].kind != .end {
            if tokens[close].isSymbol("(") { level += 1 }
            if tokens[close].isSymbol(")") {
                level -= 1
                if level == 0 { break }
            }
            close += 1
        }
        guard level == 0, close > queryStart else {
            throw SQLError("expected \")\" to close ARRAY(", at: open.position, hint: "ARRAY(SELECT …)")
        }
        index = close
        let inner = text(fromToken: queryStart)
        index = close + 1
        let prefix = "(SELECT '{' || coalesce(string_agg(CAST(array_element AS VARCHAR), ','), '') || '}' FROM ("
        let rewritten = prefix + inner + ") AS array_elements(array_element))"
        // Positions in the query as written (those of the added text come before it).
        let innerStart = token(at: queryStart).position.offset
        var parser = try Parser(rewritten, base: max(0, innerStart - prefix.utf8.count))
        parser.depth = depth
        parser.stackLimit = stackLimit
        let expression = try parser.parseExpression()
        height = parser.height
        return expression
    }

    /// The function `array[i]` calls: element `i` (from 1) of the text form of an array.
    public static let arrayElementFunction = "pg_catalog_array_element"

    /// `type[]` after a type in a cast: Starling has no array values, so an array type is the
    /// text form of one (VARCHAR), as pg_catalog's array columns are.
    mutating func parseArraySuffix(after type: LogicalType) throws(SQLError) -> LogicalType {
        guard current.isSymbol("["), peek().isSymbol("]") else { return type }
        index += 2
        return .varchar
    }

    /// `left[index]`: element `index` of an array in its text form.
    mutating func parseSubscript(after left: Expression) throws(SQLError) -> Expression {
        let leftHeight = height
        let position = advance().position
        let element = try parseExpression()
        try expectSymbol("]")
        try grow(max(leftHeight, height), at: position)
        return .function(
            FunctionCall(name: Identifier(Self.arrayElementFunction, at: position), arguments: [left, element]))
    }

    /// Whether `left op` is followed by `ANY (`, `SOME (` or `ALL (`.
    var atQuantifier: Bool {
        (current.isKeyword("any") || current.isKeyword("some") || current.isKeyword("all")) && peek().isSymbol("(")
    }

    /// The rest of `left op ANY|SOME|ALL (…)` from the quantifier: over a subquery (`= ANY` is
    /// IN, `<> ALL` NOT IN) or over `ARRAY[a, b, …]` (each element compared, the results joined
    /// by OR for ANY and by AND for ALL; `= ANY` is IN and `<> ALL` NOT IN).
    mutating func parseQuantified(
        _ op: BinaryOperator, after left: Expression, leftHeight: Int, position: SourcePosition
    ) throws(SQLError) -> Expression {
        let quantifier = advance()
        let isAll = quantifier.text == "all"
        if isParenthesisedQuery(at: index) {
            guard (op == .equal && !isAll) || (op == .notEqual && isAll) else {
                throw SQLError(
                    "only = ANY and <> ALL are supported over a subquery", at: quantifier.position,
                    hint: "x = ANY (SELECT …) or x <> ALL (SELECT …)")
            }
            let query = try parseParenthesisedQuery()
            try grow(max(leftHeight, height), at: position)
            return .inSubquery(left, query, negated: isAll, position: position)
        }
        try expectSymbol("(")
        guard current.isKeyword("array"), peek().isSymbol("[") else {
            // Any other array: the text form `{a,b}` pg_catalog's array columns have.
            guard (op == .equal && !isAll) || (op == .notEqual && isAll) else {
                throw expected(
                    "ARRAY[…] or a subquery after \(quantifier.text.uppercased()) (",
                    hint: "x = ANY (ARRAY['a', 'b']); Starling has no array values")
            }
            let array = try parseExpression()
            try expectSymbol(")")
            try grow(max(leftHeight, height) + 1, at: position)
            let call = Expression.function(
                FunctionCall(name: Identifier(Self.arrayContainsFunction, at: position), arguments: [array, left]))
            return isAll ? .unary(.not, call, position: position) : call
        }
        index += 2
        let values = try parseExpressionList()
        try expectSymbol("]")
        try expectSymbol(")")
        try grow(max(leftHeight, height) + 1, at: position)
        if op == .equal && !isAll { return .inList(left, values, negated: false, position: position) }
        if op == .notEqual && isAll { return .inList(left, values, negated: true, position: position) }
        guard values.count + leftHeight < Self.maximumNestingDepth else { throw tooTall(at: position) }
        try grow(max(leftHeight, height) + values.count, at: position)
        let comparisons = values.map { Expression.binary(op, left, $0, position: position) }
        guard var result = comparisons.first else { throw expectedExpression() }
        for comparison in comparisons.dropFirst() {
            result = .binary(isAll ? .and : .or, result, comparison, position: position)
        }
        return result
    }
}
