"""What every store offers, and the helpers the stores share.

A store holds one build as named graphs (one per document, plus ontology, registry,
canonical and build). Writers replace or drop whole named graphs (given as N-Triples, as the
build writes them: graph/graphfiles.py) and then `commit`, handing over the manifest: the
content digest of every named graph of the build. A store gives the manifest of its last
commit back, so the next build rewrites only the graphs whose content changed and drops those
of documents that were removed (graph/stores/sync.py).

Readers use `query` (SPARQL text, parameters bound as RDF terms, never pasted into the text) or
`dataset()`, an rdflib Dataset whose default graph is the union of all named graphs, for code
that already speaks rdflib (graph.query.run_query, graph.report). Checking a user's query for
updates, LOAD or SERVICE is the caller's job (graph.query.check_safe): stores run what they
are given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol, runtime_checkable

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier

from graph.errors import RkgError

Manifest = dict[str, str]
"""Named graph IRI -> content digest (see `graph_digest`)."""

Bindings = Mapping[str, Identifier]

GraphPayload = tuple[str, bytes]
"""A named graph to write: its IRI and its triples as N-Triples."""


class StoreError(RkgError):
    """A store cannot be opened, written or queried (the message names the folder or URL)."""


@runtime_checkable
class GraphStore(Protocol):
    """One interface for the in-memory store, an Oxigraph folder and a SPARQL endpoint."""

    spec: str
    """How the store was named: `memory`, `oxigraph:DIR` or `sparql:URL`."""

    def manifest(self) -> Manifest | None:
        """Digests of the named graphs as last committed; None when unknown (load it all)."""
        ...

    def replace_graph(self, graph_iri: str, ntriples: bytes) -> None:
        """The named graph's content becomes exactly the triples of `ntriples` (N-Triples)."""
        ...

    def drop_graph(self, graph_iri: str) -> None:
        """Remove the named graph and everything in it (no error if it is absent)."""
        ...

    def load_all(self, graphs: Iterable[GraphPayload]) -> None:
        """Replace the whole content of the store by these named graphs."""
        ...

    def commit(self, manifest: Mapping[str, str]) -> None:
        """Make the writes since the last commit visible, recording `manifest`."""
        ...

    def named_graphs(self) -> set[str]:
        ...

    def query(self, sparql: str, bindings: Bindings | None = None) -> Result:
        """Run a SPARQL query; the default graph is the union of all named graphs."""
        ...

    def dataset(self) -> Dataset:
        """An rdflib view of the store (default graph = union of the named graphs)."""
        ...

    def close(self) -> None:
        """Release the store; writes not committed are discarded where the store can."""
        ...


def quads_of(graphs: Iterable[GraphPayload]) -> Iterator[ox.Quad]:
    """The graphs' triples as pyoxigraph quads, blank node labels kept (`Store.load` would
    rename them at random, and the same build must give the same store)."""
    for graph_iri, ntriples in graphs:
        node = ox.NamedNode(graph_iri)
        for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES):
            yield ox.Quad(t.subject, t.predicate, t.object, node)


def with_values(sparql: str, bindings: Bindings | None) -> str:
    """The query with its parameters bound by a VALUES block opening its WHERE group.

    For endpoints, which take no bindings beside the text. The terms are written by rdflib
    (escaped); the block sits inside the outer group, so that group's FILTERs and BINDs see
    the values (a trailing VALUES clause would be joined only after them).
    """
    if not bindings:
        return sparql
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(_n3(term) for term in bindings.values())
    at = where_brace(sparql)
    return f"{sparql[:at + 1]} VALUES ({names}) {{ ({values}) }}{sparql[at + 1:]}"


_LONG_QUOTES = ("'''", '"""')


def where_brace(sparql: str) -> int:
    """Offset of the `{` that opens the outer WHERE group (comments, IRIs, strings skipped)."""
    tops: list[int] = []
    depth = 0
    form = ""
    i, n = 0, len(sparql)
    while i < n:
        c = sparql[i]
        if c == "#":
            end = sparql.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c == "<" and _iri_at(sparql, i):
            i = sparql.find(">", i) + 1
            continue
        if c in "'\"":
            quote = sparql[i:i + 3] if sparql[i:i + 3] in _LONG_QUOTES else c
            j = i + len(quote)
            while j < n and not sparql.startswith(quote, j):
                j += 2 if sparql[j] == "\\" else 1
            i = j + len(quote)
            continue
        if depth == 0 and not form and c.isalpha() and (i == 0 or not _name_char(sparql[i - 1])):
            m = _FORM.match(sparql, i)
            form = m.group(1).upper() if m else ""
        if c == "{":
            if depth == 0:
                tops.append(i)
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    if not tops:
        raise StoreError("cannot bind parameters: the query has no WHERE group")
    if form == "CONSTRUCT" and len(tops) > 1:
        return tops[1]  # the first group is the template
    return tops[0]


_FORM = re.compile(r"(SELECT|CONSTRUCT|ASK|DESCRIBE)(?![\w:-])", re.IGNORECASE)


def _name_char(c: str) -> bool:
    return c.isalnum() or c in "_:-?$"


def _iri_at(text: str, i: int) -> bool:
    """`<` opens an IRI (no space or brace before the next `>`), not a comparison."""
    end = text.find(">", i)
    return end > 0 and not any(ch in text[i + 1:end] for ch in ' \t\n{}"')


def _n3(term: Identifier) -> str:
    if isinstance(term, BNode):
        raise StoreError("a blank node cannot be bound as a query parameter")
    if isinstance(term, URIRef | Literal):
        return term.n3()
    raise StoreError(f"cannot bind {term!r} as a query parameter")
