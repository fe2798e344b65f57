/// Formatting rows of delimited text straight into a growable byte buffer: integers, zero-padded
/// integers and words, with no String per field, so a generator's hot loop does not allocate.

import StarlingColumns

/// How generated files lay out their rows.
public enum SampleFileFormat: String, Sendable, CaseIterable {
    /// dbgen style: `|` after every field (a trailing one too), no header row.
    case tbl
    /// RFC 4180: a header row, `,` between fields, and a value holding `,`, `"` or a line break in
    /// double quotes, its quotes doubled.
    case csv

    /// The file name extension, without the dot.
    public var fileExtension: String { rawValue }
}

/// A byte buffer that rows are formatted into, field by field.
///
/// A field is built from pieces (``integer(_:)``, ``zeroPadded(_:width:)``, ``word(_:_:)``,
/// ``byte(_:)``, ``text(_:)``) and closed with ``endField()``; a row with ``endRow()``. In `.tbl`
/// every field is followed by `|`; in `.csv` fields are separated by `,` and quoted when needed.
/// The bytes go into a ``ByteBuffer`` (the one result writers use too).
struct RowWriter: ~Copyable {
    private var buffer: ByteBuffer
    /// Where the field being built starts (for CSV quoting).
    private var fieldStart = 0
    private let delimiter: UInt8
    private let quotesFields: Bool

    init(format: SampleFileFormat, capacity: Int = 1 << 20) {
        buffer = ByteBuffer(capacity: max(capacity, 64))
        delimiter = format == .tbl ? UInt8(ascii: "|") : UInt8(ascii: ",")
        quotesFields = format == .csv
    }

    /// The formatted bytes so far (valid until the writer next changes).
    var bytes: UnsafeRawBufferPointer {
        buffer.withBytes { $0 }
    }

    /// Forgets the formatted bytes, keeping the memory.
    mutating func reset() {
        buffer.removeAll()
        fieldStart = 0
    }

    // MARK: Pieces of a field

    /// Appends one byte.
    @inline(__always)
    mutating func byte(_ value: UInt8) {
        buffer.append(byte: value)
    }

    /// Appends `length` bytes from `source`.
    @inline(__always)
    mutating func bytes(_ source: UnsafePointer<UInt8>, length: Int) {
        buffer.append(UnsafeRawBufferPointer(start: source, count: length))
    }

    /// Appends word `index` of `list`.
    @inline(__always)
    mutating func word(_ list: WordList, _ index: Int) {
        let start = list.starts[index]
        let end = list.starts[index + 1]
        list.bytes.withUnsafeBufferPointer { words in
            buffer.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: words[start..<end])))
        }
    }

    /// Appends the UTF-8 bytes of `value` (for headers and the small date table, not hot loops).
    mutating func text(_ value: String) {
        buffer.append(value)
    }

    /// Appends `value` in decimal, with a `-` when negative.
    @inline(__always)
    mutating func integer(_ value: Int) {
        zeroPadded(value, width: 1)
    }

    /// Appends `value` in decimal, zero-padded to at least `width` digits (`%0Nd`).
    @inline(__always)
    mutating func zeroPadded(_ value: Int, width: Int) {
        buffer.reserve(1 + max(width, ByteBuffer.maximumDigits))
        if value < 0 { buffer.put(UInt8(ascii: "-")) }
        buffer.putDigits(UInt64(value.magnitude), minimumWidth: width)
    }

    // MARK: Fields and rows

    /// Ends the field being built: quotes it if CSV needs that, then writes the delimiter.
    @inline(__always)
    mutating func endField() {
        if quotesFields { quoteFieldIfNeeded() }
        byte(delimiter)
        fieldStart = buffer.count
    }

    /// Appends `value` as a whole field.
    @inline(__always)
    mutating func integerField(_ value: Int) {
        integer(value)
        endField()
    }

    /// Appends word `index` of `list` as a whole field.
    @inline(__always)
    mutating func wordField(_ list: WordList, _ index: Int) {
        word(list, index)
        endField()
    }

    /// Ends the row: `|` then a newline in `.tbl` (the `|` is the last field's), and in `.csv` the
    /// last `,` becomes the newline.
    @inline(__always)
    mutating func endRow() {
        if quotesFields, buffer.last == delimiter { buffer.removeLast() }
        byte(UInt8(ascii: "\n"))
        fieldStart = buffer.count
    }

    /// In CSV, wraps the field in double quotes (doubling those inside) when it holds a delimiter,
    /// a quote or a line break.
    private mutating func quoteFieldIfNeeded() {
        let length = buffer.count - fieldStart
        let (quotes, needsQuotes) = buffer.withBytes { written in
            var quotes = 0
            var needsQuotes = false
            for value in written[fieldStart...] {
                switch value {
                case UInt8(ascii: "\""):
                    quotes += 1
                    needsQuotes = true
                case delimiter, UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    needsQuotes = true
                default:
                    break
                }
            }
            return (quotes, needsQuotes)
        }
        guard needsQuotes else { return }
        // The field grows by its two quotes and a second of each quote inside: moved right from
        // its end (the room made starts where the field ends), then the quotes opened.
        buffer.withRoom(quotes + 2) { end in
            let field = end - length
            var source = length - 1
            var target = length + quotes + 1
            field[target] = UInt8(ascii: "\"")
            while source >= 0 {
                let value = field[source]
                target -= 1
                field[target] = value
                if value == UInt8(ascii: "\"") {
                    target -= 1
                    field[target] = value
                }
                source -= 1
            }
            field[0] = UInt8(ascii: "\"")
            return quotes + 2
        }
    }
}
