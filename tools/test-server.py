"""End-to-end checks of `starling serve` with real clients: psql, psycopg 3, and raw sockets.

Run by tools/test-server, which builds starling, makes the warehouse and starts the server:
    python3 tools/test-server.py PORT
Prints one line per failed check and a closing `N passed, N failed`; exits 1 on any failure.
"""

import datetime
import decimal
import os
import random
import socket
import struct
import subprocess
import sys
import threading
import time

import psycopg
from pgwire import check, finish, read_exactly, read_message

PORT = int(sys.argv[1])
DSN = f"host=127.0.0.1 port={PORT} user=tester dbname=anything"


def psql(*arguments):
    """psql's exit status, standard output and standard error."""
    run = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(PORT), "-U", "tester", "-d", "wh", "-X", "-At", *arguments],
        capture_output=True, text=True, timeout=30, env={**os.environ, "PGCONNECT_TIMEOUT": "5"})
    return run.returncode, run.stdout, run.stderr


def error_of(function):
    """The SQLSTATE of the error `function` raises, or None."""
    try:
        function()
    except psycopg.Error as error:
        return error.sqlstate
    return None


# psql: the simple query protocol.
check("psql select", psql("-c", "SELECT id, name FROM items ORDER BY id")[1],
      "1|apple\n2|pear's\n3|\n")
check("psql several statements in one message", psql("-c", "SELECT 1 AS a; SELECT 'two' AS b")[1], "1\ntwo\n")
status, out, err = psql("-v", "VERBOSITY=verbose", "-c", "SELECT 1; SELECT * FROM nosuch; SELECT 3")
check("psql error exit status", status, 1)
check("psql error SQLSTATE shown", "ERROR:  42P01:" in err, True)
check("psql error position", "LINE 1: SELECT 1; SELECT * FROM nosuch; SELECT 3\n" + " " * 32 + "^" in err, True)
check("psql stops at the first error", out, "1\n")
status, out, err = psql("-v", "VERBOSITY=verbose", "-c", "SELECT nosuch FROM items")
check("psql undefined column", "42703" in err, True)
status, out, err = psql("-v", "VERBOSITY=verbose", "-c", "SELEC 1")
check("psql syntax error", "42601" in err, True)
check("psql set and show", psql("-c", "SET DateStyle = 'ISO, MDY'", "-c", "SHOW DateStyle", "-c",
                                "SET application_name = 'checks'", "-c", "SHOW application_name")[1],
      "SET\nISO, MDY\nSET\nchecks\n")
status, out, err = psql("-v", "VERBOSITY=verbose", "-c", "SET client_encoding = 'LATIN1'")
check("psql refuses other encodings", (status, "22023" in err), (1, True))
status, out, err = psql("-v", "VERBOSITY=verbose", "-c", "SET no_such_setting = 1")
check("psql refuses unknown settings", (status, "42704" in err), (1, True))
check("psql transaction around reads",
      psql("-c", "BEGIN; SELECT count(*) FROM items; COMMIT")[1], "BEGIN\n3\nCOMMIT\n")
status, out, err = psql("-v", "VERBOSITY=verbose", "-c",
                        "BEGIN; INSERT INTO items VALUES (9, 'no', 1, DATE '2020-01-01', NULL, true, 0)")
check("psql refuses writes in a transaction block", (status, "25006" in err), (1, True))
check("psql empty query", psql("-c", ";")[0], 0)
status, out, err = psql("-c", "\\dt")
check("psql \\dt lists the tables (tools/test-server-catalog.py checks more)",
      (status, "main|items|table|starling" in out.splitlines()), (0, True))
check("psql version", psql("-c", "SELECT version()")[1].startswith("PostgreSQL 15.0 (Starling "), True)
check("psql current_schema", psql("-c", "SELECT current_schema()")[1], "main\n")
check("psql current_database, whatever database was asked for",
      psql("-c", "SELECT current_database(), min(table_catalog) FROM information_schema.tables")[1],
      "starling|starling\n")

# psycopg 3: the extended protocol, parameters and types.
with psycopg.connect(DSN, autocommit=True) as conn:
    cursor = conn.cursor()
    cursor.execute("SELECT * FROM items WHERE id = %s", (1,))
    check("psycopg typed row", cursor.fetchall(),
          [(1, "apple", decimal.Decimal("1.50"), datetime.date(2024, 1, 2),
            datetime.datetime(2024, 1, 2, 3, 4, 5, 500000), True, 1.5)])
    check("psycopg type OIDs", [column.type_code for column in cursor.description],
          [23, 1043, 1700, 1082, 1114, 16, 701])
    cursor.execute("SELECT id FROM items WHERE name = %s OR day = %s ORDER BY id",
                   ("pear's", datetime.date(2024, 1, 2)))
    check("psycopg string and date parameters", cursor.fetchall(), [(1,), (2,)])
    hostile = "x'; DROP TABLE items; --"
    cursor.execute("SELECT %s::VARCHAR, %s + 1, %s * 2, %s, %s, %s IS NULL",
                   (hostile, 41, 1.25, decimal.Decimal("-12.50"), True, None))
    check("psycopg parameters of every type", cursor.fetchone(),
          (hostile, 42, 2.5, decimal.Decimal("-12.50"), True, True))
    cursor.execute("SELECT count(*) FROM items")
    check("the table is still there", cursor.fetchone(), (3,))
    cursor.execute("SELECT * FROM items ORDER BY id", binary=True)
    rows = cursor.fetchall()
    check("psycopg binary results", rows[1],
          (2, "pear's", decimal.Decimal("-2.25"), datetime.date(1999, 12, 31),
           datetime.datetime(1969, 7, 20, 20, 17), False, None))
    check("psycopg binary NULLs", rows[2], (3, None, None, None, None, None, 1e20))
    cursor.execute("SELECT CAST(123456789.123 AS DECIMAL(18,3)), CAST(-0.001 AS DECIMAL(4,3)), "
                   "CAST(0 AS DECIMAL(5,2))", binary=True)
    check("psycopg binary numeric", cursor.fetchone(),
          (decimal.Decimal("123456789.123"), decimal.Decimal("-0.001"), decimal.Decimal("0.00")))
    cursor.execute("SELECT INTERVAL '1 year 2 months 3 days 04:05:06.5', INTERVAL '-1 day'")
    check("psycopg intervals", cursor.fetchone(),
          (datetime.timedelta(days=428, seconds=14706, microseconds=500000), datetime.timedelta(days=-1)))
    cursor.execute("SELECT version(), current_schema()")
    check("psycopg version", cursor.fetchone()[1], "main")
    check("psycopg undefined table", error_of(lambda: cursor.execute("SELECT * FROM nosuch")), "42P01")
    try:
        cursor.execute("SELECT %s, nosuch FROM items", ("it's",))
    except psycopg.Error as error:
        check("psycopg error position in the query as sent", error.diag.statement_position, "12")
    check("psycopg overflow", error_of(lambda: cursor.execute("SELECT 9223372036854775807 + %s", (1,))), "22003")
    check("psycopg wrong parameter", error_of(lambda: cursor.execute("SELECT %s::INTEGER", ("x",))), "22P02")
    cursor.execute("SELECT %s", (1,))
    check("psycopg works after errors", cursor.fetchone(), (1,))
    cursor.execute("CREATE TABLE notes (id INTEGER, body VARCHAR, at TIMESTAMP, amount DECIMAL(8,2))")
    cursor.executemany("INSERT INTO notes VALUES (%s, %s, %s, %s)",
                       [(n, f"note {n}'s", datetime.datetime(2024, 5, n + 1, 12, 0), decimal.Decimal(n) / 4 - 1)
                        for n in range(10)])
    cursor.execute("SELECT count(*), sum(amount), min(body), max(at) FROM notes")
    check("psycopg executemany of INSERT", cursor.fetchone(),
          (10, decimal.Decimal("1.25"), "note 0's", datetime.datetime(2024, 5, 10, 12, 0)))
    with conn.pipeline():
        first = conn.execute("SELECT %s::INTEGER + 1", (1,))
        second = conn.execute("SELECT %s", ("two",))
    check("psycopg pipeline", (first.fetchone(), second.fetchone()), ((2,), ("two",)))
    check("psycopg stream", list(cursor.stream("SELECT id FROM notes WHERE id < %s ORDER BY id", (3,))),
          [(0,), (1,), (2,)])
    cursor.execute("SELECT %s + INTERVAL '1 hour', %s",
                   (datetime.timedelta(days=1, hours=2),
                    datetime.datetime(2024, 1, 2, 5, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))))
    check("psycopg interval and time-zoned parameters", cursor.fetchone(),
          (datetime.timedelta(days=1, hours=3), datetime.datetime(2024, 1, 2, 3, 4, 5)))
    check("psycopg unsupported parameter type", error_of(lambda: cursor.execute("SELECT %s", (b"\x00",))), "0A000")
    statement = "SELECT count(*) FROM items WHERE id > %s"
    for repeat in range(7):  # psycopg prepares a statement by name after five runs
        cursor.execute(statement, (repeat,))
        count = cursor.fetchone()[0]
    check("psycopg prepared statements", count, 0)

with psycopg.connect(DSN) as conn:
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM items")
        check("psycopg in a transaction", (cursor.fetchone(), conn.info.transaction_status.name),
              ((3,), "INTRANS"))
        check("psycopg error in a transaction", error_of(lambda: cursor.execute("SELECT * FROM nosuch")), "42P01")
        check("psycopg failed transaction", conn.info.transaction_status.name, "INERROR")
        conn.rollback()
        cursor.execute("SELECT 2")
        check("psycopg after rollback", cursor.fetchone(), (2,))
    conn.commit()

# Cursors: DECLARE, FETCH and CLOSE, as psql sends them and as psycopg's server-side cursors do.
check("psql cursor", psql("-c", "BEGIN; DECLARE c CURSOR FOR SELECT id FROM items ORDER BY id; FETCH 2 FROM c; "
                                "FETCH ALL FROM c; FETCH c; CLOSE c; COMMIT")[1],
      "BEGIN\nDECLARE CURSOR\n1\n2\n3\nCLOSE CURSOR\nCOMMIT\n")
status, out, err = psql("-v", "VERBOSITY=verbose", "-c", "DECLARE c CURSOR FOR SELECT 1")
check("psql cursor outside a transaction block", (status, "25P01" in err), (1, True))
with psycopg.connect(DSN) as conn:
    with conn.cursor("named") as cursor:
        cursor.itersize = 2
        cursor.execute("SELECT id, name FROM items WHERE id >= %s ORDER BY id", (1,))
        check("psycopg server-side cursor columns", [column.name for column in cursor.description], ["id", "name"])
        check("psycopg server-side cursor fetchmany", cursor.fetchmany(2), [(1, "apple"), (2, "pear's")])
        check("psycopg server-side cursor rest", list(cursor), [(3, None)])
    conn.commit()
    with conn.cursor("held", withhold=True, binary=True) as cursor:
        cursor.execute("SELECT day FROM items WHERE day IS NOT NULL ORDER BY day")
        conn.commit()
        check("psycopg cursor WITH HOLD, binary, after commit", cursor.fetchall(),
              [(datetime.date(1999, 12, 31),), (datetime.date(2024, 1, 2),)])

# Concurrent clients, every answer checked: parameters, errors and rollbacks (after which psycopg
# sends DEALLOCATE ALL), server-side cursors; more clients than query slots.
def concurrent_client(number, answers):
    try:
        with psycopg.connect(DSN, autocommit=number % 2 == 0) as conn:
            for round in range(30):
                kind = (number + round) % 4
                year = 1950 + round % 7
                days = 366 if year % 4 == 0 else 365
                if kind == 0:
                    got = conn.execute("SELECT count(*) FROM dim_date WHERE year = %s", (year,)).fetchone()
                    answers.append(got == (days,))
                elif kind == 1:
                    got = conn.execute("SELECT name FROM items WHERE id = %s", (1 + round % 2,)).fetchone()
                    answers.append(got == (("apple",) if round % 2 == 0 else ("pear's",)))
                elif kind == 2:
                    answers.append(error_of(lambda: conn.execute("SELECT * FROM nosuch")) == "42P01")
                    if not conn.autocommit:
                        conn.rollback()
                elif not conn.autocommit:
                    with conn.cursor(f"c{round}") as cursor:
                        cursor.itersize = 100
                        cursor.execute("SELECT date_key FROM dim_date WHERE year = %s", (year,))
                        answers.append(sum(1 for _ in cursor) == days)
                    conn.commit()
    except Exception as error:
        print(f"client {number}: {error!r}")
        answers.append(False)


answers = []
clients = [threading.Thread(target=concurrent_client, args=(number, answers)) for number in range(12)]
for client in clients:
    client.start()
for client in clients:
    client.join(90)
check("12 concurrent clients: every answer right", (len(answers) > 300, all(answers)), (True, True))

# SET statement_timeout: the session's own limit on its statements.
with psycopg.connect(DSN, autocommit=True) as conn:
    conn.execute("SET statement_timeout = '300ms'")
    check("SHOW statement_timeout", conn.execute("SHOW statement_timeout").fetchone(), ("300ms",))
    started = time.monotonic()
    check("statement_timeout cancels a long query", error_of(lambda: conn.execute(
        "SELECT count(*) FROM dim_date a, dim_date b WHERE a.date_int + b.day_of_year = 7")), "57014")
    check("statement_timeout: within 5 s", time.monotonic() - started < 5, True)
    check("statement_timeout cancels a long query with parameters", error_of(lambda: conn.execute(
        "SELECT count(*) FROM dim_date a, dim_date b WHERE a.date_int + b.day_of_year = %s", (7,))), "57014")
    conn.execute("SET statement_timeout = 0")
    check("statement_timeout 0: no limit", conn.execute("SELECT 3").fetchone(), (3,))

# Cancel a long query from another connection.
with psycopg.connect(DSN, autocommit=True) as conn:
    outcome = {}

    def long_query():
        started = time.monotonic()
        try:
            conn.execute("SELECT count(*) FROM dim_date a, dim_date b WHERE a.date_int + b.day_of_year = 7")
            outcome["state"] = None
        except psycopg.Error as error:
            outcome["state"] = error.sqlstate
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=long_query)
    thread.start()
    time.sleep(1.0)
    cancelled_at = time.monotonic()
    conn.cancel()
    thread.join(30)
    check("cancel: SQLSTATE 57014", outcome.get("state"), "57014")
    check("cancel: within 5 s", time.monotonic() - cancelled_at < 5, True)
    check("cancel: the connection still works", conn.execute("SELECT 5").fetchone(), (5,))


# The extended protocol on a raw socket: Execute with a row limit and portal suspension.
def message(kind, body=b""):
    return kind + struct.pack("!i", len(body) + 4) + body


def startup(sock):
    body = struct.pack("!i", 196608) + b"user\0raw\0database\0x\0\0"
    sock.sendall(struct.pack("!i", len(body) + 4) + body)
    return read_until(sock, b"Z")




def read_until(sock, last):
    messages = []
    while True:
        item = read_message(sock)
        if item is None:
            return messages
        messages.append(item)
        if item[0] == last:
            return messages


def kinds(messages):
    return "".join(kind.decode() for kind, _ in messages)


with socket.create_connection(("127.0.0.1", PORT), timeout=10) as sock:
    check("raw startup", kinds(startup(sock)).endswith("KZ"), True)
    parse = message(b"P", b"\0SELECT id FROM items WHERE id >= $1 ORDER BY id\0" + struct.pack("!hi", 1, 23))
    bind = message(b"B", b"\0\0" + struct.pack("!hh", 0, 1) + struct.pack("!i", 1) + b"1" + struct.pack("!h", 0))
    describe = message(b"D", b"P\0")
    execute = message(b"E", b"\0" + struct.pack("!i", 2))
    sock.sendall(parse + bind + describe + execute + message(b"H"))
    first = read_until(sock, b"s")
    check("row limit: two rows, then PortalSuspended", kinds(first), "12TDDs")
    sock.sendall(execute + message(b"S"))
    rest = read_until(sock, b"Z")
    check("row limit: the rest, then CommandComplete", kinds(rest), "DCZ")
    check("row limit: the last row", rest[0][1], struct.pack("!hi", 1, 1) + b"3")
    sock.sendall(message(b"P", b"\0SELECT * FROM nosuch\0\0\0") + message(b"B", b"\0\0\0\0\0\0\0\0")
                 + execute + message(b"S"))
    answer = read_until(sock, b"Z")
    check("extended error: skipped until Sync", kinds(answer), "12EZ")
    sock.sendall(message(b"P", b"s1\0SELECT id, name FROM items WHERE id = $1\0\0\0") + message(b"D", b"Ss1\0")
                 + message(b"P", b"s2\0SET application_name = 'x'\0\0\0") + message(b"D", b"Ss2\0")
                 + message(b"S"))
    answer = read_until(sock, b"Z")
    check("Describe statement: parameters, then columns or NoData", kinds(answer), "1tT1tnZ")
    check("Describe statement: an undeclared parameter is text", answer[1][1], struct.pack("!hI", 1, 25))
    check("Describe statement: the columns' names",
          [field.split(b"\0")[0] for field in [answer[2][1][2:], answer[2][1][2 + 21:]]], [b"id", b"name"])
    sock.sendall(message(b"B", b"\0s1\0\0\0\0\1\0\0\0\x012\0\0") + message(b"E", b"\0\0\0\0\0")
                 + message(b"C", b"Ss1\0") + message(b"B", b"\0s1\0\0\0\0\0\0\0") + message(b"S"))
    answer = read_until(sock, b"Z")
    check("a named statement bound, run, closed, then gone", kinds(answer), "2DC3EZ")
    sock.sendall(message(b"X"))


# Malformed input: each connection is closed with an error; the server keeps answering others.
def malformed(name, payload, after_startup=True, expect_error=True):
    with socket.create_connection(("127.0.0.1", PORT), timeout=10) as sock:
        if after_startup:
            startup(sock)
        sock.sendall(payload)
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        answer = read_until(sock, b"never")
    fields = [body for kind, body in answer if kind == b"E"]
    if expect_error:
        check(f"malformed {name}: ErrorResponse 08P01", bool(fields) and b"C08P01\0" in fields[-1], True)
    with psycopg.connect(DSN, autocommit=True) as conn:
        check(f"malformed {name}: the server still answers", conn.execute("SELECT 1").fetchone(), (1,))


malformed("oversized length", b"Q" + struct.pack("!I", 0x7FFFFFFF))
malformed("negative length", b"Q" + struct.pack("!i", -5))
malformed("short length", b"Q" + struct.pack("!i", 2))
malformed("unknown type", message(b"\x01", b"abc"))
malformed("truncated bind", message(b"B", b"\0\0" + struct.pack("!h", 5)))
malformed("bad parameter count", message(b"B", b"\0\0\0\0" + struct.pack("!h", 30000) + b"\0\0"))
malformed("startup packet too long", struct.pack("!i", 1 << 30) + b"\0\0", after_startup=False)
malformed("truncated message", b"Q" + struct.pack("!i", 100) + b"SELECT", expect_error=False)
random.seed(22)
for round in range(5):
    noise = bytes(random.randrange(256) for _ in range(200))
    malformed(f"random bytes {round}", noise, expect_error=False)
    malformed(f"random bytes before startup {round}", noise, after_startup=False, expect_error=False)

# Many messages sent at once while a statement runs: answered in order.
with socket.create_connection(("127.0.0.1", PORT), timeout=10) as sock:
    startup(sock)
    queries = b"".join(message(b"Q", f"SELECT {n}\0".encode()) for n in range(300))
    sock.sendall(queries)
    answers = [read_until(sock, b"Z") for _ in range(300)]
    values = [int(body[6:].decode()) for answer in answers for kind, body in answer if kind == b"D"]
    check("pipelined queries answered in order", values, list(range(300)))

# Clients killed mid-result: their queries stop and free their slots (the server runs two at a
# time), and the server goes on answering.
big = " UNION ALL ".join(["SELECT * FROM dim_date"] * 4).encode() + b"\0"
for round in range(4):
    with socket.create_connection(("127.0.0.1", PORT), timeout=10) as sock:
        startup(sock)
        sock.sendall(message(b"Q", big))
        received = 0
        while received < 200_000:
            piece = sock.recv(65536)
            if not piece:
                break
            received += len(piece)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST, as a killed client
    check(f"client killed mid-result {round}: had rows", received >= 200_000, True)
with psycopg.connect(DSN, autocommit=True, connect_timeout=5) as conn:
    check("after clients killed mid-result, queries still run", conn.execute("SELECT 7").fetchone(), (7,))

# A client that goes away mid-query cancels it (tools/test-server finds the log line).
with socket.create_connection(("127.0.0.1", PORT), timeout=10) as sock:
    startup(sock)
    sock.sendall(message(b"Q", b"SELECT count(*) FROM dim_date a, dim_date b WHERE a.day_of_year - b.date_int = 7\0"))
    time.sleep(0.5)

finish()
