"""Canonical forced-return events as RDF: the event, why its reports were joined (one
`rkg:EventLink` per link, with score and features), what they disagree on (`rkg:Disagreement`
with one side per claim), the identities it replaces (`dcterms:isReplacedBy`) and its next
leg. All in the canonical graph (docs/linking.md)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS

from graph import iris
from graph.facts import Fact
from graph.linking import CanonicalReturn, Link
from graph.linking.model import STEP_DOCUMENT
from graph.linking.stage import LinkStage
from graph.rdf.terms import concept, date_time, decimal, text
from graph.vocab import RKG


@functools.lru_cache(maxsize=1 << 16)
def event_iri(key: str) -> URIRef:
    """The IRI of the canonical event with this stable key (graph/linking/identity.py);
    remembered: an event is named again by its links, disagreements and statements."""
    return URIRef(iris.fact("ForcedReturn", key))


Add = Callable[[URIRef, URIRef, URIRef | Literal | None], None]


def once_per_fact(claim_iri: Callable[[Fact], URIRef]) -> Callable[[Fact], URIRef]:
    """`claim_iri` remembered per fact object (it hashes the whole fact; linking names the
    same claims again in links and disagreements)."""
    known: dict[int, tuple[Fact, URIRef]] = {}

    def claim(fact: Fact) -> URIRef:
        hit = known.get(id(fact))
        if hit is None or hit[0] is not fact:
            hit = known[id(fact)] = (fact, claim_iri(fact))
        return hit[1]

    return claim


def decision_iri(decision: str) -> URIRef:
    """A researcher's decision (graph/curation.py) by its id."""
    return URIRef(iris.fact("CurationDecision", decision))


def event_quads(add: Add, event: CanonicalReturn, claim_iri: Callable[[Fact], URIRef]
                ) -> None:
    """Links, disagreements, replaced identities and the next leg of `event`, given to
    `add` (a QuadSink's, of the canonical graph)."""
    node = event_iri(event.key)
    for old in event.replaces:
        add(event_iri(old), DCTERMS.isReplacedBy, node)
    if event.next_leg is not None:
        add(node, RKG.nextLeg, event_iri(event.next_leg))
    for link in event.links:
        if link.step != STEP_DOCUMENT:  # nothing to see: one document, nothing disagreed
            _link(add, node, link, claim_iri)
    for dispute in event.disagreements:
        about = URIRef(iris.fact("Disagreement", event.key, dispute.kind))
        add(about, RDF.type, RKG.Disagreement)
        add(about, RKG.disagreementAbout, node)
        add(about, RKG.disagreementKind, _literal(dispute.kind))
        for side in dispute.sides:
            claim = claim_iri(side.claim)
            side_node = URIRef(f"{about}-{iris.digest(claim, side.value, length=12)}")
            add(about, RKG.hasSide, side_node)  # a rkg:DisagreementSide by its range
            add(side_node, RKG.sideClaim, claim)
            add(side_node, RKG.sideValue, _literal(side.value))


def _link(add: Add, event: URIRef, link: Link,
          claim_iri: Callable[[Fact], URIRef]) -> None:
    left, right = claim_iri(link.left), claim_iri(link.right)
    node = URIRef(iris.fact("EventLink", event, left, right))
    add(node, RDF.type, RKG.EventLink)
    add(node, RKG.linkedEvent, event)
    add(node, RKG.linksClaim, left)
    add(node, RKG.linksClaim, right)
    add(node, RKG.linkStep, _literal(link.step))
    add(node, RKG.linkScore, _score(link.score))
    for feature in link.agreed:
        add(node, RKG.agreesOn, _literal(feature))
    for feature in link.disagreed:
        add(node, RKG.disagreesOn, _literal(feature))
    if link.decision is not None:
        add(node, RKG.decision, decision_iri(link.decision))


def concern_quads(add: Add, stage: LinkStage, fact_iri: Callable[[Fact], URIRef]) -> None:
    """Each statement `rkg:concerns` the event it is about (graph/linking/concerns.py);
    `fact_iri` names the statement's canonical node."""
    nodes: dict[int, URIRef] = {}  # a statement may concern several events
    for statement, key in stage.concerns:
        if id(statement) not in nodes:
            nodes[id(statement)] = fact_iri(statement)
        add(nodes[id(statement)], RKG.concerns, event_iri(key))


@functools.lru_cache(maxsize=1 << 12)
def _literal(word: str) -> Literal:
    """The literal of a feature, step or kind name or of a disputed value (a handful of
    words and figures, written thousands of times)."""
    return text(word)


@functools.lru_cache(maxsize=1 << 10)
def _score(score: float) -> Literal:
    return decimal(score)  # a link's score: a few values, thousands of links


def curation_quads(add: Add, stage: LinkStage, claim_iri: Callable[[Fact], URIRef],
                   entity_iri: Callable[[str], URIRef]) -> None:
    """Every decision that applies, as a `rkg:CurationDecision` (a `prov:Activity`: author,
    date, reason) with what it used (the claims of its mentions) and what it changed (a
    merged entity `owl:sameAs` the kept one, a type, a Wikidata id; rejected claims point to
    it). Links made by a decision point to it from graph/rdf/events.py's `_link`."""
    for d in stage.decisions:
        if d.id not in stage.applied:
            continue
        node = decision_iri(d.id)
        add(node, RDF.type, RKG.CurationDecision)
        add(node, RDF.type, PROV.Activity)
        add(node, RKG.decisionKind, text(d.kind))
        add(node, RKG.decisionAuthor, text(d.author))
        add(node, RKG.decisionReason, text(d.reason))
        add(node, PROV.endedAtTime, date_time(d.date))
        add(node, RDFS.label, text(f"{d.kind} decision by {d.author} ({d.date})"))
        for mention in stage.matched.get(d.id, ()):
            add(node, PROV.used, claim_iri(mention))
            if d.kind == "reject-fact":
                add(claim_iri(mention), RKG.decision, node)
        targets = [*d.entities, *([d.entity] if d.entity else [])]
        for target in targets:
            add(entity_iri(target), RKG.decision, node)
        if d.kind == "merge-entities":
            for merged in d.entities[1:]:
                add(entity_iri(merged), OWL.sameAs, entity_iri(d.entities[0]))
        elif d.kind == "entity-type" and d.entity and d.type:
            add(entity_iri(d.entity), RDF.type, RKG[d.type])
            add(entity_iri(d.entity), RKG.reviewStatus, concept("review-status", "reviewed"))
        elif d.kind == "wikidata" and d.entity and d.wikidata:
            add(entity_iri(d.entity), RKG.wikidata, URIRef(iris.wikidata(d.wikidata)))
            add(entity_iri(d.entity), RKG.reviewStatus, concept("review-status", "reviewed"))
