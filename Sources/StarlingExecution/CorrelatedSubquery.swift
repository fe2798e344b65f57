/// Running a correlated subquery that no rule unnests: once per distinct set of values it reads
/// from the enclosing row, with each answer kept for the rows that repeat those values.

import StarlingColumns
import Synchronization

/// The running state of one correlated ``SubqueryValue`` in one query: its plan is run with its
/// parameters put in place as constants (by `run`), and each distinct parameter tuple's answer
/// is kept, so a subquery reading `o.o_custkey` runs once per customer, not once per order.
/// Workers share it; two may compute the same tuple at once, and the answers agree.
public final class CorrelatedSubquery: Sendable {
    /// What one run found: a scalar subquery's value or EXISTS's answer, or for `IN` the
    /// distinct non-NULL values and whether there was a NULL.
    enum Answer: Sendable {
        case value(Value)
        case values(Set<Value>, hasNull: Bool)
    }

    /// Runs the subquery's plan with these parameter values.
    public typealias Run = @Sendable (_ parameters: [Value]) throws(QueryError) -> Chunk

    let subquery: SubqueryValue
    let run: Run
    let budget: MemoryBudget
    private let answers = Mutex<[[Value]: Answer]>([:])

    public init(_ subquery: SubqueryValue, budget: MemoryBudget, run: @escaping Run) {
        self.subquery = subquery
        self.budget = budget
        self.run = run
    }

    /// The subquery's value for each of `count` rows, given its parameters' values for them and,
    /// for `x [NOT] IN (…)`, `x`'s. `IN` follows SQL's rules: NULL when `x` is NULL and the
    /// subquery has rows, or when `x` is not found and the subquery has a NULL.
    public func evaluate(parameters: [Vector], operand: Vector?, negated: Bool, count: Int) throws(QueryError)
        -> Vector
    {
        var results: [Value] = []
        results.reserveCapacity(count)
        var key = [Value](repeating: .null, count: parameters.count)
        for row in 0..<count {
            for index in parameters.indices { key[index] = parameters[index].value(at: row) }
            let answer = try self.answer(for: key)
            switch answer {
            case .value(let value):
                results.append(value)
            case .values(let values, let hasNull):
                let x = operand?.value(at: row) ?? .null
                let found: Value
                if values.isEmpty && !hasNull {
                    found = .boolean(false)
                } else if x.isNull {
                    found = .null
                } else if values.contains(x) {
                    found = .boolean(true)
                } else {
                    found = hasNull ? .null : .boolean(false)
                }
                if case .boolean(let flag) = found, negated {
                    results.append(.boolean(!flag))
                } else {
                    results.append(found)
                }
            }
        }
        return Vector(type: operand == nil ? subquery.type : .boolean, values: results)
    }

    /// The answer for one parameter tuple, run when it is new.
    private func answer(for key: [Value]) throws(QueryError) -> Answer {
        if let known = answers.withLock({ $0[key] }) { return known }
        let rows = try run(key)
        let answer: Answer
        switch subquery.kind {
        case .scalar:
            answer = .value(try subquery.scalarValue(of: rows))
        case .exists(let negated):
            answer = .value(.boolean((rows.count > 0) != negated))
        case .values:
            var values = Set<Value>()
            var hasNull = false
            if let column = rows.columns.first {
                for row in 0..<rows.count {
                    let value = column.value(at: row)
                    if value.isNull { hasNull = true } else { values.insert(value) }
                }
            }
            try budget.reserve(values.count * 48, for: "CORRELATED SUBQUERY")
            answer = .values(values, hasNull: hasNull)
        }
        answers.withLock { $0[key] = answer }
        return answer
    }
}
