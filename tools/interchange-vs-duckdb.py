#!/usr/bin/env python3
"""Files Starling writes, read back by pyarrow and DuckDB: the oracle check of COPY … TO.

Usage:
  tools/interchange-vs-duckdb.py [--binary .build/release/starling] [--rows 300000] [--seed 1]
                                 [--warehouse DIR ...]

What it checks:
  1. A table of every stored type (BOOLEAN, TINYINT … BIGINT, DOUBLE, DECIMAL(18,4) and (9,2),
     DATE, TIMESTAMP, VARCHAR of few and of many values) with NULLs, the types' extremes, dates
     before 1970 and awkward strings (quotes, commas, line breaks, empty, non-ASCII), generated
     here from --seed, is loaded into a fresh warehouse from CSV.
  2. Starling writes it with COPY … TO as Parquet with each codec (zstd, snappy, gzip, lz4_raw,
     uncompressed; row groups of 50,000 rows), and as CSV and NDJSON, plain and compressed
     (.csv.gz, .ndjson.zst).
  3. pyarrow reads each Parquet file: the Arrow types must be the expected ones, and each row
     group's statistics (min, max, NULL count) must be those of its rows. DuckDB reads every
     file: its rows must be the source CSV's as DuckDB reads that (EXCEPT ALL both ways, with
     the same types), and pyarrow's table must equal DuckDB's.
  4. Parquet files DuckDB and pyarrow write from the source (each codec; PLAIN, dictionary,
     DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT, RLE
     booleans; version 1 and 2 pages) are loaded with `starling load`, and the loaded table,
     written back by Starling, must equal the source in DuckDB; each file queried in place
     (`SELECT … FROM 'file.parquet'`) must hold the loaded table's rows.
  5. With --warehouse DIR (any number): every table of DIR is written to Parquet and the
     per-column aggregates (count, NULLs, min, max, sum of numbers, sum of string lengths)
     DuckDB computes over the file must be the ones Starling computes over the table.
  6. Each --warehouse is also written with `starling export --all` (with --partition-by where its
     tables have what it names, files of 8 MB), each table opened in DuckDB through the
     generated .duckdb.sql view, and the same aggregates compared.
Exits 1 on any difference. Needs `pip install duckdb pyarrow`.
"""
import argparse, csv, datetime, decimal, json, os, random, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

COLUMNS = [
    ("b", "BOOLEAN", "bool"), ("t", "TINYINT", "int8"), ("s", "SMALLINT", "int16"), ("i", "INTEGER", "int32"),
    ("n", "BIGINT", "int64"), ("d", "DOUBLE", "double"), ("m", "DECIMAL(18,4)", "decimal128(18, 4)"),
    ("p", "DECIMAL(9,2)", "decimal128(9, 2)"), ("dt", "DATE", "date32[day]"), ("ts", "TIMESTAMP", "timestamp[us]"),
    ("k", "VARCHAR", "string"), ("txt", "VARCHAR", "string"),
]
WORDS = ["north", "south", "east", "west", "Zürich", "São Paulo", "a,b", 'say "hi"', "line\nbreak", "", "日本"]


def value(name, rng, row):
    """A random text value for column `name` (or NULL), the types' extremes in the first rows."""
    if rng.random() < 0.05:
        return "NULL"
    extremes = {
        "t": ["-128", "127"], "s": ["-32768", "32767"], "i": ["-2147483648", "2147483647"],
        "n": ["-9223372036854775808", "9223372036854775807"], "m": ["-99999999999999.9999", "99999999999999.9999"],
        "p": ["-9999999.99", "9999999.99"], "dt": ["0001-01-01", "9999-12-31"],
        "ts": ["0001-01-01 00:00:00", "9999-12-31 23:59:59.999999"], "d": ["-1.7976931348623157e308", "5e-324"],
    }
    if row < 2 and name in extremes:
        return extremes[name][row]
    if name == "b":
        return rng.choice(["true", "false"])
    if name in ("t", "s"):
        return str(rng.randint(-100, 100))
    if name == "i":
        return str(rng.randint(-10**9, 10**9))
    if name == "n":
        return str(rng.randint(-10**17, 10**17))
    if name == "d":
        return repr(rng.choice([0.0, -0.0, 1.5, rng.uniform(-1e6, 1e6), rng.random()]))
    if name == "m":
        return str(decimal.Decimal(rng.randint(-10**12, 10**12)) / 10000)
    if name == "p":
        return str(decimal.Decimal(rng.randint(-10**6, 10**6)) / 100)
    if name == "dt":
        return (datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randint(0, 40000))).isoformat()
    if name == "ts":
        moment = datetime.datetime(1960, 1, 1) + datetime.timedelta(microseconds=rng.randint(0, 3 * 10**15))
        return moment.isoformat(sep=" ")
    if name == "k":
        return rng.choice(WORDS)
    return f"{rng.choice(WORDS)}-{rng.randint(0, 10**9)}"


def run(binary, warehouse, *args):
    result = subprocess.run([binary, *args, "--warehouse", warehouse], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"starling {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def duck_types():
    return ", ".join(f"'{name}': '{sql}'" for name, sql, _ in COLUMNS)


def check_statistics(path, failures):
    """Each row group's min, max and NULL count against its rows, as pyarrow reads them."""
    import pyarrow.compute as pc, pyarrow.parquet as pq
    parquet = pq.ParquetFile(path)
    for group in range(parquet.num_row_groups):
        table = parquet.read_row_group(group)
        for index, (name, _, _) in enumerate(COLUMNS):
            stats = parquet.metadata.row_group(group).column(index).statistics
            column = table.column(name)
            if stats is None or stats.null_count != column.null_count:
                failures.append(f"{path} group {group} {name}: null count {stats and stats.null_count}")
                continue
            if column.null_count == len(column):
                continue
            values = column.drop_null()
            if name == "d":
                values = values.filter(pc.invert(pc.is_nan(values)))
            low, high = pc.min(values).as_py(), pc.max(values).as_py()
            if name in ("k", "txt"):  # compared as UTF-8 bytes
                low = min(values.to_pylist(), key=lambda text: text.encode())
                high = max(values.to_pylist(), key=lambda text: text.encode())
            if stats.has_min_max and (stats.min != low or stats.max != high):
                failures.append(f"{path} group {group} {name}: statistics {stats.min}…{stats.max}, rows {low}…{high}")


def every_type(args, directory, failures):
    import duckdb, pyarrow.parquet as pq
    rng = random.Random(args.seed)
    source = os.path.join(directory, "source.csv")
    with open(source, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([name for name, _, _ in COLUMNS])
        for row in range(args.rows):
            writer.writerow([value(name, rng, row) for name, _, _ in COLUMNS])
    warehouse = os.path.join(directory, "warehouse")
    run(args.binary, warehouse, "init")
    ddl = ", ".join(f"{name} {sql}" for name, sql, _ in COLUMNS)
    run(args.binary, warehouse, "sql", f"CREATE TABLE every_type ({ddl})")
    run(args.binary, warehouse, "load", "every_type", source, "--null", "NULL")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE source AS SELECT * FROM read_csv('{source}', header=true, nullstr='NULL', "
                f"columns={{{duck_types()}}}, quote='\"', escape='\"')")
    expected = con.execute("SELECT count(*) FROM source").fetchall()[0][0]
    files = []
    for codec in ["zstd", "snappy", "gzip", "lz4_raw", "uncompressed"]:
        path = os.path.join(directory, f"every_type_{codec}.parquet")
        run(args.binary, warehouse, "sql",
            f"COPY every_type TO '{path}' (FORMAT parquet, COMPRESSION {codec}, ROW_GROUP_SIZE 50000)")
        files.append((path, "parquet"))
    csv_path = os.path.join(directory, "every_type.csv")
    run(args.binary, warehouse, "sql", f"COPY (SELECT * FROM every_type) TO '{csv_path}' (NULL 'NULL')")
    ndjson_path = os.path.join(directory, "every_type.ndjson")
    run(args.binary, warehouse, "sql", f"COPY every_type TO '{ndjson_path}'")
    gzip_path = os.path.join(directory, "every_type.csv.gz")
    run(args.binary, warehouse, "sql", f"COPY every_type TO '{gzip_path}' (NULL 'NULL')")
    zstd_path = os.path.join(directory, "every_type.ndjson.zst")
    run(args.binary, warehouse, "sql", f"COPY every_type TO '{zstd_path}'")
    files += [(csv_path, "csv"), (ndjson_path, "ndjson"), (gzip_path, "csv"), (zstd_path, "ndjson")]
    for path, kind in files:
        if kind == "parquet":
            table = pq.read_table(path)
            types = [str(field.type) for field in table.schema]
            wanted = [arrow for _, _, arrow in COLUMNS]
            if types != wanted:
                failures.append(f"{path}: pyarrow types {types}, expected {wanted}")
            check_statistics(path, failures)
            reader = f"read_parquet('{path}')"
            con.register("arrow_table", table)
            arrow_rows = con.execute(
                "SELECT count(*) FROM (SELECT * FROM arrow_table EXCEPT ALL SELECT * FROM source)").fetchall()[0][0]
            con.unregister("arrow_table")
            if arrow_rows != 0 or table.num_rows != expected:
                failures.append(f"{path}: pyarrow's table differs from the source in {arrow_rows} rows")
        elif kind == "csv":
            reader = (f"read_csv('{path}', header=true, nullstr='NULL', columns={{{duck_types()}}}, "
                      f"quote='\"', escape='\"')")
        else:
            reader = f"read_json('{path}', format='newline_delimited', columns={{{duck_types()}}})"
        for left, right in [(reader, "source"), ("source", reader)]:
            extra = con.execute(f"SELECT count(*) FROM (SELECT * FROM {left} EXCEPT ALL SELECT * FROM {right})").fetchall()[0][0]
            if extra:
                failures.append(f"{path}: {extra} rows of {left} are not in {right}")
        print(f"checked {os.path.basename(path)}: {os.path.getsize(path):,} bytes", file=sys.stderr)
    loaded(args, directory, warehouse, con, failures)


def loaded(args, directory, warehouse, con, failures):
    """Parquet files DuckDB and pyarrow write (each codec; PLAIN, dictionary, DELTA and
    BYTE_STREAM_SPLIT encodings; version 2 pages) loaded by `starling load`, the table then
    written by Starling and diffed against the source in DuckDB."""
    import pyarrow.parquet as pq
    source = con.sql("SELECT * FROM source").to_arrow_table()
    files = []
    for codec in ["zstd", "snappy", "gzip", "lz4_raw", "uncompressed"]:
        path = os.path.join(directory, f"duckdb-{codec}.parquet")
        con.execute(f"COPY source TO '{path}' (FORMAT parquet, COMPRESSION {codec}, ROW_GROUP_SIZE 50000)")
        files.append(path)
    path = os.path.join(directory, "pyarrow-v2.parquet")
    pq.write_table(source, path, data_page_version="2.0", compression="zstd", row_group_size=40000)
    files.append(path)
    path = os.path.join(directory, "pyarrow-delta.parquet")
    pq.write_table(source, path, use_dictionary=False, compression="snappy", data_page_version="2.0",
                   column_encoding={"i": "DELTA_BINARY_PACKED", "n": "DELTA_BINARY_PACKED", "t": "DELTA_BINARY_PACKED",
                                    "k": "DELTA_LENGTH_BYTE_ARRAY", "txt": "DELTA_BYTE_ARRAY",
                                    "d": "BYTE_STREAM_SPLIT", "b": "RLE"})
    files.append(path)
    ddl = ", ".join(f"{name} {sql}" for name, sql, _ in COLUMNS)
    for number, path in enumerate(files):
        table = f"loaded_{number}"
        run(args.binary, warehouse, "sql", f"CREATE TABLE {table} ({ddl})")
        run(args.binary, warehouse, "load", table, path)
        back = os.path.join(directory, f"{table}.parquet")
        run(args.binary, warehouse, "sql", f"COPY {table} TO '{back}'")
        for left, right in [(f"read_parquet('{back}')", "source"), ("source", f"read_parquet('{back}')")]:
            extra = con.execute(f"SELECT count(*) FROM (SELECT * FROM {left} EXCEPT ALL SELECT * FROM {right})").fetchall()[0][0]
            if extra:
                failures.append(f"loading {os.path.basename(path)}: {extra} rows of {left} are not in {right}")
        # The same file queried in place must hold the loaded table's rows.
        for left, right in [(f"'{path}'", table), (table, f"'{path}'")]:
            out = run(args.binary, warehouse, "sql", "--format", "csv", "--no-header",
                      f"SELECT count(*) FROM (SELECT * FROM {left} EXCEPT ALL SELECT * FROM {right})")
            if out.strip() != "0":
                failures.append(f"{os.path.basename(path)} in place: {out.strip()} rows of {left} not in {right}")
        print(f"loaded {os.path.basename(path)}, and queried it in place", file=sys.stderr)


def aggregates(columns, table):
    """SQL computing per-column aggregates both engines can run."""
    parts = ["count(*)"]
    for name, kind in columns:
        quoted = '"' + name.replace('"', '""') + '"'
        parts.append(f"count({quoted})")
        if kind in ("VARCHAR",):
            parts += [f"sum(length({quoted}))", f"min({quoted})", f"max({quoted})"]
        elif kind == "BOOLEAN":
            parts.append(f"sum(CASE WHEN {quoted} THEN 1 ELSE 0 END)")
        else:
            parts += [f"min({quoted})", f"max({quoted})"]
            if kind.startswith(("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "DECIMAL")):
                parts.append(f"sum({quoted})")
    return f"SELECT {', '.join(f'{part} AS a{index}' for index, part in enumerate(parts))} FROM {table}"


def normal(cell):
    if cell is None:
        return None
    text = str(cell)
    try:
        return format(decimal.Decimal(text).normalize(), "f")
    except decimal.InvalidOperation:
        return text.replace("T", " ")


def whole_warehouse(args, warehouse, directory, failures):
    import duckdb
    tables = json.loads(run(args.binary, warehouse, "tables", "--json"))
    con = duckdb.connect()
    for entry in tables:
        name = entry["name"] if isinstance(entry, dict) else entry
        described = json.loads(run(args.binary, warehouse, "describe", name, "--json"))
        columns = [(column["name"], column["type"].upper()) for column in described["columns"]]
        path = os.path.join(directory, f"{os.path.basename(warehouse.rstrip('/'))}-{name}.parquet")
        run(args.binary, warehouse, "sql", f"COPY \"{name}\" TO '{path}'")
        ours = run(args.binary, warehouse, "sql", "--format", "json", aggregates(columns, f'"{name}"'))
        ours_row = [normal(cell) for cell in json.loads(ours)[0].values()]
        theirs_row = [normal(cell) for cell in con.execute(aggregates(columns, f"read_parquet('{path}')")).fetchall()[0]]
        if ours_row != theirs_row:
            failures.append(f"{warehouse} {name}: Starling {ours_row} DuckDB over Parquet {theirs_row}")
        print(f"checked {name}: {os.path.getsize(path):,} bytes of Parquet", file=sys.stderr)


def exported(args, warehouse, directory, failures):
    """`starling export --all` of the warehouse (partitioned by --partition-by where the tables
    have it), each table opened in DuckDB through its .duckdb.sql and aggregated as Starling does."""
    import duckdb
    out = os.path.join(directory, "export-" + os.path.basename(warehouse.rstrip("/")))
    command = ["export", "--all", "--out", out, "--file-size", "8MB"]
    for spec in args.partition_by:
        command += ["--partition-by", spec]
    run(args.binary, warehouse, *command)
    con = duckdb.connect()
    for entry in json.loads(run(args.binary, warehouse, "tables", "--json")):
        name = entry["name"] if isinstance(entry, dict) else entry
        described = json.loads(run(args.binary, warehouse, "describe", name, "--json"))
        columns = [(column["name"], column["type"].upper()) for column in described["columns"]]
        con.execute(open(os.path.join(out, f"{name}.duckdb.sql")).read())
        ours = json.loads(run(args.binary, warehouse, "sql", "--format", "json", aggregates(columns, f'"{name}"')))
        ours_row = [normal(cell) for cell in ours[0].values()]
        theirs_row = [normal(cell) for cell in con.execute(aggregates(columns, f'"{name}"')).fetchall()[0]]
        if ours_row != theirs_row:
            failures.append(f"export of {warehouse} {name}: Starling {ours_row} DuckDB {theirs_row}")
        files = sum(len([f for f in names if f.endswith(".parquet")]) for _, _, names in os.walk(os.path.join(out, name)))
        print(f"checked export of {name}: {files} files", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "starling"))
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--warehouse", action="append", default=[])
    parser.add_argument("--partition-by", action="append", default=[],
                        help="passed to `starling export --all` of each --warehouse")
    args = parser.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as directory:
        every_type(args, directory, failures)
        for warehouse in args.warehouse:
            whole_warehouse(args, warehouse, directory, failures)
            exported(args, warehouse, directory, failures)
    for failure in failures[:50]:
        print(failure)
    print(f"{'FAILED' if failures else 'ok'}: {len(failures)} differences")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
