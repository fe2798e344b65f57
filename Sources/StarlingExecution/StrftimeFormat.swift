/// `strftime` and `strptime` formats: DuckDB's `%` specifiers, read once, then used to write or
/// read each row's timestamp without a `String` per row.

import StarlingColumns

/// A format such as `%Y-%m-%d %H:%M:%S` or `%d %B %Y`, split once into literal text and
/// specifiers.
///
/// Specifiers (DuckDB's): `%a` `%A` weekday name, `%w` weekday (0 = Sunday), `%u` ISO weekday,
/// `%d` day, `%b` `%h` `%B` month name, `%m` month, `%y` `%Y` year, `%G` ISO year, `%H` `%I`
/// hour (24, 12), `%p` AM/PM, `%M` minute, `%S` second, `%g` milliseconds, `%f` microseconds,
/// `%n` nanoseconds, `%z` UTC offset, `%Z` time zone name, `%j` day of the year, `%U` `%W` week
/// of the year (Sunday, Monday first), `%V` ISO week, `%c` `%x` `%X` date and time, `%%`; a `-`
/// after `%` drops the zero padding (`%-d`). strptime reads all but `%w %u %G %U %W %V %Z`.
public struct StrftimeFormat: Sendable, Equatable {
    enum Specifier: UInt8, Sendable {
        case weekdayAbbreviation = 97  // a
        case weekdayName = 65  // A
        case weekday = 119  // w
        case isoWeekday = 117  // u
        case day = 100  // d
        case monthAbbreviation = 98  // b
        case monthAbbreviation2 = 104  // h
        case monthName = 66  // B
        case month = 109  // m
        case year2 = 121  // y
        case year = 89  // Y
        case isoYear = 71  // G
        case hour24 = 72  // H
        case hour12 = 73  // I
        case meridiem = 112  // p
        case minute = 77  // M
        case second = 83  // S
        case milliseconds = 103  // g
        case microseconds = 102  // f
        case nanoseconds = 110  // n
        case utcOffset = 122  // z
        case zoneName = 90  // Z
        case dayOfYear = 106  // j
        case weekOfYearSunday = 85  // U
        case weekOfYearMonday = 87  // W
        case isoWeek = 86  // V
    }

    enum Piece: Sendable, Equatable {
        case literal([UInt8])
        /// A run of whitespace: in strptime, one or more whitespace characters.
        case whitespace([UInt8])
        case field(Specifier, padded: Bool)
    }

    /// Why a format cannot be used.
    public enum Failure: Error, Sendable, Equatable {
        case unknownSpecifier(String)
        case trailingPercent
        case notForParsing(String)

        public var message: String {
            switch self {
            case .unknownSpecifier(let text): return "unrecognized format specifier %\(text) for strftime/strptime"
            case .trailingPercent: return "a format may not end with a lone %"
            case .notForParsing(let text): return "strptime cannot read %\(text)"
            }
        }
    }

    let pieces: [Piece]
    public let text: String

    /// Reads `format`; `parsing` refuses the specifiers strptime cannot read.
    public init(_ format: String, parsing: Bool = false) throws(Failure) {
        text = format
        var pieces: [Piece] = []
        var bytes = Array(format.utf8)[...]
        // The run of literal bytes (or of white space) being read, made a piece when it ends:
        // appending to a piece's run would copy the run for every byte.
        var run: [UInt8] = []
        var runIsSpace = false
        func flushRun() {
            guard !run.isEmpty else { return }
            pieces.append(runIsSpace ? .whitespace(run) : .literal(run))
            run = []
        }
        func appendLiteral(_ byte: UInt8) {
            let isSpace = byte == 0x20 || (0x09...0x0D).contains(byte)
            if !run.isEmpty && isSpace != runIsSpace { flushRun() }
            runIsSpace = isSpace
            run.append(byte)
        }
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                appendLiteral(byte)
                continue
            }
            guard var code = bytes.popFirst() else { throw .trailingPercent }
            var padded = true
            if code == UInt8(ascii: "-") {
                guard let next = bytes.popFirst() else { throw .trailingPercent }
                code = next
                padded = false
            }
            let shown = String(decoding: padded ? [code] : [UInt8(ascii: "-"), code], as: UTF8.self)
            switch code {
            case UInt8(ascii: "%"): appendLiteral(code)
            case UInt8(ascii: "c"):
                flushRun()
                pieces += try StrftimeFormat("%Y-%m-%d %H:%M:%S").pieces
            case UInt8(ascii: "x"):
                flushRun()
                pieces += try StrftimeFormat("%Y-%m-%d").pieces
            case UInt8(ascii: "X"):
                flushRun()
                pieces += try StrftimeFormat("%H:%M:%S").pieces
            default:
                guard let specifier = Specifier(rawValue: code) else { throw .unknownSpecifier(shown) }
                if parsing {
                    switch specifier {
                    case .weekday, .isoWeekday, .isoYear, .weekOfYearSunday, .weekOfYearMonday, .isoWeek, .zoneName:
                        throw .notForParsing(shown)
                    default: break
                    }
                }
                flushRun()
                pieces.append(.field(specifier, padded: padded))
            }
        }
        flushRun()
        self.pieces = pieces
    }

    public static func == (left: StrftimeFormat, right: StrftimeFormat) -> Bool { left.text == right.text }

    /// The names as UTF-8 bytes (written and compared without a `String` per row).
    static let weekdayNames: [[UInt8]] = CalendarFunctions.dayNames.map { Array($0.utf8) }
    static let monthNames: [[UInt8]] = CalendarFunctions.monthNames.map { Array($0.utf8) }
    static let weekdayAbbreviations: [[UInt8]] = weekdayNames.map { Array($0.prefix(3)) }
    static let monthAbbreviations: [[UInt8]] = monthNames.map { Array($0.prefix(3)) }
    static let meridiems: [[UInt8]] = [Array("AM".utf8), Array("PM".utf8)]
}
