/// A load's reading without a warehouse: what the fuzz harnesses drive.

import Foundation
import Testing
import StarlingLoader
import StarlingStorage

@Suite("ExtractDryRun")
struct ExtractDryRunTests {
    @Test("rows, rejects at their lines and text, the same whatever the block size")
    func readsAsALoadReads() throws {
        let fixture = try LoaderFixture(schema: "CREATE TABLE t (id INTEGER NOT NULL, name VARCHAR, day DATE)")
        let table = try #require(try fixture.warehouse.catalog().table(named: "t"))
        let path = try fixture.file(
            "t.csv", "id,name,day\n1,a,2024-01-01\nx,b,2024-01-02\n3,\"c\nd\",2024-01-03\n4,e,2024-13-01\n,f,2024-01-05\n")
        for blockSize in [1, 3, 7, 4 << 20] {
            var options = LoadOptions()
            options.blockSize = blockSize
            let outcome = try ExtractDryRun.run(path: path, table: table, options: options)
            #expect(outcome.rows == 5, "\(blockSize)-byte blocks")
            // Line 3 (not a whole number), 6 (a month 13: the quoted newline counts) and 7 (NULL id).
            #expect(outcome.rejectedLines == [3, 6, 7], "\(blockSize)-byte blocks")
            #expect(outcome.textBytes == 4, "\(blockSize)-byte blocks")
        }
    }

    @Test("what a load refuses while reading, it throws")
    func throwsWhatALoadThrows() throws {
        let fixture = try LoaderFixture(schema: "CREATE TABLE t (id INTEGER, name VARCHAR)")
        let table = try #require(try fixture.warehouse.catalog().table(named: "t"))
        let path = try fixture.file("t.csv", "id,nom\n1,a\n")
        #expect(throws: LoadError.self) { try ExtractDryRun.run(path: path, table: table, options: LoadOptions()) }
        var options = LoadOptions()
        options.delimiter = UInt8(ascii: "\"")
        #expect(throws: LoadError.self) { try ExtractDryRun.run(path: path, table: table, options: options) }
    }
}
