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
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.term import Node

from graph.owlmodule import (
    ANNOTATIONS,
    INDIVIDUAL_AXIOMS,
    SCHEMA_NAMESPACES,
    Signature,
)

REPRESENTATIVE_BASE = "https://w3id.org/refoulement-kg/id/hermit/"
_TYPE, _INDIVIDUAL = RDF.type, OWL.NamedIndividual  # rdflib's namespace lookups are slow


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


def reduce_facts(facts: Iterable[tuple[Node, Node, Node]], signature: Signature,
                 ontology: Graph) -> ReducedFacts | None:
    """Steps 1-3 of the module docstring; None (HermiT must read every fact) if a fact is a
    schema axiom (the signature, computed from the ontology alone, would not hold) or gives a
    data property a value outside its range."""
    kept = keep_facts(facts, signature)
    return None if kept is None else reduce_kept(kept, signature, ontology)


def keep_facts(facts: Iterable[tuple[Node, Node, Node]], signature: Signature
               ) -> list[tuple[Node, Node, Node]] | None:
    """Step 1: the facts inside the signature; None as `reduce_facts` says. Fact by fact, so
    the facts can be kept part by part (graph/owltier.py)."""
    kept: list[tuple[Node, Node, Node]] = []
    for s, p, o in facts:
        if _is_schema(p, o):
            return None
        if signature.keeps(p, o):
            kept.append((s, p, o))
        elif isinstance(o, Literal) and not signature.in_range(p, o):
            return None
    return kept


def reduce_kept(kept: list[tuple[Node, Node, Node]], signature: Signature, ontology: Graph
                ) -> ReducedFacts:
    """Steps 2 and 3 on the facts step 1 kept."""
    told = _told_classes([*kept, *ontology.triples((None, RDF.type, None))], signature)
    reduced: list[tuple[Node, Node, Node]] = []
    for triple in kept:
        replacement = _typing_only(triple, signature, told)
        reduced.extend([triple] if replacement is None else replacement)
    return _merge(reduced, ontology)


def _is_schema(predicate: Node, obj: Node) -> bool:
    if predicate == _TYPE:
        return str(obj).startswith(SCHEMA_NAMESPACES) and obj not in (_INDIVIDUAL, OWL.Thing)
    return (str(predicate).startswith(SCHEMA_NAMESPACES)
            and predicate not in ANNOTATIONS and predicate not in INDIVIDUAL_AXIOMS)


def _told_classes(kept: list[tuple[Node, Node, Node]], signature: Signature
                  ) -> dict[Node, set[str]]:
    told: dict[Node, set[str]] = {}
    for s, p, o in kept:
        if p == _TYPE:
            told.setdefault(s, set()).update(signature.supers.get(str(o), {str(o)}))
    return told


def _typing_only(triple: tuple[Node, Node, Node], signature: Signature,
                 told: dict[Node, set[str]]) -> list[tuple[Node, Node, Node]] | None:
    """The class assertions that can stand for a typing-only fact (none when its ends already
    have the classes its domain and range ask for); None: keep the fact."""
    s, p, o = triple
    needs = signature.typing.get(str(p))
    if needs is None:
        return None
    domains, ranges = needs
    if str(p) in signature.data_properties:
        if not (isinstance(o, Literal) and signature.in_range(p, o)):
            return None
        ends = [(s, domains)]
    elif isinstance(o, URIRef):
        ends = [(s, domains), (o, ranges)]
    else:
        return None
    added: list[tuple[Node, Node, Node]] = []
    for node, wanted in ends:
        for need in wanted:
            if told.get(node, set()) & need:
                continue
            if len(need) != 1:
                return None  # a union not met by a told class: keep the fact
            added.append((node, RDF.type, URIRef(next(iter(need)))))
    return added


def _merge(kept: list[tuple[Node, Node, Node]], ontology: Graph) -> ReducedFacts:
    pointed: set[Node] = {o for _s, p, o in kept if p != _TYPE and isinstance(o, URIRef)}
    pointed |= {s for s, p, _o in kept if p in INDIVIDUAL_AXIOMS}
    named = {n for t in ontology for n in (t[0], t[2]) if isinstance(n, URIRef)}
    facts: dict[Node, set[tuple[Node, Node]]] = {}
    for s, p, o in kept:
        facts.setdefault(s, set()).add((p, o))
    graph, members = Graph(), {}
    written: set[Node] = set()  # representatives whose facts (their members') are written
    n3: dict[tuple[Node, Node], str] = {}  # the same (property, value) pairs recur
    for subject, own in facts.items():
        target = subject
        if isinstance(subject, URIRef) and subject not in pointed and subject not in named:
            key = "\n".join(sorted(n3.get(pair) or n3.setdefault(
                pair, f"{pair[0].n3()} {pair[1].n3()}") for pair in own))
            target = URIRef(REPRESENTATIVE_BASE + hashlib.sha256(key.encode()).hexdigest()[:32])
            members[str(subject)] = str(target)
            if target in written:
                continue
            written.add(target)
        for p, o in own:
            graph.add((target, p, o))
    for node in {*facts, *pointed} - {URIRef(m) for m in members}:
        if isinstance(node, URIRef):
            graph.add((node, RDF.type, OWL.NamedIndividual))
    for representative in set(members.values()):
        graph.add((URIRef(representative), RDF.type, OWL.NamedIndividual))
    return ReducedFacts(graph, members)
