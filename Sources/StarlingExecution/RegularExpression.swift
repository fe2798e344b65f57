/// The one place PCRE2 is called: a pattern compiled once (with the JIT when it is available),
/// matched on UTF-8 bytes through a ``RegularExpression/Matcher`` that reuses its match data.

import CPCRE2

/// A compiled regular expression, shared read-only by every worker of a query (PCRE2's compiled
/// code and JIT code are safe to match from several threads at once; each thread matches
/// through a ``Matcher`` of its own).
///
/// Compiled as DuckDB's RE2 reads patterns where PCRE2 differs by default: UTF-8 with `\d`, `\w`
/// and `\s` ASCII-only, `$` only at the very end, `.` not matching a newline. Text that is not
/// valid UTF-8 is matched safely (invalid bytes match nothing), without a check per call.
public final class RegularExpression: @unchecked Sendable, Equatable, CustomStringConvertible {
    /// How the pattern is read and used: DuckDB's option letters.
    public struct Options: Sendable, Equatable {
        /// `i` (and not a later `c`).
        public var caseInsensitive = false
        /// `l`: the pattern is a literal string.
        public var literal = false
        /// `s`: `.` matches a newline too.
        public var dotMatchesNewline = false
        /// `g` (regexp_replace only): replace every match, not just the first.
        public var global = false

        public init() {}

        /// The options an option string names (`'gi'`): `c` case-sensitive, `i`
        /// case-insensitive, `l` literal, `m`/`n`/`p` newline-sensitive (`.` does not match a
        /// newline: the default), `s` `.` matches newlines, and `g` global when `allowGlobal`.
        public init(parsing text: String, allowGlobal: Bool) throws(Failure) {
            for character in text {
                switch character {
                case "c": caseInsensitive = false
                case "i": caseInsensitive = true
                case "l": literal = true
                case "m", "n", "p": dotMatchesNewline = false
                case "s": dotMatchesNewline = true
                case "g":
                    guard allowGlobal else { throw .globalNotAllowed }
                    global = true
                default: throw .unknownOption(character)
                }
            }
        }
    }

    /// Why a pattern, option or match failed.
    public enum Failure: Error, Sendable, Equatable {
        /// The pattern does not compile: PCRE2's message and the byte offset it points at.
        case invalidPattern(pattern: String, message: String, offset: Int)
        case unknownOption(Character)
        case globalNotAllowed
        /// Matching gave up: too much backtracking (`(a+)+b` on a long text), or no memory.
        case matchFailed(message: String)

        public var message: String {
            switch self {
            case .invalidPattern(let pattern, let message, let offset):
                return "invalid regular expression '\(pattern)': \(message) (at offset \(offset))"
            case .unknownOption(let option): return "unrecognized regular expression option '\(option)'"
            case .globalNotAllowed: return "option 'g' (global replace) is only valid for regexp_replace"
            case .matchFailed(let message): return "regular expression match failed: \(message)"
            }
        }
    }

    public let pattern: String
    public let options: Options
    /// Whether the whole text must match (regexp_full_match), not just a part of it.
    public let anchored: Bool
    /// The number of capturing groups.
    public let groupCount: Int
    private let code: OpaquePointer

    /// Compiles `pattern`; `anchored` makes it match only the whole text.
    public init(_ pattern: String, options: Options = Options(), anchored: Bool = false) throws(Failure) {
        self.pattern = pattern
        self.options = options
        self.anchored = anchored
        var flags = UInt32(PCRE2_UTF) | UInt32(PCRE2_MATCH_INVALID_UTF)
        if options.caseInsensitive { flags |= UInt32(PCRE2_CASELESS) }
        if options.literal {
            flags |= UInt32(PCRE2_LITERAL)
        } else {
            // (PCRE2 refuses these beside PCRE2_LITERAL, where they mean nothing.)
            flags |= UInt32(PCRE2_DOLLAR_ENDONLY)
            if options.dotMatchesNewline { flags |= UInt32(PCRE2_DOTALL) }
        }
        if anchored { flags |= UInt32(PCRE2_ANCHORED) | UInt32(PCRE2_ENDANCHORED) }
        var errorCode: Int32 = 0
        var errorOffset = 0
        let compiled =
            pattern.utf8.withContiguousStorageIfAvailable { bytes in
                pcre2_compile_8(bytes.baseAddress, bytes.count, flags, &errorCode, &errorOffset, nil)
            }
            ?? Array(pattern.utf8).withUnsafeBufferPointer { bytes in
                pcre2_compile_8(bytes.baseAddress, bytes.count, flags, &errorCode, &errorOffset, nil)
            }
        guard let compiled else {
            throw .invalidPattern(pattern: pattern, message: Self.message(errorCode), offset: errorOffset)
        }
        code = compiled
        // Without a JIT (an unsupported platform) matching falls back to the interpreter.
        _ = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE))
        var groups: UInt32 = 0
        _ = pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &groups)
        groupCount = Int(groups)
    }

    deinit {
        pcre2_code_free_8(code)
    }

    public static func == (left: RegularExpression, right: RegularExpression) -> Bool {
        left.pattern == right.pattern && left.options == right.options && left.anchored == right.anchored
    }

    public var description: String { pattern }

    /// PCRE2's text for an error code.
    static func message(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, $0.count) }
        return String(decoding: buffer.prefix(max(0, Int(length))), as: UTF8.self)
    }

    /// Matching state for one thread: PCRE2's match data (the offsets of the groups of the last
    /// match), made once and reused for every row, and a larger JIT stack made only when a
    /// pattern needs one.
    public final class Matcher {
        let expression: RegularExpression
        private let matchData: OpaquePointer
        private var context: OpaquePointer?
        private var jitStack: OpaquePointer?

        public init(_ expression: RegularExpression) throws(Failure) {
            self.expression = expression
            guard let data = pcre2_match_data_create_from_pattern_8(expression.code, nil) else {
                throw .matchFailed(message: "out of memory")
            }
            matchData = data
        }

        deinit {
            pcre2_match_data_free_8(matchData)
            if let context { pcre2_match_context_free_8(context) }
            if let jitStack { pcre2_jit_stack_free_8(jitStack) }
        }

        /// Whether the pattern matches `text` starting the search at byte `start` (the text
        /// before it still counts for `^`, `\b` and lookbehinds). On a match, ``range(_:)``
        /// gives the groups.
        public func matches(_ text: UnsafeRawBufferPointer, from start: Int = 0) throws(Failure) -> Bool {
            // PCRE2 wants a non-null pointer even for the empty text.
            let empty: UInt8 = 0
            let result = withUnsafePointer(to: empty) { placeholder in
                let subject = text.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? placeholder
                return match(subject, text.count, start)
            }
            if result >= 0 { return true }
            if result == PCRE2_ERROR_NOMATCH { return false }
            if result == PCRE2_ERROR_JIT_STACKLIMIT, jitStack == nil, growStack() {
                return try matches(text, from: start)
            }
            throw .matchFailed(message: RegularExpression.message(result))
        }

        private func match(_ subject: UnsafePointer<UInt8>, _ length: Int, _ start: Int) -> Int32 {
            pcre2_match_8(expression.code, subject, length, start, 0, matchData, context)
        }

        /// A 1 MiB JIT stack for patterns that need more than the default 32 KiB.
        private func growStack() -> Bool {
            guard let stack = pcre2_jit_stack_create_8(32 * 1024, 1024 * 1024, nil) else { return false }
            guard let newContext = pcre2_match_context_create_8(nil) else {
                pcre2_jit_stack_free_8(stack)
                return false
            }
            pcre2_jit_stack_assign_8(newContext, nil, UnsafeMutableRawPointer(stack))
            jitStack = stack
            context = newContext
            return true
        }

        /// The byte range of group `index` (0: the whole match) of the last match; nil when the
        /// group did not take part or does not exist.
        public func range(_ index: Int) -> Range<Int>? {
            guard index >= 0, index <= expression.groupCount,
                let vector = pcre2_get_ovector_pointer_8(matchData)
            else { return nil }
            let start = vector[2 * index]
            let end = vector[2 * index + 1]
            // PCRE2_UNSET (all bits set) marks a group that did not take part.
            guard start <= end, end != Int(bitPattern: UInt.max) else { return nil }
            return start..<end
        }
    }
}
