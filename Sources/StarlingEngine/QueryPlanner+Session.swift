/// The functions that read the session rather than rows: `current_setting(name)`,
/// `current_database()`, `current_schema()` and `version()`, each a constant for the statement.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// The session functions' names.
    static let sessionFunctionNames: Set<String> = [
        "current_setting", "current_database", "current_schema", "version",
    ]

    /// A session function call as its constant value; nil for any other call.
    func bindSessionFunction(_ call: FunctionCall, _ context: ExpressionContext) throws(SQLError) -> BoundExpression? {
        let name = call.name.name
        guard call.window == nil, Self.sessionFunctionNames.contains(name) else { return nil }
        if call.distinct || call.filter != nil || call.star {
            throw SQLError(
                "\(name) is not an aggregate function; DISTINCT, FILTER and * apply to aggregates",
                at: call.name.position)
        }
        switch name {
        case "version":
            guard call.arguments.isEmpty else {
                throw SQLError("version takes no arguments", at: call.name.position, hint: "version()")
            }
            return .constant(.string(Engine.versionText), .varchar)
        case "current_database", "current_schema":
            guard call.arguments.isEmpty else {
                throw SQLError("\(name) takes no arguments", at: call.name.position, hint: "\(name)()")
            }
            return .constant(.string(name == "current_database" ? databaseName : "main"), .varchar)
        default:
            guard call.arguments.count == 1 else {
                throw SQLError(
                    "current_setting takes one argument, the setting's name", at: call.name.position,
                    hint: "current_setting('threads')")
            }
            let argument = call.arguments[0]
            let bound = try fold(try bind(argument, context), at: argument.position)
            guard case .constant(let value, _) = bound else {
                throw SQLError(
                    "current_setting needs a constant setting name", at: argument.position,
                    hint: "current_setting('memory_limit')")
            }
            guard case .string(let settingName) = value else {
                throw SQLError(
                    value == .null
                        ? "current_setting's setting name must not be NULL"
                        : "current_setting needs the setting's name as text",
                    at: argument.position, hint: "current_setting('memory_limit')")
            }
            guard let setting = Setting(named: settingName) else {
                throw Setting.unknown(Identifier(settingName, at: argument.position))
            }
            let (result, type) = settings.value(of: setting)
            return .constant(result, type)
        }
    }
}
