/// The window grammar: `OVER (…)` or `OVER name` after a call, `WINDOW name AS (…)` clauses and
/// frames (`ROWS|RANGE|GROUPS [BETWEEN] start [AND end]`).

extension Parser {
    /// `OVER name` or `OVER ([name] [PARTITION BY …] [ORDER BY …] [frame])`, from OVER.
    /// Leaves the tallest expression's height in `height`.
    mutating func parseOver() throws(SQLError) -> WindowSpecification {
        let over = advance()
        if !current.isSymbol("(") {
            let name = try nonReservedIdentifier("a window name or \"(\" after OVER")
            height = 1
            return WindowSpecification(reference: name, position: over.position)
        }
        index += 1
        let specification = try parseWindowBody(at: over.position)
        try expectSymbol(")")
        return specification
    }

    /// The inside of a window's parentheses.
    mutating func parseWindowBody(at position: SourcePosition) throws(SQLError) -> WindowSpecification {
        var window = WindowSpecification(position: position)
        var tallest = 0
        if current.kind == .quotedIdentifier || (current.kind == .word && !Self.windowBodyWords.contains(current.text))
        {
            window.reference = try nonReservedIdentifier("a window name")
        }
        if current.isKeyword("partition") {
            index += 1
            try expect("by")
            window.partitionBy = try parseExpressionList()
            tallest = max(tallest, height)
        }
        if current.isKeyword("order") {
            index += 1
            try expect("by")
            repeat {
                window.orderBy.append(try parseOrderItem())
                tallest = max(tallest, height)
            } while acceptSymbol(",")
        }
        if let mode = WindowFrame.Mode(rawValue: current.text.uppercased()), current.kind == .word {
            let frameToken = advance()
            let start: WindowFrame.Bound
            let end: WindowFrame.Bound
            if accept("between") {
                start = try parseFrameBound()
                tallest = max(tallest, height)
                try expect("and")
                end = try parseFrameBound()
                tallest = max(tallest, height)
            } else {
                start = try parseFrameBound()
                tallest = max(tallest, height)
                end = .currentRow
            }
            window.frame = WindowFrame(mode: mode, start: start, end: end, position: frameToken.position)
            if current.isKeyword("exclude") {
                throw SQLError("EXCLUDE in a window frame is not supported", at: current.position)
            }
        }
        height = tallest
        return window
    }

    /// Words that start a part of a window's parentheses rather than name a window.
    static let windowBodyWords: Set<String> = ["partition", "order", "rows", "range", "groups"]

    /// `UNBOUNDED PRECEDING|FOLLOWING`, `CURRENT ROW`, `n PRECEDING|FOLLOWING`.
    mutating func parseFrameBound() throws(SQLError) -> WindowFrame.Bound {
        height = 0
        if accept("unbounded") {
            if accept("preceding") { return .unboundedPreceding }
            if accept("following") { return .unboundedFollowing }
            throw expected("PRECEDING or FOLLOWING after UNBOUNDED")
        }
        if current.isKeyword("current") {
            index += 1
            try expect("row")
            return .currentRow
        }
        let offset = try parseSubexpression(minimumPrecedence: Precedence.additive)
        if accept("preceding") { return .preceding(offset) }
        if accept("following") { return .following(offset) }
        throw expected("PRECEDING or FOLLOWING after a frame offset", hint: "ROWS BETWEEN 6 PRECEDING AND CURRENT ROW")
    }

    /// `WINDOW name AS (…), …`, from WINDOW.
    mutating func parseWindowClause() throws(SQLError) -> [NamedWindow] {
        index += 1
        var windows: [NamedWindow] = []
        var tallest = 0
        repeat {
            let name = try nonReservedIdentifier("a window name after WINDOW")
            if windows.contains(where: { $0.name.name == name.name }) {
                throw SQLError("window \"\(name.name)\" is defined twice", at: name.position)
            }
            try expect("as")
            try expectSymbol("(")
            let specification = try parseWindowBody(at: name.position)
            tallest = max(tallest, height)
            try expectSymbol(")")
            windows.append(NamedWindow(name: name, specification: specification))
        } while acceptSymbol(",")
        height = tallest
        return windows
    }
}
