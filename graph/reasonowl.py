"""The OWL tier of reasoning (graph/reasoning.py): HermiT on the ontology plus the
canonical facts (registry, canonical graph, the rules' rkg:isPartyTo), of which it reads
only what can change its answer (graph/owlfacts.py); its new memberships of defined classes
go to the inferred graph."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import cast

import pyoxigraph as ox
from rdflib import OWL, RDF, Dataset, Graph, URIRef
from rdflib.term import Node

from graph.native import native_store
from graph.ontology import HermitResult, load_ontology_graph, run_hermit
from graph.owlfacts import KeptFacts, keep_facts, kept_facts, reduce_kept
from graph.owlmodule import Signature, relevant_signature
from graph.reasoncache import (
    HermitCache,
    code_digest,
    digest,
    graph_digest,
)
from graph.reasonrules import (
    CANONICAL_GRAPH,
    HERMIT_RULE,
    INFERRED_GRAPH,
    OX_INFERRED,
    REGISTRY_GRAPH,
    reify,
)
from graph.vocab import RKG

# the canonical tier's triples, when the dataset reasoned over does not hold them all
Tier = Callable[[], Iterable[tuple[Node, Node, Node]]]
# what step 1 of HermiT's reduction keeps of them (None: the reduction gives up)
KeptTier = Callable[[Signature], KeptFacts | None]


def canonical_tier(ds: Dataset, tier: Tier | None = None) -> Graph:
    """Registry + canonical graph + the rules' rkg:isPartyTo: what HermiT sees (no mentions,
    claims or selectors); `tier` gives those triples when `ds` does not hold them all."""
    graph = Graph()
    for triple in (tier() if tier is not None else canonical_triples(ds)):
        graph.add(triple)
    return graph


def canonical_triples(ds: Dataset) -> Iterator[tuple[Node, Node, Node]]:
    """The canonical tier's triples as they come (a triple in two graphs comes twice)."""
    store = native_store(ds)
    if store is not None:  # straight from pyoxigraph, each distinct term converted once
        yield from _native_canonical(store)
        return
    for name in (REGISTRY_GRAPH, CANONICAL_GRAPH):
        yield from ds.graph(name)
    for state, treaty in ds.graph(INFERRED_GRAPH).subject_objects(RKG.isPartyTo):
        yield state, RKG.isPartyTo, treaty


def _native_canonical(store: ox.Store) -> Iterator[tuple[Node, Node, Node]]:
    from graph.native import TermCache

    cache = TermCache()

    def term(value: object) -> Node:
        return cast(Node, cache[value])  # plain RDF here: never None

    for name in (REGISTRY_GRAPH, CANONICAL_GRAPH):
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            yield term(quad.subject), term(quad.predicate), term(quad.object)
    party = ox.NamedNode(str(RKG.isPartyTo))
    for quad in store.quads_for_pattern(None, party, None, OX_INFERRED):
        yield term(quad.subject), RKG.isPartyTo, term(quad.object)


def defined_classes(ontology: Graph) -> set[str]:
    """Classes with an owl:equivalentClass definition (what classification can add)."""
    return {str(c) for c in ontology.subjects(OWL.equivalentClass, None)
            if isinstance(c, URIRef)}


def apply_hermit(ds: Dataset, *, java: str | None = None, cache: HermitCache | None = None,
                 reduce: bool = True, canonical: Tier | None = None,
                 kept: KeptTier | None = None) -> HermitResult:
    """Classify the canonical tier with HermiT; add defined-class memberships to the inferred
    graph, tied to `rkgd:rule/owl-hermit`. With `reduce`, HermiT reads only the facts that can
    change its answer (graph/owlfacts.py; the same memberships, tested). With a `cache`,
    HermiT is not run again on an input (facts, ontology, reasoner, Java) it has classified.
    `canonical` gives the canonical tier's triples when `ds` does not hold all of them;
    `kept`, what step 1 of the reduction keeps of them (graph/owltier.py)."""
    ontology = load_ontology_graph()
    wanted = defined_classes(ontology)
    tier = canonical or (lambda: canonical_triples(ds))
    reduced = None
    if reduce:
        signature = relevant_signature(ontology)
        facts = (kept(signature) if kept is not None
                 else kept_facts(keep_facts(tier(), signature)))
        reduced = reduce_kept(facts, signature, ontology) if facts is not None else None
    if reduced is not None:
        result = _classify(reduced.graph, ontology, java, cache)
        if _all_in_some(reduced.graph, result, wanted):
            # a defined class that holds for every individual would hold for dropped ones too
            reduced = None
    if reduced is None:  # not asked, or a fact the reduction does not handle
        result = _classify(canonical_tier(ds, canonical), ontology, java, cache)
    if result.consistent:
        types = reduced.expand(result.inferred_types) if reduced else result.inferred_types
        inferred = ds.graph(INFERRED_GRAPH)
        for individual, classes in sorted(types.items()):
            for cls in sorted(classes & wanted):
                reify(inferred, (URIRef(individual), RDF.type, URIRef(cls)), HERMIT_RULE)
    return result


def _classify(facts: Graph, ontology: Graph, java: str | None, cache: HermitCache | None
              ) -> HermitResult:
    key = _hermit_key(facts, java) if cache is not None else ""
    result = cache.get(key) if cache is not None else None
    if result is not None:
        result.message += "; input unchanged, not run again"
        return result
    result = run_hermit(facts, ontology=ontology, java=java)
    if cache is not None:
        cache.put(key, result)
    return result


def _all_in_some(facts: Graph, result: HermitResult, wanted: set[str]) -> bool:
    """Does some defined class hold for every individual HermiT saw (told or inferred)?"""
    if not result.consistent:
        return False
    individuals = set(facts.subjects(RDF.type, OWL.NamedIndividual))
    return any(individuals and all(
        cls in result.inferred_types.get(str(i), set()) or (i, RDF.type, URIRef(cls)) in facts
        for i in individuals) for cls in wanted)


def _hermit_key(tier: Graph, java: str | None) -> str:
    from importlib.metadata import version

    from graph.ontology import ontology_files

    return digest(graph_digest(tier), code_digest(ontology_files()), version("owlready2"),
                  java or "")
