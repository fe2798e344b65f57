/// Binding the text functions added beside the original ones: split_part, lpad, rpad, strpos
/// (instr, position), reverse, repeat, ends_with (suffix), prefix, chr, ascii and unicode.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// The names ``bindStringFunction(_:)`` binds.
    static let stringFunctionNames = [
        "split_part", "lpad", "rpad", "strpos", "instr", "position", "reverse", "repeat", "ends_with", "suffix",
        "prefix", "chr", "ascii", "unicode",
    ]

    /// Binds a text function (DuckDB's argument orders and result types); nil for another name.
    func bindStringFunction(_ call: ScalarCall) throws(SQLError) -> BoundExpression? {
        switch call.name {
        case "split_part":
            try call.expectCount(3...3)
            return try call.make(.splitPart, [try call.text(0), try call.text(1), try call.integer(2)], .varchar)
        case "lpad", "rpad":
            try call.expectCount(3...3)
            let function: ScalarFunction = call.name == "lpad" ? .lpad : .rpad
            return try call.make(function, [try call.text(0), try call.integer(1), try call.text(2)], .varchar)
        case "strpos", "instr":
            try call.expectCount(2...2)
            return try call.make(.strpos, [try call.text(0), try call.text(1)], .bigint)
        case "position":
            // position(needle IN haystack): the needle first.
            try call.expectCount(2...2)
            return try call.make(.strpos, [try call.text(1), try call.text(0)], .bigint)
        case "reverse":
            try call.expectCount(1...1)
            return try call.make(.reverse, [try call.text(0)], .varchar)
        case "repeat":
            try call.expectCount(2...2)
            return try call.make(.repeatText, [try call.text(0), try call.integer(1)], .varchar)
        case "ends_with", "suffix", "prefix":
            try call.expectCount(2...2)
            let function: ScalarFunction = call.name == "prefix" ? .startsWith : .endsWith
            return try call.make(function, [try call.text(0), try call.text(1)], .boolean)
        case "chr":
            try call.expectCount(1...1)
            return try call.make(.chr, [try call.integer(0)], .varchar)
        case "ascii", "unicode":
            try call.expectCount(1...1)
            return try call.make(call.name == "ascii" ? .ascii : .unicode, [try call.text(0)], .integer)
        default:
            return nil
        }
    }
}
