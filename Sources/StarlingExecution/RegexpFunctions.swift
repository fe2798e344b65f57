/// `regexp_matches`, `regexp_full_match`, `regexp_replace` and `regexp_extract`: the kernels, and
/// the replacement strings of regexp_replace.

import StarlingColumns

/// The regular-expression kernels. A constant pattern arrives compiled (bound once for the
/// query); a pattern that varies by row is compiled once per distinct pattern in each vector.
/// Each vector matches through one ``RegularExpression/Matcher`` per pattern, its match data
/// reused for every row; dictionary-coded text is matched once per dictionary entry when the
/// other arguments are constants.
public enum RegexpFunctions {
    /// regexp_replace's replacement: text with `\0`…`\9` (the match, a group) and `\\` (a
    /// backslash), as DuckDB's RE2 reads it.
    public struct Replacement: Sendable, Equatable {
        enum Piece: Sendable, Equatable {
            case literal([UInt8])
            case group(Int)
        }

        let pieces: [Piece]

        /// Reads `text` for a pattern of `groupCount` groups.
        public init(_ text: String, groupCount: Int) throws(ReplacementError) {
            var pieces: [Piece] = []
            var literal: [UInt8] = []
            var bytes = Array(text.utf8).makeIterator()
            while let byte = bytes.next() {
                guard byte == UInt8(ascii: "\\") else {
                    literal.append(byte)
                    continue
                }
                guard let next = bytes.next() else { throw .trailingBackslash }
                if next == UInt8(ascii: "\\") {
                    literal.append(next)
                } else if next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
                    let group = Int(next - UInt8(ascii: "0"))
                    guard group <= groupCount else { throw .missingGroup(group, groupCount: groupCount) }
                    if !literal.isEmpty { pieces.append(.literal(literal)) }
                    literal = []
                    pieces.append(.group(group))
                } else {
                    throw .invalidEscape
                }
            }
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            self.pieces = pieces
        }

        /// Appends the replacement for the matcher's last match in `text`.
        func append(
            _ matcher: RegularExpression.Matcher, _ text: UnsafeRawBufferPointer, to builder: inout StringStorageBuilder
        ) {
            for piece in pieces {
                switch piece {
                case .literal(let bytes): bytes.withUnsafeBytes { builder.appendPiece($0) }
                case .group(let index):
                    if let range = matcher.range(index) {
                        builder.appendPiece(UnsafeRawBufferPointer(rebasing: text[range]))
                    }
                }
            }
        }
    }

    /// Why a replacement string cannot be used.
    public enum ReplacementError: Error, Equatable {
        case trailingBackslash, invalidEscape
        case missingGroup(Int, groupCount: Int)

        public var message: String {
            switch self {
            case .trailingBackslash: return "invalid replacement for regexp_replace: '\\' not allowed at the end"
            case .invalidEscape:
                return "invalid replacement for regexp_replace: '\\' must be followed by a digit or '\\'"
            case .missingGroup(let group, let count):
                return
                    "invalid replacement for regexp_replace: it refers to group \(group), but the pattern has \(count)"
            }
        }
    }

    /// The options of a call whose pattern varies by row: its last argument, a constant.
    static func options(_ arguments: [BoundExpression], _ function: ScalarFunction) throws(QueryError)
        -> RegularExpression.Options
    {
        guard case .constant(.string(let text), _)? = arguments.last else { return RegularExpression.Options() }
        do { return try RegularExpression.Options(parsing: text, allowGlobal: function == .regexpReplace) } catch {
            throw .invalid(error.message)
        }
    }

    /// `function` over a vector. `expression` is the compiled constant pattern, and `arguments`
    /// the text and then the replacement or group; without it, `arguments` are the text, the
    /// pattern, the replacement or group, and the options.
    static func call(
        _ function: ScalarFunction, _ expression: RegularExpression?, _ arguments: [BoundExpression], type: LogicalType,
        _ chunk: Chunk
    ) throws(QueryError) -> Vector {
        let count = chunk.count
        let text = try ExpressionEvaluator.evaluate(arguments[0], chunk)
        var pattern: Vector?
        var extra: Vector?
        let extraIndex = expression == nil ? 2 : 1
        if expression == nil { pattern = try ExpressionEvaluator.evaluate(arguments[1], chunk) }
        if function == .regexpReplace || function == .regexpExtract {
            extra = try ExpressionEvaluator.evaluate(arguments[extraIndex], chunk)
        }
        let options = expression == nil ? try self.options(arguments, function) : RegularExpression.Options()
        let rest = [pattern, extra].compactMap { $0 }
        var nulls = rest.reduce(text.nulls) { ExpressionEvaluator.unionNulls($0, $1.nulls) }
        // regexp_extract with a NULL group gives the empty string, as in DuckDB.
        var groups: [Int64]?
        if let extra, function == .regexpExtract {
            nulls = rest.dropLast().reduce(text.nulls) { ExpressionEvaluator.unionNulls($0, $1.nulls) }
            guard case .integers(let values) = extra.data else { throw .invalid("internal: regexp_extract's group") }
            groups = (0..<count).map { extra.isNull($0) ? 10 : values[$0] }
        }
        var row = RowState(function: function, constant: expression, options: options)
        // Once per dictionary entry: a constant pattern and constant other arguments.
        let perEntry = expression != nil && arguments.dropFirst().allSatisfy(\.isConstant)
        if perEntry, case .dictionary(let codes, let dictionary) = text.data,
            count > 0, Vector.perEntry(entries: dictionary.count, rows: count), !(extra?.isNull(0) ?? false)
        {
            var flags: [Bool] = []
            var builder = StringStorageBuilder()
            for entry in 0..<dictionary.count {
                try row.apply(
                    dictionary.bytes(at: entry), pattern: nil, extra: extra, extraRow: 0, group: groups?[0],
                    flags: &flags, builder: &builder)
            }
            if type == .boolean {
                return Vector(
                    type: .boolean, count: count, data: .booleans(codes.map { flags[Int($0)] }), nulls: text.nulls)
            }
            return Vector(
                type: .varchar, count: count, data: .dictionary(codes: codes, dictionary: builder.finish()),
                nulls: text.nulls)
        }
        var flags: [Bool] = []
        flags.reserveCapacity(type == .boolean ? count : 0)
        var builder = StringStorageBuilder()
        for index in 0..<count {
            if nulls?[index] ?? false {
                if type == .boolean { flags.append(false) } else { builder.closeString() }
                continue
            }
            try row.apply(
                text.stringBytes(at: index), pattern: pattern.map { $0.stringBytes(at: index) }, extra: extra,
                extraRow: index, group: groups?[index], flags: &flags, builder: &builder)
        }
        if type == .boolean { return Vector(type: .boolean, count: count, data: .booleans(flags), nulls: nulls) }
        return Vector(type: .varchar, count: count, data: .strings(builder.finish()), nulls: nulls)
    }

    /// What the rows of one vector share: the matchers of the patterns met so far (one for a
    /// constant pattern), and the replacements read so far.
    struct RowState {
        let function: ScalarFunction
        let constant: RegularExpression?
        let options: RegularExpression.Options
        var constantMatcher: RegularExpression.Matcher?
        var matchers: [String: RegularExpression.Matcher] = [:]
        var replacements: [String: Replacement] = [:]

        init(function: ScalarFunction, constant: RegularExpression?, options: RegularExpression.Options) {
            self.function = function
            self.constant = constant
            self.options = options
        }

        /// The matcher for this row's pattern (compiled the first time it is met).
        mutating func matcher(_ pattern: UnsafeRawBufferPointer?) throws(QueryError) -> RegularExpression.Matcher {
            do {
                if let constant {
                    if let constantMatcher { return constantMatcher }
                    let made = try RegularExpression.Matcher(constant)
                    constantMatcher = made
                    return made
                }
                let text = String(decoding: pattern ?? UnsafeRawBufferPointer(start: nil, count: 0), as: UTF8.self)
                if let known = matchers[text] { return known }
                let compiled = try RegularExpression(text, options: options, anchored: function == .regexpFullMatch)
                let made = try RegularExpression.Matcher(compiled)
                matchers[text] = made
                return made
            } catch {
                throw .invalid(error.message)
            }
        }

        /// The replacement `text` names for `matcher`'s pattern.
        mutating func replacement(_ text: UnsafeRawBufferPointer, for matcher: RegularExpression.Matcher)
            throws(QueryError) -> Replacement
        {
            let string = String(decoding: text, as: UTF8.self)
            let key = matcher.expression.pattern + "\u{0}" + string
            if let known = replacements[key] { return known }
            do {
                let made = try Replacement(string, groupCount: matcher.expression.groupCount)
                replacements[key] = made
                return made
            } catch {
                throw .invalid(error.message)
            }
        }

        /// One row: a flag for regexp_matches and regexp_full_match, a string otherwise.
        mutating func apply(
            _ text: UnsafeRawBufferPointer, pattern: UnsafeRawBufferPointer?, extra: Vector?, extraRow: Int,
            group: Int64?, flags: inout [Bool], builder: inout StringStorageBuilder
        ) throws(QueryError) {
            let matcher = try self.matcher(pattern)
            do {
                switch function {
                case .regexpMatches, .regexpFullMatch:
                    flags.append(try matcher.matches(text))
                case .regexpExtract:
                    if try matcher.matches(text), let group, let range = matcher.range(Int(group)) {
                        builder.appendPiece(UnsafeRawBufferPointer(rebasing: text[range]))
                    }
                    builder.closeString()
                default:
                    guard let extra else { throw QueryError.invalid("internal: regexp_replace without a replacement") }
                    let replacement = try self.replacement(extra.stringBytes(at: extraRow), for: matcher)
                    let global = constant?.options.global ?? options.global
                    try RegexpFunctions.replace(text, matcher, replacement, global: global, into: &builder)
                }
            } catch let error as RegularExpression.Failure {
                throw .invalid(error.message)
            } catch let error as QueryError {
                throw error
            } catch {
                throw .invalid("\(error)")
            }
        }
    }

    /// `text` with its first match (every match, when `global`) replaced, as RE2 replaces: a
    /// global search resumes after each match, and an empty match right where the last one
    /// ended is skipped (`regexp_replace('aaa', 'a*', 'X', 'g')` is `X`).
    static func replace(
        _ text: UnsafeRawBufferPointer, _ matcher: RegularExpression.Matcher, _ replacement: Replacement, global: Bool,
        into builder: inout StringStorageBuilder
    ) throws(QueryError) {
        var position = 0
        var lastEnd = -1
        do {
            while position <= text.count, try matcher.matches(text, from: position), let match = matcher.range(0) {
                if position < match.lowerBound {
                    builder.appendPiece(UnsafeRawBufferPointer(rebasing: text[position..<match.lowerBound]))
                }
                if match.isEmpty && match.lowerBound == lastEnd {
                    // Step over one character and search again.
                    if position < text.count {
                        let step = min(LikePattern.scalarLength(text[position]), text.count - position)
                        builder.appendPiece(UnsafeRawBufferPointer(rebasing: text[position..<(position + step)]))
                        position += step
                    } else {
                        position += 1
                    }
                    continue
                }
                replacement.append(matcher, text, to: &builder)
                // Stop as soon as the results pass the limit (reported below), not at the end.
                if builder.byteCount > TextFunctions.byteLimit { break }
                position = match.upperBound
                lastEnd = position
                guard global else { break }
            }
        } catch {
            throw .invalid(error.message)
        }
        if position < text.count { builder.appendPiece(UnsafeRawBufferPointer(rebasing: text[position...])) }
        try TextFunctions.checkRoom(builder, 0, "regexp_replace")
        builder.closeString()
    }
}
