"""A small HTTP/1.1 server on asyncio for `rkg serve`: one thread, bounded everything.

Why not `http.server`: one thread per connection (300 idle connections made 302 threads) and
no way to stream an answer while watching for the client going away. Here every connection is
a Protocol object: a request head must arrive within `header_timeout`, an idle keep-alive
connection is closed after `idle_timeout`, at most `max_connections` are open, heads and bodies
have size limits, and answers are written with back-pressure (the worker is not read while the
client is not reading).

An answer that cannot be finished after its first bytes went out (time limit, size limit, the
engine failing) is never a complete-looking 200: its chunked body gets a last chunk with an
error line (`#rkg-error: ...`, which no JSON, CSV or RDF parser accepts) and the connection is
closed without the terminating zero-length chunk, so HTTP clients report a truncated body.

Repeated requests cost less: a request head is parsed once per exact head (`parse_head`;
programs send the same head but for its Content-Length), as graph/serve/app.py decodes a form
and judges a query once per exact text.

A connection can move between processes (graph/serve/fronts.py): `Connection.hand_over`
gives its socket, with the bytes of the request being answered and of any that follow, to
another process, and `Server.adopt` takes such a socket in and answers what came with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, cast

from graph.serve.remembered import Remembered

REASONS = {200: "OK", 204: "No Content", 304: "Not Modified", 400: "Bad Request",
           401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout",
           411: "Length Required", 413: "Content Too Large", 414: "URI Too Long",
           415: "Unsupported Media Type", 421: "Misdirected Request",
           431: "Request Header Fields Too Large", 500: "Internal Server Error",
           501: "Not Implemented", 503: "Service Unavailable", 504: "Gateway Timeout"}
DATA_SECURITY = (b"X-Content-Type-Options: nosniff\r\n"
                 b"Cross-Origin-Resource-Policy: same-origin\r\n")
"""The security headers of an answer that is data (a query's results), not a page:
- nosniff: the answer carries the documents' text; without it a browser may take a CSV or
  JSON answer that starts like HTML for a page and run its scripts as this server's, and it
  would run an answer loaded by `<script src>`; with it the browser keeps to Content-Type.
- Cross-Origin-Resource-Policy: another site's page cannot load an answer into its own
  process (`<img>`, `<script>`, a no-cors fetch), even from a browser that sends no
  Sec-Fetch-Site or Origin for graph/serve/app.py to refuse.
Left to the pages (PAGE_SECURITY): X-Frame-Options (nothing in an answer to click),
Referrer-Policy (nothing in an answer to follow), Server (protects nothing). The answer's own
headers (Cache-Control, a CSP where a browser could render it) are graph/serve/app.py's.
Each header line also costs every client (docs/serve.md, Performance)."""
PAGE_SECURITY = (b"Server: rkg-serve\r\n" + DATA_SECURITY +
                 b"Referrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n")
"""The security headers of everything else: the page, the site, errors and refusals."""


@dataclass(frozen=True)
class HttpLimits:
    max_head: int = 16 << 10
    max_body: int = 1 << 20
    header_timeout: float = 10.0
    idle_timeout: float = 15.0
    max_connections: int = 1024


@dataclass
class Request:
    method: str
    target: str
    version: str
    headers: Mapping[str, str]
    body: bytes = b""
    peer: str = ""
    keep_alive: bool = True
    raw_head: bytes = b""
    """The head as received (without its blank line): the request can be handed on whole."""
    inline_tried: bool = False
    """Another process already tried it as a lookup (graph/serve/inline.py): not again."""

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


Handler = Callable[["Connection", Request], Awaitable[None] | None]
"""Answers a request: returns None when it has answered it already, else what to await."""
RECEIVE_BYTES = 1 << 16
REFUSED_LINGER = 2.0
"""Seconds a connection refused for the connection limit waits for its client to close."""
_HEADS: Remembered[tuple[int, tuple[tuple[bytes, bytes], ...], bool, bool, bytes, bool], bytes] = \
    Remembered(1025)  # a few kinds of answers; bounded all the same
"""Answer heads up to their Content-Length, made once per kind of answer (`_head`)."""
HandOff = Callable[["Connection"], bool]
"""Give a connection to another process (graph/serve/fronts.py); False: keep it here."""


class Server:
    """Owns the listening socket and counts connections."""

    def __init__(self, handler: Handler, limits: HttpLimits, verbose: bool = False) -> None:
        self.handler = handler
        self.limits = limits
        self.verbose = verbose
        self.connections: set[Connection] = set()
        self.server: asyncio.base_events.Server | None = None
        self.hand_off: HandOff | None = None
        self.elsewhere: Callable[[], int] = lambda: 0
        """Connections open in other processes, counted against `max_connections`."""
        self.on_lost: Callable[[], None] | None = None
        """Called when a connection ends here (closed, or handed to another process)."""
        self.received = memoryview(bytearray(RECEIVE_BYTES))
        """Where every connection's socket is read into (one thread: one at a time); the
        bytes are copied out at once. asyncio's plain protocols allocate max_size (256 KB)
        for each read, a measurable part of a small request's CPU."""

    async def listen(self, host: str, port: int) -> tuple[str, int]:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(lambda: Connection(self), host, port,
                                               backlog=1024, reuse_address=True)
        sockname = self.server.sockets[0].getsockname()
        return str(sockname[0]), int(sockname[1])

    def adopt(self, sock: socket.socket, pending: bytes = b"", inline_tried: bool = False
              ) -> None:
        """Serve a connection another process handed over, starting with `pending` (the
        bytes it had read and not answered)."""
        loop = asyncio.get_running_loop()
        connect = loop.connect_accepted_socket(
            lambda: Connection(self, pending, inline_tried, adopted=True), sock)
        task = loop.create_task(connect)
        task.add_done_callback(_ignore_failure)

    async def close(self, seconds: float = 2.0) -> None:
        """Stop listening and close every connection; wait `seconds` at most for them."""
        if self.server is not None:
            self.server.close()
        for connection in list(self.connections):
            connection.close()
        if self.server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), seconds)

    def log(self, line: str) -> None:
        if self.verbose:
            print(line, file=sys.stderr, flush=True)


def _ignore_failure(task: asyncio.Task[object]) -> None:
    if not task.cancelled():
        task.exception()  # a client gone before its socket was taken in: nothing to do


class Connection(asyncio.BufferedProtocol):
    def __init__(self, server: Server, pending: bytes = b"", inline_tried: bool = False,
                 adopted: bool = False) -> None:
        self.server = server
        self.loop = asyncio.get_running_loop()
        self.pending = pending
        self.inline_tried = inline_tried
        self.adopted = adopted
        self.handed_over = False
        self.limits = server.limits
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.busy = False
        self.closed = False
        self.peer = ""
        self.task: asyncio.Task[None] | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.deadline = 0.0
        self.writable = asyncio.Event()
        self.writable.set()
        self.gone = asyncio.Event()
        self.chunked = False
        self.continued = False
        self.paused = False

    # -- asyncio.Protocol ------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports (graph/serve/loop.py) have asyncio's methods, not its classes
        self.transport = transport = cast(asyncio.Transport, transport)
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        server = self.server
        if not self.adopted:
            if len(server.connections) + server.elsewhere() >= self.limits.max_connections:
                self._refuse(transport)
                return
            if server.hand_off is not None and server.hand_off(self):
                return
        server.connections.add(self)
        self._arm(self.limits.idle_timeout)
        if self.pending:
            self.buffer += self.pending
            self.pending = b""
            self._next_request()

    def _refuse(self, transport: asyncio.Transport) -> None:
        """Answer 503 and end the connection without reading its request. Closing a socket
        with unread bytes makes the kernel send a reset, which can reach the client before
        the answer does; so this side only stops writing, drops what the client still sends,
        and closes when the client does, or after REFUSED_LINGER seconds."""
        self.closed = True  # data_received drops what arrives
        body = b"too many open connections\n"
        transport.write(self._head(503, [(b"Content-Type", b"text/plain")], len(body), False)
                        + body)
        with contextlib.suppress(OSError, RuntimeError):
            transport.write_eof()
        asyncio.get_running_loop().call_later(REFUSED_LINGER, transport.close)

    def get_buffer(self, sizehint: int) -> memoryview:
        return self.server.received

    def buffer_updated(self, nbytes: int) -> None:
        self.data_received(self.server.received[:nbytes])

    def data_received(self, data: bytes | memoryview) -> None:
        if self.closed:
            return
        self.buffer += data
        if not self.busy:
            self._next_request()
        elif len(self.buffer) > self.limits.max_head + self.limits.max_body and \
                self.transport is not None and not self.paused:
            self.transport.pause_reading()  # pipelined requests wait in the socket, not here
            self.paused = True

    def eof_received(self) -> bool:
        self.gone.set()
        if not self.busy:
            self.close()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.gone.set()
        self.writable.set()
        self.server.connections.discard(self)
        if self.server.on_lost is not None:
            self.server.on_lost()
        if self.timer is not None:
            self.timer.cancel()
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def pause_writing(self) -> None:
        self.writable.clear()

    def resume_writing(self) -> None:
        self.writable.set()

    # -- timers ----------------------------------------------------------------------------
    def _arm(self, seconds: float) -> None:
        """Close the connection if it is idle `seconds` from now. One timer, moved only when
        it would fire too late (a later deadline is checked when it fires), so the requests
        of a busy keep-alive connection cost no timer operations."""
        loop = self.loop
        self.deadline = loop.time() + seconds
        if self.timer is not None and self.timer.when() > self.deadline:
            self.timer.cancel()
            self.timer = None
        if self.timer is None:
            self.timer = loop.call_at(self.deadline, self._expired)

    def _expired(self) -> None:
        self.timer = None
        if self.busy:
            return  # armed again when its answer is written
        if self.loop.time() < self.deadline:
            self.timer = self.loop.call_at(self.deadline, self._expired)
        else:
            self.close()

    # -- requests --------------------------------------------------------------------------
    def _next_request(self) -> None:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > self.limits.max_head:
                self._fail(431, "request head too large")
            elif self.buffer:
                self._arm(self.limits.header_timeout)
            return
        if end > self.limits.max_head:
            self._fail(431, "request head too large")
            return
        try:
            head = bytes(self.buffer[:end])
            method, target, version, headers, keep_alive, length = parse_head(head)
        except ValueError as exc:
            self._fail(400, str(exc))
            return
        if length > self.limits.max_body:
            self._fail(413, f"request body over {self.limits.max_body:,} bytes")
            return
        request = Request(method, target, version, headers, keep_alive=keep_alive)
        if len(self.buffer) < end + 4 + length:
            if request.header("expect").lower() == "100-continue" and not self.continued:
                self.continued = True  # curl waits a second for this before the body
                assert self.transport is not None
                self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self._arm(self.limits.header_timeout)
            return
        request.body = bytes(self.buffer[end + 4:end + 4 + length])
        del self.buffer[:end + 4 + length]
        request.peer = self.peer
        request.raw_head = head
        request.inline_tried, self.inline_tried = self.inline_tried, False
        self.continued = False
        self.busy = True
        self._start(request)

    def _start(self, request: Request) -> None:
        """Answer `request`: at once when the handler needs nothing to wait for (a refusal,
        a lookup in the event-loop thread), else in a task. A task per request costs more
        CPU than a whole refusal (creating it, one more turn of the loop)."""
        try:
            waiting = self.server.handler(self, request)
        except Exception as exc:  # a bug must not take the server down
            self._crashed(request, exc)
            return
        if waiting is None:
            self._answered(request, at_once=True)
        else:
            self.task = self.loop.create_task(self._run(request, waiting))

    async def _run(self, request: Request, waiting: Awaitable[None]) -> None:
        try:
            await waiting
        except asyncio.CancelledError:
            self.close()
            return
        except Exception as exc:  # a bug must not take the server down
            self._crashed(request, exc)
            return
        self._answered(request, at_once=False)

    def _crashed(self, request: Request, exc: Exception) -> None:
        self.server.log(f"error on {request.method} {request.target}: {exc!r}")
        if not self.chunked and not self.closed:
            self.reply(500, "internal error\n")
        self.close()

    def _answered(self, request: Request, at_once: bool) -> None:
        """After an answer: the next request, or wait for one."""
        if self.handed_over:
            return
        self.busy = False
        if self.paused and self.transport is not None and not self.closed:
            self.transport.resume_reading()
            self.paused = False
        if not request.keep_alive or self.gone.is_set():
            self.close()
            return
        if self.buffer:
            if at_once:  # pipelined requests: one per turn of the loop, and no deep stack
                self.loop.call_soon(self._next_pipelined)
            else:
                self._next_request()
        elif self.server.hand_off is None or not self.server.hand_off(self):
            self._arm(self.limits.idle_timeout)

    def _next_pipelined(self) -> None:
        if not self.busy and not self.closed and self.buffer:
            self._next_request()

    async def drained(self, seconds: float) -> bool:
        """Wait until what was written has gone to the socket (False: not within
        `seconds`, or the client is gone)."""
        waited = 0.0
        while self.transport is not None and not self.closed and \
                self.transport.get_write_buffer_size():
            if waited >= seconds:
                return False
            await asyncio.sleep(0.01)  # rare: pipelined requests behind a large answer
            waited += 0.01
        return not self.closed

    def hand_over(self, post: Callable[[int, bytes], bool], request: Request | None = None
                  ) -> bool:
        """Give this connection to another process: `post(fd, pending)` sends a duplicate of
        its socket with the bytes read and not answered (`request`'s, then what followed) and
        closes the duplicate (sent or not); False when it cannot. Only between answers (nothing
        left to write); this side then forgets the connection without touching the socket."""
        transport = self.transport
        if transport is None or self.closed or transport.get_write_buffer_size():
            return False
        transport.pause_reading()  # from now on the bytes stay in the socket for the taker
        pending = bytes(self.buffer)
        if request is not None:
            pending = request.raw_head + b"\r\n\r\n" + request.body + pending
        fd = os.dup(transport.get_extra_info("socket").fileno())
        if not post(fd, pending):
            if not self.paused:
                transport.resume_reading()
            return False
        self.handed_over = self.closed = True
        self.buffer.clear()
        if self.timer is not None:
            self.timer.cancel()
        transport.close()  # closes this process's descriptor only (no shutdown)
        return True

    # -- responses -------------------------------------------------------------------------
    def _head(self, status: int, headers: Sequence[tuple[bytes, bytes]], length: int | None,
              keep_alive: bool, security: bytes = PAGE_SECURITY, chunked: bool = True
              ) -> bytes:
        """The head of an answer: `length` bytes long, or (None) chunked, or (None and not
        `chunked`) until the connection closes."""
        key = (status, tuple(headers), length is None, keep_alive, security, chunked)
        start = _HEADS.get(key)
        if start is None:
            start = _HEADS.keep(key, _head_start(*key))
        return start if length is None else start + b"Content-Length: %d\r\n\r\n" % length

    def send(self, request: Request, status: int, headers: Sequence[tuple[bytes, bytes]],
             body: bytes, security: bytes = PAGE_SECURITY) -> None:
        """A whole answer with its length."""
        if self.closed or self.transport is None:
            return
        if status >= 500 and status not in (503, 504):
            request.keep_alive = False
        self.transport.write(self._head(status, headers, len(body), request.keep_alive,
                                        security)
                             + (b"" if request.method == "HEAD" else body))
        if self.server.verbose:
            self.server.log(f"{request.peer} {request.method} {request.target[:120]} {status}")

    def reply(self, status: int, message: str, request: Request | None = None,
              extra: list[tuple[bytes, bytes]] | None = None) -> None:
        """A plain-text answer (errors and refusals)."""
        body = (message.rstrip() + "\n").encode("utf-8")
        headers = [(b"Content-Type", b"text/plain; charset=utf-8"),
                   (b"Cache-Control", b"no-store"),
                   (b"Content-Security-Policy", b"default-src 'none'")] + (extra or [])
        if request is None:
            request = Request("GET", "", "HTTP/1.1", {}, keep_alive=False)
        self.send(request, status, headers, body)

    def start_stream(self, request: Request, status: int,
                     headers: Sequence[tuple[bytes, bytes]],
                     security: bytes = PAGE_SECURITY) -> None:
        assert self.transport is not None
        self.chunked = request.version == "HTTP/1.1"
        if not self.chunked:
            request.keep_alive = False  # HTTP/1.0: the end of the answer is the connection's
        self.transport.write(self._head(status, headers, None, request.keep_alive, security,
                                        self.chunked))
        self.server.log(f"{request.peer} {request.method} {request.target[:120]} {status} "
                        "(streamed)")

    async def write_chunk(self, data: bytes) -> bool:
        """Write part of a streamed answer; False when the client is gone."""
        if self.closed or self.transport is None:
            return False
        if data:
            if self.chunked:
                self.transport.write(b"%x\r\n" % len(data) + data + b"\r\n")
            else:
                self.transport.write(data)
        if not self.writable.is_set():
            await self.writable.wait()
        return not self.closed

    def end_stream(self) -> None:
        if self.chunked and not self.closed and self.transport is not None:
            self.transport.write(b"0\r\n\r\n")
        self.chunked = False

    def abort_stream(self, request: Request, message: str) -> None:
        """Make a streamed answer visibly broken: an error line, then no final chunk."""
        if not self.closed and self.transport is not None:
            line = f"\n#rkg-error: {message}\n".encode()
            if self.chunked:
                self.transport.write(b"%x\r\n" % len(line) + line + b"\r\n")
            else:
                self.transport.write(line)
        self.server.log(f"{request.peer} {request.method} {request.target[:120]} aborted: "
                        f"{message}")
        self.chunked = False
        request.keep_alive = False
        self.close()

    def _fail(self, status: int, message: str) -> None:
        self.busy = True
        self.reply(status, message)
        self.close()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()


class Head(NamedTuple):
    """A request head as parsed by `parse_head`."""

    method: str
    target: str
    version: str
    headers: Mapping[str, str]
    """Lower-case names; shared by every request with the same head: never changed."""
    keep_alive: bool
    length: int
    """The body's Content-Length."""


PARSED_HEADS = 512
"""How many parsed heads are remembered. A program sends the same head again and again, but
for the Content-Length: a few hundred cover the lengths of its queries."""
_PARSED: Remembered[bytes, Head] = Remembered(PARSED_HEADS, longest=2048)
"""Heads parsed, by their exact bytes (`parse_head`): the usual heads of programs (2 KB at
most), not every head ever sent."""


def parse_head(head: bytes) -> Head:
    """The request line and headers of `head` (without its blank line); ValueError when it is
    not a request this server takes. Remembered by the exact bytes (the result is a function
    of them alone): parsing a head costs more than a lookup's whole HTTP handling otherwise."""
    known = _PARSED.get(head)
    if known is None:
        known = _PARSED.keep(head, _parse_head(head))
    return known


def _parse_head(head: bytes) -> Head:
    """`parse_head` without remembering: one header line per name (repeated ones joined
    with ", "; a repeated Host, Content-Length, Authorization or Origin refused), no chunked
    bodies."""
    lines = head.decode("latin-1").split("\r\n")  # latin-1 decodes any bytes
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise ValueError("bad request line")
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise ValueError("bad header line")
        key = name.lower()
        if key in headers:
            if key in ("host", "content-length", "authorization", "origin"):
                raise ValueError(f"repeated {name} header")
            headers[key] += ", " + value.strip()
        else:
            headers[key] = value.strip()
    if "transfer-encoding" in headers:
        raise ValueError("chunked request bodies are not accepted; send Content-Length")
    length_text = headers.get("content-length", "0")
    if not length_text.isdigit():
        raise ValueError("bad Content-Length")
    connection = headers.get("connection", "").lower()
    keep_alive = ("close" not in connection if version == "HTTP/1.1"
                  else "keep-alive" in connection)
    return Head(method, target, version, headers, keep_alive, int(length_text))


def _head_start(status: int, headers: tuple[tuple[bytes, bytes], ...], unsized: bool,
                keep_alive: bool, security: bytes, chunked: bool) -> bytes:
    """A head without its Content-Length line; whole (blank line included) when `unsized`."""
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}\r\n".encode(), security]
    lines += [name + b": " + value + b"\r\n" for name, value in headers]
    if not keep_alive:
        lines.append(b"Connection: close\r\n")
    if unsized:
        lines.append(b"Transfer-Encoding: chunked\r\n\r\n" if chunked else b"\r\n")
    return b"".join(lines)
