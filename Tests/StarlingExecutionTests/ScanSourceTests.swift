/// How a scan orders and leaves out the filter steps of a row group.

import StarlingColumns
import StarlingEncoding
@testable import StarlingExecution
import Testing

@Suite("Scan source")
struct ScanSourceTests {
    static func statistics(_ minimum: Value, _ maximum: Value, nulls: Int = 0) -> ChunkStatistics {
        ChunkStatistics(nullCount: nulls, distinctCount: 0, minimum: minimum, maximum: maximum)
    }

    @Test("a step is left out only when the zone map puts every row inside the range")
    func within() {
        #expect(ScanSource.within(Self.statistics(.integer(3), .integer(9)), 3, 9))
        #expect(ScanSource.within(Self.statistics(.integer(3), .integer(9)), .min, .max))
        #expect(!ScanSource.within(Self.statistics(.integer(3), .integer(10)), 3, 9))
        #expect(!ScanSource.within(Self.statistics(.integer(2), .integer(9)), 3, 9))
        #expect(!ScanSource.within(Self.statistics(.integer(3), .integer(9), nulls: 1), .min, .max))
        #expect(!ScanSource.within(Self.statistics(.null, .null), .min, .max))
        #expect(!ScanSource.within(Self.statistics(.integer(3), .integer(9)), 9, 3))
    }

    @Test("steps rank by cost over the share they remove: cheap and selective first, keep-all last")
    func rank() {
        let selective = ScanSource.rank(cost: 1, keeps: 0.1)
        let loose = ScanSource.rank(cost: 1, keeps: 0.8)
        let cheapLoose = ScanSource.rank(cost: 0.2, keeps: 0.5)
        #expect(selective < loose)
        #expect(cheapLoose < selective)
        #expect(ScanSource.rank(cost: 0.2, keeps: 1) > loose)
        #expect(ScanSource.rank(cost: 1, keeps: 0).isFinite)
    }
}
