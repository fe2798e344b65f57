/// Correlated subqueries that no rule unnests: the enclosing row's columns become parameters of
/// the subquery's plan, which then runs once per distinct set of their values.

import StarlingColumns
import StarlingExecution
import StarlingSQL

/// A subquery planned through the general path: the context of the block around it, where its
/// references to that block bind, and those references (its parameters, by index).
final class ParameterFrame {
    let context: ExpressionContext
    /// `enclosingScopes.count` and `groupedScopes.count` before the subquery's planning pushed
    /// the block's scope: what binding in `context` sees.
    let enclosingDepth: Int
    let groupedDepth: Int
    private(set) var parameters: [BoundExpression] = []

    init(context: ExpressionContext, enclosingDepth: Int, groupedDepth: Int) {
        self.context = context
        self.enclosingDepth = enclosingDepth
        self.groupedDepth = groupedDepth
    }

    /// The index of `expression` among the parameters, added when new.
    func index(of expression: BoundExpression) -> Int {
        if let known = parameters.firstIndex(of: expression) { return known }
        parameters.append(expression)
        return parameters.count - 1
    }
}

extension QueryPlanner {
    /// Plans a subquery of an expression bound in `context`, with the columns of `context` it
    /// names (when no rule unnested it) as parameters: expressions over `context`'s rows.
    func planWithParameters(_ query: Query, _ context: ExpressionContext) throws(SQLError)
        -> (plan: LogicalOperator, parameters: [BoundExpression])
    {
        let frame = ParameterFrame(
            context: context, enclosingDepth: enclosingScopes.count, groupedDepth: groupedScopes.count)
        parameterFrames.append(frame)
        defer { parameterFrames.removeLast() }
        let plan: LogicalOperator
        if let aggregation = context.aggregation {
            plan = try planAboveAggregation(query, aggregation, from: context.scope)
        } else {
            plan = try planNested(query, enclosing: context.scope)
        }
        return (plan, frame.parameters)
    }

    /// A column the subquery being planned cannot resolve, as a parameter of the innermost
    /// subquery planned through the general path, when it names that subquery's enclosing block
    /// (or one further out, which that block then reads as a parameter of its own). Nil when it
    /// names a block a rule is unnesting the subquery against (that rule decides), or none.
    func parameter(qualifier: Identifier?, name: Identifier) throws(SQLError) -> BoundExpression? {
        guard let frame = parameterFrames.last else { return nil }
        let resolves = { (scope: BindingScope) in
            (try? scope.resolve(qualifier: qualifier, name: name)).flatMap { $0 } != nil
        }
        guard let level = enclosingScopes.lastIndex(where: resolves), level <= frame.enclosingDepth else { return nil }
        // Bind where the subquery's block binds: with the scopes and frames of that moment.
        let savedScopes = enclosingScopes
        let savedGrouped = groupedScopes
        let savedFrames = parameterFrames
        defer {
            enclosingScopes = savedScopes
            groupedScopes = savedGrouped
            parameterFrames = savedFrames
        }
        enclosingScopes.removeLast(enclosingScopes.count - frame.enclosingDepth)
        groupedScopes.removeLast(max(0, groupedScopes.count - frame.groupedDepth))
        parameterFrames.removeLast()
        let outer = try bind(.column(qualifier: qualifier, name: name), frame.context)
        return .parameter(frame.index(of: outer), outer.type)
    }
}
