/// Micro-benchmarks of the storage kernels: decode, encoded sizes, filter and checksum throughput.
///
/// Run in release mode: `swift run -c release StarlingKernelBenchmarks [--rows N] [--runs R]`.
/// Every figure is the median of R runs on one core.

import CMalloc
import StarlingColumns
import StarlingEncoding
import StarlingCompression
import StarlingFormat

@main
struct KernelBenchmarks {
    static func main() throws {
        // The allocator as the starling executable sets it (HeapSettings): chunk-sized arrays
        // from the heap, not each from its own mmap.
        starling_tune_heap()
        var rows = 1 << 20
        var runs = 7
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--rows": rows = Int(arguments.next() ?? "") ?? rows
            case "--runs": runs = Int(arguments.next() ?? "") ?? runs
            default:
                print("usage: StarlingKernelBenchmarks [--rows N] [--runs R]")
                return
            }
        }
        let data = LineorderLikeData(rows: rows)
        print("Starling kernel benchmarks: \(rows) rows, median of \(runs) runs, one core, 64Ki-row chunks\n")
        try DecodeThroughput(data: data, runs: runs).report()
        print("")
        try EncodedSizes(data: data, runs: runs).report()
        print("")
        try FilterThroughput(data: data, runs: runs).report()
        print("")
        ChecksumThroughput(runs: runs).report()
    }
}

/// Times `body` `runs` times (after one warm-up) and returns the median in seconds.
func medianSeconds(runs: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var samples: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<max(runs, 1) {
        let start = clock.now
        try body()
        let elapsed = start.duration(to: clock.now)
        samples.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    samples.sort()
    return samples[samples.count / 2]
}

/// Pads `text` to `width` (right-aligned when `right`).
func pad(_ text: String, _ width: Int, right: Bool = true) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return right ? padding + text : text + padding
}

/// `value` with `digits` decimals.
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    } else if digits > 0 {
        text += "." + String(repeating: "0", count: digits)
    }
    return text
}
