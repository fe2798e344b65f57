/// Mathematical functions on DOUBLE: power, square root, logarithms, exponential, and sign, with
/// DuckDB's errors for arguments outside their domain.

import StarlingColumns

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The kernels of `power`, `sqrt`, `ln`, `log`, `log10`, `log2`, `exp` and `sign`. The binder
/// casts their arguments to DOUBLE (`sign` takes any number as it is); each is one loop over the
/// values, the domain checked on the rows that are not NULL.
enum MathFunctions {
    /// What a logarithm or root cannot take.
    enum DomainError {
        static let negativeRoot = QueryError.invalid("cannot take square root of a negative number")
        static let logOfZero = QueryError.invalid("cannot take logarithm of zero")
        static let logOfNegative = QueryError.invalid("cannot take logarithm of a negative number")
        static let logBaseOne = QueryError.invalid("division by zero in based logarithm")
        static let zeroToNegative = QueryError.invalid("zero raised to a negative power is undefined")
    }

    static func call(_ function: ScalarFunction, _ arguments: [BoundExpression], type: LogicalType, _ chunk: Chunk)
        throws(QueryError) -> Vector
    {
        let first = try ExpressionEvaluator.evaluate(arguments[0], chunk)
        switch function {
        case .sign:
            return sign(first)
        case .power, .log:
            let second = try ExpressionEvaluator.evaluate(arguments[1], chunk)
            let nulls = ExpressionEvaluator.unionNulls(first.nulls, second.nulls)
            let result = try binary(function, doubles(first), doubles(second), nulls: nulls)
            return Vector(type: .double, count: chunk.count, data: .doubles(result), nulls: nulls)
        default:
            let result = try unary(function, doubles(first), nulls: first.nulls)
            return Vector(type: .double, count: chunk.count, data: .doubles(result), nulls: first.nulls)
        }
    }

    static func doubles(_ vector: Vector) throws(QueryError) -> [Double] {
        guard case .doubles(let values) = vector.data else { throw .invalid("internal: a math function needs DOUBLE") }
        return values
    }

    /// `sqrt`, `ln`, `log10`, `log2` and `exp` of every row.
    static func unary(_ function: ScalarFunction, _ values: [Double], nulls: [Bool]?) throws(QueryError) -> [Double] {
        // The domain first (NaN passes, as in DuckDB), then one loop without checks.
        switch function {
        case .sqrt:
            for row in values.indices where values[row] < 0 && !(nulls?[row] ?? false) {
                throw DomainError.negativeRoot
            }
        case .ln, .log10, .log2:
            for row in values.indices where values[row] <= 0 && !(nulls?[row] ?? false) {
                throw values[row] == 0 ? DomainError.logOfZero : DomainError.logOfNegative
            }
        default:
            break
        }
        switch function {
        case .sqrt: return values.map { $0.squareRoot() }
        case .ln: return values.map { log($0) }
        case .log10: return values.map { log10($0) }
        case .log2: return values.map { log2($0) }
        case .exp: return values.map { exp($0) }
        default: throw .invalid("internal: \(function.rawValue) is not a math function of one argument")
        }
    }

    /// `power(x, y)` and `log(base, x)` of every row.
    static func binary(_ function: ScalarFunction, _ left: [Double], _ right: [Double], nulls: [Bool]?)
        throws(QueryError) -> [Double]
    {
        var result = [Double](repeating: 0, count: left.count)
        for row in left.indices where !(nulls?[row] ?? false) {
            let a = left[row]
            let b = right[row]
            if function == .power {
                if a == 0 && b < 0 { throw DomainError.zeroToNegative }
                result[row] = pow(a, b)
            } else {
                // DuckDB's order: the base's logarithm, then the division by it, then x's.
                if a <= 0 { throw a == 0 ? DomainError.logOfZero : DomainError.logOfNegative }
                let divisor = log10(a)
                if divisor == 0 { throw DomainError.logBaseOne }
                if b <= 0 { throw b == 0 ? DomainError.logOfZero : DomainError.logOfNegative }
                result[row] = log10(b) / divisor
            }
        }
        return result
    }

    /// `sign(x)`: -1, 0 or 1 as TINYINT (0 for NaN and both zeros, as in DuckDB).
    static func sign(_ value: Vector) -> Vector {
        let signs: [Int64]
        switch value.data {
        case .integers(let numbers): signs = numbers.map { $0.signum() }
        case .doubles(let numbers): signs = numbers.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
        default: signs = [Int64](repeating: 0, count: value.count)
        }
        return Vector(type: .tinyint, count: value.count, data: .integers(signs), nulls: value.nulls, bounds: -1...1)
    }
}
