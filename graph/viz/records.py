"""The site's plain records of a graph (nodes, edges, quotes, documents), the IRIs and query
prefixes the readers share, and the small text helpers the records are shown with.

Nothing here decides what to read (`select` runs the query it is given), writes files or
knows about HTML: the readers are graph/viz/nodes.py (the nodes, their literals and links)
and graph/viz/docgraphs.py (what each document graph says), put together by
graph/viz/data.py.
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload

import pyoxigraph as ox

from graph import iris
from graph.viz.styles import RKG

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

INFERRED_GRAPH = iris.graph("inferred")
ATTESTED_BY = RKG + "attestedBy"
ATTESTED_BY_NODE = ox.NamedNode(ATTESTED_BY)


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


def quotes_from(quotes: Sequence[Quote], doc: str) -> Sequence[Quote]:
    """The quotes of document `doc` in `quotes`, which are sorted by document (as a node's
    claims and mentions are): a slice found by bisection, since a much-quoted node (a state)
    holds quotes from nearly every document and each document's page asks for its own."""
    low = bisect_left(quotes, doc, key=_quote_doc)
    return quotes[low:bisect_right(quotes, doc, lo=low, key=_quote_doc)]


def _quote_doc(quote: Quote) -> str:
    return quote.doc


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


def text_of(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else ""


def optional_text(term: object) -> str | None:
    return text_of(term) if term is not None else None


def interned(value: str | None) -> str | None:
    """An IRI read many times over (a speaker, a place): one string for all."""
    return sys.intern(value) if value is not None else None


SHARED_LENGTH = 40  # literals up to this long are shared (dates, counts, kinds, roles)


@overload
def short_shared(value: str) -> str: ...
@overload
def short_shared(value: None) -> None: ...
def short_shared(value: str | None) -> str | None:
    """A short literal as one string for every node that holds it: dates, years, counts and
    kinds repeat across hundreds of thousands of nodes at 10,000 documents, and each value
    read from the store is a new string."""
    return sys.intern(value) if value is not None and len(value) <= SHARED_LENGTH else value


def select(store: ox.Store, query: str) -> ox.QuerySolutions:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return result


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


Row = tuple[str | None, ...]


def rank(row: Row) -> tuple[str, ...]:
    return tuple(value if value is not None else "" for value in row)


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
