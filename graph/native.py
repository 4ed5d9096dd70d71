"""The native path of `graph.query.run_query`: a query on the pyoxigraph store under an rdflib
Dataset over oxrdflib, with rows as the rdflib terms oxrdflib would have made.

Through rdflib, every query result row goes through oxrdflib's converter and rdflib's
`ResultRow`, and every cell becomes a new rdflib term: on the 1,000-document benchmark graph
that made queries returning thousands of rows 1.6-2.8x slower than pyoxigraph alone
(bench/README.md, section 4). Here the query goes to `pyoxigraph.Store.query` with what
oxrdflib would have passed (the union default graph, the Dataset's prefixes, the bindings as
substitutions), and each distinct term of a result is converted once: results repeat the same
IRIs and labels on many rows.

Answers are the same terms as through rdflib (tests/test_query_native.py compares both on the
whole pack); bindings are still given as substitutions, never pasted into the query text.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Identifier

from graph.rdfio import to_ox

Row = tuple[Identifier | None, ...]


def native_store(ds: Dataset) -> ox.Store | None:
    """The pyoxigraph store under `ds` when `ds` is a Dataset over oxrdflib whose default
    graph is the union of all graphs (as `graph.store.open_dataset` makes it), else None."""
    from oxrdflib import OxigraphStore

    if not ds.default_union or not isinstance(ds.store, OxigraphStore):
        return None
    # oxrdflib keeps the store it was given (or created) behind this property
    inner = getattr(ds.store, "_inner", None)
    return inner if isinstance(inner, ox.Store) else None


def query(store: ox.Store, ds: Dataset, text: str, bindings: dict[str, Identifier]) -> Any:
    """`text` on `store` as oxrdflib runs it for `ds.query(text, initBindings=bindings)`."""
    return store.query(
        text, use_default_graph_as_union=True,
        prefixes={str(prefix): str(namespace) for prefix, namespace in ds.namespaces()},
        substitutions={ox.Variable(name): to_ox(term) for name, term in bindings.items()})


class TermCache(dict[Any, Identifier | None]):
    """pyoxigraph term -> rdflib term (as oxrdflib converts it), each distinct term once.

    RDF-star triples, which rdflib has no term for, become None (as `run_query` cleans them).
    """

    def __init__(self) -> None:
        super().__init__()
        self[None] = None

    def __missing__(self, term: Any) -> Identifier | None:
        value = from_ox(term)
        self[term] = value
        return value


def from_ox(term: Any) -> Identifier | None:
    """One pyoxigraph term as rdflib's (oxrdflib's `from_ox`, triples as None)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=_datatype(term.datatype.value))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    return None


def select_rows(solutions: Any, limit: int | None = None
                ) -> tuple[list[str], list[Row], int]:
    """Column names and rows of a SELECT result, with the number of all its rows; with a
    `limit`, only the first `limit` rows are made rdflib terms and the others counted."""
    columns = [variable.value for variable in solutions.variables]
    convert = TermCache().__getitem__
    rows = [tuple(map(convert, solution)) for solution in islice(solutions, limit)]
    return columns, rows, len(rows) + sum(1 for _solution in solutions)


def graph_triples(triples: Any) -> set[tuple[Identifier | None, ...]]:
    """The distinct triples of a CONSTRUCT or DESCRIBE result (rdflib would put them in a
    Graph, which keeps each triple once)."""
    convert = TermCache().__getitem__
    return {tuple(map(convert, (t.subject, t.predicate, t.object))) for t in triples}


_DATATYPES: dict[str, URIRef] = {}


def _datatype(iri: str) -> URIRef:
    """Datatype IRIs are few and on every literal: made once each (at most a few hundred)."""
    found = _DATATYPES.get(iri)
    if found is None:
        found = URIRef(iri)
        if len(_DATATYPES) < 512:
            _DATATYPES[iri] = found
    return found
