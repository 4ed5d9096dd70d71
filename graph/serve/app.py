"""What `rkg serve` answers: the SPARQL 1.1 Protocol (query only), the query page, the build's
offline site, and a health check; and who it answers.

Who: a request must name this server in `Host` (localhost, an IP address, or a name given with
`--allow-host`), so a DNS-rebinding page cannot read answers; a request sent by another site's
page (`Sec-Fetch-Site: cross-site`/`same-site`, or an `Origin` other than this server) cannot
run a query, so a page elsewhere cannot make a browser run one with an `<img>` or a no-cors
fetch. With `--token`, queries also need `Authorization: Bearer TOKEN`.

Queries: GET or POST on `/query` or `/sparql` (`query=` in the URL or a form, or an
`application/sparql-query` body). Refused with 403: `/update`, `update=`,
`application/sparql-update`, `default-graph-uri`/`named-graph-uri`, and whatever
graph/guard.py refuses; the engine's syntax errors are 400.

The same `App` runs in the server and, as `FrontApp` (graph/serve/front.py), in its front
processes (graph/serve/fronts.py), where what needs the server (`_other`, `_in_worker`) is
handed back to it.
"""

from __future__ import annotations

import binascii
import hmac
import ipaddress
import json
import mimetypes
import re
import urllib.parse
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from graph.guard import QueryRefused, check_query
from graph.serve.generation import Served
from graph.serve.http import DATA_SECURITY, Connection, Request
from graph.serve.inline import Inline
from graph.serve.pool import Pool, PoolError
from graph.serve.remembered import Remembered
from graph.serve.ui import UI_CSP, Ui

if TYPE_CHECKING:
    from graph.serve.fronts import Fronts

QUERY_PATHS = ("/query", "/sparql")
STREAM_AFTER = 1 << 16
"""Answers up to this size are sent whole with a Content-Length; longer ones are streamed."""
SITE_CSP = (b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            b"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
            b"base-uri 'none'; form-action 'none'")
ANSWER_CSP = b"default-src 'none'; frame-ancestors 'none'"
_ANSWER_HEADERS: dict[bytes, tuple[tuple[bytes, bytes], ...]] = {}
REMEMBERED = 4096
"""How many query texts each of the caches by exact text remembers (the repeated short queries
of programs); each is emptied when full, so memory stays bounded."""
REMEMBERED_CHARS = 8192
"""Longer texts are not remembered (programs repeat short lookups, not long queries)."""
FORM_CHARS = 2048
"""Longest form body whose decoded query is remembered: a lookup's is a few hundred bytes,
and each one remembered holds both the body and the text (at most 4096 x 4 KB here)."""
_FORM_QUERIES: Remembered[str, str] = Remembered(REMEMBERED, longest=FORM_CHARS)


def form_query(body: str) -> str:
    """The query of a one-field form body `query=...`, decoded; remembered by the exact body
    (a function of it alone): decoding costs a lookup about as much as the rest of its
    protocol handling."""
    text = _FORM_QUERIES.get(body)
    if text is None:
        text = _FORM_QUERIES.keep(body, unquote_plus(body[6:]))
    return text


_NOT_AN_ESCAPE = re.compile("%(?![0-9A-Fa-f]{2})")


def unquote_plus(value: str) -> str:
    """`urllib.parse.unquote_plus(value)`, a sixth of its cost for the usual form value (ASCII,
    every `%` a valid escape, no `=`): then percent-decoding is quoted-printable decoding
    (`binascii.a2b_qp`, in C) of the value with `%` written `=`, where unquote_plus decodes
    escape by escape in Python. Any other value is given to unquote_plus
    (tests/test_guard_fast.py compares the two)."""
    if value.isascii() and "=" not in value and _NOT_AN_ESCAPE.search(value) is None:
        decoded = binascii.a2b_qp(value.replace("+", " ").replace("%", "="))
        return decoded.decode("utf-8", "replace")
    return urllib.parse.unquote_plus(value)


@dataclass(frozen=True)
class Access:
    """Who may ask: the names this server answers to, and the optional token."""

    port: int
    allowed_hosts: tuple[str, ...] = ()
    token: str = ""
    _seen: Remembered[str, bool] = field(default_factory=lambda: Remembered(1025),
                                         compare=False, repr=False)

    def host_ok(self, host: str) -> bool:
        known = self._seen.get(host)
        if known is None:
            known = self._seen.keep(host, self._host_ok(host))
        return known

    def _host_ok(self, host: str) -> bool:
        name, port = split_host(host)
        if not name:
            return False
        if port is not None and port != self.port and name not in self.allowed_hosts:
            return False
        if name == "localhost" or name in self.allowed_hosts:
            return True
        try:
            ipaddress.ip_address(name)  # an address, not a name: nothing to rebind
        except ValueError:
            return False
        return True


def split_host(host: str) -> tuple[str, int | None]:
    """`name[:port]` / `[v6]:port` -> (lower-case name, port)."""
    host = host.strip().lower()
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        name, _, port_text = host.partition(":")
    if port_text and not port_text.isdigit():
        return "", None
    return name.rstrip("."), int(port_text) if port_text else None


class Counts(Protocol):
    """Lookups answered in the server (graph/serve/inline.py) and lookups handed to workers;
    a front keeps them in memory the server reads (graph/serve/channel.py's SlotCounts)."""

    answered: int
    handed_on: int


@dataclass
class LookupCounts:
    answered: int = 0
    handed_on: int = 0


@dataclass(kw_only=True)
class Queries:
    """The SPARQL protocol up to the point where a query must run in a worker: who asks,
    the query's text, the guard, lookups answered here. `App` (the server) runs the rest;
    graph/serve/front.py's `FrontApp` hands it back to the server."""

    access: Access
    inline: Inline | None = None
    counts: Counts = field(default_factory=LookupCounts)
    _checked: Remembered[str, str] = field(
        default_factory=lambda: Remembered(REMEMBERED, longest=REMEMBERED_CHARS))

    def handle(self, conn: Connection, request: Request) -> Awaitable[None] | None:
        """Answer `request`; None when it is answered already (refusals, lookups in the
        event-loop thread), else what answers it, to await (graph/serve/http.py's Handler)."""
        url = urllib.parse.urlsplit(request.target)
        path = url.path or "/"
        host = request.header("host")
        if not self.access.host_ok(host):
            conn.reply(403, f"this server does not answer to the host name {host!r} (a "
                            "protection against DNS rebinding); start it with --allow-host "
                            "NAME to serve it under that name", request)
            return None
        args = urllib.parse.parse_qs(url.query, keep_blank_values=True) if url.query else {}
        if path in QUERY_PATHS or (path == "/" and "query" in args):
            return self._protocol(conn, request, args)
        return self._other(conn, request, path)

    async def _other(self, conn: Connection, request: Request, path: str) -> None:
        """Everything but a query."""
        raise NotImplementedError

    async def _in_worker(self, conn: Connection, request: Request, text: str) -> None:
        """A query that is not answered as a lookup here."""
        raise NotImplementedError

    def follow_builds(self) -> None:
        """Read a newer build's store when there is one (the server's App does)."""

    # -- the SPARQL protocol -----------------------------------------------------------------
    def _cross_site(self, request: Request) -> str:
        """Why this request comes from another site's page ('' if it does not)."""
        site = request.header("sec-fetch-site").lower()
        if site and site not in ("same-origin", "none"):
            return f"Sec-Fetch-Site: {site}"
        origin = request.header("origin")
        if origin:
            parsed = urllib.parse.urlsplit(origin)
            if parsed.scheme not in ("http", "https") or \
                    parsed.netloc.lower() != request.header("host").lower():
                return f"Origin: {origin}"
        return ""

    def _protocol(self, conn: Connection, request: Request,
                  args: dict[str, list[str]]) -> Awaitable[None] | None:
        why = self._cross_site(request)
        if why:
            conn.reply(403, f"queries from another site's page are refused ({why})", request)
            return None
        if self.access.token:
            given = request.header("authorization")
            expected = f"Bearer {self.access.token}"
            if not hmac.compare_digest(given.encode(), expected.encode()):
                conn.reply(401, "this endpoint needs a token: Authorization: Bearer TOKEN",
                           request, [(b"WWW-Authenticate", b'Bearer realm="rkg"')])
                return None
        text, problem = self._query_text(request, args)
        if problem:
            status, message = problem
            conn.reply(status, message, request)
            return None
        assert text is not None
        refusal = self._check(text)
        if refusal:
            conn.reply(403, refusal, request)
            return None
        return self._run(conn, request, text)

    def _query_text(self, request: Request, args: dict[str, list[str]]
                    ) -> tuple[str | None, tuple[int, str] | None]:
        if "update" in args:
            return None, (403, "updates are refused: this endpoint is read-only")
        fields = dict(args)
        if request.method == "POST":
            kind = request.header("content-type").split(";")[0].strip().lower()
            if kind == "application/sparql-update":
                return None, (403, "updates are refused: this endpoint is read-only")
            if kind == "application/x-www-form-urlencoded":
                try:
                    body = request.body.decode("utf-8")
                except UnicodeDecodeError:
                    return None, (400, "the form is not UTF-8")
                if body.startswith("query=") and "&" not in body:
                    # the usual form, one field: what parse_qs gives, at a third of its cost
                    form = {"query": [form_query(body)]}
                else:
                    form = urllib.parse.parse_qs(body, keep_blank_values=True,
                                                 strict_parsing=False)
                if "update" in form:
                    return None, (403, "updates are refused: this endpoint is read-only")
                for key, values in form.items():
                    fields.setdefault(key, []).extend(values)
            elif kind == "application/sparql-query":
                try:
                    fields.setdefault("query", []).append(request.body.decode("utf-8"))
                except UnicodeDecodeError:
                    return None, (400, "the query is not UTF-8")
            else:
                return None, (415, "POST a form (application/x-www-form-urlencoded) or an "
                                   "application/sparql-query body")
        elif request.method != "GET":
            return None, (405, f"{request.method} is not allowed on a query endpoint")
        if "default-graph-uri" in fields or "named-graph-uri" in fields:
            return None, (403, "default-graph-uri and named-graph-uri are refused: the "
                               "default graph is the union of all graphs; use GRAPH")
        queries = fields.get("query", [])
        if len(queries) != 1:
            return None, (400, "give exactly one query (query=... or an "
                               "application/sparql-query body)")
        return queries[0], None

    def _check(self, text: str) -> str:
        """The guard's refusal ('' when the query may run), remembered for repeated texts."""
        known = self._checked.get(text)
        if known is not None:
            return known
        try:
            check_query(text)
            verdict = ""
        except QueryRefused as exc:
            verdict = str(exc).removeprefix("<query>: ")
        return self._checked.keep(text, verdict)  # the repeated queries of programs

    def _run(self, conn: Connection, request: Request, text: str) -> Awaitable[None] | None:
        self.follow_builds()
        inline = self.inline
        if inline is not None and not request.inline_tried and inline.shape(text) is not None:
            # a lookup, answered in this process (graph/serve/inline.py): in the event-loop
            # thread, at once, or on a lookup thread
            if inline.threads:
                return self._on_thread(conn, request, text, inline)
            if self._answered(conn, request, inline.answer(text, request.header("accept"))):
                return None
        return self._in_worker(conn, request, text)

    async def _on_thread(self, conn: Connection, request: Request, text: str,
                         inline: Inline) -> None:
        found = await inline.submit(text, request.header("accept"))
        if not self._answered(conn, request, found):
            await self._in_worker(conn, request, text)

    def _answered(self, conn: Connection, request: Request,
                  found: tuple[bytes, bytes] | None) -> bool:
        """Send a lookup's answer; False when it was not answered (a worker must)."""
        if found is None:
            self.counts.handed_on += 1
            request.inline_tried = True
            return False
        self.counts.answered += 1
        content_type, body = found
        conn.send(request, 200, answer_headers(content_type), body, DATA_SECURITY)
        return True


@dataclass(kw_only=True)
class App(Queries):
    """What the server answers: all of it."""

    pool: Pool
    ui: Ui
    site_dir: Path | None = None
    served: Served | None = None
    fronts: Fronts | None = None

    async def _other(self, conn: Connection, request: Request, path: str) -> None:
        """Everything but a query: refusals of writes, `/health`, the page, the site."""
        if path.rstrip("/") in ("/update", "/store"):
            conn.reply(403, "updates and Graph Store writes are refused: this endpoint is "
                            "read-only", request)
        elif path == "/health" and request.method in ("GET", "HEAD"):
            self._health(conn, request)
        elif request.method not in ("GET", "HEAD"):
            conn.reply(405, f"{request.method} is not allowed: this endpoint is read-only",
                       request, [(b"Allow", b"GET, HEAD, POST")])
        elif path.startswith("/site/") or path == "/site":
            self._site(conn, request, path)
        elif path == "/favicon.ico":  # browsers ask for it; there is none
            conn.send(request, 204, [(b"Cache-Control", b"max-age=86400")], b"")
        else:
            asset = self.ui.asset(path)
            if asset is None:
                conn.reply(404, f"nothing at {path}; the query page is at /, the SPARQL "
                                "endpoint at /query", request)
                return
            content_type, body = asset
            conn.send(request, 200, [(b"Content-Type", content_type),
                                     (b"Cache-Control", b"no-cache"),
                                     (b"Content-Security-Policy", UI_CSP)], body)

    def follow_builds(self) -> None:
        """Switch to a newer build's store when one is ready (graph/serve/generation.py)."""
        if self.served is None:
            return
        newer = self.served.newer()
        if newer is not None:
            self.pool.switch(newer)
            if self.fronts is not None:
                self.fronts.switch(newer)
            if self.inline is not None:
                self.inline.close()
                try:
                    self.inline = Inline(newer, self.pool.limits.max_bytes,
                                         self.pool.limits.lookup_threads)
                except OSError:  # cannot open it here: the workers answer everything
                    self.inline = None
        if len(self.served.pins) > 1:
            fronts = self.fronts
            self.served.release_unused(lambda store: self.pool.reads(store) or (
                fronts is not None and fronts.reads(store)))

    async def _in_worker(self, conn: Connection, request: Request, text: str) -> None:
        """Run the query in a worker process (graph/serve/pool.py), streaming its answer."""
        try:
            async with self.pool.query({"query": text,
                                        "accept": request.header("accept")}) as job:
                kind, payload = await job.frame()
                if kind == b"E":
                    self._error(conn, request, payload)
                    return
                headers = answer_headers(payload)
                pending: list[bytes] = []
                size = 0
                while size < STREAM_AFTER:
                    kind, payload = await job.frame()
                    if kind == b"D":
                        pending.append(payload)
                        size += len(payload)
                    elif kind == b"F":
                        conn.send(request, 200, headers, b"".join(pending), DATA_SECURITY)
                        return
                    else:
                        self._error(conn, request, payload)
                        return
                conn.start_stream(request, 200, headers, DATA_SECURITY)
                if not await conn.write_chunk(b"".join(pending)):
                    return
                while True:
                    kind, payload = await job.frame()
                    if kind == b"D":
                        if not await conn.write_chunk(payload):
                            return
                    elif kind == b"F":
                        conn.end_stream()
                        return
                    else:
                        conn.abort_stream(request, json.loads(payload)["message"])
                        return
        except PoolError as exc:
            if conn.chunked:
                conn.abort_stream(request, exc.message)
            else:
                extra = [(b"Retry-After", b"5")] if exc.status == 503 else []
                conn.reply(exc.status, exc.message, request, extra)

    @staticmethod
    def _error(conn: Connection, request: Request, payload: bytes) -> None:
        info = json.loads(payload)
        conn.reply(int(info["status"]), str(info["message"]), request)

    def _health(self, conn: Connection, request: Request) -> None:
        status = self.pool.status()
        healthy = status["workers"] > 0 or status["idle"] > 0
        body: dict[str, Any] = {"status": "ok" if healthy else "no query worker", **status}
        if self.inline is not None or self.fronts is not None:
            answered, handed_on = self.fronts.counts() if self.fronts is not None else (0, 0)
            body["lookups_in_server"] = self.counts.answered + answered
            body["lookups_handed_to_workers"] = self.counts.handed_on + handed_on
        if self.fronts is not None:
            body.update(self.fronts.status())
        conn.send(request, 200 if healthy else 503,
                  [(b"Content-Type", b"application/json"), (b"Cache-Control", b"no-store")],
                  json.dumps(body, sort_keys=True).encode() + b"\n")

    def _site(self, conn: Connection, request: Request, path: str) -> None:
        if self.site_dir is None:
            conn.reply(404, "this build has no site (run 'rkg viz' or build without "
                            "--no-site)", request)
            return
        relative = urllib.parse.unquote(path[len("/site"):]).lstrip("/") or "index.html"
        root = self.site_dir.resolve()
        target = (root / relative).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(root) or not target.is_file():
            conn.reply(404, f"no such page: {path}", request)
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith(("javascript", "json")):
            content_type += "; charset=utf-8"
        conn.send(request, 200, [(b"Content-Type", content_type.encode()),
                                 (b"Cache-Control", b"no-cache"),
                                 (b"Content-Security-Policy", SITE_CSP)],
                  target.read_bytes())


def answer_headers(content_type: bytes) -> tuple[tuple[bytes, bytes], ...]:
    """The headers of a query's answer of `content_type`, beside graph/serve/http.py's
    DATA_SECURITY; made once per type. Each one is there for a reason:
    - Content-Type, with the charset of text types;
    - Cache-Control: no-store: an answer may be behind a token, and is of one build: it stays
      out of the browser's disk and back-forward caches (and, stored nowhere, needs no
      `Vary: Accept`);
    - a Content-Security-Policy that allows nothing, on XML types only: a browser opens an
      XML answer as a document, where elements of the XHTML namespace run as a page would.
      JSON, CSV, TSV and the other RDF syntaxes are shown as text (nosniff), where a policy
      has nothing to stop."""
    headers = _ANSWER_HEADERS.get(content_type)
    if headers is None:
        charset = b"; charset=utf-8" if content_type.startswith(b"text/") else b""
        headers = ((b"Content-Type", content_type + charset), (b"Cache-Control", b"no-store"))
        if content_type.endswith(b"xml"):
            headers += ((b"Content-Security-Policy", ANSWER_CSP),)
        if len(_ANSWER_HEADERS) < 64:  # the types a worker negotiates: a few
            _ANSWER_HEADERS[content_type] = headers
    return headers
