"""`rkg serve`: the built graph as a read-only SPARQL 1.1 endpoint with a query UI.

Oxigraph's own server does the work: the build's graph.trig (and inferred.trig) are loaded
into an Oxigraph store folder (`out/oxigraph/`, rebuilt when its inputs change) and served by
`oxigraph serve-read-only` on a private loopback port; it ships the YASGUI query UI. Oxigraph
follows SERVICE to other endpoints (PITFALLS.md), so clients never reach it directly: a small
guard (stdlib http.server) listens on the public port, parses every query with
`graph.query.check_safe` and refuses updates, LOAD, SERVICE and FROM (HTTP 403) or queries it
cannot parse (HTTP 400) before forwarding the rest.

Protocol: GET/POST `/query` or `/sparql` (SPARQL 1.1 Protocol: `query=` in the URL or a form,
or an `application/sparql-query` body); `/update` and any `update=` are refused; other GETs
(the UI at `/`, its assets, Graph Store reads at `/store`) pass through.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from graph.errors import RkgError
from graph.query import QueryRefused, check_safe
from graph.store import graph_file, inferred_file

STORE_DIR = "oxigraph"
STAMP_FILE = "rkg-source.json"
MAX_BODY = 1_000_000
QUERY_PATHS = ("/query", "/sparql", "/")
PASS_HEADERS = ("content-type", "content-length", "cache-control", "last-modified", "etag")
DEFAULT_TIMEOUT_S = 60


class ServeError(RkgError):
    """The endpoint cannot be prepared or started (the message says why)."""


# ---------------------------------------------------------------------------------------------
# The Oxigraph store and process
# ---------------------------------------------------------------------------------------------


def oxigraph_executable() -> str:
    """The `oxigraph` CLI of the `oxigraph` PyPI package: beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise ServeError("the 'oxigraph' command is not installed (pip install oxigraph)")
    return found


def _inputs(outdir: Path) -> list[Path]:
    paths = [graph_file(outdir)]
    extra = inferred_file(outdir)
    if extra is not None:
        paths.append(extra)
    return paths


def _fingerprint(paths: Sequence[Path]) -> dict[str, str]:
    digests = {}
    for path in paths:
        sha = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                sha.update(chunk)
        digests[path.name] = sha.hexdigest()
    return digests


def prepare_store(outdir: Path, location: Path | None = None) -> Path:
    """The Oxigraph store folder for the build in `outdir`, (re)loaded if its inputs changed.

    Loading goes into a temporary folder renamed into place, so a failed load leaves the last
    good store intact.
    """
    target = location or outdir / STORE_DIR
    paths = _inputs(outdir)
    stamp = _fingerprint(paths)
    stamp_path = target / STAMP_FILE
    if stamp_path.is_file():
        try:
            if json.loads(stamp_path.read_text(encoding="utf-8")) == stamp:
                return target
        except (OSError, ValueError):
            pass
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        command = [oxigraph_executable(), "load", "--location", str(tmp)]
        for path in paths:
            command += ["--file", str(path)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ServeError(f"oxigraph load failed for {', '.join(map(str, paths))}: "
                             f"{done.stderr.strip()[-500:]}")
        (tmp / STAMP_FILE).write_text(json.dumps(stamp, sort_keys=True), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServeError(f"oxigraph serve-read-only exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise ServeError(f"oxigraph did not answer on {url} within {timeout:.0f} s")


# ---------------------------------------------------------------------------------------------
# The guard
# ---------------------------------------------------------------------------------------------


class GuardHandler(BaseHTTPRequestHandler):
    """Refuses what must never reach Oxigraph; forwards the rest to `self.server.backend`."""

    server_version = "rkg-serve"
    protocol_version = "HTTP/1.1"

    @property
    def backend(self) -> str:
        return str(getattr(self.server, "backend", ""))

    def log_message(self, format: str, *args: object) -> None:
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    # -- responses -------------------------------------------------------------------------

    def _reply(self, status: int, message: str) -> None:
        body = (message.rstrip() + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _forward(self, method: str, path: str, body: bytes | None,
                 content_type: str | None) -> None:
        request = urllib.request.Request(self.backend + path, data=body, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        accept = self.headers.get("Accept")
        if accept:
            request.add_header("Accept", accept)
        try:
            with urllib.request.urlopen(request, timeout=DEFAULT_TIMEOUT_S + 5) as response:
                self._relay(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            self._relay(error.code, error.headers, error.read())
        except (urllib.error.URLError, OSError) as error:
            self._reply(502, f"the SPARQL engine did not answer: {error}")

    def _relay(self, status: int, headers: object, body: bytes) -> None:
        self.send_response(status)
        for name in PASS_HEADERS:
            value = headers.get(name) if hasattr(headers, "get") else None
            if value and name != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    # -- request handling --------------------------------------------------------------------

    def _read_body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            size = int(length)
        except ValueError:
            return None
        if size < 0 or size > MAX_BODY:
            return None
        return self.rfile.read(size)

    def _handle(self) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path or "/"
        args = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        if path.rstrip("/") == "/update" or "update" in args:
            self._reply(403, "updates are refused: this endpoint is read-only")
            return
        query: str | None = None
        if "query" in args:
            query = args["query"][0]
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if self.command == "POST":
            body = self._read_body()
            if body is None:
                self._reply(413, f"request body missing a valid length or over {MAX_BODY} "
                                 "bytes")
                return
            if content_type == "application/sparql-update":
                self._reply(403, "updates are refused: this endpoint is read-only")
                return
            if content_type == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(body.decode("utf-8", "replace"),
                                             keep_blank_values=True)
                if "update" in form:
                    self._reply(403, "updates are refused: this endpoint is read-only")
                    return
                if "query" in form:
                    query = form["query"][0]
                for key in ("default-graph-uri", "named-graph-uri"):
                    args.setdefault(key, []).extend(form.get(key, []))
            elif content_type == "application/sparql-query":
                query = body.decode("utf-8", "replace")
            if query is None:
                self._reply(400, "POST needs a SPARQL query (query=... or an "
                                 "application/sparql-query body)")
                return
        if query is None:
            if self.command in ("GET", "HEAD"):
                self._forward(self.command, self.path, None, None)
            else:
                self._reply(405, f"{self.command} is not allowed")
            return
        if path not in QUERY_PATHS:
            self._reply(404, f"no SPARQL endpoint at {path}; use /query")
            return
        try:
            check_safe(query, "query")
        except QueryRefused as exc:
            self._reply(403, str(exc))
            return
        except RkgError as exc:
            self._reply(400, str(exc))
            return
        extra = [(k, v) for k in ("default-graph-uri", "named-graph-uri")
                 for v in args.get(k, [])]
        target = "/query" + (("?" + urllib.parse.urlencode(extra)) if extra else "")
        self._forward("POST", target, query.encode("utf-8"), "application/sparql-query")

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _not_allowed(self) -> None:
        self._reply(405, f"{self.command} is not allowed: this endpoint is read-only")

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed


class GuardServer(ThreadingHTTPServer):
    daemon_threads = True
    backend = ""
    verbose = False


# ---------------------------------------------------------------------------------------------
# Starting and stopping
# ---------------------------------------------------------------------------------------------


@dataclass
class Endpoint:
    """A running endpoint: the guard (public) and the Oxigraph process behind it."""

    url: str
    backend: str
    store: Path
    process: subprocess.Popen[bytes]
    server: GuardServer
    thread: threading.Thread | None = None
    log: list[str] = field(default_factory=list)

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(outdir: Path, *, port: int = 7878, host: str = "127.0.0.1",
          timeout: float = 30.0, verbose: bool = False, background: bool = True) -> Endpoint:
    """Load the build into Oxigraph, start it on a private port and the guard on `port`."""
    store = prepare_store(outdir)
    try:
        server = GuardServer((host, port), GuardHandler)
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    inner_port = free_port()
    backend = f"http://127.0.0.1:{inner_port}"
    command = [oxigraph_executable(), "serve-read-only", "--location", str(store),
               "--bind", f"127.0.0.1:{inner_port}", "--union-default-graph",
               "--timeout-s", str(DEFAULT_TIMEOUT_S)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                               stderr=None if verbose else subprocess.DEVNULL)
    try:
        _wait_until_up(backend + "/", process, timeout)
    except ServeError:
        server.server_close()
        if process.poll() is None:
            process.terminate()
            process.wait()
        raise
    server.backend = backend
    server.verbose = verbose
    bound_port = int(server.server_address[1])
    endpoint = Endpoint(f"http://{host}:{bound_port}", backend, store, process, server)
    if background:
        endpoint.thread = threading.Thread(target=server.serve_forever, daemon=True)
        endpoint.thread.start()
    return endpoint
