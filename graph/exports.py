"""`rkg export`: a build's graph as Turtle, TriG, N-Quads, JSON-LD, GraphML or CSV tables.

Everything is read with pyoxigraph and written by pyoxigraph or by small streaming writers
(rdflib's Turtle writer takes 36 s for a million triples, Oxigraph's under one: PITFALLS.md).
Output is deterministic: the same graph gives the same bytes.

- ttl: the union of all named graphs, each triple once, sorted, with the project's prefixes:
  the build's own graph.ttl when nothing else is exported (`built_turtle`); after a default
  build, graph.ttl (already sorted) merged with the sorted inferred part (`merge_turtle`),
  streamed; sorted here only when there is no usable graph.ttl.
- trig, nq: every named graph (ontology, registry, one per document, canonical, build, and
  inferred when `inferred.trig` is up to date, as `graph.store` loads it).
- jsonld: node objects per named graph with an inline `@context` of prefixes, so no processor
  fetches anything; written one subject at a time, in the order of the build's files (graphs
  in IRI order, subjects sorted within each), so memory stays flat.
- graphml: for Gephi: nodes (IRIs) with label, class and group; edges with predicate and the
  named graphs that hold them; the ontology graph is left out. Edges are sorted on disk and
  streamed, so only the nodes' facts are held in memory.
- csv: a folder of tables: events, statements, treaty actions, claims (one per source
  sentence) and documents.
"""

from __future__ import annotations

import bisect
import csv
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from graph import iris
from graph.errors import RkgError
from graph.rdfio import PREFIXES, TURTLE_PREFIXES, atomic_writer
from graph.store import graph_file, inferred_file

FORMATS = ("ttl", "trig", "nq", "jsonld", "graphml", "csv")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RKG = PREFIXES["rkg"]
ONTOLOGY_GRAPH = iris.graph("ontology")


class ExportError(RkgError):
    """An export cannot be written as asked (the message says why)."""


def export(graph_dir: Path, fmt: str, out: Path | None) -> None:
    """Write the build in `graph_dir` as `fmt` to `out` (a file; a folder for csv; None:
    standard output)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    sources = source_files(Path(graph_dir))
    if fmt == "csv":
        if out is None:
            raise ExportError("csv writes several tables: pass --out FOLDER")
        write_csv(Path(graph_dir), out)
        return
    with _output(out) as handle:
        match fmt:
            case "ttl":
                built = built_turtle(Path(graph_dir), sources[:1])
                if built is not None and len(sources) == 1:
                    copy_file(built, handle)
                elif built is not None:
                    merge_turtle(built, itertools.chain.from_iterable(
                        parse_file(path) for path in sources[1:]), handle)
                else:
                    write_turtle(read_quads(sources), handle)
            case "trig":
                for path in sources:  # a second @prefix block mid-file is valid TriG
                    _native(path, handle, ox.RdfFormat.TRIG, prefixes=TURTLE_PREFIXES)
            case "nq":
                for path in sources:
                    _native(path, handle, ox.RdfFormat.N_QUADS)
            case "jsonld":
                write_jsonld([parse_file(path) for path in sources], handle)
            case "graphml":
                write_graphml(read_quads(sources), handle)


@contextmanager
def _output(out: Path | None) -> Iterator[IO[bytes]]:
    if out is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    if out.is_dir():
        raise ExportError(f"{out}: is a folder; give a file name")
    with atomic_writer(out) as handle:
        yield handle


def source_files(graph_dir: Path) -> list[Path]:
    """graph.trig, and inferred.trig when it is up to date (what `graph.store` loads)."""
    inferred = inferred_file(graph_dir)
    return [graph_file(graph_dir)] + ([inferred] if inferred is not None else [])


def parse_file(path: Path) -> Iterator[ox.Quad]:
    """pyoxigraph's parser over one of the build's TriG files, handed to `ox.serialize` as
    it is: quads then go from parser to serializer without becoming Python objects (about
    twice as fast as through a Python generator). The files are pyoxigraph's own output:
    read `lenient` (IRIs are not validated again)."""
    return ox.parse(path=str(path), format=ox.RdfFormat.TRIG, lenient=True)


def _native(path: Path, handle: IO[bytes], fmt: ox.RdfFormat, **options: Any) -> None:
    try:
        ox.serialize(parse_file(path), handle, fmt, **options)
    except (SyntaxError, ValueError) as exc:
        raise ExportError(f"{path}: cannot read the graph: {exc}") from exc


def read_quads(paths: Iterable[Path]) -> Iterator[ox.Quad]:
    """The quads of the build's TriG files in file order (the build writes them sorted),
    streamed."""
    for path in paths:
        try:
            yield from ox.parse(path=str(path), format=ox.RdfFormat.TRIG)
        except (SyntaxError, ValueError) as exc:
            raise ExportError(f"{path}: cannot read the graph: {exc}") from exc


# -- Turtle ----------------------------------------------------------------------------------
def built_turtle(graph_dir: Path, sources: Sequence[Path]) -> Path | None:
    """The build's own `graph.ttl` when it is the whole Turtle export, else None.

    The builder writes graph.ttl as the sorted, de-duplicated union of graph.trig's named
    graphs, with the same prefixes, right after graph.trig; so when graph.trig is all there is
    to export (no up-to-date inferred.trig) and graph.ttl is not older than it, its bytes are
    the export: copied, not parsed and re-sorted (1,000 documents: 10 s -> well under 1 s).
    Only that is relied on, not graph.ttl's exact layout.
    """
    built = graph_dir / "graph.ttl"
    if len(sources) != 1 or sources[0] != graph_file(graph_dir) or not built.is_file():
        return None
    if built.stat().st_mtime_ns < sources[0].stat().st_mtime_ns:
        return None  # an earlier build's file (a build that failed between the two)
    return built


def copy_file(path: Path, handle: IO[bytes]) -> None:
    try:
        with open(path, "rb") as source:
            shutil.copyfileobj(source, handle, 1 << 20)
    except OSError as exc:
        raise ExportError(f"{path}: cannot read the graph: {exc}") from exc


def write_turtle(quads: Iterable[ox.Quad], handle: IO[bytes]) -> None:
    """The union of the quads' graphs as Turtle: each triple once, sorted by its canonical
    N-Triples line (bytewise, as the builder sorts graph.ttl). Lines, not terms, are
    de-duplicated and sorted: a canonical line is one triple, and bytes compare in C."""
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    lines = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    unique = sorted(set(lines.split(b"\n")) - {b""})
    data = b"\n".join(unique) + b"\n" if unique else b""
    ox.serialize(ox.parse(data, ox.RdfFormat.N_TRIPLES), handle, ox.RdfFormat.TURTLE,
                 prefixes=TURTLE_PREFIXES)


MERGE_BATCH = 4096


def merge_turtle(built: Path, extra: Iterable[ox.Quad], handle: IO[bytes]) -> None:
    """Turtle of graph.ttl's triples (sorted, each once: the builder's union) merged with the
    triples of `extra` (the inferred graph: small), in the builder's order, each triple once.

    graph.ttl is streamed in batches; a batch is compared with the next extra triple by its
    last line only, and split by binary search when extra triples fall inside it, so the
    canonical line (the sort key, as graph/graphfiles.py sorts) is computed for a few triples
    per batch rather than for every one.
    """
    pending = sorted({f"{t} .\n": t for t in (
        ox.Triple(q.subject, q.predicate, q.object) for q in extra)}.items())
    try:
        main = ox.parse(path=str(built), format=ox.RdfFormat.TURTLE, lenient=True)
        ox.serialize(_merged(main, pending), handle, ox.RdfFormat.TURTLE,
                     prefixes=TURTLE_PREFIXES)
    except (SyntaxError, ValueError) as exc:
        raise ExportError(f"{built}: cannot read the graph: {exc}") from exc


class _Lines:
    """The canonical lines of a batch of triples, computed when looked at (for bisect)."""

    def __init__(self, batch: list[ox.Triple]) -> None:
        self.batch = batch
        self.cache: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.batch)

    def __getitem__(self, index: int) -> str:
        line = self.cache.get(index)
        if line is None:
            line = self.cache[index] = f"{self.batch[index]} .\n"
        return line


def _merged(main: Iterator[ox.Triple], pending: list[tuple[str, ox.Triple]]
            ) -> Iterator[ox.Triple]:
    """The merge as one iterator; the serializer pulls triples through `itertools.chain`
    (C), and Python runs once per segment (a run of graph.ttl, or one inferred triple)."""
    return itertools.chain.from_iterable(_segments(main, pending))


def _segments(main: Iterator[ox.Triple], pending: list[tuple[str, ox.Triple]]
              ) -> Iterator[list[ox.Triple]]:
    index = 0
    while True:
        batch = list(itertools.islice(main, MERGE_BATCH))
        if not batch:
            break
        lines = _Lines(batch)
        last = lines[len(batch) - 1]
        start = 0
        while index < len(pending) and pending[index][0] <= last:
            line, triple = pending[index]
            at = bisect.bisect_left(lines, line, start)
            yield batch[start:at]
            if lines[at] != line:  # else already in graph.ttl: written once, from there
                yield [triple]
            start = at
            index += 1
        yield batch[start:] if start else batch
    yield [triple for _, triple in pending[index:]]


# -- JSON-LD ---------------------------------------------------------------------------------
_NAMESPACES = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact(iri: str) -> str:
    """`prefix:local` when a prefix fits and the result cannot be read as something else."""
    for prefix, namespace in _NAMESPACES:
        if iri.startswith(namespace):
            rest = iri[len(namespace):]
            if rest and not rest.startswith("//"):
                return f"{prefix}:{rest}"
    return iri


def jsonld_document(quads: Iterable[ox.Quad]) -> dict[str, Any]:
    """The JSON-LD document of `quads` as one object (what `write_jsonld` streams)."""
    out = io.BytesIO()
    write_jsonld([quads], out)
    return dict(json.loads(out.getvalue()))


def write_jsonld(parts: Sequence[Iterable[ox.Quad]], handle: IO[bytes]) -> None:
    """JSON-LD of the quads of `parts` (each a file's quads): `{"@context": prefixes,
    "@graph": [...]}` with the node objects written by pyoxigraph's streaming serializer,
    one per run of quads with the same graph and subject (the build's files keep each
    subject's quads together), in the files' order. Node objects are in expanded form (full
    IRIs); the context lets a JSON-LD processor compact them, and is inline so that nothing
    is ever fetched."""
    context = json.dumps(dict(sorted(PREFIXES.items())), ensure_ascii=False)
    handle.write(b'{"@context": ' + context.encode("utf-8") + b',\n "@graph": [')
    joined = _JoinedArrays(handle)
    for part in parts:
        try:
            ox.serialize(part, joined, ox.RdfFormat.JSON_LD)  # type: ignore[arg-type]
        except (SyntaxError, ValueError) as exc:
            raise ExportError(f"cannot read the graph: {exc}") from exc
        joined.end_part()
    handle.write(b"]}\n")


class _JoinedArrays:
    """A file object that turns the JSON arrays written into it, one after the other, into
    the items of one array (the caller writes its brackets): each part's `[` and `]` are
    dropped and a comma goes between non-empty parts. Bytes pass straight through, one byte
    held back (the closing bracket only shows at the end of a part)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.items = False
        self.opened = False
        self.started = False
        self.tail = b""

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        size = len(chunk)
        if not self.opened:
            if chunk[:1] != b"[":
                raise ExportError("unexpected JSON-LD from the serializer")
            chunk, self.opened, self.started = chunk[1:], True, False
        chunk, self.tail = (self.tail + chunk)[:-1], (self.tail + chunk)[-1:]
        if chunk:
            if not self.started:
                if self.items:
                    self.handle.write(b",")
                self.started = self.items = True
            self.handle.write(chunk)
        return size

    def flush(self) -> None:
        pass

    def end_part(self) -> None:
        if self.tail not in (b"]", b""):
            raise ExportError("unexpected JSON-LD from the serializer")
        self.tail, self.opened = b"", False


# -- GraphML ---------------------------------------------------------------------------------
_XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    text = _XML_INVALID.sub("\ufffd", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


@dataclass
class _GraphmlNodes:
    """What GraphML needs of each node (ids, classes, one label); edges go to a file."""

    ids: set[str] = field(default_factory=set)
    classes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, str] = field(default_factory=dict)

    def attributes(self, node: str) -> dict[str, str]:
        from graph.viz.styles import group_of, specific_class

        local = {c[len(RKG):] if c.startswith(RKG) else compact(c)
                 for c in self.classes.get(node, ())}
        group = group_of(local)
        return {"label": self.labels.get(node) or _tail(node),
                "class": specific_class(local) if local else "",
                "classes": " ".join(sorted(local)), "group": group.label if group else ""}


def _graphml_pass(quads: Iterable[ox.Quad], edges: IO[str]) -> _GraphmlNodes:
    """One pass over the quads of the data graphs (not the ontology): node facts kept,
    every edge occurrence written to `edges` as `subject TAB predicate TAB object TAB graph`
    (IRIs, blank node ids and compact graph names hold no tab or newline)."""
    nodes = _GraphmlNodes()
    graph_names: dict[str, str] = {}
    for q in quads:
        graph_term = q.graph_name
        if isinstance(graph_term, ox.NamedNode) and graph_term.value == ONTOLOGY_GRAPH:
            continue
        s = _node_id(q.subject)
        nodes.ids.add(s)
        predicate = q.predicate.value
        obj = q.object
        if predicate == RDF_TYPE:
            nodes.classes[s].add(_node_id(obj))
            continue
        if isinstance(obj, ox.Literal):
            if predicate == RDFS_LABEL and (s not in nodes.labels or obj.language in (
                    None, "", "en")):
                nodes.labels[s] = obj.value if s not in nodes.labels else min(
                    nodes.labels[s], obj.value)
            continue
        o = _node_id(obj)
        nodes.ids.add(o)
        key = str(graph_term)
        graph = graph_names.get(key)
        if graph is None:
            graph = "" if isinstance(graph_term, ox.DefaultGraph) else compact(
                graph_term.value)
            graph_names[key] = graph
        edges.write(f"{s}\t{predicate}\t{o}\t{graph}\n")
    return nodes


def _sorted_edges(path: Path) -> Iterator[tuple[str, str, str, str]]:
    """(subject, predicate, object, graphs) of each distinct edge, in (s, p, o) order,
    from the edge file sorted on disk (GNU sort, bytewise: the order of Python's str
    comparison), or in memory when there is no `sort`."""
    sort = shutil.which("sort")
    if sort is not None:
        done = subprocess.run([sort, "-u", "-S", "64M", "-T", str(path.parent), "-o",
                               str(path), str(path)], env={**os.environ, "LC_ALL": "C"},
                              capture_output=True, check=False)
        if done.returncode != 0:
            raise ExportError(f"sorting the GraphML edges failed: {done.stderr[-300:]!r}")
        lines: Iterable[str] = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    else:
        lines = sorted(set(path.read_text(encoding="utf-8").splitlines(keepends=True)))
    current: tuple[str, str, str] | None = None
    graphs: list[str] = []
    try:
        for line in lines:
            s, p, o, g = line.rstrip("\n").split("\t")
            if (s, p, o) != current:
                if current is not None:
                    yield (*current, " ".join(graphs))
                current, graphs = (s, p, o), []
            graphs.append(g)
        if current is not None:
            yield (*current, " ".join(graphs))
    finally:
        if hasattr(lines, "close"):
            lines.close()


def _node_id(term: Any) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term.value)


def _tail(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


NODE_KEYS = ("label", "class", "classes", "group")


def write_graphml(quads: Iterable[ox.Quad], handle: IO[bytes]) -> None:
    """GraphML for Gephi: nodes with label, class and group, then each distinct edge once
    with the named graphs that hold it. Edges never sit in memory: they go to a file, are
    sorted on disk and streamed out; only the nodes' facts are held."""
    with tempfile.TemporaryDirectory(prefix="rkg-graphml-") as tmp:
        edge_file = Path(tmp) / "edges.tsv"
        with open(edge_file, "w", encoding="utf-8", newline="\n") as edges:
            nodes = _graphml_pass(quads, edges)
        out = io.TextIOWrapper(handle, encoding="utf-8", newline="\n", write_through=False)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                  'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for key in NODE_KEYS:
            out.write(f'  <key id="{key}" for="node" attr.name="{key}" '
                      'attr.type="string"/>\n')
        for key in ("predicate", "label", "graphs"):
            out.write(f'  <key id="e_{key}" for="edge" attr.name="{key}" '
                      'attr.type="string"/>\n')
        out.write('  <graph id="refoulement-kg" edgedefault="directed">\n')
        for node in sorted(nodes.ids):
            attrs = nodes.attributes(node)
            out.write(f'    <node id="{_xml(node)}">')
            for key in NODE_KEYS:
                if attrs[key]:
                    out.write(f'<data key="{key}">{_xml(attrs[key])}</data>')
            out.write("</node>\n")
        predicates: dict[str, tuple[str, str]] = {}
        for n, (s, p, o, graphs) in enumerate(_sorted_edges(edge_file)):
            shown = predicates.get(p)
            if shown is None:
                shown = predicates[p] = (_xml(compact(p)), _xml(_tail(p)))
            out.write(f'    <edge id="e{n}" source="{_xml(s)}" target="{_xml(o)}">'
                      f'<data key="e_predicate">{shown[0]}</data>'
                      f'<data key="e_label">{shown[1]}</data>'
                      f'<data key="e_graphs">{_xml(graphs)}</data></edge>\n')
        out.write("  </graph>\n</graphml>\n")
        out.flush()
        out.detach()


# -- CSV -------------------------------------------------------------------------------------
EVENT_GROUPS = ("forced-return", "detention", "visit", "resolution-adoption", "review",
                "practice", "harm")
EVENT_ROLES = ("perpetrator", "origin", "destination", "place", "detainer",
               "detentionFacility", "visitor", "adoptingBody", "resolution",
               "stateUnderReview", "actor", "source", "harm")


def write_csv(graph_dir: Path, folder: Path) -> None:
    """events.csv, statements.csv, treaty_actions.csv, claims.csv, documents.csv."""
    from graph.viz.data import load

    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder}: exists and is not a folder (csv writes a folder)")
    data = load(graph_dir)
    folder.mkdir(parents=True, exist_ok=True)

    def names(node: Any, local: str) -> str:
        return "; ".join(data.label(i) for i in node.links.get(RKG + local, []))

    def docs(node: Any) -> str:
        return "; ".join(sorted({data.documents[q.doc].file for q in node.claims
                                 if q.doc in data.documents}))

    def literal(node: Any, local: str) -> str:
        return "; ".join(node.literals.get(RKG + local, []))

    def count(node: Any) -> str:
        return next((v for p, _l, v in node.props if p == RKG + "count"), "")

    nodes = sorted(data.nodes.values(), key=lambda n: (n.date or "", n.id))
    events = [["iri", "class", "label", "date", *EVENT_ROLES, "count", "description",
               "sources", "claims"]]
    for n in nodes:
        if n.group in EVENT_GROUPS:
            events.append([n.id, n.rdf_class, n.label, n.date or "",
                           *(names(n, r) for r in EVENT_ROLES), count(n),
                           literal(n, "description") or literal(n, "words"), docs(n),
                           str(len(n.claims))])
    statements = [["iri", "class", "date", "speaker", "speaker_text", "stance", "addressee",
                   "addressee_text", "on_behalf_of", "topic", "sources", "quote"]]
    for n in nodes:
        if n.group == "statement":
            statements.append([n.id, n.rdf_class, n.date or "", names(n, "speaker"),
                               literal(n, "speakerText"), names(n, "stance"),
                               names(n, "addressee"), literal(n, "addresseeText"),
                               names(n, "onBehalfOf"), literal(n, "topic"), docs(n),
                               n.claims[0].text if n.claims else ""])
    treaty = [["iri", "record", "class", "state", "treaty", "action", "date", "words",
               "sources"]]
    for n in nodes:
        if n.group in ("treaty-action", "treaty-statement"):
            record = "document" if n.claims else "registry (UNTC)"
            treaty.append([n.id, record, n.rdf_class, names(n, "actingState"),
                           names(n, "treaty"), names(n, "actionKind"), n.date or "",
                           literal(n, "words") or literal(n, "statedYear"), docs(n)])
    claims = [["node", "node_class", "document", "start", "end", "claimed_by", "reported_by",
               "status", "date_as_written", "count_as_written", "count", "quote"]]
    for n in sorted(data.nodes.values(), key=lambda n: n.id):
        for q in n.claims:
            claims.append([n.id, n.rdf_class, data.documents[q.doc].file
                           if q.doc in data.documents else q.doc, str(q.start), str(q.end),
                           data.label(q.claimed_by) if q.claimed_by else "",
                           data.label(q.reported_by) if q.reported_by else "",
                           q.status or "", q.date_text or "", q.count_text or "",
                           q.count_value or "", q.text])
    documents = [["iri", "file", "title", "publisher", "date", "kind", "language", "url",
                  "sha256"]]
    for d in data.documents.values():
        documents.append([d.id, d.file, d.title, d.publisher, d.date or "", d.kind,
                          d.language, d.url, d.sha256])
    for name, rows in (("events", events), ("statements", statements),
                       ("treaty_actions", treaty), ("claims", claims),
                       ("documents", documents)):
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(rows)
        with atomic_writer(folder / f"{name}.csv") as handle:
            handle.write(text.getvalue().encode("utf-8"))
