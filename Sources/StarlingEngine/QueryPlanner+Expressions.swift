/// Binding expressions: names to columns, types checked and converted, constants folded.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// Binds `expression` in `context`.
    func bind(_ expression: Expression, _ context: ExpressionContext) throws(SQLError) -> BoundExpression {
        if let aggregation = context.aggregation, let bound = try bindAboveAggregation(expression, aggregation, context) {
            return bound
        }
        switch expression {
        case .literal(let literal):
            return try bindLiteral(literal)
        case .column(let qualifier, let name):
            guard let index = try context.scope.resolve(qualifier: qualifier, name: name) else {
                let shown = (qualifier.map { $0.name + "." } ?? "") + name.name
                if let parameter = try parameter(qualifier: qualifier, name: name) { return parameter }
                let resolves = { (scope: BindingScope) in (try? scope.resolve(qualifier: qualifier, name: name)).flatMap { $0 } != nil }
                if groupedScopes.contains(where: { resolves($0.from) && !resolves($0.groups) }) {
                    throw SQLError("subquery uses ungrouped column \"\(shown)\" from the enclosing query; it must appear in the GROUP BY clause or be used in an aggregate function",
                                   at: qualifier?.position ?? name.position)
                }
                if enclosingScopes.contains(where: resolves) {
                    throw SQLError("a correlated subquery naming \(shown) here is not supported",
                                   at: qualifier?.position ?? name.position)
                }
                throw context.scope.unknown(qualifier: qualifier, name: name)
            }
            return .column(index, context.scope.entries[index].type)
        case .star(_, let position):
            throw SQLError("* is only allowed in a SELECT list or count(*)", at: position)
        case .unary(let op, let operand, let position):
            let bound = try bind(operand, context)
            switch op {
            case .not: return .not(try coerce(bound, to: .boolean, at: operand.position, what: "NOT"))
            case .plus:
                guard TypeRules.isNumeric(bound.type) else { throw SQLError("cannot apply + to \(bound.type)", at: position) }
                return bound
            case .negate:
                guard TypeRules.isNumeric(bound.type) || bound.type == .interval else {
                    throw SQLError("cannot negate \(bound.type)", at: position)
                }
                return try fold(.negate(bound), at: position)
            }
        case .binary(let op, let left, let right, let position):
            return try bindBinary(op, left, right, position, context)
        case .between(let value, let low, let high, let negated, let position):
            let bound = try bind(value, context)
            let lower = try comparison(.greaterOrEqual, bound, try bind(low, context), at: position)
            let upper = try comparison(.lessOrEqual, bound, try bind(high, context), at: position)
            let both = BoundExpression.and([lower, upper])
            return negated ? .not(both) : both
        case .inList(let value, let list, let negated, let position):
            let bound = try bind(value, context)
            var items = try list.map { (item) throws(SQLError) -> BoundExpression in try bind(item, context) }
            var type = bound.type
            for item in items where !isNullConstant(item) {
                guard let common = TypeRules.common(type, item.type) ?? (item.isConstant && item.type == .varchar ? type : nil) else {
                    throw SQLError("cannot compare \(bound.type) with \(item.type) in IN", at: position)
                }
                type = common
            }
            let operand = try coerce(bound, to: type, at: value.position, what: "IN")
            items = try items.map { (item) throws(SQLError) -> BoundExpression in try coerce(item, to: type, at: position, what: "IN") }
            if items.allSatisfy({ if case .constant = $0 { return true }; return false }) {
                let values = items.map { if case .constant(let v, _) = $0 { return v }; return Value.null }
                return .inList(operand, values, negated: negated)
            }
            let equalities = items.map { BoundExpression.comparison(.equal, operand, $0) }
            return negated ? .not(.or(equalities)) : .or(equalities)
        case .inSubquery(let value, let query, let negated, let position):
            let bound = try bind(value, context)
            let (plan, parameters) = try planWithParameters(query, context)
            guard plan.columns.count == 1 else {
                throw SQLError("the subquery in IN returns \(plan.columns.count) columns; it must return one", at: position)
            }
            let nulls = plan.nullColumns
            guard let type = nulls.isEmpty ? TypeRules.common(bound.type, plan.columns[0].type) : bound.type else {
                throw SQLError("cannot compare \(bound.type) with the subquery's \(plan.columns[0].type)", at: position)
            }
            let converted = try convert(plan, to: [type], nullColumns: nulls, at: position)
            let subquery = SubqueryValue(
                plan: try physical(optimize(converted)), kind: .values, position: position.offset,
                parameters: parameters)
            return .inSubquery(try coerce(bound, to: type, at: position, what: "IN"), subquery, negated: negated)
        case .exists(let query, let negated, let position):
            // Whether there is a row: the first one is enough.
            let (plan, parameters) = try planWithParameters(query, context)
            let first = LogicalOperator(.limit(plan, limit: 1, offset: 0), columns: plan.columns, estimatedRows: min(1, plan.estimatedRows))
            return .subquery(
                SubqueryValue(
                    plan: try physical(optimize(first)), kind: .exists(negated: negated), position: position.offset,
                    parameters: parameters))
        case .scalarSubquery(let query, let position):
            let (plan, parameters) = try planWithParameters(query, context)
            guard plan.columns.count == 1 else {
                throw SQLError("a scalar subquery must return one column; this one returns \(plan.columns.count)", at: position)
            }
            // A second row is an error: two are enough to tell.
            let firstTwo = LogicalOperator(.limit(plan, limit: 2, offset: 0), columns: plan.columns, estimatedRows: min(2, plan.estimatedRows))
            return .subquery(
                SubqueryValue(
                    plan: try physical(optimize(firstTwo)), kind: .scalar, position: position.offset,
                    parameters: parameters))
        case .like(let value, let pattern, let escape, let negated, let caseInsensitive, _):
            return try bindLike(value, pattern, escape: escape, negated: negated, caseInsensitive: caseInsensitive, context)
        case .isNull(let value, let negated, _):
            return .isNull(try bind(value, context), negated: negated)
        case .caseWhen(let operand, let branches, let otherwise, let position):
            return try bindCase(operand, branches, otherwise, position, context)
        case .cast(let value, let type, let orNull, let position):
            if type == .varchar, let name = try bindObjectIdentifierName(value, context) { return name }
            let bound = try bind(value, context)
            if isNullConstant(bound) { return .constant(.null, type) }
            if orNull { return try fold(.function(.tryCast, [bound], type), at: position) }
            return try fold(.cast(bound, type), at: position)
        case .function(let call):
            if let session = try bindSessionFunction(call, context) { return session }
            if let postgres = try bindPostgresFunction(call, context) { return postgres }
            return try bindFunction(call, context)
        case .interval(let interval):
            return try bindIntervalLiteral(interval)
        }
    }

    /// `value [NOT] [I]LIKE pattern [ESCAPE escape]`: a constant pattern (and escape) compiled
    /// now, its errors placed at the pattern or the escape; any other compiled per distinct
    /// pattern while the query runs.
    func bindLike(
        _ value: Expression, _ pattern: Expression, escape: Expression?, negated: Bool, caseInsensitive: Bool,
        _ context: ExpressionContext
    ) throws(SQLError) -> BoundExpression {
        let name = caseInsensitive ? "ILIKE" : "LIKE"
        let bound = try coerce(try bind(value, context), to: .varchar, at: value.position, what: name)
        let patternBound = try coerce(try bind(pattern, context), to: .varchar, at: pattern.position, what: name)
        var escapeBound: BoundExpression?
        var escapeByte: UInt8?
        if let escape {
            let boundEscape = try coerce(try bind(escape, context), to: .varchar, at: escape.position, what: "ESCAPE")
            escapeBound = boundEscape
            if case .constant(let escapeValue, _) = boundEscape {
                guard case .string(let text) = escapeValue else { return .constant(.null, .boolean) }
                do { escapeByte = try LikePattern.escapeByte(text) } catch {
                    throw SQLError(error.message, at: escape.position)
                }
            }
        }
        let constantEscape = escapeBound?.isConstant ?? true
        guard case .constant(let patternValue, _) = patternBound, constantEscape else {
            // A pattern or escape from a column: compiled per distinct pattern while running.
            let call = BoundExpression.function(
                caseInsensitive ? .ilike : .like, [bound, patternBound] + (escapeBound.map { [$0] } ?? []), .boolean)
            return negated ? .not(call) : call
        }
        guard case .string(let text) = patternValue else { return .constant(.null, .boolean) }
        do {
            let compiled = try LikePattern(text, caseInsensitive: caseInsensitive, escape: escapeByte)
            return .like(bound, compiled, negated: negated)
        } catch {
            throw SQLError(error.message, at: pattern.position)
        }
    }

    /// Binds a constant.
    func bindLiteral(_ literal: Literal) throws(SQLError) -> BoundExpression {
        switch literal.kind {
        case .null: return .constant(.null, .integer)
        case .boolean(let flag): return .constant(.boolean(flag), .boolean)
        case .string(let text): return .constant(.string(text), .varchar)
        case .number(let text):
            if text.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "+" }), let number = Int64(text) {
                return .constant(.integer(number), Int32(exactly: number) != nil ? .integer : .bigint)
            }
            if !text.contains("e") && !text.contains("E"), let dot = text.firstIndex(of: ".") {
                let digits = text.filter(\.isNumber)
                let scale = text.distance(from: dot, to: text.endIndex) - 1
                let precision = max(digits.count, scale, 1)
                if precision <= 18 {
                    let type = LogicalType.decimal(precision: precision, scale: scale)
                    if let value = try? ValueParsing.parse(text, as: type) { return .constant(value, type) }
                }
            }
            guard let number = Double(text) else { throw SQLError("\(text) is not a number", at: literal.position) }
            return .constant(.double(number), .double)
        case .typed(let typeName, let text):
            let type: LogicalType = typeName == "date" ? .date : .timestamp
            do { return .constant(try ValueParsing.parse(text, as: type), type) } catch {
                throw SQLError(error.message, at: literal.position)
            }
        }
    }

    /// The value of a constant number (an integer, a DECIMAL's scaled integer over its scale, a
    /// double); nil for anything else.
    func constantNumber(_ expression: BoundExpression) -> Double? {
        guard case .constant(let value, let type) = expression else { return nil }
        switch value {
        case .integer(let integer):
            var scale = 0
            if case .decimal(_, let given) = type { scale = given }
            return Double(integer) / Double(ValueParsing.power10(scale))
        case .double(let double): return double
        default: return nil
        }
    }

    func isNullConstant(_ expression: BoundExpression) -> Bool {
        if case .constant(let value, _) = expression { return value.isNull }
        return false
    }

    /// Evaluates an expression without columns now.
    func fold(_ expression: BoundExpression, at position: SourcePosition = SourcePosition(0)) throws(SQLError) -> BoundExpression {
        guard expression.isConstant else { return expression }
        if case .constant = expression { return expression }
        do {
            return .constant(try ExpressionEvaluator.constantValue(expression), expression.type)
        } catch {
            throw SQLError(error.message, at: position)
        }
    }

    /// `expression` converted to `type` (constants converted now), or an error.
    func coerce(_ expression: BoundExpression, to type: LogicalType, at position: SourcePosition, what: String) throws(SQLError) -> BoundExpression {
        if expression.type == type { return expression }
        if isNullConstant(expression) { return .constant(.null, type) }
        let allowed = TypeRules.common(expression.type, type) == type
            || (expression.isConstant && expression.type == .varchar)
            || (type == .varchar && expression.type != .varchar && what == "||")
        guard allowed else {
            throw SQLError("\(what) cannot use \(expression.type) as \(type)", at: position, hint: "add an explicit CAST")
        }
        return try fold(.cast(expression, type), at: position)
    }

    /// `left op right` with both sides converted to their common type.
    func comparison(_ op: ComparisonOperator, _ left: BoundExpression, _ right: BoundExpression, at position: SourcePosition) throws(SQLError) -> BoundExpression {
        // A constant that the other side's type holds exactly takes that type, so the column is
        // compared as stored (and zone maps apply): `lo_quantity < 25` on a TINYINT.
        if let narrowed = narrowConstant(right, to: left) {
            return try fold(.comparison(op, left, narrowed), at: position)
        }
        if let narrowed = narrowConstant(left, to: right) {
            return try fold(.comparison(op, narrowed, right), at: position)
        }
        if let onDays = dateComparison(op, left, right) ?? dateComparison(op.swapped, right, left) { return onDays }
        let (leftOperand, rightOperand) = try comparisonOperands(left, right, at: position)
        return try fold(.comparison(op, leftOperand, rightOperand), at: position)
    }

    /// `left` and `right` converted to the type they are compared in: their common type, or the
    /// other side's for a string constant or NULL (`d_date = '1995-03-15'`).
    func comparisonOperands(_ left: BoundExpression, _ right: BoundExpression, at position: SourcePosition)
        throws(SQLError) -> (BoundExpression, BoundExpression)
    {
        var type = TypeRules.common(left.type, right.type)
        if type == nil {
            if right.isConstant && right.type == .varchar { type = left.type }
            if left.isConstant && left.type == .varchar { type = right.type }
            if isNullConstant(left) { type = right.type }
            if isNullConstant(right) { type = left.type }
        }
        guard let type else {
            throw SQLError("cannot compare \(left.type) with \(right.type)", at: position, hint: "add an explicit CAST")
        }
        return (
            try coerce(left, to: type, at: position, what: "comparison"),
            try coerce(right, to: type, at: position, what: "comparison")
        )
    }

    /// `date op timestamp-constant` as a comparison of the DATE with a DATE constant, so the
    /// column is compared as stored (ranges on encoded chunks, zone maps, estimates): what
    /// `o_orderdate < DATE '1993-10-01' + INTERVAL '3' MONTH` (a TIMESTAMP) becomes. A date is
    /// its midnight: `d < t` holds for the days before t's day, rounded up; `d <= t` up to t's
    /// day; `d = t` only when t is a midnight.
    func dateComparison(_ op: ComparisonOperator, _ date: BoundExpression, _ constant: BoundExpression) -> BoundExpression? {
        guard date.type == .date, !date.isConstant, case .constant(.integer(let micros), .timestamp) = constant else { return nil }
        let perDay: Int64 = 86_400_000_000
        let floor = micros >= 0 ? micros / perDay : (micros - perDay + 1) / perDay
        let midnight = floor * perDay == micros
        let ceiling = midnight ? floor : floor + 1
        func on(_ op: ComparisonOperator, _ day: Int64) -> BoundExpression { .comparison(op, date, .constant(.integer(day), .date)) }
        switch op {
        case .less: return on(.less, ceiling)
        case .greaterOrEqual: return on(.greaterOrEqual, ceiling)
        case .lessOrEqual: return on(.lessOrEqual, floor)
        case .greater: return on(.greater, floor)
        case .equal: return midnight ? on(.equal, floor) : nil
        case .notEqual: return midnight ? on(.notEqual, floor) : nil
        }
    }

    /// `constant` as `other`'s type when that loses nothing (numbers only).
    func narrowConstant(_ constant: BoundExpression, to other: BoundExpression) -> BoundExpression? {
        guard case .constant(let value, let type) = constant, !value.isNull, !other.isConstant,
              type != other.type, TypeRules.isNumeric(type), TypeRules.isNumeric(other.type), other.type != .double else { return nil }
        guard let converted = try? Cast.castValue(value, from: type, to: other.type),
              let back = try? Cast.castValue(converted, from: other.type, to: type), back == value else { return nil }
        return .constant(converted, other.type)
    }

    func bindBinary(_ op: BinaryOperator, _ leftExpression: Expression, _ rightExpression: Expression, _ position: SourcePosition, _ context: ExpressionContext) throws(SQLError) -> BoundExpression {
        switch op {
        case .and, .or:
            let left = try coerce(try bind(leftExpression, context), to: .boolean, at: leftExpression.position, what: op.rawValue)
            let right = try coerce(try bind(rightExpression, context), to: .boolean, at: rightExpression.position, what: op.rawValue)
            var operands: [BoundExpression] = []
            for operand in [left, right] {
                switch (op, operand) {
                case (.and, .and(let inner)), (.or, .or(let inner)): operands += inner
                default: operands.append(operand)
                }
            }
            return op == .and ? .and(operands) : .or(operands)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            let comparisonOperator: ComparisonOperator
            switch op {
            case .equal: comparisonOperator = .equal
            case .notEqual: comparisonOperator = .notEqual
            case .less: comparisonOperator = .less
            case .lessOrEqual: comparisonOperator = .lessOrEqual
            case .greater: comparisonOperator = .greater
            default: comparisonOperator = .greaterOrEqual
            }
            return try comparison(comparisonOperator, try bind(leftExpression, context), try bind(rightExpression, context), at: position)
        case .isDistinctFrom, .isNotDistinctFrom:
            let (left, right) = try comparisonOperands(
                try bind(leftExpression, context), try bind(rightExpression, context), at: position)
            return try fold(.function(op == .isDistinctFrom ? .isDistinctFrom : .isNotDistinctFrom, [left, right], .boolean), at: position)
        case .concatenate:
            let left = try coerce(try bind(leftExpression, context), to: .varchar, at: leftExpression.position, what: "||")
            let right = try coerce(try bind(rightExpression, context), to: .varchar, at: rightExpression.position, what: "||")
            // A chain is one call over all its pieces: `a || b || c` is ||(a, b, c).
            func pieces(_ operand: BoundExpression) -> [BoundExpression] {
                if case .function(.concatOperator, let arguments, _) = operand { return arguments }
                return [operand]
            }
            return try fold(.function(.concatOperator, pieces(left) + pieces(right), .varchar))
        case .add, .subtract, .multiply, .divide, .integerDivide, .modulo:
            return try bindArithmetic(op, leftExpression, rightExpression, position, context)
        }
    }

    func bindArithmetic(_ op: BinaryOperator, _ leftExpression: Expression, _ rightExpression: Expression, _ position: SourcePosition, _ context: ExpressionContext) throws(SQLError) -> BoundExpression {
        try arithmetic(op, try bind(leftExpression, context), try bind(rightExpression, context), at: position)
    }

    /// `left op right` on bound operands (`+ - * / // %`): date arithmetic, then numbers in the
    /// type ``TypeRules/arithmetic(_:_:_:)`` gives.
    func arithmetic(_ op: BinaryOperator, _ left: BoundExpression, _ right: BoundExpression, at position: SourcePosition)
        throws(SQLError) -> BoundExpression
    {
        let arithmeticOperator = ArithmeticOperator(rawValue: op.rawValue) ?? .add
        if left.type == .interval || right.type == .interval {
            return try intervalArithmetic(op, left, right, at: position)
        }
        if left.type == .date || right.type == .date {
            switch (op, left.type, right.type) {
            case (.add, .date, _) where TypeRules.isInteger(right.type):
                return try fold(.arithmetic(.add, left, try coerce(right, to: .bigint, at: position, what: "+").withType(.bigint), .date), at: position)
            case (.add, _, .date) where TypeRules.isInteger(left.type):
                return try fold(.arithmetic(.add, right, try coerce(left, to: .bigint, at: position, what: "+"), .date), at: position)
            case (.subtract, .date, _) where TypeRules.isInteger(right.type):
                return try fold(.arithmetic(.subtract, left, try coerce(right, to: .bigint, at: position, what: "-"), .date), at: position)
            case (.subtract, .date, .date):
                return try fold(.arithmetic(.subtract, left.withType(.bigint), right.withType(.bigint), .bigint), at: position)
            case (.subtract, .date, .timestamp), (.subtract, .timestamp, .date):
                return try timestampDifference(left, right, at: position)
            default:
                throw SQLError("cannot apply \(op.rawValue) to \(left.type) and \(right.type)", at: position)
            }
        }
        if left.type == .timestamp && right.type == .timestamp && op == .subtract {
            return try timestampDifference(left, right, at: position)
        }
        let leftType = isNullConstant(left) ? right.type : left.type
        let rightType = isNullConstant(right) ? left.type : right.type
        guard let resultType = TypeRules.arithmetic(arithmeticOperator, leftType, rightType) else {
            throw SQLError("cannot apply \(op.rawValue) to \(left.type) and \(right.type)", at: position, hint: TypeRules.isNumeric(left.type) || TypeRules.isNumeric(right.type) ? "add an explicit CAST" : nil)
        }
        // Operand types: DOUBLE for double results, the common decimal for + - %, raw for *.
        var operandType: LogicalType
        if resultType == .double {
            operandType = .double
        } else if case .decimal = resultType, arithmeticOperator == .multiply {
            // Multiply unscaled values: the scales add up.
            let leftOperand = try coerce(left, to: TypeRules.decimalView(leftType) == leftType ? leftType : leftType, at: position, what: op.rawValue)
            let rightOperand = try coerce(right, to: rightType, at: position, what: op.rawValue)
            return try fold(.arithmetic(.multiply, leftOperand.withType(.bigint), rightOperand.withType(.bigint), resultType), at: position)
        } else {
            operandType = TypeRules.common(leftType, rightType) ?? resultType
            if arithmeticOperator == .integerDivide, case .decimal = operandType { operandType = .double }
        }
        let leftOperand = try coerce(left, to: operandType, at: position, what: op.rawValue)
        let rightOperand = try coerce(right, to: operandType, at: position, what: op.rawValue)
        if arithmeticOperator == .integerDivide && operandType == .double {
            return try fold(.cast(.arithmetic(.integerDivide, leftOperand, rightOperand, .double), resultType), at: position)
        }
        if case .decimal = resultType, arithmeticOperator == .add || arithmeticOperator == .subtract || arithmeticOperator == .modulo {
            return try fold(.arithmetic(arithmeticOperator, leftOperand.withType(resultType), rightOperand.withType(resultType), resultType), at: position)
        }
        return try fold(.arithmetic(arithmeticOperator, leftOperand, rightOperand, resultType), at: position)
    }

    func bindCase(_ operand: Expression?, _ branches: [CaseBranch], _ otherwise: Expression?, _ position: SourcePosition, _ context: ExpressionContext) throws(SQLError) -> BoundExpression {
        let boundOperand = try operand.map { (operand) throws(SQLError) -> BoundExpression in try bind(operand, context) }
        var conditions: [BoundExpression] = []
        var results: [BoundExpression] = []
        for branch in branches {
            let condition = try bind(branch.condition, context)
            if let boundOperand {
                conditions.append(try comparison(.equal, boundOperand, condition, at: branch.condition.position))
            } else {
                conditions.append(try coerce(condition, to: .boolean, at: branch.condition.position, what: "CASE WHEN"))
            }
            results.append(try bind(branch.result, context))
        }
        let elseResult = try otherwise.map { (otherwise) throws(SQLError) -> BoundExpression in try bind(otherwise, context) } ?? .constant(.null, .integer)
        var type: LogicalType?
        for result in results + [elseResult] where !isNullConstant(result) {
            guard let current = type else { type = result.type; continue }
            guard let common = TypeRules.common(current, result.type) else {
                throw SQLError("CASE results have types \(current) and \(result.type), which do not mix", at: position)
            }
            type = common
        }
        let resultType = type ?? .integer
        var bound: [BoundCaseBranch] = []
        for (condition, result) in zip(conditions, results) {
            bound.append(BoundCaseBranch(condition: condition, result: try coerce(result, to: resultType, at: position, what: "CASE")))
        }
        return .caseWhen(bound, otherwise: try coerce(elseResult, to: resultType, at: position, what: "CASE"), resultType)
    }
}

extension BoundExpression {
    /// The same value seen as another type of the same shape (for unscaled decimal arithmetic).
    func withType(_ type: LogicalType) -> BoundExpression {
        switch self {
        case .constant(let value, _): return .constant(value, type)
        case .column(let index, _): return .column(index, type)
        default: return self.type == type || self.type.physicalType != .float64 ? self : .cast(self, type)
        }
    }
}
