/// Text to typed values: bad or out-of-range text is an error, never a trap.

import StarlingColumns
import Testing

@Suite("ValueParsing")
struct ValueParsingTests {
    @Test("a timestamp beyond 64 bits of microseconds is no timestamp (a six-digit year), not a trap")
    func timestampBeyondRange() {
        // Found by the fields fuzz harness: the year's microseconds overflowed Int64.
        #expect(ValueParsing.timestamp("300000-1-1") == nil)
        #expect(ValueParsing.timestamp("862378-4-9") == nil)
        #expect(ValueParsing.timestamp("300000-1-1 10:00:00") == nil)
        #expect(throws: ValueParsing.Failure.self) { try ValueParsing.parse("300000-1-1", as: .timestamp) }
        // The last years that fit still parse, and a date of that year is still a date.
        #expect(ValueParsing.timestamp("294247-1-1") == 9_223_371_244_800_000_000)
        #expect(ValueParsing.date("300000-01-01") != nil)
        #expect(ValueParsing.timestamp("2024-02-29 13:45:00.5+01:00") == 1_709_210_700_500_000)
    }
}
