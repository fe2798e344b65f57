/// How EXPLAIN shows a scan of Parquet files.

import StarlingExecution

enum ParquetScanText {
    /// `PARQUET SCAN sales.parquet (+2 files) columns: a, b row groups: 12`.
    static func text(_ specification: ParquetScanSpecification) -> String {
        let names = specification.files.map { $0.path.split(separator: "/").last.map(String.init) ?? $0.path }
        let more = names.count > 1 ? " (+\(names.count - 1) files)" : ""
        let groups = specification.files.reduce(0) { $0 + $1.metadata.rowGroups.count }
        return "PARQUET SCAN \(names.first ?? "")\(more) columns: \(specification.columns.joined(separator: ", "))"
            + " row groups: \(groups)"
    }
}
