#!/usr/bin/env python3
"""Checks that Starling's continuous quantiles equal DuckDB's exactly: to the last digit of a
DECIMAL and the last bit of a DOUBLE (the random-query tools compare within 1e-9).

Usage: tools/quantile-rounding-vs-duckdb.py [--seed N] [--count N] [--binary PATH]

Generates --count queries `percentile_cont(f) WITHIN GROUP (ORDER BY x [DESC])` over one to seven
random DOUBLE, INTEGER, BIGINT, DECIMAL(10,2) or DECIMAL(15,3) values (DOUBLEs written as
`…e0` literals, so no DECIMAL-to-DOUBLE cast is involved), runs them all in one `starling sql`
process against an empty warehouse and in DuckDB, and compares the answers as exact decimals.
Prints the first differences and a count; exit status 1 when any differ.
Needs `pip install duckdb` and a release build (default .build/release/starling, or $STARLING).
"""
import argparse, decimal, json, os, random, subprocess, sys, tempfile

import duckdb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def queries(seed, count):
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        n = rng.randint(1, 7)
        kind = rng.choice(["DOUBLE", "INTEGER", "BIGINT", "DECIMAL(10,2)", "DECIMAL(15,3)"])
        if kind == "DOUBLE":
            values = [repr(rng.randint(-5000, 5000) / rng.choice([1, 4, 100, 3])) + "e0" for _ in range(n)]
        elif kind == "DECIMAL(10,2)":
            values = [f"{rng.randint(-5000, 5000) / 100:.2f}" for _ in range(n)]
        elif kind == "DECIMAL(15,3)":
            values = [f"{rng.randint(-5000000, 5000000) / 1000:.3f}" for _ in range(n)]
        else:
            values = [str(rng.randint(-50000, 50000)) for _ in range(n)]
        fraction = rng.choice(["0.1", "0.25", "0.3", "0.5", "0.7", "0.9", "0.95", "0.99", "0.33"])
        order = " DESC" if rng.random() < 0.5 else ""
        rows = ", ".join(f"(CAST({v} AS {kind}))" for v in values)
        result.append(f"SELECT percentile_cont({fraction}) WITHIN GROUP (ORDER BY x{order}) AS q FROM (VALUES {rows}) t(x)")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--binary", default=os.environ.get("STARLING", os.path.join(ROOT, ".build/release/starling")))
    arguments = parser.parse_args()
    sqls = queries(arguments.seed, arguments.count)
    with tempfile.TemporaryDirectory(prefix="starling-quantiles-") as scratch:
        warehouse = os.path.join(scratch, "warehouse")
        subprocess.run([arguments.binary, "init", "--warehouse", warehouse], check=True, capture_output=True)
        run = subprocess.run([arguments.binary, "sql", "--warehouse", warehouse, "--format", "ndjson", "-f", "-"],
                             input=";\n".join(sqls) + ";", capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"starling failed: {run.stderr}")
    ours = [json.loads(line, parse_float=decimal.Decimal)["q"] for line in run.stdout.splitlines() if line.strip()]
    if len(ours) != len(sqls):
        sys.exit(f"starling answered {len(ours)} of {len(sqls)} queries")
    connection = duckdb.connect()
    differ = 0
    for sql, mine in zip(sqls, ours):
        theirs = connection.execute(sql).fetchone()[0]
        if (theirs is None) != (mine is None) or (
                theirs is not None and decimal.Decimal(str(theirs)) != decimal.Decimal(str(mine))):
            differ += 1
            if differ <= 5:
                print(f"{sql};\n  duckdb {theirs}  starling {mine}")
    print(f"seed {arguments.seed}: {len(sqls)} quantiles, {differ} differ from DuckDB's")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
