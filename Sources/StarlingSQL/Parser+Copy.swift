/// COPY: `COPY table [(columns)] FROM 'file' | STDIN` and `COPY table | (query) TO 'file' | STDOUT`,
/// each with options in parentheses or in PostgreSQL's older spelling (`CSV HEADER DELIMITER ','`).

extension Parser {
    /// `COPY` after that word.
    mutating func parseCopy() throws(SQLError) -> Statement {
        let start = current.position
        if current.isSymbol("("), isParenthesisedQuery(at: index) {
            index += 1
            let queryStart = current.position.offset
            let query = try parseQuery()
            let queryEnd = current.position.offset
            try expectSymbol(")")
            guard current.isKeyword("to") else {
                throw SQLError(
                    "expected TO after COPY (query), found \(current.quoted)", at: current.position,
                    hint: "COPY (SELECT …) TO STDOUT (FORMAT csv)")
            }
            return .copyTo(try parseCopyTo(.query(query, text: queryStart..<queryEnd), at: start))
        }
        let table = try identifier("a table name or a parenthesised query")
        var columns: [Identifier]?
        if current.isSymbol("(") { columns = try parseIdentifierList("a column name") }
        if current.isKeyword("to") {
            return .copyTo(try parseCopyTo(.table(table, columns: columns), at: start))
        }
        try expect("from")
        var files: [String] = []
        var fromStandardInput = false
        if accept("stdin") {
            fromStandardInput = true
        } else if acceptSymbol("[") || acceptSymbol("(") {
            repeat {
                let token = advance()
                guard token.kind == .string else {
                    throw SQLError("expected a quoted file name, found \(token.quoted)", at: token.position)
                }
                files.append(token.text)
            } while acceptSymbol(",")
            guard acceptSymbol("]") || acceptSymbol(")") else {
                throw SQLError("expected \"]\", found \(current.quoted)", at: current.position)
            }
        } else {
            let token = advance()
            guard token.kind == .string else {
                throw SQLError(
                    "expected a quoted file name or STDIN, found \(token.quoted)", at: token.position,
                    hint: "COPY t FROM 'file.csv'")
            }
            files.append(token.text)
        }
        let options = try parseCopyOptions()
        return .copy(
            CopyFrom(
                table: table, columns: columns, files: files, fromStandardInput: fromStandardInput, options: options))
    }

    /// `TO 'file' | STDOUT [options]` after a COPY's source.
    private mutating func parseCopyTo(_ source: CopyTo.Source, at position: SourcePosition) throws(SQLError) -> CopyTo {
        try expect("to")
        let target: CopyTo.Target
        if accept("stdout") {
            target = .standardOutput
        } else {
            let token = advance()
            guard token.kind == .string else {
                throw SQLError(
                    "expected a quoted file name or STDOUT, found \(token.quoted)", at: token.position,
                    hint: "COPY (SELECT …) TO STDOUT (FORMAT csv)")
            }
            target = .file(token.text)
        }
        return CopyTo(source: source, target: target, options: try parseCopyOptions(), position: position)
    }

    /// `[WITH] (name [value], …)`, or PostgreSQL's older options: `[WITH] [BINARY] [CSV] [HEADER]
    /// [DELIMITER [AS] 'c'] [NULL [AS] 'text'] [QUOTE [AS] 'c'] [ESCAPE [AS] 'c'] [ENCODING 'name']`,
    /// in any order, turned into the same named options (`CSV` is `FORMAT csv`).
    mutating func parseCopyOptions() throws(SQLError) -> [CopyOption] {
        var options: [CopyOption] = []
        _ = accept("with")
        if acceptSymbol("(") {
            repeat {
                let name = try identifier("an option name")
                let valueToken = current
                var value = "true"
                switch valueToken.kind {
                case .string, .number, .quotedIdentifier, .word:
                    value = advance().text
                case .symbol where valueToken.text == "-":
                    index += 1
                    let number = advance()
                    guard number.kind == .number else {
                        throw SQLError("expected a number, found \(number.quoted)", at: number.position)
                    }
                    value = "-" + number.text
                default:
                    break
                }
                options.append(CopyOption(name: name, value: value, valuePosition: valueToken.position))
            } while acceptSymbol(",")
            try expectSymbol(")")
            return options
        }
        while current.kind == .word {
            let word = current
            switch word.text {
            case "csv", "binary":
                index += 1
                options.append(
                    CopyOption(
                        name: Identifier("format", at: word.position), value: word.text, valuePosition: word.position))
            case "header":
                index += 1
                options.append(
                    CopyOption(
                        name: Identifier("header", at: word.position), value: "true", valuePosition: word.position))
            case "delimiter", "null", "quote", "escape", "encoding":
                index += 1
                _ = accept("as")
                let value = advance()
                guard value.kind == .string else {
                    throw SQLError(
                        "expected a quoted value after \(word.text.uppercased()), found \(value.quoted)",
                        at: value.position)
                }
                options.append(
                    CopyOption(
                        name: Identifier(word.text, at: word.position), value: value.text, valuePosition: value.position
                    ))
            default:
                return options
            }
        }
        return options
    }
}
