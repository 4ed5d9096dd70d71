"""A built graph as plain Python data for the site: nodes, edges, quotes and documents.

Everything comes from `out/graph.trig` through constant SPARQL queries (no parameters, so
nothing is ever pasted into query text) run by Oxigraph, which is 10-130x faster than rdflib's
engine (PITFALLS.md). Nothing here writes files or knows about HTML.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

import pyoxigraph as ox

from graph import iris
from graph.store import graph_file, inferred_file
from graph.viz.docunits import DOC_GRAPH_PREFIX, DocUnits
from graph.viz.styles import CLASS_GROUP, RKG, group_of, specific_class

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
DCTERMS = "http://purl.org/dc/terms/"
ONTOLOGY_GRAPH = iris.graph("ontology")
REGISTRY_GRAPH = iris.graph("registry")
BUILD_GRAPH = iris.graph("build")
REGISTRY = "registry"  # the source of nodes that come from the reference registry

PREFIXES = """PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
NOT_ONTOLOGY = "FILTER(?g != <" + ONTOLOGY_GRAPH + ">)"

Q_CLASSES = PREFIXES + """SELECT DISTINCT ?type WHERE {
  GRAPH ?g { ?s a ?type } """ + NOT_ONTOLOGY + """ FILTER(isIRI(?type)) }"""
TYPE_NODE = ox.NamedNode(RDF_TYPE)

Q_LABELS = PREFIXES + """SELECT ?s ?p ?label WHERE {
  VALUES ?p { rdfs:label skos:prefLabel } ?s ?p ?label . FILTER(isIRI(?s)) }"""

INFERRED_GRAPH = iris.graph("inferred")
ATTESTED_BY = RKG + "attestedBy"
ATTESTED_BY_NODE = ox.NamedNode(ATTESTED_BY)

# the claims drawn from each document graph, with their mentions and selectors (the
# document's own triples: its answer is kept per graph, docunits.py); a node's claims are
# those its rkg:attestedBy names (read with the node, `_read_subject`)
Q_DOC_CLAIMS = PREFIXES + """SELECT ?g ?claim ?mention ?doc ?exact ?start ?end ?by ?rep ?status
       ?dateText ?words ?value ?min ?max ?place ?page WHERE { GRAPH ?g {
  ?claim prov:wasDerivedFrom ?mention .
  ?mention oa:hasSource ?doc ; oa:hasSelector ?q , ?pos .
  ?q a oa:TextQuoteSelector ; oa:exact ?exact .
  ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  OPTIONAL { ?claim rkg:claimedBy ?by }
  OPTIONAL { ?claim rkg:reportedBy ?rep }
  OPTIONAL { ?claim rkg:epistemicStatus ?status }
  OPTIONAL { ?claim rkg:dateText ?dateText }
  OPTIONAL { ?claim rkg:claimedPlace ?place }
  OPTIONAL { ?mention rkg:page ?page }
  OPTIONAL { ?claim rkg:claimedCount ?c . OPTIONAL { ?c rkg:wordsAsWritten ?words }
             OPTIONAL { ?c rkg:value ?value } OPTIONAL { ?c rkg:minValue ?min }
             OPTIONAL { ?c rkg:maxValue ?max } }
} FILTER(STRSTARTS(STR(?g), \"""" + DOC_GRAPH_PREFIX + """\")) }"""

# what the sources of each event disagree on (graph/linking/disputes.py): a side per claim
Q_DISAGREEMENTS = PREFIXES + """SELECT ?event ?kind ?value ?mention WHERE {
  ?dispute a rkg:Disagreement ; rkg:disagreementAbout ?event ; rkg:disagreementKind ?kind ;
           rkg:hasSide ?side . ?side rkg:sideClaim ?claim ; rkg:sideValue ?value .
  ?claim prov:wasDerivedFrom ?mention }"""

Q_COUNTS = PREFIXES + """SELECT ?c ?words ?value ?min ?max WHERE { ?c a rkg:PersonCount .
  OPTIONAL { ?c rkg:wordsAsWritten ?words } OPTIONAL { ?c rkg:value ?value }
  OPTIONAL { ?c rkg:minValue ?min } OPTIONAL { ?c rkg:maxValue ?max } }"""

Q_DOC_MENTIONS = PREFIXES + """SELECT ?g ?entity ?mention ?doc ?start ?end ?page WHERE {
  GRAPH ?g { ?mention rkg:refersTo ?entity ; oa:hasSource ?doc ; oa:hasSelector ?pos .
  ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  OPTIONAL { ?mention rkg:page ?page } }
  FILTER(STRSTARTS(STR(?g), \"""" + DOC_GRAPH_PREFIX + """\")) }"""

Q_DOCUMENTS = PREFIXES + """SELECT ?g ?doc ?p ?o WHERE {
  GRAPH ?g { ?doc a rkg:SourceDocument ; ?p ?o }
  FILTER(STRSTARTS(STR(?g), \"""" + DOC_GRAPH_PREFIX + """\")) }"""

Q_CLASS_COUNTS = PREFIXES + """SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s a ?type } """ + NOT_ONTOLOGY + """ } GROUP BY ?type"""

Q_GRAPH_SIZES = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"""

Q_BUILD = PREFIXES + """SELECT ?s ?p ?o WHERE { GRAPH <""" + BUILD_GRAPH + """> { ?s ?p ?o } }"""

Q_TERM_LABELS = PREFIXES + """SELECT ?term ?label WHERE { GRAPH <""" + ONTOLOGY_GRAPH + """> {
  ?term rdfs:label|skos:prefLabel ?label } FILTER(isIRI(?term)) }"""


@dataclass(slots=True)  # hundreds of thousands of them at 10,000 documents
class Quote:
    """One source sentence behind a node (a claim's mention, or an entity mention)."""

    doc: str
    mention: str
    start: int
    end: int
    text: str  # the sentence (claims) or the surface form (entity mentions)
    in_context: bool = False  # an entity mention: shown within its sentence (`context`)
    claimed_by: str | None = None
    reported_by: str | None = None
    status: str | None = None
    date_text: str | None = None
    count_text: str | None = None
    page: int | None = None  # the PDF page the quote begins on (rkg:page)
    count_value: str | None = None
    place: str | None = None


@dataclass(slots=True)  # hundreds of thousands of them at 10,000 documents
class Node:
    id: str
    classes: frozenset[str]
    group: str
    label: str = ""
    rdf_class: str = ""
    date: str | None = None  # as precise as the graph says: yyyy, yyyy-mm or yyyy-mm-dd
    # document IRIs and/or REGISTRY, sorted (a tuple: a set per node was 40 MB more at
    # 10,000 documents); made by `load_store`
    sources: tuple[str, ...] = ()
    props: list[tuple[str, str, str]] = field(default_factory=list)  # (predicate, label, value)
    # predicate -> object IRIs; not rkg:attestedBy (the claims are `claims`). Values are
    # sorted tuples once loaded (`_freeze`)
    links: Mapping[str, Sequence[str]] = field(default_factory=dict)
    claims: list[Quote] = field(default_factory=list)
    mentions: list[Quote] = field(default_factory=list)
    literals: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None

    def first(self, local: str) -> str | None:
        values = self.literals.get(RKG + local)
        return values[0] if values else None


@dataclass(slots=True)  # hundreds of thousands of them at 10,000 documents
class Edge:
    source: str
    target: str
    predicate: str
    label: str
    inferred: bool = False


@dataclass(slots=True)  # hundreds of thousands of them at 10,000 documents
class Document:
    id: str
    graph: str
    file: str = ""
    title: str = ""
    publisher: str = ""
    creator: str | None = None
    date: str | None = None
    kind: str = ""
    language: str = ""
    url: str = ""
    sha256: str = ""
    text: str = ""

    @property
    def slug(self) -> str:
        return self.id.rsplit("/", 1)[-1]


@dataclass
class GraphData:
    nodes: dict[str, Node]
    edges: list[Edge]
    documents: dict[str, Document]
    labels: dict[str, str]  # every labelled IRI, ontology terms included
    class_counts: dict[str, int]  # rkg:/other class IRI -> number of instances
    graph_sizes: dict[str, int]  # named graph IRI -> triples
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

    def label(self, iri: str) -> str:
        node = self.nodes.get(iri)
        if node is not None and node.label:
            return node.label
        return self.labels.get(iri) or tail(iri)


def tail(iri: str) -> str:
    """The last segment of an IRI, for display when nothing better is known."""
    for sep in ("#", "/"):
        if sep in iri.rstrip(sep):
            return iri.rstrip(sep).rsplit(sep, 1)[-1]
    return iri


def local(iri: str) -> str:
    return iri[len(RKG):] if iri.startswith(RKG) else tail(iri)


def format_date(value: str, precision: str | None) -> str:
    kind = tail(precision) if precision else "day"
    return {"year": value[:4], "month": value[:7]}.get(kind, value[:10])


def _value(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else ""


def _opt(term: object) -> str | None:
    return _value(term) if term is not None else None


def _interned(value: str | None) -> str | None:
    """An IRI read many times over (a speaker, a place): one string for all."""
    return sys.intern(value) if value is not None else None


SHARED_LENGTH = 40  # literals up to this long are shared (dates, counts, kinds, roles)


@overload
def _short_shared(value: str) -> str: ...
@overload
def _short_shared(value: None) -> None: ...
def _short_shared(value: str | None) -> str | None:
    """A short literal as one string for every node that holds it: dates, years, counts and
    kinds repeat across hundreds of thousands of nodes at 10,000 documents, and each value
    read from the store is a new string."""
    return sys.intern(value) if value is not None and len(value) <= SHARED_LENGTH else value


@contextmanager
def open_graph(outdir: Path, cache: Path | None = None) -> Iterator[GraphData]:
    """The build in `outdir` as plain data, read from an on-disk Oxigraph store of graph.trig
    (and inferred.trig when it is up to date, as graph.store does) opened read-only, and
    closed once read (`GraphData.close_store`): the build's serve store when it holds exactly
    those files (no second load: at 1,000 documents an in-memory load took 1 GB), else one
    made for the occasion in a temporary folder beside them (the same kind of store, so
    queries without a total order give their rows in the same order either way), removed on
    leaving. `cache`: a folder keeping each document graph's answers (docunits.py)."""
    from graph.serve.store import current_store, prepare_store

    units = DocUnits(DOC_QUERIES, outdir, cache, source_files(outdir))
    prepared = current_store(outdir)
    store = None
    if prepared is not None:
        with suppress(OSError):  # locked or damaged: make one
            store = ox.Store.read_only(str(prepared))
    if store is not None and prepared is not None:
        data = load_store(store, prepared, units)
        del store  # the data's reference is the last: `close_store` closes it
        data.close_store()
        yield data
        return
    tmp = Path(tempfile.mkdtemp(prefix=".site-store-", dir=outdir))
    try:
        made = prepare_store(outdir, location=tmp / "oxigraph")
        data = load_store(ox.Store.read_only(str(made)), made, units)
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
    return load_store(store)


def source_files(outdir: Path) -> list[Path]:
    inferred = inferred_file(outdir)
    return [graph_file(outdir)] + ([inferred] if inferred is not None else [])


def _rows(store: ox.Store, query: str) -> ox.QuerySolutions:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return result




DOC_QUERIES = {"documents": Q_DOCUMENTS, "claims": Q_DOC_CLAIMS, "mentions": Q_DOC_MENTIONS}


def load_store(store: ox.Store, path: Path | None = None,
               units: DocUnits | None = None) -> GraphData:
    """The graph in `store` as plain data; `path`: where the store is on disk, when it is
    (`GraphData.close_store`); `units`: the document graphs' answers kept by an earlier
    build (docunits.py), else every document graph is asked."""
    units = units if units is not None else DocUnits(DOC_QUERIES)
    labels = _labels(store)
    nodes, edges = _nodes(store, labels)
    _counts(store, nodes, labels)
    documents = _documents(units.rows(store, "documents"), labels)
    sources: dict[str, set[str]] = defaultdict(set)  # node -> its documents (`Node.sources`)
    for node in nodes.values():
        if REGISTRY in node.sources:
            sources[node.id].add(REGISTRY)
    for doc in documents.values():
        if doc.id in nodes:
            sources[doc.id].add(doc.id)
    _dates(nodes)
    _claims(store, units.rows(store, "claims"), nodes, sources)
    _mentions(units.rows(store, "mentions"), nodes, documents, sources)
    units.save()
    asked, kept = max(units.asked.values(), default=0), min(units.kept.values(), default=0)
    for node in nodes.values():
        node.label = labels.get(node.id) or _made_label(node, labels, nodes)
        node.props.sort(key=lambda p: (p[1], p[2], p[0]))
        node.sources = tuple(sorted(sources.pop(node.id, ())))
    return GraphData(nodes, edges, documents, labels, _class_counts(store),
                     _graph_sizes(store), _build(store, labels), store, path, (asked, kept))


@dataclass(frozen=True)
class Dispute:
    """One thing the reports of an event disagree on (count, date, place, perpetrator): each
    side the value one claim gives and that claim's mention (its sentence)."""

    kind: str
    sides: tuple[tuple[str, str], ...]  # (value, mention IRI), sorted


def disputes(store: ox.Store) -> dict[str, list[Dispute]]:
    """event IRI -> its disagreements, by kind."""
    sides: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for r in _rows(store, Q_DISAGREEMENTS):
        sides[(_value(r["event"]), _value(r["kind"]))].add((_value(r["value"]),
                                                            _value(r["mention"])))
    out: dict[str, list[Dispute]] = defaultdict(list)
    for (event, kind), found in sorted(sides.items()):
        out[event].append(Dispute(kind, tuple(sorted(found))))
    return dict(out)


def _labels(store: ox.Store) -> dict[str, str]:
    """rdfs:label (English first), else skos:prefLabel, for every IRI; ontology terms too."""
    found: dict[str, tuple[int, str]] = {}
    for r in _rows(store, Q_LABELS):
        lit = r["label"]
        rank = (0 if _value(r["p"]) == RDFS_LABEL else 2) + (
            0 if isinstance(lit, ox.Literal) and lit.language in (None, "en") else 1)
        key = _value(r["s"])
        text = _value(lit)
        if key not in found or (rank, text) < found[key]:
            found[key] = (rank, text)
    return {k: v[1] for k, v in found.items()}


def _node_iris(store: ox.Store) -> list[str]:
    """Every IRI typed (outside the ontology) with a class the legend knows: a lookup per
    such class on the store's index, so the mentions, claims and selectors that make up most
    of a large graph are never read."""
    shown = [t for t in (_value(r["type"]) for r in _rows(store, Q_CLASSES))
             if local(t) in CLASS_GROUP]
    found: set[str] = set()
    for cls in sorted(shown):
        for q in store.quads_for_pattern(None, TYPE_NODE, ox.NamedNode(cls), None):
            if isinstance(q.subject, ox.NamedNode) and _named(q.graph_name):
                found.add(q.subject.value)
    return sorted(found)


def _named(graph: object) -> bool:
    """A named graph other than the ontology's (what `GRAPH ?g` with NOT_ONTOLOGY matches)."""
    return isinstance(graph, ox.NamedNode | ox.BlankNode) and graph.value != ONTOLOGY_GRAPH


@dataclass
class _Raw:
    """What the store says about one subject: its classes, the graphs typing it, its
    literals (each once) and links (each once; inferred when only the inferred graph holds
    it)."""

    classes: set[str] = field(default_factory=set)
    graphs: set[str] = field(default_factory=set)
    literals: dict[tuple[str, str, str, str | None], ox.Literal] = field(default_factory=dict)
    links: dict[tuple[str, str], bool] = field(default_factory=dict)


def _read_subject(store: ox.Store, iri: str) -> _Raw:
    raw = _Raw()
    for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, None):
        graph = q.graph_name
        if not isinstance(graph, ox.NamedNode | ox.BlankNode) or graph.value == ONTOLOGY_GRAPH:
            continue
        # one string per predicate and target IRI however many nodes hold it: each value
        # read from the store is a new string, and at 10,000 documents copies were most of
        # the memory
        p, o = sys.intern(q.predicate.value), q.object
        if p == RDF_TYPE:
            raw.classes.add(local(_value(o)))
            raw.graphs.add(graph.value)
        elif p == ATTESTED_BY:
            continue  # a node's claims come from `_claims`: one unique IRI each, never shown
        elif isinstance(o, ox.NamedNode):
            key = (p, sys.intern(o.value))
            raw.links[key] = raw.links.get(key, True) and graph.value == INFERRED_GRAPH
        elif isinstance(o, ox.Literal) and p != RKG + "text":
            raw.literals.setdefault((p, o.value, o.datatype.value, o.language), o)
    return raw


def _nodes(store: ox.Store, labels: dict[str, str]) -> tuple[dict[str, Node], list[Edge]]:
    """The nodes, their literals and links, and the edges among them: one index lookup per
    node, so time and memory follow the nodes, not the size of the graph."""
    nodes: dict[str, Node] = {}
    links: list[tuple[str, str, str, bool]] = []
    kinds: dict[frozenset[str], frozenset[str]] = {}  # one set per combination of classes
    for iri in _node_iris(store):
        raw = _read_subject(store, iri)
        group = group_of(raw.classes)
        if group is None:
            continue
        if group.key == "document" and not any(g.startswith(DOC_GRAPH_PREFIX)
                                               for g in raw.graphs):
            continue  # the registry's own files are SourceDocuments too: not shown
        classes = frozenset(raw.classes)
        node = Node(iri, kinds.setdefault(classes, classes), group.key,
                    rdf_class=specific_class(raw.classes))
        if REGISTRY_GRAPH in raw.graphs:
            node.sources = (REGISTRY,)
        _add_literals(node, raw.literals, labels)
        links.extend((iri, p, o, inferred) for (p, o), inferred in sorted(raw.links.items()))
        nodes[iri] = node
    return nodes, _links(links, nodes, labels)


DOCUMENT_FIELDS = {RKG + "fileName": "file", DCTERMS + "title": "title",
                   DCTERMS + "publisher": "publisher", DCTERMS + "creator": "creator",
                   RKG + "date": "date", DCTERMS + "type": "kind",
                   DCTERMS + "language": "language", RKG + "url": "url",
                   RKG + "sha256": "sha256", RKG + "text": "text"}
"""A document's properties in its graph, and the `Document` field each fills."""


def _documents(rows: Iterator[tuple[str, list[Row]]], labels: dict[str, str]
               ) -> dict[str, Document]:
    """The documents, from each document graph's rows (doc, p, o), sorted: a property given
    twice takes the greater value."""
    docs: dict[str, Document] = {}
    precision: dict[str, str] = {}
    for graph, found in rows:
        for iri_, p_, o_ in found:
            iri, p, o = iri_ or "", p_ or "", o_ or ""
            doc = docs.setdefault(iri, Document(iri, graph))
            if p == RKG + "datePrecision":
                precision[iri] = o
            elif p in DOCUMENT_FIELDS:
                setattr(doc, DOCUMENT_FIELDS[p], o)
    for iri, doc in docs.items():
        if doc.date:
            doc.date = format_date(doc.date, precision.get(iri))
        if not doc.title:
            doc.title = labels.get(iri) or doc.file or tail(iri)
    return dict(sorted(docs.items(), key=lambda kv: (kv[1].date or "", kv[1].file)))


SKIP_PROPS = {RDFS_LABEL, SKOS_PREF, RKG + "text"}


def _add_literals(node: Node, literals: dict[tuple[str, str, str, str | None], ox.Literal],
                  labels: dict[str, str]) -> None:
    values: dict[str, list[str]] = {}
    for (p, text, _datatype, _lang), lit in sorted(literals.items(),
                                                   key=lambda kv: (kv[0][:3], kv[0][3] or "")):
        text = _short_shared(text)
        values.setdefault(p, []).append(text)
        if p in SKIP_PROPS:
            continue
        shown = _short_shared(text[:10]) if lit.datatype.value.endswith("#dateTime") else text
        node.props.append((p, labels.get(p) or local(p), shown))
    node.literals = _frozen(values)


def _frozen(values: dict[str, list[str]]) -> dict[str, Sequence[str]]:
    """Each list of values sorted, as a tuple (a list is a third larger, and a node's
    values are not changed once read)."""
    return {key: tuple(sorted(found)) for key, found in values.items()}


DATE_PROPERTIES = ("date", "since", "startDate", "adopted")


def _dates(nodes: dict[str, Node]) -> None:
    """Each node's date, as precise as the graph says (rkg:datePrecision)."""
    for node in nodes.values():
        for key in DATE_PROPERTIES:
            raw = node.first(key)
            if raw:
                precision = node.links.get(RKG + "datePrecision", [None])[0] \
                    if key == "date" else None
                node.date = format_date(raw, precision)
                break


# links that are provenance or housekeeping, not relations worth drawing
HIDDEN_LINKS = {ATTESTED_BY, RKG + "discoveredIn", RKG + "reviewStatus",
                RKG + "datePrecision", RKG + "territoryOf", RKG + "count",
                "http://www.w3.org/2000/01/rdf-schema#isDefinedBy"}


TRANSITIVE = {RKG + "locatedIn"}


def _links(links: list[tuple[str, str, str, bool]], nodes: dict[str, Node],
           labels: dict[str, str]) -> list[Edge]:
    edges = []
    targets: dict[str, dict[str, list[str]]] = defaultdict(dict)  # node -> p -> objects
    for s, p, o, inferred in links:
        node = nodes[s]
        targets[s].setdefault(p, []).append(o)
        if inferred and p in TRANSITIVE:
            continue  # the closure would only add shortcuts to the asserted chain
        if o in nodes and p not in HIDDEN_LINKS and s != o:
            edges.append(Edge(s, o, p, labels.get(p) or local(p), inferred))
        elif o not in nodes and p not in HIDDEN_LINKS:
            node.props.append((p, labels.get(p) or local(p), labels.get(o) or tail(o)))
    for iri, found in targets.items():
        nodes[iri].links = _frozen(found)
    edges.sort(key=lambda e: (e.source, e.predicate, e.target))
    return edges


def _counts(store: ox.Store, nodes: dict[str, Node], labels: dict[str, str]) -> None:
    counts = _count_texts(store)
    for node in nodes.values():
        for c in node.links.get(RKG + "count", []):
            node.props.append((RKG + "count", labels.get(RKG + "count") or "count",
                               counts.get(c) or tail(c)))


def _count_texts(store: ox.Store) -> dict[str, str]:
    return {_value(r["c"]): count_text(_opt(r["words"]), _opt(r["value"]), _opt(r["min"]),
                                       _opt(r["max"]))
            for r in _rows(store, Q_COUNTS)}


def count_text(words: str | None, value: str | None, low: str | None,
               high: str | None) -> str:
    """'“hundreds” (200–999)', '“600” (600)': the words as written and what they mean."""
    if value is not None:
        meaning = value
    elif low is not None and high is not None:
        meaning = f"{low}–{high}"
    elif low is not None:
        meaning = f"at least {low}"
    elif high is not None:
        meaning = f"at most {high}"
    else:
        meaning = "not a number"
    return f"“{words}” ({meaning})" if words else meaning


def _page(value: str | None) -> int | None:
    return int(value) if value is not None else None


Row = tuple[str | None, ...]


def _rank(row: Row) -> tuple[str, ...]:
    return tuple(value if value is not None else "" for value in row)


def _claims(store: ox.Store, rows: Iterator[tuple[str, list[Row]]],
            nodes: dict[str, Node], sources: dict[str, set[str]]) -> None:
    """Each node's claims (rkg:attestedBy), each the least of the claim's rows in the
    document graphs (by every value, so the choice among a claim's two places, say, does
    not depend on the store)."""
    best: dict[str, Row] = {}
    for _graph, found in rows:
        for row in found:  # (claim, mention, doc, exact, start, end, by, rep, status, …)
            claim = row[0] or ""
            if claim not in best or _rank(row) < _rank(best[claim]):
                best[claim] = row
    found_pairs = ((_value(q.subject), _value(q.object))
                   for q in store.quads_for_pattern(None, ATTESTED_BY_NODE, None, None))
    pairs = sorted({(node, claim) for node, claim in found_pairs
                    if node in nodes and claim in best})
    for node_iri, claim in pairs:
        (_claim, mention, doc_iri, exact, start, end, by, rep, status, date_text, words,
         value, low, high, place, page) = best[claim]
        node = nodes[node_iri]
        doc = sys.intern(doc_iri or "")
        node.claims.append(Quote(
            doc=doc, mention=mention or "", start=int(start or 0), end=int(end or 0),
            text=exact or "", claimed_by=_interned(by), reported_by=_interned(rep),
            status=_interned(tail(status)) if status is not None else None,
            date_text=_short_shared(date_text), count_text=_short_shared(words),
            place=_interned(place),
            count_value=_short_shared(count_text(None, value, low, high))
            if words is not None else None, page=_page(page)))
        sources[node.id].add(doc)
    for node in nodes.values():
        node.claims.sort(key=lambda q: (q.doc, q.start, q.end, q.mention))


def _mentions(rows: Iterator[tuple[str, list[Row]]], nodes: dict[str, Node],
              documents: dict[str, Document], sources: dict[str, set[str]]) -> None:
    """Each entity's mentions: one row for each (entity, mention), the least."""
    best: dict[tuple[str, str], Row] = {}
    for _graph, found in rows:
        for row in found:  # (entity, mention, doc, start, end, page)
            key = (row[0] or "", row[1] or "")
            if key[0] in nodes and (key not in best or _rank(row) < _rank(best[key])):
                best[key] = row
    for key in sorted(best):
        _entity, mention, doc_iri, start_text, end_text, page = best.pop(key)
        node = nodes[key[0]]
        doc = sys.intern(doc_iri or "")
        start, end = int(start_text or 0), int(end_text or 0)
        text = documents[doc].text if doc in documents else ""
        # the sentence around it is cut from the document when a page shows it (`context`),
        # not held for every mention of the corpus
        exact = _short_shared(text[start:end]) if 0 <= start <= end <= len(text) else ""
        node.mentions.append(Quote(doc=doc, mention=mention or "", start=start, end=end,
                                   text=exact, in_context=True, page=_page(page)))
        sources[node.id].add(doc)
    for node in nodes.values():
        node.mentions.sort(key=lambda q: (q.doc, q.start, q.end, q.mention))


def context(data: GraphData, quote: Quote) -> tuple[str, str]:
    """The text before and after an entity mention, within its sentence ("", "" for a
    claim, whose quote is the sentence)."""
    doc = data.documents.get(quote.doc)
    if not quote.in_context or doc is None:
        return "", ""
    before, _exact, after = sentence_around(doc.text, quote.start, quote.end)
    return before, after


def sentence_around(text: str, start: int, end: int, limit: int = 240) -> tuple[str, str, str]:
    """The sentence holding text[start:end], split into (before, the span, after)."""
    if not text or not 0 <= start <= end <= len(text):
        return "", "", ""
    lo = max(0, start - limit)
    head = text[lo:start]
    cut = max(head.rfind(". "), head.rfind("\n"), head.rfind("? "), head.rfind("! "))
    before = head[cut + 1:] if cut >= 0 else head
    hi = min(len(text), end + limit)
    rest = text[end:hi]
    stops = [i for i in (rest.find(". "), rest.find("\n"), rest.find("? "), rest.find("! "))
             if i >= 0]
    after = rest[:min(stops) + 1] if stops else rest
    return before.lstrip(), text[start:end], after.rstrip()


def _made_label(node: Node, labels: dict[str, str], nodes: dict[str, Node]) -> str:
    """A readable label for nodes the graph leaves unlabelled (detentions, tenures…)."""

    def name(pred: str) -> str | None:
        values = node.links.get(RKG + pred)
        if not values:
            return None
        target = nodes.get(values[0])
        return labels.get(values[0]) or (target.label if target else None) or tail(values[0])

    kind = labels.get(RKG + node.rdf_class) or node.rdf_class
    when = f" ({node.date})" if node.date else ""
    if node.group == "tenure":
        return f"{name('holder') or '?'}: {node.first('roleName') or 'post'}"
    if node.group == "treaty-statement":
        action = name("actionKind") or "statement"
        return f"{name('actingState') or 'unnamed state'}: {action} — {name('treaty') or '?'}"
    if node.group == "harm":
        source = name("source")
        return f"Harm: {name('harm') or node.first('words') or '?'}" + (
            f" (per {source})" if source else "")
    if node.group == "practice":
        text = node.first("description") or ""
        return f"Practice: {text[:60]}{'…' if len(text) > 60 else ''}"
    for pred in ("detentionFacility", "place", "detainer", "visitor", "stateUnderReview",
                 "adoptingBody", "perpetrator", "speaker", "actingState"):
        target = name(pred)
        if target:
            return f"{kind[:1].upper()}{kind[1:]}: {target}{when}"
    who = node.first("detainees") or node.first("returnees")
    if who:
        return f"{kind[:1].upper()}{kind[1:]} of {who}{when}"
    return f"{kind[:1].upper()}{kind[1:]}{when or ' ' + tail(node.id)}"


def _class_counts(store: ox.Store) -> dict[str, int]:
    counts = {_value(r["type"]): int(_value(r["n"])) for r in _rows(store, Q_CLASS_COUNTS)}
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _graph_sizes(store: ox.Store) -> dict[str, int]:
    result = store.query(Q_GRAPH_SIZES)
    assert isinstance(result, ox.QuerySolutions)
    return dict(sorted((_value(r["g"]), int(_value(r["n"]))) for r in result))


def _build(store: ox.Store, labels: dict[str, str]) -> list[tuple[str, str]]:
    rows = []
    for r in _rows(store, Q_BUILD):
        p = _value(r["p"])
        if p == RDF_TYPE:
            continue
        o = r["o"]
        value = labels.get(_value(o)) or _value(o)
        rows.append((labels.get(p) or tail(p), value))
    return sorted(rows)
