"""The inference rules on hand-made fixtures: place containment, parties to treaties, norms,
and the possible-breach flag, which fires for a return by a state bound at that date and not
for one before the state joined, and carries its premises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDFS, XSD

from graph.reasoning import (
    HERMIT_RULE,
    INFERRED_GRAPH,
    apply_hermit,
    post_build,
    reason,
    reason_trig,
)
from graph.store import INFERRED_FILE, dataset_from_trig, inferred_file, open_dataset

RKG = Namespace("https://w3id.org/refoulement-kg/ontology#")
RKGD = Namespace("https://w3id.org/refoulement-kg/id/")
RKGI = Namespace("https://w3id.org/refoulement-kg/inference#")
SCHEMA = Namespace("https://schema.org/")
RULE = Namespace("https://w3id.org/refoulement-kg/id/rule/")

# State X acceded to treaty T (enshrines non-refoulement; in force since 1990) on 2000-03-01,
# and ratified T2 (also non-refoulement, but in force only from 2010) in 2000. State Y only
# signed T. Returns by X: 2005-06-01 (bound by T, not yet by T2), 1995 (before X joined),
# 2000 at year precision (X joined during that year: not flagged), one undated; by Y in 2005.
FIXTURE = """
@prefix rkg: <https://w3id.org/refoulement-kg/ontology#> .
@prefix rkgd: <https://w3id.org/refoulement-kg/id/> .
@prefix tak: <https://w3id.org/refoulement-kg/vocab/treaty-action-kind/> .
@prefix dp: <https://w3id.org/refoulement-kg/vocab/date-precision/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

rkgd:graph\\/registry {
  rkgd:state\\/x a rkg:State ; rdfs:label "Xland"@en .
  rkgd:state\\/y a rkg:State ; rdfs:label "Yland"@en .
  rkgd:norm\\/non-refoulement a rkg:LegalNorm ; rdfs:label "principle of non-refoulement"@en .
  rkgd:treaty\\/t a rkg:Treaty ; rdfs:label "Treaty T"@en ;
      rkg:enshrines rkgd:norm\\/non-refoulement ;
      rkg:entryIntoForce "1990-01-01T00:00:00"^^xsd:dateTime .
  rkgd:treaty\\/t2 a rkg:Treaty ; rdfs:label "Treaty T2"@en ;
      rkg:enshrines rkgd:norm\\/non-refoulement ;
      rkg:entryIntoForce "2010-01-01T00:00:00"^^xsd:dateTime .
  rkgd:treaty-action\\/x-t-accession a rkg:Accession ; rkg:actingState rkgd:state\\/x ;
      rkg:treaty rkgd:treaty\\/t ; rkg:actionKind tak:accession ;
      rkg:date "2000-03-01T00:00:00"^^xsd:dateTime .
  rkgd:treaty-action\\/x-t2-ratification a rkg:Ratification ; rkg:actingState rkgd:state\\/x ;
      rkg:treaty rkgd:treaty\\/t2 ; rkg:actionKind tak:ratification ;
      rkg:date "2000-05-01T00:00:00"^^xsd:dateTime .
  rkgd:treaty-action\\/y-t-signature a rkg:Signature ; rkg:actingState rkgd:state\\/y ;
      rkg:treaty rkgd:treaty\\/t ; rkg:actionKind tak:signature ;
      rkg:date "1999-01-01T00:00:00"^^xsd:dateTime .
  rkgd:place\\/town rkg:locatedIn rkgd:place\\/province .
  rkgd:place\\/province rkg:locatedIn rkgd:place\\/x .
  rkgd:place\\/x rkg:locatedIn rkgd:place\\/continent .
}

rkgd:graph\\/canonical {
  rkgd:forced-return\\/after a rkg:ForcedReturn ; rkg:perpetrator rkgd:state\\/x ;
      rkg:date "2005-06-01T00:00:00"^^xsd:dateTime ; rkg:datePrecision dp:day ;
      rkg:attestedBy rkgd:claim\\/after-1 , rkgd:claim\\/after-2 .
  rkgd:forced-return\\/before a rkg:ForcedReturn ; rkg:perpetrator rkgd:state\\/x ;
      rkg:date "1995-01-01T00:00:00"^^xsd:dateTime ; rkg:datePrecision dp:year ;
      rkg:attestedBy rkgd:claim\\/before .
  rkgd:forced-return\\/same-year a rkg:ForcedReturn ; rkg:perpetrator rkgd:state\\/x ;
      rkg:date "2000-01-01T00:00:00"^^xsd:dateTime ; rkg:datePrecision dp:year ;
      rkg:attestedBy rkgd:claim\\/same-year .
  rkgd:forced-return\\/undated a rkg:ForcedReturn ; rkg:perpetrator rkgd:state\\/x ;
      rkg:attestedBy rkgd:claim\\/undated .
  rkgd:forced-return\\/by-signatory a rkg:ForcedReturn ; rkg:perpetrator rkgd:state\\/y ;
      rkg:date "2005-06-01T00:00:00"^^xsd:dateTime ; rkg:datePrecision dp:day ;
      rkg:attestedBy rkgd:claim\\/by-signatory .
}
"""


@pytest.fixture(scope="module", params=["memory", "oxigraph"])
def inferred(request: pytest.FixtureRequest) -> Graph:
    return reason_trig(FIXTURE, store=request.param).graph


def _flags(graph: Graph) -> dict[URIRef, URIRef]:
    """flag -> (return) for every possible-breach flag."""
    return {flag: graph.value(flag, RKGI.flaggedReturn)  # type: ignore[misc]
            for flag in graph.subjects(RDF.type, RKGI.PossibleBreachFlag)}


def test_reasoning_breach_flag_fires_only_when_bound_at_the_date(inferred: Graph) -> None:
    flags = _flags(inferred)
    assert sorted(flags.values()) == [RKGD["forced-return/after"]]
    (flag,) = flags
    # T2 binds X only from its entry into force (2010), after the 2005 return
    assert inferred.value(flag, RKGI.treaty) == RKGD["treaty/t"]


def test_reasoning_breach_flag_carries_its_premises(inferred: Graph) -> None:
    (flag,) = _flags(inferred)
    assert inferred.value(flag, RKGI.boundState) == RKGD["state/x"]
    assert inferred.value(flag, RKGI.bindingAct) == RKGD["treaty-action/x-t-accession"]
    assert inferred.value(flag, RKGI.norm) == RKGD["norm/non-refoulement"]
    assert inferred.value(flag, RKGI.boundSince) == Literal("2000-03-01T00:00:00",
                                                            datatype=XSD.dateTime)
    assert inferred.value(flag, RKGI.returnDate) == Literal("2005-06-01T00:00:00",
                                                            datatype=XSD.dateTime)
    assert set(inferred.objects(flag, RKGI.evidence)) == {RKGD["claim/after-1"],
                                                          RKGD["claim/after-2"]}
    assert set(inferred.objects(flag, PROV.wasDerivedFrom)) == {
        RKGD["forced-return/after"], RKGD["treaty-action/x-t-accession"], RKGD["treaty/t"]}
    assert inferred.value(flag, PROV.wasGeneratedBy) == RULE["possible-breach"]
    label = str(inferred.value(flag, RDFS.label))
    assert "not a legal finding" in label and "Xland" in label and "Treaty T" in label


def _statements(graph: Graph, predicate: URIRef) -> dict[tuple[URIRef, URIRef], URIRef]:
    out = {}
    for node in graph.subjects(RDF.predicate, predicate):
        out[(graph.value(node, RDF.subject), graph.value(node, RDF.object))] = node
    return out  # type: ignore[return-value]


def test_reasoning_is_party_to_needs_a_consent_to_be_bound(inferred: Graph) -> None:
    parties = set(inferred.subject_objects(RKG.isPartyTo))
    assert parties == {(RKGD["state/x"], RKGD["treaty/t"]), (RKGD["state/x"], RKGD["treaty/t2"])}
    statements = _statements(inferred, RKG.isPartyTo)
    node = statements[(RKGD["state/x"], RKGD["treaty/t2"])]
    assert inferred.value(node, PROV.wasGeneratedBy) == RULE["is-party-to"]
    assert inferred.value(node, PROV.wasDerivedFrom) == RKGD["treaty-action/x-t2-ratification"]
    # bound from the treaty's entry into force, later than the ratification
    assert inferred.value(node, SCHEMA.startDate) == Literal("2010-01-01T00:00:00",
                                                             datatype=XSD.dateTime)


def test_reasoning_bound_by_norm_and_containment(inferred: Graph) -> None:
    assert set(inferred.subject_objects(RKG.boundByNorm)) == {
        (RKGD["state/x"], RKGD["norm/non-refoulement"])}
    (node,) = _statements(inferred, RKG.boundByNorm).values()
    assert inferred.value(node, SCHEMA.startDate) == Literal("2000-03-01T00:00:00",
                                                             datatype=XSD.dateTime)
    assert len(set(inferred.objects(node, PROV.wasDerivedFrom))) == 2
    located = set(inferred.subject_objects(RKG.locatedIn))
    assert located == {(RKGD["place/town"], RKGD["place/x"]),
                       (RKGD["place/town"], RKGD["place/continent"]),
                       (RKGD["place/province"], RKGD["place/continent"])}
    for node in _statements(inferred, RKG.locatedIn).values():
        assert inferred.value(node, PROV.wasGeneratedBy) == RULE["located-in"]


def test_reasoning_every_inferred_triple_is_tied_to_a_rule(inferred: Graph) -> None:
    rules = set(inferred.subjects(RDF.type, PROV.Activity))
    assert {RULE["located-in"], RULE["is-party-to"], RULE["bound-by-norm"],
            RULE["possible-breach"], HERMIT_RULE} <= rules
    reified = {(inferred.value(n, RDF.subject), inferred.value(n, RDF.predicate),
                inferred.value(n, RDF.object)) for n in inferred.subjects(RDF.type, RDF.Statement)}
    generated = set(inferred.subjects(PROV.wasGeneratedBy, None))
    assert all(inferred.value(n, PROV.wasGeneratedBy) in rules for n in generated)
    terms = {s for s in inferred.subjects() if str(s).startswith(str(RKGI))}
    for s, p, o in inferred:
        assert (s, p, o) in reified or s in generated or s in rules or s in terms, (s, p, o)


def test_reasoning_is_deterministic_across_stores_and_hash_seeds(tmp_path: Path) -> None:
    build = tmp_path / "build"
    build.mkdir()
    ds = dataset_from_trig(FIXTURE, "memory")
    ds.serialize(build / "graph.trig", format="trig")
    outputs = set()
    for seed, store in (("0", "oxigraph"), ("1", "memory"), ("2", "oxigraph")):
        script = ("from pathlib import Path; from graph.reasoning import reason; "
                  f"reason(Path({str(build)!r}), owl=False, store={store!r})")
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script], check=True, env=env,
                       cwd=Path(__file__).resolve().parent.parent)
        outputs.add((build / INFERRED_FILE).read_bytes())
    assert len(outputs) == 1


def test_reasoning_hermit_classifies_the_canonical_tier() -> None:
    import shutil

    if shutil.which("java") is None:
        pytest.fail("Java is required for HermiT (README: default-jre-headless)")
    typed = FIXTURE.replace('rkg:LegalNorm ; rdfs:label "principle',
                            'rkg:LegalNorm , rkg:NonRefoulementNorm ; rdfs:label "principle')
    ds = dataset_from_trig(typed, "memory")
    reason_trig(typed)  # the rules alone do not need Java
    from graph.reasoning import apply_rules

    apply_rules(ds)
    result = apply_hermit(ds)
    assert result.consistent is True and result.seconds > 0
    inferred = ds.graph(INFERRED_GRAPH)
    # OWL ignores dates: every return by X is in the defined class, the flag rule is not
    flagged = set(inferred.subjects(RDF.type, RKG.ReturnByBoundStateFlag))
    assert flagged == {RKGD["forced-return/after"], RKGD["forced-return/before"],
                       RKGD["forced-return/same-year"], RKGD["forced-return/undated"]}
    assert (RKGD["state/x"], RDF.type, RKG.NonRefoulementBoundState) in inferred
    for node in _statements(inferred, RDF.type).values():
        assert inferred.value(node, PROV.wasGeneratedBy) == HERMIT_RULE


def test_reasoning_without_java_skips_owl_and_keeps_the_rules() -> None:
    ds = dataset_from_trig(FIXTURE, "memory")
    from graph.reasoning import apply_rules

    apply_rules(ds)
    result = apply_hermit(ds, java="no-such-java-here")
    assert result.skipped and result.consistent is None
    assert "Java not found" in result.message
    assert len(_flags(ds.graph(INFERRED_GRAPH))) == 1


def test_reasoning_post_build_writes_inferred_graph_and_validation(tmp_path: Path) -> None:
    dataset_from_trig(FIXTURE, "memory").serialize(tmp_path / "graph.trig", format="trig")
    lines = post_build(tmp_path, reason=True)
    assert lines[0].startswith("Reasoning:") and any(line.startswith("SHACL:")
                                                      for line in lines)
    assert inferred_file(tmp_path) is not None
    assert (tmp_path / "validation.json").is_file() and (tmp_path / "reasoning.txt").is_file()
    ds = open_dataset(tmp_path, "memory")
    assert (None, RKGI.flaggedReturn, RKGD["forced-return/after"]) in ds
    # --no-reason: the stale inferred graph of an earlier build is not kept; SHACL still runs
    lines = post_build(tmp_path, reason=False)
    assert lines[0] == "Inference skipped (--no-reason)." and lines[1].startswith("SHACL:")
    assert not (tmp_path / INFERRED_FILE).exists()
    assert not (tmp_path / "reasoning.txt").exists()


def test_reasoning_reason_ignores_an_older_inferred_graph(tmp_path: Path) -> None:
    dataset_from_trig(FIXTURE, "memory").serialize(tmp_path / "graph.trig", format="trig")
    first = reason(tmp_path, owl=False)
    before = (tmp_path / INFERRED_FILE).read_bytes()
    second = reason(tmp_path, owl=False)
    assert (tmp_path / INFERRED_FILE).read_bytes() == before
    assert first.inferred_triples == second.inferred_triples
    assert first.flags == second.flags == 1
