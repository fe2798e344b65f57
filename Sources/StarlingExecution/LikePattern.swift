/// `LIKE` and `ILIKE` patterns (with an optional `ESCAPE` character), compiled once and matched on UTF-8 bytes.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A compiled pattern: `%` matches any run of characters, `_` exactly one; with an `ESCAPE`
/// character, that character makes the next one literal. Without one, nothing escapes: `\` is an
/// ordinary character (DuckDB and the SQL standard; PostgreSQL escapes with `\` by default).
public struct LikePattern: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        /// Literal bytes.
        case literal([UInt8])
        /// `_`: one character (one UTF-8 scalar).
        case any
        /// `%`: any run.
        case anyRun
    }

    let pieces: [Piece]
    /// ILIKE: compare case-insensitively (both sides lower-cased, one character for one as
    /// ``CaseMapping`` maps them).
    public let caseInsensitive: Bool
    /// The pattern as written.
    public let text: String
    /// The `ESCAPE` character (an ASCII byte), if any.
    public let escape: UInt8?
    /// For a pattern of literals and `%` only (`%special%requests%`, `PROMO%`, `%BRASS`): its
    /// literals, and whether it is anchored at the start and at the end. Such a pattern matches
    /// when the first literal is a prefix (if anchored), the last a suffix (if anchored), and
    /// the others occur in order between them, each found leftmost by `memmem`: no
    /// backtracking.
    let literals: LiteralParts?
    /// The pieces between the `%`s (literals and `_`), split once here for ``match(_:)``: at
    /// least one, the first or last empty when the pattern opens or closes with `%`.
    let segments: [[Piece]]

    /// Why a pattern or escape cannot be used.
    public enum Failure: Error, Sendable, Equatable {
        /// The escape string is neither empty nor one ASCII character.
        case invalidEscape
        /// The pattern ends with the escape character.
        case endsWithEscape

        public var message: String {
            switch self {
            case .invalidEscape: return "the ESCAPE of LIKE must be empty or one character"
            case .endsWithEscape: return "a LIKE pattern must not end with its escape character"
            }
        }
    }

    /// The escape byte an `ESCAPE` string names: nil for the empty string.
    public static func escapeByte(_ escape: String) throws(Failure) -> UInt8? {
        guard let first = escape.utf8.first else { return nil }
        guard escape.utf8.count == 1, first < 0x80 else { throw .invalidEscape }
        return first
    }

    /// Compiles `pattern`, with `escape` making the character after it literal.
    public init(_ pattern: String, caseInsensitive: Bool, escape: UInt8? = nil) throws(Failure) {
        self.text = pattern
        self.caseInsensitive = caseInsensitive
        self.escape = escape
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var escaped = false
        func flush() {
            if !literal.isEmpty {
                pieces.append(.literal(caseInsensitive ? CaseMapping.lowercased(literal) : literal))
                literal = []
            }
        }
        for byte in pattern.utf8 {
            if escaped {
                literal.append(byte)
                escaped = false
            } else if let escape, byte == escape {
                escaped = true
            } else if byte == UInt8(ascii: "%") {
                flush()
                if pieces.last != .anyRun { pieces.append(.anyRun) }
            } else if byte == UInt8(ascii: "_") {
                flush()
                pieces.append(.any)
            } else {
                literal.append(byte)
            }
        }
        if escaped { throw .endsWithEscape }
        flush()
        self.pieces = pieces
        segments = pieces.split(separator: .anyRun, omittingEmptySubsequences: false).map { Array($0) }
        if pieces.contains(.any) {
            literals = nil
        } else {
            var bytes: [UInt8] = []
            var ends: [Int] = []
            for case .literal(let literal) in pieces {
                bytes += literal
                ends.append(bytes.count)
            }
            literals = LiteralParts(
                bytes: bytes, ends: ends, anchoredStart: pieces.first != .anyRun, anchoredEnd: pieces.last != .anyRun)
        }
    }

    public static func == (left: LikePattern, right: LikePattern) -> Bool {
        // The compiled forms follow from these two.
        left.text == right.text && left.caseInsensitive == right.caseInsensitive && left.escape == right.escape
    }

    /// Whether `bytes` (UTF-8) matches.
    public func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if caseInsensitive { return CaseMapping.withLowercased(bytes) { matchAny($0) } }
        return matchAny(bytes)
    }

    /// `body` given a function that tells whether a row's bytes match, for matching many rows:
    /// for a pattern of literals and `%` (not ILIKE), the literals are reached through raw
    /// pointers for the whole call, so rows are matched without reference counting (the
    /// literal arrays' retains and releases were a fifth of TPC-H Q13's time).
    public func withMatcher<Result>(_ body: ((UnsafeRawBufferPointer) -> Bool) -> Result) -> Result {
        guard !caseInsensitive, let literals else { return body { self.matches($0) } }
        return literals.withView { view in body { view.matches($0) } }
    }

    private func matchAny(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let literals else { return match(bytes) }
        return literals.withView { $0.matches(bytes) }
    }

    /// A pattern's literals, one after another in `bytes`, literal `i` ending at `ends[i]`.
    struct LiteralParts: Sendable {
        let bytes: [UInt8]
        let ends: [Int]
        let anchoredStart: Bool
        let anchoredEnd: Bool

        /// `body` with the literals as raw buffers.
        func withView<Result>(_ body: (LiteralView) -> Result) -> Result {
            bytes.withUnsafeBytes { bytes in
                ends.withUnsafeBufferPointer { ends in
                    body(LiteralView(bytes: bytes, ends: ends, anchoredStart: anchoredStart, anchoredEnd: anchoredEnd))
                }
            }
        }
    }

    /// ``LiteralParts`` through raw buffers, valid inside ``LiteralParts/withView(_:)``.
    struct LiteralView {
        let bytes: UnsafeRawBufferPointer
        let ends: UnsafeBufferPointer<Int>
        let anchoredStart: Bool
        let anchoredEnd: Bool

        /// Literal `index`.
        @inline(__always)
        func part(_ index: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]])
        }

        /// The literals-and-`%` match described at ``LikePattern/literals``.
        func matches(_ text: UnsafeRawBufferPointer) -> Bool {
            let count = ends.count
            if count == 0 { return !(anchoredStart && anchoredEnd) || text.isEmpty }
            var start = 0
            var end = text.count
            var first = 0
            var last = count
            if anchoredStart {
                let prefix = part(0)
                guard LikePattern.hasPrefix(text, prefix, at: 0) else { return false }
                start = prefix.count
                first = 1
                // One literal anchored at both ends is the whole string.
                if anchoredEnd && count == 1 { return start == text.count }
            }
            if anchoredEnd && last > first {
                let suffix = part(last - 1)
                guard text.count - suffix.count >= start,
                    LikePattern.hasPrefix(text, suffix, at: text.count - suffix.count)
                else { return false }
                end = text.count - suffix.count
                last -= 1
            }
            guard let base = text.baseAddress else { return first == last }
            for index in first..<last {
                let literal = part(index)
                guard end - start >= literal.count else { return false }
                guard let found = LikePattern.find(literal, in: base, from: start, to: end) else { return false }
                start = found + literal.count
            }
            return true
        }
    }

    /// Each lane's bit within its half of a 16-lane mask.
    private static let laneWeights = SIMD16<UInt8>(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128)

    /// The leftmost offset of `needle` within `base[start..<end]`. (Also `contains`.) Sixteen
    /// places at a time are tested on the needle's first and last byte together (two vector
    /// compares), and only places passing both are compared whole; the last few places, and
    /// one-byte needles, go through `memchr` (glibc's vectorised search) for the first byte.
    static func find(_ needle: UnsafeRawBufferPointer, in base: UnsafeRawPointer, from start: Int, to end: Int) -> Int?
    {
        guard let first = needle.first, let needleBase = needle.baseAddress else { return start }
        let length = needle.count
        let last = needleBase.load(fromByteOffset: length - 1, as: UInt8.self)
        var position = start
        if length >= 2 {
            let firsts = SIMD16<UInt8>(repeating: first)
            let lasts = SIMD16<UInt8>(repeating: last)
            // Both 16-byte loads stay inside the text: position + length - 1 + 16 <= end.
            while end - position >= length + 15 {
                let heads = base.loadUnaligned(fromByteOffset: position, as: SIMD16<UInt8>.self)
                let tails = base.loadUnaligned(fromByteOffset: position + length - 1, as: SIMD16<UInt8>.self)
                let candidates = (heads .== firsts) .& (tails .== lasts)
                if any(candidates) {
                    // One bit per lane (pmovmskb's work, by weights summed per half).
                    let weighted = unsafeBitCast(candidates, to: SIMD16<UInt8>.self) & Self.laneWeights
                    var lanes = UInt16(weighted.lowHalf.wrappedSum()) | UInt16(weighted.highHalf.wrappedSum()) << 8
                    while lanes != 0 {
                        let offset = position &+ lanes.trailingZeroBitCount
                        if length <= 2 || memcmp(base + offset + 1, needleBase + 1, length - 2) == 0 { return offset }
                        lanes &= lanes &- 1
                    }
                }
                position &+= 16
            }
        }
        while end - position >= length {
            guard let hit = memchr(base + position, Int32(first), end - position - length + 1) else { return nil }
            let offset = UnsafeRawPointer(hit) - base
            // The last byte first: most places that share the first byte differ there, and
            // the full comparison is skipped.
            if base.load(fromByteOffset: offset + length - 1, as: UInt8.self) == last,
                length <= 2 || memcmp(base + offset + 1, needleBase + 1, length - 2) == 0
            {
                return offset
            }
            position = offset + 1
        }
        return nil
    }

    /// Whether `bytes` holds `literal` at `offset`. (Also `starts_with`.)
    @inline(__always)
    static func hasPrefix(_ bytes: UnsafeRawBufferPointer, _ literal: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset >= 0, offset + literal.count <= bytes.count else { return false }
        for index in 0..<literal.count where bytes[offset + index] != literal[index] { return false }
        return true
    }

    /// The general match, for patterns with `_`: the pattern is split at its `%`s into
    /// segments of literals and `_`s, each of a fixed number of characters. The first must
    /// match at the start (unless the pattern opens with `%`), the last at the end (unless it
    /// closes with `%`), and the others in order between them, each at its leftmost place. The
    /// leftmost place leaves the most room for the rest, so no choice is ever revisited: the
    /// work is at most the text's length times the pattern's.
    private func match(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard segments.count > 1 else { return Self.matchSegment(segments[0], bytes, at: 0) == bytes.count }
        // Pattern opening or closing with `%` gives an empty first or last segment.
        var position = 0
        if let end = Self.matchSegment(segments[0], bytes, at: 0) { position = end } else { return false }
        let last = segments[segments.count - 1]
        for segment in segments.dropFirst().dropLast() where !segment.isEmpty {
            guard let end = Self.leftmostEnd(segment, bytes, from: position) else { return false }
            position = end
        }
        if last.isEmpty { return true }
        // The last segment ends the text: try each character boundary from `position` on.
        var candidate = position
        while candidate <= bytes.count {
            if Self.matchSegment(last, bytes, at: candidate) == bytes.count { return true }
            if candidate == bytes.count { break }
            candidate += Self.scalarLength(bytes[candidate])
        }
        return false
    }

    /// Where `segment` ends when it matches at its leftmost start at or after `position`.
    private static func leftmostEnd(_ segment: [Piece], _ bytes: UnsafeRawBufferPointer, from position: Int) -> Int? {
        var candidate = position
        while candidate <= bytes.count {
            // A segment opening with a literal can only start where that literal occurs.
            if case .literal(let literal)? = segment.first, let base = bytes.baseAddress {
                guard let found = literal.withUnsafeBytes({ find($0, in: base, from: candidate, to: bytes.count) })
                else {
                    return nil
                }
                candidate = found
            }
            if let end = matchSegment(segment, bytes, at: candidate) { return end }
            if candidate == bytes.count { break }
            candidate += scalarLength(bytes[candidate])
        }
        return nil
    }

    /// Where `segment` (literals and `_`, no `%`) ends when it matches `bytes` from `start`.
    private static func matchSegment(_ segment: [Piece], _ bytes: UnsafeRawBufferPointer, at start: Int)
        -> Int?
    {
        var position = start
        for piece in segment {
            switch piece {
            case .literal(let literal):
                guard literal.withUnsafeBytes({ hasPrefix(bytes, $0, at: position) }) else { return nil }
                position += literal.count
            case .any:
                guard position < bytes.count else { return nil }
                let length = scalarLength(bytes[position])
                guard position + length <= bytes.count else { return nil }
                position += length
            case .anyRun:
                return nil
            }
        }
        return position
    }

    /// The byte length of the UTF-8 scalar starting with `lead`.
    @inline(__always)
    static func scalarLength(_ lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead < 0xE0 { return 2 }
        if lead < 0xF0 { return 3 }
        return 4
    }
}
