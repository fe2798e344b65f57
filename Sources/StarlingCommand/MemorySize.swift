/// Parsing sizes such as `4GB`, `512MiB` or `50%` (of physical memory) for `--memory-limit`.

import StarlingEngine

enum MemorySize {
    /// Bytes for `text`: a number with an optional unit (B, KB, MB, GB, TB; KiB…; powers of 1024),
    /// or a percentage of physical memory. Nil when unreadable or zero.
    static func parse(_ text: String) -> Int? {
        let trimmed = text.filter { $0 != " " }.uppercased()
        if trimmed.hasSuffix("%") {
            guard let percent = Double(trimmed.dropLast()), percent > 0, percent <= 100 else { return nil }
            return Int(Double(Engine.physicalMemory) * percent / 100)
        }
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count)
        guard let number = Double(digits), number > 0 else { return nil }
        let kilo = 1024.0, mega = kilo * 1024, giga = mega * 1024, tera = giga * 1024
        let multipliers: [String: Double] = ["": 1, "B": 1, "K": kilo, "KB": kilo, "KIB": kilo, "M": mega, "MB": mega, "MIB": mega,
                                             "G": giga, "GB": giga, "GIB": giga, "T": tera, "TB": tera, "TIB": tera]
        guard let multiplier = multipliers[String(unit)] else { return nil }
        let bytes = number * multiplier
        guard bytes >= 1, bytes < 9e18 else { return nil }
        return Int(bytes)
    }
}
