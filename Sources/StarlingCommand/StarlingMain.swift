/// The `starling` executable: one command with subcommands.

import ArgumentParser
import StarlingFormat

/// The version printed by `starling --version`.
let starlingVersion = "0.1.0"

@main
struct StarlingMain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "starling",
        abstract: "A columnar star-schema warehouse in one binary.",
        discussion: """
            Exit statuses: 0 success, 1 error in a statement or load, 64 usage, 65 bad input data, \
            66 missing input file or warehouse, 74 I/O error.

            Example:
              starling inspect warehouse/tables/lineorder/p=1994-01/seg-000001.stsg --verify
            """,
        version: starlingVersion,
        subcommands: [InspectCommand.self]
    )
}
