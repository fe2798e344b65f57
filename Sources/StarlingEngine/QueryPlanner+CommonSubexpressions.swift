/// Common subexpressions of an aggregate's inputs computed once, in a projection below it.

import StarlingColumns
import StarlingExecution

extension QueryPlanner {
    /// When the aggregate's group keys, arguments and filters share a computed subexpression
    /// (TPC-H Q1's `l_extendedprice * (1 - l_discount)` in two sums), a projection below the
    /// aggregate computes each such subexpression once per chunk, and the aggregate reads it as a
    /// column. Larger shared expressions are taken first; the projection passes on the input's
    /// columns too. Returns the inputs unchanged when nothing is shared.
    func extractCommonSubexpressions(
        _ input: LogicalOperator, groups: [BoundExpression], aggregates: [AggregateSpecification]
    ) -> (input: LogicalOperator, groups: [BoundExpression], aggregates: [AggregateSpecification])
    {
        var roots = groups
        for aggregate in aggregates { roots += aggregate.expressions }
        var shared: [BoundExpression] = []
        while let next = largestRepeated(in: roots) {
            shared.append(next)
            let column = BoundExpression.column(input.columns.count + shared.count - 1, next.type)
            roots = roots.map { $0.replacingSubexpression(next, with: column) }
        }
        guard !shared.isEmpty else { return (input, groups, aggregates) }
        // The shared expressions may contain earlier (larger) ones' columns: none do, as each is
        // taken before anything inside it, and a replacement removes its inner nodes.
        let passed = input.columns.indices.map { BoundExpression.column($0, input.columns[$0].type) }
        let columns =
            input.columns
            + shared.enumerated().map { PlanColumn(name: "common\($0.offset + 1)", type: $0.element.type) }
        let projection = LogicalOperator(
            .projection(input, passed + shared), columns: columns, estimatedRows: input.estimatedRows)
        var index = 0
        func nextRoot() -> BoundExpression {
            defer { index += 1 }
            return roots[index]
        }
        let newGroups = groups.map { _ in nextRoot() }
        let newAggregates = aggregates.map { aggregate in aggregate.mapExpressions { _ in nextRoot() } }
        return (projection, newGroups, newAggregates)
    }

    /// The computed subexpression (arithmetic, a function, a cast, a CASE) with the most nodes
    /// that occurs at least twice across `roots`; nil when there is none.
    private func largestRepeated(in roots: [BoundExpression]) -> BoundExpression? {
        var candidates: [(expression: BoundExpression, count: Int, size: Int)] = []
        for root in roots {
            root.visit { node in
                guard node.isComputed, !node.containsSubquery else { return }
                if let index = candidates.firstIndex(where: { $0.expression == node }) {
                    candidates[index].count += 1
                } else {
                    candidates.append((node, 1, node.nodeCount))
                }
            }
        }
        return candidates.filter { $0.count >= 2 }.max { $0.size < $1.size }?.expression
    }
}

extension BoundExpression {
    /// Whether evaluating the node computes something (not a column or a constant).
    var isComputed: Bool {
        switch self {
        case .arithmetic, .function, .cast, .caseWhen, .negate: return !isConstant
        default: return false
        }
    }

    /// The number of nodes in the expression.
    var nodeCount: Int {
        var count = 0
        visit { _ in count += 1 }
        return count
    }

    /// The expression with every occurrence of `target` replaced by `replacement`.
    func replacingSubexpression(_ target: BoundExpression, with replacement: BoundExpression) -> BoundExpression {
        replacing { $0 == target ? replacement : nil }
    }
}
