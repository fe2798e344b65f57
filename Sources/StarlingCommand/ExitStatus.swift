/// The documented exit statuses, and the mapping from errors to them.

import ArgumentParser
import StarlingEngine
import StarlingFormat

/// Exit statuses (from BSD `sysexits.h` where one fits).
enum ExitStatus: Int32 {
    case success = 0
    case failure = 1
    case usage = 64
    case dataError = 65
    case missingInput = 66
    case ioError = 74
    /// A temporary failure: a file the query read was vacuumed away under it; run it again.
    case temporaryFailure = 75

    var code: ExitCode { ExitCode(rawValue) }
}

/// Prints `starling: error: message` on stderr and exits with `status`.
func fail(_ message: String, status: ExitStatus) -> ExitCode {
    StandardError.error(message)
    return status.code
}

extension SegmentError {
    /// The exit status for this error: missing files 66, other I/O 74, bad bytes 65.
    var exitStatus: ExitStatus {
        switch kind {
        case .missingFile: return .missingInput
        case .io: return .ioError
        default: return .dataError
        }
    }
}

extension EngineError {
    /// The exit status for a failed statement: the warehouse's or the load's, 65 for a query
    /// that met a damaged segment file (as `inspect --verify` reports it), 74 for results that
    /// could not be written, else 1.
    var exitStatus: ExitStatus {
        switch self {
        case .storage(let storage): return storage.exitStatus
        case .load(let load): return load.exitStatus
        case .query(let query) where query.kind == .storage: return .dataError
        case .query(let query) where query.kind == .output: return .ioError
        case .query(let query) where query.kind == .fileRemoved: return .temporaryFailure
        case .sql, .query: return .failure
        }
    }
}
