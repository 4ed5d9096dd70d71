"""SHACL validation: violations name focus node, path and message; reports are deterministic;
the sample build validates in well under 30 s."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from rdflib import Graph

from graph.store import dataset_from_trig
from graph.validation import JSON_FILE, TEXT_FILE, validate, validate_graph

GOOD = """
@prefix rkg: <https://w3id.org/refoulement-kg/ontology#> .
@prefix cq: <https://w3id.org/refoulement-kg/vocab/count-qualifier/> .
<https://w3id.org/refoulement-kg/id/count/ok> a rkg:PersonCount ; rkg:value 600 ;
    rkg:countQualifier cq:exact ; rkg:wordsAsWritten "600" .
"""

BAD = """
@prefix rkg: <https://w3id.org/refoulement-kg/ontology#> .
@prefix cq: <https://w3id.org/refoulement-kg/vocab/count-qualifier/> .
<https://w3id.org/refoulement-kg/id/count/bad> a rkg:PersonCount ;
    rkg:minValue 700 ; rkg:maxValue 600 ;
    rkg:countQualifier cq:range ; rkg:wordsAsWritten "hundreds" .
<https://w3id.org/refoulement-kg/id/forced-return/r> a rkg:ForcedReturn ;
    rkg:count <https://w3id.org/refoulement-kg/id/count/bad> .
"""


def _graph(turtle: str) -> Graph:
    graph = Graph()
    graph.parse(data=turtle, format="turtle")
    return graph


def test_validation_conforming_graph() -> None:
    report = validate_graph(_graph(GOOD))
    assert report.conforms and report.violations == 0


def test_validation_violation_names_focus_path_and_message() -> None:
    report = validate_graph(_graph(BAD))
    assert not report.conforms
    by_focus = {(r.focus, r.path, r.severity): r for r in report.results}
    count = "https://w3id.org/refoulement-kg/id/count/bad"
    minimum = "https://w3id.org/refoulement-kg/ontology#minValue"
    assert by_focus[(count, minimum, "Violation")].message == (
        "rkg:minValue is greater than rkg:maxValue.")
    ret = "https://w3id.org/refoulement-kg/id/forced-return/r"
    # no claim: a violation; no perpetrator: a warning
    assert (ret, "https://w3id.org/refoulement-kg/ontology#attestedBy", "Violation") in by_focus
    assert (ret, "https://w3id.org/refoulement-kg/ontology#perpetrator", "Warning") in by_focus
    lines = report.lines()
    assert lines[0].startswith("SHACL: does not conform: 2 violations")
    assert any(count in line and "minValue" in line for line in lines)


@pytest.mark.slow
def test_validation_of_the_sample_build(sample_build: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copy2(sample_build / "graph.trig", tmp_path / "graph.trig")
    started = time.perf_counter()
    report = validate(tmp_path)
    assert time.perf_counter() - started < 30
    assert report.triples > 10000
    data = json.loads((tmp_path / JSON_FILE).read_text(encoding="utf-8"))
    assert data["counts"]["Violation"] == report.violations
    assert all(r["focus"] and r["message"] for r in data["results"])
    text = (tmp_path / TEXT_FILE).read_text(encoding="utf-8")
    assert text.startswith("SHACL: ")
    first = ((tmp_path / JSON_FILE).read_bytes(), (tmp_path / TEXT_FILE).read_bytes())
    validate(tmp_path)
    assert ((tmp_path / JSON_FILE).read_bytes(), (tmp_path / TEXT_FILE).read_bytes()) == first


def test_validation_reads_the_union_of_named_graphs(tmp_path: Path) -> None:
    trig = "<https://w3id.org/refoulement-kg/id/graph/x> {" + BAD.split("\n", 3)[3] + "}"
    prefixes = BAD.split("\n", 3)[1:3]
    ds = dataset_from_trig("\n".join([*prefixes, trig]), "memory")
    ds.serialize(tmp_path / "graph.trig", format="trig")
    report = validate(tmp_path)
    assert report.violations == 2
