/// Implicit type rules: the common type of two operands and the result types of arithmetic.

import StarlingColumns
import StarlingExecution

/// DuckDB's implicit conversions, narrowed to Starling's types: integers widen, integers and
/// decimals meet at a decimal that holds both, anything with DOUBLE is DOUBLE, DATE with
/// TIMESTAMP is TIMESTAMP.
enum TypeRules {
    /// Digits an integer type needs as a decimal.
    static func integerDigits(_ type: LogicalType) -> Int? {
        switch type {
        case .tinyint: return 3
        case .smallint: return 5
        case .integer: return 10
        case .bigint: return 18
        default: return nil
        }
    }

    static func isInteger(_ type: LogicalType) -> Bool { integerDigits(type) != nil }

    static func isNumeric(_ type: LogicalType) -> Bool {
        switch type {
        case .tinyint, .smallint, .integer, .bigint, .decimal, .double: return true
        default: return false
        }
    }

    static func rank(_ type: LogicalType) -> Int {
        switch type {
        case .tinyint: return 1
        case .smallint: return 2
        case .integer: return 3
        case .bigint: return 4
        default: return 0
        }
    }

    /// The type both operands convert to, or nil when they cannot meet.
    static func common(_ left: LogicalType, _ right: LogicalType) -> LogicalType? {
        if left == right { return left }
        switch (left, right) {
        case (.double, _) where isNumeric(right), (_, .double) where isNumeric(left): return .double
        case (.decimal(let p1, let s1), .decimal(let p2, let s2)):
            let scale = max(s1, s2)
            return .decimal(precision: min(18, max(p1 - s1, p2 - s2) + scale), scale: scale)
        case (.decimal(let precision, let scale), _) where isInteger(right):
            return .decimal(precision: min(18, max(precision, (integerDigits(right) ?? 18) + scale)), scale: scale)
        case (_, .decimal) where isInteger(left):
            return common(right, left)
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default:
            if isInteger(left) && isInteger(right) { return rank(left) >= rank(right) ? left : right }
            return nil
        }
    }

    /// The result type of `left op right` on numbers, or nil when not numeric.
    static func arithmetic(_ op: ArithmeticOperator, _ left: LogicalType, _ right: LogicalType) -> LogicalType? {
        guard isNumeric(left), isNumeric(right), let common = common(left, right) else { return nil }
        if common == .double { return .double }
        switch op {
        case .divide: return .double
        case .integerDivide:
            if case .decimal = common { return .bigint }
            return common
        case .add, .subtract:
            if case .decimal(let precision, let scale) = common { return .decimal(precision: min(18, precision + 1), scale: scale) }
            return common
        case .multiply:
            if case .decimal(let p1, let s1) = decimalView(left), case .decimal(let p2, let s2) = decimalView(right) {
                if s1 + s2 > 18 { return .double }
                if isInteger(left) && isInteger(right) { return common }
                return .decimal(precision: min(18, p1 + p2), scale: s1 + s2)
            }
            return common
        case .modulo:
            return common
        }
    }

    /// An integer type seen as DECIMAL(digits, 0); decimals as themselves.
    static func decimalView(_ type: LogicalType) -> LogicalType {
        if let digits = integerDigits(type) { return .decimal(precision: digits, scale: 0) }
        return type
    }
}
