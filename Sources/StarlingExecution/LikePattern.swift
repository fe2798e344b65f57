/// `LIKE` and `ILIKE` patterns, compiled once and matched on UTF-8 bytes.

/// A compiled pattern: `%` matches any run of characters, `_` exactly one, `\` escapes.
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
    /// ILIKE: compare case-insensitively (both sides lower-cased).
    public let caseInsensitive: Bool
    /// The pattern as written.
    public let text: String

    public init(_ pattern: String, caseInsensitive: Bool) {
        self.text = pattern
        self.caseInsensitive = caseInsensitive
        let source = caseInsensitive ? pattern.lowercased() : pattern
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var escaped = false
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(literal)); literal = [] }
        }
        for byte in source.utf8 {
            if escaped {
                literal.append(byte)
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
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
        if escaped { literal.append(UInt8(ascii: "\\")) }
        flush()
        self.pieces = pieces
    }

    public static func == (left: LikePattern, right: LikePattern) -> Bool {
        left.text == right.text && left.caseInsensitive == right.caseInsensitive
    }

    /// Whether `bytes` (UTF-8) matches.
    public func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if caseInsensitive {
            let lowered = String(decoding: bytes, as: UTF8.self).lowercased()
            var utf8 = Array(lowered.utf8)
            return utf8.withUnsafeMutableBytes { match(UnsafeRawBufferPointer($0), 0, 0) }
        }
        return match(bytes, 0, 0)
    }

    private func match(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ pieceIndex: Int) -> Bool {
        var position = start
        var index = pieceIndex
        while index < pieces.count {
            switch pieces[index] {
            case .literal(let literal):
                guard position + literal.count <= bytes.count else { return false }
                for offset in 0..<literal.count where bytes[position + offset] != literal[offset] { return false }
                position += literal.count
                index += 1
            case .any:
                guard position < bytes.count else { return false }
                position += Self.scalarLength(bytes[position])
                index += 1
            case .anyRun:
                if index == pieces.count - 1 { return true }
                // Try every start for the rest (literal pieces narrow the search quickly).
                var candidate = position
                while candidate <= bytes.count {
                    if match(bytes, candidate, index + 1) { return true }
                    if candidate == bytes.count { break }
                    candidate += Self.scalarLength(bytes[candidate])
                }
                return false
            }
        }
        return position == bytes.count
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
