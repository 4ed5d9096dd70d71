"""The native SHACL validator (graph/shaclnative.py) gives pySHACL's report: on the sample
build, on the development set, and on a build damaged so that every constraint component of
ontology/shapes.ttl fires; shapes outside its subset, and values it cannot report exactly,
fall back to pySHACL. (The 1,000-document comparison is bench/shacl.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from build_support import copy_build
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from graph import shaclnative
from graph.ontology import load_shapes_graph
from graph.reasoning import reason
from graph.validation import JSON_FILE, TEXT_FILE, ValidationReport, validate

# Fresh, invented nodes: none of them is in any corpus.
DAMAGE = """
@prefix dk: <https://w3id.org/refoulement-kg/ontology#> .
@prefix dt: <https://w3id.org/refoulement-kg/id/test/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix es: <https://w3id.org/refoulement-kg/vocab/epistemic-status/> .
@prefix cq: <https://w3id.org/refoulement-kg/vocab/count-qualifier/> .
@prefix dp: <https://w3id.org/refoulement-kg/vocab/date-precision/> .
@prefix tak: <https://w3id.org/refoulement-kg/vocab/treaty-action-kind/> .
@prefix harm: <https://w3id.org/refoulement-kg/vocab/harm-type/> .
@prefix stance: <https://w3id.org/refoulement-kg/vocab/stance/> .
@prefix rs: <https://w3id.org/refoulement-kg/vocab/review-status/> .

<https://w3id.org/refoulement-kg/id/graph/doc/test-damage> {
  _:fact a dk:ForcedReturn .
  dt:ret1 a dk:ForcedReturn ;
    dk:attestedBy dt:claim1 , dt:untyped , "a quoted claim" ;
    dk:perpetrator dt:guards ;
    dk:destination dt:harbour , dt:state2 ;
    dk:count dt:pc1 , dt:pc2 ;
    dk:date "2020-01-01"^^xsd:date , "2021-02-03T00:00:00"^^xsd:dateTime ;
    dk:datePrecision dp:week .
  dt:harbour a dk:Settlement ; rdfs:label "Harbour of Velmora" .
  dt:state2 a dt:SubState ; rdfs:label "Ostravia" ; dk:iso2 "OS" .
  dt:claim1 a dt:SpecialClaim ;
    prov:wasDerivedFrom dt:untyped , dt:m1 ;
    dk:epistemicStatus es:guessed ;
    dk:extractor "rkg.test.v1"^^xsd:token ;
    dk:confidence "1.5"^^xsd:decimal ;
    dk:claimedCount dt:untyped ;
    dk:claimedDatePrecision dp:year , dp:day .
  dt:claim2 a dk:Claim ; prov:wasDerivedFrom dt:doc1 ; dk:epistemicStatus es:reported ;
    dk:extractor "rkg.test.v1" ; dk:confidence "-0.25"^^xsd:double , "high" ;
    dk:claimedBy dt:guards .
  _:claim a dk:Claim ; prov:wasDerivedFrom dt:m1 .
  dt:m1 a dk:Mention ; oa:hasSource dt:doc1 ;
    oa:hasSelector dt:q1 , dt:p1 , dt:p2 ;
    dk:page "0"^^xsd:integer ; dk:surfaceForm "the boat" , "a boat" .
  dt:m2 a dk:Mention ; oa:hasSource "a file" , dt:doc1 ; dk:page "3.5"^^xsd:decimal .
  dt:m3 a dk:Mention ; oa:hasSource dt:doc1 ; oa:hasSelector dt:q2 , dt:p3 ;
    dk:page "abc"^^xsd:integer .
  dt:q1 a oa:TextQuoteSelector ; oa:exact "" ; oa:prefix "before" , "earlier" .
  dt:q2 a oa:TextQuoteSelector ; oa:exact _:quote ; oa:suffix "after" .
  dt:p1 a oa:TextPositionSelector ; oa:start "10"^^xsd:integer ; oa:end "4"^^xsd:integer .
  dt:p2 a oa:TextPositionSelector ; oa:start "1.5"^^xsd:decimal ; oa:end "-3"^^xsd:integer .
  dt:p3 a oa:TextPositionSelector ; oa:start "2"^^xsd:nonNegativeInteger ;
    oa:end "9"^^xsd:integer , "12"^^xsd:integer .
  dt:doc1 a dk:SourceDocument ; dk:sha256 "XYZ" ; dk:fileName "one.txt" , "two.txt" ;
    dk:text "first text" , "second text" .
  _:doc a dk:SourceDocument .
  dt:pc1 a dk:PersonCount ; dk:countQualifier cq:roughly .
  dt:pc2 a dk:PersonCount ; dk:countQualifier cq:vague ; dk:wordsAsWritten "many" .
  dt:pc3 a dk:PersonCount ; dk:countQualifier cq:range ; dk:wordsAsWritten "nine to three" ;
    dk:value "12"^^xsd:integer ; dk:minValue "9"^^xsd:integer ; dk:maxValue "3"^^xsd:integer .
  dt:pc4 a dk:PersonCount ; dk:countQualifier cq:exact , cq:at-most ; dk:wordsAsWritten "seven" ;
    dk:value "seven" ; dk:minValue "2"^^xsd:integer ; dk:maxValue dt:untyped .
  dt:pc5 a dk:PersonCount ; dk:countQualifier cq:exact ; dk:wordsAsWritten "seven" ;
    dk:value "07"^^xsd:integer , "7"^^xsd:integer .
  dt:sa1 a dk:Letter ; dk:stance stance:shouts , stance:urges .
  dt:ta1 a dk:Ratification ; dk:actingState dt:harbour ; dk:actionKind tak:party ;
    dk:date "2020-13-45T00:00:00"^^xsd:dateTime ; dk:attestedBy dt:claim2 .
  dt:ts1 a dk:TreatyStatement ; dk:treaty dt:untyped ; dk:statedYear "1999"^^xsd:gYear ;
    dk:actingState dt:state2 , dt:harbour .
  dt:hr1 a dk:HarmReport ; dk:harm harm:sunburn .
  dt:upr1 a dk:UPRReview ; dk:cycle "0"^^xsd:integer .
  dt:t1 a dk:Tenure ; dk:holder dt:guards ;
    dk:startDate "2020-05-01T00:00:00"^^xsd:dateTime ; dk:endDate "2019-01-01"^^xsd:date .
  dt:t2 a dk:Tenure ; dk:holder dt:guards , dt:state2 ; dk:roleName "warden" ;
    dk:startDate "2021-01-01T00:00:00"^^xsd:dateTime ;
    dk:endDate "2020-01-01T00:00:00"^^xsd:dateTime .
  dt:st1 a dk:State ; dk:iso2 "xx" ; dk:iso3 "ABCD" ; dk:reviewStatus rs:maybe ;
    dk:territory dt:harbour , dt:state2 ;
    dk:wikidata "Q42" , <http://example.org/entity/Q1> .
  _:entity a dk:Person ; rdfs:label "Nobody Known" .
  dt:pr1 a dk:Practice .
  dt:v1 a dk:Visit .
  dt:ra1 a dk:ResolutionAdoption .
}

<https://w3id.org/refoulement-kg/id/graph/canonical> {
  dt:SubState rdfs:subClassOf dk:State .
  dt:SpecialClaim rdfs:subClassOf dk:Claim .
  dt:ret1 dk:attestedBy dt:claim2 .
  dt:claim1 dk:epistemicStatus es:alleged .
}
"""

# Every constraint component ontology/shapes.ttl uses (sh:hasValue only inside sh:or).
COMPONENTS = {"NodeKind", "MinCount", "MaxCount", "Datatype", "Class", "In", "MinInclusive",
              "MaxInclusive", "Or", "LessThanOrEquals", "Pattern", "MinLength",
              "QualifiedMinCount", "QualifiedMaxCount"}


def _both(out: Path) -> tuple[ValidationReport, dict[str, Any]]:
    """The native report (checked to be native) and pySHACL's on the whole union."""
    native = validate(out, write=False, cached=False, engine="native")
    assert native.engine == "native"
    reference = validate(out, write=False, cached=False, engine="pyshacl")
    assert reference.engine == "pyshacl"
    return native, reference.as_dict()


@pytest.fixture(scope="module")
def reasoned_sample(sample_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = copy_build(sample_build, tmp_path_factory.mktemp("native-sample"))
    reason(out, owl=True)
    return out


@pytest.fixture(scope="module")
def damaged(reasoned_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = copy_build(reasoned_sample, tmp_path_factory.mktemp("native-damaged"))
    with (out / "graph.trig").open("a", encoding="utf-8") as handle:
        handle.write(DAMAGE)
    return out


@pytest.mark.slow
def test_native_report_equals_pyshacl_on_the_sample(reasoned_sample: Path) -> None:
    native, reference = _both(reasoned_sample)
    assert native.as_dict() == reference
    assert reference["triples"] > 10000


@pytest.mark.slow
def test_native_report_equals_pyshacl_on_the_dev_set(dev_build: Path,
                                                     tmp_path: Path) -> None:
    out = copy_build(dev_build, tmp_path / "dev")
    reason(out, owl=True)
    native, reference = _both(out)
    assert native.as_dict() == reference
    assert reference["counts"]["Warning"] > 0  # the dev set's texts omit some perpetrators


@pytest.mark.slow
def test_every_component_fires_and_native_equals_pyshacl(damaged: Path) -> None:
    native, reference = _both(damaged)
    assert native.as_dict() == reference
    fired = {r["component"].removesuffix("ConstraintComponent") for r in reference["results"]}
    assert fired >= COMPONENTS, COMPONENTS - fired
    results = reference["results"]
    test_node = "https://w3id.org/refoulement-kg/id/test/"
    # a value typed with a subclass (declared in another graph) satisfies sh:class ...
    assert not any(r["focus"] == test_node + "ret1" and r["component"].startswith("Class")
                   and r["value"] == test_node + "state2" for r in results)
    # ... and makes its node a target of the superclass's shape
    assert any(r["focus"] == test_node + "claim1" and r["path"].endswith("#confidence")
               for r in results)
    # "07" and "7" are one xsd:integer for rdflib: one value, no sh:maxCount result
    assert not any(r["focus"] == test_node + "pc5" for r in results)
    assert any(r["focus"] == "_:blank" and r["component"] == "NodeKindConstraintComponent"
               for r in results)
    assert any(r["severity"] == "Warning" for r in results)


@pytest.mark.slow
def test_written_reports_are_byte_identical(damaged: Path, tmp_path: Path) -> None:
    native_dir = copy_build(damaged, tmp_path / "native")
    reference_dir = copy_build(damaged, tmp_path / "pyshacl")
    validate(native_dir, engine="native")
    validate(reference_dir, engine="pyshacl")
    for name in (TEXT_FILE, JSON_FILE):
        assert (native_dir / name).read_bytes() == (reference_dir / name).read_bytes()
    again = validate(native_dir, engine="native")  # from the cache, same bytes
    assert again.engine == "native"
    assert (native_dir / JSON_FILE).read_bytes() == (reference_dir / JSON_FILE).read_bytes()


def test_unsupported_shapes_are_refused() -> None:
    shapes = load_shapes_graph()
    shaclnative.compile_shapes(shapes)  # the project's shapes are in the subset
    closed = Graph()
    closed += shapes
    closed.add((URIRef("https://w3id.org/refoulement-kg/shapes#StateShape"), SH.closed,
                Literal(True)))
    with pytest.raises(shaclnative.Unsupported):
        shaclnative.compile_shapes(closed)


@pytest.mark.slow
def test_unsupported_shapes_fall_back_to_pyshacl(damaged: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A shapes graph with sh:closed: validate runs pySHACL, whose report then has the
    closed shape's results."""
    from graph import ontology

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(ontology.shapes_path().read_text(encoding="utf-8") + (
        "\nrkgsh:StateShape sh:closed true ; sh:ignoredProperties ( rdf:type ) .\n"),
        encoding="utf-8")
    monkeypatch.setattr(ontology, "shapes_path", lambda: shapes)
    report = validate(damaged, write=False, cached=False)
    assert report.engine == "pyshacl"
    assert any(r.component == "ClosedConstraintComponent" for r in report.results)


XSD_STRING = "<http://www.w3.org/2001/XMLSchema#string>"


@pytest.mark.slow
@pytest.mark.parametrize(("objects", "expected_value"), [
    ('"rkg.test.v1"@en-GB', '"rkg.test.v1"@en-GB'),  # pyoxigraph would write @en-gb
    (f'"rkg.test.v1" , "rkg.test.v1"^^{XSD_STRING}', ""),  # two values for rdflib, one in RDF
])
def test_literals_rdflib_tells_apart_fall_back(damaged: Path, tmp_path: Path, objects: str,
                                               expected_value: str) -> None:
    """A capitalised language tag or an explicit xsd:string: pyoxigraph's terms would not
    give rdflib's report, so pySHACL runs, and the report is pySHACL's."""
    out = copy_build(damaged, tmp_path / "rdflib-only")
    claim = "https://w3id.org/refoulement-kg/id/test/claim9"
    with (out / "graph.trig").open("a", encoding="utf-8") as handle:
        handle.write("\n<https://w3id.org/refoulement-kg/id/graph/doc/test-literals> {\n"
                     f"  <{claim}> a <https://w3id.org/refoulement-kg/ontology#Claim> ;\n"
                     f"  <https://w3id.org/refoulement-kg/ontology#extractor> {objects} .\n}}\n")
    fallback = validate(out, write=False, cached=False)
    assert fallback.engine == "pyshacl"
    reference = validate(out, write=False, cached=False, engine="pyshacl")
    assert fallback.as_dict() == reference.as_dict()
    extractor = [r for r in reference.results
                 if r.focus == claim and r.path.endswith("#extractor")]
    assert extractor and all(r.value == expected_value for r in extractor)


def test_engine_choice_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.validation import engine_choice

    monkeypatch.delenv("RKG_SHACL_ENGINE", raising=False)
    assert engine_choice() == "native"
    monkeypatch.setenv("RKG_SHACL_ENGINE", "pyshacl")
    assert engine_choice() == "pyshacl" and engine_choice("native") == "native"
    monkeypatch.setenv("RKG_SHACL_ENGINE", "fast")
    with pytest.raises(ValueError, match="RKG_SHACL_ENGINE"):
        engine_choice()


@pytest.mark.slow
def test_an_unchanged_build_reads_the_cached_report(damaged: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = copy_build(damaged, tmp_path / "cached")
    first = validate(out, engine="native")
    written = (out / JSON_FILE).read_bytes()

    def no_reading(*_args: Any) -> None:
        raise AssertionError("the build's files were read again")

    monkeypatch.setattr(shaclnative, "load", no_reading)
    again = validate(out, engine="native")
    assert again.engine == "native" and again.as_dict() == first.as_dict()
    assert (out / JSON_FILE).read_bytes() == written
    with (out / "graph.trig").open("a", encoding="utf-8") as handle:  # changed: read again
        handle.write("\n")
    with pytest.raises(AssertionError, match="read again"):
        validate(out, engine="native")
