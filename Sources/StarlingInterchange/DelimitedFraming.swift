/// The fixed bytes around a row's cells in CSV, TSV, NDJSON, JSON and Markdown.

/// How a format writes one cell's value: how strings are escaped, NULL spelled, dates quoted.
enum CellStyle: Equatable {
    /// CSV or TSV: strings quoted as ``TextEscaping/quoteDelimited(_:_:)`` quotes them.
    case delimited(separator: UInt8)
    /// JSON and NDJSON: strings, dates, timestamps and non-finite doubles as JSON strings.
    case json
    /// Markdown: `|` escaped and line breaks as spaces, as ``TextEscaping/escapeMarkdown(_:)`` does.
    case markdown
}

/// The bytes a row is made of besides its cells, for one result: what opens the first row and
/// every later one, what goes before each column's cell (a separator, a JSON key) and what
/// closes the row. Held as one byte array and the offsets of its pieces.
struct DelimitedFraming {
    /// Every piece, back to back: first opening, opening, closing, then each column's lead.
    let bytes: [UInt8]
    /// `pieceCount + 1` offsets into ``bytes``.
    let offsets: [Int]
    /// How cells are written.
    let style: CellStyle

    /// The framing of `format`'s rows of columns named `names`.
    init(_ format: DelimitedFormat, names: [String]) {
        switch format {
        case .delimited(let separator):
            let leads = names.indices.map { $0 == 0 ? "" : String(UnicodeScalar(separator)) }
            self.init(["", "", "\n"] + leads, style: .delimited(separator: separator))
        case .ndjson:
            let keys = names.map { JSONText.quote($0) + ":" }
            self.init(["{", "{", "}\n"] + keys.indices.map { ($0 == 0 ? "" : ",") + keys[$0] }, style: .json)
        case .json:
            // The rows of one pretty-printed array, as `JSONText.rendered(pretty: true, level: 1)`.
            let keys = names.map { JSONText.quote($0) + ": " }
            let leads = keys.indices.map { ($0 == 0 ? "\n    " : ",\n    ") + keys[$0] }
            self.init(["[\n  {", ",\n  {", names.isEmpty ? "}" : "\n  }"] + leads, style: .json)
        case .markdown:
            self.init(["| ", "| ", " |\n"] + names.indices.map { $0 == 0 ? "" : " | " }, style: .markdown)
        }
    }

    /// Framing from its pieces: first opening, opening, closing, then each column's lead.
    private init(_ pieces: [String], style: CellStyle) {
        var bytes: [UInt8] = []
        var offsets = [0]
        for piece in pieces {
            bytes += Array(piece.utf8)
            offsets.append(bytes.count)
        }
        self.bytes = bytes
        self.offsets = offsets
        self.style = style
    }

    /// Where piece `index` is in ``bytes``.
    func range(of index: Int) -> Range<Int> { offsets[index]..<offsets[index + 1] }

    /// The piece that opens the first row of a result (`0`), or any other row (`1`).
    static func opening(first: Bool) -> Int { first ? 0 : 1 }
    /// The piece that closes every row.
    static let closing = 2
    /// The piece that goes before `column`'s cell.
    static func lead(_ column: Int) -> Int { 3 + column }
}
