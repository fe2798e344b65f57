/// Arithmetic kernels: checked integer math (overflow is an error, not a wrap) and doubles.

import StarlingColumns

extension ExpressionEvaluator {
    static func arithmetic(_ op: ArithmeticOperator, _ left: Vector, _ right: Vector, type: LogicalType) throws(QueryError) -> Vector {
        if type == .interval || left.type == .interval || right.type == .interval,
            let result = try intervalArithmetic(op, left, right, type: type)
        {
            return result
        }
        let count = left.count
        var nulls = unionNulls(left.nulls, right.nulls)
        switch (left.data, right.data) {
        case (.integers(let a), .integers(let b)):
            let range = type.physicalType.integerRange ?? Int64.min...Int64.max
            if let leftBounds = left.bounds, let rightBounds = right.bounds,
               let bounds = IntegerBounds.of(op, leftBounds, rightBounds), range.encloses(bounds) {
                let values = uncheckedArithmetic(op, a, b, count: count)
                return Vector(type: type, count: count, data: .integers(values), nulls: nulls, bounds: bounds)
            }
            if op == .add || op == .subtract || op == .multiply,
               let values = wrappingArithmetic(op, a, b, count: count, range: range, nulls: nulls) {
                return Vector(type: type, count: count, data: .integers(values), nulls: nulls)
            }
            var divisionByZero: [Int] = []
            var failure: QueryError?
            let values = [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        for row in 0..<count {
                            let x = a[row], y = b[row]
                            var result: Int64 = 0
                            var overflow = false
                            switch op {
                            case .add: (result, overflow) = x.addingReportingOverflow(y)
                            case .subtract: (result, overflow) = x.subtractingReportingOverflow(y)
                            case .multiply: (result, overflow) = x.multipliedReportingOverflow(by: y)
                            case .divide, .integerDivide:
                                if y == 0 { divisionByZero.append(row) } else { (result, overflow) = x.dividedReportingOverflow(by: y) }
                            case .modulo:
                                if y == 0 { divisionByZero.append(row) } else { (result, overflow) = x.remainderReportingOverflow(dividingBy: y) }
                            }
                            if (overflow || !range.contains(result)) && failure == nil && !(nulls?[row] ?? false) {
                                failure = .invalid("\(type) overflow in \(x) \(op.rawValue) \(y)")
                            }
                            buffer[row] = result
                        }
                    }
                }
                initialized = count
            }
            if let failure { throw failure }
            if !divisionByZero.isEmpty {
                // `//` and `%` by zero are errors (DuckDB and PostgreSQL agree); `/` by zero gives
                // NULL.
                if op != .divide, let row = divisionByZero.first(where: { !(nulls?[$0] ?? false) }) {
                    throw .invalid("division by zero in \(a[row]) \(op.rawValue) \(b[row])")
                }
                var mask = nulls ?? [Bool](repeating: false, count: count)
                for row in divisionByZero { mask[row] = true }
                nulls = mask
            }
            return Vector(type: type, count: count, data: .integers(values), nulls: nulls)
        case (.doubles(let a), .doubles(let b)):
            var divisionByZero: [Int] = []
            let values = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        switch op {
                        case .add: for row in 0..<count { buffer[row] = a[row] + b[row] }
                        case .subtract: for row in 0..<count { buffer[row] = a[row] - b[row] }
                        case .multiply: for row in 0..<count { buffer[row] = a[row] * b[row] }
                        case .modulo:
                            // A remainder by zero is NaN, as in DuckDB (PostgreSQL has no DOUBLE `%`).
                            for row in 0..<count { buffer[row] = a[row].truncatingRemainder(dividingBy: b[row]) }
                        case .divide, .integerDivide:
                            for row in 0..<count {
                                if b[row] == 0 { divisionByZero.append(row); buffer[row] = 0; continue }
                                let quotient = a[row] / b[row]
                                buffer[row] = op == .divide ? quotient : quotient.rounded(.down)
                            }
                        }
                    }
                }
                initialized = count
            }
            if !divisionByZero.isEmpty {
                if op == .integerDivide, let row = divisionByZero.first(where: { !(nulls?[$0] ?? false) }) {
                    throw .invalid("division by zero in \(a[row]) // \(b[row])")
                }
                var mask = nulls ?? [Bool](repeating: false, count: count)
                for row in divisionByZero { mask[row] = true }
                nulls = mask
            }
            return Vector(type: type, count: count, data: .doubles(values), nulls: nulls)
        default:
            throw .invalid("cannot apply \(op.rawValue) to \(left.type) and \(right.type)")
        }
    }

    static func negate(_ value: Vector) throws(QueryError) -> Vector {
        switch value.data {
        case .integers(let numbers):
            let range = value.type.physicalType.integerRange ?? Int64.min...Int64.max
            var negated: [Int64] = []
            negated.reserveCapacity(numbers.count)
            for (row, number) in numbers.enumerated() {
                let (result, overflow) = Int64(0).subtractingReportingOverflow(number)
                if (overflow || !range.contains(result)) && !value.isNull(row) { throw .invalid("\(value.type) overflow in -(\(number))") }
                negated.append(result)
            }
            return Vector(type: value.type, count: value.count, data: .integers(negated), nulls: value.nulls)
        case .doubles(let numbers):
            return Vector(type: value.type, count: value.count, data: .doubles(numbers.map { -$0 }), nulls: value.nulls)
        case .intervals(let intervals):
            return try negateIntervals(value, intervals)
        case .booleans, .strings, .dictionary:
            throw .invalid("cannot negate \(value.type)")
        }
    }

    /// `+`, `-` or `*` of an integer vector and a non-NULL integer constant (`1.00 - l_discount`),
    /// without making the constant a vector: one branch-free loop over the other side. Nil for
    /// any other shape, or when a row overflowed (the general path then finds it and says so).
    static func constantArithmetic(
        _ op: ArithmeticOperator, _ left: BoundExpression, _ right: BoundExpression, type: LogicalType, _ chunk: Chunk
    ) throws(QueryError) -> Vector? {
        guard op == .add || op == .subtract || op == .multiply, let range = type.physicalType.integerRange else { return nil }
        let constant: Int64, other: BoundExpression, constantFirst: Bool
        if case .constant(.integer(let value), _) = right {
            (constant, other, constantFirst) = (value, left, false)
        } else if case .constant(.integer(let value), _) = left {
            (constant, other, constantFirst) = (value, right, true)
        } else {
            return nil
        }
        let vector = try evaluate(other, chunk)
        guard case .integers(let values) = vector.data, values.count >= vector.count else { return nil }
        let constantBounds = constant...constant
        if let otherBounds = vector.bounds,
           let bounds = constantFirst
               ? IntegerBounds.of(op, constantBounds, otherBounds) : IntegerBounds.of(op, otherBounds, constantBounds),
           range.encloses(bounds) {
            // No row can overflow or leave the type: the loop needs no flags.
            let results = values.withUnsafeBufferPointer { values in
                switch (op, constantFirst) {
                case (.add, _): return uncheckedLoop(count: vector.count) { values[$0] &+ constant }
                case (.subtract, false): return uncheckedLoop(count: vector.count) { values[$0] &- constant }
                case (.subtract, true): return uncheckedLoop(count: vector.count) { constant &- values[$0] }
                default: return uncheckedLoop(count: vector.count) { values[$0] &* constant }
                }
            }
            return Vector(
                type: type, count: vector.count, data: .integers(results), nulls: vector.nulls, bounds: bounds)
        }
        let results = values.withUnsafeBufferPointer { values -> [Int64]? in
            switch (op, constantFirst) {
            case (.add, _): return flaggedLoop(count: vector.count, range: range) { values[$0].addingReportingOverflow(constant) }
            case (.subtract, false):
                return flaggedLoop(count: vector.count, range: range) { values[$0].subtractingReportingOverflow(constant) }
            case (.subtract, true):
                return flaggedLoop(count: vector.count, range: range) { constant.subtractingReportingOverflow(values[$0]) }
            default:
                return flaggedLoop(count: vector.count, range: range) { values[$0].multipliedReportingOverflow(by: constant) }
            }
        }
        guard let results else { return nil }
        return Vector(type: type, count: vector.count, data: .integers(results), nulls: vector.nulls)
    }

    /// `operation(row)` for rows `0 ..< count`, in one branch-free loop that notes whether any
    /// row overflowed or left `range`: the results, or nil when one did.
    @inline(__always)
    private static func flaggedLoop(
        count: Int, range: ClosedRange<Int64>, _ operation: (Int) -> (partialValue: Int64, overflow: Bool)
    ) -> [Int64]? {
        let low = range.lowerBound, high = range.upperBound
        var flags: UInt8 = 0
        let values = [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
            for row in 0..<count {
                let (result, overflow) = operation(row)
                buffer[row] = result
                flags |= (overflow ? 1 : 0) | (result < low ? 1 : 0) | (result > high ? 1 : 0)
            }
            initialized = count
        }
        return flags == 0 ? values : nil
    }

    /// `operation(row)` for rows `0 ..< count`, for operations proven unable to overflow.
    @inline(__always)
    private static func uncheckedLoop(count: Int, _ operation: (Int) -> Int64) -> [Int64] {
        [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
            for row in 0..<count { buffer[row] = operation(row) }
            initialized = count
        }
    }

    /// `+`, `-` or `*` over integer vectors whose bounds prove no row overflows (the caller
    /// checked, with ``IntegerBounds/of(_:_:_:)``): plain wrapping loops, which the compiler can
    /// unroll and vectorise.
    static func uncheckedArithmetic(_ op: ArithmeticOperator, _ a: [Int64], _ b: [Int64], count: Int) -> [Int64] {
        precondition(a.count >= count && b.count >= count)
        return a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                switch op {
                case .add: return uncheckedLoop(count: count) { a[$0] &+ b[$0] }
                case .subtract: return uncheckedLoop(count: count) { a[$0] &- b[$0] }
                default: return uncheckedLoop(count: count) { a[$0] &* b[$0] }
                }
            }
        }
    }

    /// `+`, `-` or `*` over integer vectors in one branch-free loop per operator that notes
    /// whether any row overflowed or left `range`; nil when one did (on a row that is not NULL,
    /// or maybe only on NULL rows), for the checked loop to find the row and say so.
    static func wrappingArithmetic(_ op: ArithmeticOperator, _ a: [Int64], _ b: [Int64], count: Int, range: ClosedRange<Int64>,
                                   nulls: [Bool]?) -> [Int64]? {
        precondition(a.count >= count && b.count >= count)
        return a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                switch op {
                case .add: return flaggedLoop(count: count, range: range) { a[$0].addingReportingOverflow(b[$0]) }
                case .subtract: return flaggedLoop(count: count, range: range) { a[$0].subtractingReportingOverflow(b[$0]) }
                default: return flaggedLoop(count: count, range: range) { a[$0].multipliedReportingOverflow(by: b[$0]) }
                }
            }
        }
    }
}
