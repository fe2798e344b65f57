"""End-to-end checks of `starling serve` with users: SCRAM-SHA-256 logins and role privileges.

Run by tools/test-server after it has added users to a warehouse (ann: admin, etl: loader,
bob: reader, gone: reader; passwords below) and served it on 0.0.0.0:PORT:
    python3 tools/test-server-users.py PORT STARLING WAREHOUSE
Prints one line per failed check and a closing `N passed, N failed`; exits 1 on any failure.
"""

import base64
import hashlib
import hmac
import os
import socket
import struct
import subprocess
import sys

import psycopg
from pgwire import check, error_fields, finish, local_address, message, read_exactly, read_message

PORT = int(sys.argv[1])
STARLING = sys.argv[2]
WAREHOUSE = sys.argv[3]
PASSWORDS = {"ann": "admin pw", "etl": "loader-pw", "bob": "réader pw", "gone": "gone-pw"}


def dsn(user, password):
    return f"host=127.0.0.1 port={PORT} user={user} password='{password}' dbname=wh connect_timeout=5"


def psql(user, password, *arguments):
    """psql's exit status, standard output and standard error, the password from PGPASSWORD."""
    run = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(PORT), "-U", user, "-d", "wh", "-X", "-At", "-w",
         "-v", "VERBOSITY=verbose", *arguments],
        capture_output=True, text=True, timeout=30,
        env={**os.environ, "PGCONNECT_TIMEOUT": "5", "PGPASSWORD": password})
    return run.returncode, run.stdout, run.stderr


def sqlstate_of(user, sql):
    """The SQLSTATE of running `sql` as `user` (None when it succeeds)."""
    with psycopg.connect(dsn(user, PASSWORDS[user]), autocommit=True) as conn:
        try:
            conn.execute(sql)
        except psycopg.Error as error:
            return error.sqlstate
    return None


# psql and psycopg log in with their passwords.
status, out, err = psql("ann", PASSWORDS["ann"], "-c", "SELECT count(*) FROM items")
check("psql admin login with PGPASSWORD", (status, out), (0, "3\n"))
with psycopg.connect(dsn("bob", PASSWORDS["bob"]), autocommit=True) as conn:
    check("psycopg reader login, non-ASCII password", conn.execute("SELECT name FROM items WHERE id = 1").fetchone(),
          ("apple",))
    check("reader is not superuser", conn.execute("SHOW is_superuser").fetchone(), ("off",))
    conn.execute("SET application_name = 'reports'")
    check("reader may SET and SHOW", conn.execute("SHOW application_name").fetchone(), ("reports",))
    check("reader may EXPLAIN", len(conn.execute("EXPLAIN SELECT * FROM items").fetchall()) > 0, True)
    check("reader may read system tables", conn.execute("SELECT count(*) FROM information_schema.tables").fetchone()[0] > 0,
          True)
    try:
        conn.execute("CREATE TABLE nope (a INTEGER)")
        check("reader CREATE TABLE refused", "accepted", "42501")
    except psycopg.errors.InsufficientPrivilege as error:
        check("reader CREATE TABLE refused", error.sqlstate, "42501")
        check("42501 names role and kind", "role reader" in str(error) and "CREATE TABLE" in str(error), True)
    check("reader still works after a refusal", conn.execute("SELECT 1").fetchone(), (1,))

# Wrong passwords and unknown users: the same 28P01 message, the connection refused.
status, out, err = psql("ann", "not it", "-c", "SELECT 1")
check("psql wrong password fails", status, 2)
check("psql wrong password message", 'password authentication failed for user "ann"' in err, True)
status, out, err = psql("nosuchuser", "whatever", "-c", "SELECT 1")
check("psql unknown user: same message", 'password authentication failed for user "nosuchuser"' in err, True)
try:
    psycopg.connect(dsn("etl", "wrong"))
    check("psycopg wrong password", "connected", "refused")
except psycopg.OperationalError as error:
    check("psycopg wrong password", 'password authentication failed for user "etl"' in str(error), True)
status, out, err = psql("ann", "", "-c", "SELECT 1")
check("psql without a password fails", status, 2)

# Privileges by role.
check("reader INSERT refused", sqlstate_of("bob", "INSERT INTO scratch VALUES (1)"), "42501")
check("loader INSERT", sqlstate_of("etl", "INSERT INTO scratch VALUES (41)"), None)
check("loader CREATE TABLE AS", sqlstate_of("etl", "CREATE TABLE copied AS SELECT id FROM items"), None)
check("loader CREATE TABLE refused", sqlstate_of("etl", "CREATE TABLE nope (a INTEGER)"), "42501")
check("loader DROP TABLE refused", sqlstate_of("etl", "DROP TABLE copied"), "42501")
check("loader COPY from a server file refused", sqlstate_of("etl", "COPY scratch FROM '/etc/hostname'"), "42501")
check("reader COPY from a server file refused", sqlstate_of("bob", "COPY scratch FROM '/etc/passwd'"), "42501")
check("reader CREATE VIEW refused", sqlstate_of("bob", "CREATE VIEW v AS SELECT 1 AS a"), "42501")


def copy_in_state(user, statement, rows):
    """The SQLSTATE of a COPY FROM STDIN of `rows` as `user` (None when it loads)."""
    with psycopg.connect(dsn(user, PASSWORDS[user]), autocommit=True) as conn:
        try:
            with conn.cursor().copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as error:
            return error.sqlstate
    return None


check("loader COPY FROM STDIN", copy_in_state("etl", "COPY scratch FROM STDIN", [(51,), (52,)]), None)
check("reader COPY FROM STDIN refused", copy_in_state("bob", "COPY scratch FROM STDIN", [(53,)]), "42501")
check("loader COPY FROM STDIN with a REJECTS file refused",
      copy_in_state("etl", "COPY scratch FROM STDIN (REJECTS '/tmp/rejects.csv')", [(54,)]), "42501")
check("reader COPY TO a server file refused", sqlstate_of("bob", "COPY scratch TO '/tmp/out.csv'"), "42501")
with psycopg.connect(dsn("bob", PASSWORDS["bob"]), autocommit=True) as conn:
    with conn.cursor().copy("COPY (SELECT n FROM scratch WHERE n > 50 ORDER BY n) TO STDOUT") as copy:
        check("reader COPY TO STDOUT", [bytes(row) for row in copy], [b"51\n", b"52\n"])
# Below admin, a session's memory limit may go down, not past the server's.
check("reader lowers memory_limit", sqlstate_of("bob", "SET memory_limit = '64MB'"), None)
check("reader memory_limit past the server's refused", sqlstate_of("bob", "SET memory_limit = '1TB'"), "42501")
check("loader memory_limit none refused", sqlstate_of("etl", "SET memory_limit = 'none'"), "42501")
check("admin raises memory_limit", sqlstate_of("ann", "SET memory_limit = '1TB'"), None)
check("admin CREATE TABLE", sqlstate_of("ann", "CREATE TABLE made (a INTEGER)"), None)
check("admin CREATE VIEW", sqlstate_of("ann", "CREATE VIEW made_view AS SELECT * FROM made"), None)
check("admin DROP VIEW", sqlstate_of("ann", "DROP VIEW made_view"), None)
check("admin DROP TABLE", sqlstate_of("ann", "DROP TABLE made"), None)
with psycopg.connect(dsn("bob", PASSWORDS["bob"]), autocommit=True) as conn:
    check("reader sees the loader's rows", conn.execute("SELECT count(*) FROM scratch WHERE n = 41").fetchone(), (1,))
    check("reader runs a query with parameters", conn.execute("SELECT %s::INTEGER", (1,)).fetchone(), (1,))
    try:
        conn.execute("INSERT INTO scratch VALUES (%s)", (2,))
        check("reader INSERT with parameters refused", "accepted", "42501")
    except psycopg.errors.InsufficientPrivilege:
        check("reader INSERT with parameters refused", True, True)


# SCRAM on a raw socket: the server's signature checks out; malformed messages close the
# connection with an error and the server goes on.


def open_sasl(user):
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    body = struct.pack("!i", 196608) + b"user\0" + user.encode() + b"\0database\0wh\0\0"
    sock.sendall(struct.pack("!i", len(body) + 4) + body)
    kind, data = read_message(sock)
    return sock, kind, data


def sasl_initial(first, mechanism=b"SCRAM-SHA-256"):
    return message(b"p", mechanism + b"\0" + struct.pack("!i", len(first)) + first)


def scram(user, password, final_override=None, gs2=b"n,,"):
    """Logs in over a raw socket; returns (outcome, detail): ('ok', server signature valid) or
    ('E', fields) or ('closed', None)."""
    sock, kind, data = open_sasl(user)
    with sock:
        check(f"{user}: AuthenticationSASL", (kind, data), (b"R", struct.pack("!i", 10) + b"SCRAM-SHA-256\0\0"))
        nonce = base64.b64encode(os.urandom(18))
        first_bare = b"n=,r=" + nonce
        sock.sendall(sasl_initial(gs2 + first_bare))
        kind, data = read_message(sock)
        if kind == b"E":
            return "E", error_fields(data)
        code, server_first = struct.unpack("!i", data[:4])[0], data[4:]
        check(f"{user}: AuthenticationSASLContinue", code, 11)
        attributes = dict(part.split(b"=", 1) for part in server_first.split(b","))
        check(f"{user}: server nonce extends the client's", attributes[b"r"].startswith(nonce), True)
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(attributes[b"s"]),
                                     int(attributes[b"i"]))
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored_key = hashlib.sha256(client_key).digest()
        without_proof = b"c=" + base64.b64encode(gs2) + b",r=" + attributes[b"r"]
        auth_message = first_bare + b"," + server_first + b"," + without_proof
        signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        final = without_proof + b",p=" + base64.b64encode(proof)
        sock.sendall(message(b"p", final_override(final) if final_override else final))
        kind, data = read_message(sock)
        if kind == b"E":
            check(f"{user}: connection closed after the error", read_message(sock), None)
            return "E", error_fields(data)
        check(f"{user}: AuthenticationSASLFinal", struct.unpack("!i", data[:4])[0], 12)
        server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
        expected = b"v=" + base64.b64encode(hmac.new(server_key, auth_message, hashlib.sha256).digest())
        kind, ok = read_message(sock)
        return "ok", (data[4:] == expected and kind == b"R" and ok == struct.pack("!i", 0))


check("raw SCRAM login, server signature verified", scram("etl", PASSWORDS["etl"]), ("ok", True))
check("raw SCRAM login with gs2 y,,", scram("etl", PASSWORDS["etl"], gs2=b"y,,"), ("ok", True))
outcome, fields = scram("etl", "bad")
check("raw wrong password", (outcome, fields.get("C"), fields.get("M")),
      ("E", "28P01", 'password authentication failed for user "etl"'))
outcome, fields = scram("ghost", "bad")
check("raw unknown user: same answer", (outcome, fields.get("C"), fields.get("M")),
      ("E", "28P01", 'password authentication failed for user "ghost"'))
outcome, fields = scram("etl", PASSWORDS["etl"], gs2=b"p=tls-server-end-point,,")
check("channel binding p= refused", (outcome, fields.get("C")), ("E", "08P01"))
for name, change in [
    ("proof not base64", lambda final: final[:-4] + b"!!!!"),
    ("proof too short", lambda final: final[:-8] + b"AAAA"),
    ("nonce changed", lambda final: final.replace(b",r=", b",r=x")),
    ("channel binding changed", lambda final: final.replace(b"c=biws", b"c=eSws")),
    ("no proof", lambda final: final.split(b",p=")[0]),
    ("NUL in the message", lambda final: final + b"\0"),
]:
    outcome, fields = scram("etl", PASSWORDS["etl"], final_override=change)
    check(f"malformed client-final ({name}): 08P01", (outcome, fields.get("C")), ("E", "08P01"))

for name, payload in [
    ("another mechanism", sasl_initial(b"n,,n=,r=abc", mechanism=b"PLAIN")),
    ("SASL length beyond the body", message(b"p", b"SCRAM-SHA-256\0" + struct.pack("!i", 1000) + b"n,,")),
    ("negative SASL length", message(b"p", b"SCRAM-SHA-256\0" + struct.pack("!i", -5))),
    ("no client-first data", message(b"p", b"SCRAM-SHA-256\0" + struct.pack("!i", -1))),
    ("no mechanism terminator", message(b"p", b"SCRAM-SHA-256")),
    ("a query instead", message(b"Q", b"SELECT 1\0")),
    ("an authzid", sasl_initial(b"n,a=ann,n=,r=abc")),
    ("empty nonce", sasl_initial(b"n,,n=,r=")),
]:
    sock, kind, data = open_sasl("ann")
    with sock:
        sock.sendall(payload)
        answer = read_message(sock)
        check(f"malformed SASL ({name}): error", (answer[0], error_fields(answer[1]).get("C")) if answer else None,
              (b"E", "08P01"))
        check(f"malformed SASL ({name}): closed", read_message(sock), None)
sock, kind, data = open_sasl("ann")
with sock:
    sock.sendall(message(b"X"))
    check("Terminate during authentication: closed without an error", read_message(sock), None)
check("the server goes on after malformed logins", psql("ann", PASSWORDS["ann"], "-c", "SELECT 2")[1], "2\n")

# user list shows names and roles, never verifiers; user remove takes effect at the next login.
listed = subprocess.run([STARLING, "user", "list", "--warehouse", WAREHOUSE], capture_output=True, text=True)
check("user list", (listed.returncode, listed.stdout.split()), (0, ["ann", "admin", "bob", "reader", "etl", "loader",
                                                                  "gone", "reader"]))
check("user list shows no verifier", "SCRAM" in listed.stdout + listed.stderr, False)
check("removed user could log in before", psql("gone", PASSWORDS["gone"], "-c", "SELECT 3")[1], "3\n")
removed = subprocess.run([STARLING, "user", "remove", "gone", "--warehouse", WAREHOUSE], capture_output=True, text=True)
check("user remove", removed.returncode, 0)
status, out, err = psql("gone", PASSWORDS["gone"], "-c", "SELECT 3")
check("removed user cannot log in", 'password authentication failed for user "gone"' in err, True)
again = subprocess.run([STARLING, "user", "remove", "gone", "--warehouse", WAREHOUSE], capture_output=True, text=True)
check("removing a missing user fails", (again.returncode != 0, 'no user "gone"' in again.stderr), (True, True))


# Once the last user is removed, the server (still on 0.0.0.0) lets loopback clients in as admin
# without a password, and refuses clients from other addresses (when this machine has one).
for name in ["ann", "bob", "etl"]:
    subprocess.run([STARLING, "user", "remove", name, "--warehouse", WAREHOUSE], capture_output=True, check=True)
with psycopg.connect(f"host=127.0.0.1 port={PORT} user=anyone dbname=wh connect_timeout=5") as conn:
    check("no users left: loopback client is admin", conn.execute("SHOW is_superuser").fetchone(), ("on",))
address = local_address()
if address is None:
    print("note: no non-loopback address to check the refusal from")
else:
    sock = socket.create_connection((address, PORT), timeout=10, source_address=(address, 0))
    with sock:
        body = struct.pack("!i", 196608) + b"user\0ann\0database\0wh\0\0"
        sock.sendall(struct.pack("!i", len(body) + 4) + body)
        answer = read_message(sock)
        fields = error_fields(answer[1]) if answer and answer[0] == b"E" else {}
        check(f"no users left: a client from {address} is refused", fields.get("C"), "28000")

finish()
