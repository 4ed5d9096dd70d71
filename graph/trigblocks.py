"""The named-graph blocks of a TriG file the build wrote, without parsing RDF.

graph.trig and inferred.trig are pyoxigraph's TriG (graph/graphfiles.py, graph/rdfio.py):
`@prefix` lines, then one block per named graph, opened by a line `NAME {` at the start of a
line and closed by a line `}`; inside, every line is indented and literals never span lines
(newlines are escaped). Cutting the text at those lines gives each graph's exact bytes, so a
store can load a file in bounded pieces, and tell which graphs changed by their digests,
without holding the file or its quads. Anything else in the file (a default-graph triple, a
block left open) raises LayoutError and the caller reads the file whole.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

_PREFIX = re.compile(rb"@prefix ([A-Za-z][\w.-]*)?: <([^>]*)> \.\n")
_LOCAL_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Block:
    """One named graph's lines (its opening and closing lines included)."""

    iri: str
    text: bytes

    def digest(self) -> str:
        return hashlib.sha256(self.text).hexdigest()[:32]


class LayoutError(ValueError):
    """The file is not laid out as the module docstring says."""


def prefix_lines(path: Path) -> bytes:
    """The `@prefix` lines at the top of `path`."""
    lines: list[bytes] = []
    with open(path, "rb") as handle:
        for line in handle:
            if _PREFIX.fullmatch(line) is None:
                break
            lines.append(line)
    return b"".join(lines)


def blocks(path: Path) -> Iterator[Block]:
    """The named-graph blocks of `path`, in file order; LayoutError when the file is not
    laid out that way. The file is mapped, not read: a block is found by searching for its
    closing line and checked with one search for a line that is not indented, so a file of
    a million lines is cut in a fraction of a second."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield from _cut(path, data)


def _cut(path: Path, data: mmap.mmap) -> Iterator[Block]:
    names: dict[str, str] = {}
    at = 0
    while at < len(data):
        end = data.find(b"\n", at)
        line = data[at:len(data) if end < 0 else end + 1]
        prefix = _PREFIX.fullmatch(line)
        if prefix is not None:
            names[(prefix.group(1) or b"").decode()] = prefix.group(2).decode()
            at += len(line)
            continue
        if not line.strip():
            at += len(line)
            continue
        if not line.endswith(b" {\n") or line.startswith((b"\t", b" ")):
            raise LayoutError(f"{path}: a line outside any graph block")
        iri = name_iri(line[:-3].decode(), names)
        if iri is None:
            raise LayoutError(f"{path}: a graph name with no known prefix")
        close = data.find(b"\n}\n", at + len(line) - 1)
        if close < 0:
            raise LayoutError(f"{path}: a graph block is not closed")
        text = data[at:close + 3]
        if _UNINDENTED.search(text, len(line) - 1, len(text) - 3) is not None:
            raise LayoutError(f"{path}: unexpected line in a graph block")
        yield Block(iri, text)
        at = close + 3


_UNINDENTED = re.compile(rb"\n[^\t]")


def name_iri(name: str, prefixes: dict[str, str]) -> str | None:
    """The IRI a block's or a subject's name stands for: `<iri>` or `prefix:local`
    (local-name escapes such as `\\/` removed); None for anything else (a blank node)."""
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, colon, local = name.partition(":")
    if not colon or prefix not in prefixes:
        return None
    return prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)


def prefix_names(prefixes: bytes) -> dict[str, str]:
    """prefix -> namespace, from a file's `prefix_lines`."""
    return {(m.group(1) or b"").decode(): m.group(2).decode()
            for m in _PREFIX.finditer(prefixes)}


_STATEMENT = re.compile(rb"\n\t[^\t\n]")


def subjects_pattern(prefixes: Iterable[str]) -> re.Pattern[bytes]:
    """What finds, in a block's text, the statements whose subject is written in full
    (`<iri>`) or with one of `prefixes`: group 1 the subject's token, the match's start the
    newline before the statement (`statement_at(text, match.end())` is the statement)."""
    names = b"|".join(re.escape(name.encode()) + b":" for name in sorted(prefixes))
    return re.compile(rb"\n\t((?:<|" + (names or b"<") + rb")[^ \n]*)")


def statement_at(text: bytes, at: int) -> tuple[int, int] | None:
    """Where the statement holding byte `at` of a block's text starts and ends (a line
    indented once starts one; its predicates and objects are indented further), None when
    `at` is on the block's opening line."""
    start = at
    while True:
        start = text.rfind(b"\n\t", 0, start)
        if start < 0:
            return None
        if text[start + 2:start + 3] != b"\t":
            break
    after = _STATEMENT.search(text, at, len(text) - 2)
    return start + 1, after.start() + 1 if after is not None else len(text) - 2


def chunks(prefixes: bytes, parts: Iterable[Block], limit: int) -> Iterator[bytes]:
    """`parts` as TriG documents (the prefix lines, then blocks) of about `limit` bytes at
    most each; a larger block is cut between its subjects' statements into blocks of the
    same graph."""
    part: list[bytes] = []
    size = 0
    for block in parts:
        for piece in _pieces(block, limit):
            if part and size + len(piece) > limit:
                yield prefixes + b"".join(part)
                part, size = [], 0
            part.append(piece)
            size += len(piece)
    if part:
        yield prefixes + b"".join(part)


def _pieces(block: Block, limit: int) -> Iterator[bytes]:
    """`block` whole, or when over `limit` bytes, cut before lines that start a subject's
    statement (one tab, then the subject; its predicates are indented twice)."""
    if len(block.text) <= limit:
        yield block.text
        return
    lines = block.text.splitlines(keepends=True)
    opening, body = lines[0], lines[1:-1]
    piece: list[bytes] = []
    size = 0
    for line in body:
        if piece and size > limit and line[1:2] != b"\t":
            yield opening + b"".join(piece) + b"}\n"
            piece, size = [], 0
        piece.append(line)
        size += len(line)
    if piece:
        yield opening + b"".join(piece) + b"}\n"


def subject_pieces(block: Block, mark: int) -> Iterator[bytes]:
    """`block` cut before each subject's statement whose subject token's crc32 is a multiple
    of `mark`, each piece a block of the same graph. The cuts depend on the subjects alone
    (content-defined, as graph/shacllayout.py cuts the canonical graph): an edit changes the
    piece it falls in, not the others' bytes."""
    lines = block.text.splitlines(keepends=True)
    opening, body = lines[0], lines[1:-1]
    piece: list[bytes] = []
    for line in body:
        if piece and line[1:2] != b"\t" and _is_cut(line, mark):
            yield opening + b"".join(piece) + b"}\n"
            piece = []
        piece.append(line)
    if piece:
        yield opening + b"".join(piece) + b"}\n"


def _is_cut(line: bytes, mark: int) -> bool:
    token = line[1:].split(b" ", 1)[0]
    return zlib.crc32(token) % mark == 0
