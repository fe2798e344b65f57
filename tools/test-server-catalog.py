"""End-to-end checks of schema browsing through `starling serve`: psql's `\\dt`, `\\d TABLE`,
`\\l`, `\\dv`, `\\dn`; psycopg on pg_catalog; SQLAlchemy's inspect(); JDBC's DatabaseMetaData.

Run by tools/test-server against the warehouse it serves (items, scratch, dim_date), after
tools/test-server.py:
    python3 tools/test-server-catalog.py PORT WORKDIR
Adds a view and a table with a foreign key (dropped at the end), compiles
tools/JdbcCatalogCheck.java into WORKDIR. Prints one line per failed check and a closing
`N passed, N failed`; exits 1 on any failure.
"""

import os
import re
import subprocess
import sys

import psycopg
from pgwire import check, finish

PORT = int(sys.argv[1])
WORKDIR = sys.argv[2]
DSN = f"host=127.0.0.1 port={PORT} user=tester dbname=starling connect_timeout=5"
TOOLS = os.path.dirname(os.path.abspath(__file__))


def listed(expected, actual):
    """`expected` when it is all in `actual` (tools/test-server.py may have added tables), else `actual`."""
    return expected if set(expected) <= set(actual) else actual


def psql(*arguments):
    """psql's exit status, standard output and standard error (unaligned output)."""
    run = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(PORT), "-U", "tester", "-d", "starling", "-X", "-A", *arguments],
        capture_output=True, text=True, timeout=30, env={**os.environ, "PGCONNECT_TIMEOUT": "5"})
    return run.returncode, run.stdout, run.stderr


with psycopg.connect(DSN, autocommit=True) as conn:
    conn.execute("CREATE VIEW catalog_view AS SELECT id, name FROM items")
    conn.execute("CREATE TABLE catalog_child (id BIGINT, item INTEGER REFERENCES items(id))")

try:
    # psql's backslash commands, through the queries psql 15 sends.
    status, out, err = psql("-t", "-c", "\\dt")
    tables = ["main|catalog_child|table|starling", "main|dim_date|table|starling", "main|items|table|starling",
              "main|scratch|table|starling"]
    check("psql \\dt", (status, err, listed(tables, out.splitlines())), (0, "", tables))
    status, out, err = psql("-t", "-c", "\\dt+ items")
    fields = out.strip().split("|")
    size = re.fullmatch(r"\d+ (bytes|kB)", fields[6]) is not None if len(fields) > 6 else fields
    check("psql \\dt+ items (its size from its files)", (status, err, fields[:6], size),
          (0, "", ["main", "items", "table", "starling", "permanent", "heap"], True))
    status, out, err = psql("-t", "-c", "\\dv")
    check("psql \\dv", (status, err, out.splitlines()), (0, "", ["main|catalog_view|view|starling"]))
    status, out, err = psql("-t", "-c", "\\dn")
    check("psql \\dn", (status, err, out.splitlines()), (0, "", ["main|starling", "starling|starling"]))
    status, out, err = psql("-t", "-c", "\\l")
    check("psql \\l", (status, err, [line.split("|")[:3] for line in out.splitlines()]),
          (0, "", [["starling", "starling", "UTF8"]]))
    status, out, err = psql("-c", "\\d items")
    check("psql \\d items", (status, err, out.splitlines()), (0, "", [
        'Table "main.items"',
        "Column|Type|Collation|Nullable|Default",
        "id|integer||not null|",
        "name|character varying|||",
        "price|numeric(10,2)|||",
        "day|date|||",
        "seen|timestamp without time zone|||",
        "ok|boolean|||",
        "score|double precision|||",
        "Indexes:",
        '    "items_pkey" PRIMARY KEY, btree (id)',
        "Referenced by:",
        '    TABLE "catalog_child" CONSTRAINT "catalog_child_item_fkey" FOREIGN KEY (item) REFERENCES items(id)',
    ]))
    status, out, err = psql("-c", "\\d catalog_child")
    check("psql \\d catalog_child (a foreign key)", (status, err, out.splitlines()[-2:]),
          (0, "", ["Foreign-key constraints:", '    "catalog_child_item_fkey" FOREIGN KEY (item) REFERENCES items(id)']))
    status, out, err = psql("-c", "\\d catalog_view")
    check("psql \\d catalog_view", (status, err, out.splitlines()[:4]), (0, "", [
        'View "main.catalog_view"', "Column|Type|Collation|Nullable|Default", "id|integer|||",
        "name|character varying|||"]))
    status, out, err = psql("-c", "\\d no_such_table")
    check("psql \\d of a missing table", (status, out, err.strip()),
          (1, "", "Did not find any relation named \"no_such_table\"."))

    # psycopg on pg_catalog directly: OIDs agree across tables, types map to PostgreSQL's.
    with psycopg.connect(DSN, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT a.attname, a.atttypid, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull "
            "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
            "WHERE c.oid = 'items'::regclass ORDER BY a.attnum").fetchall()
        check("pg_attribute of items", rows, [
            ("id", 23, "integer", True), ("name", 1043, "character varying", False),
            ("price", 1700, "numeric(10,2)", False), ("day", 1082, "date", False),
            ("seen", 1114, "timestamp without time zone", False), ("ok", 16, "boolean", False),
            ("score", 701, "double precision", False)])
        # RowDescription's type OIDs are the ones pg_attribute lists.
        cursor = conn.execute("SELECT * FROM items LIMIT 0")
        check("RowDescription agrees with pg_attribute", [column.type_code for column in cursor.description],
              [row[1] for row in rows])
        check("pg_index of items", conn.execute(
            "SELECT i.indisprimary, i.indkey, pg_catalog.pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index i "
            "WHERE i.indrelid = 'main.items'::regclass").fetchall(),
            [(True, "1", "CREATE UNIQUE INDEX items_pkey ON main.items USING btree (id)")])
        check("pg_constraint foreign key", conn.execute(
            "SELECT conname, contype, confrelid::regclass, pg_catalog.pg_get_constraintdef(oid) "
            "FROM pg_catalog.pg_constraint WHERE conrelid = 'catalog_child'::regclass").fetchall(),
            [("catalog_child_item_fkey", "f", "items", "FOREIGN KEY (item) REFERENCES items(id)")])
        check("unqualified pg_class, pg_namespace", conn.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'scratch'").fetchall(), [("main",)])
        try:
            conn.execute("SELECT 'no_such'::regclass")
            check("regclass of a missing relation fails", None, "42P01")
        except psycopg.Error as error:
            check("regclass of a missing relation fails", error.sqlstate is not None, True)

    # Savepoints in a (read-only) transaction block: ROLLBACK TO clears a failed statement's abort.
    with psycopg.connect(DSN) as conn:
        conn.execute("SELECT 1")
        conn.execute("SAVEPOINT s1")
        try:
            conn.execute("SELECT * FROM no_such_table")
        except psycopg.Error as error:
            check("savepoint: the failing statement", error.sqlstate, "42P01")
        conn.execute("ROLLBACK TO SAVEPOINT s1")
        check("savepoint: the block goes on after ROLLBACK TO",
              conn.execute("SELECT id FROM items WHERE id = 1 UNION ALL SELECT 42").fetchall()[-1], (42,))
        conn.execute("RELEASE SAVEPOINT s1")
        check("SHOW TRANSACTION ISOLATION LEVEL", conn.execute("SHOW TRANSACTION ISOLATION LEVEL").fetchone(),
              ("serializable",))
    with psycopg.connect(DSN, autocommit=True) as conn:
        try:
            conn.execute("SAVEPOINT outside")
            check("savepoint outside a block is refused", None, "25P01")
        except psycopg.Error as error:
            check("savepoint outside a block is refused", error.sqlstate, "25P01")

    # SQLAlchemy 2's inspector over psycopg 3.
    from sqlalchemy import create_engine, inspect
    engine = create_engine(f"postgresql+psycopg://tester@127.0.0.1:{PORT}/starling")
    inspector = inspect(engine)
    check("sqlalchemy default schema", inspector.default_schema_name, "main")
    tables = ["catalog_child", "dim_date", "items", "scratch"]
    check("sqlalchemy get_table_names", listed(tables, inspector.get_table_names()), tables)
    check("sqlalchemy get_view_names", inspector.get_view_names(), ["catalog_view"])
    check("sqlalchemy has_table", (inspector.has_table("items"), inspector.has_table("nope")), (True, False))
    columns = inspector.get_columns("items")
    check("sqlalchemy get_columns", [(c["name"], str(c["type"]), c["nullable"]) for c in columns], [
        ("id", "INTEGER", False), ("name", "VARCHAR", True), ("price", "NUMERIC(10, 2)", True),
        ("day", "DATE", True), ("seen", "TIMESTAMP", True), ("ok", "BOOLEAN", True),
        ("score", "DOUBLE PRECISION", True)])
    check("sqlalchemy get_foreign_keys", [
        (k["constrained_columns"], k["referred_table"], k["referred_columns"])
        for k in inspector.get_foreign_keys("catalog_child")], [(["item"], "items", ["id"])])
    engine.dispose()

    # JDBC: DatabaseMetaData.getTables and getColumns.
    compiled = subprocess.run(["javac", "-d", WORKDIR, os.path.join(TOOLS, "JdbcCatalogCheck.java")],
                              capture_output=True, text=True, timeout=120)
    check("javac JdbcCatalogCheck", (compiled.returncode, compiled.stderr), (0, ""))
    run = subprocess.run(["java", "-cp", f"/usr/share/java/postgresql.jar:{WORKDIR}", "JdbcCatalogCheck",
                          str(PORT), "items"], capture_output=True, text=True, timeout=120)
    lines = run.stdout.splitlines()
    tables = ["table main catalog_child TABLE", "table main catalog_view VIEW", "table main dim_date TABLE",
              "table main items TABLE", "table main scratch TABLE"]
    check("jdbc getTables", (run.returncode, listed(tables, [line for line in lines if line.startswith("table ")])),
          (0, tables))
    check("jdbc getColumns", [line for line in lines if line.startswith("column ")], [
        "column items id int4 4 10 0 NO", "column items name varchar 12 2147483647 0 YES",
        "column items price numeric 2 10 2 YES", "column items day date 91 13 0 YES",
        "column items seen timestamp 93 29 6 YES", "column items ok bool -7 1 0 YES",
        "column items score float8 8 17 17 YES"])
finally:
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute("DROP VIEW catalog_view")
        conn.execute("DROP TABLE catalog_child")

finish()
