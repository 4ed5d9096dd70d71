"""SHACL shapes (ontology/shapes.ttl): well-formed data conforms, broken data says what is wrong."""

from __future__ import annotations

import pytest
from pyshacl import validate
from rdflib import RDF, SH, SKOS, Graph, URIRef

from graph.facts import COUNT_QUALIFIERS, EPISTEMIC, PRECISIONS, STANCES, TREATY_ACTION_KINDS
from graph.ontology import load_shapes_graph
from graph.vocab import SCHEMES, concept

PREFIXES = """
@prefix rkg: <https://w3id.org/refoulement-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix state: <https://w3id.org/refoulement-kg/id/state/> .
@prefix org: <https://w3id.org/refoulement-kg/id/org/> .
@prefix treaty: <https://w3id.org/refoulement-kg/id/treaty/> .
@prefix doc: <https://w3id.org/refoulement-kg/id/doc/> .
@prefix mention: <https://w3id.org/refoulement-kg/id/mention/> .
@prefix claim: <https://w3id.org/refoulement-kg/id/claim/> .
@prefix fr: <https://w3id.org/refoulement-kg/id/forced-return/> .
@prefix sa: <https://w3id.org/refoulement-kg/id/speech-act/> .
@prefix ta: <https://w3id.org/refoulement-kg/id/treaty-action/> .
@prefix count: <https://w3id.org/refoulement-kg/id/count/> .
@prefix stance: <https://w3id.org/refoulement-kg/vocab/stance/> .
@prefix cq: <https://w3id.org/refoulement-kg/vocab/count-qualifier/> .
@prefix dp: <https://w3id.org/refoulement-kg/vocab/date-precision/> .
@prefix es: <https://w3id.org/refoulement-kg/vocab/epistemic-status/> .
@prefix tak: <https://w3id.org/refoulement-kg/vocab/treaty-action-kind/> .
"""

ENTITIES = """
state:china a rkg:State ; rdfs:label "China" ; rkg:iso2 "CN" ; rkg:iso3 "CHN" ;
    rkg:wikidata <http://www.wikidata.org/entity/Q148> .
state:dprk a rkg:State ; rdfs:label "Democratic People's Republic of Korea" ; rkg:iso2 "KP" .
org:hrf a rkg:NGO ; rdfs:label "Human Rights Foundation" .
treaty:cat a rkg:Treaty ; rdfs:label "Convention against Torture" .
doc:3f2a a rkg:SourceDocument ;
    rkg:fileName "2023-10-13-hrf-joint-statement.txt" ;
    rkg:sha256 "3f2a000000000000000000000000000000000000000000000000000000000000" ;
    dcterms:publisher "Human Rights Foundation" ;
    rkg:date "2023-10-13T00:00:00"^^xsd:dateTime ; rkg:datePrecision dp:day .
"""

WELL_FORMED = PREFIXES + ENTITIES + """
mention:ab12 a rkg:Mention ;
    oa:hasSource doc:3f2a ;
    oa:hasSelector <https://w3id.org/refoulement-kg/id/mention/ab12/quote> ,
                   <https://w3id.org/refoulement-kg/id/mention/ab12/position> .
<https://w3id.org/refoulement-kg/id/mention/ab12/quote> a oa:TextQuoteSelector ;
    oa:exact "China forcibly repatriated 600 North Koreans." .
<https://w3id.org/refoulement-kg/id/mention/ab12/position> a oa:TextPositionSelector ;
    oa:start 52 ; oa:end 97 .
claim:cd34 a rkg:Claim ;
    rkg:claimedBy org:hrf ;
    rkg:epistemicStatus es:asserted ;
    prov:wasDerivedFrom mention:ab12 ;
    rkg:extractor "rkg.returns.v1" ; rkg:confidence 0.8 ;
    rkg:claimedCount count:c600 ;
    rkg:claimedDate "2023-10-09T00:00:00"^^xsd:dateTime ; rkg:claimedDatePrecision dp:day .
count:c600 a rkg:PersonCount ; rkg:value 600 ; rkg:minValue 600 ; rkg:maxValue 600 ;
    rkg:countQualifier cq:exact ; rkg:wordsAsWritten "600" .
fr:e1 a rkg:ForcedReturn ;
    rkg:attestedBy claim:cd34 ;
    rkg:perpetrator state:china ; rkg:origin state:china ; rkg:destination state:dprk ;
    rkg:count count:c600 ; rkg:date "2023-10-09T00:00:00"^^xsd:dateTime ;
    rkg:datePrecision dp:day ; rkg:trigger "forcibly repatriated" .
sa:s1 a rkg:JointStatement ;
    rkg:attestedBy claim:cd34 ;
    rkg:speaker org:hrf ; rkg:speakerText "Human Rights Foundation" ;
    rkg:addressee state:china ; rkg:stance stance:urges ; rkg:topic "halt forced repatriation" .
ta:china-cat-accession a rkg:Accession ;
    rkg:actingState state:china ; rkg:treaty treaty:cat ; rkg:actionKind tak:accession ;
    rkg:date "1988-10-04T00:00:00"^^xsd:dateTime .
"""

BROKEN = PREFIXES + ENTITIES + """
mention:bad a rkg:Mention ;
    oa:hasSource doc:3f2a ;
    oa:hasSelector <https://w3id.org/refoulement-kg/id/mention/bad/position> .
<https://w3id.org/refoulement-kg/id/mention/bad/position> a oa:TextPositionSelector ;
    oa:start 120 ; oa:end 97 .
claim:bad a rkg:Claim ;
    rkg:claimedBy org:hrf ; rkg:epistemicStatus es:asserted ;
    prov:wasDerivedFrom mention:bad ; rkg:extractor "rkg.returns.v1" .
count:bad a rkg:PersonCount ; rkg:minValue 700 ; rkg:maxValue 600 ; rkg:value 650 ;
    rkg:countQualifier cq:range ; rkg:wordsAsWritten "between 700 and 600" .
fr:unattested a rkg:ForcedReturn ;
    rkg:perpetrator state:china ; rkg:destination state:dprk ; rkg:count count:bad .
sa:nobody a rkg:PublicStatement ; rkg:attestedBy claim:bad ;
    rkg:stance stance:appeal , stance:urges .
ta:incomplete a rkg:Ratification ; rkg:actingState state:china ;
    rkg:date "1988-10-04"^^xsd:date .
state:nowhere a rkg:State ; rdfs:label "Nowhere" .
"""


def _validate(turtle: str) -> tuple[bool, Graph, str]:
    data = Graph().parse(data=turtle, format="turtle")
    conforms, report, text = validate(data, shacl_graph=load_shapes_graph(), inference="none",
                                      allow_warnings=True)
    assert isinstance(report, Graph)
    return bool(conforms), report, str(text)


def _messages(report: Graph) -> dict[str, str]:
    """resultMessage -> severity local name."""
    out: dict[str, str] = {}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        for message in report.objects(result, SH.resultMessage):
            out[str(message)] = severity
    return out


@pytest.fixture(scope="module")
def broken_report() -> dict[str, str]:
    conforms, report, _text = _validate(BROKEN)
    assert not conforms
    return _messages(report)


def test_shapes_well_formed_fixture_conforms() -> None:
    conforms, report, text = _validate(WELL_FORMED)
    assert conforms, text
    assert not _messages(report), text  # not even a Warning


@pytest.mark.parametrize("expected", [
    "Fact has no rkg:attestedBy: every fact needs at least one rkg:Claim saying which source "
    "states it.",
    "rkg:minValue is greater than rkg:maxValue.",
    "rkg:value is below rkg:minValue.",
    "rkg:value is above rkg:maxValue.",
    "Mention needs exactly one oa:hasSelector that is an oa:TextQuoteSelector (the exact quote).",
    "oa:start is greater than oa:end: the offsets select nothing.",
    "Speech act has neither rkg:speaker nor rkg:speakerText: who said it is unknown.",
    "Speech act needs exactly one rkg:stance.",
    "rkg:stance must be one of the ten stances of the stance scheme (urges ... other), not a "
    "group or another IRI.",
    "Treaty action needs exactly one rkg:treaty, a rkg:Treaty.",
    "Treaty action needs exactly one rkg:actionKind: signature, ratification, acceptance, "
    "approval, accession or succession.",
    "Treaty action needs exactly one rkg:date (xsd:dateTime).",
    "rkg:date must be an xsd:dateTime (HermiT rejects xsd:date and xsd:gYear).",
    "State needs exactly one rkg:iso2: two capital letters (ISO 3166-1 alpha-2).",
])
def test_shapes_broken_fixture_reports(broken_report: dict[str, str], expected: str) -> None:
    assert expected in broken_report, sorted(broken_report)
    assert broken_report[expected] == "Violation"


def test_shapes_missing_perpetrator_is_a_warning_only() -> None:
    turtle = WELL_FORMED.replace("rkg:perpetrator state:china ; ", "")
    conforms, report, text = _validate(turtle)
    assert conforms, text  # allow_warnings: a Warning does not break conformance
    messages = _messages(report)
    assert any(m.startswith("Forced return has no rkg:perpetrator") for m in messages)
    assert set(messages.values()) == {"Warning"}


def test_shapes_claim_without_mention_is_reported() -> None:
    turtle = WELL_FORMED.replace("prov:wasDerivedFrom mention:ab12 ;", "")
    conforms, report, _text = _validate(turtle)
    assert not conforms
    assert ("Claim must be derived (prov:wasDerivedFrom) from exactly one rkg:Mention."
            in _messages(report))


def test_shapes_value_lists_match_the_vocab() -> None:
    """Every sh:in list names concepts of one scheme; the big ones equal facts.py's values."""
    shapes = load_shapes_graph()
    known = {str(concept(name, slug)) for name, slugs in SCHEMES.items() for slug in slugs}
    lists: list[set[str]] = []
    for node in shapes.objects(None, SH["in"]):
        items = {str(item) for item in shapes.items(node)}
        assert items <= known, items - known
        lists.append(items)

    def as_iris(scheme: str, values: tuple[str, ...]) -> set[str]:
        return {str(concept(scheme, value)) for value in values}

    assert as_iris("stance", STANCES) in lists
    assert as_iris("count-qualifier", COUNT_QUALIFIERS) in lists
    assert as_iris("epistemic-status", EPISTEMIC) in lists
    assert as_iris("date-precision", PRECISIONS) in lists
    for name in ("treaty-action-kind", "harm-type"):  # the whole scheme is allowed somewhere
        assert {str(c) for c in _scheme_concepts(name)} in lists, name
    assert any(as_iris("treaty-action-kind", TREATY_ACTION_KINDS) <= items for items in lists)


def _scheme_concepts(scheme: str) -> set[URIRef]:
    from graph.ontology import load_ontology_graph

    graph = load_ontology_graph()
    return {URIRef(str(c)) for c in graph.subjects(RDF.type, SKOS.Concept)
            if str(c).startswith(f"https://w3id.org/refoulement-kg/vocab/{scheme}/")}
