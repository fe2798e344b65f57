/// The `--warehouse DIR` and `--wait` options every warehouse command shares.

import ArgumentParser
import StarlingStorage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct WarehouseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The warehouse directory (default: $STARLING_WAREHOUSE, else ./warehouse).", valueName: "dir"))
    var warehouse: String?

    @Flag(name: .long, help: "If another writer holds the warehouse, wait for it instead of failing.")
    var wait = false

    /// The directory chosen by the flag, the environment, or the default.
    var directory: String {
        if let warehouse { return warehouse }
        if let text = environmentDirectory { return text }
        return "./warehouse"
    }

    /// `$STARLING_WAREHOUSE` when it is set and not empty.
    var environmentDirectory: String? {
        guard let value = getenv("STARLING_WAREHOUSE"), let text = String(validatingCString: value), !text.isEmpty
        else { return nil }
        return text
    }

    /// Opens the warehouse, or exits with a one-line error. When no warehouse was named (no
    /// `--warehouse`, `STARLING_WAREHOUSE` unset) and `./warehouse` is not one, the error says
    /// so and how to name one, rather than suggesting a new `./warehouse`.
    func open() throws -> Warehouse {
        do {
            return try Warehouse(opening: directory)
        } catch {
            if warehouse == nil, environmentDirectory == nil, error.kind == .missingWarehouse {
                throw fail(
                    "no warehouse given: --warehouse is not set, STARLING_WAREHOUSE is unset, and there is no "
                        + "./warehouse here\n  Name one with --warehouse DIR or export STARLING_WAREHOUSE=DIR; "
                        + "create one with: starling init --warehouse DIR",
                    status: error.exitStatus)
            }
            throw fail(error.message, status: error.exitStatus)
        }
    }
}

extension StorageError {
    /// The documented exit status for this error.
    var exitStatus: ExitStatus {
        switch kind {
        case .missingWarehouse, .notAWarehouse, .missingFile: return .missingInput
        case .corrupt: return .dataError
        case .io: return .ioError
        case .locked, .invalid: return .failure
        }
    }
}

/// Whether a file descriptor is a terminal.
func isTerminal(_ descriptor: Int32) -> Bool {
    isatty(descriptor) != 0
}
