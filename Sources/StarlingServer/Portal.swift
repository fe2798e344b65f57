/// What the extended protocol keeps between messages: statements prepared by Parse, and portals
/// made by Bind (and by DECLARE: cursors).

import StarlingColumns
import StarlingExecution
import StarlingWire

/// A statement prepared by Parse: its text with `$N` placeholders and the declared types.
struct PreparedStatement {
    let name: String
    let query: String
    /// Declared OIDs (0: infer), one per parameter.
    let parameterTypes: [UInt32]

    /// Whether running it yields rows, by its first word: a query, SHOW, EXPLAIN, DESCRIBE.
    var returnsRows: Bool { Self.returnsRows(query) }

    static func returnsRows(_ text: String) -> Bool {
        let words = SettingWords(text.drop { $0.isWhitespace || $0 == "(" }.lowercased())
        guard let first = words.first else { return false }
        return ["select", "with", "values", "show", "explain", "describe", "table", "from", "summarize", "fetch"]
            .contains(first)
    }
}

/// A portal made by Bind: the statement with its parameters in place, its result formats, and,
/// once it runs, the queue of its results and where it stopped.
final class Portal {
    let name: String
    let query: String
    let resultFormats: [ValueFormat]
    let returnsRows: Bool
    var queue: ResultQueue?
    var columns: [PlanColumn]?
    var encoder: RowEncoder?
    /// A chunk only partly sent when a row limit was reached.
    var leftover: (chunk: Chunk, offset: Int)?
    /// Rows sent by the current Execute or FETCH.
    var sent = 0
    var finished = false
    /// A cursor (DECLARE): `holdable` ones outlive their transaction.
    var isCursor = false
    var holdable = false
    /// A FETCH in a Query message owes a RowDescription before its rows.
    var describePending = false
    /// The statement as bound, to give error positions in the text the client sent.
    var bound: BoundText?
    /// The current FETCH of a cursor, for its log line.
    var fetchText = ""
    var fetchStarted = ContinuousClock.now

    /// An error of its statement, its position in the client's text (none for a cursor: the
    /// error comes with a FETCH, whose text it is not in).
    func clientError(_ fields: ErrorFields) -> ErrorFields {
        guard !isCursor else {
            var unplaced = fields
            unplaced.position = nil
            return unplaced
        }
        return bound?.remap(fields) ?? fields
    }

    init(name: String, query: String, resultFormats: [ValueFormat], returnsRows: Bool) {
        self.name = name
        self.query = query
        self.resultFormats = resultFormats
        self.returnsRows = returnsRows
    }

    /// The RowDescription fields of `columns` in this portal's formats.
    func fields(for columns: [PlanColumn]) -> [FieldDescription] {
        columns.indices.map { PostgresType.field(name: columns[$0].name, type: columns[$0].type, format: format($0)) }
    }

    /// An encoder of `columns` in this portal's formats.
    func encoder(for columns: [PlanColumn]) -> RowEncoder {
        RowEncoder(types: columns.map(\.type), formats: columns.indices.map(format))
    }

    func format(_ column: Int) -> ValueFormat {
        BindMessage(portal: "", statement: "", parameterFormats: [], parameters: [], resultFormats: resultFormats)
            .resultFormat(column)
    }

    /// Takes the columns: the encoder and the RowDescription fields.
    func setColumns(_ columns: [PlanColumn]) -> [FieldDescription] {
        self.columns = columns
        let formats = columns.indices.map(format)
        encoder = RowEncoder(types: columns.map(\.type), formats: formats)
        return columns.indices.map {
            PostgresType.field(name: columns[$0].name, type: columns[$0].type, format: formats[$0])
        }
    }

    var fields: [FieldDescription]? {
        columns.map { columns in
            columns.indices.map {
                PostgresType.field(name: columns[$0].name, type: columns[$0].type, format: format($0))
            }
        }
    }
}
