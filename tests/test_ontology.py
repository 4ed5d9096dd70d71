"""The ontology (ontology/*.ttl): well-formed, documented, OWL 2 DL for HermiT, and its
defined classes classify a hand-made example as intended."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, Namespace

from graph.cli import cli
from graph.ontology import (
    ENV_VAR,
    HermitResult,
    load_ontology_graph,
    ontology_dir,
    ontology_files,
    ontology_summary,
    run_hermit,
    scheme_labels,
)
from graph.vocab import ONTOLOGY_IRI, RKG, RKGD, RKGV, SCHEMES

ONTOLOGY = URIRef(ONTOLOGY_IRI)
RKG_NS = str(RKG)
# A plain Namespace: pytest probes module attributes, and rdflib's XSD warns on unknown ones.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

# A state party to a treaty enshrining non-refoulement (china), one party only to a treaty
# enshrining another norm (elsewhere), one party to nothing (dprk); one return by each.
EXAMPLE = """
@prefix rkg: <https://w3id.org/refoulement-kg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix norm: <https://w3id.org/refoulement-kg/id/norm/> .
@prefix treaty: <https://w3id.org/refoulement-kg/id/treaty/> .
@prefix state: <https://w3id.org/refoulement-kg/id/state/> .
@prefix place: <https://w3id.org/refoulement-kg/id/place/> .
@prefix fr: <https://w3id.org/refoulement-kg/id/forced-return/> .

norm:non-refoulement a rkg:NonRefoulementNorm .
norm:fair-trial a rkg:LegalNorm .
treaty:cat a rkg:Treaty ; rkg:enshrines norm:non-refoulement .
treaty:iccpr-op a rkg:Treaty ; rkg:enshrines norm:fair-trial .
state:china a rkg:State ; rkg:isPartyTo treaty:cat ; rkg:territory place:china .
state:elsewhere a rkg:State ; rkg:isPartyTo treaty:iccpr-op .
state:dprk a rkg:State .
place:china a rkg:Country .
place:jilin a rkg:AdministrativeRegion ; rkg:locatedIn place:china .
place:hunchun a rkg:Settlement ; rkg:locatedIn place:jilin .
fr:by-china a rkg:ForcedReturn ; rkg:perpetrator state:china ; rkg:destination state:dprk ;
    rkg:place place:hunchun ; rkg:date "2023-10-09T00:00:00"^^xsd:dateTime .
fr:by-elsewhere a rkg:ForcedReturn ; rkg:perpetrator state:elsewhere .
fr:by-dprk a rkg:ForcedReturn ; rkg:perpetrator state:dprk .
fr:unknown a rkg:ForcedReturn .
"""


def _iri(path: str) -> str:
    return str(RKGD[path])


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology_graph()


@pytest.fixture(scope="module")
def example() -> Graph:
    return Graph().parse(data=EXAMPLE, format="turtle")


@pytest.fixture(scope="module")
def hermit_example(example: Graph) -> HermitResult:
    """One HermiT run over ontology + example, shared by the classification tests."""
    return run_hermit(example)


def _needs_java(result: HermitResult) -> None:
    if result.skipped:
        pytest.skip(result.message)


# --- files and documentation -----------------------------------------------------------------


def test_ontology_every_ttl_parses() -> None:
    paths = [p for p in ontology_dir().rglob("*.ttl") if "reference" not in p.parts]
    assert {p.name for p in paths} >= {"rkg.ttl", "align.ttl", "shapes.ttl", "stance.ttl"}
    for path in paths:
        assert len(Graph().parse(path, format="turtle")) > 0, path


def test_ontology_files_are_found_and_ordered() -> None:
    names = [p.name for p in ontology_files()]
    assert names[:2] == ["rkg.ttl", "align.ttl"]
    assert sorted(names[2:]) == names[2:]
    assert {f"{name}.ttl" for name in SCHEMES} == set(names[2:])


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    for prop in (DCTERMS.title, DCTERMS.license, OWL.versionIRI, OWL.versionInfo):
        assert ontology.value(ONTOLOGY, prop) is not None, prop
    assert str(ontology.value(ONTOLOGY, OWL.versionIRI)).startswith(ONTOLOGY_IRI + "/")
    assert not list(ontology.triples((None, OWL.imports, None)))
    assert len(set(ontology.subjects(RDF.type, OWL.Ontology))) == 1


def _rkg_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, None)
            if isinstance(s, URIRef) and str(s).startswith(RKG_NS)}


def test_ontology_every_term_has_one_label_one_definition_and_is_defined_by(
        ontology: Graph) -> None:
    problems = []
    for term in sorted(_rkg_terms(ontology)):
        labels = list(ontology.objects(term, RDFS.label))
        definitions = list(ontology.objects(term, SKOS.definition))
        if len(labels) != 1 or getattr(labels[0], "language", None) != "en":
            problems.append(f"{term}: {len(labels)} rdfs:label (need exactly one @en)")
        if len(definitions) != 1 or getattr(definitions[0], "language", None) != "en":
            problems.append(f"{term}: {len(definitions)} skos:definition (need exactly one @en)")
        if list(ontology.objects(term, RDFS.isDefinedBy)) != [ONTOLOGY]:
            problems.append(f"{term}: rdfs:isDefinedBy is not <{ONTOLOGY_IRI}>")
    assert not problems, "\n".join(problems)


def test_ontology_labels_are_unique(ontology: Graph) -> None:
    seen: dict[tuple[str, str], URIRef] = {}
    for term in _rkg_terms(ontology):
        kind = "class" if (term, RDF.type, OWL.Class) in ontology else "property"
        label = str(ontology.value(term, RDFS.label))
        assert (kind, label) not in seen, f"{term} and {seen[(kind, label)]} share {label!r}"
        seen[(kind, label)] = term


def test_ontology_avoids_what_hermit_cannot_handle_fast(ontology: Graph) -> None:
    """PITFALLS.md: no hasValue restrictions, no datatype facets, no xsd:date/gYear."""
    assert not list(ontology.triples((None, OWL.hasValue, None)))
    assert not list(ontology.triples((None, OWL.withRestrictions, None)))
    for bad in (XSD.date, XSD.gYear, XSD.gYearMonth):
        assert not list(ontology.triples((None, RDFS.range, bad))), bad
    for term in (RKG.date, RKG.startDate, RKG.endDate, RKG.claimedDate, RKG.since):
        assert ontology.value(term, RDFS.range) == XSD.dateTime


def test_ontology_required_shape(ontology: Graph) -> None:
    def sub(child: URIRef, parent: URIRef) -> bool:
        return (child, RDFS.subClassOf, parent) in ontology

    assert all(sub(RKG[c], RKG.UNBody) for c in (
        "UNPrincipalOrgan", "UNSubsidiaryBody", "UNOffice", "TreatyBody", "SpecialProcedure",
        "UNMechanism", "ExpertGroup"))
    assert sub(RKG.UNBody, RKG.IntergovernmentalBody)
    assert all(sub(RKG[c], RKG.TreatyAction)
               for c in ("Signature", "Ratification", "Accession", "Succession"))
    assert (RKG.locatedIn, RDF.type, OWL.TransitiveProperty) in ontology
    assert (RKG.territoryOf, OWL.inverseOf, RKG.territory) in ontology
    chain = ontology.value(RKG.boundByNorm, OWL.propertyChainAxiom)
    assert chain is not None
    assert list(ontology.items(chain)) == [RKG.isPartyTo, RKG.enshrines]
    flag_label = str(ontology.value(RKG.ReturnByBoundStateFlag, RDFS.label))
    assert "flag for review, not a legal finding" in flag_label


def test_ontology_skos_concepts_are_well_formed(ontology: Graph) -> None:
    for name in SCHEMES:
        scheme_iri = RKGV[name]
        forms: dict[str, URIRef] = {}
        concepts = [c for c in ontology.subjects(SKOS.inScheme, scheme_iri)]
        assert concepts, name
        for c in concepts:
            assert isinstance(c, URIRef) and str(c).startswith(f"{scheme_iri}/")
            assert (c, RDF.type, SKOS.Concept) in ontology
            prefs = list(ontology.objects(c, SKOS.prefLabel))
            assert len(prefs) == 1 and isinstance(prefs[0], Literal)
            assert prefs[0].language == "en"
            assert len(list(ontology.objects(c, SKOS.definition))) == 1, c
            for broader in ontology.objects(c, SKOS.broader):
                assert (broader, SKOS.inScheme, scheme_iri) in ontology
            top = (c, SKOS.topConceptOf, scheme_iri) in ontology
            assert top == ((scheme_iri, SKOS.hasTopConcept, c) in ontology), c
            assert top or ontology.value(c, SKOS.broader) is not None, f"{c} is orphaned"
            for label in (*prefs, *ontology.objects(c, SKOS.altLabel)):
                key = str(label).lower()
                assert key not in forms, f"{label!r} labels {forms.get(key)} and {c}"
                forms[key] = c


def test_ontology_scheme_labels_for_extractors() -> None:
    harms = scheme_labels("harm-type")
    assert harms["torture"][0] == "torture" and "tortured" in harms["torture"]
    assert "forced labor" in harms["forced-labour"]
    assert "executions" in harms["execution"]
    assert scheme_labels("stance")["calls-on"][0] == "calls on"
    with pytest.raises(FileNotFoundError):
        scheme_labels("nope")


def test_ontology_dir_can_be_overridden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "onto"
    shutil.copytree(ontology_dir(), copy, ignore=shutil.ignore_patterns("reference"))
    (copy / "rkg.ttl").write_text((copy / "rkg.ttl").read_text(encoding="utf-8").replace(
        'owl:versionInfo "0.1.0"', 'owl:versionInfo "9.9.9"'), encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(copy))
    assert ontology_dir() == copy.resolve()
    assert ontology_summary(reason=False).version == "9.9.9"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match=ENV_VAR):
        ontology_files()


# --- reasoning --------------------------------------------------------------------------------


def test_ontology_hermit_consistent_and_fast(hermit_example: HermitResult) -> None:
    _needs_java(hermit_example)
    assert hermit_example.consistent is True, hermit_example.message
    assert hermit_example.seconds < 60
    assert hermit_example.individuals > 60  # SKOS concepts + the example


def test_ontology_defined_classes_flag_the_bound_state(hermit_example: HermitResult) -> None:
    _needs_java(hermit_example)
    types = hermit_example.types_of
    assert str(RKG.NonRefoulementTreaty) in types(_iri("treaty/cat"))
    assert str(RKG.NonRefoulementBoundState) in types(_iri("state/china"))
    assert str(RKG.ReturnByBoundStateFlag) in types(_iri("forced-return/by-china"))


def test_ontology_defined_classes_spare_the_unbound(hermit_example: HermitResult) -> None:
    _needs_java(hermit_example)
    types = hermit_example.types_of
    assert str(RKG.NonRefoulementTreaty) not in types(_iri("treaty/iccpr-op"))
    for state in ("state/elsewhere", "state/dprk"):
        assert str(RKG.NonRefoulementBoundState) not in types(_iri(state))
    for event in ("forced-return/by-elsewhere", "forced-return/by-dprk", "forced-return/unknown"):
        assert str(RKG.ReturnByBoundStateFlag) not in types(_iri(event))


def test_ontology_flag_depends_on_the_axiom(ontology: Graph, example: Graph) -> None:
    """Without NonRefoulementBoundState's definition, the return is no longer flagged."""
    weakened = Graph()
    for triple in ontology:
        weakened.add(triple)
    weakened.remove((RKG.NonRefoulementBoundState, OWL.equivalentClass, None))
    result = run_hermit(example, ontology=weakened)
    _needs_java(result)
    assert result.consistent is True, result.message
    assert str(RKG.NonRefoulementBoundState) not in result.types_of(_iri("state/china"))
    assert str(RKG.ReturnByBoundStateFlag) not in result.types_of(_iri("forced-return/by-china"))


def test_ontology_hermit_detects_inconsistency() -> None:
    bad = Graph()
    person_state = RKGD["state/confused"]
    bad.add((person_state, RDF.type, RKG.State))
    bad.add((person_state, RDF.type, RKG.Person))
    # and a place used as a perpetrator (rkg:perpetrator ranges over agents)
    bad.add((RKGD["forced-return/x"], RKG.perpetrator, RKGD["place/hunchun"]))
    bad.add((RKGD["place/hunchun"], RDF.type, RKG.Settlement))
    result = run_hermit(bad)
    _needs_java(result)
    assert result.consistent is False
    assert "inconsistent" in result.message


def test_ontology_hermit_rejects_xsd_date_with_a_clear_message() -> None:
    data = Graph()
    data.add((RKGD["forced-return/y"], RDF.type, RKG.ForcedReturn))
    data.add((RKGD["forced-return/y"], RKG.date, Literal("2023-10-09", datatype=XSD.date)))
    result = run_hermit(data)
    _needs_java(result)
    assert result.consistent is None
    assert "xsd:dateTime" in result.message


def test_ontology_hermit_strips_imports_and_blank_headers() -> None:
    data = Graph()
    other = URIRef("https://example.org/never-fetched")
    data.add((other, RDF.type, OWL.Ontology))
    data.add((other, OWL.imports, URIRef("https://example.org/never-fetched/import")))
    data.add((BNode(), RDF.type, RKG.PersonGroup))
    result = run_hermit(data)
    _needs_java(result)
    assert result.consistent is True, result.message


def test_ontology_hermit_skipped_without_java() -> None:
    result = run_hermit(java="/nonexistent/bin/java")
    assert result.skipped and result.consistent is None
    assert "Java not found" in result.message


# --- summary and CLI --------------------------------------------------------------------------


def test_ontology_summary_counts() -> None:
    summary = ontology_summary(reason=False)
    assert summary.hermit is None
    assert summary.classes >= 60
    assert summary.object_properties >= 45
    assert summary.datatype_properties >= 40
    assert summary.concept_schemes == len(SCHEMES)
    assert summary.concepts == sum(len(slugs) for slugs in SCHEMES.values())
    assert summary.individuals == summary.concepts + summary.concept_schemes


def test_ontology_cli_prints_the_summary() -> None:
    result = CliRunner().invoke(cli, ["ontology", "--no-reasoner", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["classes"] >= 60 and "hermit" not in data
    result = CliRunner().invoke(cli, ["ontology", "--help"])
    assert result.exit_code == 0 and "Example: rkg ontology" in result.output


def test_ontology_cli_runs_hermit() -> None:
    result = CliRunner().invoke(cli, ["ontology"])
    assert result.exit_code == 0, result.output
    assert "classes" in result.output
    assert "HermiT: consistent" in result.output or "HermiT skipped" in result.output
