"""Reasoning that follows the changes: what the rules and HermiT read, and their caches.

- The rules read only triples whose predicate (and, for rdf:type, whose class) appears in
  their WHERE clauses (`rule_premises`, from the parsed SPARQL algebra). A document graph
  contributes only those triples (a few dates and labels); the shared layers (ontology,
  registry, canonical, build record) go in whole. SPARQL matches fixed predicates only, so
  the rules find the same answers in that slice as in the whole build. A rule with a
  variable or negated predicate, or a variable class, makes the slice the whole build.
- HermiT reads the canonical tier (graph/reasoning.py); its result is cached by the hash of
  that input, the ontology and the reasoner's version, and it is not run when unchanged.
- Each unit of graph.trig (a document graph's block, a piece of the canonical graph cut
  between subjects) has its premise quads cached by the digest of its bytes (`PremiseCache`):
  a rebuild after one document changed parses that document's block and the canonical
  pieces linking touched, and reads the others' quads from the cache.
- The rules' analysis (premises, focus: graph/rulegroups.py) is kept by their texts' hash.
- The whole result (inferred.trig and the report lines) is cached by the hash of graph.trig,
  the rules, the ontology and this code, so a rebuild with nothing changed reasons in the
  time it takes to hash graph.trig.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef, Variable
from rdflib.namespace import RDF
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath

from graph import trigblocks
from graph.ontology import HermitResult
from graph.query import QueryDef
from graph.rulegroups import Focus, triple_patterns
from graph.unitfile import UnitFile

DOCUMENT_GRAPHS = "https://w3id.org/refoulement-kg/id/graph/doc/"


@dataclass(frozen=True)
class Premises:
    """What the rules can match: predicates, and the classes of rdf:type patterns."""

    predicates: frozenset[str]
    classes: frozenset[str]
    any_class: bool  # some rule matches `?x a ?class`

    def digest(self) -> str:
        return digest(*sorted(self.predicates), "\0classes", *sorted(self.classes),
                      str(self.any_class))

    def wants(self, predicate: str, obj: str) -> bool:
        if predicate not in self.predicates:
            return False
        return predicate != str(RDF.type) or self.any_class or obj in self.classes


def rule_premises(rules: Sequence[QueryDef]) -> Premises | None:
    """The premises of every rule's WHERE clause; None when a rule can match any predicate."""
    from rdflib.plugins.sparql import prepareQuery

    predicates: set[str] = set()
    classes: set[str] = set()
    any_class = False
    for rule in rules:
        algebra = prepareQuery(rule.text).algebra
        for s, p, o in triple_patterns(algebra):
            del s
            names = _path_predicates(p)
            if names is None:
                return None
            predicates |= names
            if p == RDF.type:
                if isinstance(o, URIRef):
                    classes.add(str(o))
                else:
                    any_class = True
    return Premises(frozenset(predicates), frozenset(classes), any_class)


def _path_predicates(p: Any) -> set[str] | None:
    if isinstance(p, URIRef):
        return {str(p)}
    if isinstance(p, MulPath):
        return _path_predicates(p.path)
    if isinstance(p, InvPath):
        return _path_predicates(p.arg)
    if isinstance(p, SequencePath | AlternativePath):
        found: set[str] = set()
        for arg in p.args:
            names = _path_predicates(arg)
            if names is None:
                return None
            found |= names
        return found
    if isinstance(p, NegatedPath | Variable):
        return None
    return None


def premise_slice(trig: Path, premises: Premises | None) -> bytes:
    """N-Quads of what the rules can read in `trig`: every triple of the shared graphs, and
    of each document graph only the triples the premises name."""
    quads: Iterable[ox.Quad] = ox.parse(path=trig, format=ox.RdfFormat.TRIG, lenient=True)
    if premises is not None:
        quads = (q for q in quads if _keep(q, premises))
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def load_premises(store: ox.Store, trig: Path, premises: Premises,
                  sliced: frozenset[str] = frozenset(),
                  cache: PremiseCache | None = None) -> None:
    """Load into `store` what `premise_slice` gives, without handing each quad to Python:
    the shared graphs' blocks whole (in one load, so their blank nodes stay one), and each
    document graph's block through a scratch store from which only the triples the premises
    name are taken. The shared graphs named in `sliced` are read like the document graphs,
    in pieces (cut between subjects, `trigblocks.subject_pieces`): the canonical graph, which
    at 10,000 documents is 1.8 of the 2 million quads a whole load kept (700 MB) while the
    rules read a fraction of it. A blank node in such a piece would be named apart from its
    other pieces: LayoutError, as when `trig` is not laid out in blocks
    (graph/trigblocks.py); the caller then reads the file whole. With a `cache`, a unit
    (document block or piece) whose bytes it has seen is not parsed: its quads are read
    from the cache."""
    prefixes = trigblocks.prefix_lines(trig)
    scope = digest(prefixes, premises.digest())
    shared: list[bytes] = []
    cached: list[bytes] = []  # N-Quads from the cache, loaded a few megabytes at a time
    size = 0
    for block in trigblocks.blocks(trig):
        if block.iri in sliced:
            units: Iterable[tuple[bytes, bool]] = (
                (piece, False) for piece in trigblocks.subject_pieces(block, PIECE_MARK))
        elif block.iri.startswith(DOCUMENT_GRAPHS):
            units = [(block.text, True)]
        else:
            shared.append(block.text)
            continue
        for text, blank_nodes in units:
            key = digest(scope, text)
            hit = cache.get(key) if cache is not None else None
            if hit is not None:
                cached.append(hit)
                size += len(hit)
                if size > SCRATCH_BYTES:
                    store.load(b"".join(cached), format=ox.RdfFormat.N_QUADS)
                    cached, size = [], 0
                continue
            quads = _wanted(prefixes + text, premises, blank_nodes=blank_nodes)
            store.extend(quads)
            if cache is not None:
                cache.put(key, quads)
    if cached:
        store.load(b"".join(cached), format=ox.RdfFormat.N_QUADS)
    store.load(prefixes + b"".join(shared), format=ox.RdfFormat.TRIG, lenient=True)


PIECE_MARK = 64  # a sliced graph's pieces hold ~64 subjects (crc32 of the subject)
SCRATCH_BYTES = 8 << 20  # cached premises loaded at once (bounded memory)


class PremiseCache:
    """The premise quads of each unit of graph.trig (a document graph's block, a piece of
    the canonical graph) as N-Quads, by the digest of the unit's bytes, the file's prefix
    lines and the premises: a rebuild parses only the units whose bytes changed. One file per
    set of premises (graph/unitfile.py); `save` keeps only the units of the last build read.
    A unit whose quads hold a blank node is not kept (its label is scoped to the parse)."""

    def __init__(self, folder: Path, premises: Premises, code: str) -> None:
        self.file = UnitFile(folder / f"premises-{digest(premises.digest(), code)}.bin")
        self.path = self.file.path
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> bytes | None:
        known, data = self.file.get(key)
        if not known:
            return None
        self.hits += 1
        return data or b""

    def put(self, key: str, quads: list[ox.Quad]) -> None:
        self.misses += 1
        if any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
               for q in quads):
            return
        self.file.put(key, ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")

    def save(self) -> None:
        self.file.save()


def _wanted(text: bytes, premises: Premises, blank_nodes: bool = True) -> list[ox.Quad]:
    """The quads of the TriG `text` that the premises name (LayoutError if one holds a
    blank node and `blank_nodes` is False)."""
    scratch = ox.Store()
    scratch.load(text, format=ox.RdfFormat.TRIG, lenient=True)
    found: list[ox.Quad] = []
    for predicate in sorted(premises.predicates):
        node = ox.NamedNode(predicate)
        if predicate == str(RDF.type) and not premises.any_class:
            for cls in sorted(premises.classes):
                found.extend(scratch.quads_for_pattern(None, node, ox.NamedNode(cls)))
        else:
            found.extend(scratch.quads_for_pattern(None, node, None))
    if not blank_nodes and any(isinstance(q.subject, ox.BlankNode)
                               or isinstance(q.object, ox.BlankNode) for q in found):
        raise trigblocks.LayoutError("a blank node in a graph read in pieces")
    return found


def _keep(quad: ox.Quad, premises: Premises) -> bool:
    graph = quad.graph_name
    if not isinstance(graph, ox.NamedNode) or not graph.value.startswith(DOCUMENT_GRAPHS):
        return True
    obj = quad.object
    return premises.wants(quad.predicate.value, obj.value if isinstance(obj, ox.NamedNode)
                          else "")


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\0")
    return h.hexdigest()[:40]


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def graph_digest(graph: Graph) -> str:
    """Content digest of an rdflib graph without blank nodes in its keys' order."""
    lines = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in graph)
    return digest("\n".join(lines))


def code_digest(paths: Iterable[Path]) -> str:
    return digest(*(file_digest(p) for p in paths))


class HermitCache:
    """HermiT's results by input hash (a JSON file each); `used` are kept by `prune`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def get(self, key: str) -> HermitResult | None:
        path = self.folder / f"hermit-{key}.json"
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return None
        self.used.add(path.name)
        return HermitResult(data["consistent"], data["seconds"],
                            {k: set(v) for k, v in data["inferred_types"].items()},
                            data["message"], data["skipped"], data["individuals"])

    def put(self, key: str, result: HermitResult) -> None:
        from graph.rdfio import write_text

        if result.skipped or result.consistent is None:
            return  # no Java, or a failure: try again next time
        write_text(self.folder / f"hermit-{key}.json", json.dumps({
            "consistent": result.consistent, "seconds": result.seconds,
            "inferred_types": {k: sorted(v) for k, v in sorted(result.inferred_types.items())},
            "message": result.message, "skipped": result.skipped,
            "individuals": result.individuals}, sort_keys=True))
        self.used.add(f"hermit-{key}.json")


@dataclass(frozen=True)
class RuleAnalysis:
    """What the rules' SPARQL says about their input: the premises of all of them, and each
    rule's focus (graph/rulegroups.py) by its text. Parsing four rules with rdflib takes
    about half a second, so the answer is kept by the hash of the rules' texts and code."""

    premises: Premises | None
    focus: dict[str, Focus | None]


def analyse_rules(rules: Sequence[QueryDef], folder: Path, code: str
                  ) -> tuple[RuleAnalysis, Path]:
    """The analysis of `rules`, from `folder` when kept there; the file it is kept in."""
    from importlib.metadata import version

    from graph.rulegroups import rule_focus

    path = folder / f"rules-{digest(code, version('rdflib'), *(r.text for r in rules))}.json"
    try:
        return _analysis_from(json.loads(path.read_text(encoding="utf-8"))), path
    except (OSError, ValueError, KeyError, TypeError):
        pass
    analysis = RuleAnalysis(rule_premises(rules), {r.text: rule_focus(r.text) for r in rules})
    from graph.rdfio import write_text

    write_text(path, json.dumps(_analysis_to(analysis), sort_keys=True))
    return analysis, path


def _analysis_to(analysis: RuleAnalysis) -> dict[str, Any]:
    premises = analysis.premises
    return {
        "premises": None if premises is None else {
            "predicates": sorted(premises.predicates), "classes": sorted(premises.classes),
            "any_class": premises.any_class},
        "focus": [[text, None if f is None else {
            "variable": f.variable, "cls": f.cls, "subjects": sorted(f.subjects),
            "guards": sorted(sorted(list(c) for c in guard) for guard in f.guards)}]
            for text, f in sorted(analysis.focus.items())]}


def _analysis_from(data: dict[str, Any]) -> RuleAnalysis:
    found = data["premises"]
    premises = None if found is None else Premises(
        frozenset(found["predicates"]), frozenset(found["classes"]), bool(found["any_class"]))
    focus: dict[str, Focus | None] = {}
    for text, f in data["focus"]:
        focus[text] = None if f is None else Focus(
            f["variable"], f["cls"],
            frozenset(frozenset((p, c) for p, c in guard) for guard in f["guards"]),
            frozenset(f["subjects"]))
    return RuleAnalysis(premises, focus)
