/// Comparison kernels, with a fast path for a column against a constant.

import StarlingColumns
import StarlingEncoding

extension ExpressionEvaluator {
    static func compare(_ op: ComparisonOperator, _ leftExpression: BoundExpression, _ rightExpression: BoundExpression, _ chunk: Chunk) throws(QueryError) -> Vector {
        // Column against constant: compare with a scalar (and on dictionary entries once).
        if case .constant(let constant, _) = rightExpression {
            return try compare(op, try evaluate(leftExpression, chunk), constant: constant)
        }
        if case .constant(let constant, _) = leftExpression {
            return try compare(op.swapped, try evaluate(rightExpression, chunk), constant: constant)
        }
        return try compare(op, try evaluate(leftExpression, chunk), try evaluate(rightExpression, chunk))
    }

    /// `left op right` row by row, on two vectors of the same type.
    static func compare(_ op: ComparisonOperator, _ left: Vector, _ right: Vector) throws(QueryError) -> Vector {
        let count = left.count
        let nulls = unionNulls(left.nulls, right.nulls)
        let flags: [Bool]
        switch (left.data, right.data) {
        case (.integers(let a), .integers(let b)): flags = compareArrays(op, a, b)
        case (.doubles(let a), .doubles(let b)):
            flags = (0..<count).map { op.holds(Self.orderDoubles(a[$0], b[$0])) }
        case (.booleans(let a), .booleans(let b)):
            flags = (0..<count).map { op.holds(a[$0] == b[$0] ? 0 : (!a[$0] ? -1 : 1)) }
        case (.strings, .strings), (.strings, .dictionary), (.dictionary, .strings), (.dictionary, .dictionary):
            flags = (0..<count).map { op.holds(compareBytes(left.stringBytes(at: $0), right.stringBytes(at: $0))) }
        case (.intervals(let a), .intervals(let b)): flags = compareIntervals(op, a, b)
        default:
            throw .invalid("cannot compare \(left.type) with \(right.type)")
        }
        return Vector(type: .boolean, count: count, data: .booleans(flags), nulls: nulls)
    }

    /// Doubles order as in DuckDB and PostgreSQL: NaN above every number and equal to itself.
    @inline(__always)
    static func orderDoubles(_ a: Double, _ b: Double) -> Int {
        if a < b { return -1 }
        if a > b { return 1 }
        if a == b { return 0 }
        if a.isNaN { return b.isNaN ? 0 : 1 }
        return -1
    }

    @inline(__always)
    static func compareArrays(_ op: ComparisonOperator, _ a: [Int64], _ b: [Int64]) -> [Bool] {
        let count = a.count
        return [Bool](unsafeUninitializedCapacity: count) { buffer, initialized in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    switch op {
                    case .equal: for row in 0..<count { buffer[row] = a[row] == b[row] }
                    case .notEqual: for row in 0..<count { buffer[row] = a[row] != b[row] }
                    case .less: for row in 0..<count { buffer[row] = a[row] < b[row] }
                    case .lessOrEqual: for row in 0..<count { buffer[row] = a[row] <= b[row] }
                    case .greater: for row in 0..<count { buffer[row] = a[row] > b[row] }
                    case .greaterOrEqual: for row in 0..<count { buffer[row] = a[row] >= b[row] }
                    }
                }
            }
            initialized = count
        }
    }

    @inline(__always)
    static func compareScalar(_ op: ComparisonOperator, _ a: [Int64], _ constant: Int64) -> [Bool] {
        let count = a.count
        return [Bool](unsafeUninitializedCapacity: count) { buffer, initialized in
            a.withUnsafeBufferPointer { a in
                switch op {
                case .equal: for row in 0..<count { buffer[row] = a[row] == constant }
                case .notEqual: for row in 0..<count { buffer[row] = a[row] != constant }
                case .less: for row in 0..<count { buffer[row] = a[row] < constant }
                case .lessOrEqual: for row in 0..<count { buffer[row] = a[row] <= constant }
                case .greater: for row in 0..<count { buffer[row] = a[row] > constant }
                case .greaterOrEqual: for row in 0..<count { buffer[row] = a[row] >= constant }
                }
            }
            initialized = count
        }
    }

    /// `value op constant` for every row; a NULL constant gives NULL everywhere.
    static func compare(_ op: ComparisonOperator, _ value: Vector, constant: Value) throws(QueryError) -> Vector {
        let count = value.count
        if constant.isNull {
            return Vector(type: .boolean, count: count, data: .booleans([Bool](repeating: false, count: count)), nulls: [Bool](repeating: true, count: count))
        }
        let flags: [Bool]
        switch (value.data, constant) {
        case (.integers(let numbers), .integer(let scalar)):
            flags = compareScalar(op, numbers, scalar)
        case (.doubles(let numbers), .double(let scalar)):
            flags = numbers.map { op.holds(orderDoubles($0, scalar)) }
        case (.booleans(let booleans), .boolean(let scalar)):
            flags = booleans.map { op.holds($0 == scalar ? 0 : (!$0 ? -1 : 1)) }
        case (.strings, .string(let scalar)), (.dictionary, .string(let scalar)):
            var bytes = Array(scalar.utf8)
            flags = bytes.withUnsafeMutableBytes { scalarBytes in
                mapStrings(value) { op.holds(compareBytes($0, UnsafeRawBufferPointer(scalarBytes))) }
            }
        case (.intervals(let intervals), .interval(let scalar)):
            flags = compareIntervals(op, intervals, constant: scalar)
        default:
            throw .invalid("cannot compare \(value.type) with \(constant)")
        }
        return Vector(type: .boolean, count: count, data: .booleans(flags), nulls: value.nulls)
    }
}
