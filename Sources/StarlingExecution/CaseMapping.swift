/// `upper` and `lower` on UTF-8 bytes: DuckDB's one-for-one case mapping of each character, with
/// an ASCII fast path, and the lower-casing ILIKE compares through.

import StarlingColumns

/// Case mapping as DuckDB does it (utf8proc's simple mappings): each character maps to one
/// character, never to several, so `upper('straße')` is `STRAẞE`, `lower('İ')` is `i` and a final
/// sigma stays `σ`. The mappings come from Swift's Unicode tables, built once into a two-level
/// table of blocks of 256 characters, so a row costs a table read per non-ASCII character and no
/// allocation.
enum CaseMapping {
    /// The direction of a mapping.
    enum Direction: Sendable {
        case upper, lower
    }

    /// Per block of 256 scalars, the block of `deltas` that holds its differences (0: none).
    private struct Table: Sendable {
        let blocks: [UInt16]
        let deltas: [Int32]

        @inline(__always)
        func map(_ scalar: UInt32) -> UInt32 {
            let block = Int(scalar >> 8)
            guard block < blocks.count else { return scalar }
            let delta = deltas[Int(blocks[block]) << 8 | Int(scalar & 0xFF)]
            return UInt32(bitPattern: Int32(bitPattern: scalar) &+ delta)
        }
    }

    /// Every cased character lies below this (Unicode 16: Adlam ends at U+1E94B).
    private static let limit: UInt32 = 0x2_0000

    private static let upperTable = build(.upper)
    private static let lowerTable = build(.lower)

    private static func build(_ direction: Direction) -> Table {
        var blocks = [UInt16](repeating: 0, count: Int(limit >> 8))
        var deltas = [Int32](repeating: 0, count: 256)
        for block in 0..<blocks.count {
            var pending: [Int32]?
            for low in 0..<256 {
                let value = UInt32(block << 8 | low)
                guard let scalar = Unicode.Scalar(value) else { continue }
                let properties = scalar.properties
                let changes = direction == .upper ? properties.changesWhenUppercased : properties.changesWhenLowercased
                guard changes else { continue }
                let mapped = simpleMapping(scalar, direction)
                guard mapped != value else { continue }
                if pending == nil { pending = [Int32](repeating: 0, count: 256) }
                pending?[low] = Int32(bitPattern: mapped) &- Int32(bitPattern: value)
            }
            if let pending {
                blocks[block] = UInt16(deltas.count >> 8)
                deltas += pending
            }
        }
        return Table(blocks: blocks, deltas: deltas)
    }

    /// The one character `scalar` maps to: the full mapping when it is one character; otherwise
    /// (`ß`, `ŉ`, `ᾳ`, `İ`, the ligatures) what utf8proc gives, which is the titlecase form when
    /// that is one character (`ᾳ` → `ᾼ`), `ẞ` for `ß`, the first character of a lower-case
    /// mapping (`İ` → `i`), and the character itself otherwise.
    private static func simpleMapping(_ scalar: Unicode.Scalar, _ direction: Direction) -> UInt32 {
        let properties = scalar.properties
        switch direction {
        case .upper:
            let full = properties.uppercaseMapping.unicodeScalars
            if full.count == 1, let only = full.first { return only.value }
            if scalar.value == 0xDF { return 0x1E9E }
            let title = properties.titlecaseMapping.unicodeScalars
            if title.count == 1, let only = title.first { return only.value }
            return scalar.value
        case .lower:
            return properties.lowercaseMapping.unicodeScalars.first?.value ?? scalar.value
        }
    }

    /// The mapping of one scalar.
    @inline(__always)
    static func map(_ scalar: UInt32, _ direction: Direction) -> UInt32 {
        if scalar < 0x80 { return UInt32(asciiMap(UInt8(truncatingIfNeeded: scalar), direction)) }
        return direction == .upper ? upperTable.map(scalar) : lowerTable.map(scalar)
    }

    /// An ASCII letter in the other case; any other byte as it is.
    @inline(__always)
    static func asciiMap(_ byte: UInt8, _ direction: Direction) -> UInt8 {
        let first: UInt8 = direction == .upper ? 0x61 : 0x41
        return byte &- first < 26 ? byte ^ 0x20 : byte
    }

    /// Whether every byte is ASCII (eight at a time).
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        while index < count {
            if bytes[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }

    /// The byte length of `text` mapped.
    static func mappedLength(_ text: UnsafeRawBufferPointer, _ direction: Direction) -> Int {
        var length = 0
        var index = 0
        while index < text.count {
            let (scalar, size) = UTF8Scalars.decode(text, at: index)
            let mapped = map(scalar, direction)
            length += mapped == scalar ? size : UTF8Scalars.encodedLength(mapped)
            index += size
        }
        return length
    }

    /// Writes `text` mapped into `output`, which has room for it (``mappedLength(_:_:)``
    /// bytes, or ``maximumGrowth`` times the text's); returns the bytes written. Bytes that
    /// are not UTF-8 are copied as they are.
    @discardableResult
    static func write(_ text: UnsafeRawBufferPointer, _ direction: Direction, into output: UnsafeMutableRawBufferPointer)
        -> Int
    {
        var index = 0
        var position = 0
        while index < text.count {
            let (scalar, size) = UTF8Scalars.decode(text, at: index)
            let mapped = map(scalar, direction)
            if mapped == scalar {
                for offset in 0..<size { output[position + offset] = text[index + offset] }
                position += size
            } else {
                position += UTF8Scalars.encode(mapped, into: output, at: position)
            }
            index += size
        }
        return position
    }

    /// Fails when `value`'s texts mapped would pass 4 GiB in one vector (mapping can lengthen
    /// them); measured exactly only when twice the input could.
    static func checkRoom(_ value: Vector, _ direction: Direction, _ name: String) throws(QueryError) {
        // The texts mapped: a dictionary's entries when they are mapped once each (as
        // `Functions.transformText` does), else every row's.
        var texts: [UnsafeRawBufferPointer] = []
        if case .dictionary(_, let dictionary) = value.data, Vector.perEntry(entries: dictionary.count, rows: value.count) {
            texts = (0..<dictionary.count).map { dictionary.bytes(at: $0) }
        } else {
            texts = (0..<value.count).filter { !value.isNull($0) }.map { value.stringBytes(at: $0) }
        }
        let input = texts.reduce(0) { $0 + $1.count }
        guard input > TextFunctions.byteLimit / maximumGrowth else { return }
        var mapped = 0
        for text in texts {
            mapped += mappedLength(text, direction)
            guard mapped <= TextFunctions.byteLimit else {
                throw .invalid("the results of \(name) pass 4 GiB in one vector of rows")
            }
        }
    }

    /// A character's mapping is at most this many times its UTF-8 length (`ȿ`, two bytes, maps
    /// to `Ȿ`, three).
    static let maximumGrowth = 2

    /// `text` mapped, appended to `builder` as one string.
    static func append(_ text: UnsafeRawBufferPointer, _ direction: Direction, to builder: inout StringStorageBuilder) {
        if isASCII(text) {
            builder.appendString(count: text.count) { output in
                for index in 0..<text.count { output[index] = asciiMap(text[index], direction) }
            }
        } else {
            builder.appendString(count: mappedLength(text, direction)) { output in write(text, direction, into: output)
            }
        }
    }

    /// Calls `body` with `text` in lower case, in a temporary buffer (ILIKE).
    static func withLowercased<Result>(_ text: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Result)
        -> Result
    {
        let ascii = isASCII(text)
        let room = ascii ? text.count : text.count * maximumGrowth
        return withUnsafeTemporaryAllocation(byteCount: max(room, 1), alignment: 1) { buffer in
            let output = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<room])
            var length = text.count
            if ascii {
                for index in 0..<length { output[index] = asciiMap(text[index], .lower) }
            } else {
                length = write(text, .lower, into: output)
            }
            return body(UnsafeRawBufferPointer(rebasing: output[0..<length]))
        }
    }

    /// `text` (UTF-8) in lower case, as bytes (for compiling ILIKE patterns).
    static func lowercased(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { text in withLowercased(text) { Array($0) } }
    }
}
