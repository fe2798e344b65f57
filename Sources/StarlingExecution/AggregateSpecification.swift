/// An aggregate call as the executor runs it: the function, its inputs, and its result type.

import StarlingColumns

/// An aggregate call.
public struct AggregateSpecification: Sendable, Equatable {
    public enum Function: String, Sendable, Equatable {
        case countStar = "count_star"
        case count, sum, avg, min, max
        /// The value at a fraction of the ordered values, interpolated between its two
        /// neighbours (`quantile_cont`, `median`, `percentile_cont`).
        case quantileContinuous = "quantile_cont"
        /// The first value whose share of the ordered values reaches the fraction
        /// (`quantile_disc`, `percentile_disc`).
        case quantileDiscrete = "quantile_disc"
        /// `grouping(a, …)`: under grouping sets, a bit per argument, set when the set leaves
        /// that group out (``AggregateSpecification/groupingColumns``); no argument is read.
        case grouping
        /// Variances and standard deviations (of the sample, n − 1, or of the population, n).
        case varianceSample = "var_samp"
        case variancePopulation = "var_pop"
        case deviationSample = "stddev_samp"
        case deviationPopulation = "stddev_pop"
        /// Two-argument moments of `(argument, secondArgument)` = `(y, x)` pairs.
        case covarianceSample = "covar_samp"
        case covariancePopulation = "covar_pop"
        case correlation = "corr"
        /// The argument at the row whose `secondArgument` is least or greatest.
        case argumentOfMinimum = "arg_min"
        case argumentOfMaximum = "arg_max"
        /// The first or last value in `orderBy`'s order (NULLs count); any non-NULL value.
        case first, last
        case anyValue = "any_value"
        /// The values as text joined by `separator`, in `orderBy`'s order.
        case stringAggregate = "string_agg"
        /// The most frequent value (the least among equally frequent ones).
        case mode
        /// The number of distinct values, estimated by a HyperLogLog sketch per group.
        case approximateCountDistinct = "approx_count_distinct"
        /// A quantile estimated by a KLL sketch per group (`fraction`).
        case approximateQuantile = "approx_quantile"

        /// Whether a ``GroupedAggregate`` state computes it rather than the running counts and
        /// sums of ``Accumulator``.
        public var hasOwnState: Bool {
            switch self {
            case .countStar, .count, .sum, .avg, .min, .max, .grouping: return false
            default: return true
            }
        }
    }
    public var function: Function
    public var argument: BoundExpression?
    /// Two-argument aggregates: `x` of `corr(y, x)`, the value `arg_min(arg, value)` compares.
    public var secondArgument: BoundExpression?
    public var distinct: Bool
    public var filter: BoundExpression?
    public var type: LogicalType
    /// Quantiles: the fraction (0 to 1), and whether the values are ordered descending.
    public var fraction: Double = 0
    public var descending: Bool = false
    /// `grouping`: the group key positions of its arguments, the first the most significant bit.
    public var groupingColumns: [Int] = []
    /// `string_agg(x, sep ORDER BY …)`, `first(x ORDER BY …)`: the order values are taken in.
    public var orderBy: [SortKey] = []
    /// `string_agg`: the text between values.
    public var separator: String = ","

    public init(
        function: Function, argument: BoundExpression?, distinct: Bool, filter: BoundExpression?, type: LogicalType
    ) {
        self.function = function
        self.argument = argument
        self.distinct = distinct
        self.filter = filter
        self.type = type
    }

    /// Every expression read from the input: the argument, the second argument, the filter, then
    /// the order keys (the order ``mapExpressions(_:)`` visits them in).
    public var expressions: [BoundExpression] {
        [argument, secondArgument, filter].compactMap { $0 } + orderBy.map(\.expression)
    }

    /// The call with `transform` applied to each of ``expressions``, in their order.
    public func mapExpressions<Failure: Error>(
        _ transform: (BoundExpression) throws(Failure) -> BoundExpression
    ) throws(Failure) -> AggregateSpecification {
        var mapped = self
        if let argument { mapped.argument = try transform(argument) }
        if let secondArgument { mapped.secondArgument = try transform(secondArgument) }
        if let filter { mapped.filter = try transform(filter) }
        for index in orderBy.indices {
            mapped.orderBy[index].expression = try transform(orderBy[index].expression)
        }
        return mapped
    }
}
