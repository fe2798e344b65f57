"""What the server checks (tools/test-server.py and tools/test-server-users.py) share: the tally
of checks, and raw PostgreSQL wire-protocol framing (one message out, one message or an exact byte
count in)."""
import socket
import struct
import sys

passed = 0
failed = 0


def check(name, actual, expected):
    """Counts a check, printing it when `actual` is not `expected`."""
    global passed, failed
    if actual == expected:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}:\n  expected {expected!r}\n  actual   {actual!r}")


def finish():
    """Prints `N passed, N failed` and exits 1 on any failure."""
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def message(kind, body=b""):
    """A frontend message: its type byte, its length (itself included) and its body."""
    return kind + struct.pack("!i", len(body) + 4) + body


def error_fields(body):
    """An ErrorResponse or NoticeResponse body as {field code: value}."""
    fields = {}
    for part in body.split(b"\0"):
        if part:
            fields[part[:1].decode()] = part[1:].decode()
    return fields


def read_message(sock):
    """The next backend message as (type byte, body), or None when the connection closed."""
    header = read_exactly(sock, 5)
    if header is None:
        return None
    kind, length = header[:1], struct.unpack("!i", header[1:])[0]
    return kind, read_exactly(sock, length - 4)


def read_exactly(sock, count):
    """`count` bytes from `sock`, or None when it closes first."""
    data = b""
    while len(data) < count:
        piece = sock.recv(count - len(data))
        if not piece:
            return None
        data += piece
    return data


def local_address():
    """This machine's address on its default route (not loopback), or None."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 9))  # UDP: nothing is sent
        address = probe.getsockname()[0]
        return None if address.startswith("127.") else address
    except OSError:
        return None
    finally:
        probe.close()
