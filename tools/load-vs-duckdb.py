#!/usr/bin/env python3
"""Loads the same pipe-delimited lineorder file into Starling and DuckDB, several times each,
and prints the median wall-clock seconds, MB/s, peak memory and on-disk size of both.

Usage: tools/load-vs-duckdb.py [--rows N] [--runs R] [--file lineorder.tbl]

Without --file it first writes a lineorder-like .tbl (SSB value domains, deterministic) of N rows
into a scratch directory. Needs a release build (swift build -c release) and `pip install duckdb`.
"""
import argparse, os, random, resource, shutil, statistics, subprocess, sys, tempfile, time

SCHEMA = ("lo_orderkey BIGINT, lo_linenumber TINYINT, lo_custkey INTEGER, lo_partkey INTEGER, lo_suppkey INTEGER, "
          "lo_orderdate DATE, lo_orderpriority VARCHAR, lo_shippriority VARCHAR, lo_quantity TINYINT, "
          "lo_extendedprice DECIMAL(12,2), lo_ordtotalprice DECIMAL(14,2), lo_discount TINYINT, lo_revenue DECIMAL(12,2), "
          "lo_supplycost DECIMAL(12,2), lo_tax TINYINT, lo_commitdate DATE, lo_shipmode VARCHAR")


def write_lineorder(path, rows):
    rng = random.Random(1992)
    priorities = ["1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECI", "5-LOW"]
    modes = ["AIR", "FOB", "MAIL", "RAIL", "REG AIR", "SHIP", "TRUCK"]
    with open(path, "w") as out:
        order, written = 0, 0
        while written < rows:
            order += 1
            lines = rng.randint(1, 7)
            customer = rng.randint(1, 30000)
            year, month, day = rng.randint(1992, 1998), rng.randint(1, 12), rng.randint(1, 28)
            date = f"{year}-{month:02d}-{day:02d}"
            priority = rng.choice(priorities)
            for line in range(1, lines + 1):
                if written == rows:
                    break
                quantity = rng.randint(1, 50)
                price = rng.randint(90000, 200000) * quantity
                discount = rng.randint(0, 10)
                out.write(f"{order}|{line}|{customer}|{rng.randint(1, 200000)}|{rng.randint(1, 2000)}|{date}|{priority}|0|"
                          f"{quantity}|{price / 100:.2f}|{price * 7 / 100:.2f}|{discount}|{price * (100 - discount) / 10000:.2f}|"
                          f"{price * 0.6 / 100:.2f}|{rng.randint(0, 8)}|{date}|{rng.choice(modes)}|\n")
                written += 1


def directory_size(path):
    return sum(os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(path) for name in names)


def starling_once(binary, data, scratch):
    warehouse = os.path.join(scratch, "wh")
    shutil.rmtree(warehouse, ignore_errors=True)
    subprocess.run([binary, "init", "--warehouse", warehouse], check=True, capture_output=True)
    subprocess.run([binary, "sql", "--warehouse", warehouse,
                    f"CREATE TABLE lineorder ({SCHEMA}) PARTITION BY month(lo_orderdate)"], check=True, capture_output=True)
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "load", "--warehouse", warehouse, "lineorder", data],
                            check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return seconds, peak_kb, directory_size(os.path.join(warehouse, "data"))


DUCK = """
import duckdb, sys, time
c = duckdb.connect(sys.argv[1]); c.execute("SET threads=2")
c.execute("CREATE TABLE lineorder ({schema})")
c.execute("COPY lineorder FROM '" + sys.argv[2] + "' (DELIMITER '|', HEADER false)"); c.execute("CHECKPOINT")
"""


def duckdb_once(data, scratch):
    database = os.path.join(scratch, "duck.db")
    if os.path.exists(database):
        os.remove(database)
    script = os.path.join(scratch, "duck_load.py")
    with open(script, "w") as out:
        out.write(DUCK.format(schema=SCHEMA))
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, script, database, data],
                            check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return seconds, peak_kb, os.path.getsize(database)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file")
    parser.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "starling"))
    arguments = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="starling-load-bench-")
    try:
        data = arguments.file
        if not data:
            data = os.path.join(scratch, "lineorder.tbl")
            write_lineorder(data, arguments.rows)
        megabytes = os.path.getsize(data) / 1e6
        results = {"starling": [], "duckdb": []}
        for _ in range(arguments.runs):  # interleaved, so both see the same machine
            results["duckdb"].append(duckdb_once(data, scratch))
            results["starling"].append(starling_once(arguments.binary, data, scratch))
        print(f"input: {data} ({megabytes:.0f} MB), median of {arguments.runs} runs")
        print(f"{'engine':10} {'seconds':>8} {'MB/s':>7} {'peak MB':>8} {'size MB':>8}")
        medians = {}
        for engine, runs in results.items():
            seconds = statistics.median(run[0] for run in runs)
            medians[engine] = seconds
            print(f"{engine:10} {seconds:8.2f} {megabytes / seconds:7.1f} {statistics.median(run[1] for run in runs) / 1024:8.0f} "
                  f"{statistics.median(run[2] for run in runs) / 1e6:8.1f}")
        print(f"ratio starling/duckdb: {medians['starling'] / medians['duckdb']:.2f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
