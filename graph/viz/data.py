"""A built graph as plain Python data for the site: nodes, edges, quotes and documents.

Everything comes from `out/graph.trig` through constant SPARQL queries (no parameters, so
nothing is ever pasted into query text) run by Oxigraph, which is 10-130x faster than rdflib's
engine (PITFALLS.md). Nothing here writes files or knows about HTML. The readers are
graph/viz/nodes.py (nodes, literals, links) and graph/viz/docgraphs.py (documents, claims,
mentions); the records are graph/viz/records.py, whose names are re-exported here for the
site's modules and the exports.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.store import graph_file, inferred_file
from graph.viz import nodeblocks
from graph.viz.docgraphs import (
    Q_DOC_CLAIMS,
    Q_DOC_MENTIONS,
    Q_DOCUMENTS,
    add_claims,
    add_mentions,
    read_documents,
)
from graph.viz.docunits import DocUnits
from graph.viz.nodes import (
    add_counts,
    add_dates,
    made_label,
    node_iris,
    read_labels,
    read_nodes,
)
from graph.viz.records import (
    BUILD_GRAPH,
    PREFIXES,
    RDF_TYPE,
    REGISTRY,
    RKG,
    Document,
    Edge,
    Node,
    Quote,
    count_text,
    format_date,
    local,
    select,
    sentence_around,
    tail,
    text_of,
)

# what the sources of each event disagree on (graph/linking/disputes.py): a side per claim
Q_DISAGREEMENTS = PREFIXES + """SELECT ?event ?kind ?value ?mention WHERE {
  ?dispute a rkg:Disagreement ; rkg:disagreementAbout ?event ; rkg:disagreementKind ?kind ;
           rkg:hasSide ?side . ?side rkg:sideClaim ?claim ; rkg:sideValue ?value .
  ?claim prov:wasDerivedFrom ?mention }"""

Q_BUILD = PREFIXES + """SELECT ?s ?p ?o WHERE { GRAPH <""" + BUILD_GRAPH + """> { ?s ?p ?o } }"""

__all__ = [  # the names the site's modules and the exports take from here
    "DOC_QUERIES",
    "PREFIXES",
    "REGISTRY",
    "RKG",
    "Dispute",
    "Document",
    "Edge",
    "GraphData",
    "Node",
    "Quote",
    "context",
    "count_text",
    "disputes",
    "format_date",
    "load",
    "local",
    "open_graph",
    "source_files",
    "tail",
]


@dataclass
class GraphData:
    nodes: dict[str, Node]
    edges: list[Edge]
    documents: dict[str, Document]
    labels: dict[str, str]  # every labelled IRI, ontology terms included
    build: list[tuple[str, str]]  # (property label, value) of the build record
    opened: ox.Store | None  # the store the data came from, while open (`store`)
    store_path: Path | None = None  # an on-disk store: closed by `close_store`, reopened
    # document graphs whose record, claims and mentions were read from the store, and from
    # the cache an earlier build left (docunits.py)
    doc_graphs: tuple[int, int] = (0, 0)

    @property
    def store(self) -> ox.Store:
        """The store the data came from, opened again (read-only) when it was closed: first
        what the pages freed goes back to the system, as the queries about to run grow the
        heap again (at 10,000 documents the competency tables added 230 MB to the 1.8 GB
        the explorer's files and the search index had left behind, most of it free)."""
        if self.opened is None:
            assert self.store_path is not None, "an in-memory store is never closed"
            from graph.builder import release_memory

            release_memory()
            self.opened = ox.Store.read_only(str(self.store_path))
        return self.opened

    def close_store(self) -> None:
        """Close an on-disk store and hand the freed heap back: Oxigraph's caches (about 105
        MB after reading the graph of 3,000 documents) and what the loading queries left in
        glibc's arenas (94 MB more) would otherwise stay through the whole site. The pages
        that query it (disputes, the competency tables, the index's counts) open it again."""
        from graph.builder import release_memory  # the build's own (graph stage)

        if self.store_path is not None:
            self.opened = None
        release_memory()

    def drop_page_details(self) -> None:
        """Forget what only the pages of nodes and documents show: each node's quotes,
        links and literals, each document's text. What the site draws after them (the
        competency tables, the index) reads labels, groups, dates, properties and the
        documents' records; at 10,000 documents the rest is several hundred MB that would
        otherwise stay under the tables' queries."""
        for node in self.nodes.values():
            node.claims, node.mentions, node.links, node.literals = [], [], {}, {}
        for doc in self.documents.values():
            doc.text = ""

    def label(self, iri: str) -> str:
        node = self.nodes.get(iri)
        if node is not None and node.label:
            return node.label
        return self.labels.get(iri) or tail(iri)


@contextmanager
def open_graph(outdir: Path, cache: Path | None = None,
               opened: Callable[[Path], None] | None = None) -> Iterator[GraphData]:
    """The build in `outdir` as plain data, read from an on-disk Oxigraph store of graph.trig
    (and inferred.trig when it is up to date, as graph.store does) opened read-only, and
    closed once read (`GraphData.close_store`): the build's serve store when it holds exactly
    those files (no second load: at 1,000 documents an in-memory load took 1 GB), else one
    made for the occasion in a temporary folder beside them (the same kind of store, so
    queries without a total order give their rows in the same order either way), removed on
    leaving. `cache`: a folder keeping each document graph's answers (docunits.py);
    `opened`: told the store's folder once it is chosen, before the data are read."""
    from graph.serve.store import current_store, prepare_store

    units = DocUnits(DOC_QUERIES, outdir, cache, source_files(outdir))
    prepared = current_store(outdir)
    reading = None
    if prepared is not None:
        with suppress(OSError):  # locked or damaged: make one
            reading = Reading(ox.Store.read_only(str(prepared)), prepared,
                              source_files(outdir))
    if reading is not None:
        if opened is not None and reading.path is not None:
            opened(reading.path)
        data = load_store(reading, units)
        del reading  # the data's reference is the last: `close_store` closes it
        data.close_store()
        yield data
        return
    tmp = Path(tempfile.mkdtemp(prefix=".site-store-", dir=outdir))
    try:
        made = prepare_store(outdir, location=tmp / "oxigraph")
        if opened is not None:
            opened(made)
        data = load_store(Reading(ox.Store.read_only(str(made)), made, source_files(outdir)),
                          units)
        data.close_store()
        yield data
        data.close_store()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def load(outdir: Path) -> GraphData:
    """The build in `outdir` as plain data, over an in-memory store (for callers that keep
    the data after the call; the site reads through `open_store`)."""
    store = ox.Store()
    for path in source_files(outdir):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    return load_store(Reading(store))


def source_files(outdir: Path) -> list[Path]:
    inferred = inferred_file(outdir)
    return [graph_file(outdir)] + ([inferred] if inferred is not None else [])


DOC_QUERIES = {"documents": Q_DOCUMENTS, "claims": Q_DOC_CLAIMS, "mentions": Q_DOC_MENTIONS}


class Reading:
    """The store the readers go through, one after the other. An on-disk one (`path`) is
    closed and opened again between them (`renew`): what one reader's lookups left in
    Oxigraph's caches and glibc's arenas goes back to the system before the next one's rows
    arrive (at 1,000 documents the node lookups left 33 MB there). `files`: the files the
    store holds, exactly, when the nodes may be read from them (nodeblocks.py)."""

    def __init__(self, store: ox.Store, path: Path | None = None,
                 files: list[Path] | None = None) -> None:
        self.store: ox.Store | None = store
        self.path = path
        self.files = files

    def now(self) -> ox.Store:
        assert self.store is not None
        return self.store

    def renew(self) -> None:
        if self.path is None:
            return  # an in-memory store: closing it would lose it
        from graph.builder import release_memory  # the build's own (graph stage)

        self.store = None
        release_memory()
        self.store = ox.Store.read_only(str(self.path))


def load_store(reading: Reading, units: DocUnits | None = None) -> GraphData:
    """The graph of the store `reading` goes through as plain data; `units`: the document
    graphs' answers kept by an earlier build (docunits.py), else every document graph is
    asked. An on-disk store stays open in the data (`GraphData.close_store` closes it)."""
    units = units if units is not None else DocUnits(DOC_QUERIES)
    iris = node_iris(reading.now())
    blocks = nodeblocks.read(reading.files, iris) if reading.files else None
    labels = blocks.labels if blocks is not None and blocks.labels is not None \
        else read_labels(reading.now())
    nodes, edges = read_nodes(reading.now(), labels, iris,
                              blocks.raws if blocks is not None else None)
    add_counts(reading.now(), nodes, labels, blocks.counts if blocks is not None else None)
    del blocks
    reading.renew()  # the node lookups filled the caches; the document graphs' rows come
    documents = read_documents(units.rows(reading.now(), "documents"), labels)
    sources: dict[str, set[str]] = defaultdict(set)  # node -> its documents (`Node.sources`)
    for node in nodes.values():
        if REGISTRY in node.sources:
            sources[node.id].add(REGISTRY)
    for doc in documents.values():
        if doc.id in nodes:
            sources[doc.id].add(doc.id)
    add_dates(nodes)
    add_claims(reading.now(), units.rows(reading.now(), "claims"), nodes, sources)
    reading.renew()
    add_mentions(units.rows(reading.now(), "mentions"), nodes, documents, sources)
    units.save()
    asked, kept = max(units.asked.values(), default=0), min(units.kept.values(), default=0)
    for node in nodes.values():
        node.label = labels.get(node.id) or made_label(node, labels, nodes)
        node.props.sort(key=lambda p: (p[1], p[2], p[0]))
        node.sources = tuple(sorted(sources.pop(node.id, ())))
    store = reading.now()
    return GraphData(nodes, edges, documents, labels, _build(store, labels), store,
                     reading.path, (asked, kept))


@dataclass(frozen=True)
class Dispute:
    """One thing the reports of an event disagree on (count, date, place, perpetrator): each
    side the value one claim gives and that claim's mention (its sentence)."""

    kind: str
    sides: tuple[tuple[str, str], ...]  # (value, mention IRI), sorted


def disputes(store: ox.Store) -> dict[str, list[Dispute]]:
    """event IRI -> its disagreements, by kind."""
    sides: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for r in select(store, Q_DISAGREEMENTS):
        sides[(text_of(r["event"]), text_of(r["kind"]))].add((text_of(r["value"]),
                                                            text_of(r["mention"])))
    out: dict[str, list[Dispute]] = defaultdict(list)
    for (event, kind), found in sorted(sides.items()):
        out[event].append(Dispute(kind, tuple(sorted(found))))
    return dict(out)


def context(data: GraphData, quote: Quote) -> tuple[str, str]:
    """The text before and after an entity mention, within its sentence ("", "" for a
    claim, whose quote is the sentence)."""
    doc = data.documents.get(quote.doc)
    if not quote.in_context or doc is None:
        return "", ""
    before, _exact, after = sentence_around(doc.text, quote.start, quote.end)
    return before, after


def _build(store: ox.Store, labels: dict[str, str]) -> list[tuple[str, str]]:
    rows = []
    for r in select(store, Q_BUILD):
        p = text_of(r["p"])
        if p == RDF_TYPE:
            continue
        o = r["o"]
        value = labels.get(text_of(o)) or text_of(o)
        rows.append((labels.get(p) or tail(p), value))
    return sorted(rows)
