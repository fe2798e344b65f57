"""End-to-end checks of `starling serve` with TLS (--tls-cert, --tls-key, --require-tls).

Run by tools/test-server after it has made a self-signed certificate for CN=localhost in WORK
(server.crt, server.key; other.crt, other.key: a second pair), added the user tess (password
below) and served the warehouse on 0.0.0.0:PORT with --tls-cert server.crt --tls-key server.key
--require-tls:
    python3 tools/test-server-tls.py PORT STARLING WAREHOUSE WORK
Prints one line per failed check and a closing `N passed, N failed`; exits 1 on any failure.
"""

import os
import socket
import ssl
import struct
import subprocess
import sys

import psycopg
from pgwire import check, error_fields, finish, local_address, read_exactly, read_message

PORT = int(sys.argv[1])
STARLING = sys.argv[2]
WAREHOUSE = sys.argv[3]
WORK = sys.argv[4]
CERT = os.path.join(WORK, "server.crt")
KEY = os.path.join(WORK, "server.key")
PASSWORD = "tls pw"
SSL_REQUEST = struct.pack("!ii", 8, 80877103)
GSSENC_REQUEST = struct.pack("!ii", 8, 80877104)


def dsn(host="localhost", **options):
    extra = " ".join(f"{name}={value}" for name, value in options.items())
    return f"host={host} port={PORT} user=tess password='{PASSWORD}' dbname=wh connect_timeout=5 {extra}"


def psql(conninfo, sql):
    """psql's exit status, standard output and standard error."""
    run = subprocess.run(["psql", conninfo, "-X", "-At", "-w", "-c", sql], capture_output=True, text=True,
                         timeout=30, env={**os.environ, "PGCONNECT_TIMEOUT": "5"})
    return run.returncode, run.stdout, run.stderr


def startup_packet(user="tess"):
    body = struct.pack("!i", 196608) + b"user\0" + user.encode() + b"\0database\0wh\0\0"
    return struct.pack("!i", len(body) + 4) + body



def tls_socket():
    """A socket that asked for TLS (answered S) and completed the handshake, verifying the
    certificate for localhost."""
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    sock.sendall(SSL_REQUEST)
    answer = read_exactly(sock, 1)
    if answer != b"S":
        raise AssertionError(f"SSLRequest answered {answer!r}")
    context = ssl.create_default_context(cafile=CERT)
    return context.wrap_socket(sock, server_hostname="localhost")


def closed(sock):
    """Whether the server closed `sock` (after any alert or ErrorResponse it sent)."""
    try:
        while sock.recv(4096):
            pass
        return True
    except (ConnectionResetError, ssl.SSLError):
        return True
    except socket.timeout:
        return False


def serves():
    """Whether a new TLS connection still logs in and answers."""
    try:
        with psycopg.connect(dsn(sslmode="require"), autocommit=True) as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)
    except psycopg.Error:
        return False


# psql and psycopg over TLS, SCRAM-SHA-256 over it.
status, out, err = psql(dsn(sslmode="require"), "SELECT count(*) FROM items")
check("psql sslmode=require", (status, out, err), (0, "3\n", ""))
status, out, err = psql(dsn(sslmode="verify-full", sslrootcert=CERT), "SELECT 1")
check("psql sslmode=verify-full with the certificate as root", (status, out, err), (0, "1\n", ""))
status, out, err = psql(dsn(host="127.0.0.1", sslmode="verify-full", sslrootcert=CERT), "SELECT 1")
check("psql verify-full refuses a host the certificate does not name", status, 2)
check("verify-full: why", "does not match host name" in err, True)
with psycopg.connect(dsn(sslmode="require"), autocommit=True) as conn:
    check("psycopg sslmode=require uses TLS", conn.pgconn.ssl_in_use, True)
    check("psycopg over TLS: a query", conn.execute("SELECT name FROM items WHERE id = 1").fetchone(), ("apple",))
    rows = conn.execute("SELECT id FROM items ORDER BY id").fetchall()
    check("psycopg over TLS: rows", rows, [(1,), (2,), (3,)])
    check("psycopg over TLS: parameters", conn.execute("SELECT %s::INTEGER + 1", (41,)).fetchone(), (42,))
with psycopg.connect(dsn(sslmode="verify-full", sslrootcert=CERT), autocommit=True) as conn:
    check("psycopg sslmode=verify-full uses TLS", conn.pgconn.ssl_in_use, True)
    check("psycopg verify-full: a query", conn.execute("SELECT 1").fetchone(), (1,))
with psycopg.connect(dsn(sslmode="prefer"), autocommit=True) as conn:
    check("psycopg sslmode=prefer (libpq's default) uses TLS", conn.pgconn.ssl_in_use, True)
# A large result crosses many TLS records.
with psycopg.connect(dsn(sslmode="require"), autocommit=True) as conn:
    count = conn.execute("SELECT count(*) FROM (SELECT a.date_int FROM dim_date a)").fetchone()
    check("psycopg over TLS: 36,525 rows counted", count, (36525,))
    rows = conn.execute("SELECT date_int FROM dim_date ORDER BY date_int").fetchall()
    check("psycopg over TLS: 36,525 rows fetched", len(rows), 36525)
# SCRAM-SHA-256 without channel binding: SCRAM-SHA-256-PLUS is not offered, so a client that
# requires channel binding refuses the server.
status, out, err = psql(dsn(sslmode="require", channel_binding="require"), "SELECT 1")
check("channel_binding=require is refused by the client", status, 2)
check("channel_binding=require: why", "channel binding" in err, True)
status, out, err = psql(dsn(sslmode="require", channel_binding="prefer"), "SELECT 1")
check("channel_binding=prefer logs in without it", (status, out), (0, "1\n"))
with tls_socket() as sock:
    sock.sendall(startup_packet())
    kind, body = read_message(sock)
    check("over TLS: AuthenticationSASL offers SCRAM-SHA-256 only", (kind, body),
          (b"R", struct.pack("!i", 10) + b"SCRAM-SHA-256\0\0"))
status, out, err = psql(dsn(sslmode="require", password="wrong"), "SELECT 1")
check("over TLS: a wrong password is refused", (status, 'password authentication failed for user "tess"' in err),
      (2, True))

# Plaintext from this machine is still served (--require-tls applies to other machines).
status, out, err = psql(dsn(sslmode="disable"), "SELECT 1")
check("psql sslmode=disable from loopback", (status, out), (0, "1\n"))
with psycopg.connect(dsn(sslmode="disable"), autocommit=True) as conn:
    check("psycopg sslmode=disable: no TLS", conn.pgconn.ssl_in_use, False)
    check("psycopg sslmode=disable: a query", conn.execute("SELECT 1").fetchone(), (1,))

address = local_address()
if address is None:
    print("note: no non-loopback address to check --require-tls from")
else:
    try:
        psycopg.connect(dsn(host=address, sslmode="disable"))
        check(f"--require-tls: plaintext from {address} refused", "connected", "refused")
    except psycopg.OperationalError as error:
        check(f"--require-tls: plaintext from {address} refused", "TLS required" in str(error), True)
    sock = socket.create_connection((address, PORT), timeout=10, source_address=(address, 0))
    with sock:
        sock.sendall(startup_packet())
        answer = read_message(sock)
        fields = error_fields(answer[1]) if answer and answer[0] == b"E" else {}
        check("--require-tls: SQLSTATE 28000", fields.get("C"), "28000")
    with psycopg.connect(dsn(host=address, sslmode="require"), autocommit=True) as conn:
        served = (conn.pgconn.ssl_in_use, conn.execute("SELECT 1").fetchone())
        check(f"--require-tls: TLS from {address} served", served, (True, (1,)))

# Raw sockets: GSSENCRequest is answered N; bytes sent with the SSLRequest (before the
# handshake) are refused; garbage instead of a ClientHello closes the connection; a second
# SSLRequest inside TLS is refused. The server goes on serving after each.
with socket.create_connection(("127.0.0.1", PORT), timeout=10) as sock:
    sock.sendall(GSSENC_REQUEST)
    check("GSSENCRequest answered N", read_exactly(sock, 1), b"N")
    sock.sendall(SSL_REQUEST)
    check("SSLRequest after GSSENCRequest answered S", read_exactly(sock, 1), b"S")
with socket.create_connection(("127.0.0.1", PORT), timeout=10) as sock:
    sock.sendall(SSL_REQUEST + startup_packet())
    answer = read_message(sock)
    fields = error_fields(answer[1]) if answer and answer[0] == b"E" else {}
    check("plaintext after SSLRequest refused", (fields.get("C"), fields.get("M")),
          ("08P01", "received unencrypted data after SSL request"))
    check("plaintext after SSLRequest: connection closed", closed(sock), True)
for garbage in [b"garbage!" * 8, startup_packet(), b"\x16\x03\x01\x00\x05hello", b"\x16\x03\x01\xff\xff" + b"\0" * 100]:
    with socket.create_connection(("127.0.0.1", PORT), timeout=10) as sock:
        sock.sendall(SSL_REQUEST)
        check("SSLRequest answered S", read_exactly(sock, 1), b"S")
        sock.sendall(garbage)
        check(f"garbage instead of a ClientHello closes the connection ({garbage[:8]!r})", closed(sock), True)
with socket.create_connection(("127.0.0.1", PORT), timeout=10) as sock:
    sock.sendall(SSL_REQUEST)
    read_exactly(sock, 1)
    sock.shutdown(socket.SHUT_WR)
    check("a client that leaves before its handshake: closed", closed(sock), True)
with tls_socket() as sock:
    sock.sendall(SSL_REQUEST)
    answer = read_message(sock)
    fields = error_fields(answer[1]) if answer and answer[0] == b"E" else {}
    check("a second SSLRequest inside TLS refused", fields.get("C"), "08P01")
with tls_socket() as sock:
    sock.sendall(b"\x00\x00\x00\x08garbage-startup")
    answer = read_message(sock)
    check("a malformed startup packet inside TLS gets an ErrorResponse", answer is not None and answer[0], b"E")
check("the server still serves after all of that", serves(), True)

# Start-up refusals: one of --tls-cert/--tls-key without the other, --require-tls without them
# (usage errors, 64); unreadable files and a key that is not the certificate's (1), each with
# one line naming the file, before the server listens.
def serve(*arguments):
    run = subprocess.run([STARLING, "serve", "--warehouse", WAREHOUSE, "--listen", "127.0.0.1:0", *arguments],
                         capture_output=True, text=True, timeout=30)
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    return run.returncode, lines[0] if lines else ""


status, line = serve("--tls-cert", CERT)
check("--tls-cert without --tls-key: usage error", (status, "--tls-cert and --tls-key go together" in line), (64, True))
status, line = serve("--tls-key", KEY)
check("--tls-key without --tls-cert: usage error", (status, "--tls-cert and --tls-key go together" in line), (64, True))
status, line = serve("--require-tls")
check("--require-tls without a certificate: usage error", (status, "--require-tls needs" in line), (64, True))
other_key = os.path.join(WORK, "other.key")
status, line = serve("--tls-cert", CERT, "--tls-key", other_key)
check("a key that is not the certificate's", (status, line),
      (1, f"starling: error: the TLS key {other_key} is not the key of the certificate {CERT}"))
status, line = serve("--tls-cert", KEY, "--tls-key", KEY)
check("a key given as the certificate", (status, "holds no PEM certificate" in line and KEY in line), (1, True))
status, line = serve("--tls-cert", CERT, "--tls-key", CERT)
check("a certificate given as the key", (status, "holds no unencrypted PEM private key" in line and CERT in line),
      (1, True))
missing = os.path.join(WORK, "missing.crt")
status, line = serve("--tls-cert", missing, "--tls-key", KEY)
check("a missing certificate file", (status, line),
      (1, f"starling: error: TLS certificate: cannot open {missing}: No such file or directory"))

finish()
