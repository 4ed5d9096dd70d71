"""The build's named graphs as files, and graph.trig / graph.ttl assembled from them by
streaming, so a build never holds every quad in memory and a rebuild reuses the files of
unchanged documents.

Each named graph is written once as two files: its triples as N-Triples, sorted by line and
each once (`.nt`: the input of the Turtle union and of store loads), and the same triples as
a TriG block without prefix lines (`.trig`). graph.trig is the prefix lines followed by the
blocks in graph IRI order; graph.ttl is a k-way merge of the `.nt` files (the union, sorted,
each triple once) re-serialised as Turtle. Both depend only on the graphs' content, so an
incremental build writes the same bytes as a full one. The files are pyoxigraph's own
output, so they are read back `lenient` (without validating IRIs again: a third faster).
"""

from __future__ import annotations

import hashlib
import heapq
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph.rdf.terms import Quad
from graph.rdfio import TURTLE_PREFIXES, atomic_writer, to_ox

MERGE_FAN_IN = 200  # files open at once while merging (well under common fd limits)


@dataclass(frozen=True)
class NamedGraphFile:
    """One named graph of a build, on disk (see the module docstring)."""

    iri: str
    nt: Path

    @property
    def trig(self) -> Path:
        return self.nt.with_suffix(".trig")

    def ntriples(self) -> bytes:
        return self.nt.read_bytes()

    def digest(self) -> str:
        """Content digest (stores' manifests): same triples, same digest."""
        h = hashlib.sha256()
        with open(self.nt, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()[:32]


def write_graph_file(graph_iri: str, quads: Iterable[Quad], nt: Path) -> NamedGraphFile:
    """Write the triples of `quads` (all in `graph_iri`) as `nt` and its `.trig` sibling."""
    lines = _sorted_lines(graph_iri, quads)
    _write_trig_block(graph_iri, lines.values(), nt.with_suffix(".trig"))
    with atomic_writer(nt) as out:  # written last: its presence means both are complete
        out.write("".join(lines).encode("utf-8"))
    return NamedGraphFile(graph_iri, nt)


def write_ntriples(graph_iri: str, quads: Iterable[Quad], path: Path) -> None:
    """Only the sorted N-Triples of `quads` (a part of a graph, merged later)."""
    with atomic_writer(path) as out:
        out.write("".join(_sorted_lines(graph_iri, quads)).encode("utf-8"))


def graph_file_from_ntriples(graph_iri: str, nt: Path) -> NamedGraphFile:
    """Add the `.trig` sibling to a sorted, de-duplicated N-Triples file."""
    triples = ox.parse(path=nt, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    _write_trig_block(graph_iri, triples, nt.with_suffix(".trig"))
    return NamedGraphFile(graph_iri, nt)


def _sorted_lines(graph_iri: str, quads: Iterable[Quad]) -> dict[str, ox.Triple]:
    lines: dict[str, ox.Triple] = {}
    for s, p, o, g in quads:
        if str(g) != graph_iri:
            raise ValueError(f"quad {(s, p, o)!r} is in {g}, not in {graph_iri}")
        triple = ox.Triple(to_ox(s), to_ox(p), to_ox(o))
        lines[f"{triple} .\n"] = triple
    return {line: lines[line] for line in sorted(lines)}


def _write_trig_block(graph_iri: str, triples: Iterable[ox.Triple], path: Path) -> None:
    node = ox.NamedNode(graph_iri)
    body = ox.serialize((_in_graph(t, node) for t in triples), format=ox.RdfFormat.TRIG,
                        prefixes=TURTLE_PREFIXES)
    with atomic_writer(path) as out:
        out.write(_without_prefixes(body or b""))


def cached_graph_file(graph_iri: str, nt: Path, make: Callable[[], Iterable[Quad]]
                      ) -> NamedGraphFile:
    """The graph file at `nt` if it is there, else written from `make()`. `nt` must be
    named by everything its content depends on."""
    if nt.exists() and nt.with_suffix(".trig").exists():
        return NamedGraphFile(graph_iri, nt)
    return write_graph_file(graph_iri, make(), nt)


def _in_graph(triple: ox.Triple, graph: ox.NamedNode) -> ox.Quad:
    return ox.Quad(triple.subject, triple.predicate, triple.object, graph)


def _without_prefixes(trig: bytes) -> bytes:
    lines = trig.splitlines(keepends=True)
    return b"".join(line for line in lines if not line.startswith(b"@prefix "))


def prefix_lines() -> bytes:
    """The @prefix lines pyoxigraph writes for TURTLE_PREFIXES (for any Turtle or TriG)."""
    probe = ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"),
                    ox.NamedNode("urn:x:g"))
    text = ox.serialize([probe], format=ox.RdfFormat.TRIG, prefixes=TURTLE_PREFIXES) or b""
    return b"".join(line for line in text.splitlines(keepends=True)
                    if line.startswith(b"@prefix "))


def write_trig(graphs: Sequence[NamedGraphFile], path: Path) -> None:
    """graph.trig: the prefixes, then every graph's block in graph IRI order."""
    with atomic_writer(path) as out:
        out.write(prefix_lines())
        for graph in sorted(graphs, key=lambda g: g.iri):
            with open(graph.trig, "rb") as block:
                shutil.copyfileobj(block, out)


def write_turtle(graphs: Sequence[NamedGraphFile], path: Path) -> int:
    """graph.ttl: the union of the graphs, sorted, each triple once, as Turtle. Returns the
    number of triples."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".merge-", dir=path.parent) as tmp:
        merged = Path(tmp) / "union.nt"
        count = write_union(graphs, merged, Path(tmp))
        turtle_from_union(merged, path)
    return count


def write_union(graphs: Sequence[NamedGraphFile], union: Path, tmp: Path) -> int:
    """The union of the graphs as N-Triples, sorted, each triple once (what graph.ttl says,
    `turtle_from_union`); returns the number of triples. `tmp`: a folder for the merge."""
    return merge_sorted([g.nt for g in graphs], union, tmp)


def turtle_from_union(union: Path, path: Path) -> None:
    """graph.ttl from `write_union`'s file."""
    with atomic_writer(path) as out:
        triples = ox.parse(path=union, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        ox.serialize(triples, out, ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES)


def merge_sorted(files: Sequence[Path], out: Path, tmp: Path) -> int:
    """Merge sorted line files into `out`, each line once; returns the number of lines.

    GNU sort does it in C when it is there (`sort -m -u`, bytewise in the C locale); else
    Python merges MERGE_FAN_IN files at a time into intermediate runs, so any number of
    inputs keeps few files open. Both give the same bytes: no N-Triples line is a prefix of
    another (each ends in " ."), so the newline never decides an order.
    """
    sort = shutil.which("sort")
    if sort is not None and files:
        names = tmp / "inputs"
        names.write_bytes(b"".join(bytes(f) + b"\0" for f in files))
        done = subprocess.run([sort, "-m", "-u", f"--batch-size={MERGE_FAN_IN}",
                               "-T", str(tmp), f"--files0-from={names}", "-o", str(out)],
                              env={**os.environ, "LC_ALL": "C"}, capture_output=True,
                              check=False)
        if done.returncode == 0:
            return _count_lines(out)
    runs = list(files)
    level = 0
    while len(runs) > MERGE_FAN_IN:
        level += 1
        merged_runs = []
        for n, start in enumerate(range(0, len(runs), MERGE_FAN_IN)):
            run = tmp / f"run-{level}-{n}.nt"
            _merge_into(runs[start:start + MERGE_FAN_IN], run)
            merged_runs.append(run)
        runs = merged_runs
    return _merge_into(runs, out)


def _count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            count += block.count(b"\n")
    return count


def _merge_into(files: Sequence[Path], out: Path) -> int:
    count = 0
    with ExitStack() as stack, open(out, "wb") as sink:
        handles: list[IO[bytes]] = [stack.enter_context(open(f, "rb")) for f in files]
        for line in _unique(heapq.merge(*handles)):
            sink.write(line)
            count += 1
    return count


def _unique(lines: Iterable[bytes]) -> Iterator[bytes]:
    previous = None
    for line in lines:
        if line != previous:
            yield line
            previous = line
