/// Parsing sizes such as `4GB`, `512MiB` or `50%` (of physical memory) for `--memory-limit`.

import StarlingEngine
import StarlingLoader

enum MemorySize {
    /// Bytes for `text`: a number with an optional unit (B, KB, MB, GB, TB; KiB…; powers of 1024),
    /// or a percentage of physical memory. Nil when unreadable or zero.
    static func parse(_ text: String) -> Int? {
        let trimmed = text.filter { $0 != " " }.uppercased()
        if trimmed.hasSuffix("%") {
            guard let percent = Double(trimmed.dropLast()), percent > 0, percent <= 100 else { return nil }
            return Int(Double(Engine.physicalMemory) * percent / 100)
        }
        return LoadOptions.byteSize(trimmed)
    }
}
