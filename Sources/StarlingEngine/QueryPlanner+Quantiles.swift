/// Binding quantile aggregates: `median(x)`, `quantile_cont(x, f)`, `quantile_disc(x, f)`,
/// `quantile(x, f)`, and the ordered-set forms `percentile_cont(f) WITHIN GROUP (ORDER BY x)`
/// and `percentile_disc(…)`, with DuckDB's result types.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    static let quantileNames: Set<String> = [
        "median", "quantile_cont", "quantile_disc", "quantile", "percentile_cont", "percentile_disc",
    ]

    /// The quantile aggregate `call` names over `input`.
    func bindQuantile(_ call: FunctionCall, _ input: ExpressionContext, filter: BoundExpression?) throws(SQLError)
        -> AggregateSpecification
    {
        let name = call.name.name
        let position = call.name.position
        if call.distinct { throw SQLError("DISTINCT is not supported in \(name)", at: position) }
        if call.star { throw SQLError("\(name)(*) is not allowed; only count(*)", at: position) }
        let ordered = name.hasPrefix("percentile_")
        if !ordered, call.withinGroup != nil {
            throw SQLError("WITHIN GROUP applies to percentile_cont and percentile_disc, not to \(name)", at: position)
        }
        let valueExpression: Expression
        var fraction = 0.5
        var descending = false
        if ordered {
            guard let within = call.withinGroup else {
                throw SQLError(
                    "\(name) needs WITHIN GROUP (ORDER BY …)", at: position,
                    hint: "\(name)(0.95) WITHIN GROUP (ORDER BY response_ms)")
            }
            guard call.arguments.count == 1 else {
                throw SQLError("\(name) takes one argument (the fraction), not \(call.arguments.count)", at: position)
            }
            valueExpression = within.expression
            descending = within.descending
            fraction = try quantileFraction(call.arguments[0], input, allowNegative: false)
        } else if name == "median" {
            guard call.arguments.count == 1 else {
                throw SQLError("median takes one argument, not \(call.arguments.count)", at: position)
            }
            valueExpression = call.arguments[0]
        } else {
            guard call.arguments.count == 2 else {
                throw SQLError(
                    "\(name) takes two arguments (the value and the fraction), not \(call.arguments.count)",
                    at: position)
            }
            valueExpression = call.arguments[0]
            fraction = try quantileFraction(call.arguments[1], input, allowNegative: true)
            // A negative fraction counts from the top, as in DuckDB.
            if fraction < 0 || (fraction == 0 && (1 / fraction) < 0) {
                fraction = -fraction
                descending = true
            }
        }
        if valueExpression.containsAggregate {
            throw SQLError("aggregate function calls cannot be nested", at: valueExpression.position)
        }
        let value = try bind(valueExpression, input)
        var continuous = name == "median" || name == "quantile_cont" || name == "percentile_cont"
        var type = value.type
        switch value.type {
        case .tinyint, .smallint, .integer, .bigint, .double:
            if continuous { type = .double }
        case .decimal:
            break
        case .date, .timestamp:
            if continuous { type = .timestamp }
        case .varchar, .boolean:
            continuous = false  // A continuous quantile of values that cannot be interpolated picks one.
        case .interval:
            // DuckDB interpolates intervals for median only (microseconds, 30-day months).
            if continuous && name != "median" {
                throw SQLError(
                    "\(name) cannot interpolate INTERVAL", at: valueExpression.position,
                    hint: "median(x) interpolates intervals; quantile_disc(x, f) picks one")
            }
        }
        var specification = AggregateSpecification(
            function: continuous ? .quantileContinuous : .quantileDiscrete, argument: value, distinct: false,
            filter: filter, type: type)
        specification.fraction = fraction
        specification.descending = descending
        return specification
    }

    /// A quantile's fraction: a constant number from 0 to 1 (-1 to 1 where negative counts down).
    func quantileFraction(_ expression: Expression, _ input: ExpressionContext, allowNegative: Bool)
        throws(SQLError) -> Double
    {
        let number = constantNumber(try bind(expression, input))
        let range = allowNegative ? "-1 and 1" : "0 and 1"
        guard let number, number <= 1, number >= (allowNegative ? -1 : 0) else {
            throw SQLError(
                "the fraction of a quantile must be a constant between \(range)", at: expression.position,
                hint: "0.95 for the 95th percentile")
        }
        return number
    }
}
