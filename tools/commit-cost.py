#!/usr/bin/env python3
"""Measures what a commit costs as history grows: N one-row loads into a day-partitioned table
(5-minute extracts: the loads cycle through 28 days), then the time of one more load, of
opening the warehouse, of a count(*), and the bytes the last commit wrote. DuckDB does the same
commits in the same run (open the database file, insert a row, close), for comparison.

Usage: tools/commit-cost.py [--commits N] [--runs R] [--dir DIR] [--keep] [--starling PATH]

Needs a release build (swift build -c release --product starling) and `pip install duckdb`.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STARLING = os.path.join(ROOT, ".build", "release", "starling")
DAYS = 28


def run(*arguments, check=True):
    started = time.perf_counter()
    result = subprocess.run([STARLING, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if check and result.returncode != 0:
        sys.exit(f"starling {' '.join(arguments)} failed: {result.stderr.strip()}")
    return elapsed


def extract(directory, number):
    path = os.path.join(directory, "extract.csv")
    with open(path, "w") as out:
        out.write(f"day,service,v\n2025-01-{number % DAYS + 1:02d},s{number % 7},{number}\n")
    return path


def tree_bytes(path):
    return sum(os.path.getsize(os.path.join(folder, name)) for folder, _, names in os.walk(path) for name in names)


def written_by(warehouse, snapshot):
    """Bytes of the files snapshot `snapshot` wrote: its root, manifests and segments, and its history line."""
    total = os.path.getsize(os.path.join(warehouse, "snapshots", f"{snapshot:020d}.stcat"))
    for folder, _, names in os.walk(warehouse):
        total += sum(os.path.getsize(os.path.join(folder, name)) for name in names if name.startswith(f"{snapshot}-"))
    with open(os.path.join(warehouse, "snapshots", "history.ndjson"), "rb") as log:
        total += max(len(line) + 1 for line in log.read().splitlines() if json.loads(line)["snapshot"] == snapshot)
    return total


def starling_side(directory, commits, runs):
    warehouse = os.path.join(directory, "starling")
    empty = os.path.join(directory, "empty")
    run("init", "--warehouse", warehouse)
    run("init", "--warehouse", empty)
    run("sql", "--warehouse", warehouse, "CREATE TABLE ev (day DATE, service VARCHAR, v BIGINT) PARTITION BY day(day)")
    load_times = []
    for number in range(commits):
        load_times.append(run("load", "--warehouse", warehouse, "ev", extract(directory, number)))
        if (number + 1) % 1000 == 0:
            print(f"  starling: {number + 1} loads, last 100 median {statistics.median(load_times[-100:]) * 1000:.1f} ms",
                  file=sys.stderr)
    extra = [run("load", "--warehouse", warehouse, "ev", extract(directory, commits + r)) for r in range(runs)]
    history = json.loads(subprocess.run([STARLING, "history", "--warehouse", warehouse, "--json"], capture_output=True,
                                        text=True, check=True).stdout)
    snapshot = max(entry["snapshot"] for entry in history if entry["operation"] == "load")
    compactions = sum(1 for entry in history if entry["operation"] == "compact")
    segments = int(subprocess.run([STARLING, "sql", "--warehouse", warehouse, "--format", "csv", "--no-header",
                                   "SELECT sum(segments) FROM starling.partitions"], capture_output=True, text=True,
                                  check=True).stdout.strip())
    open_full = [run("sql", "--warehouse", warehouse, "SELECT 1") for _ in range(runs)]
    open_empty = [run("sql", "--warehouse", empty, "SELECT 1") for _ in range(runs)]
    counts = [run("sql", "--warehouse", warehouse, "SELECT count(*) FROM ev") for _ in range(runs)]
    size_before_vacuum = tree_bytes(warehouse) / 1e6
    vacuum = run("vacuum", "--warehouse", warehouse)
    open_vacuumed = [run("sql", "--warehouse", warehouse, "SELECT 1") for _ in range(runs)]
    return {
        "first 100 loads (ms)": statistics.median(load_times[:100]) * 1000,
        "last 100 loads (ms)": statistics.median(load_times[-100:]) * 1000,
        "one more load (ms)": statistics.median(extra) * 1000,
        "open: SELECT 1 minus an empty warehouse's (ms)": (statistics.median(open_full) - statistics.median(open_empty)) * 1000,
        "count(*) (ms)": statistics.median(counts) * 1000,
        "bytes written by the last load's commit": written_by(warehouse, snapshot),
        "compactions after loads": compactions,
        "live segments": segments,
        "snapshot file (bytes)": os.path.getsize(os.path.join(warehouse, "snapshots", f"{snapshot:020d}.stcat")),
        "warehouse (MB)": size_before_vacuum,
        "vacuum, keeping 10 snapshots (ms)": vacuum * 1000,
        "open after the vacuum (ms)": (statistics.median(open_vacuumed) - statistics.median(open_empty)) * 1000,
        "warehouse after the vacuum (MB)": tree_bytes(warehouse) / 1e6,
    }


def duckdb_side(directory, commits, runs):
    import duckdb
    path = os.path.join(directory, "commits.duckdb")
    connection = duckdb.connect(path)
    connection.execute("CREATE TABLE ev (day DATE, service VARCHAR, v BIGINT)")
    connection.close()

    def commit(number):
        started = time.perf_counter()
        connection = duckdb.connect(path)
        connection.execute("INSERT INTO ev VALUES (?, ?, ?)", [f"2025-01-{number % DAYS + 1:02d}", f"s{number % 7}", number])
        connection.close()
        return time.perf_counter() - started

    times = [commit(number) for number in range(commits)]
    extra = [commit(commits + r) for r in range(runs)]

    def count():
        started = time.perf_counter()
        connection = duckdb.connect(path, read_only=True)
        connection.execute("SELECT count(*) FROM ev").fetchall()
        connection.close()
        return time.perf_counter() - started

    return {
        "first 100 loads (ms)": statistics.median(times[:100]) * 1000,
        "last 100 loads (ms)": statistics.median(times[-100:]) * 1000,
        "one more load (ms)": statistics.median(extra) * 1000,
        "count(*) (ms)": statistics.median([count() for _ in range(runs)]) * 1000,
        "warehouse (MB)": os.path.getsize(path) / 1e6,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", help="scratch directory (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--starling", help="the executable to measure (default: .build/release/starling; a copy "
                        "keeps a long run safe from rebuilds)")
    arguments = parser.parse_args()
    global STARLING
    STARLING = arguments.starling or STARLING
    if not os.access(STARLING, os.X_OK):
        sys.exit("build first: swift build -c release --product starling")
    directory = arguments.dir or tempfile.mkdtemp(prefix="starling-commit-cost-")
    os.makedirs(directory, exist_ok=True)
    try:
        ours = starling_side(directory, arguments.commits, arguments.runs)
        theirs = duckdb_side(directory, arguments.commits, arguments.runs)
    finally:
        if not arguments.keep and not arguments.dir:
            shutil.rmtree(directory, ignore_errors=True)
    print(f"| after {arguments.commits} one-row commits | Starling | DuckDB (connect, insert, close) |")
    print("| --- | ---: | ---: |")
    for key, value in ours.items():
        other = theirs.get(key)
        shown = lambda v: "" if v is None else (f"{v:,.1f}" if isinstance(v, float) else f"{v:,}")
        print(f"| {key} | {shown(value)} | {shown(other)} |")


if __name__ == "__main__":
    main()
