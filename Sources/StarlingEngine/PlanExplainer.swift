/// Renders plans for EXPLAIN and EXPLAIN ANALYZE, one operator per line, indented by depth.

import StarlingColumns
import StarlingExecution

enum PlanExplainer {
    static func lines(_ plan: PlanNode, profile: ExecutionProfile?) -> [String] {
        var lines: [String] = []
        render(plan, depth: 0, profile: profile, into: &lines)
        return lines
    }

    static func render(_ node: PlanNode, depth: Int, profile: ExecutionProfile?, into lines: inout [String]) {
        let indent = String(repeating: "  ", count: depth) + (depth > 0 ? "└─ " : "")
        var line = indent + describe(node)
        if let profile {
            let counters = profile.counters(for: node.identifier)
            var parts = ["rows in \(counters.rowsIn)", "out \(counters.rowsOut)", "time \(duration(counters.nanoseconds))"]
            if case .scan(let scan) = node.operation {
                parts.append("partitions \(scan.partitionCount - scan.partitionsSkipped) read, \(scan.partitionsSkipped) skipped")
                parts.append("segments \(scan.segments.count) read, \(scan.segmentsSkipped) skipped")
                parts.append("row groups \(counters.rowGroupsRead) read, \(counters.rowGroupsSkipped) skipped")
                parts.append("\(counters.bytesRead) bytes read")
            }
            if case .hashJoin = node.operation {
                parts.append("built \(counters.buildRows) rows in \(duration(counters.buildNanoseconds))")
            }
            line += "  [" + parts.joined(separator: "; ") + "]"
        } else {
            line += "  (~\(node.estimatedRows) rows)"
        }
        lines.append(line)
        // Subqueries this operator's expressions use run before the query; shown under it.
        let below = Set(node.children.flatMap { $0.subqueries.map(\.identifier) })
        for subquery in node.subqueries where !below.contains(subquery.identifier) {
            let kind: String
            switch subquery.kind {
            case .scalar: kind = "scalar"
            case .exists(let negated): kind = negated ? "NOT EXISTS" : "EXISTS"
            case .values: kind = "IN values"
            }
            var when = "run first"
            if subquery.isCorrelated {
                let input = ExpressionText(names: node.children.first?.columns.map(\.name) ?? [])
                when = "run per distinct " + subquery.parameters.indices.map {
                    "$\($0) = " + input.outermost(subquery.parameters[$0])
                }.joined(separator: ", ")
            }
            lines.append(String(repeating: "  ", count: depth + 1) + "└─ SUBQUERY (\(kind), \(when))")
            render(subquery.plan, depth: depth + 2, profile: profile, into: &lines)
        }
        for child in node.children { render(child, depth: depth + 1, profile: profile, into: &lines) }
    }

    static func describe(_ node: PlanNode) -> String {
        let names = node.columns.map(\.name)
        let input = ExpressionText(names: node.children.first?.columns.map(\.name) ?? [])
        switch node.operation {
        case .scan(let scan):
            var text = "SCAN \(scan.table.name) columns: \(scan.columns.map(\.name).joined(separator: ", "))"
            if let filter = scan.filter { text += " filter: " + ExpressionText(names: scan.columns.map(\.name))(filter) }
            if !scan.zonePredicates.isEmpty { text += " zone maps: \(scan.zonePredicates.count)" }
            text += " segments: \(scan.segments.count) of \(scan.segments.count + scan.segmentsSkipped)"
            return text
        case .rows(let chunks): return "ROWS \(chunks.reduce(0) { $0 + $1.count })"
        case .parquetScan(let specification): return ParquetScanText.text(specification)
        case .series(let start, let stop, let step):
            let text = ExpressionText(names: [])
            return "SERIES \(text(start)) TO \(text(stop)) BY \(text(step))"
        case .filter(_, let predicate): return "FILTER " + input(predicate)
        case .project: return "PROJECT \(names.joined(separator: ", "))"
        case .dimensionJoin(_, let join):
            let conditions = join.dimension.conditionCount
            let filter = conditions == 0 ? "" : " (dimension filter: \(conditions) condition\(conditions == 1 ? "" : "s"))"
            return "STAR JOIN \(join.dimension.tableName) by row code" + (join.keepUnmatched ? ", keeping unmatched rows" : "") + filter
        case .hashJoin(let probe, let build, let join):
            let side = join.buildsProbeSide ? "build: first input, the second marks its matches" : "build: second input"
            let probeText = ExpressionText(names: probe.columns.map(\.name))
            let buildText = ExpressionText(names: build.columns.map(\.name))
            let keys = zip(join.probeKeys, join.buildKeys).map { probeText($0) + " = " + buildText($1) }
            return "HASH JOIN \(join.kind.rawValue) on \(keys.joined(separator: " AND ")) (\(side))"
        case .crossJoin: return "CROSS PRODUCT"
        case .aggregate(let child, let groups, let aggregates):
            let sketches = QueryExecutor.sketchColumns(child, groups: groups, aggregates: aggregates) == nil
                ? "" : " (from the segments' column sketches)"
            return "HASH AGGREGATE groups: \(groups.count) aggregates: \(aggregates.map(\.function.rawValue).joined(separator: ", "))"
                + sketches
        case .groupingSets(_, let groups, let aggregates, let sets):
            return "HASH AGGREGATE grouping sets: \(sets.count) groups: \(groups.count) aggregates: "
                + aggregates.map(\.function.rawValue).joined(separator: ", ")
        case .sort(_, let keys, let limit): return limit.map { "TOP \($0) by \(keys.count) key\(keys.count == 1 ? "" : "s")" } ?? "ORDER BY \(keys.count) key\(keys.count == 1 ? "" : "s")"
        case .limit(_, let limit, let offset): return "LIMIT \(limit.map(String.init) ?? "ALL") OFFSET \(offset)"
        case .distinct: return "DISTINCT"
        case .setOperation(let kind, let all, _, _): return kind.rawValue + (all ? " ALL" : "")
        case .window(_, let functions, _): return "WINDOW " + functions.map { LogicalPlanExplainer.window($0, input) }.joined(separator: ", ")
        }
    }

    /// `12.3 ms`, `850 µs`, `1.20 s`.
    static func duration(_ nanoseconds: UInt64) -> String {
        let value = Double(nanoseconds)
        if value >= 1e9 { return "\(Double(Int(value / 1e7)) / 100) s" }
        if value >= 1e6 { return "\(Double(Int(value / 1e5)) / 10) ms" }
        return "\(Int(value / 1e3)) µs"
    }
}
