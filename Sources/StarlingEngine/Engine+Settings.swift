/// `SET name = value`, `RESET name` and `SHOW name`: the session's settings.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension Engine {
    /// The settings in force: what the session set, else the engine's defaults.
    var settings: EffectiveSettings {
        let overrides = session.current
        return EffectiveSettings(
            threads: overrides.threads ?? threads, memoryLimit: overrides.memoryLimit ?? memoryLimit,
            timeZone: overrides.timeZone ?? "UTC", databaseName: databaseName, mayReadFiles: mayReadFiles)
    }

    /// `SET name = value` (`TO DEFAULT` resets), `RESET name` and `RESET ALL`: checked, then kept
    /// for the session's following statements. Nothing is committed.
    func set(_ statement: SetStatement) throws(SQLError) -> StatementOutcome {
        guard let name = statement.name else {
            session.update { $0 = SessionSettings.Overrides() }
            return StatementOutcome(tag: "RESET", snapshot: nil)
        }
        guard let setting = Setting(named: name.name) else { throw Setting.unknown(name) }
        guard let value = statement.value else {
            session.update { overrides in
                switch setting {
                case .threads: overrides.threads = nil
                case .memoryLimit: overrides.memoryLimit = nil
                case .timeZone: overrides.timeZone = nil
                }
            }
            return StatementOutcome(tag: "RESET", snapshot: nil)
        }
        switch setting {
        case .threads:
            let count = try Self.threadCount(value)
            session.update { $0.threads = count }
        case .memoryLimit:
            switch MemoryLimitText.parse(value.text) {
            case .success(let bytes):
                if let ceiling = memoryLimitCeiling, bytes > ceiling {
                    throw SQLError(
                        "memory_limit may be at most \(MemoryLimitText.format(ceiling)) in this session, not "
                            + "'\(value.text)'", at: value.position,
                        hint: "the server's --memory-limit caps it for users below admin")
                }
                session.update { $0.memoryLimit = bytes }
            case .failure(let error):
                throw SQLError(error.message, at: value.position, hint: "SET memory_limit = '4GB'")
            }
        case .timeZone:
            guard value.text.uppercased() == "UTC" else {
                throw SQLError(
                    "time zone \"\(value.text)\" is not supported: Starling supports only UTC", at: value.position,
                    hint: "TIMESTAMP values have no time zone and are shown as stored; SET TimeZone = 'UTC'")
            }
            session.update { $0.timeZone = "UTC" }
        }
        return StatementOutcome(tag: "SET", snapshot: nil)
    }

    /// `SET threads`: a whole number (a fraction rounds, as DuckDB casts it) from 1 to the maximum.
    static func threadCount(_ value: SettingValue) throws(SQLError) -> Int {
        guard value.kind != .word, let number = Double(value.text.trimmingSpaces), number.isFinite else {
            throw SQLError(
                "threads must be a whole number, not '\(value.text)'", at: value.position, hint: "SET threads = 4")
        }
        let rounded = number.rounded(.toNearestOrAwayFromZero)
        guard rounded >= 1, rounded <= Double(Setting.maximumThreads) else {
            throw SQLError(
                "threads must be from 1 to \(Setting.maximumThreads), not \(value.text)", at: value.position,
                hint: "this machine has \(Engine.processorCount) cores")
        }
        return Int(rounded)
    }

    /// `SHOW name` for a setting: one row, one column named as written.
    func showSetting(_ setting: Setting, spelling: String, into sink: ResultSink) throws {
        let (value, type) = settings.value(of: setting)
        try sink.start([PlanColumn(name: spelling, type: type)])
        _ = try sink.write(Chunk(columns: [Vector(type: type, values: [value])], count: 1))
        try sink.finish()
    }
}
