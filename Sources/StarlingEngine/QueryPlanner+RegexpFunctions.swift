/// Binding the regular-expression functions: a constant pattern compiled (and checked) once here,
/// its errors placed at the pattern, the options or the replacement.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// The names ``bindRegexpFunction(_:)`` binds.
    static let regexpFunctionNames = ["regexp_matches", "regexp_full_match", "regexp_replace", "regexp_extract"]

    /// Binds `regexp_matches(s, pattern [, options])`, `regexp_full_match` (the same, the whole
    /// text), `regexp_replace(s, pattern, replacement [, options])` and `regexp_extract(s,
    /// pattern [, group [, options]])`; nil for another name.
    func bindRegexpFunction(_ call: ScalarCall) throws(SQLError) -> BoundExpression? {
        let function: ScalarFunction
        let type: LogicalType
        switch call.name {
        case "regexp_matches", "regexp_full_match":
            try call.expectCount(2...3)
            function = call.name == "regexp_matches" ? .regexpMatches : .regexpFullMatch
            type = .boolean
        case "regexp_replace":
            try call.expectCount(3...4)
            function = .regexpReplace
            type = .varchar
        case "regexp_extract":
            try call.expectCount(2...4)
            function = .regexpExtract
            type = .varchar
        default:
            return nil
        }
        let text = try call.text(0)
        let pattern = try call.text(1)
        // The replacement or the group, then the options.
        var extra: BoundExpression?
        var optionsIndex = 2
        if function == .regexpReplace {
            extra = try call.text(2)
            optionsIndex = 3
        } else if function == .regexpExtract {
            extra = try extractGroup(call)
            optionsIndex = 3
        }
        let options = try regexpOptions(call, at: optionsIndex, allowGlobal: function == .regexpReplace)
        guard case .constant(let patternValue, _) = pattern else {
            // A pattern from a column: compiled per distinct pattern while running.
            var arguments = [text, pattern]
            if let extra { arguments.append(extra) }
            arguments.append(.constant(.string(options.text), .varchar))
            return .function(function, arguments, type)
        }
        guard case .string(let patternText) = patternValue else { return .constant(.null, type) }
        let expression: RegularExpression
        do {
            expression = try RegularExpression(
                patternText, options: options.parsed, anchored: function == .regexpFullMatch)
        } catch {
            throw SQLError(error.message, at: call.position(1))
        }
        if let extra, function == .regexpReplace, case .constant(.string(let replacement), _) = extra {
            do { _ = try RegexpFunctions.Replacement(replacement, groupCount: expression.groupCount) } catch {
                throw SQLError(error.message, at: call.position(2))
            }
        }
        let bound = BoundExpression.regexp(function, expression, [text] + (extra.map { [$0] } ?? []), type)
        return try fold(bound, at: call.position)
    }

    /// regexp_extract's group: a constant from 0 to 9 (0, the whole match, when left out; a NULL
    /// group gives the empty string, as in DuckDB).
    private func extractGroup(_ call: ScalarCall) throws(SQLError) -> BoundExpression {
        guard call.arguments.count > 2 else { return .constant(.integer(0), .bigint) }
        let group = try call.integer(2)
        guard case .constant(let value, _) = group else {
            throw SQLError("the group of regexp_extract must be a constant", at: call.position(2))
        }
        if case .integer(let index) = value, !(0...9).contains(index) {
            throw SQLError("the group of regexp_extract must be between 0 and 9", at: call.position(2))
        }
        return group
    }

    /// The constant option string at `index` (none when the call has no argument there).
    private func regexpOptions(_ call: ScalarCall, at index: Int, allowGlobal: Bool) throws(SQLError)
        -> (text: String, parsed: RegularExpression.Options)
    {
        guard call.arguments.count > index else { return ("", RegularExpression.Options()) }
        let argument = try call.text(index)
        guard case .constant(let value, _) = argument else {
            throw SQLError("the options of \(call.name) must be a constant", at: call.position(index))
        }
        guard case .string(let text) = value else {
            throw SQLError("the options of \(call.name) must not be NULL", at: call.position(index))
        }
        do { return (text, try RegularExpression.Options(parsing: text, allowGlobal: allowGlobal)) } catch {
            throw SQLError(error.message, at: call.position(index))
        }
    }
}
