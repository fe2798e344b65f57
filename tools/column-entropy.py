#!/usr/bin/env python3
"""Order-0 entropy of each column of an SSB lineorder file: a floor for encodings that store each
column on its own and code each value by its frequency alone.

Usage:
  tools/column-entropy.py /tmp/ssb-sf10/lineorder.tbl

For each column it prints the bits a row would need if every value were coded by its frequency
in the whole file (−Σ p·log2 p). Columns that repeat per order (key, customer, order date,
priorities, order total) are counted per order, then spread over the order's lines, since a
run-length encoding stores them once per order. Compare the total with the size of Starling's
lineorder segments (`du -b WAREHOUSE/data/*-lineorder`). Needs `pip install duckdb`; reads the
file once into memory (about 40 s and 8 GB at scale factor 10).
"""
import sys

import duckdb

COLUMNS = ["lo_orderkey", "lo_linenumber", "lo_custkey", "lo_partkey", "lo_suppkey", "lo_orderdate",
           "lo_orderpriority", "lo_shippriority", "lo_quantity", "lo_extendedprice", "lo_ordtotalprice",
           "lo_discount", "lo_revenue", "lo_supplycost", "lo_tax", "lo_commitdate", "lo_shipmode"]
PER_ORDER = {"lo_orderkey", "lo_custkey", "lo_orderdate", "lo_orderpriority", "lo_shippriority", "lo_ordtotalprice"}


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    path = sys.argv[1].replace("'", "''")
    connection = duckdb.connect()
    columns = ", ".join(f"'{name}': 'VARCHAR'" for name in COLUMNS)
    connection.execute(f"CREATE TABLE lo AS SELECT * FROM read_csv('{path}', delim='|', header=false, "
                       f"columns={{{columns}}}, auto_detect=false)")
    rows = connection.execute("SELECT count(*) FROM lo").fetchone()[0]
    orders = connection.execute("SELECT count(DISTINCT lo_orderkey) FROM lo").fetchone()[0]
    print(f"{rows} rows, {orders} orders")
    total = 0.0
    for name in COLUMNS:
        if name in PER_ORDER:
            entropy = connection.execute(
                f"SELECT -sum(p * log2(p)) FROM (SELECT count(*)::DOUBLE / {orders} AS p "
                f"FROM (SELECT DISTINCT lo_orderkey, {name} FROM lo) GROUP BY {name})").fetchone()[0]
            bits = entropy * orders / rows
        else:
            bits = connection.execute(
                f"SELECT -sum(p * log2(p)) FROM (SELECT count(*)::DOUBLE / {rows} AS p FROM lo GROUP BY {name})").fetchone()[0]
        bits = max(bits, 0.0)
        total += bits
        print(f"{name:18s} {bits:6.2f} bits a row  {bits * rows / 8e6:8.1f} MB")
    print(f"total {total:.2f} bits a row = {total * rows / 8e6:.1f} MB (order-0; run lengths not counted)")


if __name__ == "__main__":
    main()
