"""SHACL validation of a build one unit at a time, each unit's results cached.

A unit is a document's named graph, or one of SHARED_BUCKETS parts (by a hash of the
subject) of a shared graph (canonical, registry, ontology, build, inferred): a change to a
few nodes of the canonical graph then revalidates a few small units, not the whole graph.
A unit's *home subjects* are the subjects whose triples it holds. A subject in one asserted
graph is at home in its unit there (the inferred graph's triples about it join that unit); a
subject only in the inferred graph is at home in an inferred unit. The build mints every
subject in one graph; should a subject be asserted in several, the caller validates the
whole graph at once instead (`BuildIndex.shared`).

Why the result equals the whole-graph result: the shapes (`ontology/shapes.ttl`) constrain a
focus node through its own triples (IRI paths, counts, datatypes, `sh:in`, `lessThanOrEquals`)
and, for `sh:class`, through the rdf:type of its values and the rdfs:subClassOf axioms. So a
unit is validated with that *types-only context*: the rdf:type triples (from any graph) of
every node its triples point to, plus every rdfs:subClassOf triple of the build. Results are
kept only for the unit's home subjects (context nodes are validated in their own units).
`local_shapes` checks this premise and the caller falls back to one whole-graph run when a
shape reaches further (a node shape on a value, an inverse or sequence path, SPARQL).

Each unit's results are cached under `.cache/validation/` by the hash of its triples, its
context, the shapes, the ontology, pySHACL's version and this code; units whose key is not
cached are validated together in batches of about BATCH_TRIPLES triples, so memory is
bounded by the largest unit or batch, not by the corpus.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

RDF_TYPE = f"<{RDF.type}>"
SUBCLASS_OF = f"<{RDFS.subClassOf}>"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
INFERRED = "<https://w3id.org/refoulement-kg/id/graph/inferred>"
BATCH_TRIPLES = 60_000
DOCUMENT_GRAPHS = "<https://w3id.org/refoulement-kg/id/graph/doc/"
# The shared graphs (canonical, registry, inferred...) are split by subject into this many
# units, so that a change to a few of their nodes revalidates a few small units.
SHARED_BUCKETS = 256
MOD = 1 << 128

# What a shape may use for the types-only context to be exact (see the module docstring).
LOCAL_PREDICATES = frozenset(str(SH[name]) for name in (
    "targetClass", "targetSubjectsOf", "property", "path", "name", "description", "message",
    "severity", "minCount", "maxCount", "datatype", "nodeKind", "class", "in", "hasValue",
    "pattern", "flags", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive",
    "minLength", "maxLength", "lessThan", "lessThanOrEquals", "equals", "disjoint",
    "uniqueLang", "languageIn", "or", "and", "not", "xone", "qualifiedValueShape",
    "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "deactivated",
    "order", "group", "defaultValue"))


def local_shapes(shapes: Graph) -> bool:
    """True when every SHACL term the shapes use keeps validation local to a focus node and
    its values' types, and every path is a plain IRI."""
    for _s, p, o in shapes:
        if str(p).startswith(str(SH)) and str(p) not in LOCAL_PREDICATES:
            return False
        if p == SH.path and not isinstance(o, URIRef):
            return False
    return True


@dataclass
class Unit:
    """One named graph of the build, as pass 1 sees it."""

    name: str  # the graph's IRI in N-Triples form ("" for the default graph), #bucket
    graph: str  # the graph's IRI in N-Triples form
    digest: int = 0  # sum of its triples' hashes: the same triples in any order, same digest
    triples: int = 0
    subjects: set[str] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)


@dataclass
class BuildIndex:
    """Pass 1 over the build's TriG files: the units, rdf:type of every node, the subClassOf
    axioms, where each subject lives and the inferred graph's triples (small: kept)."""

    units: dict[str, Unit] = field(default_factory=dict)
    types: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    subclass_lines: list[str] = field(default_factory=list)
    inferred: list[ox.Triple] = field(default_factory=list)

    repeated: int = 0  # asserted triples the inferred graph repeats (counted once)
    contiguous: bool = True  # each graph's quads in one run (graph.trig: one block each)
    home: dict[str, str] = field(default_factory=dict)
    shared: set[str] = field(default_factory=set)

    @property
    def unique_triples(self) -> int:
        """Distinct triples of the union (units hold disjoint subjects)."""
        return sum(u.triples for u in self.units.values()) - self.repeated

    def locate(self) -> None:
        """Each subject's home unit; `shared`: subjects asserted in more than one graph."""
        inferred = [u for u in self.units.values() if u.graph == INFERRED]
        for unit in self.units.values():
            if unit.graph != INFERRED:
                for subject in unit.subjects:
                    if self.home.setdefault(subject, unit.name) != unit.name:
                        self.shared.add(subject)
        for unit in inferred:
            for subject in unit.subjects:
                self.home.setdefault(subject, unit.name)

    def inferred_unit(self, name: str) -> bool:
        unit = self.units.get(name)
        return unit is None or unit.graph == INFERRED


def read_index(paths: Sequence[Path], inferred_path: Path | None) -> BuildIndex:
    """Pass 1 over the build's files (`inferred_path`, also in `paths`, holds the inferred
    graph)."""
    index = BuildIndex()
    inferred = _inferred_lines(inferred_path) if inferred_path else {}
    previous = None
    seen: set[str] = set()
    for quad in _quads(paths):
        graph = _graph_key(quad.graph_name)
        if graph != previous:
            if graph in seen:
                index.contiguous = False
            seen.add(graph)
            previous = graph
        s, p, o = str(quad.subject), str(quad.predicate), str(quad.object)
        name = unit_name(graph, s)
        unit = index.units.get(name)
        if unit is None:
            unit = index.units[name] = Unit(name, graph)
        line = f"{s} {p} {o}\n".encode()
        unit.digest = (unit.digest + int.from_bytes(hashlib.sha256(line).digest()[:16])) % MOD
        unit.triples += 1
        unit.subjects.add(s)
        if not isinstance(quad.object, ox.Literal):
            unit.objects.add(o)
        if p == RDF_TYPE:
            index.types[s].append(o)
        elif p == SUBCLASS_OF:
            index.subclass_lines.append(f"{s} {p} {o} .\n")
        if graph == INFERRED:
            index.inferred.append(quad.triple)
        elif s in inferred and str(quad.triple) in inferred[s]:
            index.repeated += 1
    index.locate()
    return index


def _inferred_lines(path: Path) -> dict[str, set[str]]:
    """subject -> its inferred triples (to count those also asserted once)."""
    out: dict[str, set[str]] = defaultdict(set)
    for quad in _quads([path]):
        if _graph_key(quad.graph_name) == INFERRED:
            out[str(quad.subject)].add(str(quad.triple))
    return out


def _quads(paths: Sequence[Path]) -> Iterator[ox.Quad]:
    for path in paths:
        yield from ox.parse(path=path, format=ox.RdfFormat.TRIG, lenient=True)


def _graph_key(graph: Any) -> str:
    return "" if isinstance(graph, ox.DefaultGraph) else str(graph)


def unit_name(graph: str, subject: str) -> str:
    """A document graph is one unit; a shared graph one unit per bucket of subjects."""
    if not graph or graph.startswith(DOCUMENT_GRAPHS):
        return graph
    return f"{graph}#{zlib.crc32(subject.encode()) % SHARED_BUCKETS:03d}"


def context_lines(index: BuildIndex, nodes: Iterable[str]) -> list[str]:
    """The types-only context of a unit pointing to `nodes`, as sorted N-Triples lines."""
    lines = {f"{node} {RDF_TYPE} {cls} .\n" for node in nodes for cls in index.types.get(node, ())}
    return sorted(lines)  # the subClassOf axioms join every batch once (batch_graph)


@dataclass
class UnitWork:
    """One unit to validate: its key, home subjects and where its triples come from."""

    name: str
    key: str
    home: set[str]
    context: list[str]
    extra: list[ox.Triple]  # triples about its home subjects held by other graphs
    triples: int


def plan_units(index: BuildIndex, base_key: str) -> list[UnitWork]:
    """Every unit with its cache key (its triples, the inferred triples about its subjects,
    its types-only context, and `base_key`: shapes, ontology, code)."""
    extras: dict[str, list[ox.Triple]] = defaultdict(list)
    for triple in index.inferred:
        owner = index.home.get(str(triple.subject), INFERRED)
        if not index.inferred_unit(owner):
            extras[owner].append(triple)
    plans = []
    subclasses = hashlib.sha256("".join(sorted(set(index.subclass_lines))).encode()).hexdigest()
    for unit in sorted(index.units.values(), key=lambda u: u.name):
        own = {s for s in unit.subjects if index.home.get(s) == unit.name}
        extra = sorted(extras.get(unit.name, []), key=str)
        pointed = set(unit.objects) | {str(t.object) for t in extra
                                       if not isinstance(t.object, ox.Literal)}
        context = context_lines(index, pointed)
        key = hashlib.sha256(base_key.encode())
        key.update(subclasses.encode())
        key.update(f"{unit.name}\n{unit.digest:032x}\n".encode())
        for line in [*(f"{t} .\n" for t in extra), "--\n", *context]:
            key.update(line.encode())
        plans.append(UnitWork(unit.name, key.hexdigest()[:40], own, context, extra,
                              unit.triples))
    return plans


def to_rdflib(term: Any) -> Any:
    """A pyoxigraph term as rdflib reads the same TriG (plain literals stay plain)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def unit_triples(paths: Sequence[Path], names: set[str], contiguous: bool
                 ) -> Iterator[tuple[str, list[ox.Triple]]]:
    """Pass 2: the triples of the units named, a graph's units when the graph ends if each
    graph's quads come in one run (else all at once, at the end)."""
    held: dict[str, list[ox.Triple]] = defaultdict(list)
    current: str | None = None
    for quad in _quads(paths):
        graph = _graph_key(quad.graph_name)
        if contiguous and current is not None and graph != current:
            yield from sorted(held.items())
            held.clear()
        current = graph
        name = unit_name(graph, str(quad.subject))
        if name in names:
            held[name].append(quad.triple)
    yield from sorted(held.items())


Batch = list[tuple["UnitWork", list[ox.Triple]]]


def batches(units: Iterable[tuple[UnitWork, list[ox.Triple]]], limit: int = BATCH_TRIPLES
            ) -> Iterator[Batch]:
    """Units grouped so each group holds about `limit` triples (a larger unit goes alone)."""
    batch: Batch = []
    size = 0
    for plan, triples in units:
        if batch and size + len(triples) > limit:
            yield batch
            batch, size = [], 0
        batch.append((plan, triples))
        size += len(triples)
    if batch:
        yield batch


def batch_graph(batch: Batch, subclass_lines: Sequence[str]) -> Graph:
    """The data graph of a batch: its units' triples and their types-only contexts (their
    values' types, and the build's subClassOf axioms)."""
    graph = Graph()
    lines = set(subclass_lines)
    for plan, _triples in batch:
        lines.update(plan.context)
    context = list(ox.parse("".join(sorted(lines)), format=ox.RdfFormat.N_TRIPLES))
    for triples in [*(t for _plan, t in batch), *(p.extra for p, _t in batch), context]:
        for triple in triples:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                       to_rdflib(triple.object)))
    return graph


class ResultCache:
    """Per-unit results as JSON files named by the unit's key; unused ones pruned."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def get(self, key: str) -> Any:
        path = self.folder / f"{key}.json"
        if not key or not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return None
        self.used.add(path.name)
        return data

    def put(self, key: str, results: Any) -> None:
        from graph.rdfio import write_text

        if not key:
            return
        try:
            write_text(self.folder / f"{key}.json", json.dumps(results, sort_keys=True))
        except OSError:  # a read-only build folder: validate without caching
            return
        self.used.add(f"{key}.json")

    def prune(self, keep: Iterable[str] = ()) -> None:
        names = self.used | set(keep)
        if self.folder.is_dir():
            for path in self.folder.glob("*.json"):
                if path.name not in names:
                    with contextlib.suppress(OSError):
                        path.unlink(missing_ok=True)
