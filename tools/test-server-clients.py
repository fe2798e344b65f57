"""Many clients at once through `starling serve`: 25 psycopg connections running 100 queries each, every
answer checked against Python's own calendar, and pgbench with a custom script at 25 clients.

Run by tools/test-server against its first server (no users, loopback), whose warehouse holds dim_date
from 1950-01-01 to 2049-12-31 (`starling gen dates`):
    python3 tools/test-server-clients.py PORT
Prints one line per failed check and a closing `N passed, N failed`; exits 1 on any failure.
"""

import calendar
import datetime
import os
import random
import re
import subprocess
import sys
import tempfile
import threading

import psycopg
from pgwire import check, finish

PORT = int(sys.argv[1])
DSN = f"host=127.0.0.1 port={PORT} user=tester dbname=wh connect_timeout=10"
CLIENTS = 25
QUERIES = 100


def expected(kind, year, month):
    """What each kind of query must answer, from Python's calendar."""
    if kind == "days":
        return (366 if calendar.isleap(year) else 365,)
    if kind == "month":
        last = calendar.monthrange(year, month)[1]
        weekend = sum(1 for day in range(1, last + 1) if datetime.date(year, month, day).weekday() >= 5)
        return (last, year * 10000 + month * 100 + 1, year * 10000 + month * 100 + last, weekend)
    mondays = sum(1 for day in range(1, calendar.monthrange(year, month)[1] + 1)
                  if datetime.date(year, month, day).weekday() == 0)
    return (mondays,)


def statement(kind, year, month):
    if kind == "days":
        return "SELECT count(*) FROM dim_date WHERE year = %s", (year,)
    if kind == "month":
        return ("SELECT count(*), min(date_int), max(date_int), count(*) FILTER (WHERE is_weekend) "
                "FROM dim_date WHERE year = %s AND month = %s", (year, month))
    # A literal rather than a parameter: the simple protocol too.
    return (f"SELECT count(*) FROM dim_date WHERE year = {year} AND month = {month} AND day_name = 'Monday'",
            None)


failures = []
answered = [0] * CLIENTS


def client(number):
    chooser = random.Random(number)
    try:
        with psycopg.connect(DSN, autocommit=True) as conn:
            for _ in range(QUERIES):
                kind = chooser.choice(["days", "month", "mondays"])
                year, month = chooser.randint(1950, 2049), chooser.randint(1, 12)
                sql, parameters = statement(kind, year, month)
                row = conn.execute(sql, parameters, binary=number % 2 == 1).fetchone()
                want = expected(kind, year, month)
                if tuple(row) != want:
                    failures.append(f"client {number}: {sql} {parameters}: {row} instead of {want}")
                answered[number] += 1
    except psycopg.Error as error:
        failures.append(f"client {number}: {error}")


threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
check(f"{CLIENTS} clients x {QUERIES} queries, every answer right", failures[:3], [])
check("every query answered", sum(answered), CLIENTS * QUERIES)

# pgbench: a custom script (-n -f) with a random year at 25 clients, 20 transactions each.
with tempfile.TemporaryDirectory() as work:
    script = os.path.join(work, "script.sql")
    with open(script, "w") as out:
        out.write("\\set year random(1950, 2049)\n"
                  "SELECT count(*) FROM dim_date WHERE year = :year;\n"
                  "SELECT year_month, count(*) FROM dim_date WHERE year = :year GROUP BY 1 ORDER BY 1;\n")
    for mode in ["simple", "extended"]:
        run = subprocess.run(
            ["pgbench", "-n", "-M", mode, "-h", "127.0.0.1", "-p", str(PORT), "-U", "tester", "-c", str(CLIENTS),
             "-j", "2", "-t", "20", "-f", script, "wh"], capture_output=True, text=True, timeout=300)
        processed = re.search(r"number of transactions actually processed: (\d+)", run.stdout)
        failed = re.search(r"number of failed transactions: (\d+)", run.stdout)
        check(f"pgbench -M {mode} at {CLIENTS} clients",
              (run.returncode, processed and int(processed.group(1)), failed and int(failed.group(1))),
              (0, CLIENTS * 20, 0))
        if run.returncode != 0:
            print(run.stdout[-800:], run.stderr[-800:])
finish()
