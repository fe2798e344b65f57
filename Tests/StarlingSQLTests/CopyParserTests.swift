/// COPY's spellings: FROM a file or STDIN, TO a file or STDOUT, options old and new.

import StarlingSQL
import Testing

@Suite("COPY parsing")
struct CopyParserTests {
    func statement(_ sql: String) throws -> Statement {
        let statements = try Parser.parse(sql)
        guard statements.count == 1 else { throw SQLError("expected one statement", at: SourcePosition(0)) }
        return statements[0].statement
    }

    func options(_ copy: [CopyOption]) -> [String] {
        copy.map { "\($0.name.name)=\($0.value)" }
    }

    @Test("COPY FROM STDIN with a column list and options in both spellings")
    func fromStandardInput() throws {
        guard case .copy(let copy) = try statement("COPY t (a, \"B\") FROM STDIN WITH (FORMAT csv, HEADER)") else {
            Issue.record("not a COPY FROM")
            return
        }
        #expect(copy.fromStandardInput && copy.files.isEmpty)
        #expect(copy.columns?.map(\.name) == ["a", "B"])
        #expect(options(copy.options) == ["format=csv", "header=true"])
        guard case .copy(let old) = try statement("copy t from stdin with csv header delimiter as ';' null 'NA'") else {
            Issue.record("not a COPY FROM")
            return
        }
        #expect(options(old.options) == ["format=csv", "header=true", "delimiter=;", "null=NA"])
        guard case .copy(let file) = try statement("COPY t FROM 'x.csv' (max_rejects 3)") else {
            Issue.record("not a COPY FROM")
            return
        }
        #expect(!file.fromStandardInput && file.files == ["x.csv"] && options(file.options) == ["max_rejects=3"])
    }

    @Test("COPY (query) TO STDOUT keeps where the query's text is")
    func toStandardOutput() throws {
        let sql = "COPY (SELECT a, (b) FROM t WHERE c > 1) TO STDOUT (FORMAT csv)"
        guard case .copyTo(let copy) = try statement(sql), case .query(_, let range) = copy.source else {
            Issue.record("not a COPY (query) TO")
            return
        }
        #expect(copy.target == .standardOutput)
        #expect(String(decoding: Array(sql.utf8)[range], as: UTF8.self) == "SELECT a, (b) FROM t WHERE c > 1")
        #expect(options(copy.options) == ["format=csv"])
        guard case .copyTo(let table) = try statement("COPY t (a) TO '/tmp/out.csv' CSV"),
            case .table(let name, let columns) = table.source
        else {
            Issue.record("not a COPY table TO")
            return
        }
        #expect(name.name == "t" && columns?.map(\.name) == ["a"] && table.target == .file("/tmp/out.csv"))
    }
}
