/// Parsing GROUP BY: plain expressions, `GROUP BY ALL`, and the grouping sets written with
/// `()`, `ROLLUP (…)`, `CUBE (…)` and `GROUPING SETS (…)`.

extension Parser {
    /// The most grouping sets one GROUP BY may expand to (a CUBE of 12 items makes 4,096).
    static let maximumGroupingSets = 4096

    /// GROUP BY's items, after `GROUP BY`, into `select.groupBy` and (when any item is a
    /// grouping-set construct) `select.groupingSets`, the cross product of the items' sets.
    mutating func parseGroupBy(into select: inout Select) throws(SQLError) {
        if current.isKeyword("all") {
            select.groupBy = [.star(qualifier: nil, position: advance().position)]
            return
        }
        let start = current.position
        var sets: [[Int]] = [[]]
        var plain = true
        var tallest = 0
        repeat {
            let itemSets: [[Int]]
            if let construct = try parseGroupingConstruct(into: &select.groupBy) {
                itemSets = construct
                plain = false
            } else {
                select.groupBy.append(try parseExpression())
                itemSets = [[select.groupBy.count - 1]]
            }
            tallest = max(tallest, height)
            guard sets.count * itemSets.count <= Self.maximumGroupingSets else {
                throw SQLError("GROUP BY makes more than \(Self.maximumGroupingSets) grouping sets", at: start)
            }
            sets = sets.flatMap { set in itemSets.map { set + $0 } }
        } while acceptSymbol(",")
        height = tallest
        if !plain { select.groupingSets = sets }
    }

    /// `()`, `ROLLUP (…)`, `CUBE (…)` or `GROUPING SETS (…)` as lists of sets of positions in
    /// `expressions` (appending what they name); nil when the current item is none of them.
    private mutating func parseGroupingConstruct(into expressions: inout [Expression]) throws(SQLError) -> [[Int]]? {
        let position = current.position
        if current.isSymbol("(") && peek().isSymbol(")") {
            index += 2
            return [[]]
        }
        if current.isKeyword("rollup") && peek().isSymbol("(") {
            index += 2
            let elements = try parseGroupingElements(into: &expressions)
            guard elements.count < Self.maximumGroupingSets else {
                throw SQLError("GROUP BY makes more than \(Self.maximumGroupingSets) grouping sets", at: position)
            }
            return (0...elements.count).reversed().map { Array(elements.prefix($0).joined()) }
        }
        if current.isKeyword("cube") && peek().isSymbol("(") {
            index += 2
            let elements = try parseGroupingElements(into: &expressions)
            guard elements.count <= 12 else {
                throw SQLError("CUBE takes at most 12 items (it makes 2ⁿ grouping sets)", at: position)
            }
            // Every subset, the full set first and the empty one last.
            let full = (1 << elements.count) - 1
            return (0...full).reversed().map { mask in
                elements.indices.filter { mask & (1 << (elements.count - 1 - $0)) != 0 }.flatMap { elements[$0] }
            }
        }
        if current.isKeyword("grouping") && peek().isKeyword("sets") {
            try enterNesting()
            defer { depth -= 1 }
            index += 2
            try expectSymbol("(")
            var sets: [[Int]] = []
            repeat {
                if let nested = try parseGroupingConstruct(into: &expressions) {
                    sets += nested
                } else {
                    sets += try parseGroupingElement(into: &expressions).map { [$0] } ?? [[]]
                }
                guard sets.count <= Self.maximumGroupingSets else {
                    throw SQLError("GROUPING SETS lists more than \(Self.maximumGroupingSets) sets", at: position)
                }
            } while acceptSymbol(",")
            try expectSymbol(")")
            return sets
        }
        return nil
    }

    /// ROLLUP's and CUBE's items after the opening parenthesis, through the closing one: each an
    /// expression or a parenthesised list that rolls up as one.
    private mutating func parseGroupingElements(into expressions: inout [Expression]) throws(SQLError) -> [[Int]] {
        var elements: [[Int]] = []
        if current.isSymbol(")") { throw SQLError("ROLLUP and CUBE items cannot be empty", at: current.position) }
        repeat {
            guard let element = try parseGroupingElement(into: &expressions) else {
                throw SQLError("ROLLUP and CUBE items cannot be empty", at: current.position)
            }
            elements.append(element)
        } while acceptSymbol(",")
        try expectSymbol(")")
        return elements
    }

    /// An expression, or `(e1, e2, …)` naming several at once (`()` is nil); positions in
    /// `expressions`.
    private mutating func parseGroupingElement(into expressions: inout [Expression]) throws(SQLError) -> [Int]? {
        if current.isSymbol("(") {
            if peek().isSymbol(")") {
                index += 2
                return nil
            }
            // `(a, b)` is a list; `(a + b) * 2` an expression that starts with a parenthesis.
            if let list = parenthesisedList() {
                let next = tokens[min(list.end + 1, tokens.count - 1)]
                if list.hasComma || next.isSymbol(",") || next.isSymbol(")") {
                    index += 1
                    let items = try parseExpressionList()
                    try expectSymbol(")")
                    expressions += items
                    return Array((expressions.count - items.count)..<expressions.count)
                }
            }
        }
        expressions.append(try parseExpression())
        return [expressions.count - 1]
    }
}
