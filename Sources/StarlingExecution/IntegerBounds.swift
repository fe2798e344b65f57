/// Interval arithmetic over the value ranges integer vectors carry (``Vector/bounds``).

/// The ranges of integer results, computed from the ranges of their inputs, so that a kernel
/// can prove before its loop that no row overflows.
enum IntegerBounds {
    /// The range holding `x op y` for every `x` in `left` and `y` in `right`, for `+`, `-` and
    /// `*`; nil for other operators, or when an end of the range itself overflows `Int64`.
    static func of(_ op: ArithmeticOperator, _ left: ClosedRange<Int64>, _ right: ClosedRange<Int64>) -> ClosedRange<
        Int64
    >? {
        switch op {
        case .add:
            let (low, lowOverflow) = left.lowerBound.addingReportingOverflow(right.lowerBound)
            let (high, highOverflow) = left.upperBound.addingReportingOverflow(right.upperBound)
            return lowOverflow || highOverflow ? nil : low...high
        case .subtract:
            let (low, lowOverflow) = left.lowerBound.subtractingReportingOverflow(right.upperBound)
            let (high, highOverflow) = left.upperBound.subtractingReportingOverflow(right.lowerBound)
            return lowOverflow || highOverflow ? nil : low...high
        case .multiply:
            // A product over two intervals is extreme at one of the four corners.
            let (a, aOverflow) = left.lowerBound.multipliedReportingOverflow(by: right.lowerBound)
            let (b, bOverflow) = left.lowerBound.multipliedReportingOverflow(by: right.upperBound)
            let (c, cOverflow) = left.upperBound.multipliedReportingOverflow(by: right.lowerBound)
            let (d, dOverflow) = left.upperBound.multipliedReportingOverflow(by: right.upperBound)
            guard !(aOverflow || bOverflow || cOverflow || dOverflow) else { return nil }
            return min(a, b, c, d)...max(a, b, c, d)
        case .divide, .integerDivide, .modulo:
            return nil
        }
    }

    /// Whether `total` values, each in `bounds`, can be added up in `Int64` in any order without
    /// any partial sum overflowing.
    static func sumFits(_ bounds: ClosedRange<Int64>, count total: Int) -> Bool {
        let largest = max(bounds.lowerBound.magnitude, bounds.upperBound.magnitude)
        let (product, overflow) = largest.multipliedReportingOverflow(by: UInt64(max(total, 0)))
        return !overflow && product <= UInt64(Int64.max)
    }
}

extension ClosedRange where Bound == Int64 {
    /// Whether `other` lies wholly within this range.
    func encloses(_ other: ClosedRange<Int64>) -> Bool {
        lowerBound <= other.lowerBound && other.upperBound <= upperBound
    }
}
