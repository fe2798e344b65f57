/// Tab completion's choices for the word before the cursor: SQL keywords and functions, the
/// warehouse's table and column names, dot commands and their arguments, and file names.

import StarlingFormat

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Shell {
    /// The choices for `beforeCursor` on the current input line, with the tables of the current
    /// snapshot (none when the catalog cannot be read).
    func completion(_ beforeCursor: String) -> LineCompletion {
        let catalog = try? engine.warehouse.catalog()
        let tables = (catalog?.tables ?? []).map { table in
            ShellCompleter.Table(name: table.name, columns: table.columns.map(\.name))
        } + (catalog?.allViews ?? []).map { ShellCompleter.Table(name: $0.name, columns: $0.columns.map(\.name)) }
        let completer = ShellCompleter(
            tables: tables, continuing: !statementLines.isEmpty, earlierText: statementLines.joined(separator: "\n"))
        return completer.complete(beforeCursor)
    }
}

/// Finds what may replace the word before the cursor. Dot commands complete at the start of a
/// statement; after `FROM`, `JOIN`, `INTO`, `TABLE` (and a comma in a `FROM` list) only table
/// names do; elsewhere keywords, functions, tables and the columns of the tables the statement
/// names (of every table when it names none). `t.` completes the columns of table or alias `t`,
/// and a word inside `'…'` a file name. Keywords and functions take the case of what was typed
/// (lower case when the word holds a lower-case letter, upper case otherwise).
struct ShellCompleter {
    /// A table and its column names.
    struct Table {
        let name: String
        let columns: [String]
    }

    /// The warehouse's tables.
    let tables: [Table]
    /// Whether a statement is unfinished (a continuation prompt): dot commands do not start here.
    let continuing: Bool
    /// The unfinished statement's earlier lines, for context ("" when none).
    let earlierText: String

    /// Words that start a statement: what Tab offers on an empty line, with the dot commands.
    static let statementKeywords = [
        "alter", "analyze", "copy", "create", "drop", "explain", "insert", "select", "values", "with",
    ]

    /// The SQL keywords Starling's parser knows, and type names.
    static let keywords =
        statementKeywords + [
            "add", "all", "and", "as", "asc", "between", "bigint", "boolean", "by", "case", "cast", "char", "column",
            "cross", "date", "decimal", "desc", "distinct", "double", "else", "end", "escape", "except", "exists",
            "false", "filter", "first", "float", "foreign", "from", "full", "group", "having", "if", "ilike", "in",
            "inner", "integer", "intersect", "interval", "into", "is", "join", "key", "last", "left", "like", "limit",
            "natural", "not", "null", "nulls", "numeric", "offset", "on", "or", "order", "outer", "over",
            "partition", "primary", "real", "recursive", "references", "right", "row", "rows", "smallint", "table",
            "text", "then", "timestamp", "tinyint", "true", "union", "using", "varchar", "when", "where",
        ]

    /// The functions the planner binds (completed with their opening parenthesis).
    static let functions = [
        "abs", "age", "ascii", "avg", "ceil", "ceiling", "char_length", "chr", "coalesce", "concat", "contains",
        "count", "current_date", "current_timestamp", "date_add", "date_diff", "date_part", "date_trunc", "datediff",
        "day", "dayname", "dayofmonth", "dayofweek", "dayofyear", "ends_with", "epoch", "exp", "extract", "floor",
        "greatest", "hour", "ifnull", "instr", "isodow", "last_day", "least", "length", "ln", "log", "log10", "log2", "lower",
        "lpad", "ltrim", "make_date", "max", "mean", "min", "minute", "mod", "month", "monthname", "now", "nullif",
        "position", "pow", "power", "prefix", "quarter", "regexp_extract", "regexp_full_match", "regexp_matches",
        "regexp_replace", "repeat", "replace", "reverse", "round", "rpad", "rtrim", "second", "sign",
        "split_part", "sqrt", "starts_with", "strftime", "strpos", "strptime", "substr", "substring", "suffix", "sum",
        "to_centuries", "to_days", "to_decades", "to_hours", "to_microseconds", "to_millennia", "to_milliseconds",
        "to_minutes", "to_months", "to_quarters", "to_seconds", "to_weeks", "to_years", "today", "trim", "try_cast",
        "try_strptime", "unicode", "upper", "week", "year",
    ]

    /// Words after which only a table name can come.
    static let tableKeywords: Set<String> = ["from", "join", "into", "table", "update", "describe", "exists"]

    /// Keywords that start a clause: walking back over a `FROM` list's commas stops at one.
    static let clauseKeywords: Set<String> = [
        "select", "from", "where", "group", "order", "having", "limit", "offset", "on", "using", "set", "values",
        "join", "into", "table", "by", "with", "as",
    ]

    /// File names offered at most (each is looked at to tell directories).
    static let directoryLimit = 10_000

    /// The choices for the text before the cursor on the current line.
    func complete(_ beforeCursor: String) -> LineCompletion {
        if !continuing, let dot = dotCommand(beforeCursor) { return dot }
        return sql(beforeCursor)
    }

    // MARK: - Dot commands

    /// A dot command's name or argument, or nil when the line is not a dot command.
    private func dotCommand(_ text: String) -> LineCompletion? {
        let line = text.drop { $0 == " " || $0 == "\t" }
        guard line.hasPrefix(".") else { return nil }
        let words = line.split { $0 == " " || $0 == "\t" }
        let endsWithBlank = line.last == " " || line.last == "\t"
        guard let name = words.first else { return nil }
        if words.count == 1, !endsWithBlank {
            let typed = name.dropFirst().lowercased()
            let matches = DotCommand.names.filter { $0.hasPrefix(typed) }
            return LineCompletion(word: String(name), candidates: matches.map { .init(text: "." + $0, suffix: " ") })
        }
        let word = endsWithBlank ? "" : words.last.map(String.init) ?? ""
        let argument = endsWithBlank ? words.count - 1 : words.count - 2
        let command = name.dropFirst().lowercased()
        func fixed(_ choices: [String]) -> LineCompletion {
            let typed = word.lowercased()
            return LineCompletion(
                word: word, candidates: choices.filter { $0.hasPrefix(typed) }.map { .init(text: $0, suffix: " ") })
        }
        switch (command, argument) {
        case ("schema", 0), ("describe", 0), ("load", 0):
            return LineCompletion(word: word, candidates: tableCandidates(matching: word))
        case ("mode", 0):
            return fixed(ResultFormat.allCases.map(\.rawValue))
        case ("timer", 0), ("explain", 0), ("headers", 0), ("header", 0):
            return fixed(DotCommand.flagWords)
        case ("read", 0), ("output", 0), ("out", 0), ("once", 0), ("load", _), ("shell", _), ("system", _):
            return fileCompletion(word, closing: " ")
        default:
            return LineCompletion(word: word, candidates: [])
        }
    }

    // MARK: - SQL

    /// A keyword, function, table or column name, or a file name in a string.
    private func sql(_ text: String) -> LineCompletion {
        var scanner = SQLScanState()
        scanner.scan(earlierText)
        if !earlierText.isEmpty { scanner.scan("\n") }
        scanner.scan(text)
        switch scanner.state {
        case .singleQuote:
            // A file name in a string opened on this line: `COPY t FROM 'data/f<Tab>`.
            let lastLine = text.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
            guard let quote = scanner.quoteStart, quote.line == scanner.line else {
                return LineCompletion(word: "", candidates: [])
            }
            return fileCompletion(String(lastLine.unicodeScalars.dropFirst(quote.offset + 1)), closing: "'")
        case .doubleQuote, .lineComment, .blockComment:
            return LineCompletion(word: "", candidates: [])
        case .normal:
            break
        }
        var wordScalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars.reversed() {
            guard Self.isWordScalar(scalar) else { break }
            wordScalars.insert(scalar, at: wordScalars.startIndex)
        }
        let word = String(wordScalars)
        // A number is not completed.
        if let first = word.unicodeScalars.first, ("0"..."9").contains(first) {
            return LineCompletion(word: word, candidates: [])
        }
        let before = String(text.unicodeScalars.dropLast(wordScalars.count))
        let statement = earlierText.isEmpty ? before : earlierText + "\n" + before
        let tokens = Self.tokens(statement)
        if let dot = word.lastIndex(of: ".") {
            return columnCompletion(word, dot: dot, tokens: tokens)
        }
        if !continuing, tokens.isEmpty {
            // An empty line: what starts a statement, and the dot commands.
            let starts = keywordCandidates(Self.statementKeywords, word: word, tokens: tokens)
            let dots =
                word.isEmpty ? DotCommand.names.map { LineCompletion.Candidate(text: "." + $0, suffix: " ") } : []
            return LineCompletion(word: word, candidates: Self.merged([starts, dots]))
        }
        if Self.expectsTable(tokens) {
            return LineCompletion(word: word, candidates: tableCandidates(matching: word))
        }
        let named = Set(tokens.map { $0.lowercased() })
        let mentioned = tables.filter { named.contains($0.name.lowercased()) }
        let columnSource = mentioned.isEmpty ? tables : mentioned
        let columns = Self.nameCandidates(columnSource.flatMap(\.columns), matching: word)
        let groups = [
            keywordCandidates(Self.keywords, word: word, tokens: tokens),
            columns,
            tableCandidates(matching: word),
            keywordCandidates(Self.functions, word: word, tokens: tokens, suffix: "("),
        ]
        return LineCompletion(word: word, candidates: Self.merged(groups))
    }

    /// `t.c…`: the columns of table `t`, or of the table the statement gives alias `t`.
    private func columnCompletion(_ word: String, dot: String.Index, tokens: [String]) -> LineCompletion {
        let qualifier = String(word[..<dot])
        let prefix = String(word[word.index(after: dot)...])
        guard let table = table(named: qualifier, tokens: tokens) else {
            return LineCompletion(word: word, candidates: [])
        }
        let candidates = Self.nameCandidates(table.columns, matching: prefix).map {
            LineCompletion.Candidate(text: qualifier + "." + $0.text, suffix: $0.suffix)
        }
        return LineCompletion(word: word, candidates: candidates)
    }

    /// The table called `name`, or given alias `name` (`FROM lineorder lo`, `JOIN dates AS d`).
    private func table(named name: String, tokens: [String]) -> Table? {
        let lowered = name.lowercased()
        if let table = tables.first(where: { $0.name.lowercased() == lowered }) { return table }
        for (index, token) in tokens.enumerated() {
            guard let table = tables.first(where: { $0.name.lowercased() == token.lowercased() }) else { continue }
            var next = index + 1
            if next < tokens.count, tokens[next].lowercased() == "as" { next += 1 }
            if next < tokens.count, tokens[next].lowercased() == lowered { return table }
        }
        return nil
    }

    /// Whether the word being typed must be a table name: after `FROM`, `JOIN`, … or after a
    /// comma of a `FROM` list.
    private static func expectsTable(_ tokens: [String]) -> Bool {
        guard let last = tokens.last?.lowercased() else { return false }
        if tableKeywords.contains(last) { return true }
        guard last == "," else { return false }
        for token in tokens.reversed() {
            let lowered = token.lowercased()
            if clauseKeywords.contains(lowered) { return lowered == "from" }
            if token == "(" || token == ")" { return false }
        }
        return false
    }

    // MARK: - Candidates

    /// Keywords starting with `word`, in its case.
    private func keywordCandidates(
        _ words: [String], word: String, tokens: [String], suffix: String = " "
    ) -> [LineCompletion.Candidate] {
        let typed = word.lowercased()
        let upper = Self.prefersUpperCase(word: word, tokens: tokens)
        return words.filter { $0.hasPrefix(typed) }.map { .init(text: upper ? $0.uppercased() : $0, suffix: suffix) }
    }

    /// Table names starting with `word` (any case).
    private func tableCandidates(matching word: String) -> [LineCompletion.Candidate] {
        Self.nameCandidates(tables.map(\.name), matching: word)
    }

    /// Names starting with `word` (any case), each once, quoted when they are not plain
    /// lower-case identifiers.
    private static func nameCandidates(_ names: [String], matching word: String) -> [LineCompletion.Candidate] {
        let typed = word.lowercased()
        var seen = Set<String>()
        var candidates: [LineCompletion.Candidate] = []
        for name in names where name.lowercased().hasPrefix(typed) && seen.insert(name).inserted {
            candidates.append(.init(text: quotedIfNeeded(name), suffix: " "))
        }
        return candidates.sorted { $0.text.lowercased() < $1.text.lowercased() }
    }

    /// Groups in order of preference, each text once (compared without case: the first group's
    /// spelling wins), sorted.
    private static func merged(_ groups: [[LineCompletion.Candidate]]) -> [LineCompletion.Candidate] {
        var seen = Set<String>()
        var result: [LineCompletion.Candidate] = []
        for candidate in groups.joined() where seen.insert(candidate.text.lowercased()).inserted {
            result.append(candidate)
        }
        return result.sorted { $0.text.lowercased() < $1.text.lowercased() }
    }

    /// Upper case when the word has an upper-case letter and no lower-case one; with no letter
    /// typed yet, the case of the statement's last keyword (upper case when there is none).
    static func prefersUpperCase(word: String, tokens: [String]) -> Bool {
        if word.contains(where: \.isLowercase) { return false }
        if word.contains(where: \.isUppercase) { return true }
        let known = Set(keywords + functions)
        guard let last = tokens.last(where: { known.contains($0.lowercased()) }) else { return true }
        return !last.contains(where: \.isLowercase)
    }

    /// `name`, or `"name"` when it is not a lower-case identifier (the shell folds unquoted names
    /// to lower case).
    static func quotedIfNeeded(_ name: String) -> String {
        let plain = name.unicodeScalars.enumerated().allSatisfy { index, scalar in
            ("a"..."z").contains(scalar) || scalar == "_" || (index > 0 && ("0"..."9").contains(scalar))
        }
        if plain && !name.isEmpty { return name }
        return "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "$"
            || scalar == "."
    }

    /// The words and punctuation of `text` outside strings and comments (enough for context).
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var scanner = SQLScanState()
        for scalar in text.unicodeScalars {
            let wasNormal = scanner.state == .normal
            scanner.scan(scalar)
            let word = isWordScalar(scalar) && scalar != "."
            if wasNormal, scanner.state == .normal, word {
                current.unicodeScalars.append(scalar)
                continue
            }
            if !current.isEmpty {
                tokens.append(current)
                current = ""
            }
            if wasNormal, scanner.state == .normal, scalar == "," || scalar == "(" || scalar == ")" {
                tokens.append(String(scalar))
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    // MARK: - Files

    /// File names starting with `word` (a path; `~/` is the home directory), directories with a
    /// `/` to go on typing, files followed by `closing`.
    private func fileCompletion(_ word: String, closing: String) -> LineCompletion {
        var typed = word
        var quote = ""
        if let first = typed.first, first == "'" || first == "\"" {
            quote = String(first)
            typed.removeFirst()
        }
        let directoryPart: String
        let namePrefix: String
        if let slash = typed.lastIndex(of: "/") {
            directoryPart = String(typed[...slash])
            namePrefix = String(typed[typed.index(after: slash)...])
        } else {
            directoryPart = ""
            namePrefix = typed
        }
        var directory = directoryPart.isEmpty ? "." : directoryPart
        if directory.hasPrefix("~/"), let home = getenv("HOME") {
            directory = String(cString: home) + directory.dropFirst()
        }
        let names = ((try? FileBytes.list(directory)) ?? []).filter { name in
            name.hasPrefix(namePrefix) && (namePrefix.hasPrefix(".") || !name.hasPrefix("."))
        }
        let entries = names.prefix(Self.directoryLimit).map { name in
            (name: name, isDirectory: FileBytes.kind(of: directory + "/" + name).isDirectory)
        }
        let end = quote.isEmpty ? closing : quote + " "
        let candidates = entries.map { entry in
            LineCompletion.Candidate(
                text: quote + directoryPart + entry.name + (entry.isDirectory ? "/" : ""),
                suffix: entry.isDirectory ? "" : end)
        }
        return LineCompletion(word: word, candidates: candidates.sorted { $0.text < $1.text })
    }
}

/// Where a scan of SQL text is: in code, a string, a quoted name or a comment (as the
/// ``StatementSplitter`` tells them apart), and where the open `'` string began.
struct SQLScanState {
    enum State { case normal, singleQuote, doubleQuote, lineComment, blockComment }

    private(set) var state = State.normal
    /// The line (0-based, of the text scanned) and the offset in it of the open `'`.
    private(set) var quoteStart: (line: Int, offset: Int)?
    /// The line being scanned (0-based).
    private(set) var line = 0
    private var offset = 0
    private var previous: Unicode.Scalar?

    mutating func scan(_ text: String) {
        for scalar in text.unicodeScalars { scan(scalar) }
    }

    mutating func scan(_ scalar: Unicode.Scalar) {
        switch state {
        case .normal:
            if scalar == "'" {
                state = .singleQuote
                quoteStart = (line, offset)
            } else if scalar == "\"" {
                state = .doubleQuote
            } else if scalar == "-", previous == "-" {
                state = .lineComment
            } else if scalar == "*", previous == "/" {
                // `/*/` does not close the comment it opens.
                state = .blockComment
                previous = nil
                advance(scalar)
                return
            }
        case .singleQuote:
            if scalar == "'" { state = .normal }
        case .doubleQuote:
            if scalar == "\"" { state = .normal }
        case .lineComment:
            if scalar == "\n" { state = .normal }
        case .blockComment:
            if scalar == "/", previous == "*" {
                state = .normal
                previous = nil
                advance(scalar)
                return
            }
        }
        previous =
            state == .normal && (scalar == "-" || scalar == "/") ? scalar : (state == .blockComment ? scalar : nil)
        advance(scalar)
    }

    private mutating func advance(_ scalar: Unicode.Scalar) {
        if scalar == "\n" {
            line += 1
            offset = 0
        } else {
            offset += 1
        }
    }
}
