/// Every fuzz harness over its seed corpus, so the harnesses are built and run by every test run.

import StarlingFuzzing
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite("FuzzCorpus")
struct FuzzCorpusTests {
    /// `Fuzz/Corpus` of the package this file is in.
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")

    static func seeds(_ harness: FuzzHarness) throws -> [(name: String, bytes: [UInt8])] {
        let directory = corpus.appendingPathComponent(harness.rawValue)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        return try names.map { name in
            (name, [UInt8](try Data(contentsOf: directory.appendingPathComponent(name))))
        }
    }

    @Test("every harness runs over its seed corpus without a finding", arguments: FuzzHarness.allCases)
    func seedCorpus(_ harness: FuzzHarness) throws {
        let seeds = try Self.seeds(harness)
        #expect(seeds.count >= 3, "\(harness.rawValue) has \(seeds.count) seeds")
        for seed in seeds {
            #expect(seed.bytes.count <= 64 << 10, "\(harness.rawValue)/\(seed.name) is larger than 64 KiB")
            harness.run(seed.bytes)
        }
    }

    @Test("every harness takes empty, tiny and junk inputs", arguments: FuzzHarness.allCases)
    func edgeInputs(_ harness: FuzzHarness) {
        var random = SystemRandomNumberGenerator()
        let junk = (0..<512).map { _ in UInt8.random(in: 0...255, using: &random) }
        for input in [[], [0], [0xFF], [UInt8](repeating: 0, count: 64), [UInt8](repeating: 0xFF, count: 64), junk] {
            harness.run(input)
        }
    }

    @Test("the seed corpus stays small")
    func corpusSize() throws {
        let total = try FuzzHarness.allCases.reduce(0) { sum, harness in
            try Self.seeds(harness).reduce(sum) { $0 + $1.bytes.count }
        }
        #expect(total < 256 << 10, "the seed corpus holds \(total) bytes")
    }
}
