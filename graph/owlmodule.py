"""What HermiT needs to see: a locality-based module of the ontology plus the canonical facts.

HermiT's answer is used for two things only (graph/reasoning.py): whether the ontology with
the facts is consistent, and which individuals belong to the ontology's defined classes (those
with an `owl:equivalentClass`). Most canonical facts cannot change either answer: labels,
sources, claims' confidence, mentions' words, memberships of classes that no axiom constrains.
This module keeps only the facts that can, so that HermiT reads less and, above all, is not
run again when a document changes only what it cannot use (graph/reasoncache.py keys HermiT's
cache by this reduced input).

Why dropping the rest changes nothing (syntactic ⊤-locality; Cuenca Grau, Horrocks, Kazakov
and Sattler, "Modular reuse of ontologies: theory and practice", JAIR 31, 2008). An axiom is
⊤-local for a signature S when every interpretation that maps each class outside S to the
whole domain and each property outside S to every pair satisfies it; if every axiom left out
of a subset M is ⊤-local for S plus M's own signature, then M entails exactly what the whole
does about S, consistency included (⊤ ⊑ ⊥ has an empty signature). Here S starts from the
defined classes; `relevant_signature` grows it to a fixpoint with every class and property of
the ontology's axioms that are not ⊤-local (a class assertion `C(a)` or a property assertion
`P(a, b)` is ⊤-local exactly when C or P is outside S; individuals are never mapped away).
The facts kept are the non-local ones; keeping the whole ontology, more than the module,
cannot change the answer either (monotonicity: module ⊆ what HermiT reads ⊆ everything).

Conservative by construction: an axiom of a kind not handled below counts as not local (its
whole signature joins S), and a fact that is itself a schema axiom (subclass, domain, an OWL
term) turns the reduction off (graph/owlfacts.py, which applies the signature to the facts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

_RDFS_NS, _OWL_NS = str(RDFS), str(OWL)
SCHEMA_NAMESPACES = (_OWL_NS, _RDFS_NS)
_BUILT_IN = (_OWL_NS, _RDFS_NS, str(RDF), str(XSD))  # never mapped away: not in S
# Predicates with no logical content in OWL 2 (annotations); never part of an axiom.
ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo,
                OWL.versionIRI, OWL.priorVersion, OWL.backwardCompatibleWith,
                OWL.incompatibleWith, OWL.deprecated}
_DECLARATIONS = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                 OWL.AnnotationProperty, OWL.NamedIndividual, OWL.Ontology, RDFS.Datatype,
                 OWL.Restriction, RDF.Property}
# Property characteristics that the all-pairs property has (so: local when the property is
# outside the signature); any other (functional...) is never local.
_TOP_CHARACTERISTICS = {OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.ReflexiveProperty}
# Facts that relate individuals themselves: never local, kept whatever their signature.
INDIVIDUAL_AXIOMS = {OWL.sameAs, OWL.differentFrom}
_TYPE, _INDIVIDUAL = RDF.type, OWL.NamedIndividual  # rdflib's namespace lookups are slow


Requirement = frozenset[str]  # named classes, one of which a node must have (a union)


@dataclass(frozen=True)
class Signature:
    """What HermiT must see. `terms`: the classes and properties of S (IRIs). `data_ranges`:
    each data property's range (a value of one outside S, or dropped, must lie in it).
    `typing`: the properties of S whose only axioms outside the local ones are their domains
    and ranges, with those (each a union of named classes; a data property's range is checked
    on its values). `data_properties`: every data property. `supers`: each class's told
    superclasses."""

    terms: frozenset[str]
    data_ranges: dict[str, str]
    typing: dict[str, tuple[tuple[Requirement, ...], tuple[Requirement, ...]]]
    supers: dict[str, frozenset[str]]
    data_properties: frozenset[str]

    def keeps(self, predicate: Node, obj: Node) -> bool:
        if predicate == _TYPE:
            return str(obj) in self.terms or obj == _INDIVIDUAL
        return predicate in INDIVIDUAL_AXIOMS or str(predicate) in self.terms

    def in_range(self, predicate: Node, obj: Node) -> bool:
        """A data fact's value is one its property can take (not checked: object facts)."""
        wanted = self.data_ranges.get(str(predicate))
        if wanted is None:
            return True
        if not isinstance(obj, Literal) or obj.ill_typed:
            return False
        datatype = obj.datatype or (None if obj.language else XSD.string)
        return str(datatype) == wanted


def relevant_signature(ontology: Graph) -> Signature:
    """The fixpoint S: defined classes, plus the signature of every axiom not ⊤-local for S."""
    ranges = _data_ranges(ontology)
    axioms = list(_axioms(ontology, ranges))
    terms: set[str] = {str(c) for c in ontology.subjects(OWL.equivalentClass, None)
                       if isinstance(c, URIRef)}
    changed = True
    while changed:
        changed = False
        for axiom in axioms:
            if not axiom.symbols <= terms and not axiom.local(terms):
                terms |= axiom.symbols
                changed = True
    known = {p: r for p, r in ranges.items() if r is not None}
    return Signature(frozenset(terms), known, _typing(ontology, axioms, terms, ranges),
                     _told_supers(ontology), frozenset(ranges))


def _typing(g: Graph, axioms: list[Axiom], terms: set[str], ranges: dict[str, str | None]
            ) -> dict[str, tuple[tuple[Requirement, ...], tuple[Requirement, ...]]]:
    """Properties of S that only type their ends: every axiom naming them is local, or their
    own domain or range given as a named class or a union of named classes (a data
    property's range is checked on each value instead, `Signature.in_range`)."""
    spoiled = {x for a in axioms if not a.local(terms) for x in a.symbols - {a.typing_of}}
    found = {}
    for prop in sorted(terms - spoiled):
        node = URIRef(prop)
        is_data = prop in ranges
        if not is_data and (node, RDF.type, OWL.ObjectProperty) not in g:
            continue  # a class, or a property of a kind not handled here
        domains = [_requirement(g, c, terms) for c in g.objects(node, RDFS.domain)]
        range_of = [] if is_data else [_requirement(g, c, terms)
                                       for c in g.objects(node, RDFS.range)]
        if any(r is None for r in (*domains, *range_of)):
            continue
        # a requirement with a class outside S is met by every node (that class is ⊤)
        found[prop] = (tuple(r for r in domains if r and r <= terms),
                       tuple(r for r in range_of if r and r <= terms))
    return found


def _requirement(g: Graph, node: Node, terms: set[str]) -> Requirement | None:
    if isinstance(node, URIRef) and _named(node):
        return frozenset({str(node)})
    if isinstance(node, BNode) and (items := g.value(node, OWL.unionOf)) is not None:
        members = list(g.items(items))
        if all(isinstance(m, URIRef) and _named(m) for m in members):
            return frozenset(str(m) for m in members)
    return None


def _told_supers(g: Graph) -> dict[str, frozenset[str]]:
    """Named class -> itself and every named class above it by rdfs:subClassOf or
    owl:equivalentClass between named classes (what every model must give its members)."""
    up: dict[str, set[str]] = {}
    pairs = [(str(a), str(b)) for a, b in g.subject_objects(RDFS.subClassOf)
             if isinstance(a, URIRef) and isinstance(b, URIRef)]
    for a, b in g.subject_objects(OWL.equivalentClass):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            pairs += [(str(a), str(b)), (str(b), str(a))]
    for sub, sup in pairs:
        up.setdefault(sub, set()).add(sup)
    closed: dict[str, frozenset[str]] = {}
    for cls in up:
        seen, todo = {cls}, [cls]
        while todo:
            for sup in up.get(todo.pop(), set()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        closed[cls] = frozenset(seen)
    return closed


def _data_ranges(g: Graph) -> dict[str, str | None]:
    """Data property -> its one XSD range (None: no range, every value). A data property left
    out of S is read as every pair (individual, value in its range): that satisfies its range,
    and its domain when the domain is outside S too. Two ranges or a non-XSD one: no entry
    (the range axiom is then never local)."""
    found: dict[str, str | None] = {}
    for prop in g.subjects(RDF.type, OWL.DatatypeProperty):
        ranges = list(g.objects(prop, RDFS.range))
        if not ranges:
            found[str(prop)] = None
        elif len(ranges) == 1 and str(ranges[0]).startswith(str(XSD)):
            found[str(prop)] = str(ranges[0])
    return found


# ---------------------------------------------------------------------------------------------
# Axioms of the ontology and their locality
# ---------------------------------------------------------------------------------------------

IsLocal = Callable[[set[str]], bool]


@dataclass(frozen=True)
class Axiom:
    """An axiom of the ontology: is it ⊤-local for a signature, its classes and properties,
    and the property it is a domain or range of (else None)."""

    local: IsLocal
    symbols: frozenset[str]
    typing_of: str | None = None


def _axioms(g: Graph, ranges: dict[str, str | None]) -> Iterator[Axiom]:
    """(is-local(S), signature) for each logical axiom of `g`. Facts in the ontology (SKOS
    concepts and the like) are kept whole by the caller and add nothing to S."""
    for s, p, o in g:
        if p == RDF.type and o == OWL.AllDisjointClasses:
            yield Axiom(*_all_disjoint(g, s))
            continue
        if isinstance(s, BNode) and p in _EXPRESSION_PREDICATES and (
                p != RDF.type or o in _DECLARATIONS or o == OWL.AllDifferent):
            continue  # part of a class expression or list, read through its axiom
        if p in ANNOTATIONS or (p == RDF.type and o in _DECLARATIONS):
            continue
        local, symbols = _axiom(g, s, p, o, ranges)
        typing_of = str(s) if p in (RDFS.domain, RDFS.range) and isinstance(s, URIRef) else None
        yield Axiom(local, symbols, typing_of)


_EXPRESSION_PREDICATES = {RDF.first, RDF.rest, RDF.type, OWL.onProperty, OWL.someValuesFrom,
                          OWL.allValuesFrom, OWL.hasValue, OWL.intersectionOf, OWL.unionOf,
                          OWL.complementOf, OWL.oneOf, OWL.cardinality, OWL.minCardinality,
                          OWL.maxCardinality, OWL.qualifiedCardinality, OWL.onClass,
                          OWL.minQualifiedCardinality, OWL.maxQualifiedCardinality,
                          OWL.hasSelf, OWL.onDatatype, OWL.withRestrictions, OWL.members,
                          OWL.inverseOf, OWL.onDataRange, OWL.datatypeComplementOf,
                          OWL.distinctMembers}


def _axiom(g: Graph, s: Node, p: Node, o: Node, ranges: dict[str, str | None]
           ) -> tuple[IsLocal, frozenset[str]]:
    sig = frozenset(_signature(g, s) | _signature(g, o) | _named(p))
    if p == RDFS.subClassOf:
        return (lambda t: _bottom(g, s, t) or _top(g, o, t)), sig
    if p == OWL.equivalentClass:
        return (lambda t: (_top(g, s, t) and _top(g, o, t))
                or (_bottom(g, s, t) and _bottom(g, o, t))), sig
    if p == OWL.disjointWith:
        return (lambda t: _bottom(g, s, t) or _bottom(g, o, t)), sig
    if p == RDFS.domain:  # ∃P.⊤ ⊑ C: P outside S is read as every pair, so C must be ⊤
        return (lambda t: _top(g, o, t)), sig
    if p == RDFS.range and str(s) in ranges:  # data: local as long as P is outside S
        return (lambda t: str(s) not in t), sig
    if p == RDFS.range:  # ⊤ ⊑ ∀P.C
        return (lambda t: _top(g, o, t)), sig
    if p == RDFS.subPropertyOf:
        return (lambda t: str(o) not in t and _range_within(g, s, o, ranges)), sig
    if p == OWL.equivalentProperty:
        return (lambda t: str(s) not in t and str(o) not in t
                and set(g.objects(s, RDFS.range)) == set(g.objects(o, RDFS.range))), sig
    if p == OWL.inverseOf:
        return (lambda t: str(s) not in t and str(o) not in t), sig
    if p == OWL.propertyChainAxiom:
        return (lambda t: str(s) not in t), sig
    if p == RDF.type and o in _TOP_CHARACTERISTICS:
        return (lambda t: str(s) not in t), frozenset(_named(s))
    if isinstance(s, URIRef) and not str(p).startswith((_OWL_NS, _RDFS_NS)) and (
            p != RDF.type or not str(o).startswith((_OWL_NS, _RDFS_NS))):
        return (lambda t: True), frozenset()  # a fact in the ontology: kept, adds nothing
    return (lambda t: False), sig  # anything else (functional...): not local, conservatively


def _all_disjoint(g: Graph, node: Node) -> tuple[IsLocal, frozenset[str]]:
    listed = g.value(node, OWL.members)
    members = list(g.items(listed)) if listed is not None else []
    sig = frozenset(x for m in members for x in _signature(g, m))

    def local(terms: set[str]) -> bool:
        return sum(not _bottom(g, m, terms) for m in members) <= 1

    return local, sig


def _range_within(g: Graph, sub: Node, sup: Node, ranges: dict[str, str | None]) -> bool:
    """P ⊑ Q with Q outside S: Q is read as every pair its range allows, so P's values must
    lie in Q's range (always, for object properties and a data Q without a range)."""
    sup_ranges = set(g.objects(sup, RDFS.range))
    if str(sub) not in ranges and str(sup) not in ranges:
        return True
    return not sup_ranges or (ranges.get(str(sub)) is not None
                              and sup_ranges == {URIRef(str(ranges[str(sub)]))})


def _named(node: Node) -> set[str]:
    if isinstance(node, URIRef) and not str(node).startswith(_BUILT_IN):
        return {str(node)}
    return set()


def _signature(g: Graph, node: Node, seen: frozenset[Node] = frozenset()) -> set[str]:
    """Named classes and properties in `node`: a blank node (an expression, a list, or any
    other structure: every predicate is followed, so nothing it names is missed)."""
    if not isinstance(node, BNode):
        return _named(node) if not isinstance(node, Literal) else set()
    if node in seen:
        return set()
    found: set[str] = set()
    for p, o in g.predicate_objects(node):
        if p not in ANNOTATIONS:
            found |= _named(p) | (_signature(g, o, seen | {node}) if p != RDF.type else set())
    return found


def _top(g: Graph, node: Node, terms: set[str]) -> bool:
    """Is the class expression ⊤ once everything outside `terms` is ⊤ (unknown: no)?"""
    if isinstance(node, URIRef):
        return node == OWL.Thing or (node != OWL.Nothing and _named(node) != set()
                                     and str(node) not in terms)
    if not isinstance(node, BNode):
        return False
    if (items := g.value(node, OWL.intersectionOf)) is not None:
        return all(_top(g, x, terms) for x in g.items(items))
    if (items := g.value(node, OWL.unionOf)) is not None:
        return any(_top(g, x, terms) for x in g.items(items))
    if (inner := g.value(node, OWL.complementOf)) is not None:
        return _bottom(g, inner, terms)
    prop = g.value(node, OWL.onProperty)
    if prop is not None and (filler := g.value(node, OWL.someValuesFrom)) is not None:
        return str(prop) not in terms and (filler == RDFS.Literal or _top(g, filler, terms))
    if prop is not None and (filler := g.value(node, OWL.allValuesFrom)) is not None:
        return filler == RDFS.Literal or _top(g, filler, terms)
    return False


def _bottom(g: Graph, node: Node, terms: set[str]) -> bool:
    """Is the class expression ⊥ once everything outside `terms` is ⊤ (unknown: no)?"""
    if isinstance(node, URIRef):
        return node == OWL.Nothing
    if not isinstance(node, BNode):
        return False
    if (items := g.value(node, OWL.intersectionOf)) is not None:
        return any(_bottom(g, x, terms) for x in g.items(items))
    if (items := g.value(node, OWL.unionOf)) is not None:
        return all(_bottom(g, x, terms) for x in g.items(items))
    if (inner := g.value(node, OWL.complementOf)) is not None:
        return _top(g, inner, terms)
    if g.value(node, OWL.onProperty) is not None and (
            filler := g.value(node, OWL.someValuesFrom)) is not None:
        return _bottom(g, filler, terms)
    return False
