"""HermiT reads only the facts that can change its answer (graph/owlmodule.py,
graph/owlfacts.py): the same defined-class memberships and consistency as on every fact, on
invented facts, on an inconsistent variant and on the sample build; and a document that adds
a return like one already there does not start HermiT again."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from graph.ontology import load_ontology_graph
from graph.owlfacts import reduce_facts
from graph.owlmodule import relevant_signature
from graph.reasoncache import HermitCache
from graph.reasoning import INFERRED_GRAPH, apply_hermit, apply_rules, canonical_tier
from graph.store import dataset_from_trig, open_files

RKG = "https://w3id.org/refoulement-kg/ontology#"
DATA = "https://w3id.org/refoulement-kg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# Invented world: the Ashfield Accord enshrines a no-return norm; Veloria is party to it,
# Marrowind to nothing. Two returns by Veloria, one by Marrowind, each with its own claim,
# label, date and place (facts HermiT cannot use), the claims untyped (rkg:attestedBy types
# them).
FACTS = f"""
@prefix rkg: <{RKG}> . @prefix xsd: <{XSD}> . @prefix tr: <{DATA}treaty/> .
@prefix nm: <{DATA}norm/> . @prefix st: <{DATA}state/> . @prefix pl: <{DATA}place/> .
@prefix ev: <{DATA}event/> . @prefix cl: <{DATA}claim/> . @prefix og: <{DATA}org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{DATA}graph/registry> {{
  tr:ashfield-accord a rkg:Treaty ; rdfs:label "Ashfield Accord"@en ;
      rkg:enshrines nm:no-return .
  nm:no-return a rkg:NonRefoulementNorm .
  st:veloria a rkg:State ; rkg:iso2 "VL" ; rkg:isPartyTo tr:ashfield-accord .
  st:marrowind a rkg:State ; rkg:iso2 "MW" .
  pl:quarry-gate a rkg:BorderCrossing ; rkg:lat 1.5 .
}}
<{DATA}graph/canonical> {{
  ev:one a rkg:ForcedReturn ; rkg:perpetrator st:veloria ;
      rkg:place pl:quarry-gate ; rkg:date "2031-02-03T00:00:00"^^xsd:dateTime ;
      rdfs:label "return one"@en ; rkg:attestedBy cl:one .
  ev:two a rkg:ForcedReturn ; rkg:perpetrator st:veloria ;
      rkg:date "2032-05-06T00:00:00"^^xsd:dateTime ; rkg:attestedBy cl:two .
  ev:three a rkg:ForcedReturn ; rkg:perpetrator st:marrowind ;
      rkg:attestedBy cl:three .
  cl:one rkg:confidence 0.8 .
}}
"""


def _memberships(data: str, *, reduce: bool, cache: HermitCache | None = None
                 ) -> tuple[set[tuple[str, str, str]], bool | None, str]:
    ds = dataset_from_trig(data, "memory")
    result = apply_hermit(ds, reduce=reduce, cache=cache)
    triples = {(str(s), str(p), str(o)) for s, p, o in ds.graph(INFERRED_GRAPH)}
    return triples, result.consistent, result.message


@pytest.mark.slow
def test_reduced_input_gives_the_memberships_of_every_fact() -> None:
    reduced, consistent, _ = _memberships(FACTS, reduce=True)
    whole, whole_consistent, _ = _memberships(FACTS, reduce=False)
    assert consistent is True and whole_consistent is True
    assert reduced == whole
    flagged = {s for s, p, o in reduced if p == TYPE and o == RKG + "ReturnByBoundStateFlag"}
    assert flagged == {DATA + "event/one", DATA + "event/two"}
    assert (DATA + "state/veloria", TYPE, RKG + "NonRefoulementBoundState") in reduced


def test_the_reduction_drops_merges_and_types() -> None:
    ontology = load_ontology_graph()
    tier = canonical_tier(dataset_from_trig(FACTS, "memory"))
    reduced = reduce_facts(tier, relevant_signature(ontology), ontology)
    assert reduced is not None
    text = {(str(s), str(p), str(o)) for s, p, o in reduced.graph}
    predicates = {p for _s, p, _o in text}
    assert RKG + "perpetrator" in predicates and RKG + "isPartyTo" in predicates
    for dropped in ("date", "confidence", "lat", "iso2", "place", "attestedBy"):
        assert RKG + dropped not in predicates
    assert "http://www.w3.org/2000/01/rdf-schema#label" not in predicates
    # the two returns by Veloria have the same facts left: one representative
    members = reduced.members
    assert members[DATA + "event/one"] == members[DATA + "event/two"]
    assert members[DATA + "event/three"] != members[DATA + "event/one"]
    # the untyped claims are typed rkg:Claim in place of rkg:attestedBy, then merged
    assert members[DATA + "claim/one"] == members[DATA + "claim/three"]
    assert (members[DATA + "claim/one"], TYPE, RKG + "Claim") in text


@pytest.mark.slow
def test_inconsistency_is_found_in_the_reduced_input() -> None:
    clash = FACTS.replace(
        "pl:quarry-gate a rkg:BorderCrossing ;",
        "og:tarn-council a rkg:IntergovernmentalOrganization , rkg:UNBody .\n"
        "  pl:quarry-gate a rkg:BorderCrossing ;")
    assert _memberships(clash, reduce=True)[1] is False
    assert _memberships(clash, reduce=False)[1] is False


@pytest.mark.slow
def test_a_return_like_those_there_does_not_run_hermit_again(tmp_path: Path) -> None:
    cache = HermitCache(tmp_path)
    first, _, message = _memberships(FACTS, reduce=True, cache=cache)
    assert "not run again" not in message
    more = FACTS.replace("  cl:one rkg:confidence 0.8 .", """  cl:one rkg:confidence 0.8 .
  ev:four a rkg:ForcedReturn ; rkg:perpetrator st:veloria ;
      rkg:date "2033-01-01T00:00:00"^^xsd:dateTime ; rdfs:label "return four"@en ;
      rkg:attestedBy cl:four .""")
    second, _, message = _memberships(more, reduce=True, cache=cache)
    assert "input unchanged, not run again" in message
    assert second == _memberships(more, reduce=False)[0]
    assert (DATA + "event/four", TYPE, RKG + "ReturnByBoundStateFlag") in second
    assert first < second


def test_signature_locality_on_a_small_ontology() -> None:
    ontology = Graph().parse(format="turtle", data="""
@prefix ex: <https://example.org/o#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:D owl:equivalentClass [ owl:intersectionOf ( ex:A
    [ a owl:Restriction ; owl:onProperty ex:p ; owl:someValuesFrom ex:B ] ) ] .
ex:A a owl:Class . ex:B a owl:Class . ex:Sub rdfs:subClassOf ex:B . ex:Up a owl:Class .
ex:B rdfs:subClassOf ex:Up .
ex:p a owl:ObjectProperty .
ex:typer a owl:ObjectProperty ; rdfs:domain ex:A .
ex:free a owl:ObjectProperty ; rdfs:range ex:Up .
ex:only a owl:ObjectProperty , owl:FunctionalProperty .
ex:when a owl:DatatypeProperty ; rdfs:range xsd:dateTime .
""")
    sig = relevant_signature(ontology)
    o = "https://example.org/o#"
    assert {o + "D", o + "A", o + "B", o + "p", o + "Sub", o + "typer", o + "only"} <= sig.terms
    # a superclass, a property ranging over it, a data property with only a range: left out
    assert not {o + "Up", o + "free", o + "when"} & sig.terms
    assert o + "typer" in sig.typing and o + "p" not in sig.typing
    assert o + "only" not in sig.typing  # functional: never only typing


@pytest.mark.slow
def test_reduced_input_on_the_sample_build(sample_build: Path) -> None:
    def memberships(reduce: bool) -> tuple[set[tuple[str, str, str]], bool | None]:
        ds = open_files([sample_build / "graph.trig"], "oxigraph")
        apply_rules(ds)
        result = apply_hermit(ds, reduce=reduce)
        return {(str(s), str(p), str(o)) for s, p, o in ds.graph(INFERRED_GRAPH)}, \
            result.consistent

    reduced, whole = memberships(True), memberships(False)
    assert reduced[1] is True and reduced == whole
    assert any(o == RKG + "NonRefoulementBoundState" for _s, _p, o in reduced[0])
