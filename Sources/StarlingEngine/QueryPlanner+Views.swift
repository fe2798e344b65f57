/// Views in FROM: a view's text parsed and planned where its name is used, with its own
/// positions, so that an error inside it names the view and the place in its text.

import StarlingColumns
import StarlingExecution
import StarlingSQL
import StarlingStorage

/// One use of a view while planning a statement: where the positions of its text start, and
/// where the name that used it stands (in the statement, or in another view's text).
struct ViewExpansion {
    let name: String
    let text: String
    /// What the positions of the view's text are shifted by (see ``QueryPlanner/viewBase``).
    let base: Int
    let reference: SourcePosition

    /// Whether `offset` lies in the view's text.
    func contains(_ offset: Int) -> Bool {
        offset >= base && offset <= base + text.utf8.count
    }

    /// `in view v at line 1:15: `, with the line and column of `offset` in the view's text.
    func prefix(for offset: Int) -> String {
        let (line, column) = SourcePosition(offset - base).lineAndColumn(in: text)
        return "in view \(name) at line \(line):\(column): "
    }
}

extension QueryPlanner {
    /// The first offset of the `n`-th view expansion's positions (from 1): far beyond any
    /// statement's text, so a position tells whose text it is in.
    static func viewBase(_ expansion: Int) -> Int { expansion << 40 }

    /// The most views one statement may expand (each use counts; below 2^23, where
    /// ``viewBase(_:)`` would leave Int's range), and how deep views may use views.
    static let maximumViewExpansions = 10_000
    static let maximumViewNesting = 32

    /// Plans the view `view` used by the name `reference`: its text parsed and bound as if it
    /// stood alone (no common table expression or enclosing query of the statement is visible in
    /// it), its columns named by the view's column list and made distinct as DuckDB makes them
    /// (`a`, `a_1`). Returns the plan and the column names.
    func planView(_ view: CatalogView, reference: Identifier) throws(SQLError) -> (
        plan: LogicalOperator, names: [String]
    ) {
        if let first = viewsBeingPlanned.firstIndex(of: view.name) {
            let cycle = (viewsBeingPlanned[first...] + [view.name]).joined(separator: " → ")
            let error = SQLError(
                "view \(view.name) refers to itself: \(cycle)", at: reference.position,
                hint: "CREATE OR REPLACE VIEW one of them without the other")
            viewCycle = error
            throw error
        }
        guard viewExpansions.count < Self.maximumViewExpansions else {
            throw SQLError(
                "the statement expands views more than \(Self.maximumViewExpansions) times",
                at: reference.position, hint: "views that use a view several times multiply its expansions")
        }
        // Each view's text may nest 1,000 levels; the chain is bounded so the planner's
        // recursion stays within the statement thread's stack.
        guard viewsBeingPlanned.count < Self.maximumViewNesting else {
            throw SQLError(
                "views nested too deeply at \(view.name)", at: reference.position,
                hint: "at most \(Self.maximumViewNesting) views may use one another in a chain")
        }
        let expansion = ViewExpansion(
            name: view.name, text: view.sql, base: Self.viewBase(viewExpansions.count + 1),
            reference: reference.position)
        viewExpansions.append(expansion)
        viewsBeingPlanned.append(view.name)
        // The view sees only the catalog: the statement's scopes are put aside while it is planned.
        let saved = (commonTableExpressions, enclosingScopes, groupedScopes, outerBlocks, parameterFrames)
        commonTableExpressions = []
        enclosingScopes = []
        groupedScopes = []
        outerBlocks = []
        parameterFrames = []
        defer {
            (commonTableExpressions, enclosingScopes, groupedScopes, outerBlocks, parameterFrames) = saved
            viewsBeingPlanned.removeLast()
        }
        do throws(SQLError) {
            let query = try Parser.parseQuery(view.sql, base: expansion.base)
            return try planViewQuery(
                query, name: view.name, columnNames: view.columnNames, at: SourcePosition(expansion.base))
        } catch {
            if let cycle = viewCycle, cycle == error {
                // Reported once, at the name in the statement, rather than wrapped in every view.
                guard !viewExpansions.contains(where: { $0.contains(reference.position.offset) }) else { throw error }
                viewCycle = nil
                throw SQLError(cycle.message, at: reference.position, hint: cycle.hint)
            }
            let prefix =
                expansion.contains(error.position.offset)
                ? expansion.prefix(for: error.position.offset) : "in view \(view.name): "
            throw SQLError(prefix + error.message, at: reference.position, hint: error.hint)
        }
    }

    /// Plans a view's query, its columns named by the view's column list (at most one name per
    /// column; `position` is where an error about that goes) and made distinct.
    func planViewQuery(_ query: Query, name: String, columnNames: [String]?, at position: SourcePosition)
        throws(SQLError) -> (plan: LogicalOperator, names: [String])
    {
        let planned = try plan(query)
        var names = planned.columns.map(\.name)
        if let columnNames {
            guard columnNames.count <= names.count else {
                throw SQLError(
                    "view \(name) has \(columnNames.count) column names but its query returns \(names.count) columns",
                    at: position)
            }
            for (index, column) in columnNames.enumerated() { names[index] = column }
        }
        return (planned, Self.distinctNames(names))
    }

    /// Names made distinct as DuckDB makes a view's: a repeated name gets `_1`, `_2`, … (skipping
    /// names already taken).
    static func distinctNames(_ names: [String]) -> [String] {
        var taken: [String: Int] = [:]
        var result: [String] = []
        for name in names {
            guard let count = taken[name] else {
                taken[name] = 1
                result.append(name)
                continue
            }
            var suffix = count
            var candidate = "\(name)_\(suffix)"
            while taken[candidate] != nil {
                suffix += 1
                candidate = "\(name)_\(suffix)"
            }
            taken[name] = suffix + 1
            taken[candidate] = 1
            result.append(candidate)
        }
        return result
    }

    /// `offset` as the statement's: while it lies in a view's text, the message gains the view's
    /// name and the line and column there, and the offset becomes that of the name that used
    /// the view.
    func statementPosition(_ offset: Int) -> (prefix: String, offset: Int) {
        var offset = offset
        var prefix = ""
        while let expansion = viewExpansions.last(where: { $0.contains(offset) }) {
            prefix = expansion.prefix(for: offset) + prefix
            offset = expansion.reference.offset
        }
        return (prefix, offset)
    }

    /// `error` with its position in the statement (see ``statementPosition(_:)``).
    func translated(_ error: SQLError) -> SQLError {
        let (prefix, offset) = statementPosition(error.position.offset)
        guard !prefix.isEmpty else { return error }
        return SQLError(prefix + error.message, at: SourcePosition(offset), hint: error.hint)
    }

    /// `error` with its position in the statement (see ``statementPosition(_:)``).
    func translated(_ error: QueryError) -> QueryError {
        guard let position = error.position else { return error }
        let (prefix, offset) = statementPosition(position)
        guard !prefix.isEmpty else { return error }
        return QueryError(error.kind, prefix + error.message, position: offset)
    }

    /// Runs `body`, mapping the positions of any SQL or query error inside a view's text to the
    /// statement's.
    func mappingViewPositions<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLError {
            throw translated(error)
        } catch let error as QueryError {
            throw translated(error)
        }
    }
}
