/// Formatting rows of delimited text straight into a growable byte buffer: integers, zero-padded
/// integers and words, with no String per field, so a generator's hot loop does not allocate.

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
/// A field is built from pieces (``integer(_:)``, ``digits(_:width:)``, ``word(_:_:)``,
/// ``byte(_:)``, ``text(_:)``) and closed with ``endField()``; a row with ``endRow()``. In `.tbl`
/// every field is followed by `|`; in `.csv` fields are separated by `,` and quoted when needed.
struct RowWriter: ~Copyable {
    /// The formatted bytes are `base[0..<count]`.
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int
    /// Where the field being built starts (for CSV quoting).
    private var fieldStart = 0
    private let delimiter: UInt8
    private let quotesFields: Bool
    /// "00", "01", … "99": two ASCII digits per value below 100.
    private let digitPairs: UnsafePointer<UInt8>

    init(format: SampleFileFormat, capacity: Int = 1 << 20) {
        self.capacity = max(capacity, 64)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
        delimiter = format == .tbl ? UInt8(ascii: "|") : UInt8(ascii: ",")
        quotesFields = format == .csv
        digitPairs = RowWriter.sharedDigitPairs
    }

    deinit {
        base.deallocate()
    }

    /// The formatted bytes so far.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    /// Forgets the formatted bytes, keeping the memory.
    mutating func reset() {
        count = 0
        fieldStart = 0
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    // MARK: Pieces of a field

    /// Appends one byte.
    @inline(__always)
    mutating func byte(_ value: UInt8) {
        reserve(1)
        base[count] = value
        count += 1
    }

    /// Appends `length` bytes from `source`.
    @inline(__always)
    mutating func bytes(_ source: UnsafePointer<UInt8>, length: Int) {
        reserve(length)
        (base + count).update(from: source, count: length)
        count += length
    }

    /// Appends word `index` of `list`.
    @inline(__always)
    mutating func word(_ list: WordList, _ index: Int) {
        let start = list.starts[index]
        let length = list.starts[index + 1] - start
        reserve(length)
        list.bytes.withUnsafeBufferPointer { words in
            guard let source = words.baseAddress else { return }
            (base + count).update(from: source + start, count: length)
        }
        count += length
    }

    /// Appends the UTF-8 bytes of `value` (for headers and the small date table, not hot loops).
    mutating func text(_ value: String) {
        for unit in value.utf8 { byte(unit) }
    }

    /// Appends `value` in decimal, with a `-` when negative.
    @inline(__always)
    mutating func integer(_ value: Int) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        let magnitude = UInt64(value.magnitude)
        digits(magnitude, width: Self.digitCount(magnitude))
    }

    /// Appends `value` in decimal in exactly `width` digits: zeros in front when it is shorter,
    /// its lowest `width` digits when longer (callers pass at least ``digitCount(_:)``).
    @inline(__always)
    mutating func digits(_ value: UInt64, width: Int) {
        reserve(width)
        var rest = value
        var position = count + width
        while position - count >= 2 {
            let pair = Int(rest % 100) &* 2
            rest /= 100
            position -= 2
            base[position] = digitPairs[pair]
            base[position + 1] = digitPairs[pair + 1]
        }
        if position > count {
            base[count] = UInt8(ascii: "0") + UInt8(rest % 10)
        }
        count += width
    }

    /// Appends `value` in decimal, zero-padded to at least `width` digits (`%0Nd`).
    @inline(__always)
    mutating func zeroPadded(_ value: Int, width: Int) {
        let magnitude = UInt64(value.magnitude)
        if value < 0 { byte(UInt8(ascii: "-")) }
        digits(magnitude, width: max(width, Self.digitCount(magnitude)))
    }

    /// The number of decimal digits of `value` (1 for 0).
    @inline(__always)
    static func digitCount(_ value: UInt64) -> Int {
        var digits = 1
        var limit: UInt64 = 10
        while value >= limit {
            digits += 1
            if digits == 20 { break }
            limit &*= 10
        }
        return digits
    }

    // MARK: Fields and rows

    /// Ends the field being built: quotes it if CSV needs that, then writes the delimiter.
    @inline(__always)
    mutating func endField() {
        if quotesFields { quoteFieldIfNeeded() }
        byte(delimiter)
        fieldStart = count
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
        if quotesFields, count > 0, base[count - 1] == delimiter {
            base[count - 1] = UInt8(ascii: "\n")
        } else {
            byte(UInt8(ascii: "\n"))
        }
        fieldStart = count
    }

    /// In CSV, wraps the field in double quotes (doubling those inside) when it holds a delimiter,
    /// a quote or a line break.
    private mutating func quoteFieldIfNeeded() {
        var quotes = 0
        var needsQuotes = false
        for index in fieldStart..<count {
            switch base[index] {
            case UInt8(ascii: "\""):
                quotes += 1
                needsQuotes = true
            case delimiter, UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                needsQuotes = true
            default:
                break
            }
        }
        guard needsQuotes else { return }
        let length = count - fieldStart
        reserve(quotes + 2)
        // Move the field right, from its end, doubling quotes; then open the quotes.
        var source = count - 1
        var target = count + quotes + 1
        base[target] = UInt8(ascii: "\"")
        while source >= fieldStart {
            let value = base[source]
            target -= 1
            base[target] = value
            if value == UInt8(ascii: "\"") {
                target -= 1
                base[target] = value
            }
            source -= 1
        }
        base[fieldStart] = UInt8(ascii: "\"")
        count = fieldStart + length + quotes + 2
    }

    /// The digit-pair table every writer shares; allocated once, never written again, never freed.
    nonisolated(unsafe) private static let sharedDigitPairs: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 200)
        for value in 0..<100 {
            table[2 * value] = UInt8(ascii: "0") + UInt8(value / 10)
            table[2 * value + 1] = UInt8(ascii: "0") + UInt8(value % 10)
        }
        return UnsafePointer(table)
    }()
}
