/// A scalar function call being bound: its arguments bound, and the conversions its binders share.

import StarlingColumns
import StarlingExecution
import StarlingSQL

/// One call of a scalar function, its arguments already bound, with the checks and conversions
/// the binders of the function families (``QueryPlanner/bindMathFunction(_:)`` and the others)
/// share; errors point at the argument at fault.
struct ScalarCall {
    /// The lower-cased name as written.
    let name: String
    let call: FunctionCall
    let arguments: [BoundExpression]
    let planner: QueryPlanner

    /// Where the name is.
    var position: SourcePosition { call.name.position }

    /// Where argument `index` starts.
    func position(_ index: Int) -> SourcePosition { call.arguments[index].position }

    /// Fails unless the call has a number of arguments in `range`.
    func expectCount(_ range: ClosedRange<Int>) throws(SQLError) {
        try planner.checkArgumentCount(name, arguments.count, range, at: position)
    }

    /// Whether argument `index` is the constant NULL.
    func isNull(_ index: Int) -> Bool { planner.isNullConstant(arguments[index]) }

    /// Argument `index` as VARCHAR (a constant converted; other types need a CAST).
    func text(_ index: Int) throws(SQLError) -> BoundExpression {
        try planner.coerce(arguments[index], to: .varchar, at: position(index), what: name)
    }

    /// Argument `index`, an integer, as BIGINT.
    func integer(_ index: Int) throws(SQLError) -> BoundExpression {
        guard TypeRules.isInteger(arguments[index].type) || isNull(index) || isTextConstant(index) else {
            throw SQLError("\(name) needs an integer here, not \(arguments[index].type)", at: position(index))
        }
        return try planner.coerce(arguments[index], to: .bigint, at: position(index), what: name)
    }

    /// Argument `index`, a number, as DOUBLE.
    func double(_ index: Int) throws(SQLError) -> BoundExpression {
        guard TypeRules.isNumeric(arguments[index].type) || isNull(index) || isTextConstant(index) else {
            throw SQLError("\(name) needs a number, not \(arguments[index].type)", at: position(index))
        }
        return try planner.coerce(arguments[index], to: .double, at: position(index), what: name)
    }

    /// Argument `index` as a DATE or TIMESTAMP (a string constant as a DATE, or a TIMESTAMP when
    /// it has a time).
    func temporal(_ index: Int) throws(SQLError) -> BoundExpression {
        let argument = arguments[index]
        if argument.type == .date || argument.type == .timestamp { return argument }
        if isNull(index) { return .constant(.null, .date) }
        if isTextConstant(index) {
            if let date = try? planner.coerce(argument, to: .date, at: position(index), what: name) { return date }
            return try planner.coerce(argument, to: .timestamp, at: position(index), what: name)
        }
        throw SQLError("\(name) needs a DATE or TIMESTAMP, not \(argument.type)", at: position(index))
    }

    /// Whether argument `index` is a string constant (which converts to the type wanted).
    func isTextConstant(_ index: Int) -> Bool { arguments[index].isConstant && arguments[index].type == .varchar }

    /// The constant text of argument `index`, or nil when it is not a string constant.
    func constantText(_ index: Int) -> String? {
        if case .constant(.string(let text), _) = arguments[index] { return text }
        return nil
    }

    /// The type every argument converts to: their common type, a string constant or NULL taking
    /// the others' (as `coalesce`, `greatest` and `least` need); INTEGER when all are NULL.
    func commonType() throws(SQLError) -> LogicalType {
        var type: LogicalType?
        for (index, argument) in arguments.enumerated() where !isNull(index) {
            guard let current = type else {
                type = argument.type
                continue
            }
            if let common = TypeRules.common(current, argument.type) {
                type = common
            } else if isTextConstant(index) {
                continue
            } else if current == .varchar, arguments[..<index].allSatisfy({ $0.isConstant }) {
                // Only string constants so far: they take this argument's type.
                type = argument.type
            } else {
                throw SQLError(
                    "\(name) arguments have types \(current) and \(argument.type), which do not mix",
                    at: position(index),
                    hint: "add an explicit CAST")
            }
        }
        return type ?? .integer
    }

    /// Every argument converted to `type`.
    func all(as type: LogicalType) throws(SQLError) -> [BoundExpression] {
        var converted: [BoundExpression] = []
        for index in arguments.indices {
            converted.append(try planner.coerce(arguments[index], to: type, at: position(index), what: name))
        }
        return converted
    }

    /// `function(arguments)` of type `type`, folded when constant (errors at the call).
    func make(_ function: ScalarFunction, _ bound: [BoundExpression], _ type: LogicalType) throws(SQLError)
        -> BoundExpression
    {
        try planner.fold(.function(function, bound, type), at: position)
    }
}
