/// The settings of a session — `threads`, `memory_limit`, `TimeZone` — that `SET` and `RESET`
/// change and `SHOW` and `current_setting()` read.

import StarlingColumns
import StarlingSQL
import Synchronization

/// What `SET` changed in one session: a shell, or a script `starling sql` runs. Every copy of an
/// ``Engine`` shares its engine's, so a `SET` applies to the statements that follow it. A
/// setting never set (or reset) has the engine's default: the `--threads` and `--memory-limit`
/// options, else every core and half the memory.
public final class SessionSettings: Sendable {
    /// The values set, nil where the default applies.
    struct Overrides: Sendable {
        var threads: Int?
        var memoryLimit: Int?
        var timeZone: String?
    }

    private let overrides = Mutex<Overrides>(Overrides())

    public init() {}

    var current: Overrides { overrides.withLock { $0 } }

    func update(_ change: (inout Overrides) -> Void) {
        overrides.withLock { change(&$0) }
    }
}

/// A setting a session can change, by its canonical name.
enum Setting: String, CaseIterable {
    case threads
    case memoryLimit = "memory_limit"
    case timeZone = "TimeZone"

    /// Other names DuckDB accepts for the same settings.
    static let aliases: [String: Setting] = ["worker_threads": .threads, "max_memory": .memoryLimit]

    /// Every name accepted, for "did you mean".
    static var names: [String] { allCases.map(\.rawValue) + aliases.keys.sorted() }

    /// The setting named `name`, matched without regard to case, as DuckDB matches them.
    init?(named name: String) {
        let lowered = name.lowercased()
        if let setting = Setting.allCases.first(where: { $0.rawValue.lowercased() == lowered }) {
            self = setting
        } else if let setting = Setting.aliases[lowered] {
            self = setting
        } else {
            return nil
        }
    }

    /// The error for a name no setting has, with the nearest name.
    static func unknown(_ name: Identifier) -> SQLError {
        let hint = closestMatch(to: name.name.lowercased(), in: names.map { $0.lowercased() }).flatMap { match in
            names.first { $0.lowercased() == match }
        }
        return SQLError(
            "unrecognized configuration parameter \"\(name.name)\"", at: name.position,
            hint: hint.map { "did you mean \($0)?" } ?? "the settings are threads, memory_limit and TimeZone")
    }

    /// What the setting does (`starling.settings`).
    var description: String {
        switch self {
        case .threads: return "Worker threads a query runs on (--threads)."
        case .memoryLimit: return "Memory a query's hash tables, sorts and results may take (--memory-limit)."
        case .timeZone: return "The time zone of TIMESTAMP values: only UTC."
        }
    }

    /// The most worker threads `SET threads` accepts: each takes its own share of an
    /// aggregate's or a join's state.
    static let maximumThreads = 1024
}

/// The settings in force for one statement.
struct EffectiveSettings: Sendable {
    var threads: Int
    var memoryLimit: Int
    var timeZone: String
    /// The engine's ``Engine/databaseName``.
    var databaseName: String?
    /// The engine's ``Engine/mayReadFiles``.
    var mayReadFiles = true

    /// The value `SHOW` and `current_setting()` give, with its type (threads as BIGINT, the
    /// memory limit as text such as `3.7 GiB`, as DuckDB shows them).
    func value(of setting: Setting) -> (value: Value, type: LogicalType) {
        switch setting {
        case .threads: return (.integer(Int64(threads)), .bigint)
        case .memoryLimit: return (.string(MemoryLimitText.format(memoryLimit)), .varchar)
        case .timeZone: return (.string(timeZone), .varchar)
        }
    }
}

/// Memory limits as `SET memory_limit` reads and `SHOW memory_limit` writes them, as in DuckDB.
enum MemoryLimitText {
    /// The limit that stands for "none": `SET memory_limit = '-1'` (or `'none'`).
    static let unlimited = Int.max

    /// Bytes for `text`: a number and a unit — B, KB, MB, GB, TB (powers of 1000, and their
    /// long forms `kilobytes`…, or the bare `K`, `M`, `G`, `T`), KiB, MiB, GiB, TiB (powers of
    /// 1024) — or a percentage of physical memory; a negative number, `none` or `null` for no
    /// limit. The message says what is wrong.
    static func parse(_ text: String) -> Result<Int, LimitError> {
        let trimmed = text.trimmingSpaces.lowercased()
        if trimmed.hasPrefix("-") || trimmed == "none" || trimmed == "null" { return .success(unlimited) }
        let number = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e") }
        guard !number.isEmpty, let amount = Double(number), amount.isFinite else {
            return .failure(LimitError("memory_limit must be a number and a unit, as in '4GB', not '\(text)'"))
        }
        let unit = String(trimmed.dropFirst(number.count)).trimmingSpaces
        let multiplier: Double
        switch unit {
        case "b", "byte", "bytes": multiplier = 1
        case "k", "kb", "kilobyte", "kilobytes": multiplier = 1e3
        case "m", "mb", "megabyte", "megabytes": multiplier = 1e6
        case "g", "gb", "gigabyte", "gigabytes": multiplier = 1e9
        case "t", "tb", "terabyte", "terabytes": multiplier = 1e12
        case "kib": multiplier = 1024
        case "mib": multiplier = 1024 * 1024
        case "gib": multiplier = 1024 * 1024 * 1024
        case "tib": multiplier = 1024 * 1024 * 1024 * 1024
        case "%":
            guard amount <= 100 else {
                return .failure(LimitError("memory_limit as a percentage must be at most 100%"))
            }
            multiplier = Double(Engine.physicalMemory) / 100
        default:
            return .failure(
                LimitError(
                    "unknown unit for memory: '\(unit)' (expected: KB, MB, GB, TB for 1000^i units or KiB, MiB, GiB, "
                        + "TiB for 1024^i units)"))
        }
        let bytes = (amount * multiplier).rounded(.towardZero)
        guard bytes >= 1 else { return .failure(LimitError("memory_limit must be at least 1 byte")) }
        guard bytes < 9.2e18 else { return .failure(LimitError("memory_limit is too large; '-1' sets no limit")) }
        return .success(Int(bytes))
    }

    /// `3.7 GiB`, `976.5 KiB`, `512 bytes`: DuckDB's rendering, the tenths cut off, not rounded.
    /// No limit shows as DuckDB shows it, `16383.9 PiB`.
    static func format(_ bytes: Int) -> String {
        let value = bytes == unlimited ? UInt64.max : UInt64(max(0, bytes))
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var parts = [UInt64](repeating: 0, count: units.count)
        parts[0] = value
        for index in 1..<parts.count {
            parts[index] = parts[index - 1] / 1024
            parts[index - 1] %= 1024
        }
        for index in stride(from: parts.count - 1, through: 1, by: -1) where parts[index] != 0 {
            return "\(parts[index]).\(parts[index - 1] * 10 / 1024) \(units[index])"
        }
        return value == 1 ? "1 byte" : "\(value) bytes"
    }

    /// Why a memory limit could not be read.
    struct LimitError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String { trimmed { $0 == " " || $0 == "\t" } }
}
