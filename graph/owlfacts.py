"""The canonical facts reduced to what HermiT can use (graph/owlmodule.py computes the
signature S); three steps, each leaving HermiT's answer unchanged:

1. **Facts outside S** are dropped: a class assertion of a class outside S, a property
   assertion of a property outside S (a data value must lie in its property's range).
   Why: graph/owlmodule.py (⊤-locality).
2. **Typing-only facts** become class assertions: `P(a, b)` where P's only axioms that are
   not ⊤-local are its own domains and ranges is replaced by `D(a)` for each domain D and
   `R(b)` for each range R that `a` or `b` does not already have as a told class (a data
   value must lie in the range). P's facts entail those; and in any model of what is left,
   adding the replaced pairs to P keeps domain and range true (the classes are there) and no
   other axiom names P, so it is a model of everything, every other symbol unchanged.
3. **Individuals with the same facts are merged**: an individual that no kept fact points to
   and that the ontology does not name is replaced, with every other such individual whose
   facts are the same (same classes, same properties to the same values), by one
   representative named after those facts. In any model of the merged facts, interpreting
   each member as its representative satisfies every member's facts (OWL has no unique
   name assumption), so nothing else changes; and each member is entailed to belong to
   exactly the classes its representative belongs to (renaming one member to another maps
   the facts onto themselves). Each member gets its representative's classes.

Step 3 is what keeps HermiT's input still when a document adds claims, statements or
returns like those already there (a claim typed rkg:Claim; a return by a state that
another return already names): its cache key (graph/reasoning.py) does not move.

Steps 2 and 3 run on the terms' N-Triples text (`KeptFacts`), not on rdflib terms, whose
equality is a Python call: at 1,000 documents (131,000 kept facts) they took 0.9 CPU s on
rdflib terms, and turning every kept fact back into rdflib terms 0.5 s more, on every
rebuild, for a reduced graph of about 1,300 triples. Only the facts HermiT reads (and the
literals whose range is checked) become rdflib terms.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

import pyoxigraph as ox
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.term import Node

from graph.native import from_ox
from graph.owlmodule import (
    ANNOTATIONS,
    INDIVIDUAL_AXIOMS,
    SCHEMA_NAMESPACES,
    Signature,
)
from graph.rdfio import to_ox

REPRESENTATIVE_BASE = "https://w3id.org/refoulement-kg/id/hermit/"
_TYPE, _INDIVIDUAL = RDF.type, OWL.NamedIndividual  # rdflib's namespace lookups are slow


Fact = tuple[Node, Node, Node]
Key = str  # a term as N-Triples writes it: <iri>, "literal"^^<datatype>, "text"@lang, _:b
KeyFact = tuple[Key, Key, Key]
_TYPE_KEY, _INDIVIDUAL_KEY = f"<{RDF.type}>", f"<{OWL.NamedIndividual}>"
_INDIVIDUAL_AXIOM_KEYS = frozenset(f"<{p}>" for p in INDIVIDUAL_AXIOMS)


@dataclass
class KeptFacts:
    """The facts step 1 kept, their terms as N-Triples text, and the rdflib term of each
    text that is not a plain IRI (literals and blank nodes) when it is known."""

    facts: list[KeyFact] = field(default_factory=list)
    terms: dict[Key, Node] = field(default_factory=dict)

    def term(self, key: Key) -> Node:
        """The rdflib term written `key` (as graph/native.py converts pyoxigraph's)."""
        found = self.terms.get(key)
        if found is None:
            if key.startswith("<"):
                return URIRef(key[1:-1])
            parsed = next(iter(ox.parse(f"<urn:k> <urn:k> {key} .".encode(),
                                        format=ox.RdfFormat.N_TRIPLES)))
            found = cast(Node, from_ox(parsed.object))
            self.terms[key] = found
        return found

    def add_lines(self, ntriples: bytes) -> None:
        """Facts from N-Triples lines as pyoxigraph writes them (`<s> <p> object .`)."""
        for line in ntriples.decode("utf-8").splitlines():
            s, p, o = line.split(" ", 2)
            self.facts.append((s, p, o[:-2]))

    def add(self, facts: Iterable[Fact]) -> None:
        """rdflib facts, their terms kept for `term`."""
        for fact in facts:
            s, p, o = (self._key(n) for n in fact)
            self.facts.append((s, p, o))

    def _key(self, node: Node) -> Key:
        if isinstance(node, URIRef):
            return f"<{node}>"
        key = str(to_ox(node))
        self.terms[key] = node
        return key


def kept_facts(facts: Iterable[Fact] | None) -> KeptFacts | None:
    """`facts` (step 1's answer, None when it gave up) as KeptFacts."""
    if facts is None:
        return None
    kept = KeptFacts()
    kept.add(facts)
    return kept


@dataclass
class ReducedFacts:
    """What HermiT reads, and which dropped individuals take which representative's classes."""

    graph: Graph
    members: dict[str, str] = field(default_factory=dict)

    def expand(self, inferred: dict[str, set[str]]) -> dict[str, set[str]]:
        """HermiT's new classes per individual, for the original individuals (members get
        their representative's; representatives themselves are not reported)."""
        out = {k: v for k, v in inferred.items() if not k.startswith(REPRESENTATIVE_BASE)}
        for member, representative in self.members.items():
            if inferred.get(representative):
                out[member] = set(inferred[representative])
        return out


def reduce_facts(facts: Iterable[Fact], signature: Signature,
                 ontology: Graph) -> ReducedFacts | None:
    """Steps 1-3 of the module docstring; None (HermiT must read every fact) if a fact is a
    schema axiom (the signature, computed from the ontology alone, would not hold) or gives a
    data property a value outside its range."""
    kept = kept_facts(keep_facts(facts, signature))
    return None if kept is None else reduce_kept(kept, signature, ontology)


def keep_facts(facts: Iterable[Fact], signature: Signature) -> list[Fact] | None:
    """Step 1: the facts inside the signature; None as `reduce_facts` says. Fact by fact, so
    the facts can be kept part by part (graph/owltier.py)."""
    kept: list[Fact] = []
    for s, p, o in facts:
        if _is_schema(p, o):
            return None
        if signature.keeps(p, o):
            kept.append((s, p, o))
        elif isinstance(o, Literal) and not signature.in_range(p, o):
            return None
    return kept


def reduce_kept(kept: KeptFacts, signature: Signature, ontology: Graph) -> ReducedFacts:
    """Steps 2 and 3 on the facts step 1 kept."""
    told_in_ontology = KeptFacts()
    told_in_ontology.add(ontology.triples((None, RDF.type, None)))
    told = _told_classes([*kept.facts, *told_in_ontology.facts], signature)
    in_range: dict[tuple[Key, Key], bool] = {}
    typing: dict[Key, Typing | None] = {}  # by predicate: a few dozen
    reduced: list[KeyFact] = []
    for triple in kept.facts:
        p = triple[1]
        needs = typing[p] if p in typing else typing.setdefault(p, _typing(p, signature))
        replacement = (None if needs is None
                       else _typing_only(triple, needs, signature, told, kept, in_range))
        reduced.extend([triple] if replacement is None else replacement)
    return _merge(reduced, ontology, kept)


# a typing-only property's domains and ranges, and whether it is a data property
Typing = tuple[tuple[frozenset[str], ...], tuple[frozenset[str], ...], bool]


def _typing(predicate: Key, signature: Signature) -> Typing | None:
    needs = signature.typing.get(_iri(predicate))
    if needs is None:
        return None
    return needs[0], needs[1], _iri(predicate) in signature.data_properties


def _is_schema(predicate: Node, obj: Node) -> bool:
    if predicate == _TYPE:
        return str(obj).startswith(SCHEMA_NAMESPACES) and obj not in (_INDIVIDUAL, OWL.Thing)
    return (str(predicate).startswith(SCHEMA_NAMESPACES)
            and predicate not in ANNOTATIONS and predicate not in INDIVIDUAL_AXIOMS)


def _iri(key: Key) -> str:
    """The text rdflib's str() gives of a term (an IRI without its brackets)."""
    return key[1:-1] if key.startswith("<") else key


def _told_classes(kept: list[KeyFact], signature: Signature) -> dict[Key, set[str]]:
    told: dict[Key, set[str]] = {}
    for s, p, o in kept:
        if p == _TYPE_KEY:
            cls = _iri(o)
            told.setdefault(s, set()).update(signature.supers.get(cls, {cls}))
    return told


def _typing_only(triple: KeyFact, needs: Typing, signature: Signature,
                 told: dict[Key, set[str]], kept: KeptFacts,
                 in_range: dict[tuple[Key, Key], bool]) -> list[KeyFact] | None:
    """The class assertions that can stand for a typing-only fact (none when its ends already
    have the classes its domain and range ask for); None: keep the fact."""
    s, p, o = triple
    domains, ranges, data = needs
    if data:
        if not o.startswith('"'):
            return None
        fits = in_range.get((p, o))
        if fits is None:
            fits = in_range[(p, o)] = signature.in_range(kept.term(p), kept.term(o))
        if not fits:
            return None
        ends = [(s, domains)]
    elif o.startswith("<"):
        ends = [(s, domains), (o, ranges)]
    else:
        return None
    added: list[KeyFact] = []
    for node, wanted in ends:
        for need in wanted:
            if told.get(node, set()) & need:
                continue
            if len(need) != 1:
                return None  # a union not met by a told class: keep the fact
            added.append((node, _TYPE_KEY, f"<{next(iter(need))}>"))
    return added


def _merge(kept: list[KeyFact], ontology: Graph, terms: KeptFacts) -> ReducedFacts:
    pointed = {o for _s, p, o in kept if p != _TYPE_KEY and o.startswith("<")}
    pointed |= {s for s, p, _o in kept if p in _INDIVIDUAL_AXIOM_KEYS}
    named = {f"<{n}>" for t in ontology for n in (t[0], t[2]) if isinstance(n, URIRef)}
    facts: dict[Key, set[tuple[Key, Key]]] = {}
    for s, p, o in kept:
        facts.setdefault(s, set()).add((p, o))
    reduced: set[KeyFact] = set()
    members: dict[str, str] = {}
    written: set[Key] = set()  # representatives whose facts (their members') are written
    for subject, own in facts.items():
        target = subject
        if subject.startswith("<") and subject not in pointed and subject not in named:
            key = "\n".join(sorted(f"{p} {o}" for p, o in own))
            target = f"<{REPRESENTATIVE_BASE}{hashlib.sha256(key.encode()).hexdigest()[:32]}>"
            members[_iri(subject)] = _iri(target)
            if target in written:
                continue
            written.add(target)
        reduced.update((target, p, o) for p, o in own)
    merged = {f"<{m}>" for m in members}
    for node in {*facts, *pointed} - merged:
        if node.startswith("<"):
            reduced.add((node, _TYPE_KEY, _INDIVIDUAL_KEY))
    for representative in set(members.values()):
        reduced.add((f"<{representative}>", _TYPE_KEY, _INDIVIDUAL_KEY))
    graph = Graph()
    for s, p, o in reduced:
        graph.add((terms.term(s), terms.term(p), terms.term(o)))
    return ReducedFacts(graph, members)
