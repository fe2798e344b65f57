/// Evaluates bound expressions over chunks, a vector at a time.

import StarlingColumns

/// Vectorized expression evaluation: each node dispatches on its operands' shape once per chunk
/// and runs a loop over plain arrays.
public enum ExpressionEvaluator {
    /// Evaluates `expression` for every row of `chunk`.
    public static func evaluate(_ expression: BoundExpression, _ chunk: Chunk) throws(QueryError) -> Vector {
        let count = chunk.count
        switch expression {
        case .column(let index, let type):
            let column = chunk.columns[index]
            return column.type == type ? column : column.retyped(type)
        case .constant(let value, let type):
            return Vector(constant: value, type: type, count: count)
        case .arithmetic(let op, let left, let right, let type):
            if let result = try constantArithmetic(op, left, right, type: type, chunk) { return result }
            return try arithmetic(op, try evaluate(left, chunk), try evaluate(right, chunk), type: type)
        case .negate(let operand):
            return try negate(try evaluate(operand, chunk))
        case .comparison(let op, let left, let right):
            return try compare(op, left, right, chunk)
        case .and(let operands):
            return try logical(operands, chunk, isAnd: true)
        case .or(let operands):
            return try logical(operands, chunk, isAnd: false)
        case .not(let operand):
            let value = try evaluate(operand, chunk)
            guard case .booleans(let flags) = value.data else { throw .invalid("NOT needs a boolean") }
            return Vector(type: .boolean, count: count, data: .booleans(flags.map { !$0 }), nulls: value.nulls)
        case .isNull(let operand, let negated):
            let value = try evaluate(operand, chunk)
            let flags = value.nulls.map { mask in negated ? mask.map { !$0 } : mask } ?? [Bool](repeating: negated, count: count)
            return Vector(type: .boolean, count: count, data: .booleans(flags), nulls: nil)
        case .inList(let operand, let values, let negated):
            return try inList(try evaluate(operand, chunk), values, negated: negated)
        case .like(let operand, let pattern, let negated):
            let value = try evaluate(operand, chunk)
            let flags = pattern.withMatcher { matches in mapStrings(value) { matches($0) != negated } }
            return Vector(type: .boolean, count: count, data: .booleans(flags), nulls: value.nulls)
        case .caseWhen(let branches, let otherwise, let type):
            return try caseWhen(branches, otherwise, type: type, chunk)
        case .cast(let operand, let type):
            return try Cast.cast(try evaluate(operand, chunk), to: type)
        case .function(let function, let arguments, let type):
            return try Functions.call(function, arguments, type: type, chunk)
        case .regexp(let function, let expression, let arguments, let type):
            return try RegexpFunctions.call(function, expression, arguments, type: type, chunk)
        case .subquery(let subquery):
            return try correlated(subquery, operand: nil, negated: false, chunk)
        case .inSubquery(let operand, let subquery, let negated):
            return try correlated(subquery, operand: operand, negated: negated, chunk)
        case .parameter:
            throw .invalid("internal: a correlated subquery's parameter was read before it was given a value")
        }
    }

    /// A correlated subquery's value for each row. The executor puts an uncorrelated
    /// subquery's result in place before any operator runs, and gives a correlated one a runner.
    static func correlated(_ subquery: SubqueryValue, operand: BoundExpression?, negated: Bool, _ chunk: Chunk)
        throws(QueryError) -> Vector
    {
        guard let runner = subquery.runner else {
            throw .invalid("internal: a subquery's result was used before the subquery ran")
        }
        var parameters: [Vector] = []
        for parameter in subquery.parameters { parameters.append(try evaluate(parameter, chunk)) }
        let value = try operand.map { (operand) throws(QueryError) in try evaluate(operand, chunk) }
        return try runner.evaluate(parameters: parameters, operand: value, negated: negated, count: chunk.count)
    }


    /// Per row, whether a boolean vector is true and not NULL (a FILTER's rows); nil when the
    /// vector is not boolean.
    public static func trueFlags(_ value: Vector) -> [Bool]? {
        guard case .booleans(let flags) = value.data else { return nil }
        guard let nulls = value.nulls else { return flags }
        return (0..<value.count).map { flags[$0] && !nulls[$0] }
    }

    /// The rows where a boolean vector is true and not NULL.
    public static func trueRows(_ value: Vector) -> [Int32] {
        guard case .booleans(let flags) = value.data else { return [] }
        var rows: [Int32] = []
        rows.reserveCapacity(value.count)
        if let nulls = value.nulls {
            for index in 0..<value.count where flags[index] && !nulls[index] { rows.append(Int32(index)) }
        } else {
            flags.withUnsafeBufferPointer { flags in
                for index in 0..<flags.count where flags[index] { rows.append(Int32(index)) }
            }
        }
        return rows
    }

    /// The constant value of an expression without columns.
    public static func constantValue(_ expression: BoundExpression) throws(QueryError) -> Value {
        if case .constant(let value, _) = expression { return value }
        return try evaluate(expression, Chunk.rowsOnly(1)).value(at: 0)
    }

    /// Merges two NULL masks (a row is NULL when either is).
    static func unionNulls(_ left: [Bool]?, _ right: [Bool]?) -> [Bool]? {
        guard let left else { return right }
        guard let right else { return left }
        return zip(left, right).map { $0 || $1 }
    }

    /// `f(bytes)` for every row of a string vector (evaluated once per dictionary entry).
    static func mapStrings<T>(_ value: Vector, _ body: (UnsafeRawBufferPointer) -> T) -> [T] {
        switch value.data {
        case .dictionary(let codes, let dictionary):
            guard Vector.perEntry(entries: dictionary.count, rows: value.count) else {
                return codes.map { body(dictionary.bytes(at: Int($0))) }
            }
            let mapped = (0..<dictionary.count).map { body(dictionary.bytes(at: $0)) }
            return codes.map { mapped[Int($0)] }
        case .strings(let strings):
            return (0..<value.count).map { body(strings.bytes(at: $0)) }
        default:
            preconditionFailure("string kernel on \(value.type)")
        }
    }

    static func logical(_ operands: [BoundExpression], _ chunk: Chunk, isAnd: Bool) throws(QueryError) -> Vector {
        let count = chunk.count
        // Three-valued logic: a row is decided when some operand is non-NULL and false (AND) or
        // true (OR); otherwise it is NULL when some operand is NULL, else true (AND) or false (OR).
        let deciding = !isAnd
        var decided = [Bool](repeating: false, count: count)
        var unknown: [Bool]?
        for operand in operands {
            let value = try evaluate(operand, chunk)
            guard case .booleans(let flags) = value.data else { throw .invalid("\(isAnd ? "AND" : "OR") needs booleans") }
            decided.withUnsafeMutableBufferPointer { decided in
                flags.withUnsafeBufferPointer { flags in
                    if let nulls = value.nulls {
                        nulls.withUnsafeBufferPointer { nulls in
                            for row in 0..<count { decided[row] = decided[row] || (flags[row] == deciding && !nulls[row]) }
                        }
                    } else {
                        for row in 0..<count { decided[row] = decided[row] || flags[row] == deciding }
                    }
                }
            }
            if let nulls = value.nulls {
                var mask = unknown ?? [Bool](repeating: false, count: count)
                for row in 0..<count where nulls[row] { mask[row] = true }
                unknown = mask
            }
        }
        let result = decided.map { $0 != isAnd }
        let nulls = unknown.map { unknown in (0..<count).map { unknown[$0] && !decided[$0] } }
        return Vector(type: .boolean, count: count, data: .booleans(result), nulls: nulls)
    }

    static func inList(_ value: Vector, _ values: [Value], negated: Bool) throws(QueryError) -> Vector {
        let count = value.count
        let hasNullCandidate = values.contains { $0.isNull }
        var flags: [Bool]
        switch value.data {
        case .integers(let numbers):
            let set = Set(values.compactMap { if case .integer(let n) = $0 { return n }; return nil })
            flags = numbers.map { set.contains($0) }
        case .doubles(let numbers):
            let set = Set(values.compactMap { if case .double(let n) = $0 { return n }; return nil })
            flags = numbers.map { set.contains($0) }
        case .booleans(let booleans):
            let set = Set(values.compactMap { if case .boolean(let b) = $0 { return b }; return nil })
            flags = booleans.map { set.contains($0) }
        case .strings, .dictionary:
            flags = stringsIn(value, values.compactMap { if case .string(let s) = $0 { return s }; return nil })
        case .intervals(let intervals):
            // By SQL equality: a month is in (INTERVAL 30 DAY).
            let set = Set(values.compactMap { if case .interval(let i) = $0 { return i.orderKey }; return nil })
            flags = intervals.map { set.contains($0.orderKey) }
        }
        // x IN (…, NULL) is NULL when x matches nothing; NOT IN likewise.
        var nulls = value.nulls
        if hasNullCandidate {
            var mask = nulls ?? [Bool](repeating: false, count: count)
            for row in 0..<count where !flags[row] { mask[row] = true }
            nulls = mask
        }
        if negated { flags = flags.map { !$0 } }
        return Vector(type: .boolean, count: count, data: .booleans(flags), nulls: nulls)
    }

    /// Lists up to this long are searched entry by entry; longer ones through a hash table.
    static let linearListLimit = 16

    /// Whether each row of the string vector `value` is one of `constants`, without a copy of
    /// any row: a short list's entries are compared by length and bytes in place, a long one's
    /// are looked up by the row's bytes.
    static func stringsIn(_ value: Vector, _ constants: [String]) -> [Bool] {
        guard constants.count <= linearListLimit else {
            let interner = StringInterner()
            for constant in constants { _ = interner.intern(constant) }
            return mapStrings(value) { interner.lookup(bytes: $0) != nil }
        }
        let storage = StringStorage(constants)
        return mapStrings(value) { text in
            for entry in 0..<storage.count {
                let candidate = storage.bytes(at: entry)
                if candidate.count == text.count, compareBytes(candidate, text) == 0 { return true }
            }
            return false
        }
    }

    static func caseWhen(_ branches: [BoundCaseBranch], _ otherwise: BoundExpression, type: LogicalType, _ chunk: Chunk) throws(QueryError) -> Vector {
        let count = chunk.count
        // Each row takes the first branch whose condition is true.
        var chosen = [Int](repeating: branches.count, count: count)
        var undecided = count
        for (branchIndex, branch) in branches.enumerated() where undecided > 0 {
            let condition = try evaluate(branch.condition, chunk)
            guard case .booleans(let flags) = condition.data else { throw .invalid("CASE WHEN needs a boolean condition") }
            for row in 0..<count where chosen[row] == branches.count && flags[row] && !condition.isNull(row) {
                chosen[row] = branchIndex
                undecided -= 1
            }
        }
        // Only the results some row takes are evaluated; one taken by every row is the answer.
        let expressions = branches.map(\.result) + [otherwise]
        var taken = [Bool](repeating: false, count: expressions.count)
        for row in 0..<count { taken[chosen[row]] = true }
        if let only = taken.firstIndex(of: true), taken.filter({ $0 }).count == 1 {
            return try evaluate(expressions[only], chunk).retyped(type)
        }
        var results: [Vector] = []
        for (index, expression) in expressions.enumerated() {
            guard taken[index] else {
                results.append(Vector(constant: .null, type: type, count: count))
                continue
            }
            do {
                results.append(try evaluate(expression, chunk))
            } catch {
                // The error may come from rows that take another branch (`CASE WHEN x > 0 THEN
                // ln(x) END`): evaluated on its own rows only, as DuckDB does, it stands only if
                // one of them raises it.
                results.append(try onRows(expression, chunk, where: { chosen[$0] == index }))
            }
        }
        return choose(chosen, from: results, type: type, count: count)
    }

    /// `expression` evaluated on the rows `keep` selects alone, NULL on the others.
    static func onRows(_ expression: BoundExpression, _ chunk: Chunk, where keep: (Int) -> Bool) throws(QueryError)
        -> Vector
    {
        var rows: [Int32] = []
        var positions = [Int32](repeating: -1, count: chunk.count)
        for row in 0..<chunk.count where keep(row) {
            positions[row] = Int32(rows.count)
            rows.append(Int32(row))
        }
        return try evaluate(expression, chunk.gather(rows, columns: expression.columnsUsed)).gatherOrNull(positions)
    }

    /// When every choice is dictionary-coded with few entries in all (a CASE whose results are
    /// string constants, or low-cardinality columns): one dictionary of their entries side by
    /// side, and each row's code in it, so the result stays coded (a GROUP BY on it then works
    /// on codes). Nil otherwise.
    static func chooseCodes(_ chosen: [Int], from vectors: [Vector], count: Int) -> (codes: [UInt32], dictionary: StringStorage)? {
        var parts: [(codes: [UInt32], offset: UInt32, size: UInt32)] = []
        var builder = StringStorageBuilder()
        for vector in vectors {
            guard case .dictionary(let codes, let dictionary) = vector.data, dictionary.count > 0,
                builder.count + dictionary.count <= Swift.max(64, count)
            else { return nil }
            parts.append((codes, UInt32(builder.count), UInt32(dictionary.count)))
            for entry in 0..<dictionary.count { builder.append(bytes: dictionary.bytes(at: entry)) }
        }
        let codes = (0..<count).map { row -> UInt32 in
            let part = parts[chosen[row]]
            // A NULL row's code may be anything; it is kept inside its own part.
            let code = part.codes[row]
            return part.offset + (code < part.size ? code : 0)
        }
        return (codes, builder.finish())
    }

    /// Row `r` of the result is row `r` of `vectors[chosen[r]]`: typed loops, no `Value`s.
    static func choose(_ chosen: [Int], from vectors: [Vector], type: LogicalType, count: Int) -> Vector {
        var nulls = [Bool](repeating: false, count: count)
        for row in 0..<count { nulls[row] = vectors[chosen[row]].isNull(row) }
        switch type.physicalType {
        case .boolean:
            let flags = vectors.map { vector -> [Bool] in if case .booleans(let flags) = vector.data { return flags }; return [Bool](repeating: false, count: count) }
            let values = (0..<count).map { flags[chosen[$0]][$0] }
            return Vector(type: type, count: count, data: .booleans(values), nulls: nulls)
        case .float64:
            let numbers = vectors.map { vector -> [Double] in if case .doubles(let numbers) = vector.data { return numbers }; return [Double](repeating: 0, count: count) }
            let values = (0..<count).map { numbers[chosen[$0]][$0] }
            return Vector(type: type, count: count, data: .doubles(values), nulls: nulls)
        case .string:
            if let coded = chooseCodes(chosen, from: vectors, count: count) {
                return Vector(type: type, count: count, data: .dictionary(codes: coded.codes, dictionary: coded.dictionary), nulls: nulls)
            }
            var builder = StringStorageBuilder()
            for row in 0..<count {
                let vector = vectors[chosen[row]]
                if nulls[row] { builder.closeString() } else { builder.append(bytes: vector.stringBytes(at: row)) }
            }
            return Vector(type: type, count: count, data: .strings(builder.finish()), nulls: nulls)
        case .interval:
            let intervals = vectors.map { vector -> [Interval] in if case .intervals(let values) = vector.data { return values }; return [Interval](repeating: .zero, count: count) }
            let values = (0..<count).map { intervals[chosen[$0]][$0] }
            return Vector(type: type, count: count, data: .intervals(values), nulls: nulls)
        case .int8, .int16, .int32, .int64:
            let integers = vectors.map { vector -> [Int64] in if case .integers(let values) = vector.data { return values }; return [Int64](repeating: 0, count: count) }
            let values = (0..<count).map { integers[chosen[$0]][$0] }
            return Vector(type: type, count: count, data: .integers(values), nulls: nulls)
        }
    }
}
