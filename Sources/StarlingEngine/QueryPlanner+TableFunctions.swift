/// Table functions in FROM: `generate_series(stop)` and `generate_series(start, stop[, step])`,
/// planned as a `series` operator whose bounds are evaluated when it runs, so they may be an
/// enclosing query's columns (a series per enclosing row); and PostgreSQL's
/// `pg_partition_ancestors(relation)` (psql's `\d` calls it), the relation itself, as
/// Starling's tables stand alone.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// A table function in FROM: `generate_series(stop)`, `generate_series(start, stop[, step])`
    /// (integers, `stop` included). Its arguments see no FROM item of their own block, only
    /// enclosing queries' columns, which make it run once per enclosing row.
    func planTableFunction(_ call: FunctionCall, withOrdinality: Bool = false) throws(SQLError) -> LogicalOperator {
        if Self.readsFiles(call) {
            guard !withOrdinality else {
                throw SQLError("\(call.name.name) WITH ORDINALITY is not supported", at: call.name.position)
            }
            return try planFileScan(call)
        }
        if call.name.name == "pg_partition_ancestors" {
            return try planPartitionAncestors(call, withOrdinality: withOrdinality)
        }
        guard call.name.name == "generate_series" else {
            throw SQLError(
                "table function \(call.name.name) does not exist", at: call.name.position,
                hint: "generate_series(start, stop[, step]) is the table function there is")
        }
        guard !withOrdinality else {
            throw SQLError("generate_series WITH ORDINALITY is not supported", at: call.name.position)
        }
        guard (1...3).contains(call.arguments.count), !call.star, !call.distinct, call.filter == nil, call.window == nil
        else {
            throw SQLError(
                "generate_series takes 1 to 3 integer arguments", at: call.name.position,
                hint: "generate_series(1, 10) or generate_series(0, 100, 5)")
        }
        let context = ExpressionContext(scope: BindingScope(), clause: "table function arguments")
        var bounds: [BoundExpression] = []
        for argument in call.arguments {
            let bound = try bind(argument, context)
            guard [.tinyint, .smallint, .integer, .bigint, .varchar].contains(bound.type) || isNullConstant(bound)
            else {
                throw SQLError(
                    "generate_series takes integers, not \(bound.type)", at: argument.position,
                    hint: "generate_series(1, 10)")
            }
            bounds.append(
                try fold(
                    try coerce(bound, to: .bigint, at: argument.position, what: "generate_series"),
                    at: argument.position))
        }
        if bounds.count == 1 { bounds.insert(.constant(.integer(0), .bigint), at: 0) }
        if bounds.count == 2 { bounds.append(.constant(.integer(1), .bigint)) }
        guard bounds.count == 3 else {
            throw SQLError("generate_series takes 1 to 3 arguments", at: call.name.position)
        }
        var estimate = 100
        if case .constant(.integer(let start), _) = bounds[0], case .constant(.integer(let stop), _) = bounds[1],
            case .constant(.integer(let step), _) = bounds[2], step != 0
        {
            let (span, overflow) = stop.subtractingReportingOverflow(start)
            let steps: Int64 = overflow || (span == .min && step == -1) ? 1 << 40 : span / step
            estimate = Int(clamping: min(max(0, steps), 1 << 40)) + 1
        }
        return LogicalOperator(
            .series(start: bounds[0], stop: bounds[1], step: bounds[2]),
            columns: [PlanColumn(name: call.name.name, type: .bigint)], estimatedRows: estimate)
    }
}

extension QueryPlanner {
    /// `pg_partition_ancestors(relation) [WITH ORDINALITY]`: the relation and the partitioned
    /// tables above it, nearest first (`relid`, then `ordinality` from 1). Starling's tables are
    /// not partitions of others, so it is the relation alone, when `pg_class` has it.
    func planPartitionAncestors(_ call: FunctionCall, withOrdinality: Bool) throws(SQLError) -> LogicalOperator {
        guard call.arguments.count == 1, !call.star, !call.distinct, call.filter == nil, call.window == nil else {
            throw SQLError("pg_partition_ancestors takes one relation", at: call.name.position)
        }
        let argument = call.arguments[0]
        let context = ExpressionContext(scope: BindingScope(), clause: "table function arguments")
        let bound = try bind(argument, context)
        // A regclass: a name or an OID.
        let relation =
            bound.type == .varchar
            ? try bindObjectIdentifier("regclass", argument, context)
            : try fold(try coerce(bound, to: .bigint, at: argument.position, what: "pg_partition_ancestors"))
        // The one value as a series of one, kept when it is a relation's OID.
        let series = LogicalOperator(
            .series(start: relation, stop: relation, step: .constant(.integer(1), .bigint)),
            columns: [PlanColumn(name: "relid", type: .bigint)], estimatedRows: 1)
        let known = BoundExpression.inList(
            .column(0, .bigint), postgresRelations().map { .integer($0.oid) }, negated: false)
        let ancestors = LogicalOperator(.filter(series, known), columns: series.columns, estimatedRows: 1)
        guard withOrdinality else { return ancestors }
        return LogicalOperator(
            .projection(ancestors, [.column(0, .bigint), .constant(.integer(1), .bigint)]),
            columns: series.columns + [PlanColumn(name: "ordinality", type: .bigint)], estimatedRows: 1)
    }
}
