/// Unnesting subqueries of WHERE into joins: `[NOT] EXISTS` and `[NOT] IN` become semi and anti
/// joins, and a correlated scalar subquery with an aggregate becomes a grouped subquery joined on
/// its correlation keys (Neumann and Kemper's unnesting, for equality correlations).

import StarlingColumns
import StarlingExecution
import StarlingSQL

/// How a subquery reads the block around it.
struct Correlation {
    /// The subquery's block without its correlated conditions.
    var select: Select
    /// `inner = outer` conditions: an expression over the subquery's FROM, and one over the
    /// enclosing block's.
    var keys: [(inner: Expression, outer: Expression)]
    /// The other conditions that read the enclosing block.
    var residuals: [Expression]
    /// Whether a column reference names the enclosing block (decided by scope, innermost first).
    var isOuter: ((qualifier: Identifier?, name: Identifier)) -> Bool

    var isCorrelated: Bool { !keys.isEmpty || !residuals.isEmpty }
}

/// A semi or anti join planned from a WHERE subquery, applied once FROM's inner joins are planned.
struct SubqueryJoin {
    var plan: LogicalOperator
    var kind: HashJoinSpecification.Kind
    /// Over FROM's scope as it was when the join was planned (`scopeCount` columns).
    var probeKeys: [BoundExpression]
    /// Over `plan`'s columns.
    var buildKeys: [BoundExpression]
    /// Over FROM's first `scopeCount` columns followed by `plan`'s (index `scopeCount + j`).
    var residual: BoundExpression?
    var scopeCount: Int
    /// For a mark join from `IN`: when a row with equal keys makes the mark NULL, not FALSE.
    var markNull: BoundExpression? = nil

    /// The FROM columns the join reads from its probe side.
    var probeColumnsUsed: Set<Int> {
        var used = Set(probeKeys.flatMap(\.columnsUsed))
        used.formUnion((residual?.columnsUsed ?? []).filter { $0 < scopeCount })
        return used
    }
}

extension QueryPlanner {
    /// Binds WHERE. Subquery conditions that unnest become semi or anti joins (returned, to apply
    /// after the inner joins) or, for correlated scalar subqueries, leaves added to `from` with
    /// their key equalities among the returned conjuncts.
    /// Conditions that still hold a subquery are returned unbound (`deferred`): once FROM has
    /// every leaf, their correlated subqueries become value joins (``unnestValueSubqueries``).
    func bindWhere(_ whereClause: Expression, from: inout FromClause, items: [TableReference]) throws(SQLError) -> (conjuncts: [BoundExpression], joins: [SubqueryJoin], deferred: [Expression]) {
        var conjuncts: [BoundExpression] = []
        var joins: [SubqueryJoin] = []
        var deferred: [Expression] = []
        let parts = whereClause.astConjuncts
        for (index, part) in parts.enumerated() {
            // A rule that cannot unnest the subquery (a column of a block further out, deep inside
            // it) leaves it to the general path, which plans it again and reports any error.
            if let join = (try? subqueryJoin(part, from: from)) ?? nil {
                joins.append(join)
                continue
            }
            outerBlocks.append((items, parts.enumerated().filter { $0.offset != index }.map(\.element)))
            defer { outerBlocks.removeLast() }
            let rewritten = try unnestScalarSubqueries(in: part, from: &from, conjuncts: &conjuncts)
            if rewritten.containsSubquery {
                deferred.append(rewritten)
                continue
            }
            let context = ExpressionContext(scope: from.scope, clause: "WHERE")
            conjuncts.append(try coerce(try bind(rewritten, context), to: .boolean, at: part.position, what: "WHERE"))
        }
        return (conjuncts, joins, deferred)
    }

    /// The subquery's correlation with `outer`; nil when it is not one SELECT block, or a
    /// condition reading `outer` holds a subquery of its own, or its FROM names `outer` (those are
    /// planned as they are, correlated through parameters when they are).
    func correlation(of query: Query, outer: BindingScope) throws(SQLError) -> Correlation? {
        guard query.commonTableExpressions.isEmpty, query.limit == nil, query.offset == nil,
              case .select(let select) = query.body else { return nil }
        enclosingScopes.append(outer)
        defer { enclosingScopes.removeLast() }
        // The general path plans it again and reports any error there.
        guard let local = try? planFrom(select.from).scope else { return nil }
        let isOuter = { (reference: (qualifier: Identifier?, name: Identifier)) -> Bool in
            if let qualifier = reference.qualifier, local.entries.contains(where: { $0.qualifier == qualifier.name }) { return false }
            do { if try local.resolve(qualifier: reference.qualifier, name: reference.name) != nil { return false } } catch { return false }
            do { return try outer.resolve(qualifier: reference.qualifier, name: reference.name) != nil } catch { return true }
        }
        func reads(_ expression: Expression) -> (local: Bool, outer: Bool) {
            let references = expression.columnReferences
            return (references.contains { !isOuter($0) }, references.contains(where: isOuter))
        }
        var kept: [Expression] = []
        var keys: [(inner: Expression, outer: Expression)] = []
        var residuals: [Expression] = []
        for conjunct in select.whereClause?.astConjuncts ?? [] {
            guard reads(conjunct).outer else { kept.append(conjunct); continue }
            if conjunct.containsSubquery { return nil }
            if case .binary(.equal, let a, let b, _) = conjunct {
                let (aLocal, aOuter) = reads(a), (bLocal, bOuter) = reads(b)
                if aLocal && !aOuter && bOuter && !bLocal { keys.append((a, b)); continue }
                if bLocal && !bOuter && aOuter && !aLocal { keys.append((b, a)); continue }
            }
            residuals.append(conjunct)
        }
        var rewritten = select
        rewritten.whereClause = Expression.conjunction(kept)
        return Correlation(select: rewritten, keys: keys, residuals: residuals, isOuter: isOuter)
    }

    /// Whether the subquery names the enclosing block only in its WHERE clause (a rule can unnest
    /// it); otherwise it is planned with parameters.
    func isOnlyWhereCorrelated(_ correlation: Correlation, original: Select, items: Bool) -> Bool {
        var others = original.groupBy + (original.having.map { [$0] } ?? [])
        if items { others += original.items.map(\.expression) }
        return !others.contains { $0.columnReferences.contains(where: correlation.isOuter) }
    }

    /// `[NOT] EXISTS (…)`, a correlated `x [NOT] IN (…)`, or an uncorrelated `x IN (…)` as a semi
    /// or anti join; nil for any other condition.
    func subqueryJoin(_ condition: Expression, from: FromClause) throws(SQLError) -> SubqueryJoin? {
        var expression = condition
        var negate = false
        if case .unary(.not, let operand, _) = expression { expression = operand; negate = true }
        switch expression {
        case .exists(let query, let negated, let position):
            guard case .select(let original) = query.body, let correlation = try self.correlation(of: query, outer: from.scope),
                  correlation.isCorrelated else { return nil }
            guard isOnlyWhereCorrelated(correlation, original: original, items: false) else { return nil }
            return try semiJoin(correlation, value: nil, anti: negated != negate, from: from, at: position)
        case .inSubquery(let value, let query, let negated, let position):
            guard case .select(let original) = query.body, let correlation = try self.correlation(of: query, outer: from.scope) else { return nil }
            let anti = negated != negate
            // An uncorrelated NOT IN keeps the constant list (its NULL rules need the whole list).
            if anti && !correlation.isCorrelated { return nil }
            if original.items.count != 1 || original.items.contains(where: { if case .star = $0.expression { return true }; return false }) {
                if !correlation.isCorrelated { return nil }
                throw SQLError("the subquery in IN must return exactly one column", at: position)
            }
            guard isOnlyWhereCorrelated(correlation, original: original, items: true) else { return nil }
            return try semiJoin(correlation, value: value, anti: anti, from: from, at: position)
        default:
            return nil
        }
    }

    /// Plans the subquery's join: its block returns `__value` (IN's column), `__key0…` (the inner
    /// side of each correlation equality) and `__col0…` (its columns the residual conditions read).
    /// With `mark`, IN's value is compared in the residual, and `markNull` says when a row with
    /// equal keys leaves the answer unknown (either side NULL).
    /// Nil when no rule unnests it (it is then planned with parameters).
    func semiJoin(
        _ original: Correlation, value: Expression?, anti: Bool, from: FromClause, at position: SourcePosition,
        mark: Bool = false
    ) throws(SQLError) -> SubqueryJoin? {
        var correlation = original
        let grouped = !original.select.groupBy.isEmpty || original.select.groupingSets != nil
            || original.select.having != nil
            || original.select.items.contains { $0.expression.containsAggregate }
        // Without an equality to join on, or when the rows are grouped (a condition must hold
        // before grouping), other conditions go through a domain of the enclosing values.
        if !original.residuals.isEmpty && ((original.keys.isEmpty && (value == nil || mark || anti)) || grouped) {
            guard let rewritten = try withDomain(original, from: from) else { return nil }
            correlation = rewritten
        }
        var select = correlation.select
        var items: [SelectItem] = []
        if value != nil, let item = select.items.first {
            items.append(SelectItem(expression: item.expression, alias: Identifier("__value", at: position)))
        }
        for (index, key) in correlation.keys.enumerated() {
            items.append(SelectItem(expression: key.inner, alias: Identifier("__key\(index)", at: position)))
        }
        // Each inner column the residuals read, once, under a name that cannot clash with the
        // enclosing block's.
        var innerColumns: [(qualifier: Identifier?, name: Identifier)] = []
        for residual in correlation.residuals {
            for reference in residual.columnReferences where !correlation.isOuter(reference) {
                if !innerColumns.contains(where: { $0.qualifier?.name == reference.qualifier?.name && $0.name.name == reference.name.name }) {
                    innerColumns.append(reference)
                }
            }
        }
        for (index, reference) in innerColumns.enumerated() {
            items.append(SelectItem(expression: .column(qualifier: reference.qualifier, name: reference.name), alias: Identifier("__col\(index)", at: position)))
        }
        let aggregated = !select.groupBy.isEmpty || select.groupingSets != nil || select.having != nil
            || select.items.contains { $0.expression.containsAggregate }
        if aggregated && correlation.isCorrelated {
            // Grouped per correlation key too; without GROUP BY the block is one row whatever
            // the key, which a join cannot express, and a condition other than an equality
            // must hold before the rows are grouped, not after.
            guard !select.groupBy.isEmpty, select.groupingSets == nil, !select.groupsByAll, correlation.residuals.isEmpty
            else { return nil }
            select.groupBy += correlation.keys.map(\.inner)
        }
        select.items = items
        select.distinct = false
        let plan = try planNested(Query(body: .select(select), position: position), enclosing: from.scope)

        let scopeCount = from.scope.entries.count
        let outerContext = ExpressionContext(scope: from.scope, clause: "WHERE")
        var probeKeys: [BoundExpression] = []
        var buildKeys: [BoundExpression] = []
        var residuals: [BoundExpression] = []
        var markNull: BoundExpression?
        let keyOffset = value == nil ? 0 : 1
        for (index, key) in correlation.keys.enumerated() {
            let column = keyOffset + index
            let (probe, build) = try keyPair(try bind(key.outer, outerContext), .column(column, plan.columns[column].type), at: key.outer.position)
            probeKeys.append(probe)
            buildKeys.append(build)
        }
        let combined = BindingScope(entries: from.scope.entries + plan.columns.map { BindingScope.Entry(qualifier: nil, name: $0.name, type: $0.type) })
        let combinedContext = ExpressionContext(scope: combined, clause: "WHERE")
        if let value {
            let outerValue = try bind(value, outerContext)
            if mark {
                let inner = BoundExpression.column(scopeCount, plan.columns[0].type)
                residuals.append(try comparison(.equal, outerValue, inner, at: value.position))
                markNull = .or([.isNull(outerValue, negated: false), .isNull(inner, negated: false)])
            } else if anti {
                // x NOT IN (…): no row of the group may equal x or be NULL, and a NULL x finds every
                // non-empty group: a match is `x = v OR x IS NULL OR v IS NULL`.
                let inner = BoundExpression.column(scopeCount, plan.columns[0].type)
                let equal = try comparison(.equal, outerValue, inner, at: value.position)
                residuals.append(.or([equal, .isNull(outerValue, negated: false), .isNull(inner, negated: false)]))
            } else {
                let (probe, build) = try keyPair(outerValue, .column(0, plan.columns[0].type), at: value.position)
                probeKeys.append(probe)
                buildKeys.append(build)
            }
        }
        for residual in correlation.residuals {
            let renamed = residual.replacing { expression in
                guard case .column(let qualifier, let name) = expression, !correlation.isOuter((qualifier, name)),
                      let index = innerColumns.firstIndex(where: { $0.qualifier?.name == qualifier?.name && $0.name.name == name.name }) else { return nil }
                return .column(qualifier: nil, name: Identifier("__col\(index)", at: name.position))
            }
            residuals.append(try coerce(try bind(renamed, combinedContext), to: .boolean, at: residual.position, what: "WHERE"))
        }
        guard !probeKeys.isEmpty else { return nil }
        // The value's comparison was bound first: the correlation's other conditions follow it.
        if let nullCase = markNull, residuals.count > 1 { markNull = .and(Array(residuals.dropFirst()) + [nullCase]) }
        return SubqueryJoin(plan: plan, kind: anti ? .anti : .semi, probeKeys: probeKeys, buildKeys: buildKeys,
                            residual: residuals.isEmpty ? nil : (residuals.count == 1 ? residuals[0] : .and(residuals)), scopeCount: scopeCount,
                            markNull: markNull)
    }

    /// The semi and anti joins of WHERE's subqueries over the planned FROM (which keeps its
    /// columns: these joins only drop rows).
    func applySubqueryJoins(_ joins: [SubqueryJoin], to input: PlanNode, positions: [Int: Int]) throws(SQLError) -> PlanNode {
        var current = input
        for join in joins {
            let width = current.columns.count
            let scopeCount = join.scopeCount
            var buildRequired = Set(join.buildKeys.flatMap(\.columnsUsed))
            buildRequired.formUnion((join.residual?.columnsUsed ?? []).filter { $0 >= scopeCount }.map { $0 - scopeCount })
            let build = try lower(join.plan, required: buildRequired)
            let probeKeys = join.probeKeys.map { $0.remapColumns { positions[$0] ?? 0 } }
            let residual = join.residual?.remapColumns { column in
                column < scopeCount ? (positions[column] ?? 0) : width + (build.positions[column - scopeCount] ?? 0)
            }
            var specification = HashJoinSpecification(kind: join.kind, probeKeys: probeKeys, buildKeys: join.buildKeys.map(build.remap), residual: residual)
            // Build on the query's rows instead when they look much fewer than the subquery's.
            specification.buildsProbeSide = CardinalityEstimate.product(current.estimatedRows, 4) < build.node.estimatedRows
            let estimate = join.kind == .semi ? max(1, current.estimatedRows / 2) : current.estimatedRows
            current = node(.hashJoin(probe: current, build: build.node, specification), columns: current.columns, estimatedRows: estimate)
        }
        return current
    }

    /// Where the enclosing block's keys come from: the one FROM item `key` reads, with the
    /// conditions on that item alone, when they restrict it (TPC-H Q17's part with its brand and
    /// container); otherwise the whole block with all its conditions, when some restrict it; nil
    /// when nothing does (then every key may occur, and restricting would only cost).
    func keySource(_ key: Expression, _ items: [TableReference], _ conditions: [Expression]) -> ([TableReference], [Expression])? {
        for item in items {
            guard let scope = try? planFrom([item]).scope else { continue }
            let resolves = { (expression: Expression) -> Bool in
                expression.columnReferences.allSatisfy { reference in
                    (try? scope.resolve(qualifier: reference.qualifier, name: reference.name)).flatMap { $0 } != nil
                }
            }
            guard resolves(key) else { continue }
            let local = conditions.filter(resolves)
            if local.contains(where: \.isRestrictive) { return ([item], local) }
        }
        return conditions.contains(where: \.isRestrictive) ? (items, conditions) : nil
    }

    /// The two sides of `probe = build` converted to one type, for a hash join's keys.
    func keyPair(_ probe: BoundExpression, _ build: BoundExpression, at position: SourcePosition) throws(SQLError) -> (BoundExpression, BoundExpression) {
        let type: LogicalType
        if probe.type == build.type {
            type = probe.type
        } else if let common = TypeRules.common(probe.type, build.type) {
            type = common
        } else {
            throw SQLError("cannot compare \(probe.type) with the subquery's \(build.type)", at: position)
        }
        return (try coerce(probe, to: type, at: position, what: "a subquery condition"), try coerce(build, to: type, at: position, what: "a subquery condition"))
    }

    /// A correlated scalar subquery compared in a WHERE condition (`x < (SELECT 0.2 * avg(…) …
    /// WHERE inner = outer)`), directly or through arithmetic and casts, becomes a FROM leaf
    /// grouped by its correlation keys, joined on them, and the condition names its value. An
    /// inner join is right there: a key with no group gives NULL, and the comparison then drops
    /// the row anyway; the subquery's value must therefore be NULL on no rows (not `count`).
    func unnestScalarSubqueries(in condition: Expression, from: inout FromClause, conjuncts: inout [BoundExpression]) throws(SQLError) -> Expression {
        guard case .binary(let op, let left, let right, let position) = condition,
              [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) else { return condition }
        return .binary(op, try unnestOperand(left, from: &from, conjuncts: &conjuncts),
                       try unnestOperand(right, from: &from, conjuncts: &conjuncts), position: position)
    }

    private func unnestOperand(_ operand: Expression, from: inout FromClause, conjuncts: inout [BoundExpression]) throws(SQLError) -> Expression {
        switch operand {
        case .binary(let op, let left, let right, let position) where op.isArithmetic:
            return .binary(op, try unnestOperand(left, from: &from, conjuncts: &conjuncts),
                           try unnestOperand(right, from: &from, conjuncts: &conjuncts), position: position)
        case .unary(let op, let value, let position) where op != .not:
            return .unary(op, try unnestOperand(value, from: &from, conjuncts: &conjuncts), position: position)
        case .cast(let value, let type, let orNull, let position):
            return .cast(try unnestOperand(value, from: &from, conjuncts: &conjuncts), type, orNull: orNull, position: position)
        case .scalarSubquery(let query, let position):
            guard case .select(let original) = query.body, let correlation = try self.correlation(of: query, outer: from.scope),
                  correlation.isCorrelated else { return operand }
            guard isOnlyWhereCorrelated(correlation, original: original, items: true) else { return operand }
            // Other shapes (no aggregate, count, which is 0 over no rows) become value joins later.
            guard original.items.count == 1, let item = original.items.first, original.groupBy.isEmpty,
                  original.groupingSets == nil, original.having == nil,
                  item.expression.containsAggregate, item.expression.isNullOnNoRows else { return operand }
            guard let equalities = try withDomain(correlation, from: from, conditions: conjuncts) else {
                return operand
            }
            var (joined, conditions) = (from, conjuncts)
            guard
                let value = try? scalarLeaf(
                    equalities, item: item, from: &joined, conjuncts: &conditions, at: position)
            else { return operand }
            (from, conjuncts) = (joined, conditions)
            return value
        default:
            return operand
        }
    }

    /// Adds the grouped subquery as a hidden FROM leaf (`__sqN.value`, `__sqN.key0…`), its key
    /// equalities to `conjuncts`, and returns the reference to its value.
    private func scalarLeaf(_ correlation: Correlation, item: SelectItem, from: inout FromClause, conjuncts: inout [BoundExpression], at position: SourcePosition) throws(SQLError) -> Expression {
        var select = correlation.select
        select.items = [SelectItem(expression: item.expression, alias: Identifier("value", at: position))]
        for (index, key) in correlation.keys.enumerated() {
            select.items.append(SelectItem(expression: key.inner, alias: Identifier("key\(index)", at: position)))
        }
        select.groupBy = correlation.keys.map(\.inner)
        select.distinct = false
        // Only the keys the enclosing block can hold need a group (DuckDB's delim join): when
        // that block has conditions of its own, the subquery first keeps the rows whose first key
        // is among the block's keys (an IN, which becomes a semi join, early when selective).
        // TPC-H Q17 then averages the lines of 204 parts, not of all 200,000.
        var restricted: LogicalOperator?
        if let block = outerBlocks.last, let key = correlation.keys.first {
            let usable = block.otherConjuncts.filter { !$0.containsScalarOrExists }
            if let (keyFrom, keyConditions) = keySource(key.outer, block.from, usable) {
                let keys = Select(items: [SelectItem(expression: key.outer)], from: keyFrom, whereClause: Expression.conjunction(keyConditions), position: position)
                var narrowed = select
                let restriction = Expression.inSubquery(key.inner, Query(body: .select(keys), position: position), negated: false, position: position)
                narrowed.whereClause = Expression.conjunction((select.whereClause.map { [$0] } ?? []) + [restriction])
                // Anything the copy cannot plan (names of a query further out) keeps the plain form.
                restricted = try? planNested(Query(body: .select(narrowed), position: position), enclosing: from.scope)
            }
        }
        let plan: LogicalOperator
        if let restricted {
            plan = restricted
        } else {
            plan = try planNested(Query(body: .select(select), position: position), enclosing: from.scope)
        }
        let outerContext = ExpressionContext(scope: from.scope, clause: "WHERE")
        let outerKeys = try correlation.keys.map { (key) throws(SQLError) -> BoundExpression in try bind(key.outer, outerContext) }
        let qualifier = "__sq\(from.leaves.count)"
        let offset = from.scope.entries.count
        let entries = plan.columns.map { BindingScope.Entry(qualifier: qualifier, name: $0.name, type: $0.type, hidden: true) }
        from.add(.plan(plan), entries: entries, estimatedRows: plan.estimatedRows)
        for (index, outerKey) in outerKeys.enumerated() {
            let inner = BoundExpression.column(offset + 1 + index, plan.columns[1 + index].type)
            conjuncts.append(try comparison(.equal, outerKey, inner, at: correlation.keys[index].outer.position))
        }
        return .column(qualifier: Identifier(qualifier, at: position), name: Identifier("value", at: position))
    }
}

extension BinaryOperator {
    /// `+ - * / // % ||`: NULL in, NULL out.
    var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide, .integerDivide, .modulo, .concatenate: return true
        default: return false
        }
    }
}

extension Expression {
    /// Whether an aggregate block computing this expression gives NULL over no rows (an
    /// aggregate other than count, through NULL-propagating arithmetic and casts).
    var isNullOnNoRows: Bool {
        switch self {
        case .function(let call) where Expression.aggregateNames.contains(call.name.name.lowercased()):
            return !Expression.zeroOnNoRows.contains(call.name.name.lowercased())
        case .binary(let op, let left, let right, _) where op.isArithmetic:
            return left.isNullOnNoRows || right.isNullOnNoRows
        case .unary(let op, let value, _) where op != .not:
            return value.isNullOnNoRows
        case .cast(let value, _, _, _):
            return value.isNullOnNoRows
        default:
            return false
        }
    }
}

extension Expression {
    /// Whether a subquery appears in this block's expression.
    var containsSubquery: Bool {
        switch self {
        case .exists, .scalarSubquery, .inSubquery: return true
        default: return subexpressions.contains { $0.containsSubquery }
        }
    }
}

extension Expression {
    /// Whether a scalar subquery or EXISTS appears in this block's expression.
    var containsScalarOrExists: Bool {
        switch self {
        case .exists, .scalarSubquery: return true
        default: return subexpressions.contains { $0.containsScalarOrExists }
        }
    }

    /// Whether the condition restricts its rows by itself: it holds a constant or an IN
    /// subquery (a join equality between two tables holds neither).
    var isRestrictive: Bool {
        switch self {
        case .literal, .inSubquery, .inList: return true
        default: return subexpressions.contains { $0.isRestrictive }
        }
    }
}
