/// Which statements a connection runs on its event loop instead of handing them to a query
/// thread: a SELECT of constants, the `SELECT 1` a pool or BI tool pings with.

import StarlingSQL

/// The test for statements cheap and bounded enough to run where the message arrived. Handing a
/// statement to a query thread and its answer back costs two thread switches, more than `SELECT
/// 1` itself: pgbench's round trip was 209 µs against PostgreSQL's 84. What runs inline reads
/// no table (only the catalog's current snapshot, as every query does), calls no function but
/// the session's constant ones, and produces one row, so it never waits for the result queue
/// to drain (which the event loop itself drains).
enum InlineStatement {
    /// Functions allowed inline: constants of the session.
    static let functions: Set<String> = ["version", "current_database", "current_schema"]
    /// Statement text longer than this goes to a query thread whatever it holds.
    static let maximumLength = 512

    /// Whether `text` is one such SELECT.
    static func qualifies(_ text: String) -> Bool {
        guard text.utf8.count <= maximumLength,
            let statements = try? Parser.parse(text), statements.count == 1,
            case .query(let query)? = statements.first?.statement,
            query.commonTableExpressions.isEmpty, query.orderBy.isEmpty, query.limit == nil, query.offset == nil,
            case .select(let select) = query.body
        else { return false }
        guard select.from.isEmpty, select.whereClause == nil, select.groupBy.isEmpty, select.groupingSets == nil,
            select.having == nil, select.windows.isEmpty, select.qualify == nil, select.distinctOn == nil,
            !select.items.isEmpty, select.items.count <= 16
        else { return false }
        return select.items.allSatisfy { isConstant($0.expression, depth: 0) }
    }

    /// Literals, and operators, casts and session functions over them, a few levels deep.
    static func isConstant(_ expression: Expression, depth: Int) -> Bool {
        guard depth < 8 else { return false }
        func constant(_ operand: Expression) -> Bool { isConstant(operand, depth: depth + 1) }
        switch expression {
        case .literal, .interval:
            return true
        case .unary(_, let operand, _), .cast(let operand, _, _, _), .isNull(let operand, _, _):
            return constant(operand)
        case .binary(_, let left, let right, _):
            return constant(left) && constant(right)
        case .function(let call):
            return call.arguments.isEmpty && !call.star && !call.distinct && call.filter == nil && call.window == nil
                && call.withinGroup == nil && functions.contains(call.name.name.lowercased())
        default:
            return false
        }
    }
}
