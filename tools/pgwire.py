"""Raw PostgreSQL wire-protocol framing for the server checks (tools/test-server.py and
tools/test-server-users.py): one message out, one message or an exact byte count in."""
import struct


def message(kind, body=b""):
    """A frontend message: its type byte, its length (itself included) and its body."""
    return kind + struct.pack("!i", len(body) + 4) + body


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
