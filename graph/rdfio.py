"""Writing RDF files fast and byte-identically, atomically (temporary file, then rename).

pyoxigraph serialises in insertion order, so quads are sorted first; blank nodes (only in
OWL axioms) carry canonical labels. rdflib is 36x slower on large Turtle (PITFALLS.md).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from graph import iris

PREFIXES = {
    "rkg": "https://w3id.org/refoulement-kg/ontology#",
    "rkgd": iris.DATA,
    "rkgv": iris.VOCAB,
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "wd": iris.WIKIDATA,
}
# One prefix per kind of data IRI, so written Turtle reads "place:some-town", not
# "rkgd:place\/some-town". Queries and their output keep the short list above.
DATA_PREFIXES = dict({name: f"{iris.DATA}{path}/" for name, path in (
    ("state", "state"), ("place", "place"), ("organization", "org"), ("body", "body"),
    ("person", "person"), ("group", "group"), ("treaty", "treaty"), ("norm", "norm"),
    ("law", "law"), ("resolution", "resolution"), ("doc", "doc"), ("mention", "mention"),
    ("claim", "claim"), ("count", "count"), ("return", "forced-return"),
    ("detention", "detention"), ("visit", "visit"), ("statement", "speech-act"),
    ("treatystatement", "treaty-statement"), ("adoption", "resolution-adoption"),
    ("upr", "upr-review"), ("tenure", "tenure"), ("harm", "harm-report"),
    ("practice", "practice"), ("action", "treaty-action"), ("graph", "graph"),
    ("build", "build"), ("buildproperty", "build-property"), ("registry", "registry"))})
DATA_PREFIXES.update({scheme.replace("-", ""): f"{iris.VOCAB}{scheme}/" for scheme in (
    "stance", "harm-type", "treaty-action-kind", "count-qualifier", "date-precision",
    "epistemic-status", "review-status")})
TURTLE_PREFIXES = {**PREFIXES, **DATA_PREFIXES}


def to_ox(term: Any) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _sort_key(quad: tuple) -> tuple[str, str, str, str]:
    s, p, o, g = quad
    return (str(g), _term_key(s), str(p), _term_key(o))


def _term_key(term: object) -> str:
    if isinstance(term, Literal):
        return f"\x02{term}\x00{term.language or ''}\x00{term.datatype or ''}"
    if isinstance(term, BNode):
        return f"\x01{term}"
    return f"\x00{term}"


def sorted_unique(quads: Iterable[tuple]) -> list[tuple]:
    return sorted(set(quads), key=_sort_key)


def triple_sort_key(s: object, p: object, o: object) -> tuple[str, str, str]:
    """The order `sorted_unique` gives the triples of one graph; two rdflib triples are
    equal exactly when their keys are."""
    return (_term_key(s), str(p), _term_key(o))


term_sort_key = _term_key
"""A subject's or object's part of `triple_sort_key` (a predicate's is `str(p)`)."""


def ox_quads(quads: Iterable[tuple]) -> Iterator[ox.Quad]:
    for s, p, o, g in quads:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(str(g)))


_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextmanager
def atomic_writer(path: Path, mode: str = "wb") -> Iterator[IO]:
    """Write to a temporary file beside `path`, renamed over it only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600: outputs follow the user's umask
        with os.fdopen(fd, mode) as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_trig(quads: list[tuple], path: Path) -> None:
    """All named graphs, sorted (quads must already be sorted_unique)."""
    with atomic_writer(path) as out:
        ox.serialize(ox_quads(quads), out, ox.RdfFormat.TRIG, prefixes=TURTLE_PREFIXES)


def write_text(path: Path, content: str) -> None:
    with atomic_writer(path, "w") as out:
        out.write(content)
