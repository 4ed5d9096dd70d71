"""Shared pieces of the `rkg serve` tests: a small synthetic build, a loopback listener that
counts every request that would have left the machine, and plain HTTP requests."""

from __future__ import annotations

import http.client
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from graph.serve import Endpoint, HttpLimits, Limits, start

ROOT = Path(__file__).resolve().parent.parent
RKG = [sys.executable, "-m", "graph"]
"""`rkg` of this checkout (run with cwd=ROOT), not whichever the environment installed."""
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DATA = "https://w3id.org/refoulement-kg/id/"
JSON = "application/sparql-results+json"


def write_build(folder: Path, things: int = 40) -> Path:
    """A build folder whose graph.trig holds `things` labelled states in two named graphs."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             f"<{DATA}graph/one> {{"]
    for n in range(things):
        if n == things // 2:
            lines += ["}", f"<{DATA}graph/two> {{"]
        lines.append(f'  <{DATA}state/s{n:04d}> rdfs:label "State number {n}"@en ;'
                     f' <{DATA}rank> {n} .')
    lines.append("}")
    (folder / "graph.trig").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


class Counter(BaseHTTPRequestHandler):
    """Answers like a SPARQL endpoint with one row, and remembers every request."""

    hits: ClassVar[list[str]] = []

    def _count(self) -> None:
        Counter.hits.append(f"{self.command} {self.path}")
        body = (b'{"head":{"vars":["leak"]},"results":{"bindings":[{"leak":{"type":"literal",'
                b'"value":"LEAKED-FROM-LISTENER"}}]}}')
        self.send_response(200)
        self.send_header("Content-Type", JSON)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _count

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def listening() -> Iterator[str]:
    Counter.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def served(build: Path, limits: Limits | None = None, http: HttpLimits | None = None,
           **options: object) -> Iterator[Endpoint]:
    endpoint = start(build, port=0, limits=limits, http=http, **options)  # type: ignore[arg-type]
    try:
        yield endpoint
    finally:
        endpoint.stop()


def request(endpoint: Endpoint, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float = 30
            ) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection: status, headers (lower-case names), body."""
    parsed = urllib.parse.urlsplit(endpoint.url)
    conn = http.client.HTTPConnection(parsed.hostname or "", parsed.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()


def transports(query: str) -> list[tuple[str, str, bytes | None, dict[str, str]]]:
    """The query sent every way the SPARQL 1.1 Protocol allows: (method, path, body,
    headers)."""
    encoded = urllib.parse.urlencode({"query": query})
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": JSON}
    return [
        ("GET", f"/query?{encoded}", None, {"Accept": JSON}),
        ("GET", f"/sparql?{encoded}", None, {"Accept": JSON}),
        ("GET", f"/?{encoded}", None, {"Accept": JSON}),
        ("POST", "/query", encoded.encode(), form),
        ("POST", "/sparql", encoded.encode(), form),
        ("POST", "/query", query.encode("utf-8"),
         {"Content-Type": "application/sparql-query", "Accept": JSON}),
    ]
