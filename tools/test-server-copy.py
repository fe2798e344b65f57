"""End-to-end checks of COPY through `starling serve`: `COPY … TO STDOUT` and `COPY … FROM STDIN`
with psql and psycopg 3, in the text and CSV formats, and a server killed with SIGKILL while a
COPY FROM STDIN streams in.

Serves a warehouse of its own (made in WORK with STARLING) on a free loopback port:
    python3 tools/test-server-copy.py STARLING WORK
Prints one line per failed check and a closing `N passed, N failed`; exits 1 on any failure.
"""

import datetime
import decimal
import os
import signal
import socket
import subprocess
import sys
import time

import psycopg
from pgwire import check, finish

STARLING = sys.argv[1]
WORK = sys.argv[2]
WAREHOUSE = os.path.join(WORK, "copy-warehouse")
LOG = os.path.join(WORK, "copy-server.log")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = free_port()
DSN = f"host=127.0.0.1 port={PORT} user=copier dbname=wh connect_timeout=5"


def starling(*arguments):
    return subprocess.run([STARLING, *arguments], capture_output=True, text=True, timeout=120)


def serve():
    """Starts the server and waits until it accepts connections."""
    log = open(LOG, "a")
    server = subprocess.Popen(
        [STARLING, "serve", "--warehouse", WAREHOUSE, "--listen", f"127.0.0.1:{PORT}", "--threads", "2"],
        stderr=log)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


def psql(*arguments, stdin=None):
    """psql's exit status, standard output and standard error."""
    run = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(PORT), "-U", "copier", "-d", "wh", "-X", "-At",
         "-v", "VERBOSITY=verbose", *arguments],
        input=stdin, capture_output=True, text=True, timeout=60)
    return run.returncode, run.stdout, run.stderr


def sqlstate(action):
    """The SQLSTATE `action` (a function of a connection) fails with, None when it succeeds."""
    with psycopg.connect(DSN, autocommit=True) as conn:
        try:
            action(conn)
            return None
        except psycopg.Error as error:
            return error.sqlstate


def count(table):
    with psycopg.connect(DSN, autocommit=True) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


os.makedirs(WORK, exist_ok=True)
starling("init", "--warehouse", WAREHOUSE)
made = starling("sql", "--warehouse", WAREHOUSE, """
  CREATE TABLE items (id INTEGER, name VARCHAR, price DECIMAL(10,2), day DATE, seen TIMESTAMP, ok BOOLEAN,
                      score DOUBLE);
  INSERT INTO items VALUES
    (1, 'apple', 1.50, DATE '2024-01-02', TIMESTAMP '2024-01-02 03:04:05.5', true, 1.5),
    (2, 'tab	in, "quoted"', -2.25, DATE '1969-12-31', NULL, false, NULL),
    (3, '', NULL, NULL, NULL, NULL, 1e20),
    (4, 'back\\slash
newline', 0, DATE '2024-02-29', TIMESTAMP '1999-12-31 23:59:59', true, -0.25);
  CREATE TABLE landing (id INTEGER, name VARCHAR, price DECIMAL(10,2), day DATE, seen TIMESTAMP, ok BOOLEAN,
                        score DOUBLE);
  CREATE TABLE events (id BIGINT, kind VARCHAR, amount DECIMAL(12,2));""")
check("warehouse made", made.returncode, 0)
server = serve()

# COPY TO STDOUT, as PostgreSQL writes it: text (tab, \N, backslash escapes) and CSV (quotes only where
# needed, NULL unquoted and empty, an empty string quoted).
status, out, err = psql("-c", "COPY (SELECT * FROM items ORDER BY id) TO STDOUT")
check("COPY TO STDOUT text", (status, out), (0, "\n".join([
    "1\tapple\t1.50\t2024-01-02\t2024-01-02 03:04:05.5\tt\t1.5",
    "2\ttab\\tin, \"quoted\"\t-2.25\t1969-12-31\t\\N\tf\t\\N",
    "3\t\t\\N\t\\N\t\\N\t\\N\t1e+20",
    "4\tback\\\\slash\\nnewline\t0.00\t2024-02-29\t1999-12-31 23:59:59\tt\t-0.25", ""])))
status, out, err = psql("-c", "COPY (SELECT id, name, price FROM items ORDER BY id) TO STDOUT (FORMAT csv, HEADER)")
check("COPY TO STDOUT csv header", (status, out), (0, "\n".join([
    "id,name,price", "1,apple,1.50", "2,\"tab\tin, \"\"quoted\"\"\",-2.25", "3,\"\",", "4,\"back\\slash",
    "newline\",0.00", ""])))
status, out, err = psql("-c", "COPY items (id, ok) TO STDOUT WITH CSV DELIMITER ';' NULL 'null'")
check("COPY table (columns) TO STDOUT, old option syntax", (status, sorted(out.split())),
      (0, ["1;t", "2;f", "3;null", "4;t"]))
status, out, err = psql("-c", "COPY nosuch TO STDOUT")
check("COPY of an unknown table", (status, "42P01" in err), (1, True))
status, out, err = psql("-c", "COPY items TO STDOUT (FORMAT binary)")
check("COPY TO STDOUT binary refused", (status, "not binary" in err), (1, True))

# psycopg reads a row a CopyData message, and parses the text format back into the values.
with psycopg.connect(DSN, autocommit=True) as conn:
    with conn.cursor().copy("COPY (SELECT id, name, score FROM items ORDER BY id) TO STDOUT") as copy:
        copy.set_types(["int4", "text", "float8"])
        rows = list(copy.rows())
check("psycopg reads COPY TO STDOUT", rows,
      [(1, "apple", 1.5), (2, 'tab\tin, "quoted"', None), (3, "", 1e20), (4, "back\\slash\nnewline", -0.25)])

# COPY FROM STDIN: psql's \copy of what COPY TO STDOUT wrote gives the same rows back, text and CSV.
status, text_rows, err = psql("-c", "COPY items TO STDOUT")
status, out, err = psql("-c", "COPY landing FROM STDIN", stdin=text_rows)
check("COPY FROM STDIN text", (status, out.strip()), (0, "COPY 4"))
status, csv_rows, err = psql("-c", "COPY items TO STDOUT (FORMAT csv, HEADER)")
status, out, err = psql("-c", "COPY landing FROM STDIN (FORMAT csv, HEADER)", stdin=csv_rows)
check("COPY FROM STDIN csv", (status, out.strip()), (0, "COPY 4"))
status, original, err = psql("-c", "SELECT * FROM items ORDER BY id")
status, copied, err = psql("-c", "SELECT DISTINCT * FROM landing ORDER BY id")
check("rows through text and CSV come back the same", copied, original)
check("each COPY loaded its rows once", count("landing"), 8)

# psycopg writes rows in the text format: every type, NULLs, escapes, non-ASCII text; in pieces that
# split rows and escapes across CopyData messages.
values = [
    (10, "plain", decimal.Decimal("12.34"), datetime.date(2023, 5, 6), datetime.datetime(2023, 5, 6, 7, 8, 9, 250000),
     True, 2.5),
    (11, "tab\there\nnewline \\ backslash ünïcödé", decimal.Decimal("-0.01"), datetime.date(1900, 1, 1), None, False,
     None),
    (12, None, None, None, None, None, float("-inf")),
]
with psycopg.connect(DSN, autocommit=True) as conn:
    with conn.cursor().copy("COPY landing FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)
    got = conn.execute("SELECT * FROM landing WHERE id >= 10 ORDER BY id").fetchall()
check("psycopg write_row through COPY FROM STDIN", got, values)

lines = "".join(f"{n}\tkind {n % 7}\t{n % 1000}.{n % 100:02d}\n" for n in range(50_000))
with psycopg.connect(DSN, autocommit=True) as conn:
    with conn.cursor().copy("COPY events FROM STDIN") as copy:
        data = lines.encode()
        for start in range(0, len(data), 4093):
            copy.write(data[start:start + 4093])
    got = conn.execute("SELECT count(*), sum(id), sum(amount) FROM events").fetchone()
check("50,000 rows in 4 KB pieces", got,
      (50_000, sum(range(50_000)), sum(decimal.Decimal(f"{n % 1000}.{n % 100:02d}") for n in range(50_000))))

# All or nothing: a bad row aborts the COPY (its line named), CopyFail aborts it, nothing is loaded,
# and the connection goes on.
before = count("events")
status, out, err = psql("-c", "COPY events FROM STDIN", stdin="1\ta\t1.00\n2\tb\tnot a number\n3\tc\t3.00\n")
check("a bad row aborts the COPY", (status, "STDIN:2" in err, "MAX_REJECTS" in err), (1, True, True))
status, out, err = psql("-c", "COPY events FROM STDIN (MAX_REJECTS 1)",
                        stdin="1\ta\t1.00\n2\tb\tnot a number\n3\tc\t3.00\n")
check("MAX_REJECTS skips a bad row", (status, out.strip()), (0, "COPY 2"))


def fail_midway(conn):
    with conn.cursor().copy("COPY events FROM STDIN") as copy:
        copy.write_row((99, "x", decimal.Decimal("1")))
        raise ValueError("the client gave up")


with psycopg.connect(DSN, autocommit=True) as conn:
    try:
        fail_midway(conn)
        state = None
    except ValueError:
        state = "raised"
    except psycopg.Error as error:
        state = error.sqlstate
    check("the connection goes on after CopyFail", conn.execute("SELECT 1").fetchone(), (1,))
check("CopyFail loads nothing", (state is not None, count("events")), (True, before + 2))
status, out, err = psql("-c", "COPY events FROM STDIN", stdin="1\ta\t1.00\textra\n")
check("a row with too many fields is refused", (status, count("events")), (1, before + 2))

# Writes run outside transaction blocks; reads inside them.
status, out, err = psql("-c", "BEGIN", "-c", "COPY events FROM STDIN", "-c", "ROLLBACK", stdin="5\te\t5.00\n")
check("COPY FROM STDIN in a transaction block", "25006" in err, True)
status, out, err = psql("-c", "BEGIN", "-c", "COPY (SELECT 42) TO STDOUT", "-c", "COMMIT")
check("COPY TO STDOUT in a transaction block", (status, out.split()[:2]), (0, ["BEGIN", "42"]))

# SIGKILL while a COPY FROM STDIN streams in: after a restart the table holds what it held, and the
# server removes the half-gathered input.
before = count("events")
conn = psycopg.connect(DSN, autocommit=True)
killed = False
try:
    with conn.cursor().copy("COPY events FROM STDIN") as copy:
        for n in range(200):
            copy.write("".join(f"{n * 1000 + k}\tk\t1.00\n" for k in range(1000)))
            if n == 100:
                spools = [name for name in os.listdir(os.path.join(WAREHOUSE, "loads")) if name.startswith("stdin-")]
                check("COPY FROM STDIN gathers into the warehouse", len(spools), 1)
                server.send_signal(signal.SIGKILL)
                server.wait()
                killed = True
except psycopg.Error:
    pass
finally:
    try:
        conn.close()
    except psycopg.Error:
        pass
check("the server was killed mid-COPY", killed, True)
server = serve()
check("nothing of the killed COPY was committed", count("events"), before)
leftover = [name for name in os.listdir(os.path.join(WAREHOUSE, "loads")) if name.startswith("stdin-")]
check("the killed COPY's input was removed at restart", leftover, [])
status, out, err = psql("-c", "COPY events FROM STDIN", stdin="7\tafter\t7.00\n")
check("COPY works after the restart", (status, count("events")), (0, before + 1))

server.send_signal(signal.SIGTERM)
check("the server exits 0 on SIGTERM", server.wait(timeout=30), 0)
finish()
