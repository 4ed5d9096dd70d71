"""graph/vocab.py against the ontology files: no drift in either direction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, SKOS, Graph, URIRef

from graph import facts
from graph.ontology import load_ontology_graph, ontology_dir
from graph.vocab import OA, RKG, RKGV, SCHEMES, concept, concept_slug, scheme

REPO = Path(__file__).resolve().parent.parent
RKG_NS = str(RKG)
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                OWL.NamedIndividual)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology_graph()


def _declared_rkg_terms(graph: Graph) -> set[str]:
    return {str(s)[len(RKG_NS):] for kind in DECLARATIONS for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(RKG_NS)}


def _vocab_terms() -> set[str]:
    return set(RKG.__annotations__)


def test_vocab_every_python_term_is_declared_in_rkg_ttl(ontology: Graph) -> None:
    missing = _vocab_terms() - _declared_rkg_terms(ontology)
    assert not missing, f"in graph/vocab.py but not declared in ontology/rkg.ttl: {missing}"


def test_vocab_every_declared_term_is_in_python(ontology: Graph) -> None:
    missing = _declared_rkg_terms(ontology) - _vocab_terms()
    assert not missing, f"declared in ontology/rkg.ttl but missing from graph/vocab.py: {missing}"


def test_vocab_no_rkg_iri_is_used_without_declaration(ontology: Graph) -> None:
    """Any rkg: IRI anywhere in the ontology files (or shapes) is a declared term."""
    from graph.ontology import load_shapes_graph

    declared = _declared_rkg_terms(ontology)
    used: set[str] = set()
    for graph in (ontology, load_shapes_graph()):
        for triple in graph:
            used |= {str(t)[len(RKG_NS):] for t in triple
                     if isinstance(t, URIRef) and str(t).startswith(RKG_NS)}
    assert used - declared == set()


def test_vocab_unknown_term_fails_loudly() -> None:
    with pytest.raises(AttributeError):
        _ = RKG.perpetrater
    with pytest.raises(AttributeError):
        _ = OA.exactt
    assert RKG.perpetrator == URIRef(RKG_NS + "perpetrator")


def test_vocab_oa_terms_are_declared_in_align_ttl(ontology: Graph) -> None:
    declared = {str(s) for kind in DECLARATIONS for s in ontology.subjects(RDF.type, kind)}
    missing = {name for name in OA.__annotations__ if str(OA[name]) not in declared}
    assert not missing


def test_vocab_schemes_match_the_skos_files(ontology: Graph) -> None:
    files = {path.stem for path in (ontology_dir() / "vocab").glob("*.ttl")}
    assert set(SCHEMES) == files
    for name, slugs in SCHEMES.items():
        in_file = {str(c)[len(f"{RKGV}{name}/"):] for c in ontology.subjects(RDF.type, SKOS.Concept)
                   if str(c).startswith(f"{RKGV}{name}/")}
        assert set(slugs) == in_file, name
        assert (scheme(name), RDF.type, SKOS.ConceptScheme) in ontology


def test_vocab_schemes_cover_the_facts_values() -> None:
    pairs = {"stance": facts.STANCES, "epistemic-status": facts.EPISTEMIC,
             "date-precision": facts.PRECISIONS, "count-qualifier": facts.COUNT_QUALIFIERS,
             "treaty-action-kind": facts.TREATY_ACTION_KINDS}
    for name, values in pairs.items():
        for value in values:
            concept(name, value)  # raises if missing
    assert {concept("stance", s) for s in facts.STANCES} == {
        concept("stance", s) for s in SCHEMES["stance"]
        if s not in ("appeal", "condemn", "approve", "concern", "report")}


def test_vocab_facts_channels_are_speech_act_classes(ontology: Graph) -> None:
    from rdflib import RDFS

    for channel in facts.CHANNELS:
        assert (RKG[channel], RDFS.subClassOf, RKG.SpeechAct) in ontology, channel


def test_vocab_concept_validates_and_round_trips() -> None:
    iri = concept("stance", "calls_on")
    assert str(iri) == "https://w3id.org/refoulement-kg/vocab/stance/calls-on"
    assert concept_slug(iri) == ("stance", "calls-on")
    with pytest.raises(ValueError, match="not a concept of the 'stance' scheme"):
        concept("stance", "applauds")
    with pytest.raises(ValueError, match="unknown SKOS scheme"):
        concept("mood", "happy")
    with pytest.raises(ValueError):
        concept_slug("https://example.org/x")


def _doc_terms(path: Path) -> set[str]:
    return set(re.findall(r"\brkg:([A-Za-z][A-Za-z0-9]*)", path.read_text(encoding="utf-8")))


def test_vocab_rdf_model_doc_terms_exist() -> None:
    """docs/rdf-model.md is the contract: every rkg: term it names is in the ontology."""
    named = _doc_terms(REPO / "docs" / "rdf-model.md")
    assert named, "no rkg: terms found in docs/rdf-model.md"
    assert named - _vocab_terms() == set()


def test_vocab_registry_types_are_classes(ontology: Graph) -> None:
    text = (REPO / "docs" / "registry.md").read_text(encoding="utf-8")
    block = text.split("Types:", 1)[1].split("\n\n", 1)[0]
    types = {t.strip(" .\n") for t in block.replace("\n", " ").split(",")}
    assert "State" in types and "DetentionFacility" in types
    for name in types:
        assert (RKG[name], RDF.type, OWL.Class) in ontology, name
