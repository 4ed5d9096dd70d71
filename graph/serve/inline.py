"""Lookups answered inside the server process, without the hop to a worker.

A worker process costs a round trip per query (pipe, wake-up, frames), which is most of the
CPU of a lookup. Inside the server, though, a query cannot be killed, so only queries whose
work is bounded *by their shape* run here, with a budget, and everything else goes to a
worker as before:

- **The shape** (`lookup_shape`, a small parser over graph/guard.py's tokens, which follow
  Oxigraph's lexical rules; the usual one-pattern lookup is recognised first by one regular
  expression, graph/serve/plainlookup.py, which accepts nothing the parser refuses):
  `SELECT [DISTINCT] vars|* WHERE { triples } [LIMIT n]` (DISTINCT only over all the
  variables) or `ASK { triples }`, after `PREFIX` declarations only; the triples are plain
  terms (IRIs, prefixed names, variables, strings with a language or datatype, `a`), no
  FILTER, OPTIONAL, UNION, GRAPH, sub-query, path, blank node, BIND, VALUES, ORDER BY,
  GROUP BY, OFFSET or comment. Either one triple pattern (the engine streams one index scan;
  no variable twice), or several patterns that all share the same constant subject (every
  scan is of that node's own edges, so even a join's build side is bounded by one node's
  degree). No SERVICE can be written in this shape (and graph/guard.py has refused the word
  anyway).
- **The budget** (`Inline.answer`): the answer is serialised into a writer that stops the
  engine (raises) past `INLINE_BYTES` of output or `INLINE_SECONDS` of CPU time; the engine
  writes every 8 KB while it scans, so a scan is stopped within a few buffers. A stopped or failed
  lookup is run again in a worker, which has the real time limit and streams: the client
  never sees the difference, only the time spent here (at most the budget).

The store is the same read-only store the workers open.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.guard import tokens
from graph.serve.plainlookup import plain_lookup
from graph.serve.remembered import Remembered
from graph.serve.worker import RESULT_TYPES, negotiate

INLINE_BYTES = 1 << 18
"""Largest answer made in the server (it is sent whole, with a Content-Length)."""
INLINE_SECONDS = 0.05
"""Most CPU time a lookup may take in the server before it is handed to a worker (the
thread's own CPU time, from the answer's second buffer: a busy machine does not push
lookups to workers; `_Budget`)."""
THREADS = 0
"""Default number of threads evaluating lookups at once (each holds at most INLINE_BYTES);
0: in the process's own event-loop thread, at once (a fifth less CPU per lookup than on
threads: no thread hand-over and no GIL passing; docs/serve.md, Performance)."""

_VAR = re.compile(r"[?$][A-Za-z_][A-Za-z0-9_]*")
_PNAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*:[A-Za-z0-9_][A-Za-z0-9_-]*|[A-Za-z]*:")
_PREFIX_DECL = re.compile(r"[A-Za-z][A-Za-z0-9_-]*:|:")
_LANG = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*")
_INTEGER = re.compile(r"[0-9]{1,9}")


class _NotLookup(Exception):
    """The query is not of the lookup shape (it goes to a worker)."""


@dataclass(frozen=True)
class Term:
    kind: str  # "var", "const" (IRI or prefixed name), "literal"
    text: str


class _Parser:
    """A recursive-descent reader of the lookup shape; anything else raises _NotLookup."""

    def __init__(self, text: str) -> None:
        self.words: list[tuple[str, str]] = []
        before: tuple[str, str] = ("ws", " ")
        for kind, value in tokens(text):
            if kind == "comment" or (kind == "other" and value not in "{}.;,*@^-"):
                raise _NotLookup(value)
            if kind == "word" and before == ("other", ".") and self.words[-2:-1] and \
                    self.words[-2][0] == "word":
                # `ex:a.ex:b`: the engine reads one prefixed name where the tokens show two
                raise _NotLookup(value)
            if kind != "ws":
                self.words.append((kind, value))
            before = (kind, value)
        self.at = 0

    def peek(self) -> tuple[str, str]:
        return self.words[self.at] if self.at < len(self.words) else ("end", "")

    def take(self) -> tuple[str, str]:
        word = self.peek()
        self.at += 1
        return word

    def keyword(self, name: str) -> bool:
        kind, value = self.peek()
        if kind == "word" and value.upper() == name:
            self.at += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if self.take()[1] != value:
            raise _NotLookup(value)

    def term(self, position: str) -> Term:
        kind, value = self.take()
        if kind == "var" and _VAR.fullmatch(value):
            return Term("var", value[1:])
        if kind == "iri":
            return Term("const", value)
        if kind == "word" and value == "a" and position == "p":
            return Term("const", "a")
        if kind == "word" and _PNAME.fullmatch(value):
            return Term("const", value)
        if kind == "string" and position == "o":
            return Term("literal", value + self._literal_tail())
        raise _NotLookup(value)

    def _literal_tail(self) -> str:
        if self.peek() == ("other", "@"):
            self.take()
            kind, lang = self.take()
            while self.peek() == ("other", "-"):
                self.take()
                part_kind, part = self.take()
                lang += "-" + part
                kind = kind if part_kind == "word" else part_kind
            if kind != "word" or not _LANG.fullmatch(lang):
                raise _NotLookup(lang)
            return "@" + lang
        if self.peek() == ("other", "^"):
            self.take()
            self.expect("^")
            datatype = self.term("p")
            if datatype.text == "a":
                raise _NotLookup("a")
            return "^^" + datatype.text
        return ""


def lookup_shape(text: str) -> str | None:
    """'select' or 'ask' when `text` is of the lookup shape (module docstring), else None.
    The usual lookup, one triple pattern, is recognised by one regular expression
    (graph/serve/plainlookup.py); anything else is read by the parser below, which has the
    last word."""
    form = plain_lookup(text)
    if form is not None:
        return form
    try:
        return _shape(_Parser(text))
    except _NotLookup:
        return None


def _shape(parser: _Parser) -> str:
    while parser.keyword("PREFIX"):
        kind, name = parser.take()
        if kind != "word" or not _PREFIX_DECL.fullmatch(name) or parser.take()[0] != "iri":
            raise _NotLookup(name)
    distinct = False
    projected: set[str] | None = None  # None: `*`
    if parser.keyword("ASK"):
        form = "ask"
    elif parser.keyword("SELECT"):
        form = "select"
        distinct = parser.keyword("DISTINCT")
        if parser.peek() == ("other", "*"):
            parser.take()
        else:
            projected = set()
            while parser.peek()[0] == "var":
                name = parser.take()[1]
                if not _VAR.fullmatch(name):
                    raise _NotLookup("projection")
                projected.add(name[1:])
            if not projected:
                raise _NotLookup("projection")
    else:
        raise _NotLookup(parser.peek()[1])
    parser.keyword("WHERE")
    patterns = _patterns(parser)
    _check_patterns(patterns)
    if distinct and projected is not None and \
            projected < {t.text for p in patterns for t in p if t.kind == "var"}:
        # DISTINCT over fewer variables than the patterns bind may scan a long way between
        # two rows written, and the budget is only checked when the engine writes
        raise _NotLookup("DISTINCT over part of the variables")
    if form == "select" and parser.keyword("LIMIT"):
        kind, value = parser.take()
        if kind != "word" or not _INTEGER.fullmatch(value):
            raise _NotLookup(value)
    if parser.peek()[0] != "end":
        raise _NotLookup(parser.peek()[1])
    return form


def _patterns(parser: _Parser) -> list[tuple[Term, Term, Term]]:
    """`{ s p o ; p o , o . ... }` as a list of triple patterns."""
    parser.expect("{")
    found: list[tuple[Term, Term, Term]] = []
    while parser.peek() != ("other", "}"):
        subject = parser.term("s")
        while True:
            predicate = parser.term("p")
            while True:
                found.append((subject, predicate, parser.term("o")))
                if parser.peek() != ("other", ","):
                    break
                parser.take()
            if parser.peek() != ("other", ";"):
                break
            parser.take()
            if parser.peek() in (("other", "."), ("other", "}")):
                break  # a trailing ';'
        if parser.peek() == ("other", "."):
            parser.take()
        elif parser.peek() != ("other", "}"):
            raise _NotLookup(parser.peek()[1])
    parser.take()
    if not found:
        raise _NotLookup("{}")
    return found


def _check_patterns(patterns: list[tuple[Term, Term, Term]]) -> None:
    """One pattern with no variable twice, or several sharing one constant subject."""
    for pattern in patterns:
        names = [t.text for t in pattern if t.kind == "var"]
        if len(names) != len(set(names)):
            raise _NotLookup("a variable twice in one pattern")
    if len(patterns) == 1:
        return
    subjects = {p[0] for p in patterns}
    if len(subjects) != 1 or next(iter(subjects)).kind != "const":
        raise _NotLookup("patterns that do not share one constant subject")


class _Stop(Exception):
    """The lookup went past its budget: it is handed to a worker."""


class _Budget:
    """The file pyoxigraph serialises into: at most `limit` bytes, and at most `seconds` of
    the thread's CPU time counted from its second write.

    The clock is first read at the second write, not before the query: a thread's CPU time
    is a system call (3-8 us on this machine's VM, against 0.3 us for `perf_counter`), and
    most lookups are answered in one write (the engine writes every 8 KB, then the rest at
    the end), so they read no clock at all. What runs before the second write is bounded by
    the shape (one index scan's first 8 KB of rows, or one node's edges), so a long scan is
    still stopped within a few buffers of its budget."""

    def __init__(self, seconds: float, limit: int) -> None:
        self.seconds = seconds
        self.limit = limit
        self.deadline: float | None = None  # in time.thread_time(), from the second write
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.size += len(chunk)
        if self.size > self.limit:
            raise _Stop()
        if self.parts:
            now = time.thread_time()
            if self.deadline is None:
                self.deadline = now + self.seconds
            elif now > self.deadline:
                raise _Stop()
        self.parts.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        pass


class Inline:
    """The server's own read-only handle on the store, for lookups."""

    def __init__(self, store_path: Path, max_bytes: int = 0, threads: int = THREADS) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.path = store_path
        # an answer over the endpoint's own size limit goes to a worker, which refuses it
        self.limit = min(INLINE_BYTES, max_bytes) if max_bytes else INLINE_BYTES
        self.store = ox.Store.read_only(str(store_path))
        # lookup threads fed by one queue, answered by one call_soon_threadsafe: an
        # executor's chained futures cost about 10 us more CPU per lookup (measured)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.threads = [threading.Thread(target=self._serve, name="rkg-lookup", daemon=True)
                        for _ in range(threads)]
        for thread in self.threads:
            thread.start()
        self._shapes: Remembered[str, str | None] = Remembered(4097, longest=8192)

    def shape(self, text: str) -> str | None:
        """The lookup shape of `text`, remembered for the repeated queries of programs."""
        if text in self._shapes:
            return self._shapes[text]
        return self._shapes.keep(text, lookup_shape(text))

    def answer(self, text: str, accept: str) -> tuple[bytes, bytes] | None:
        """(content type, whole answer) of a lookup, or None when a worker must run it (not a
        lookup, over budget, an error to report, an Accept it cannot meet). Runs in one of
        `threads`; the shape was checked by the caller (and is checked again, cached)."""
        if self.shape(text) is None:
            return None
        offer = negotiate(accept, RESULT_TYPES)
        if offer is None:
            return None
        ox = self.ox
        budget = _Budget(INLINE_SECONDS, self.limit)
        try:
            result = self.store.query(text, use_default_graph_as_union=True)
            if isinstance(result, ox.QueryTriples):
                return None
            result.serialize(budget, getattr(ox.QueryResultsFormat, offer[1]))  # type: ignore[arg-type]
        except Exception:  # over budget, or the engine's error: the worker reports it
            return None
        return offer[0].encode(), b"".join(budget.parts)

    def submit(self, text: str, accept: str) -> asyncio.Future[tuple[bytes, bytes] | None]:
        """`answer(text, accept)` on a lookup thread; the future is resolved in the loop."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[bytes, bytes] | None] = loop.create_future()
        self._jobs.put((text, accept, loop, future))
        return future

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            text, accept, loop, future = job
            try:
                found = self.answer(text, accept)
            except Exception:  # never lose a request: a worker answers it
                found = None
            with contextlib.suppress(RuntimeError):  # a closed loop: the server is stopping
                loop.call_soon_threadsafe(_resolve, future, found)

    def close(self) -> None:
        for _ in self.threads:
            self._jobs.put(None)


_Job = tuple[str, str, asyncio.AbstractEventLoop, "asyncio.Future[tuple[bytes, bytes] | None]"]


def _resolve(future: asyncio.Future[tuple[bytes, bytes] | None],
             found: tuple[bytes, bytes] | None) -> None:
    if not future.done():  # a client that went away cancelled it
        future.set_result(found)
