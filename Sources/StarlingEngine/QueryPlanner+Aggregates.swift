/// Binding the aggregates beyond count, sum, avg, min and max and the quantiles: variances and
/// correlations, boolean and value-picking aggregates, string_agg, mode, and the sketches.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// Each name of an aggregate bound here, and the function it calls.
    static let moreAggregates: [String: AggregateSpecification.Function] = [
        "var_samp": .varianceSample, "variance": .varianceSample, "var_pop": .variancePopulation,
        "stddev_samp": .deviationSample, "stddev": .deviationSample, "stddev_pop": .deviationPopulation,
        "covar_samp": .covarianceSample, "covar_pop": .covariancePopulation, "corr": .correlation,
        "arg_min": .argumentOfMinimum, "argmin": .argumentOfMinimum, "min_by": .argumentOfMinimum,
        "arg_max": .argumentOfMaximum, "argmax": .argumentOfMaximum, "max_by": .argumentOfMaximum,
        "first": .first, "arbitrary": .first, "last": .last, "any_value": .anyValue,
        "string_agg": .stringAggregate, "group_concat": .stringAggregate, "listagg": .stringAggregate,
        "mode": .mode, "approx_count_distinct": .approximateCountDistinct, "approx_quantile": .approximateQuantile,
        "bool_and": .min, "bool_or": .max,
    ]

    /// An aggregate's argument; a row value `(a, b, …)` (count and approx_count_distinct) as one
    /// never-NULL key per row.
    func bindAggregateArgument(_ argument: Expression, _ input: ExpressionContext) throws(SQLError) -> BoundExpression {
        guard case .function(let call) = argument, call.name.name == "row", call.window == nil else {
            return try bind(argument, input)
        }
        var components: [BoundExpression] = []
        for component in call.arguments { components.append(try bind(component, input)) }
        return .function(.rowKey, components, .varchar)
    }

    /// Aggregates that return lists, refused with a pointer to string_agg until there is a LIST type.
    static let listAggregates: Set<String> = ["list", "array_agg"]

    /// Aggregates whose answer depends on the order of their values (ORDER BY inside the call).
    static let orderedAggregates: Set<AggregateSpecification.Function> = [.first, .last, .stringAggregate]

    /// Binds a call of one of ``moreAggregates`` (its FILTER already bound).
    func bindMoreAggregate(_ call: FunctionCall, _ input: ExpressionContext, filter: BoundExpression?)
        throws(SQLError) -> AggregateSpecification
    {
        let name = call.name.name
        let position = call.name.position
        guard let function = Self.moreAggregates[name] else {
            throw SQLError("unknown aggregate \(name)", at: position)
        }
        if call.withinGroup != nil {
            throw SQLError("WITHIN GROUP applies to percentile_cont and percentile_disc, not to \(name)", at: position)
        }
        var arguments: [BoundExpression] = []
        for argument in call.arguments { arguments.append(try bindAggregateArgument(argument, input)) }
        func expectCount(_ range: ClosedRange<Int>) throws(SQLError) {
            try checkArgumentCount(name, arguments.count, range, at: position)
        }
        func number(_ index: Int) throws(SQLError) -> BoundExpression {
            let argument = arguments[index]
            guard TypeRules.isNumeric(argument.type) else {
                throw SQLError("\(name) needs numbers, not \(argument.type)", at: call.arguments[index].position)
            }
            return argument.type == .double ? argument : .cast(argument, .double)
        }
        var specification: AggregateSpecification
        switch function {
        case .varianceSample, .variancePopulation, .deviationSample, .deviationPopulation:
            try expectCount(1...1)
            specification = AggregateSpecification(
                function: function, argument: try number(0), distinct: false, filter: filter, type: .double)
        case .covarianceSample, .covariancePopulation, .correlation:
            try expectCount(2...2)
            specification = AggregateSpecification(
                function: function, argument: try number(0), distinct: false, filter: filter, type: .double)
            specification.secondArgument = try number(1)
        case .min, .max:
            try expectCount(1...1)
            guard arguments[0].type == .boolean else {
                throw SQLError("\(name) needs BOOLEAN values, not \(arguments[0].type)", at: call.arguments[0].position)
            }
            specification = AggregateSpecification(
                function: function, argument: arguments[0], distinct: false, filter: filter, type: .boolean)
        case .argumentOfMinimum, .argumentOfMaximum:
            try expectCount(2...2)
            specification = AggregateSpecification(
                function: function, argument: arguments[0], distinct: false, filter: filter, type: arguments[0].type)
            specification.secondArgument = arguments[1]
        case .stringAggregate:
            try expectCount(1...2)
            let text = arguments[0].type == .varchar ? arguments[0] : BoundExpression.cast(arguments[0], .varchar)
            specification = AggregateSpecification(
                function: function, argument: text, distinct: call.distinct, filter: filter, type: .varchar)
            if arguments.count == 2 {
                guard case .constant(let value, _) = try fold(arguments[1]), case .string(let separator) = value
                else { throw SQLError("\(name) needs a constant text separator", at: call.arguments[1].position) }
                specification.separator = separator
            }
        case .approximateQuantile:
            try expectCount(2...2)
            let type = arguments[0].type
            guard TypeRules.isNumeric(type) || type == .date || type == .timestamp else {
                throw SQLError(
                    "\(name) needs numbers, dates or timestamps, not \(type)", at: call.arguments[0].position)
            }
            specification = AggregateSpecification(
                function: function, argument: arguments[0], distinct: false, filter: filter, type: type)
            specification.fraction = try quantileFraction(call.arguments[1], input, allowNegative: false)
        default:
            // first, last, any_value, mode, approx_count_distinct: one value of any type.
            try expectCount(1...1)
            let type: LogicalType = function == .approximateCountDistinct ? .bigint : arguments[0].type
            specification = AggregateSpecification(
                function: function, argument: arguments[0], distinct: false, filter: filter, type: type)
        }
        if call.distinct && !specification.distinct && function.rejectsDistinct {
            throw SQLError("DISTINCT is not supported in \(name)", at: position)
        }
        specification.orderBy = try aggregateOrder(call, specification, input)
        return specification
    }

    /// The ORDER BY inside an aggregate call, for those whose answer depends on it (others ignore
    /// it, as DuckDB does). With DISTINCT, it must order by the argument (as in PostgreSQL).
    private func aggregateOrder(
        _ call: FunctionCall, _ specification: AggregateSpecification, _ input: ExpressionContext
    )
        throws(SQLError) -> [SortKey]
    {
        guard !call.orderBy.isEmpty, Self.orderedAggregates.contains(specification.function) else { return [] }
        var keys: [SortKey] = []
        for item in call.orderBy {
            var context = input
            context.clause = "an aggregate's ORDER BY"
            let expression = try bind(item.expression, context)
            if specification.distinct, let argument = call.arguments.first,
                expression != (try bind(argument, input))
            {
                throw SQLError(
                    "in an aggregate with DISTINCT, ORDER BY expressions must appear in the argument list",
                    at: item.expression.position)
            }
            keys.append(
                SortKey(expression: expression, descending: item.descending, nullsFirst: item.nullsFirst ?? false))
        }
        return keys
    }
}

extension AggregateSpecification.Function {
    /// Whether DISTINCT would change the answer and is not supported (the moments and
    /// approx_quantile); where it changes nothing (min_by, mode, approx_count_distinct) it is let
    /// through.
    var rejectsDistinct: Bool {
        switch self {
        case .varianceSample, .variancePopulation, .deviationSample, .deviationPopulation, .covarianceSample,
            .covariancePopulation, .correlation, .approximateQuantile:
            return true
        default: return false
        }
    }
}
