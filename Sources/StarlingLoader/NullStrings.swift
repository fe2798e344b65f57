/// The unquoted texts that mean NULL, matched without touching reference-counted memory.

/// NULL strings prepared for the per-cell check: the empty string as a flag, strings of up to 8
/// bytes packed into words, longer ones compared bytewise.
struct NullStrings: Sendable {
    let emptyIsNull: Bool
    /// Strings of 1…8 bytes: their length and their bytes packed little-endian into a word.
    private let short: [(length: Int, word: UInt64)]
    private let long: [[UInt8]]
    private let longest: Int

    init(_ strings: [[UInt8]]) {
        emptyIsNull = strings.contains { $0.isEmpty }
        short = strings.filter { (1...8).contains($0.count) }.map { string in (string.count, string.withUnsafeBytes { Self.pack($0) }) }
        long = strings.filter { $0.count > 8 }
        longest = strings.map(\.count).max() ?? 0
    }

    @inline(__always)
    static func pack(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var word: UInt64 = 0
        for index in 0..<bytes.count { word |= UInt64(bytes[index]) << UInt64(index * 8) }
        return word
    }

    /// Whether an unquoted field is one of the NULL strings.
    @inline(__always)
    func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let length = bytes.count
        if length == 0 { return emptyIsNull }
        if length > longest { return false }
        if length <= 8 {
            let word = Self.pack(bytes)
            for entry in short where entry.length == length && entry.word == word { return true }
            return false
        }
        for string in long where string.count == length && string.elementsEqual(bytes) { return true }
        return false
    }
}
