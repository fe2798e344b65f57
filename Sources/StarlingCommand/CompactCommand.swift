/// `starling compact`: merge the small segments micro-batches leave.

import ArgumentParser
import StarlingStorage

/// Merges each partition's small segments into full-size ones, as one commit.
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Merge small segments (micro-batches, late rows, small inserts) into full-size ones.",
        discussion: """
            Every partition (of TABLE, or of every table; of --partition, or all) holding two or \
            more segments of under 262,144 rows has its runs of such segments merged into segments \
            of up to 1,048,576 rows, in the table's sort order, in one commit. Queries running meanwhile \
            keep reading the snapshot they started with; `starling vacuum` removes the merged files. \
            Loads compact the partitions they wrote once one holds 16 small segments.

            Example:
              starling compact requests --partition 2025-03-01
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Argument(help: ArgumentHelp("The table to compact (default: every table).", valueName: "table"))
    var table: String?

    @Option(help: ArgumentHelp("Only this partition key (2025-03-01, 2025-03 or 2025).", valueName: "key"))
    var partition: String?

    func run() throws {
        let warehouse = try options.open()
        let report: CompactionReport
        do {
            report = try warehouse.compact(
                table: table, partitions: partition.map { [$0] }, policy: .requested, wait: options.wait)
        } catch {
            throw fail(error.message, status: error.exitStatus)
        }
        guard let snapshot = report.snapshot else {
            StandardOutput.write("nothing to compact\n")
            return
        }
        for partition in report.partitions {
            let name = partition.key.isEmpty ? partition.table : "\(partition.table) \(partition.key)"
            let counts = "\(partition.segmentsBefore) segments → \(partition.segmentsAfter)"
            StandardOutput.write("\(name): \(counts) (\(partition.rows) rows)\n")
        }
        let plural = report.partitions.count == 1 ? "" : "s"
        StandardOutput.write("compacted \(report.partitions.count) partition\(plural) as snapshot \(snapshot)\n")
    }
}
