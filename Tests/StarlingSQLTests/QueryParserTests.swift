/// Tests of the query and expression parser.

import Testing
@testable import StarlingSQL
import StarlingColumns

// MARK: Printing trees compactly (fully parenthesised)

func describe(_ expression: Expression) -> String {
    switch expression {
    case .literal(let literal):
        return describe(literal)
    case .column(let qualifier, let name):
        return (qualifier.map { $0.name + "." } ?? "") + name.name
    case .star(let qualifier, _):
        return (qualifier.map { $0.name + "." } ?? "") + "*"
    case .unary(let op, let operand, _):
        return op == .not ? "(NOT \(describe(operand)))" : "(\(op.rawValue)\(describe(operand)))"
    case .binary(let op, let left, let right, _):
        return "(\(describe(left)) \(op.rawValue) \(describe(right)))"
    case .between(let value, let low, let high, let negated, _):
        return "(\(describe(value)) \(negated ? "NOT " : "")BETWEEN \(describe(low)) AND \(describe(high)))"
    case .inList(let value, let list, let negated, _):
        return "(\(describe(value)) \(negated ? "NOT " : "")IN (\(list.map(describe).joined(separator: ", "))))"
    case .inSubquery(let value, let query, let negated, _):
        return "(\(describe(value)) \(negated ? "NOT " : "")IN (\(describe(query))))"
    case .exists(let query, let negated, _):
        return "\(negated ? "NOT " : "")EXISTS (\(describe(query)))"
    case .scalarSubquery(let query, _):
        return "(\(describe(query)))"
    case .like(let value, let pattern, let escape, let negated, let caseInsensitive, _):
        let escapeText = escape.map { " ESCAPE \(describe($0))" } ?? ""
        return "(\(describe(value)) \(negated ? "NOT " : "")\(caseInsensitive ? "ILIKE" : "LIKE") \(describe(pattern))\(escapeText))"
    case .isNull(let value, let negated, _):
        return "(\(describe(value)) IS \(negated ? "NOT " : "")NULL)"
    case .caseWhen(let operand, let branches, let otherwise, _):
        var text = "CASE"
        if let operand { text += " " + describe(operand) }
        for branch in branches { text += " WHEN \(describe(branch.condition)) THEN \(describe(branch.result))" }
        if let otherwise { text += " ELSE " + describe(otherwise) }
        return text + " END"
    case .cast(let value, let type, let orNull, _) where orNull:
        return "TRY_CAST(\(describe(value)) AS \(type))"
    case .cast(let value, let type, _, _):
        return "CAST(\(describe(value)) AS \(type))"
    case .function(let call):
        var text = call.name.name + "("
        if call.star { text += "*" }
        if call.distinct { text += "DISTINCT " }
        text += call.arguments.map(describe).joined(separator: ", ") + ")"
        if let filter = call.filter { text += " FILTER (WHERE \(describe(filter)))" }
        return text
    case .interval(let interval):
        switch interval.form {
        case .count(let count, let unit): return "INTERVAL \(count) \(unit.rawValue.uppercased())"
        case .text(let text): return "INTERVAL '\(text)'"
        }
    }
}

func describe(_ literal: Literal) -> String {
    switch literal.kind {
    case .null: return "NULL"
    case .boolean(let value): return value ? "TRUE" : "FALSE"
    case .number(let text): return text
    case .string(let text): return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    case .typed(let type, let text): return "\(type.uppercased()) '\(text)'"
    }
}

func describe(_ query: Query) -> String {
    var parts: [String] = []
    if !query.commonTableExpressions.isEmpty {
        let ctes = query.commonTableExpressions.map { cte in
            cte.name.name + (cte.columnNames.map { "(" + $0.map(\.name).joined(separator: ", ") + ")" } ?? "") + " AS (\(describe(cte.query)))"
        }
        parts.append("WITH " + ctes.joined(separator: ", "))
    }
    parts.append(describe(query.body))
    if !query.orderBy.isEmpty {
        let items = query.orderBy.map { item in
            describe(item.expression) + (item.descending ? " DESC" : "") + (item.nullsFirst.map { $0 ? " NULLS FIRST" : " NULLS LAST" } ?? "")
        }
        parts.append("ORDER BY " + items.joined(separator: ", "))
    }
    if let limit = query.limit { parts.append("LIMIT " + describe(limit)) }
    if let offset = query.offset { parts.append("OFFSET " + describe(offset)) }
    return parts.joined(separator: " ")
}

func describe(_ body: QueryBody) -> String {
    switch body {
    case .select(let select):
        var text = "SELECT " + (select.distinct ? "DISTINCT " : "")
        text += select.items.map { item in describe(item.expression) + (item.alias.map { " AS " + $0.name } ?? "") }.joined(separator: ", ")
        if !select.from.isEmpty { text += " FROM " + select.from.map(describe).joined(separator: ", ") }
        if let condition = select.whereClause { text += " WHERE " + describe(condition) }
        if !select.groupBy.isEmpty { text += " GROUP BY " + select.groupBy.map(describe).joined(separator: ", ") }
        if let having = select.having { text += " HAVING " + describe(having) }
        return text
    case .setOperation(let op, let all, let left, let right, _):
        return "(\(describe(left)) \(op.rawValue.uppercased())\(all ? " ALL" : "") \(describe(right)))"
    case .nested(let query):
        return "(\(describe(query)))"
    case .values(let rows, _):
        return "VALUES " + rows.map { "(" + $0.map(describe).joined(separator: ", ") + ")" }.joined(separator: ", ")
    }
}

func describe(_ reference: TableReference) -> String {
    switch reference {
    case .table(let name, let schema, let alias):
        return (schema.map { $0.name + "." } ?? "") + name.name + (alias.map { " AS " + $0.name } ?? "")
    case .subquery(let query, let alias, let columnNames, _):
        return "(\(describe(query)))" + (alias.map { " AS " + $0.name } ?? "") + (columnNames.map { "(" + $0.map(\.name).joined(separator: ", ") + ")" } ?? "")
    case .join(let join):
        var text = "(\(describe(join.left)) \(join.natural ? "NATURAL " : "")\(join.kind.rawValue.uppercased()) JOIN \(describe(join.right))"
        if let condition = join.condition { text += " ON " + describe(condition) }
        if let using = join.using { text += " USING (" + using.map(\.name).joined(separator: ", ") + ")" }
        return text + ")"
    case .function(let call, let alias, let columnNames, let withOrdinality):
        return describe(.function(call)) + (withOrdinality ? " WITH ORDINALITY" : "") + (alias.map { " AS " + $0.name } ?? "")
            + (columnNames.map { "(" + $0.map(\.name).joined(separator: ", ") + ")" } ?? "")
    }
}

// MARK: Helpers

/// The one statement in `sql`.
fileprivate func statement(_ sql: String) throws -> Statement {
    let statements = try Parser.parse(sql)
    guard statements.count == 1 else { throw SQLError("expected one statement, got \(statements.count)", at: SourcePosition(0)) }
    return statements[0].statement
}

/// The one query statement in `sql`.
fileprivate func query(_ sql: String) throws -> Query {
    guard case .query(let query) = try statement(sql) else { throw SQLError("not a query", at: SourcePosition(0)) }
    return query
}

/// The expression of `SELECT <sql>`, printed.
fileprivate func expression(_ sql: String) throws -> String {
    let parsed = try query("SELECT " + sql)
    guard case .select(let select) = parsed.body, select.items.count == 1, select.items[0].alias == nil else {
        throw SQLError("not one unaliased item", at: SourcePosition(0))
    }
    return describe(select.items[0].expression)
}

/// `line:column` of `position` in `text`.
fileprivate func place(_ position: SourcePosition, in text: String) -> String {
    let (line, column) = position.lineAndColumn(in: text)
    return "\(line):\(column)"
}

/// The first SELECT block of a query.
fileprivate func firstSelect(_ query: Query) -> Select? {
    var body = query.body
    while true {
        switch body {
        case .select(let select): return select
        case .setOperation(_, _, let left, _, _): body = left
        case .nested(let inner): body = inner.body
        case .values: return nil
        }
    }
}

@Suite("Query parser")
struct QueryParserTests {
    // MARK: Expressions

    @Test("operator precedence and associativity", arguments: [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 - 2 - 3", "((1 - 2) - 3)"),
        ("(1 + 2) * 3", "((1 + 2) * 3)"),
        ("a OR b AND c", "(a OR (b AND c))"),
        ("a AND b OR c AND d", "((a AND b) OR (c AND d))"),
        ("NOT a = b", "(NOT (a = b))"),
        ("NOT NOT a", "(NOT (NOT a))"),
        ("NOT a AND b", "((NOT a) AND b)"),
        ("x = 1 OR NOT y < 2 AND z", "((x = 1) OR ((NOT (y < 2)) AND z))"),
        ("a BETWEEN 1 AND 2 AND c", "((a BETWEEN 1 AND 2) AND c)"),
        ("a NOT BETWEEN 1 + 1 AND 2 * 3", "(a NOT BETWEEN (1 + 1) AND (2 * 3))"),
        ("a BETWEEN b AND c = d", "((a BETWEEN b AND c) = d)"),
        ("-a * b", "((-a) * b)"),
        ("-2 * 3", "(-2 * 3)"),
        ("2 - -3", "(2 - -3)"),
        ("+4", "4"),
        ("- x::int", "(-CAST(x AS INTEGER))"),
        ("-1::varchar", "(-CAST(1 AS VARCHAR))"),
        ("- (a + b)", "(-(a + b))"),
        ("a || b = c", "((a || b) = c)"),
        ("a + b || c", "((a + b) || c)"),
        ("'a' || 'b' || 'c'", "(('a' || 'b') || 'c')"),
        ("a = b IS NULL", "((a = b) IS NULL)"),
        ("a IS NOT NULL AND b ISNULL OR c NOTNULL", "(((a IS NOT NULL) AND (b IS NULL)) OR (c IS NOT NULL))"),
        ("NOT a IS NULL", "(NOT (a IS NULL))"),
        ("a != b", "(a <> b)"),
        ("a <> b", "(a <> b)"),
        ("a <= b AND a >= c AND a < d AND a > e", "((((a <= b) AND (a >= c)) AND (a < d)) AND (a > e))"),
        ("a // 2 % 3 / 4", "(((a // 2) % 3) / 4)"),
        ("a//2", "(a // 2)"),
        ("a NOT LIKE 'x%' OR b ILIKE 'y'", "((a NOT LIKE 'x%') OR (b ILIKE 'y'))"),
        ("a NOT ILIKE 'y' || z", "(a NOT ILIKE ('y' || z))"),
        ("a LIKE 'x' = TRUE", "((a LIKE 'x') = TRUE)"),
        ("a LIKE 'x!%' ESCAPE '!' AND b", "((a LIKE 'x!%' ESCAPE '!') AND b)"),
        ("a NOT ILIKE p || '%' ESCAPE e || 'x'", "(a NOT ILIKE (p || '%') ESCAPE (e || 'x'))"),
        ("a IN (1, 2, 3)", "(a IN (1, 2, 3))"),
        ("a + 1 NOT IN (b, c * 2)", "((a + 1) NOT IN (b, (c * 2)))"),
        ("a = 1 AND b IN ('x') OR NOT c", "(((a = 1) AND (b IN ('x'))) OR (NOT c))"),
        ("x::date + 1", "(CAST(x AS DATE) + 1)"),
        ("'1'::int::bigint", "CAST(CAST('1' AS INTEGER) AS BIGINT)"),
        ("a IS DISTINCT FROM b + 1 AND c", "((a IS DISTINCT FROM (b + 1)) AND c)"),
        ("a IS NOT DISTINCT FROM NULL = d", "(a IS NOT DISTINCT FROM (NULL = d))"),
        ("try_cast(x AS date) + 1", "(TRY_CAST(x AS DATE) + 1)"),
        ("a ~ 'x' || y AND b !~* 'z'", "(regexp_matches(a, ('x' || y)) AND (NOT regexp_matches(b, 'z', 'i')))"),
        // PostgreSQL's catalog queries (Parser+Postgres).
        ("c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default AND v", "(regexp_matches(c.relname, '^(t)$') AND v)"),
        ("a OPERATOR(=) b COLLATE \"default\"", "(a = b)"),
        ("pg_catalog.format_type(a, b)::pg_catalog.text", "CAST(format_type(a, b) AS VARCHAR)"),
        ("pg_catalog.pg_class.relname", "pg_class.relname"),
        ("c.oid = 't'::regclass", "(c.oid = regclass('t'))"),
        ("CAST(x AS regtype)::oid", "CAST(regtype(x) AS BIGINT)"),
        ("k = ANY (ARRAY['r', 'p'])", "(k IN ('r', 'p'))"),
        ("k <> ALL (ARRAY[1])", "(k NOT IN (1))"),
        ("k < ANY (ARRAY[1, 2])", "((k < 1) OR (k < 2))"),
        ("k = ANY (conkey)", "pg_catalog_array_contains(conkey, k)"),
        ("x::int2[] || a[2]", "(CAST(x AS VARCHAR) || pg_catalog_array_element(a, 2))"),
        ("E'a\\nb''c\\'d'", "'a\nb''c''d'"),
    ])
    func precedence(sql: String, expected: String) throws {
        #expect(try expression(sql) == expected)
    }

    @Test("literals, column names and keyword-named columns", arguments: [
        ("NULL", "NULL"),
        ("TRUE", "TRUE"),
        ("false", "FALSE"),
        ("'it''s'", "'it''s'"),
        ("1.5e3", "1.5e3"),
        (".5", ".5"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("DATE '1998-12-01'", "DATE '1998-12-01'"),
        ("timestamp '2020-01-01 10:00:00'", "TIMESTAMP '2020-01-01 10:00:00'"),
        ("date", "date"),
        ("date + 1", "(date + 1)"),
        ("year * month - day", "((year * month) - day)"),
        ("t.date", "t.date"),
        ("\"Mixed Case\"", "Mixed Case"),
        ("\"T\".\"Col\"", "T.Col"),
        ("name || key || value || type", "(((name || key) || value) || type)"),
        ("*", "*"),
        ("lineorder.*", "lineorder.*"),
        ("current_date", "current_date()"),
        ("current_timestamp - INTERVAL 1 DAY", "(current_timestamp() - INTERVAL 1 DAY)"),
        ("now()", "now()"),
    ])
    func primaries(sql: String, expected: String) throws {
        #expect(try expression(sql) == expected)
    }

    @Test("function calls and their special forms", arguments: [
        ("count(*)", "count(*)"),
        ("COUNT(DISTINCT lo_custkey)", "count(DISTINCT lo_custkey)"),
        ("sum(ALL x)", "sum(x)"),
        ("Lower(Name)", "lower(name)"),
        ("round(avg(x), 2)", "round(avg(x), 2)"),
        ("sum(lo_revenue) FILTER (WHERE d_year = 1997)", "sum(lo_revenue) FILTER (WHERE (d_year = 1997))"),
        ("count(*) FILTER (WHERE x) + 1", "(count(*) FILTER (WHERE x) + 1)"),
        ("left(s, 2) || right(s, 1)", "(left(s, 2) || right(s, 1))"),
        ("first(x)", "first(x)"),
        ("extract(year FROM d_date)", "extract('year', d_date)"),
        ("EXTRACT(DOW FROM d + 1)", "extract('dow', (d + 1))"),
        ("extract('Month' FROM d)", "extract('month', d)"),
        ("extract(epoch FROM ts)", "extract('epoch', ts)"),
        ("substring(s FROM 2 FOR 3)", "substring(s, 2, 3)"),
        ("substring(s FROM 2)", "substring(s, 2)"),
        ("substring(s FOR 3)", "substring(s, 1, 3)"),
        ("substring(s, 1, 2)", "substring(s, 1, 2)"),
        ("trim(s)", "trim(s)"),
        ("trim(s, 'x')", "trim(s, 'x')"),
        ("trim(BOTH 'x' FROM s)", "trim(s, 'x')"),
        ("trim(LEADING FROM s)", "ltrim(s)"),
        ("trim(trailing ' ' from s)", "rtrim(s, ' ')"),
        ("trim(leading)", "trim(leading)"),
        ("position('a' IN s)", "position('a', s)"),
        ("position('a' || b IN s || t)", "position(('a' || b), (s || t))"),
        ("CAST(x AS DECIMAL(12,2))", "CAST(x AS DECIMAL(12,2))"),
        ("cast(d AS varchar) || 'x'", "(CAST(d AS VARCHAR) || 'x')"),
        ("x::decimal(10, 2)", "CAST(x AS DECIMAL(10,2))"),
        ("'2020-01-01'::date", "CAST('2020-01-01' AS DATE)"),
    ])
    func functions(sql: String, expected: String) throws {
        #expect(try expression(sql) == expected)
    }

    @Test("CASE in both forms")
    func caseExpressions() throws {
        #expect(try expression("CASE WHEN a > 1 THEN 'big' WHEN a IS NULL THEN NULL ELSE 'small' END")
            == "CASE WHEN (a > 1) THEN 'big' WHEN (a IS NULL) THEN NULL ELSE 'small' END")
        #expect(try expression("CASE d_month WHEN 1 THEN 'Jan' WHEN 2 THEN 'Feb' END")
            == "CASE d_month WHEN 1 THEN 'Jan' WHEN 2 THEN 'Feb' END")
        #expect(try expression("CASE WHEN CASE WHEN a THEN b END THEN 1 END + 1")
            == "(CASE WHEN CASE WHEN a THEN b END THEN 1 END + 1)")
    }

    @Test("intervals", arguments: [
        ("INTERVAL '3' MONTH", "INTERVAL 3 MONTH"),
        ("interval '3 months'", "INTERVAL '3 months'"),
        ("INTERVAL 2 YEAR", "INTERVAL 2 YEAR"),
        ("INTERVAL 2 years", "INTERVAL 2 YEAR"),
        ("INTERVAL -1 day", "INTERVAL -1 DAY"),
        ("INTERVAL '-2 weeks'", "INTERVAL '-2 weeks'"),
        ("INTERVAL '+1' QUARTER", "INTERVAL 1 QUARTER"),
        ("INTERVAL ' 7 ' days", "INTERVAL 7 DAY"),
        ("INTERVAL '3' HOUR", "INTERVAL 3 HOUR"),
        ("INTERVAL 90 minutes", "INTERVAL 90 MINUTE"),
        ("INTERVAL '1 second'", "INTERVAL '1 second'"),
        ("INTERVAL 5 MILLISECONDS", "INTERVAL 5 MILLISECOND"),
        ("INTERVAL '2' microsecond", "INTERVAL 2 MICROSECOND"),
        ("INTERVAL 2 DECADES", "INTERVAL 2 DECADE"),
        ("INTERVAL 3 centuries", "INTERVAL 3 CENTURY"),
        ("INTERVAL 1 millennia", "INTERVAL 1 MILLENNIUM"),
        ("INTERVAL '1 day 02:00:00'", "INTERVAL '1 day 02:00:00'"),
        ("INTERVAL '42'", "INTERVAL '42'"),
        ("DATE '1998-12-01' - INTERVAL '90' DAY (3)", "(DATE '1998-12-01' - INTERVAL 90 DAY)"),
        ("d + interval '1 day' * 2", "(d + (INTERVAL '1 day' * 2))"),
    ])
    func intervals(sql: String, expected: String) throws {
        #expect(try expression(sql) == expected)
    }

    @Test("subqueries in expressions")
    func subqueries() throws {
        #expect(try expression("(SELECT max(x) FROM t)") == "(SELECT max(x) FROM t)")
        #expect(try expression("(SELECT 1) + 1") == "((SELECT 1) + 1)")
        #expect(try expression("((SELECT 1) + 1) * 2") == "(((SELECT 1) + 1) * 2)")
        #expect(try expression("((SELECT 1))") == "((SELECT 1))")
        #expect(try expression("(WITH a AS (SELECT 1 AS x) SELECT x FROM a)") == "(WITH a AS (SELECT 1 AS x) SELECT x FROM a)")
        #expect(try expression("EXISTS (SELECT * FROM t WHERE t.k = s.k)") == "EXISTS (SELECT * FROM t WHERE (t.k = s.k))")
        #expect(try expression("NOT EXISTS (SELECT 1)") == "NOT EXISTS (SELECT 1)")
        #expect(try expression("NOT EXISTS (SELECT 1) AND a") == "(NOT EXISTS (SELECT 1) AND a)")
        #expect(try expression("a IN (SELECT b FROM t)") == "(a IN (SELECT b FROM t))")
        #expect(try expression("a NOT IN (SELECT b FROM t UNION SELECT c FROM u)") == "(a NOT IN ((SELECT b FROM t UNION SELECT c FROM u)))")
        #expect(try expression("a IN ((SELECT 1) UNION (SELECT 2))") == "(a IN (((SELECT 1) UNION (SELECT 2))))")
        #expect(try expression("a IN ((SELECT 1), 2)") == "(a IN ((SELECT 1), 2))")
        #expect(try expression("x = (SELECT 1) OR y") == "((x = (SELECT 1)) OR y)")
    }

    @Test("Parser.parseExpression parses one whole expression")
    func standaloneExpression() throws {
        #expect(describe(try Parser.parseExpression("a + 1 > 2")) == "((a + 1) > 2)")
        #expect(throws: SQLError.self) { try Parser.parseExpression("a b") }
        #expect(describe(try Parser.parseQuery("SELECT 1;")) == "SELECT 1")
    }

    // MARK: SELECT blocks

    @Test("select lists, aliases and DISTINCT")
    func selectLists() throws {
        let parsed = try query(#"SELECT DISTINCT a AS x, b y, c "Z", count(*) AS count, d AS date, e AS "from", t.*, * FROM t"#)
        #expect(describe(parsed) == "SELECT DISTINCT a AS x, b AS y, c AS Z, count(*) AS count, d AS date, e AS from, t.*, * FROM t")
        #expect(describe(try query("SELECT ALL a FROM t")) == "SELECT a FROM t")
        #expect(describe(try query("SELECT 1")) == "SELECT 1")
        #expect(describe(try query("SELECT date, year FROM date")) == "SELECT date, year FROM date")
    }

    @Test("WHERE, GROUP BY and HAVING")
    func clauses() throws {
        let parsed = try query("SELECT d_year, sum(x) s FROM t WHERE x > 0 AND y LIKE 'a%' GROUP BY d_year, 2 HAVING sum(x) > 10")
        #expect(describe(parsed) == "SELECT d_year, sum(x) AS s FROM t WHERE ((x > 0) AND (y LIKE 'a%')) GROUP BY d_year, 2 HAVING (sum(x) > 10)")
    }

    @Test("ORDER BY options")
    func orderBy() throws {
        let parsed = try query("SELECT a FROM t ORDER BY a DESC NULLS FIRST, b ASC, c NULLS LAST, d + 1, 2 DESC")
        #expect(parsed.orderBy.map(\.descending) == [true, false, false, false, true])
        #expect(parsed.orderBy.map(\.nullsFirst) == [true, nil, false, nil, nil])
        #expect(describe(parsed) == "SELECT a FROM t ORDER BY a DESC NULLS FIRST, b, c NULLS LAST, (d + 1), 2 DESC")
    }

    @Test("LIMIT and OFFSET", arguments: [
        ("SELECT a FROM t LIMIT 10", "SELECT a FROM t LIMIT 10"),
        ("SELECT a FROM t LIMIT 10 OFFSET 5", "SELECT a FROM t LIMIT 10 OFFSET 5"),
        ("SELECT a FROM t OFFSET 5 LIMIT 10", "SELECT a FROM t LIMIT 10 OFFSET 5"),
        ("SELECT a FROM t OFFSET 3 ROWS", "SELECT a FROM t OFFSET 3"),
        ("SELECT a FROM t LIMIT ALL", "SELECT a FROM t"),
        ("SELECT a FROM t ORDER BY a LIMIT 2 * 5", "SELECT a FROM t ORDER BY a LIMIT (2 * 5)"),
    ])
    func limits(sql: String, expected: String) throws {
        #expect(describe(try query(sql)) == expected)
    }

    // MARK: FROM

    @Test("FROM items", arguments: [
        ("SELECT * FROM t", "SELECT * FROM t"),
        ("SELECT t.* FROM lineorder AS t, date d, \"Part\" p", "SELECT t.* FROM lineorder AS t, date AS d, Part AS p"),
        ("SELECT * FROM starling.tables", "SELECT * FROM starling.tables"),
        ("SELECT * FROM starling.columns AS c WHERE c.table_name = 'x'", "SELECT * FROM starling.columns AS c WHERE (c.table_name = 'x')"),
        ("SELECT y FROM (SELECT 1 AS x) AS s(y)", "SELECT y FROM (SELECT 1 AS x) AS s(y)"),
        ("SELECT * FROM (SELECT 1) s", "SELECT * FROM (SELECT 1) AS s"),
        ("SELECT * FROM (SELECT 1)", "SELECT * FROM (SELECT 1)"),
        ("SELECT * FROM ((SELECT 1) UNION ALL (SELECT 2)) u", "SELECT * FROM (((SELECT 1) UNION ALL (SELECT 2))) AS u"),
        ("SELECT * FROM (WITH a AS (SELECT 1) SELECT * FROM a) w", "SELECT * FROM (WITH a AS (SELECT 1) SELECT * FROM a) AS w"),
        ("SELECT * FROM (t)", "SELECT * FROM t"),
        ("SELECT * FROM ((a JOIN b ON a.x = b.x))", "SELECT * FROM (a INNER JOIN b ON (a.x = b.x))"),
        ("SELECT * FROM ((SELECT 1 AS k) s JOIN t USING (k))", "SELECT * FROM ((SELECT 1 AS k) AS s INNER JOIN t USING (k))"),
    ])
    func fromItems(sql: String, expected: String) throws {
        #expect(describe(try query(sql)) == expected)
    }

    @Test("joins: kinds, conditions and associativity", arguments: [
        ("SELECT * FROM a JOIN b ON a.k = b.k", "SELECT * FROM (a INNER JOIN b ON (a.k = b.k))"),
        ("SELECT * FROM a INNER JOIN b USING (k, j)", "SELECT * FROM (a INNER JOIN b USING (k, j))"),
        ("SELECT * FROM a LEFT JOIN b ON x LEFT OUTER JOIN c ON y", "SELECT * FROM ((a LEFT JOIN b ON x) LEFT JOIN c ON y)"),
        ("SELECT * FROM a RIGHT OUTER JOIN b ON x FULL JOIN c ON y FULL OUTER JOIN d USING (k)",
         "SELECT * FROM (((a RIGHT JOIN b ON x) FULL JOIN c ON y) FULL JOIN d USING (k))"),
        ("SELECT * FROM a NATURAL JOIN b NATURAL LEFT OUTER JOIN c JOIN d ON x",
         "SELECT * FROM (((a NATURAL INNER JOIN b) NATURAL LEFT JOIN c) INNER JOIN d ON x)"),
        ("SELECT * FROM a JOIN b ON a.k = b.k LEFT JOIN c USING (k) CROSS JOIN d",
         "SELECT * FROM (((a INNER JOIN b ON (a.k = b.k)) LEFT JOIN c USING (k)) CROSS JOIN d)"),
        ("SELECT * FROM a CROSS JOIN b JOIN c ON y", "SELECT * FROM ((a CROSS JOIN b) INNER JOIN c ON y)"),
        ("SELECT * FROM a, b JOIN c ON x, d", "SELECT * FROM a, (b INNER JOIN c ON x), d"),
        ("SELECT * FROM a JOIN (b JOIN c ON y) ON x", "SELECT * FROM (a INNER JOIN (b INNER JOIN c ON y) ON x)"),
        ("SELECT * FROM a JOIN b JOIN c ON y ON x", "SELECT * FROM (a INNER JOIN (b INNER JOIN c ON y) ON x)"),
        ("SELECT * FROM a AS x JOIN b y ON x.k = y.k", "SELECT * FROM (a AS x INNER JOIN b AS y ON (x.k = y.k))"),
        ("SELECT * FROM lineorder JOIN (SELECT * FROM date) d ON lo_orderdate = d.d_datekey",
         "SELECT * FROM (lineorder INNER JOIN (SELECT * FROM date) AS d ON (lo_orderdate = d.d_datekey))"),
        ("SELECT * FROM a JOIN b ON a.k = b.k AND b.v > 0 WHERE a.z", "SELECT * FROM (a INNER JOIN b ON ((a.k = b.k) AND (b.v > 0))) WHERE a.z"),
    ])
    func joins(sql: String, expected: String) throws {
        #expect(describe(try query(sql)) == expected)
    }

    // MARK: WITH and set operations

    @Test("common table expressions")
    func commonTableExpressions() throws {
        let parsed = try query("WITH a AS (SELECT 1 AS x), b (y) AS (SELECT x FROM a) SELECT y FROM b ORDER BY y")
        #expect(parsed.commonTableExpressions.map(\.name.name) == ["a", "b"])
        #expect(parsed.commonTableExpressions[0].columnNames == nil)
        #expect(parsed.commonTableExpressions[1].columnNames?.map(\.name) == ["y"])
        #expect(describe(parsed) == "WITH a AS (SELECT 1 AS x), b(y) AS (SELECT x FROM a) SELECT y FROM b ORDER BY y")
        #expect(describe(try query("WITH date AS (SELECT 1) (SELECT * FROM date)")) == "WITH date AS (SELECT 1) (SELECT * FROM date)")
    }

    @Test("set operations", arguments: [
        ("SELECT 1 UNION ALL SELECT 2", "(SELECT 1 UNION ALL SELECT 2)"),
        ("SELECT 1 UNION ALL SELECT 2 UNION SELECT 3", "((SELECT 1 UNION ALL SELECT 2) UNION SELECT 3)"),
        ("SELECT 1 UNION DISTINCT SELECT 2 EXCEPT ALL SELECT 3", "((SELECT 1 UNION SELECT 2) EXCEPT ALL SELECT 3)"),
        ("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3", "(SELECT 1 UNION (SELECT 2 INTERSECT SELECT 3))"),
        ("SELECT 1 INTERSECT SELECT 2 UNION SELECT 3", "((SELECT 1 INTERSECT SELECT 2) UNION SELECT 3)"),
        ("SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 5", "(SELECT a FROM t UNION ALL SELECT b FROM u) ORDER BY 1 LIMIT 5"),
        ("(SELECT 1 ORDER BY 1 LIMIT 1) EXCEPT SELECT 2 ORDER BY 1", "((SELECT 1 ORDER BY 1 LIMIT 1) EXCEPT SELECT 2) ORDER BY 1"),
        ("SELECT 1 UNION (SELECT 2 UNION SELECT 3)", "(SELECT 1 UNION ((SELECT 2 UNION SELECT 3)))"),
        ("(SELECT 1)", "(SELECT 1)"),
        ("((SELECT 1)) LIMIT 3", "((SELECT 1)) LIMIT 3"),
        ("VALUES (1, 'a'), (2 + 3, NULL)", "VALUES (1, 'a'), ((2 + 3), NULL)"),
        ("SELECT 1 UNION ALL VALUES (2) ORDER BY 1", "(SELECT 1 UNION ALL VALUES (2)) ORDER BY 1"),
        ("(VALUES (1)) EXCEPT SELECT 2", "((VALUES (1)) EXCEPT SELECT 2)"),
    ])
    func setOperations(sql: String, expected: String) throws {
        #expect(describe(try query(sql)) == expected)
    }

    // MARK: Statements

    @Test("EXPLAIN, INSERT … SELECT and CREATE TABLE … AS")
    func statements() throws {
        guard case .explain(let explained, let analyze) = try statement("EXPLAIN SELECT 1") else { Issue.record("not EXPLAIN"); return }
        #expect(!analyze)
        #expect(describe(explained) == "SELECT 1")
        guard case .explain(let analyzed, true) = try statement("explain analyze WITH a AS (SELECT 1) SELECT * FROM a") else { Issue.record("not EXPLAIN ANALYZE"); return }
        #expect(describe(analyzed) == "WITH a AS (SELECT 1) SELECT * FROM a")

        guard case .insertQuery(let insert) = try statement("INSERT INTO t (a, b) SELECT x, y FROM u WHERE x > 0") else { Issue.record("not INSERT … SELECT"); return }
        #expect(insert.table.name == "t")
        #expect(insert.columns?.map(\.name) == ["a", "b"])
        #expect(describe(insert.query) == "SELECT x, y FROM u WHERE (x > 0)")
        guard case .insertQuery(let plain) = try statement("INSERT INTO t SELECT * FROM u") else { Issue.record("not INSERT … SELECT"); return }
        #expect(plain.columns == nil)
        guard case .insertQuery(let parenthesised) = try statement("INSERT INTO t (SELECT * FROM u)") else { Issue.record("not INSERT (SELECT …)"); return }
        #expect(parenthesised.columns == nil)
        #expect(describe(parenthesised.query) == "(SELECT * FROM u)")
        guard case .insertQuery(let withQuery) = try statement("INSERT INTO t (a) WITH w AS (SELECT 1) SELECT * FROM w") else { Issue.record("not INSERT … WITH"); return }
        #expect(withQuery.columns?.map(\.name) == ["a"])
        guard case .insertValues(let values) = try statement("INSERT INTO t (a, b) VALUES (1, 'x')") else { Issue.record("not INSERT … VALUES"); return }
        #expect(values.rows.count == 1)

        guard case .createTableAs(let create) = try statement("""
            CREATE TABLE IF NOT EXISTS monthly PARTITION BY month (d) WITH (compression = 'zstd') AS
            SELECT d, sum(x) AS total FROM t GROUP BY d
            """) else { Issue.record("not CREATE TABLE … AS"); return }
        #expect(create.name.name == "monthly")
        #expect(create.ifNotExists)
        #expect(create.partitionBy?.granularity == .month)
        #expect(create.partitionBy?.column.name == "d")
        #expect(create.options.map(\.name.name) == ["compression"])
        #expect(create.options.map(\.value) == ["zstd"])
        #expect(describe(create.query) == "SELECT d, sum(x) AS total FROM t GROUP BY d")
        guard case .createTableAs(let simple) = try statement("create table copy as with a as (select 1) select * from a") else { Issue.record("not CREATE TABLE … AS"); return }
        #expect(!simple.ifNotExists && simple.partitionBy == nil && simple.options.isEmpty)
        guard case .createTable = try statement("CREATE TABLE t (a INT) WITH (x = 1)") else { Issue.record("not CREATE TABLE"); return }
    }

    @Test("queries in scripts keep their text")
    func scripts() throws {
        let statements = try Parser.parse("""
            CREATE TABLE t (a INT);
            SELECT a FROM t; -- first
            (SELECT 1) UNION (SELECT 2);
            EXPLAIN SELECT * FROM t
            """)
        #expect(statements.count == 4)
        #expect(statements[1].text == "SELECT a FROM t")
        #expect(statements[2].text == "(SELECT 1) UNION (SELECT 2)")
        #expect(statements[3].text == "EXPLAIN SELECT * FROM t")
    }

    // MARK: Positions

    @Test("nodes carry the positions of their tokens")
    func positions() throws {
        let sql = "SELECT a + b, t.c, t.*, DATE '2020-01-01', sum(x), y BETWEEN 1 AND 2, z::int, -w\nFROM t LEFT OUTER JOIN u ON t.k = u.k"
        let parsed = try query(sql)
        guard let select = firstSelect(parsed) else { Issue.record("no select"); return }
        #expect(place(parsed.position, in: sql) == "1:1")
        #expect(place(select.position, in: sql) == "1:1")
        let items = select.items.map(\.expression)
        guard case .binary(_, let a, _, let plus) = items[0] else { Issue.record("not binary"); return }
        #expect(place(plus, in: sql) == "1:10")
        #expect(place(a.position, in: sql) == "1:8")
        #expect(place(items[0].position, in: sql) == "1:8")
        guard case .column(let qualifier?, let name) = items[1] else { Issue.record("not a column"); return }
        #expect(place(qualifier.position, in: sql) == "1:15")
        #expect(place(name.position, in: sql) == "1:17")
        #expect(place(items[2].position, in: sql) == "1:20")
        #expect(place(items[3].position, in: sql) == "1:25")
        #expect(place(items[4].position, in: sql) == "1:44")
        guard case .between(_, _, _, _, let betweenPosition) = items[5] else { Issue.record("not between"); return }
        #expect(place(items[5].position, in: sql) == "1:52")
        #expect(place(betweenPosition, in: sql) == "1:54")
        #expect(place(items[6].position, in: sql) == "1:71")
        #expect(place(items[7].position, in: sql) == "1:79")
        guard case .join(let join) = select.from[0] else { Issue.record("not a join"); return }
        #expect(place(join.position, in: sql) == "2:8")
        #expect(place(select.from[0].position, in: sql) == "2:6")
        guard case .binary(_, _, _, let equals) = join.condition else { Issue.record("no condition"); return }
        #expect(place(equals, in: sql) == "2:33")

        let union = "SELECT 1\nUNION ALL SELECT 2"
        guard case .setOperation(_, _, _, _, let unionPosition) = try query(union).body else { Issue.record("not a union"); return }
        #expect(place(unionPosition, in: union) == "2:1")
    }

    // MARK: The Star Schema Benchmark

    static let starSchemaBenchmark: [(String, String)] = [
        ("Q1.1", """
            select sum(lo_extendedprice*lo_discount) as revenue
            from lineorder, date
            where lo_orderdate = d_datekey
              and d_year = 1993
              and lo_discount between 1 and 3
              and lo_quantity < 25;
            """),
        ("Q1.2", """
            select sum(lo_extendedprice*lo_discount) as revenue
            from lineorder, date
            where lo_orderdate = d_datekey
              and d_yearmonthnum = 199401
              and lo_discount between 4 and 6
              and lo_quantity between 26 and 35;
            """),
        ("Q1.3", """
            select sum(lo_extendedprice*lo_discount) as revenue
            from lineorder, date
            where lo_orderdate = d_datekey
              and d_weeknuminyear = 6
              and d_year = 1994
              and lo_discount between 5 and 7
              and lo_quantity between 26 and 35;
            """),
        ("Q2.1", """
            select sum(lo_revenue), d_year, p_brand1
            from lineorder, date, part, supplier
            where lo_orderdate = d_datekey
              and lo_partkey = p_partkey
              and lo_suppkey = s_suppkey
              and p_category = 'MFGR#12'
              and s_region = 'AMERICA'
            group by d_year, p_brand1
            order by d_year, p_brand1;
            """),
        ("Q2.2", """
            select sum(lo_revenue), d_year, p_brand1
            from lineorder, date, part, supplier
            where lo_orderdate = d_datekey
              and lo_partkey = p_partkey
              and lo_suppkey = s_suppkey
              and p_brand1 between 'MFGR#2221' and 'MFGR#2228'
              and s_region = 'ASIA'
            group by d_year, p_brand1
            order by d_year, p_brand1;
            """),
        ("Q2.3", """
            select sum(lo_revenue), d_year, p_brand1
            from lineorder, date, part, supplier
            where lo_orderdate = d_datekey
              and lo_partkey = p_partkey
              and lo_suppkey = s_suppkey
              and p_brand1 = 'MFGR#2239'
              and s_region = 'EUROPE'
            group by d_year, p_brand1
            order by d_year, p_brand1;
            """),
        ("Q3.1", """
            select c_nation, s_nation, d_year, sum(lo_revenue) as revenue
            from customer, lineorder, supplier, date
            where lo_custkey = c_custkey
              and lo_suppkey = s_suppkey
              and lo_orderdate = d_datekey
              and c_region = 'ASIA' and s_region = 'ASIA'
              and d_year >= 1992 and d_year <= 1997
            group by c_nation, s_nation, d_year
            order by d_year asc, revenue desc;
            """),
        ("Q3.2", """
            select c_city, s_city, d_year, sum(lo_revenue) as revenue
            from customer, lineorder, supplier, date
            where lo_custkey = c_custkey
              and lo_suppkey = s_suppkey
              and lo_orderdate = d_datekey
              and c_nation = 'UNITED STATES'
              and s_nation = 'UNITED STATES'
              and d_year >= 1992 and d_year <= 1997
            group by c_city, s_city, d_year
            order by d_year asc, revenue desc;
            """),
        ("Q3.3", """
            select c_city, s_city, d_year, sum(lo_revenue) as revenue
            from customer, lineorder, supplier, date
            where lo_custkey = c_custkey
              and lo_suppkey = s_suppkey
              and lo_orderdate = d_datekey
              and (c_city='UNITED KI1' or c_city='UNITED KI5')
              and (s_city='UNITED KI1' or s_city='UNITED KI5')
              and d_year >= 1992 and d_year <= 1997
            group by c_city, s_city, d_year
            order by d_year asc, revenue desc;
            """),
        ("Q3.4", """
            select c_city, s_city, d_year, sum(lo_revenue) as revenue
            from customer, lineorder, supplier, date
            where lo_custkey = c_custkey
              and lo_suppkey = s_suppkey
              and lo_orderdate = d_datekey
              and (c_city='UNITED KI1' or c_city='UNITED KI5')
              and (s_city='UNITED KI1' or s_city='UNITED KI5')
              and d_yearmonth = 'Dec1997'
            group by c_city, s_city, d_year
            order by d_year asc, revenue desc;
            """),
        ("Q4.1", """
            select d_year, c_nation, sum(lo_revenue - lo_supplycost) as profit
            from date, customer, supplier, part, lineorder
            where lo_custkey = c_custkey
              and lo_suppkey = s_suppkey
              and lo_partkey = p_partkey
              and lo_orderdate = d_datekey
              and c_region = 'AMERICA'
              and s_region = 'AMERICA'
              and (p_mfgr = 'MFGR#1' or p_mfgr = 'MFGR#2')
            group by d_year, c_nation
            order by d_year, c_nation;
            """),
        ("Q4.2", """
            select d_year, s_nation, p_category, sum(lo_revenue - lo_supplycost) as profit
            from date, customer, supplier, part, lineorder
            where lo_custkey = c_custkey
              and lo_suppkey = s_suppkey
              and lo_partkey = p_partkey
              and lo_orderdate = d_datekey
              and c_region = 'AMERICA'
              and s_region = 'AMERICA'
              and (d_year = 1997 or d_year = 1998)
              and (p_mfgr = 'MFGR#1' or p_mfgr = 'MFGR#2')
            group by d_year, s_nation, p_category
            order by d_year, s_nation, p_category;
            """),
        ("Q4.3", """
            select d_year, s_city, p_brand1, sum(lo_revenue - lo_supplycost) as profit
            from date, customer, supplier, part, lineorder
            where lo_custkey = c_custkey
              and lo_suppkey = s_suppkey
              and lo_partkey = p_partkey
              and lo_orderdate = d_datekey
              and s_nation = 'UNITED STATES'
              and (d_year = 1997 or d_year = 1998)
              and p_category = 'MFGR#14'
            group by d_year, s_city, p_brand1
            order by d_year, s_city, p_brand1;
            """),
    ]

    @Test("the 13 Star Schema Benchmark queries parse", arguments: starSchemaBenchmark)
    func starSchemaBenchmarkQueries(name: String, sql: String) throws {
        let parsed = try query(sql)
        guard let select = firstSelect(parsed) else { Issue.record("\(name): no SELECT"); return }
        #expect(select.from.count >= 2, "\(name)")
        #expect(select.whereClause != nil, "\(name)")
    }

    @Test("the shape of SSB Q1.1")
    func starSchemaBenchmarkShape() throws {
        let parsed = try query(Self.starSchemaBenchmark[0].1)
        #expect(describe(parsed) == "SELECT sum((lo_extendedprice * lo_discount)) AS revenue FROM lineorder, date WHERE ((((lo_orderdate = d_datekey) AND (d_year = 1993)) AND (lo_discount BETWEEN 1 AND 3)) AND (lo_quantity < 25))")
        let q34 = try query(Self.starSchemaBenchmark[9].1)
        #expect(describe(q34).hasSuffix("GROUP BY c_city, s_city, d_year ORDER BY d_year, revenue DESC"))
    }

    @Test("TPC-H style queries parse", arguments: [
        """
        select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty, avg(l_discount) as avg_disc, count(*) as count_order
        from lineitem
        where l_shipdate <= date '1998-12-01' - interval '90' day (3)
        group by l_returnflag, l_linestatus
        order by l_returnflag, l_linestatus
        """,
        """
        select o_year, sum(case when nation = 'BRAZIL' then volume else 0 end) / sum(volume) as mkt_share
        from (
          select extract(year from o_orderdate) as o_year, l_extendedprice * (1 - l_discount) as volume, n2.n_name as nation
          from part, supplier, lineitem, orders, customer, nation n1, nation n2, region
          where p_partkey = l_partkey and s_suppkey = l_suppkey and l_orderkey = o_orderkey and o_custkey = c_custkey
            and c_nationkey = n1.n_nationkey and n1.n_regionkey = r_regionkey and r_name = 'AMERICA'
            and s_nationkey = n2.n_nationkey and o_orderdate between date '1995-01-01' and date '1996-12-31'
            and p_type = 'ECONOMY ANODIZED STEEL'
        ) as all_nations
        group by o_year
        order by o_year
        """,
        """
        select c_count, count(*) as custdist
        from (
          select c_custkey, count(o_orderkey)
          from customer left outer join orders on c_custkey = o_custkey and o_comment not like '%special%requests%'
          group by c_custkey
        ) as c_orders (c_custkey, c_count)
        group by c_count
        order by custdist desc, c_count desc
        """,
        """
        with revenue0 (supplier_no, total_revenue) as (
          select l_suppkey, sum(l_extendedprice * (1 - l_discount)) from lineitem
          where l_shipdate >= date '1996-01-01' and l_shipdate < date '1996-01-01' + interval '3' month
          group by l_suppkey)
        select s_suppkey, s_name, s_address, s_phone, total_revenue
        from supplier, revenue0
        where s_suppkey = supplier_no and total_revenue = (select max(total_revenue) from revenue0)
        order by s_suppkey
        """,
        """
        select cntrycode, count(*) as numcust, sum(c_acctbal) as totacctbal
        from (
          select substring(c_phone from 1 for 2) as cntrycode, c_acctbal
          from customer
          where substring(c_phone from 1 for 2) in ('13', '31', '23', '29', '30', '18', '17')
            and c_acctbal > (select avg(c_acctbal) from customer where c_acctbal > 0.00 and substring(c_phone from 1 for 2) in ('13', '31'))
            and not exists (select * from orders where o_custkey = c_custkey)
        ) as custsale
        group by cntrycode
        order by cntrycode
        """,
    ])
    func tpchQueries(sql: String) throws {
        let parsed = try query(sql)
        #expect(firstSelect(parsed)?.from.isEmpty == false)
        #expect(!parsed.orderBy.isEmpty)
    }

    @Test("the shape of a subquery with column aliases and an outer join")
    func derivedTableShape() throws {
        let parsed = try query("SELECT c_count FROM (SELECT c_custkey, count(o_orderkey) FROM customer LEFT OUTER JOIN orders ON c_custkey = o_custkey AND o_comment NOT LIKE '%x%' GROUP BY c_custkey) AS c_orders (c_custkey, c_count)")
        #expect(describe(parsed) == "SELECT c_count FROM (SELECT c_custkey, count(o_orderkey) FROM (customer LEFT JOIN orders ON ((c_custkey = o_custkey) AND (o_comment NOT LIKE '%x%'))) GROUP BY c_custkey) AS c_orders(c_custkey, c_count)")
    }

    // MARK: Errors

    @Test("a quoted file name in FROM is the read_file table function, with its alias")
    func fileInFrom() throws {
        let statement = try #require(try Parser.parse("SELECT * FROM 'data/sales.parquet' AS s").first?.statement)
        guard case .query(let query) = statement, case .select(let select) = query.body,
            case .function(let call, let alias, _, _)? = select.from.first,
            case .literal(let literal)? = call.arguments.first, case .string(let path) = literal.kind
        else {
            Issue.record("parsed as \(statement)")
            return
        }
        #expect(call.name.name == "read_file" && path == "data/sales.parquet" && alias?.name == "s")
    }

    @Test("errors point at the offending token", arguments: [
        ("SELECT FROM t", 1, 8, "expected an expression, found \"from\""),
        ("SELECT a, FROM t", 1, 11, "expected an expression, found \"from\""),
        ("SELECT a FROM", 1, 14, "expected a table name, found end of input"),
        ("SELECT a FROM WHERE a = 1", 1, 15, "expected a table name, found \"where\""),
        ("SELECT a FORM t", 1, 10, "unexpected \"form\""),
        ("SELECT a FROM t WHER a = 1", 1, 17, "unexpected \"wher\""),
        ("SELECT a\nFROM t\nWHERE a = = 1", 3, 11, "expected an expression, found \"=\""),
        ("SELECT a,\n       b\n  FROM t\n WHERE c >\n ORDER BY a", 5, 2, "expected an expression, found \"order\""),
        ("SELECT a < b < c", 1, 14, "comparisons cannot be chained"),
        ("SELECT * FROM a JOIN b", 1, 23, "expected ON or USING"),
        ("SELECT * FROM a JOIN b WHERE x", 1, 24, "expected ON or USING"),
        ("SELECT * FROM a LEFT b ON x", 1, 22, "expected JOIN"),
        ("SELECT * FROM a NATURAL CROSS JOIN b", 1, 25, "a CROSS JOIN cannot be NATURAL"),
        ("SELECT * FROM a NATURAL JOIN b USING (k)", 1, 32, "a NATURAL join takes no ON or USING"),
        ("SELECT * FROM a NATURAL b", 1, 25, "expected JOIN after NATURAL"),
        ("SELECT * FROM a CROSS JOIN b ON x", 1, 30, "CROSS JOIN takes no ON clause"),
        ("SELECT * FROM (a JOIN b ON x) j", 1, 31, "alias for a parenthesised join"),
        ("SELECT * FROM s.read_csv('x.csv')", 1, 25, "table functions are not supported"),
        ("SELECT E'abc", 1, 8, "unterminated string literal"),
        ("SELECT a < ANY (SELECT 1)", 1, 12, "only = ANY and <> ALL are supported over a subquery"),
        ("SELECT a < ANY (b)", 1, 17, "expected ARRAY[…] or a subquery after ANY ("),
        ("WITH RECURSIVE x AS (SELECT 1) SELECT 1", 1, 6, "recursive common table expressions are not supported"),
        ("WITH x (SELECT 1) SELECT 1", 1, 8, "expected AS"),
        ("WITH x AS SELECT 1 SELECT 1", 1, 11, "expected a query in parentheses"),
        ("SELECT CASE WHEN a THEN 1", 1, 26, "expected WHEN, ELSE or END in CASE"),
        ("SELECT CASE a END", 1, 15, "expected WHEN in CASE"),
        ("SELECT CASE WHEN a 1 END", 1, 20, "expected THEN in CASE"),
        ("SELECT INTERVAL 3 fortnight", 1, 19, "unsupported interval unit \"fortnight\""),
        ("SELECT INTERVAL (x) fortnight", 1, 21, "expected an interval unit (SECOND"),
        ("SELECT INTERVAL (x DAY", 1, 20, "expected \")\""),
        ("SELECT INTERVAL '1.5' day", 1, 17, "interval counts must be whole numbers"),
        ("SELECT INTERVAL 3", 1, 18, "expected an interval unit"),
        ("SELECT INTERVAL x", 1, 17, "expected an interval such as"),
        ("SELECT a FROM t LIMIT 1 LIMIT 2", 1, 25, "LIMIT is given twice"),
        ("SELECT a FROM t OFFSET 1 LIMIT 2 OFFSET 3", 1, 34, "OFFSET is given twice"),
        ("SELECT a FROM t ORDER a", 1, 23, "expected BY"),
        ("SELECT a FROM t ORDER BY a NULLS", 1, 33, "expected FIRST or LAST after NULLS"),
        ("SELECT extract(year d)", 1, 21, "expected FROM in EXTRACT"),
        ("SELECT extract(+ FROM d)", 1, 16, "expected a date part"),
        ("SELECT (1 + 2", 1, 14, "expected \")\", found end of input"),
        ("SELECT (1, 2)", 1, 10, "expected \")\", found \",\""),
        ("selct 1", 1, 1, "expected a statement"),
        ("SELECT a FROM t WHERE a IN 1", 1, 28, "expected \"(\" after IN"),
        ("SELECT a FROM t WHERE a IN ()", 1, 29, "expected an expression, found \")\""),
        ("SELECT a BETWEEN 1 OR 2", 1, 20, "expected AND in BETWEEN"),
        ("SELECT cast(a int)", 1, 15, "expected AS in CAST"),
        ("SELECT cast a", 1, 13, "expected \"(\""),
        ("SELECT a::integr", 1, 11, "unknown type \"integr\""),
        ("SELECT a.b.c FROM t", 1, 11, "column names have at most two parts"),
        ("SELECT * FROM a.b.c", 1, 18, "table names have at most two parts"),
        ("SELECT x IS TRUE", 1, 13, "expected NULL or DISTINCT FROM after IS"),
        ("SELECT sum(x) OVER (ORDER BY y ROWS 1) FROM t", 1, 38, "expected PRECEDING or FOLLOWING after a frame offset"),
        ("SELECT sum(x) OVER (ORDER BY y RANGE BETWEEN 1 PRECEDING) FROM t", 1, 57, "expected AND, found \")\""),
        ("SELECT string_agg(x ORDER y)", 1, 27, "expected BY"),
        ("SELECT sum(x) FILTER (x > 1)", 1, 23, "expected WHERE after FILTER"),
        ("SELECT EXISTS 1", 1, 15, "expected a subquery in parentheses after EXISTS"),
        ("SELECT DISTINCT ON a, b FROM t", 1, 17, "expected an expression, found \"on\""),
        ("SELECT a FROM t GROUP BY CUBE (a, (b, c), d, e, f, g, h, i, j, k, l, m, n)", 1, 26, "CUBE takes at most 12 items"),
        ("SELECT a FROM t GROUP BY GROUPING SETS (a, b", 1, 45, "expected \")\""),
        ("SELECT 1 UNION 2", 1, 16, "expected SELECT, found \"2\""),
        ("SELECT 1 UNION VALUES (1), (2, 3)", 1, 28, "VALUES lists must all be the same length (1 and 2 values)"),
        ("VALUES (1), 2", 1, 13, "expected \"(\""),
        ("SELECT 1 ORDER BY 1 UNION SELECT 2", 1, 21, "expected \";\" or the end of the statement"),
        ("SELECT a FROM t WHERE", 1, 22, "expected an expression, found end of input"),
        ("SELECT a FROM (SELECT 1", 1, 24, "expected \")\""),
        ("SELECT SELECT 1", 1, 8, "expected an expression, found \"select\""),
        ("SELECT * FROM SELECT", 1, 15, "expected a table name"),
        ("SELECT left FROM t", 1, 8, "expected an expression, found \"left\""),
        ("SELECT a AS , b", 1, 13, "expected an alias after AS"),
        ("EXPLAIN DROP TABLE t", 1, 9, "expected a query after EXPLAIN"),
        ("INSERT INTO t (a) foo", 1, 19, "expected VALUES or a query"),
        ("INSERT INTO t (a) SELECT", 1, 25, "expected an expression, found end of input"),
        ("CREATE TABLE t AS INSERT INTO t VALUES (1)", 1, 19, "expected a query after AS"),
        ("CREATE TABLE t WITH (a = 1)", 1, 28, "expected AS and a query"),
        ("CREATE TABLE t", 1, 15, "expected \"(\" and column definitions, or AS and a query"),
        ("SELECT 1 == 2", 1, 11, "expected an expression, found \"=\""),
        ("UPDATE t SET a = 1", 1, 1, "UPDATE is not supported"),
        ("BEGIN", 1, 1, "transactions (BEGIN … COMMIT) are not supported"),
        ("PRAGMA table_info('t')", 1, 1, "PRAGMA is not supported"),
        ("SET threads 4", 1, 13, "expected = or TO after the setting's name"),
        (".mode csv", 1, 1, "dot commands such as .mode belong to the interactive shell"),
        ("COPY t TO out", 1, 11, "expected a quoted file name or STDOUT"),
        ("COPY (SELECT 1) FROM STDIN", 1, 17, "expected TO after COPY (query)"),
        ("COPY t FROM STDIN DELIMITER ,", 1, 29, "expected a quoted value after DELIMITER"),
        ("CREATE TEMP VIEW v AS SELECT 1", 1, 8, "temporary views are not supported"),
        ("CREATE VIEW v SELECT 1", 1, 15, "expected AS and a query"),
        ("CREATE OR REPLACE TABLE t (a INT)", 1, 19, "CREATE OR REPLACE TABLE is not supported"),
        ("DROP INDEX i", 1, 6, "expected TABLE or VIEW after DROP"),
        ("\u{FEFF}SELECT 1 +", 1, 11, "expected an expression, found end of input"),
    ])
    func errors(sql: String, line: Int, column: Int, message: String) {
        do {
            let statements = try Parser.parse(sql)
            Issue.record("parsed: \(sql) as \(statements.map(\.statement))")
        } catch {
            let (actualLine, actualColumn) = error.position.lineAndColumn(in: sql)
            #expect(actualLine == line && actualColumn == column, "\(sql): \(error) at \(actualLine):\(actualColumn)")
            #expect(error.message.contains(message), "\(sql): \(error.message)")
        }
    }

    @Test("hints for misspellings")
    func hints() {
        func hint(_ sql: String) -> String? {
            do {
                _ = try Parser.parse(sql)
                return nil
            } catch {
                return error.hint
            }
        }
        #expect(hint("selct 1") == "did you mean SELECT?")
        #expect(hint("explian select 1") == "did you mean EXPLAIN?")
        #expect(hint("SELECT a FORM t") == "did you mean FROM?")
        #expect(hint("SELECT a FROM t WHER a = 1") == "did you mean WHERE?")
        #expect(hint("SELECT INTERVAL 3 monthz") == "did you mean MONTH?")
        #expect(hint("SELECT 1 UNION SELEC 2") == "did you mean SELECT?")
    }

    // MARK: Robustness

    @Test("deep nesting is bounded instead of overflowing the stack")
    func deepNesting() throws {
        let parenthesised = String(repeating: "(", count: 900) + "1" + String(repeating: ")", count: 900)
        #expect(try expression(parenthesised) == "1")
        let nestedQueries = String(repeating: "(SELECT ", count: 300) + "1" + String(repeating: ")", count: 300)
        _ = try query("SELECT " + nestedQueries)
        let chain = (1...900).map(String.init).joined(separator: " + ")
        _ = try query("SELECT " + chain)
        _ = try query("SELECT * FROM a" + String(repeating: " JOIN a ON x", count: 900))
        _ = try query("SELECT 1" + String(repeating: " UNION ALL SELECT 1", count: 900))
        // Long flat lists are not nesting.
        _ = try query("SELECT " + (1...20_000).map(String.init).joined(separator: ", "))
        _ = try query("SELECT a IN (" + (1...20_000).map(String.init).joined(separator: ", ") + ")")

        let tooDeep = [
            "SELECT " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
            "SELECT " + String(repeating: "- ", count: 5000) + "x",
            "SELECT " + String(repeating: "NOT ", count: 5000) + "x",
            "SELECT " + String(repeating: "(SELECT ", count: 3000) + "1" + String(repeating: ")", count: 3000),
            String(repeating: "(", count: 5000) + "SELECT 1" + String(repeating: ")", count: 5000),
            "SELECT * FROM " + String(repeating: "(", count: 5000) + "t" + String(repeating: ")", count: 5000),
            "SELECT * FROM a" + String(repeating: " JOIN a", count: 5000),
            "SELECT " + String(repeating: "CASE WHEN ", count: 3000) + "1",
            "SELECT " + String(repeating: "f(", count: 5000) + "1" + String(repeating: ")", count: 5000),
            "SELECT " + String(repeating: "a IN (", count: 5000) + "1" + String(repeating: ")", count: 5000),
            "SELECT " + String(repeating: "1 + (", count: 5000) + "1" + String(repeating: ")", count: 5000),
            // Flat chains build tall trees without recursing; their height is bounded too.
            "SELECT " + (1...20_000).map(String.init).joined(separator: " + "),
            "SELECT 1 WHERE " + Array(repeating: "a = 1", count: 5000).joined(separator: " OR "),
            "SELECT " + String(repeating: "x::int", count: 1) + String(repeating: "::int", count: 5000),
            "SELECT 1" + String(repeating: " UNION SELECT 1", count: 5000),
            "SELECT * FROM a" + String(repeating: " JOIN a ON x", count: 5000),
            "SELECT * FROM a" + String(repeating: " CROSS JOIN a", count: 5000),
            // Shallow recursion (100 levels), but each level's chain sits on top of the one inside it.
            "SELECT " + String(repeating: "(", count: 100) + "1" + String(repeating: String(repeating: " + 1", count: 50) + ")", count: 100),
        ]
        for sql in tooDeep {
            do {
                _ = try Parser.parse(sql)
                Issue.record("parsed a \(sql.count)-character nesting: \(sql.prefix(40))")
            } catch {
                #expect(error.message == "expression nested too deeply", "\(error)")
            }
        }
    }

    @Test("every prefix of valid queries fails cleanly or parses")
    func prefixes() {
        let sources = Self.starSchemaBenchmark.map(\.1) + [
            "WITH a (x) AS (SELECT CAST(y AS DECIMAL(10,2)) FROM t) SELECT x::int, extract(year FROM d), substring(s FROM 1 FOR 2), trim(both 'x' from s), position('a' IN s), INTERVAL '3 months', CASE WHEN a THEN b ELSE c END FROM a LEFT JOIN b USING (k) WHERE x NOT IN (SELECT 1) AND NOT EXISTS (SELECT 2) ORDER BY 1 DESC NULLS LAST LIMIT 5 OFFSET 2",
            "EXPLAIN ANALYZE (SELECT 1) UNION ALL SELECT count(DISTINCT x) FILTER (WHERE y) FROM starling.tables s, ((SELECT 1) x CROSS JOIN c)",
            "INSERT INTO t (a) SELECT 1; CREATE TABLE u PARTITION BY day (d) WITH (k = -1) AS SELECT 1",
        ]
        for source in sources {
            let characters = Array(source)
            for length in 0...characters.count {
                let prefix = String(characters[0..<length])
                _ = try? Parser.parse(prefix)
            }
        }
    }

    @Test("random token soup never crashes the parser")
    func tokenSoup() {
        let vocabulary = [
            "SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "HAVING", "LIMIT", "OFFSET", "JOIN", "LEFT", "CROSS", "ON", "USING",
            "UNION", "ALL", "INTERSECT", "WITH", "AS", "CASE", "WHEN", "THEN", "ELSE", "END", "CAST", "INTERVAL", "EXISTS", "NOT",
            "IN", "BETWEEN", "AND", "OR", "IS", "NULL", "LIKE", "DISTINCT", "FILTER", "extract", "substring", "trim", "position",
            "date", "a", "t", "'x'", "'3 days'", "1", "2.5", "(", ")", "(", ")", ",", ".", "*", "+", "-", "/", "//", "%", "||",
            "::", "=", "<>", "<", ">=", ";", "int", "year", "day", "EXPLAIN", "INSERT", "INTO", "CREATE", "TABLE", "VALUES",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        for _ in 0..<3000 {
            let count = next() % 25
            var words = ["SELECT"]
            for _ in 0..<count { words.append(vocabulary[next() % vocabulary.count]) }
            _ = try? Parser.parse(words.joined(separator: " "))
        }
    }
}

@Suite("Error excerpts")
struct ErrorExcerptTests {
    @Test("a script with Windows line ends and a byte-order mark shows the line and the caret")
    func windowsScript() throws {
        let script = "\u{FEFF}select 1;\r\nSELECT nope +\r\nFROM t;\r\n"
        do {
            _ = try Parser.parse(script)
            Issue.record("parsed")
        } catch {
            let rendered = error.rendered(in: script, source: "s.sql")
            #expect(rendered.hasPrefix("s.sql:3:1: "), "\(rendered)")
            #expect(rendered.hasSuffix("\n  FROM t;\n  ^"), "\(rendered)")
        }
    }
}
