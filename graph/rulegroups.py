"""A rule's conclusions group by group of its focus nodes, each group's cached.

A rule such as `04-possible-breach.rq` concludes something about each node of one class (a
forced return) from that node's own triples and from a *context* that most edits leave
alone (states, treaty actions, treaties). When its WHERE clause allows it (`rule_focus`),
its conclusions are the union, over groups of focus nodes, of the rule run on the context
and the group's own triples; each group's conclusions are cached by the hash of the rule,
the context and the group's triples, so a rebuild runs the rule on the groups that changed.

**Why the union is the whole answer.** The analysis (`rule_focus`) asks for:
- a *focus* variable F with a mandatory pattern `?F a C` (in the WHERE clause's main group:
  not under OPTIONAL, UNION, MINUS or a filter), so every solution binds F to a C;
- every other triple pattern (mandatory, optional, in FILTER [NOT] EXISTS) has F, an IRI or
  another variable v as subject; v's *guard* is the pattern itself plus v's mandatory
  patterns: a triple that pattern reads in a solution has a subject that meets the guard;
- no sub-select, aggregate, property path, MINUS, VALUES or blank node, where the above
  does not hold or is harder to show.
The context is every triple whose subject is such an IRI or meets a guard; the focus nodes
are the subjects typed C. If one node is both, the rule runs whole (`conclusions` gives
None). Otherwise a solution with F = f reads only f's triples and the context (including
what OPTIONAL and NOT EXISTS look for), so the rule on the context plus a group's triples
gives exactly the solutions, and conclusions, whose F lies in the group.

`rkg build` reports per rule how many groups were evaluated (reasoning.txt).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, URIRef, Variable
from rdflib.namespace import RDF
from rdflib.plugins.sparql.parserutils import CompValue

from graph.unitfile import UnitFile

GROUP_BITS = 8  # focus nodes go to 256 groups by the first byte of their IRI's SHA-256
# algebra nodes a partitioned rule may use (anything else: the rule runs whole)
_ALLOWED = frozenset({
    "ConstructQuery", "Project", "Filter", "Extend", "Join", "LeftJoin", "BGP", "Graph",
    "Distinct", "Reduced", "TrueFilter", "GroupGraphPatternSub", "TriplesBlock",
    "GraphGraphPattern"})
# algebra nodes whose sub-patterns are mandatory for the solutions of the node
_MANDATORY_CHILD = {"ConstructQuery": ("p",), "Project": ("p",), "Filter": ("p",),
                    "Extend": ("p",), "Join": ("p1", "p2"), "LeftJoin": ("p1",),
                    "Graph": ("p",), "Distinct": ("p",), "Reduced": ("p",)}

Guard = frozenset[tuple[str, str]]  # (predicate, class or "") that a subject must have


@dataclass(frozen=True)
class Focus:
    """How a rule splits: its focus variable and class, the guards of its context, and
    the IRIs its patterns read as subjects."""

    variable: str
    cls: str
    guards: frozenset[Guard]
    subjects: frozenset[str]


def rule_focus(text: str) -> Focus | None:
    """The focus of the CONSTRUCT rule `text` (module docstring), or None: run it whole."""
    from rdflib.plugins.sparql import prepareQuery

    algebra = prepareQuery(text).algebra
    if not _only_allowed(algebra) or any(isinstance(t, BNode)
                                         for triple in algebra["template"] for t in triple):
        return None
    mandatory = list(_mandatory_patterns(algebra))
    patterns = list(triple_patterns(algebra))
    if any(not isinstance(p, URIRef) or isinstance(s, BNode) or isinstance(o, BNode)
           for s, p, o in patterns):
        return None
    guards: dict[str, set[tuple[str, str]]] = {}
    for s, p, o in mandatory:
        if isinstance(s, Variable):
            guards.setdefault(str(s), set()).add(_constraint(p, o))
    typed = [(str(s), str(o)) for s, p, o in mandatory
             if isinstance(s, Variable) and p == RDF.type and isinstance(o, URIRef)]
    if not typed:
        return None
    # the typed variable with the most mandatory patterns (first in the text on a tie)
    variable, cls = max(typed, key=lambda vc: (len(guards[vc[0]]), -typed.index(vc)))
    context: set[Guard] = set()
    subjects: set[str] = set()
    for s, p, o in patterns:
        if isinstance(s, URIRef):
            subjects.add(str(s))
        elif str(s) != variable:
            context.add(frozenset({*guards.get(str(s), ()), _constraint(p, o)}))
    return Focus(variable, cls, frozenset(context), frozenset(subjects))


def _constraint(p: Any, o: Any) -> tuple[str, str]:
    return (str(p), str(o) if p == RDF.type and isinstance(o, URIRef) else "")


def _only_allowed(node: Any) -> bool:
    """Only the algebra of `_ALLOWED`, expressions and built-in calls (EXISTS included)."""
    if isinstance(node, CompValue):
        if not (node.name in _ALLOWED or node.name.startswith("Builtin_")
                or node.name.endswith("Expression") or node.name.startswith("Unary")):
            return False
        return all(_only_allowed(v) for k, v in node.items() if k != "template")
    if isinstance(node, list | tuple):
        return all(_only_allowed(v) for v in node)
    return True


def _mandatory_patterns(node: Any) -> Iterator[tuple[Any, Any, Any]]:
    """The triple patterns every solution of `node` matches."""
    if not isinstance(node, CompValue):
        return
    if node.name == "BGP":
        yield from (tuple(t) for t in node["triples"])
        return
    for key in _MANDATORY_CHILD.get(node.name, ()):
        yield from _mandatory_patterns(node.get(key))


def triple_patterns(node: Any) -> Iterator[tuple[Any, Any, Any]]:
    """Every triple pattern under `node`, filters' EXISTS included (not the template)."""
    if isinstance(node, CompValue | dict):
        for key, value in node.items():
            if key == "template":
                continue
            if key == "triples" and isinstance(value, list):
                for triple in value:  # a parsed block is one flat list of s p o s p o ...
                    terms = list(triple)
                    yield from (tuple(terms[i:i + 3]) for i in range(0, len(terms), 3))
            else:
                yield from triple_patterns(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from triple_patterns(item)


# ---------------------------------------------------------------------------------------------
# Evaluation with the cache
# ---------------------------------------------------------------------------------------------


class RuleGroups:
    """Each focus group's conclusions, by the digest of rule, context and the group's
    triples; one file per rule (graph/unitfile.py; N-Triples per group), holding the last
    build's groups. `evaluated` and `groups` count, per rule name, the groups run and all."""

    def __init__(self, folder: Path, code: str,
                 focus: dict[str, Focus | None] | None = None) -> None:
        self.folder = folder
        self.code = code  # the digest of the code that evaluates (in every key)
        self.evaluated: dict[str, int] = {}
        self.groups: dict[str, int] = {}
        self._focus = dict(focus or {})  # by rule text, as `rule_focus` gives it
        self._files: dict[str, UnitFile] = {}
        self._last: dict[str, list[str]] = {}

    def focus(self, text: str) -> Focus | None:
        if text not in self._focus:
            self._focus[text] = rule_focus(text)
        return self._focus[text]

    def files(self) -> set[str]:
        return {file.path.name for file in self._files.values()}

    def conclusions(self, store: ox.Store, name: str, text: str, focus: Focus
                    ) -> Iterator[ox.Triple] | None:
        """The rule's conclusions on `store` (its union default graph), group by group;
        None when its context and focus nodes overlap or hold a blank node (run it whole).
        The groups not cached are run now; the others' conclusions are read as they come."""
        split = _split(store, focus)
        if split is None:
            return None
        context, groups = split
        scope = _digest(self.code, text, *sorted(str(q) for q in context))
        keys = [_digest(scope, *sorted(str(q) for q in groups[group])) for group in sorted(groups)]
        if self._last.get(name) == keys:  # a later round, nothing changed: all seen already
            return iter(())
        self._last[name] = keys
        file = self._files.setdefault(name, UnitFile(self.folder / f"rule-{name}.bin"))
        scratch: ox.Store | None = None
        self.evaluated.setdefault(name, 0)
        for group, key in zip(sorted(groups), keys, strict=True):
            if not file.get(key)[0]:
                if scratch is None:
                    scratch = ox.Store()
                    scratch.extend(context)
                file.put(key, _evaluate(scratch, text, groups[group]))
                self.evaluated[name] += 1
        self.groups[name] = len(groups)
        return _read(file, keys)

    def save(self) -> None:
        for file in self._files.values():
            file.save()


def _read(file: UnitFile, keys: list[str]) -> Iterator[ox.Triple]:
    for key in keys:
        data = file.get(key)[1]
        if data:
            yield from (q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


def _split(store: ox.Store, focus: Focus
           ) -> tuple[list[ox.Quad], dict[int, list[ox.Quad]]] | None:
    """The context's quads and the focus nodes' quads by group (module docstring)."""
    typed = ox.NamedNode(str(RDF.type))
    nodes = {q.subject for q in store.quads_for_pattern(None, typed, ox.NamedNode(focus.cls))}
    subjects: set[Any] = {ox.NamedNode(iri) for iri in focus.subjects}
    for guard in focus.guards:
        subjects |= _meeting(store, guard)
    if nodes & subjects:
        return None
    context = [q for s in sorted(subjects, key=str) for q in store.quads_for_pattern(s, None, None)]
    groups: dict[int, list[ox.Quad]] = {}
    for node in nodes:
        if not isinstance(node, ox.NamedNode):
            return None
        group = hashlib.sha256(node.value.encode()).digest()[0] >> (8 - GROUP_BITS)
        groups.setdefault(group, []).extend(store.quads_for_pattern(node, None, None))
    if any(isinstance(q.object, ox.BlankNode) or isinstance(q.subject, ox.BlankNode)
           for q in context):
        return None
    if any(isinstance(q.object, ox.BlankNode) for quads in groups.values() for q in quads):
        return None
    return context, groups


def _meeting(store: ox.Store, guard: Guard) -> set[Any]:
    """The subjects that have every (predicate, class) of `guard`."""
    found: set[Any] | None = None
    for predicate, cls in sorted(guard, key=lambda c: (c[1] == "", c)):
        obj = ox.NamedNode(cls) if cls else None
        having = {q.subject for q in store.quads_for_pattern(
            None, ox.NamedNode(predicate), obj)}
        found = having if found is None else found & having
        if not found:
            return set()
    return found or set()


def _evaluate(scratch: ox.Store, text: str, quads: list[ox.Quad]) -> bytes:
    """The rule's conclusions on the context plus `quads`, as sorted N-Triples lines."""
    scratch.extend(quads)
    try:
        result = scratch.query(text, use_default_graph_as_union=True)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError("a rule must be a CONSTRUCT query")
        lines = sorted({str(t) + " .\n" for t in result})
    finally:
        for quad in quads:
            scratch.remove(quad)
    return "".join(lines).encode()


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:40]
