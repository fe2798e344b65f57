/// Files in FROM: `FROM 'sales.parquet'`, `FROM 'dir/*.parquet'`, `read_parquet('…')`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StarlingColumns
import StarlingExecution
import StarlingParquet
import StarlingSQL

extension QueryPlanner {
    /// Whether `call` is a table function that reads files.
    static func readsFiles(_ call: FunctionCall) -> Bool {
        ["read_file", "read_parquet", "parquet_scan", "read_csv", "read_csv_auto", "read_ndjson", "read_json"]
            .contains(call.name.name)
    }

    /// The name a file's rows go by when the FROM item has no alias: the file name without its
    /// directory and extensions (`lineorder` for `'data/lineorder.parquet'`), as DuckDB names it.
    static func fileTableName(_ call: FunctionCall) -> String? {
        guard readsFiles(call), case .literal(let literal)? = call.arguments.first,
            case .string(let path) = literal.kind,
            let last = path.split(separator: "/").last
        else { return nil }
        return last.split(separator: ".").first.map(String.init)
    }

    /// Plans a scan of the Parquet files `call` names: one path or glob (`*`, `?`, `[…]`). The
    /// files' footers are read here (the one read of planning, as a table's catalog entry would
    /// be): every file must have the first's columns, with the same types.
    /// CSV and NDJSON files in FROM are refused with the way to load them.
    func planFileScan(_ call: FunctionCall) throws(SQLError) -> LogicalOperator {
        guard settings.mayReadFiles else {
            throw SQLError(
                "permission denied: reading files in FROM needs the admin role", at: call.name.position)
        }
        let patterns = try filePatterns(call)
        let isParquet = call.name.name == "read_parquet" || call.name.name == "parquet_scan"
            || patterns.allSatisfy { $0.lowercased().hasSuffix(".parquet") || $0.lowercased().hasSuffix(".parq") }
        guard isParquet else {
            throw SQLError(
                "reading CSV and NDJSON files in FROM is not supported yet (Parquet files are)",
                at: call.name.position,
                hint: "load the file into a table first: COPY TABLE FROM '\(patterns.first ?? "file")'")
        }
        var files: [ParquetFile] = []
        for pattern in patterns {
            let paths = Self.expand(pattern)
            guard !paths.isEmpty else {
                throw SQLError("no file matches \(pattern)", at: call.arguments.first?.position ?? call.name.position)
            }
            for path in paths {
                do {
                    files.append(try ParquetFile(path: path))
                } catch {
                    throw SQLError(error.description, at: call.arguments.first?.position ?? call.name.position)
                }
            }
        }
        let columns = try fileColumns(files, at: call.name.position)
        let rows = files.reduce(0) { $0 + Int(clamping: $1.rowCount) }
        return LogicalOperator(
            .parquetScan(ParquetScanSpecification(files: files, columns: columns.map(\.name))),
            columns: columns, estimatedRows: max(rows, 1))
    }

    /// The file pattern of `call`'s one argument, a constant string (a list is not taken yet).
    private func filePatterns(_ call: FunctionCall) throws(SQLError) -> [String] {
        guard let argument = call.arguments.first else {
            throw SQLError("\(call.name.name) takes a file name", at: call.name.position,
                           hint: "\(call.name.name)('sales.parquet') or \(call.name.name)('dir/*.parquet')")
        }
        let bound = try fold(try bind(argument, ExpressionContext(scope: BindingScope(), clause: "a file name")),
                             at: argument.position)
        switch bound {
        case .constant(.string(let path), _): return [path]
        default:
            throw SQLError("\(call.name.name) takes a constant file name or pattern", at: argument.position,
                           hint: "\(call.name.name)('sales.parquet') or \(call.name.name)('dir/*.parquet')")
        }
    }

    /// The readable leaf columns of the first file (a list or TIME column is left out), each
    /// present with the same type in every other file.
    private func fileColumns(_ files: [ParquetFile], at position: SourcePosition) throws(SQLError) -> [PlanColumn] {
        guard let first = files.first else { return [] }
        let columns = first.columns.compactMap { leaf in leaf.type.map { PlanColumn(name: leaf.name, type: $0) } }
        guard !columns.isEmpty else {
            throw SQLError("\(first.path) has no column Starling can read", at: position)
        }
        for file in files.dropFirst() {
            for column in columns where file.column(named: column.name)?.type != column.type {
                throw SQLError(
                    "\(file.path) has no \(column.type) column \(column.name) as \(first.path) has", at: position,
                    hint: "name files of one schema")
            }
        }
        return columns
    }

    /// The files `pattern` names, sorted: itself when it has no wildcard, else its glob(3) matches.
    static func expand(_ pattern: String) -> [String] {
        guard pattern.contains(where: { "*?[".contains($0) }) else { return [pattern] }
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(matches.gl_pathc) {
            if let path = matches.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths.sorted()
    }
}
