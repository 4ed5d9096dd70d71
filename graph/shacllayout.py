"""Where the units of graph/shaclstream.py are in a build's TriG files, without parsing RDF.

graph.trig and inferred.trig are pyoxigraph's TriG (graph/trigblocks.py): a block per named
graph, `NAME {` at the start of a line and `}` alone on a line to close it, every line inside
indented, a subject's statement starting with one tab and its predicates with two. A block is
a unit; a block over CUT_ABOVE bytes (the canonical graph) is cut before each subject whose
crc32 is a multiple of PIECE_MARK (content-defined: an edit moves no other piece's
boundaries), and so is the inferred graph, whose statements are also listed one by one with
their subject (pass 2 routes each to its subject's unit). The files are read in chunks, not
mapped: a mapped file's pages count in the process's memory. Anything else in the files
raises Fallback (the caller runs the whole-build pass).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from graph.trigblocks import prefix_lines

PIECE_MARK = 256  # a cut block's pieces hold ~256 subjects
CUT_ABOVE = 1 << 20  # blocks larger than this (bytes) are cut into pieces
ASSERTED, INFERRED, ONTOLOGY = 0, 1, 2  # kinds of unit, in the order a subject's home is chosen


class Fallback(Exception):
    """The files or shapes are not as the module docstring says: run the whole-build pass."""


@dataclass
class Unit:
    """A block or piece of one file: its statements' byte range (or, for the inferred
    graph, the statements routed to it in pass 2)."""

    number: int
    kind: int
    opening: bytes  # the block's first line, `NAME {`
    start: int
    end: int


@dataclass
class Layout:
    """Where the units of a build are in its files."""

    paths: list[Path]
    prefixes: list[bytes]
    units: list[Unit] = field(default_factory=list)
    # the inferred graph's statements: (start, end, subject key)
    statements: list[tuple[int, int, str]] = field(default_factory=list)


_STATEMENT = re.compile(rb"^\t([^\t\s][^ \n]*)", re.M)  # a subject's first line, its name
_NOT_INDENTED = re.compile(rb"^[^\t]", re.M)


def _lines(handle: IO[bytes], start: int, end: int) -> Iterator[tuple[int, bytes]]:
    """[start, end) of the file in chunks of whole lines: (offset, bytes)."""
    at, rest = start, b""
    handle.seek(start)
    while at + len(rest) < end:
        chunk = rest + handle.read(min(1 << 22, end - at - len(rest)))
        cut = chunk.rfind(b"\n") + 1 if at + len(chunk) < end else len(chunk)
        if cut == 0:
            rest = chunk
            continue
        yield at, chunk[:cut]
        at, rest = at + cut, chunk[cut:]
    if rest:
        yield at, rest


def _cut_units(handle: IO[bytes], path: Path, kind: int, layout: Layout, start: int,
               end: int, opening: bytes, routed: bool) -> None:
    """The statements of a block body [start, end) as units (cut as the docstring says);
    `routed`: also list each statement with its subject's key (the inferred graph)."""
    piece, last = start, None
    prefixes = _prefix_map(layout.prefixes[-1])
    scope = f"_:d{len(layout.paths) - 1}x"
    for offset, chunk in _lines(handle, start, end):
        if _NOT_INDENTED.search(chunk) is not None:
            raise Fallback(f"{path}: an unindented line in a graph block")
        for match in _STATEMENT.finditer(chunk):
            at, token = offset + match.start(), match.group(1)
            if routed:
                if last is not None:
                    layout.statements.append((last[0], at, last[1]))
                last = (at, _subject_key(token.decode(), prefixes, scope))
            if at > piece and zlib.crc32(token) % PIECE_MARK == 0:
                layout.units.append(Unit(len(layout.units), kind, opening, piece, at))
                piece = at
    if last is not None:
        layout.statements.append((last[0], end, last[1]))
    layout.units.append(Unit(len(layout.units), kind, opening, piece, end))


def _prefix_map(prefixes: bytes) -> dict[str, str]:
    out = {}
    for line in prefixes.decode().splitlines():
        name, _colon, rest = line.removeprefix("@prefix ").partition(": <")
        out[name] = rest.removesuffix("> .")
    return out


def _subject_key(token: str, prefixes: dict[str, str], scope: str) -> str:
    """The validator's key of a subject written `token` (as graph/trigblocks reads names)."""
    if token.startswith("<"):
        return token
    if token.startswith("_:"):
        return scope + token[2:]
    name, colon, local = token.partition(":")
    if not colon or name not in prefixes or "\\u" in local.lower():
        raise Fallback(f"a subject name this pass cannot read: {token}")
    return f"<{prefixes[name]}{local.replace(chr(92), '')}>"


def read_layout(paths: Sequence[Path]) -> Layout:
    """The units of graph.trig and inferred.trig (each graph's block; large ones cut)."""
    layout = Layout([], [])
    for path in paths:
        layout.paths.append(path)
        layout.prefixes.append(prefix_lines(path))
        kind = INFERRED if path is not paths[0] else ASSERTED
        with open(path, "rb") as handle:
            at = len(layout.prefixes[-1])
            size = path.stat().st_size
            while at < size:
                handle.seek(at)
                line = handle.readline()
                if not line.strip():
                    at += len(line)
                    continue
                if not line.endswith(b" {\n") or line[:1] in (b"\t", b" "):
                    raise Fallback(f"{path}: a line outside any graph block")
                body = at + len(line)
                close = _find_close(handle, body - 1)
                if kind == INFERRED or close + 1 - body > CUT_ABOVE:
                    _cut_units(handle, path, kind, layout, body, close + 1, line,
                                    routed=kind == INFERRED)
                else:
                    layout.units.append(Unit(len(layout.units), kind, line, body, close + 1))
                at = close + 3
    return layout


def _find_close(handle: IO[bytes], start: int) -> int:
    """The offset of the next `\\n}\\n` from `start` (read in growing chunks: a document's
    block is tens of kilobytes, the canonical graph's tens of megabytes)."""
    chunk_size = 1 << 16
    at = start
    while True:
        handle.seek(at)
        chunk = handle.read(chunk_size)
        found = chunk.find(b"\n}\n")
        if found >= 0:
            return at + found
        if len(chunk) < chunk_size:
            raise Fallback("a graph block is not closed")
        at += len(chunk) - 2
        chunk_size = min(chunk_size * 2, 1 << 23)


def unit_text(layout: Layout, unit: Unit, handles: Sequence[IO[bytes]],
              spans: Sequence[tuple[int, int]] | None = None) -> bytes:
    """The unit as a TriG document: its file's prefixes, its block's opening, its statements
    (or the `spans` given) and the closing line."""
    file = 0 if unit.kind == ASSERTED else 1
    handle = handles[file]
    parts = [layout.prefixes[file], unit.opening]
    for start, end in spans if spans is not None else [(unit.start, unit.end)]:
        handle.seek(start)
        parts.append(handle.read(end - start))
    parts.append(b"}\n")
    return b"".join(parts)


# --------------------------------------------------------------------------- the index


def scope(unit: Unit) -> str:
    return "_:d0x" if unit.kind == ASSERTED else "_:d1x"
