/// The expression grammar: operators by precedence, literals, column references, function calls,
/// CASE, CAST, intervals and subqueries.
///
/// Binary operators are parsed by precedence climbing (one loop for every level), which keeps the
/// number of stack frames per nesting level small; `enterNesting()` bounds the nesting itself.

import StarlingColumns

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Parser {
    /// Binding strength of operators, loosest first (PostgreSQL's order).
    enum Precedence {
        static let or = 1
        static let and = 2
        /// Prefix `NOT`.
        static let not = 3
        /// `IS [NOT] NULL`, `ISNULL`, `NOTNULL`.
        static let isNull = 4
        /// `= <> != < <= > >=` (non-associative).
        static let comparison = 5
        /// `[NOT] BETWEEN`, `[NOT] IN`, `[NOT] LIKE`, `[NOT] ILIKE`.
        static let predicate = 6
        static let concatenate = 7
        static let additive = 8
        static let multiplicative = 9
        /// Prefix `-` and `+`.
        static let unary = 10
        /// Postfix `::type`.
        static let cast = 11
    }

    /// The deepest nesting of expressions, subqueries and parenthesised joins accepted.
    static let maximumNestingDepth = 1000

    /// Words that cannot be bare column names or implicit aliases.
    static let reservedWords: Set<String> = [
        "select", "from", "where", "group", "order", "by", "having", "limit", "offset", "and", "or", "not", "as", "on",
        "join", "inner", "left", "right", "full", "outer", "cross", "using", "union", "except", "intersect", "all",
        "distinct", "case", "when", "then", "else", "end", "is", "null", "in", "between", "like", "ilike", "exists",
        "true", "false", "with", "asc", "desc", "nulls", "first", "last", "interval", "cast", "filter",
        "isnull", "notnull", "natural", "over", "window", "qualify",
    ]

    /// Reserved words that still name functions when followed by `(`: `left(s, 3)`, `first(x)`.
    static let reservedFunctionNames: Set<String> = ["left", "right", "first", "last"]

    /// Counts one level of nesting, failing beyond `maximumNestingDepth` levels or when the thread's
    /// stack is nearly used up (threads may have small stacks, and unoptimised builds use large frames).
    /// Pair with `defer { depth -= 1 }`.
    mutating func enterNesting() throws(SQLError) {
        if stackLimit == nil { stackLimit = currentThreadStackLimit() }
        guard depth < Self.maximumNestingDepth else { throw tooDeep(stackExhausted: false) }
        guard approximateStackPointer() > stackLimit ?? 0 else { throw tooDeep(stackExhausted: true) }
        depth += 1
    }

    func tooDeep(stackExhausted: Bool) -> SQLError {
        let hint = stackExhausted
            ? "the nesting needs more stack than this thread has"
            : "at most \(Self.maximumNestingDepth) levels of nesting are supported"
        return SQLError("expression nested too deeply", at: current.position, hint: hint)
    }

    // MARK: Tree height
    //
    // Every function that parses a node leaves the node's height (1 for a leaf) in `height`. A node's
    // height is one more than its tallest child's; no node may be taller than `maximumNestingDepth`,
    // so that code walking the tree recursively (the binder, or just releasing it) has bounded depth,
    // even for long flat chains such as `a OR b OR c …`, which the loop in `parseOperators` builds
    // without recursing.

    /// Records a leaf.
    mutating func leaf() {
        height = 1
    }

    /// Records a node whose tallest child has height `childHeight`.
    mutating func grow(_ childHeight: Int, at position: SourcePosition) throws(SQLError) {
        guard childHeight < Self.maximumNestingDepth else { throw tooTall(at: position) }
        height = childHeight + 1
    }

    func tooTall(at position: SourcePosition) -> SQLError {
        SQLError("expression nested too deeply", at: position,
                 hint: "at most \(Self.maximumNestingDepth) levels of nesting are supported, and each operator in a chain such as a OR b OR … adds one; use IN (…) for long lists")
    }

    /// The token at `position`, clamped to the token list (which always ends with `.end`).
    func token(at position: Int) -> Token {
        tokens[min(max(position, 0), tokens.count - 1)]
    }

    /// Whether the current token starts a query: `SELECT`, `WITH`, or a parenthesised query.
    var atQueryStart: Bool {
        mutating get {
            current.isKeyword("select") || current.isKeyword("with")
                || (current.isKeyword("values") && peek().isSymbol("("))
                || (current.isSymbol("(") && isParenthesisedQuery(at: index))
        }
    }

    /// Whether the `(` at `start` encloses a query (rather than an expression, a value list or a join).
    ///
    /// `(SELECT …)` and `(WITH …)` do. With more opening parentheses, as in `((SELECT 1) UNION (SELECT 2))`
    /// or `((SELECT 1) + 1)`, each enclosing parenthesis is a query's only if the one inside it is,
    /// and is followed by `)`, a set operation, ORDER BY, LIMIT or OFFSET. The answers for a whole run
    /// of opening parentheses are found in one scan and remembered, so deep nesting stays linear.
    mutating func isParenthesisedQuery(at start: Int) -> Bool {
        if let known = parenthesisedQueries[start] { return known }
        var count = 0
        while count <= Self.maximumNestingDepth, token(at: start + count).isSymbol("(") { count += 1 }
        let first = token(at: start + count)
        // Beyond the nesting limit the parse fails anyway.
        let startsQuery = first.isKeyword("select") || first.isKeyword("with")
            || (first.isKeyword("values") && token(at: start + count + 1).isSymbol("("))
        guard count > 0, count <= Self.maximumNestingDepth, startsQuery else { return false }
        if count == 1 { return true }
        // Find where the parentheses opened at start + 1 … start + count - 1 close.
        var closes = [Int?](repeating: nil, count: count)
        var level = count
        var position = start + count
        while level > 1, position < tokens.count {
            let token = tokens[position]
            if token.isSymbol("(") {
                level += 1
            } else if token.isSymbol(")") {
                level -= 1
                // The first return to a level closes the parenthesis opened there; later ones
                // close a call or list opened after it (`((SELECT 1) + abs(1))`).
                if level < count, closes[level] == nil { closes[level] = position }
            } else if token.kind == .end {
                break
            }
            position += 1
        }
        // From the innermost parenthesis out. An unclosed one counts as a query's; the query parser reports it.
        var isQuery = true
        parenthesisedQueries[start + count - 1] = true
        for level in stride(from: count - 1, through: 1, by: -1) {
            if isQuery, let close = closes[level] {
                let next = token(at: close + 1)
                isQuery = next.isSymbol(")") || next.isKeyword("union") || next.isKeyword("except") || next.isKeyword("intersect")
                    || next.isKeyword("order") || next.isKeyword("limit") || next.isKeyword("offset")
            }
            parenthesisedQueries[start + level - 1] = isQuery
        }
        return isQuery
    }

    // MARK: Entry points

    /// Parses one expression that makes up all of `text`.
    public static func parseExpression(_ text: String) throws(SQLError) -> Expression {
        var parser = try Parser(text)
        let expression = try parser.parseExpression()
        guard parser.current.kind == .end else {
            throw SQLError("expected the end of the expression, found \(parser.current.quoted)", at: parser.current.position)
        }
        return expression
    }

    /// A full expression (`OR` level).
    mutating func parseExpression() throws(SQLError) -> Expression {
        try parseSubexpression(minimumPrecedence: Precedence.or)
    }

    /// An expression whose operators all bind at least as tightly as `minimumPrecedence`.
    ///
    /// The functions on the recursive path (this one, `parsePrefixExpression`, `parsePrimaryExpression`,
    /// `parseParenthesised`, `parseOperators`, `parseInfix`, …) keep few locals and build error
    /// messages in separate functions, to keep their frames small in unoptimised builds; what bounds
    /// the stack is `enterNesting()`.
    mutating func parseSubexpression(minimumPrecedence: Int) throws(SQLError) -> Expression {
        try enterNesting()
        defer { depth -= 1 }
        let left = try parsePrefixExpression()
        return try parseOperators(after: left, minimumPrecedence: minimumPrecedence)
    }

    /// Prefix `NOT`, `-`, `+`, or a primary expression.
    mutating func parsePrefixExpression() throws(SQLError) -> Expression {
        if current.isKeyword("not") { return try parseNot() }
        if current.isSymbol("-") || current.isSymbol("+") { return try parseSign() }
        return try parsePrimaryExpression()
    }

    /// `NOT x`; `NOT EXISTS (…)` becomes a negated EXISTS.
    mutating func parseNot() throws(SQLError) -> Expression {
        let position = advance().position
        let operand = try parseSubexpression(minimumPrecedence: Precedence.isNull)
        if case .exists(let query, false, _) = operand {
            return .exists(query, negated: true, position: position)
        }
        try grow(height, at: position)
        return .unary(.not, operand, position: position)
    }

    /// `-x` or `+x`. A sign directly before a number makes one literal (so -9223372036854775808 fits),
    /// unless a cast follows: `-1::varchar` is `-(1::varchar)`.
    mutating func parseSign() throws(SQLError) -> Expression {
        let sign = advance()
        if current.kind == .number, !peek().isSymbol("::") {
            let number = advance()
            let text = sign.text == "-" ? "-" + number.text : number.text
            leaf()
            return .literal(Literal(kind: .number(text), position: sign.position))
        }
        let operand = try parseSubexpression(minimumPrecedence: Precedence.cast)
        try grow(height, at: sign.position)
        return .unary(sign.text == "-" ? .negate : .plus, operand, position: sign.position)
    }

    /// The precedence of `token` as an infix or postfix operator, or `nil` if it is not one.
    func infixPrecedence(of token: Token, next: Token) -> Int? {
        switch token.kind {
        case .symbol:
            switch token.text {
            case "=", "<>", "!=", "<", "<=", ">", ">=": return Precedence.comparison
            case "||": return Precedence.concatenate
            case "+", "-": return Precedence.additive
            case "*", "/", "//", "%": return Precedence.multiplicative
            case "::": return Precedence.cast
            case "~", "!~", "~*", "!~*": return Precedence.predicate
            case "[": return Precedence.cast
            default: return nil
            }
        case .word:
            switch token.text {
            case "or": return Precedence.or
            case "and": return Precedence.and
            case "is", "isnull", "notnull": return Precedence.isNull
            case "between", "in", "like", "ilike": return Precedence.predicate
            case "not":
                let isPredicate = next.isKeyword("between") || next.isKeyword("in") || next.isKeyword("like") || next.isKeyword("ilike")
                return isPredicate ? Precedence.predicate : nil
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Applies infix and postfix operators binding at least as tightly as `minimumPrecedence` to `start`.
    mutating func parseOperators(after start: Expression, minimumPrecedence: Int) throws(SQLError) -> Expression {
        var left = start
        var afterComparison = false
        while let precedence = infixPrecedence(of: current, next: peek()), precedence >= minimumPrecedence {
            let isComparison = precedence == Precedence.comparison
            if isComparison && afterComparison { throw chainedComparison() }
            afterComparison = isComparison
            left = try parseInfix(after: left, precedence: precedence)
        }
        return left
    }

    func chainedComparison() -> SQLError {
        SQLError("comparisons cannot be chained", at: current.position, hint: "combine them with AND, as in a < b AND b < c")
    }

    static let binaryOperators: [String: BinaryOperator] = [
        "+": .add, "-": .subtract, "*": .multiply, "/": .divide, "//": .integerDivide, "%": .modulo,
        "||": .concatenate, "=": .equal, "<>": .notEqual, "!=": .notEqual, "<": .less, "<=": .lessOrEqual,
        ">": .greater, ">=": .greaterOrEqual, "and": .and, "or": .or,
    ]

    /// One infix or postfix operator (the current token) applied to `left`, whose height is `height`.
    mutating func parseInfix(after left: Expression, precedence: Int) throws(SQLError) -> Expression {
        let leftHeight = height
        if let binary = Self.binaryOperators[current.text] {
            let position = advance().position
            if precedence == Precedence.comparison, atQuantifier {
                return try parseQuantified(binary, after: left, leftHeight: leftHeight, position: position)
            }
            let right = try parseSubexpression(minimumPrecedence: precedence + 1)
            try grow(max(leftHeight, height), at: position)
            return .binary(binary, left, right, position: position)
        }
        if current.kind == .symbol, ["~", "!~", "~*", "!~*"].contains(current.text) {
            return try parseRegexpMatch(after: left)
        }
        if current.isSymbol("[") { return try parseSubscript(after: left) }
        if current.isSymbol("::") {
            index += 1
            if atObjectIdentifierType {
                let call = parseObjectIdentifierCast(of: left, at: left.position)
                try grow(leftHeight, at: left.position)
                return call
            }
            let type = try parseArraySuffix(after: try parseType())
            try grow(leftHeight, at: left.position)
            return .cast(left, type, orNull: false, position: left.position)
        }
        switch current.text {
        case "is", "isnull", "notnull":
            return try parseIsNull(after: left)
        case "between":
            return try parseBetween(after: left, negated: false, position: advance().position)
        case "in":
            return try parseIn(after: left, negated: false, position: advance().position)
        case "not":
            let position = advance().position
            if accept("between") { return try parseBetween(after: left, negated: true, position: position) }
            if accept("in") { return try parseIn(after: left, negated: true, position: position) }
            return try parseLike(after: left, negated: true, position: position)
        default:
            return try parseLike(after: left, negated: false, position: current.position)
        }
    }

    /// `IS [NOT] NULL`, `ISNULL`, `NOTNULL`, `IS [NOT] DISTINCT FROM x`.
    mutating func parseIsNull(after left: Expression) throws(SQLError) -> Expression {
        let leftHeight = height
        let token = advance()
        try grow(height, at: token.position)
        switch token.text {
        case "isnull": return .isNull(left, negated: false, position: token.position)
        case "notnull": return .isNull(left, negated: true, position: token.position)
        default: break
        }
        let negated = accept("not")
        if accept("distinct") {
            try expect("from")
            let right = try parseSubexpression(minimumPrecedence: Precedence.isNull + 1)
            try grow(max(leftHeight, height), at: token.position)
            return .binary(negated ? .isNotDistinctFrom : .isDistinctFrom, left, right, position: token.position)
        }
        guard accept("null") else {
            throw expected(
                negated ? "NULL or DISTINCT FROM after IS NOT" : "NULL or DISTINCT FROM after IS",
                hint: "only IS [NOT] NULL and IS [NOT] DISTINCT FROM are supported; compare with = TRUE or = FALSE instead of IS TRUE")
        }
        return .isNull(left, negated: negated, position: token.position)
    }

    /// The rest of `left [NOT] BETWEEN low AND high` after BETWEEN.
    mutating func parseBetween(after left: Expression, negated: Bool, position: SourcePosition) throws(SQLError) -> Expression {
        var tallest = height
        let low = try parseSubexpression(minimumPrecedence: Precedence.concatenate)
        tallest = max(tallest, height)
        guard accept("and") else { throw expected("AND in BETWEEN", hint: "x BETWEEN low AND high") }
        let high = try parseSubexpression(minimumPrecedence: Precedence.concatenate)
        try grow(max(tallest, height), at: position)
        return .between(left, low: low, high: high, negated: negated, position: position)
    }

    /// The rest of `left [NOT] IN (…)` after IN: a list of values or a subquery.
    mutating func parseIn(after left: Expression, negated: Bool, position: SourcePosition) throws(SQLError) -> Expression {
        guard current.isSymbol("(") else { throw expected("\"(\" after IN", hint: "x IN (1, 2, 3) or x IN (SELECT …)") }
        let leftHeight = height
        if isParenthesisedQuery(at: index) {
            let query = try parseParenthesisedQuery()
            try grow(max(leftHeight, height), at: position)
            return .inSubquery(left, query, negated: negated, position: position)
        }
        index += 1
        let values = try parseExpressionList()
        try expectSymbol(")")
        try grow(max(leftHeight, height), at: position)
        return .inList(left, values, negated: negated, position: position)
    }

    /// The rest of `left [NOT] LIKE|ILIKE pattern [ESCAPE e]` from LIKE or ILIKE.
    mutating func parseLike(after left: Expression, negated: Bool, position: SourcePosition) throws(SQLError) -> Expression {
        let caseInsensitive = current.isKeyword("ilike")
        index += 1
        var tallest = height
        let pattern = try parseSubexpression(minimumPrecedence: Precedence.concatenate)
        tallest = max(tallest, height)
        var escape: Expression?
        if accept("escape") {
            escape = try parseSubexpression(minimumPrecedence: Precedence.concatenate)
            tallest = max(tallest, height)
        }
        try grow(tallest, at: position)
        return .like(
            left, pattern: pattern, escape: escape, negated: negated, caseInsensitive: caseInsensitive, position: position)
    }

    /// `left ~ pattern` (and `~*` case-insensitive, `!~`, `!~*` negated): regexp_matches, as in
    /// DuckDB and PostgreSQL.
    mutating func parseRegexpMatch(after left: Expression) throws(SQLError) -> Expression {
        let leftHeight = height
        let op = advance()
        let pattern = try parseSubexpression(minimumPrecedence: Precedence.concatenate)
        try grow(max(leftHeight, height) + 1, at: op.position)
        var arguments = [left, pattern]
        if op.text.hasSuffix("*") { arguments.append(.literal(Literal(kind: .string("i"), position: op.position))) }
        let call = Expression.function(FunctionCall(name: Identifier("regexp_matches", at: op.position), arguments: arguments))
        return op.text.hasPrefix("!") ? .unary(.not, call, position: op.position) : call
    }

    /// `expression, …` (at least one); leaves the tallest one's height in `height`.
    mutating func parseExpressionList() throws(SQLError) -> [Expression] {
        var expressions: [Expression] = []
        var tallest = 0
        repeat {
            expressions.append(try parseExpression())
            tallest = max(tallest, height)
        } while acceptSymbol(",")
        height = tallest
        return expressions
    }

    /// `( query )`, from the opening parenthesis.
    mutating func parseParenthesisedQuery() throws(SQLError) -> Query {
        index += 1
        let query = try parseQuery()
        try expectSymbol(")")
        return query
    }

    // MARK: Primary expressions

    /// "expected `what`, found …" at the current token.
    func expected(_ what: String, hint: String? = nil) -> SQLError {
        SQLError("expected \(what), found \(current.quoted)", at: current.position, hint: hint)
    }

    /// "expected an expression, found …" at the current token.
    func expectedExpression() -> SQLError {
        var hint: String?
        if current.isKeyword("select") || current.isKeyword("with") {
            hint = "write a subquery in parentheses: (SELECT …)"
        } else if current.isSymbol("=") {
            hint = "compare with a single \"=\""
        }
        return expected("an expression", hint: hint)
    }

    mutating func parsePrimaryExpression() throws(SQLError) -> Expression {
        switch current.kind {
        case .number, .string:
            leaf()
            return .literal(parseConstantToken())
        case .quotedIdentifier:
            if peek().isSymbol("(") { return try parseFunctionCall() }
            return try parseColumnReference()
        case .word:
            return try parseWordExpression()
        case .symbol:
            if current.isSymbol("(") { return try parseParenthesised() }
            if current.isSymbol("*") {
                leaf()
                return .star(qualifier: nil, position: advance().position)
            }
            throw expectedExpression()
        case .end:
            throw expectedExpression()
        }
    }

    /// A number or string token as a literal.
    mutating func parseConstantToken() -> Literal {
        let token = advance()
        return Literal(kind: token.kind == .number ? .number(token.text) : .string(token.text), position: token.position)
    }

    /// `( expression )` or a scalar subquery `( query )`.
    mutating func parseParenthesised() throws(SQLError) -> Expression {
        let position = current.position
        if isParenthesisedQuery(at: index) {
            let query = try parseParenthesisedQuery()
            try grow(height, at: position)
            return .scalarSubquery(query, position: position)
        }
        index += 1
        let expression = try parseExpression()
        if current.isSymbol(",") { throw rowValue() }
        try expectSymbol(")")
        return expression
    }

    func rowValue() -> SQLError {
        SQLError("expected \")\", found \",\"", at: current.position, hint: "row values such as (a, b) are not supported")
    }

    /// An expression starting with an unquoted word: a keyword form, a function call or a column.
    mutating func parseWordExpression() throws(SQLError) -> Expression {
        let next = peek()
        switch current.text {
        case "null", "true", "false":
            leaf()
            return .literal(parseKeywordConstant())
        case "date" where next.kind == .string, "timestamp" where next.kind == .string:
            leaf()
            return .literal(parseKeywordConstant())
        case "interval" where next.isSymbol("("):
            return try parseIntervalOfExpression()
        case "interval":
            leaf()
            return .interval(try parseInterval())
        case "case":
            return try parseCase()
        case "cast":
            return try parseCast()
        case "try_cast" where next.isSymbol("("):
            return try parseCast()
        case "exists":
            return try parseExists()
        case "array" where next.isSymbol("(") && isParenthesisedQuery(at: index + 1):
            return try parseArraySubquery()
        case "current_date" where !next.isSymbol("("), "current_timestamp" where !next.isSymbol("("):
            let name = advance()
            leaf()
            return .function(FunctionCall(name: Identifier(name.text, at: name.position), arguments: []))
        default:
            break
        }
        let reserved = Self.reservedWords.contains(current.text)
        if next.isSymbol("(") {
            guard !reserved || Self.reservedFunctionNames.contains(current.text) else { throw expectedExpression() }
            return try parseFunctionCall()
        }
        guard !reserved else { throw expectedExpression() }
        return try parseColumnReference()
    }

    /// NULL, TRUE, FALSE, `DATE '…'` or `TIMESTAMP '…'`.
    mutating func parseKeywordConstant() -> Literal {
        let token = advance()
        switch token.text {
        case "null": return Literal(kind: .null, position: token.position)
        case "true", "false": return Literal(kind: .boolean(token.text == "true"), position: token.position)
        default: return Literal(kind: .typed(type: token.text, text: advance().text), position: token.position)
        }
    }

    /// `CAST(value AS type)` or `TRY_CAST(value AS type)`.
    mutating func parseCast() throws(SQLError) -> Expression {
        let keyword = advance()
        let isTry = keyword.text == "try_cast"
        try expectSymbol("(")
        let value = try parseExpression()
        guard accept("as") else {
            throw expected(isTry ? "AS in TRY_CAST" : "AS in CAST", hint: isTry ? "TRY_CAST(value AS type)" : "CAST(value AS type)")
        }
        if !isTry, atObjectIdentifierType {
            let call = parseObjectIdentifierCast(of: value, at: keyword.position)
            try expectSymbol(")")
            try grow(height, at: keyword.position)
            return call
        }
        let type = try parseArraySuffix(after: try parseType())
        try expectSymbol(")")
        try grow(height, at: keyword.position)
        return .cast(value, type, orNull: isTry, position: keyword.position)
    }

    /// `EXISTS (query)`.
    mutating func parseExists() throws(SQLError) -> Expression {
        let position = advance().position
        guard current.isSymbol("("), isParenthesisedQuery(at: index) else {
            throw expected("a subquery in parentheses after EXISTS", hint: "EXISTS (SELECT …)")
        }
        let query = try parseParenthesisedQuery()
        try grow(height, at: position)
        return .exists(query, negated: false, position: position)
    }

    /// `name`, `qualifier.name` or `qualifier.*`.
    mutating func parseColumnReference() throws(SQLError) -> Expression {
        let first = advance()
        let firstName = Identifier(first.text, at: first.position)
        leaf()
        guard acceptSymbol(".") else { return .column(qualifier: nil, name: firstName) }
        if acceptSymbol("*") { return .star(qualifier: firstName, position: first.position) }
        let name = try identifier("a column name after \".\"")
        if current.isSymbol(".") {
            throw SQLError("column names have at most two parts (table.column)", at: current.position)
        }
        return .column(qualifier: firstName, name: name)
    }

    /// A function call, from its name: `f(…)`, `count(*)`, `count(DISTINCT x)`, the special forms of
    /// `extract`, `substring`, `trim` and `position`, and a trailing `FILTER (WHERE …)`.
    mutating func parseFunctionCall() throws(SQLError) -> Expression {
        let nameToken = advance()
        index += 1  // "("
        var call = FunctionCall(name: Identifier(nameToken.text, at: nameToken.position), arguments: [])
        switch nameToken.kind == .word ? nameToken.text : "" {
        case "extract":
            call.arguments = try parseExtractArguments()
        case "substring":
            call.arguments = try parseSubstringArguments()
        case "trim":
            let (name, arguments) = try parseTrimArguments()
            call.name = Identifier(name, at: nameToken.position)
            call.arguments = arguments
        case "position":
            call.arguments = try parsePositionArguments()
        default:
            try parseArguments(into: &call)
        }
        try expectSymbol(")")
        if current.isKeyword("within") && peek().isKeyword("group") {
            let argumentsHeight = height
            index += 2
            try expectSymbol("(")
            guard current.isKeyword("order") else { throw expected("ORDER BY in WITHIN GROUP", hint: "percentile_cont(0.95) WITHIN GROUP (ORDER BY response_ms)") }
            index += 1
            try expect("by")
            call.withinGroup = try parseOrderItem()
            try expectSymbol(")")
            height = max(argumentsHeight, height)
        }
        if current.isKeyword("filter") && peek().isSymbol("(") {
            let argumentsHeight = height
            call.filter = try parseFilter()
            height = max(argumentsHeight, height)
        }
        if current.isKeyword("over") {
            let argumentsHeight = height
            call.window = try parseOver()
            height = max(argumentsHeight, height)
        }
        try grow(height, at: nameToken.position)
        return .function(call)
    }

    /// `*`, nothing, or `[DISTINCT|ALL] argument, …`, up to the closing parenthesis.
    /// Like the other argument parsers, leaves the tallest argument's height (or 0) in `height`.
    mutating func parseArguments(into call: inout FunctionCall) throws(SQLError) {
        height = 0
        if acceptSymbol("*") {
            call.star = true
            return
        }
        if current.isSymbol(")") { return }
        if accept("distinct") {
            call.distinct = true
        } else {
            _ = accept("all")
        }
        if let row = try parseRowArgument(of: call) {
            call.arguments = [row]
        } else {
            call.arguments = try parseExpressionList()
        }
        if current.isKeyword("order") {
            let tallest = height
            call.orderBy = try parseOrderBy()
            height = max(tallest, height)
        }
    }

    /// The functions that take a row value `(a, b, …)` as their one argument: distinct
    /// combinations counted (`count(DISTINCT (a, b))`).
    static let rowArgumentFunctions: Set<String> = ["count", "approx_count_distinct"]

    /// `(a, b, …)` as the whole argument of one of ``rowArgumentFunctions``, as a call of `row`;
    /// nil (nothing consumed) for anything else.
    private mutating func parseRowArgument(of call: FunctionCall) throws(SQLError) -> Expression? {
        guard Self.rowArgumentFunctions.contains(call.name.name), let list = parenthesisedList(),
            list.hasComma, tokens[min(list.end + 1, tokens.count - 1)].isSymbol(")")
        else { return nil }
        let position = current.position
        index += 1
        let arguments = try parseExpressionList()
        try expectSymbol(")")
        return .function(FunctionCall(name: Identifier("row", at: position), arguments: arguments))
    }

    /// For a `(` at the current token: where its closing parenthesis is, and whether a comma
    /// stands at its own level (a list, not one parenthesised expression). Reads tokens only, so
    /// deciding costs one scan, however deep the nesting. Nil when it is not closed.
    func parenthesisedList() -> (end: Int, hasComma: Bool)? {
        guard current.isSymbol("(") else { return nil }
        var level = 0
        var hasComma = false
        for position in index..<tokens.count {
            let token = tokens[position]
            if token.isSymbol("(") {
                level += 1
            } else if token.isSymbol(")") {
                level -= 1
                if level == 0 { return (position, hasComma) }
            } else if level == 1 && token.isSymbol(",") {
                hasComma = true
            }
        }
        return nil
    }

    /// `FILTER (WHERE condition)`, from FILTER.
    mutating func parseFilter() throws(SQLError) -> Expression {
        index += 2
        guard accept("where") else { throw expected("WHERE after FILTER (", hint: "sum(x) FILTER (WHERE condition)") }
        let condition = try parseExpression()
        try expectSymbol(")")
        return condition
    }

    /// `extract(field FROM value)` → `['field', value]` (the field lower-cased).
    mutating func parseExtractArguments() throws(SQLError) -> [Expression] {
        let field = current
        guard field.kind == .word || field.kind == .string || field.kind == .quotedIdentifier else {
            throw expected("a date part such as YEAR", hint: "EXTRACT(YEAR FROM order_date)")
        }
        index += 1
        guard accept("from") || acceptSymbol(",") else {
            throw expected("FROM in EXTRACT", hint: "EXTRACT(YEAR FROM order_date)")
        }
        let value = try parseExpression()
        return [.literal(Literal(kind: .string(field.text.lowercased()), position: field.position)), value]
    }

    /// `substring(s FROM a [FOR b])`, `substring(s FOR b)` or `substring(s, a [, b])` → `[s, a, b?]`.
    mutating func parseSubstringArguments() throws(SQLError) -> [Expression] {
        var arguments = [try parseExpression()]
        var tallest = height
        if accept("from") {
            arguments.append(try parseExpression())
            tallest = max(tallest, height)
            if accept("for") {
                arguments.append(try parseExpression())
                tallest = max(tallest, height)
            }
        } else if current.isKeyword("for") {
            let forToken = advance()
            arguments.append(.literal(Literal(kind: .number("1"), position: forToken.position)))
            arguments.append(try parseExpression())
            tallest = max(tallest, height)
        } else if acceptSymbol(",") {
            arguments += try parseExpressionList()
            tallest = max(tallest, height)
        }
        height = tallest
        return arguments
    }

    /// `trim([BOTH|LEADING|TRAILING] [characters] FROM s)` or `trim(s [, characters])`: returns the
    /// function (`trim`, `ltrim` or `rtrim`) and its arguments `[s, characters?]`.
    mutating func parseTrimArguments() throws(SQLError) -> (String, [Expression]) {
        var name = "trim"
        let next = peek()
        let sideFollows = !next.isSymbol(")") && !next.isSymbol(",") && !next.isSymbol(".") && infixPrecedence(of: next, next: peek(2)) == nil
        if sideFollows {
            if accept("both") {
            } else if accept("leading") {
                name = "ltrim"
            } else if accept("trailing") {
                name = "rtrim"
            }
        }
        if accept("from") { return (name, [try parseExpression()]) }
        let first = try parseExpression()
        let firstHeight = height
        if accept("from") {
            let source = try parseExpression()
            height = max(firstHeight, height)
            return (name, [source, first])
        }
        guard acceptSymbol(",") else { return (name, [first]) }
        let rest = try parseExpressionList()
        height = max(firstHeight, height)
        return (name, [first] + rest)
    }

    /// `position(needle IN haystack)` → `[needle, haystack]` (also `position(a, b)`).
    mutating func parsePositionArguments() throws(SQLError) -> [Expression] {
        let needle = try parseSubexpression(minimumPrecedence: Precedence.concatenate)
        if accept("in") {
            let needleHeight = height
            let haystack = try parseExpression()
            height = max(needleHeight, height)
            return [needle, haystack]
        }
        let first = try parseOperators(after: needle, minimumPrecedence: Precedence.or)
        let firstHeight = height
        guard acceptSymbol(",") else { return [first] }
        let rest = try parseExpressionList()
        height = max(firstHeight, height)
        return [first] + rest
    }

    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    mutating func parseCase() throws(SQLError) -> Expression {
        let caseToken = advance()
        var operand: Expression?
        var tallest = 0
        if !current.isKeyword("when") {
            operand = try parseExpression()
            tallest = height
        }
        var branches: [CaseBranch] = []
        while accept("when") {
            let condition = try parseExpression()
            tallest = max(tallest, height)
            guard accept("then") else {
                throw expected("THEN in CASE", hint: "CASE WHEN condition THEN result … END")
            }
            branches.append(CaseBranch(condition: condition, result: try parseExpression()))
            tallest = max(tallest, height)
        }
        guard !branches.isEmpty else {
            throw expected("WHEN in CASE", hint: "CASE WHEN condition THEN result … END")
        }
        var otherwise: Expression?
        if accept("else") {
            otherwise = try parseExpression()
            tallest = max(tallest, height)
        }
        guard accept("end") else {
            throw expected("WHEN, ELSE or END in CASE", hint: "close the CASE with END")
        }
        try grow(tallest, at: caseToken.position)
        return .caseWhen(operand: operand, branches: branches, otherwise: otherwise, position: caseToken.position)
    }

    // MARK: Intervals

    static let intervalHint =
        "INTERVAL '3' MONTH, INTERVAL 3 MONTH or INTERVAL '1 day 02:30:00' (text as CAST(… AS INTERVAL) reads it)"

    /// `INTERVAL (expression) unit`, as DuckDB reads it: the expression times one unit
    /// (`INTERVAL (x) DAY` is `x * INTERVAL 1 DAY`).
    mutating func parseIntervalOfExpression() throws(SQLError) -> Expression {
        let intervalToken = advance()
        try expectSymbol("(")
        let count = try parseExpression()
        let tallest = height
        try expectSymbol(")")
        let unitToken = current
        guard unitToken.kind == .word, !Self.reservedWords.contains(unitToken.text),
            let unit = IntervalLiteral.Unit(keyword: unitToken.text)
        else {
            throw SQLError(
                "expected an interval unit (SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR…) after "
                    + "INTERVAL (…), found \(unitToken.quoted)", at: unitToken.position, hint: "INTERVAL (x) DAY")
        }
        index += 1
        try grow(tallest, at: intervalToken.position)
        let one = Expression.interval(IntervalLiteral(form: .count(1, unit), position: intervalToken.position))
        return .binary(.multiply, count, one, position: intervalToken.position)
    }

    /// `INTERVAL 'n' unit` or `INTERVAL n unit` (counts may be negative), or `INTERVAL 'text'`
    /// when no unit follows the string (read when bound, as `CAST('text' AS INTERVAL)`).
    mutating func parseInterval() throws(SQLError) -> IntervalLiteral {
        let intervalToken = advance()
        let valueToken = current
        var countText: String
        switch valueToken.kind {
        case .string:
            index += 1
            let next = current
            guard next.kind == .word, !Self.reservedWords.contains(next.text), IntervalLiteral.Unit(keyword: next.text) != nil
            else {
                return IntervalLiteral(form: .text(valueToken.text), position: intervalToken.position)
            }
            var trimmed = Substring(valueToken.text)
            while trimmed.first == " " { trimmed.removeFirst() }
            while trimmed.last == " " { trimmed.removeLast() }
            countText = String(trimmed)
        case .number:
            index += 1
            countText = valueToken.text
        case .symbol where (valueToken.text == "-" || valueToken.text == "+") && peek().kind == .number:
            index += 1
            countText = (valueToken.text == "-" ? "-" : "") + advance().text
        default:
            throw SQLError("expected an interval such as '3 months' after INTERVAL, found \(valueToken.quoted)", at: valueToken.position, hint: Self.intervalHint)
        }
        let unitToken = current
        guard unitToken.kind == .word, !Self.reservedWords.contains(unitToken.text) else {
            throw SQLError("expected an interval unit (SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR…), found \(unitToken.quoted)", at: unitToken.position, hint: Self.intervalHint)
        }
        index += 1
        // `INTERVAL '90' DAY (3)`: a field precision, ignored.
        if current.isSymbol("("), peek().kind == .number, peek(2).isSymbol(")") { index += 3 }
        if countText.hasPrefix("+") { countText.removeFirst() }
        guard let unit = IntervalLiteral.Unit(keyword: unitToken.text) else {
            let singular = unitToken.text.hasSuffix("s") ? String(unitToken.text.dropLast()) : unitToken.text
            let hint = closestMatch(to: singular, in: IntervalLiteral.Unit.allCases.map(\.rawValue)).map { "did you mean \($0.uppercased())?" }
            throw SQLError("unsupported interval unit \"\(unitToken.text)\"", at: unitToken.position, hint: hint ?? "use MICROSECOND, MILLISECOND, SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR, DECADE, CENTURY or MILLENNIUM")
        }
        if let count = Int64(countText) { return IntervalLiteral(form: .count(count, unit), position: intervalToken.position) }
        // Fractions of a second or millisecond are exact microseconds (DuckDB and PostgreSQL agree);
        // of larger units DuckDB truncates where PostgreSQL does not, so they are refused.
        if unit == .second || unit == .millisecond, let micros = Self.fractionalMicroseconds(countText, perUnit: unit == .second ? 1_000_000 : 1_000) {
            return IntervalLiteral(form: .count(micros, .microsecond), position: intervalToken.position)
        }
        throw SQLError("interval counts must be whole numbers, found \"\(countText)\"", at: valueToken.position,
                       hint: unit == .second || unit == .millisecond ? Self.intervalHint : "only SECOND and MILLISECOND take fractions; write INTERVAL '90' MINUTE or '1 hour 30 minutes'")
    }
}

extension Parser {
    /// `text` (`[-]digits[.digits]`, either side may be empty but not both) times `perUnit`
    /// microseconds, rounded half away from zero to a whole microsecond; nil when it is not such
    /// a number or the product leaves 64 bits.
    static func fractionalMicroseconds(_ text: String, perUnit: Int64) -> Int64? {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative { digits.removeFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !(parts[0].isEmpty && parts[1].isEmpty),
            (parts[0] + parts[1]).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        let whole = parts[0].isEmpty ? 0 : Int64(parts[0])
        guard let whole else { return nil }
        // The fraction's first digits: as many as make whole microseconds of the unit, plus one to
        // round by.
        let places = perUnit == 1_000_000 ? 6 : 3
        let fraction = Array(parts[1].utf8.prefix(places + 1)).map { Int64($0 - 48) }
        var scaled: Int64 = 0
        for index in 0..<places { scaled = scaled * 10 + (index < fraction.count ? fraction[index] : 0) }
        if fraction.count > places, fraction[places] >= 5 { scaled += 1 }
        let (product, overflow) = whole.multipliedReportingOverflow(by: perUnit)
        guard !overflow else { return nil }
        let (total, overflowSum) = product.addingReportingOverflow(scaled)
        guard !overflowSum else { return nil }
        return negative ? -total : total
    }
}

// MARK: Stack space

/// An address in the caller's stack frame.
@inline(never)
func approximateStackPointer() -> UInt {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
}

/// Per thread, ``threadStackLimit()``'s answer plus one (so 0 is stored as 1).
private let stackLimitKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()

/// The stack address below which the parser stops descending on the current thread: the stack's
/// lowest address plus a reserve, or 0 when the platform cannot tell (then only the depth limit
/// applies). Asked once per thread: glibc's `pthread_getattr_np` calls `sched_getaffinity`
/// (and for the main thread reads `/proc/self/maps`) each time, three times a statement through
/// the server.
func currentThreadStackLimit() -> UInt {
    if let cached = pthread_getspecific(stackLimitKey) { return UInt(bitPattern: cached) &- 1 }
    let limit = threadStackLimit()
    pthread_setspecific(stackLimitKey, UnsafeRawPointer(bitPattern: limit &+ 1))
    return limit
}

/// The stack limit as the platform reports it (see ``currentThreadStackLimit()``).
private func threadStackLimit() -> UInt {
    #if canImport(Darwin)
    let thread = pthread_self()
    let top = UInt(bitPattern: pthread_get_stackaddr_np(thread))
    let size = UInt(pthread_get_stacksize_np(thread))
    guard size > 0, top > size else { return 0 }
    return top - size + min(128 * 1024, size / 4)
    #elseif canImport(Glibc) || canImport(Musl)
    // pthread_getattr_np is a GNU extension the Swift overlay does not import; look it up instead.
    typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
    guard let symbol = dlsym(nil, "pthread_getattr_np") else { return 0 }
    let getAttributes = unsafeBitCast(symbol, to: GetAttributes.self)
    var attributes = pthread_attr_t()
    guard getAttributes(pthread_self(), &attributes) == 0 else { return 0 }
    defer { pthread_attr_destroy(&attributes) }
    var address: UnsafeMutableRawPointer?
    var size = 0
    guard pthread_attr_getstack(&attributes, &address, &size) == 0, let address, size > 0 else { return 0 }
    return UInt(bitPattern: address) + min(128 * 1024, UInt(size) / 4)
    #else
    return 0
    #endif
}
