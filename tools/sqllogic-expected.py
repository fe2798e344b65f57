#!/usr/bin/env python3
"""Fills in the expected answers of the SQL logic test files from DuckDB.

Usage: tools/sqllogic-expected.py [--check] [FILE.test …]
       (default: every Tests/StarlingEngineTests/SQL/*.test)

Runs every record of each file, in order, in a fresh in-memory DuckDB database, and rewrites the
`----` section of each `query` record with DuckDB's rows, formatted as Starling prints values
(decimals with their scale, doubles shortest round-trip with `.0` for whole numbers, dates
`2025-03-01`, intervals as DuckDB prints them (`1 day 02:00:00`), booleans true/false, NULL as
`NULL`, the empty string as `(empty)`). The type letters
of the header are rewritten from DuckDB's column types. With --check, nothing is written; the
records whose expectation differs from DuckDB's answer are listed.

Starling-only syntax is removed before DuckDB sees it: `PARTITION BY month(col)` and
`WITH (option = value, …)` in CREATE TABLE. Comment lines directly before a record direct it:

    # duckdb: SELECT …      run this SQL in DuckDB instead (e.g. information_schema for a system table)
    # manual                not run in DuckDB; the expectation is written by hand

`statement error` records keep their expected message (Starling's wording); the script warns when
DuckDB does not fail on them, and `statement ok` records when DuckDB does.

Needs `pip install duckdb`.
"""
import datetime
import decimal
import glob
import math
import os
import re
import sys

import duckdb

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DEFAULT_FILES = sorted(glob.glob(os.path.join(ROOT, "Tests", "StarlingEngineTests", "SQL", "*.test")))


def for_duckdb(sql):
    """Removes the Starling-only parts of CREATE TABLE; a COPY of a .tbl file gets DuckDB's
    delimiter option (Starling reads `|` from the extension)."""
    sql = re.sub(r"\s*\bPARTITION\s+BY\s+(day|month|year)\s*\(\s*\w+\s*\)", "", sql, flags=re.I)
    sql = re.sub(r"\s*\bWITH\s*\(\s*\w+\s*=[^)]*\)", "", sql, flags=re.I)
    sql = re.sub(r"^(\s*COPY\s+\w+\s+FROM\s+'[^']*\.tbl')\s*$", r"\1 (DELIMITER '|')", sql, flags=re.I)
    return sql


def tpch_data():
    """The directory ${TPCH_DATA} names: $STARLING_TPCH_DATA, or .build/tpch-sf0.01 (made with
    tpchgen-cli when missing), as tools/test does."""
    directory = os.environ.get("STARLING_TPCH_DATA") or os.path.join(ROOT, ".build", "tpch-sf0.01")
    if not os.path.exists(os.path.join(directory, "lineitem.tbl")):
        import subprocess
        os.makedirs(directory, exist_ok=True)
        subprocess.run(["tpchgen-cli", "-s", "0.01", "-o", directory], check=True, stdout=subprocess.DEVNULL)
    return directory


TEST_DIR = None


def substitute(sql):
    """${TPCH_DATA} replaced by the TPC-H data directory, ${TEST_DIR} by a scratch directory
    (made once per run) for the files a test writes and reads."""
    global TEST_DIR
    if "${TEST_DIR}" in sql:
        if TEST_DIR is None:
            import atexit, shutil, tempfile
            TEST_DIR = tempfile.mkdtemp(prefix="sqllogic-files-")
            atexit.register(shutil.rmtree, TEST_DIR, True)
        sql = sql.replace("${TEST_DIR}", TEST_DIR)
    return sql.replace("${TPCH_DATA}", tpch_data()) if "${TPCH_DATA}" in sql else sql


def format_double(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "-Infinity" if value < 0 else "Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    if value == round(value) and abs(value) < 1e15:
        return f"{int(value)}.0"
    return repr(value)


def format_value(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_double(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        if value.microsecond:
            text += ("." + f"{value.microsecond:06d}").rstrip("0")
        return text
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return "(empty)" if value == "" else value
    raise ValueError(f"cannot format {value!r} ({type(value).__name__})")


def interval_rows(connection, sql):
    """(rows, description) of `sql` when it has INTERVAL columns, those as DuckDB's text (`1 day
    02:00:00`): Python gets an interval as a timedelta, which has no months (nor room for
    2147483647 days). None when it has none (or is no relation)."""
    try:
        relation = connection.sql(sql)
        types = relation.types if relation is not None else []
    except duckdb.Error:
        return None
    if not any(str(type_).upper() == "INTERVAL" for type_ in types):
        return None
    columns = ", ".join(f"#{index + 1}::VARCHAR" if str(type_).upper() == "INTERVAL" else f"#{index + 1}"
                        for index, type_ in enumerate(types))
    return relation.project(columns).fetchall(), [(None, type_) for type_ in types]


def type_letter(type_name):
    name = str(type_name).upper()
    if name in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"):
        return "I"
    if name in ("DOUBLE", "FLOAT") or name.startswith("DECIMAL"):
        return "R"
    if name == "BOOLEAN":
        return "B"
    if name == "DATE":
        return "D"
    return "T"


def parse(lines):
    """Yields ('text', line) and ('record', dict) items; records keep their directives."""
    items, index, pending = [], 0, []
    while index < len(lines):
        line = lines[index]
        if line.strip() == "" or line.startswith("#"):
            items.append(("text", line))
            pending = pending + [line] if line.startswith("#") else []
            index += 1
            continue
        header, start = line, index
        index += 1
        sql = []
        while index < len(lines) and lines[index].strip() != "" and lines[index] != "----":
            sql.append(lines[index])
            index += 1
        expected = None
        if index < len(lines) and lines[index] == "----":
            index += 1
            expected = []
            while index < len(lines) and lines[index].strip() != "":
                expected.append(lines[index])
                index += 1
        directives = {"manual": False, "duckdb": None}
        for comment in pending:
            text = comment[1:].strip()
            if text == "manual":
                directives["manual"] = True
            elif text.startswith("duckdb:"):
                directives["duckdb"] = ((directives["duckdb"] or "") + " " + text[len("duckdb:"):].strip()).strip()
        pending = []
        items.append(("record", {"header": header, "sql": "\n".join(sql), "expected": expected, "line": start + 1, **directives}))
    return items


def run_file(path, check):
    with open(path) as handle:
        lines = handle.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    connection = duckdb.connect()
    # The DuckDB semantics Starling follows (DuckDB 1.x defaults): `/` by zero is NULL, not an error
    # or ±Infinity; NULLs sort last in both directions. (`//` and `%` by zero are errors in Starling,
    # as in DuckDB 2.0 and PostgreSQL: no setting gives both, so those records are `statement error`.)
    for setting in ("SET ieee_floating_point_ops = false", "SET error_on_division_by_zero = false",
                    "SET default_null_order = 'nulls_last'", "SET scalar_subquery_error_on_multiple_rows = true"):
        try:
            connection.execute(setting)
        except duckdb.Error:
            pass
    out, problems = [], []
    name = os.path.basename(path)
    for kind, item in parse(lines):
        if kind == "text":
            out.append(item)
            continue
        record = item
        words = record["header"].split()
        where = f"{name}:{record['line']}"
        sql = substitute(record["duckdb"] or for_duckdb(record["sql"]))
        if words[0] == "statement":
            out.append(record["header"])
            out.extend(record["sql"].split("\n"))
            if record["expected"] is not None:
                out.append("----")
                out.extend(record["expected"])
            if record["manual"]:
                continue
            try:
                connection.execute(sql)
                if words[1] == "error":
                    problems.append(f"{where}: DuckDB does not fail on this statement error: {record['sql']}")
            except duckdb.Error as error:
                if words[1] == "ok":
                    problems.append(f"{where}: DuckDB fails on this statement ok: {error}")
                else:
                    print(f"{where}: DuckDB error (ok): {str(error).splitlines()[0]}", file=sys.stderr)
            continue
        # query
        sort = words[2] if len(words) > 2 else None
        if record["manual"]:
            out.append(record["header"])
            out.extend(record["sql"].split("\n"))
            out.append("----")
            out.extend(record["expected"] or [])
            continue
        try:
            rows = interval_rows(connection, sql)
            if rows is not None:
                rows, description = rows
            else:
                cursor = connection.execute(sql)
                rows = cursor.fetchall()
                description = cursor.description
            types = "".join(type_letter(column[1]) for column in description)
        except duckdb.Error as error:
            problems.append(f"{where}: DuckDB fails on this query: {error}")
            out.append(record["header"])
            out.extend(record["sql"].split("\n"))
            out.append("----")
            out.extend(record["expected"] or [])
            continue
        formatted = ["\t".join(format_value(value) for value in row) for row in rows]
        if sort == "rowsort":
            formatted.sort()
        elif sort is None and len(formatted) > 1 and "order by" not in record["sql"].lower():
            problems.append(f"{where}: several rows and no ORDER BY: use rowsort")
        if check and record["expected"] is not None and record["expected"] != formatted:
            problems.append(f"{where}: expectation differs from DuckDB:\n  file:   {record['expected']}\n  DuckDB: {formatted}")
        out.append(" ".join(["query", types] + words[2:]))
        out.extend(record["sql"].split("\n"))
        out.append("----")
        out.extend(formatted)
    if not check:
        with open(path, "w") as handle:
            handle.write("\n".join(out) + "\n")
    return problems


def main():
    arguments = sys.argv[1:]
    check = "--check" in arguments
    files = [argument for argument in arguments if argument != "--check"] or DEFAULT_FILES
    problems = []
    for path in files:
        problems += run_file(path, check)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
