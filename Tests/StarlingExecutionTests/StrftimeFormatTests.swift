/// Tests of strftime/strptime formats: what strftime writes, strptime reads back.

import StarlingColumns
import Testing

@testable import StarlingExecution

@Suite("strftime and strptime formats")
struct StrftimeFormatTests {
    func written(_ micros: Int64, _ format: StrftimeFormat) -> [UInt8] {
        var builder = StringStorageBuilder()
        format.write(micros, into: &builder)
        builder.closeString()
        let storage = builder.finish()
        return withExtendedLifetime(storage) { Array(storage.bytes(at: 0)) }
    }

    @Test(
        "every format round-trips over timestamps from 1900 to 2100",
        arguments: [
            "%Y-%m-%d %H:%M:%S.%f", "%d/%m/%Y %I:%M:%S.%g %p", "%a %-d %B %Y %-H:%-M:%-S", "%Y%m%d%H%M%S", "%c.%f",
            "%j %Y %X", "%y-%b-%d %H:%M:%S.%f %z",
        ])
    func roundTrip(format text: String) throws {
        let format = try StrftimeFormat(text, parsing: true)
        var generator = SplitMix64(seed: 42)
        let low = ValueParsing.timestamp("1970-01-01 00:00:00") ?? 0
        let span: Int64 = 200 * 365 * 86_400_000_000
        for _ in 0..<2000 {
            var micros = low - span / 2 + Int64(generator.next() % UInt64(span))
            if text.contains("%g") { micros -= micros % 1000 }
            if !text.contains("%f") && !text.contains("%g") { micros -= ((micros % 1_000_000) + 1_000_000) % 1_000_000 }
            if text.hasPrefix("%y") {
                // Two-digit years read back as 1969–2068.
                let year = CalendarDate(daysSinceEpoch: DateFunctions.split(micros).days).year
                guard (1969...2068).contains(year) else { continue }
            }
            let bytes = written(micros, format)
            let read = bytes.withUnsafeBytes { format.read($0) }
            #expect(read == micros, "\(String(decoding: bytes, as: UTF8.self)) in \(text)")
        }
    }

    @Test("formats that cannot be used are typed errors")
    func errors() {
        #expect(throws: StrftimeFormat.Failure.unknownSpecifier("q")) { try StrftimeFormat("%Y %q") }
        #expect(throws: StrftimeFormat.Failure.trailingPercent) { try StrftimeFormat("%Y %") }
        #expect(throws: StrftimeFormat.Failure.notForParsing("U")) { try StrftimeFormat("%U", parsing: true) }
        #expect(throws: Never.self) { try StrftimeFormat("%U") }
    }
}
