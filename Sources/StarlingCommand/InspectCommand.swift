/// `starling inspect FILE [--json] [--verify]`: what a segment file holds, and whether it is intact.

import ArgumentParser
import StarlingFormat
import StarlingEncoding
import StarlingCompression

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a segment file's schema, row groups, encodings, sizes and statistics.",
        discussion: """
            Reads only the footer unless --verify is given; --verify also decodes every column chunk \
            and checks every checksum. A damaged file gives a one-line error and exit status 65; a \
            missing file exits with 66.

            Examples:
              starling inspect seg-000001.stsg
              starling inspect seg-000001.stsg --verify --json
            """
    )

    @Argument(help: "The segment file (.stsg).")
    var file: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "Decode every chunk and check every checksum.")
    var verify = false

    func run() throws {
        let reader: SegmentReader
        do {
            reader = try SegmentReader(path: file)
            if verify { try reader.verify() }
        } catch {
            throw fail(error.description, status: error.exitStatus)
        }
        let report = SegmentReport(reader: reader, verified: verify)
        StandardOutput.write(json ? report.json.rendered() + "\n" : report.text)
    }
}
