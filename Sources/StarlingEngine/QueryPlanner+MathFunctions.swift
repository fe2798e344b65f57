/// Binding `greatest`, `least`, `mod` and the mathematical functions on DOUBLE.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// The names ``bindMathFunction(_:)`` binds.
    static let mathFunctionNames = [
        "greatest", "least", "power", "pow", "sqrt", "ln", "log", "log10", "log2", "exp", "sign", "mod",
    ]

    /// Binds `greatest`, `least`, `mod` and the functions on DOUBLE (DuckDB's result types:
    /// DOUBLE, `sign` TINYINT, `mod` as `%`); nil for another name.
    func bindMathFunction(_ call: ScalarCall) throws(SQLError) -> BoundExpression? {
        switch call.name {
        case "greatest", "least":
            guard !call.arguments.isEmpty else {
                throw SQLError("\(call.name) needs at least one argument", at: call.position)
            }
            let type = try call.commonType()
            let function: ScalarFunction = call.name == "greatest" ? .greatest : .least
            return try call.make(function, try call.all(as: type), type)
        case "power", "pow":
            try call.expectCount(2...2)
            return try call.make(.power, [try call.double(0), try call.double(1)], .double)
        case "sqrt", "ln", "log10", "log2", "exp":
            try call.expectCount(1...1)
            let function: ScalarFunction
            switch call.name {
            case "sqrt": function = .sqrt
            case "ln": function = .ln
            case "log10": function = .log10
            case "log2": function = .log2
            default: function = .exp
            }
            return try call.make(function, [try call.double(0)], .double)
        case "log":
            // DuckDB: log(x) is base 10; log(b, x) is base b.
            try call.expectCount(1...2)
            if call.arguments.count == 1 { return try call.make(.log10, [try call.double(0)], .double) }
            return try call.make(.log, [try call.double(0), try call.double(1)], .double)
        case "sign":
            try call.expectCount(1...1)
            let value = call.arguments[0]
            guard TypeRules.isNumeric(value.type) || call.isNull(0) else {
                throw SQLError("sign needs a number, not \(value.type)", at: call.position(0))
            }
            return try call.make(.sign, [value], .tinyint)
        case "mod":
            // The same operator as `%`, types and all.
            try call.expectCount(2...2)
            return try arithmetic(.modulo, call.arguments[0], call.arguments[1], at: call.position)
        default:
            return nil
        }
    }
}
