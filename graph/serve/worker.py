"""One query worker of `rkg serve`: a process that opens the build's store read-only and runs
the queries the server sends it, streaming each answer back in frames.

Run as a script (`python worker.py STORE [--no-sandbox] [--memory-mb N]`), it imports nothing
of the `graph` package, so a replacement starts in a fraction of a second. Before it opens the
store it tries to move into a network namespace of its own (a new user and network namespace,
with no interface up, not even loopback): then the engine has no route out at all, whatever a
query says. The server's lexical guard (graph/guard.py) is the first line; this is the second,
reported by `/health` as `"sandbox": true`. Where the kernel refuses unprivileged namespaces the
worker runs without it and says so.

Frames: the server sends `length(4) + JSON {"query", "accept", "max_bytes"}`; the worker
answers `kind(1) + length(4) + payload` frames: `H` content type, `D` data, `E` error (JSON
`{"status", "message"}`), `F` finished. The server kills a worker whose query runs too long;
that is how a time limit stops the work.
"""

from __future__ import annotations

import ctypes
import functools
import json
import os
import resource
import struct
import sys
from typing import Any

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1
FLUSH_BYTES = 1 << 16

RESULT_TYPES = (
    ("application/sparql-results+json", "JSON"), ("application/json", "JSON"),
    ("application/sparql-results+xml", "XML"), ("application/xml", "XML"),
    ("text/csv", "CSV"), ("text/tab-separated-values", "TSV"))
GRAPH_TYPES = (
    ("text/turtle", "TURTLE"), ("application/n-triples", "N_TRIPLES"),
    ("application/ld+json", "JSON_LD"), ("application/rdf+xml", "RDF_XML"),
    ("application/n-quads", "N_QUADS"), ("application/trig", "TRIG"),
    ("text/plain", "N_TRIPLES"))


class ResultTooLarge(Exception):
    pass


def sandbox() -> str:
    """Enter a new user + network namespace; '' on success, else why not."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return os.strerror(ctypes.get_errno())
    return ""


@functools.lru_cache(maxsize=256)
def negotiate(accept: str, offers: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    """The offer the Accept header prefers (q-values, `type/*`, `*/*`); the first offer when
    the header is empty; None when it accepts none of them."""
    if not accept.strip():
        return offers[0]
    best: tuple[float, int, tuple[str, str]] | None = None
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        quality = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        for offer in offers:
            major = offer[0].split("/")[0]
            if media in (offer[0], "*/*", f"{major}/*"):
                specific = 0 if media == offer[0] else 1
                key = (-quality, specific * 1000 + position, offer)
                if best is None or key[:2] < best[:2]:
                    best = key
                break
    return best[2] if best else None


class Channel:
    """Frames to the server on stdout, buffered up to FLUSH_BYTES."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    def frame(self, kind: bytes, payload: bytes = b"") -> None:
        self.buffer += kind + struct.pack(">I", len(payload)) + payload
        if len(self.buffer) >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        data = bytes(self.buffer)
        self.buffer.clear()
        while data:
            written = os.write(self.fd, data)
            data = data[written:]


class ResultWriter:
    """The file object pyoxigraph serialises into: data frames, at most `limit` bytes."""

    def __init__(self, channel: Channel, limit: int) -> None:
        self.channel = channel
        self.limit = limit
        self.size = 0

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.size += len(chunk)
        if self.limit and self.size > self.limit:
            raise ResultTooLarge()
        self.channel.frame(b"D", chunk)
        return len(chunk)

    def flush(self) -> None:
        pass


def run(store: Any, ox: Any, request: dict[str, Any], channel: Channel) -> None:
    def error(status: int, message: str) -> None:
        channel.frame(b"E", json.dumps({"status": status, "message": message}).encode())

    try:
        result = store.query(request["query"], use_default_graph_as_union=True)
    except SyntaxError as exc:
        error(400, f"SPARQL syntax error: {exc}")
        return
    except Exception as exc:  # the engine's errors (evaluation, I/O)
        error(500, f"the query failed: {exc}")
        return
    if isinstance(result, ox.QueryTriples):
        offer = negotiate(request.get("accept", ""), GRAPH_TYPES)
        fmt = getattr(ox.RdfFormat, offer[1]) if offer else None
    else:
        offer = negotiate(request.get("accept", ""), RESULT_TYPES)
        fmt = getattr(ox.QueryResultsFormat, offer[1]) if offer else None
    if offer is None:
        kinds = GRAPH_TYPES if isinstance(result, ox.QueryTriples) else RESULT_TYPES
        error(406, "none of the accepted types can be produced; ask for one of "
                   + ", ".join(t for t, _ in kinds))
        return
    channel.frame(b"H", offer[0].encode())
    writer = ResultWriter(channel, int(request.get("max_bytes", 0)))
    try:
        result.serialize(writer, fmt)
    except ResultTooLarge:
        error(413, f"the answer is larger than the limit of {writer.limit:,} bytes; add a "
                   "LIMIT or ask for less")
        return
    except Exception as exc:  # evaluation errors surface while iterating
        error(500, f"the query failed: {exc}")
        return
    channel.frame(b"F")


def read_exact(fd: int, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def main(argv: list[str]) -> None:
    store_path = argv[0]
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)  # die with the server's thread
    why_not = "disabled (--no-sandbox)" if "--no-sandbox" in argv else sandbox()
    if "--memory-mb" in argv:
        limit = int(argv[argv.index("--memory-mb") + 1]) << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import pyoxigraph as ox  # after the sandbox: nothing of the engine runs outside it

    channel = Channel(sys.stdout.fileno())
    try:
        store = ox.Store.read_only(store_path)
    except Exception as exc:
        channel.frame(b"E", json.dumps({"status": 500, "message": f"cannot open the store "
                                        f"{store_path}: {exc}"}).encode())
        channel.flush()
        sys.exit(1)
    channel.frame(b"R", json.dumps({"sandbox": not why_not, "why_not": why_not}).encode())
    channel.flush()
    stdin = sys.stdin.fileno()
    while True:
        head = read_exact(stdin, 4)
        if head is None:
            return
        body = read_exact(stdin, struct.unpack(">I", head)[0])
        if body is None:
            return
        run(store, ox, json.loads(body), channel)
        channel.flush()


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except (BrokenPipeError, KeyboardInterrupt):  # the server went away: nothing to say
        os._exit(0)
