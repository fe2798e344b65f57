/// PostgreSQL's COPY text format rewritten as CSV, as it streams in, for the loader.

import StarlingEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Rewrites `COPY … FROM STDIN` input in the text format (fields split by the delimiter, rows by
/// a line break, backslash escapes, `\N` for NULL, `\.` alone on a line ending the data) as CSV
/// the loader reads: every value in quotes (quotes doubled), NULL as an empty unquoted field, one
/// line per row. Fed the input in pieces as they arrive; a field or escape may span pieces.
final class CopyTextTranscoder {
    /// The longest field accepted, before unescaping.
    static let maximumFieldBytes = 64 << 20

    private let delimiter: UInt8
    private let nullText: [UInt8]
    /// Per byte value: 1 ends a run of plain bytes (the delimiter, a backslash, a line break), 2
    /// makes a CSV value need quotes (a comma, a quote), 0 otherwise.
    private let classes: [UInt8]
    /// The current field's bytes as sent (escapes not yet undone), when it spans pieces or holds
    /// a backslash.
    private var raw: [UInt8] = []
    private var afterBackslash = false
    /// A carriage return ended the last row: a line feed right after it belongs to it.
    private var skipLineFeed = false
    /// Fields written of the current row.
    private var fields = 0
    private var skippingHeader: Bool
    /// `\.` ended the data: the rest is ignored.
    private(set) var finished = false
    /// The CSV of the last piece: `count` bytes of `capacity` at `output`.
    private var output: UnsafeMutableRawPointer
    private var capacity: Int
    private var count = 0

    init(_ format: CopyFormat) {
        delimiter = format.delimiter
        nullText = format.nullText
        skippingHeader = format.header
        var classes = [UInt8](repeating: 0, count: 256)
        classes[Int(UInt8(ascii: ","))] = 2
        classes[Int(UInt8(ascii: "\""))] = 2
        for byte in [format.delimiter, UInt8(ascii: "\\"), 0x0A, 0x0D] { classes[Int(byte)] = 1 }
        self.classes = classes
        capacity = 1 << 16
        output = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit { output.deallocate() }

    /// Rewrites `bytes`; returns the CSV, valid until the next call. Throws when a field is too
    /// long. A field that starts and ends within `bytes` goes from them to the output directly;
    /// one that spans pieces, or holds a backslash, is gathered in ``raw`` first.
    func feed(_ bytes: UnsafeRawBufferPointer) throws(CopyInputError) -> UnsafeRawBufferPointer {
        try classes.withUnsafeBufferPointer { classes throws(CopyInputError) in try feed(bytes, classes) }
        return UnsafeRawBufferPointer(start: output, count: count)
    }

    private func feed(_ bytes: UnsafeRawBufferPointer, _ classes: UnsafeBufferPointer<UInt8>) throws(CopyInputError) {
        // Each input byte makes at most 4 (a one-byte field: a comma, quotes, a doubled quote or
        // a line feed); a gathered field at most twice its bytes and 4.
        reserve(4 * bytes.count + 2 * raw.count + 8)
        var index = 0
        let total = bytes.count
        while index < total, !finished {
            if skipLineFeed {
                skipLineFeed = false
                if bytes[index] == 0x0A {
                    index += 1
                    continue
                }
            }
            if afterBackslash {
                afterBackslash = false
                raw.append(bytes[index])
                index += 1
                continue
            }
            let start = index
            var end = index
            var seen: UInt8 = 0
            while end < total {
                let byteClass = classes[Int(bytes[end])]
                if byteClass == 1 { break }
                seen |= byteClass
                end += 1
            }
            index = end + 1
            if end < total, bytes[end] != UInt8(ascii: "\\"), raw.isEmpty {
                close(bytes[end], field: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), plain: seen == 0)
                continue
            }
            // The field goes on past this run: gathered.
            raw.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            guard raw.count <= Self.maximumFieldBytes else {
                throw CopyInputError("a field of more than \(Self.maximumFieldBytes >> 20) MiB")
            }
            guard end < total else { return }
            let byte = bytes[end]
            if byte == UInt8(ascii: "\\") {
                afterBackslash = true
                raw.append(byte)
                continue
            }
            closeGathered(byte)
        }
    }

    /// Ends the input: returns the last row when it had no line break.
    func finish() -> UnsafeRawBufferPointer {
        count = 0
        guard !finished, !raw.isEmpty || fields > 0 else { return UnsafeRawBufferPointer(start: output, count: 0) }
        reserve(2 * raw.count + 8)
        closeGathered(0x0A)
        return UnsafeRawBufferPointer(start: output, count: count)
    }

    /// Makes room for `bytes` bytes of output, dropping the last piece's.
    private func reserve(_ bytes: Int) {
        count = 0
        guard bytes > capacity else { return }
        output.deallocate()
        capacity = max(bytes, 2 * capacity)
        output = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    @inline(__always)
    private func put(_ byte: UInt8) {
        precondition(count < capacity, "COPY output past its room")
        output.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    private func closeGathered(_ terminator: UInt8) {
        let gathered = raw
        raw.removeAll(keepingCapacity: true)
        let plain = !gathered.contains {
            $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"")
        }
        gathered.withUnsafeBytes { close(terminator, field: $0, plain: plain) }
    }

    /// A field that `terminator` (the delimiter or a line break) ends.
    /// `plain`: the field holds no backslash, comma or quote.
    private func close(_ terminator: UInt8, field: UnsafeRawBufferPointer, plain: Bool) {
        guard terminator == 0x0A || terminator == 0x0D else { return write(field, plain: plain) }
        skipLineFeed = terminator == 0x0D
        if fields == 0, field.count == 2, field[0] == UInt8(ascii: "\\"), field[1] == UInt8(ascii: ".") {
            finished = true
            return
        }
        write(field, plain: plain)
        if skippingHeader {
            skippingHeader = false
        } else {
            put(0x0A)
        }
        fields = 0
    }

    /// Whether `field` is spelled as NULL is.
    private func isNull(_ field: UnsafeRawBufferPointer) -> Bool {
        guard field.count == nullText.count else { return false }
        return nullText.withUnsafeBytes { null in
            guard let spelled = null.baseAddress, let given = field.baseAddress else { return true }
            return memcmp(spelled, given, field.count) == 0
        }
    }

    /// One field as CSV: NULL as nothing; a plain value (no backslash, comma or quote, not
    /// empty, no space at either end) as it is; any other in quotes, escapes undone.
    private func write(_ field: UnsafeRawBufferPointer, plain: Bool) {
        guard !skippingHeader else { return }
        if fields > 0 { put(UInt8(ascii: ",")) }
        fields += 1
        if isNull(field) { return }
        guard let base = field.baseAddress, let first = field.first, let last = field.last else {
            put(UInt8(ascii: "\""))
            return put(UInt8(ascii: "\""))
        }
        let spaces: ClosedRange<UInt8> = 0x09...0x20
        guard plain, !spaces.contains(first), !spaces.contains(last) else {
            put(UInt8(ascii: "\""))
            unescape(field)
            return put(UInt8(ascii: "\""))
        }
        precondition(count + field.count <= capacity, "COPY output past its room")
        (output + count).copyMemory(from: base, byteCount: field.count)
        count += field.count
    }

    /// Undoes the text format's escapes (`\b \f \n \r \t \v`, up to three octal digits, `\x` and
    /// up to two hexadecimal digits, a backslash before any other character), doubling quotes.
    private func unescape(_ raw: UnsafeRawBufferPointer) {
        var index = 0
        func put(_ byte: UInt8) {
            self.put(byte)
            if byte == UInt8(ascii: "\"") { self.put(byte) }
        }
        while index < raw.count {
            let byte = raw[index]
            index += 1
            guard byte == UInt8(ascii: "\\"), index < raw.count else {
                put(byte)
                continue
            }
            let next = raw[index]
            index += 1
            switch next {
            case UInt8(ascii: "b"): put(0x08)
            case UInt8(ascii: "f"): put(0x0C)
            case UInt8(ascii: "n"): put(0x0A)
            case UInt8(ascii: "r"): put(0x0D)
            case UInt8(ascii: "t"): put(0x09)
            case UInt8(ascii: "v"): put(0x0B)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(next - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, index < raw.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(raw[index]) {
                    value = value * 8 + Int(raw[index] - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                put(UInt8(truncatingIfNeeded: value))
            case UInt8(ascii: "x") where index < raw.count && Self.hexValue(raw[index]) != nil:
                var value = 0
                var digits = 0
                while digits < 2, index < raw.count, let digit = Self.hexValue(raw[index]) {
                    value = value * 16 + digit
                    index += 1
                    digits += 1
                }
                put(UInt8(truncatingIfNeeded: value))
            default:
                put(next)
            }
        }
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }
}

/// Input a `COPY … FROM STDIN` cannot take, before the loader reads it.
struct CopyInputError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
