"""Reasoning that follows the changes gives the same inferred graph as a full run: on the
sample, on the development set, after a change outside the rules' premises (HermiT not run
again) and after one inside them (rules rerun)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.reasoncache import load_premises, rule_premises
from graph.reasoning import CANONICAL_GRAPH, INFERRED_FILE, REPORT_FILE, load_rules, reason
from graph.trigblocks import LayoutError
from graph.validation import validate

ROOT = Path(__file__).resolve().parent.parent
DEV_CORPUS = ROOT / "tests" / "fixtures" / "dev" / "corpus"
RKG = "https://w3id.org/refoulement-kg/ontology#"
DATA = "https://w3id.org/refoulement-kg/id/"


def _same_as_full(out: Path) -> tuple[bytes, list[str]]:
    full = reason(out, cached=False)
    expected = (out / INFERRED_FILE).read_bytes()
    incremental = reason(out)
    assert (out / INFERRED_FILE).read_bytes() == expected
    assert incremental.inferred_triples == full.inferred_triples
    assert incremental.flags == full.flags
    return expected, incremental.lines()


def _append(out: Path, graph: str, triple: str) -> None:
    with open(out / "graph.trig", "a", encoding="utf-8") as trig:
        trig.write(f"<{graph}> {{ {triple} . }}\n")


def _first_document_graph(out: Path) -> str:
    for line in (out / "graph.trig").read_text(encoding="utf-8").splitlines():
        if line.startswith("graph:doc\\/"):
            return DATA + "graph/doc/" + line.split("\\/", 1)[1].split(" ", 1)[0]
    raise AssertionError("no document graph in graph.trig")


def test_reasoning_premises_come_from_the_rules() -> None:
    premises = rule_premises(load_rules())
    assert premises is not None
    assert {RKG + "locatedIn", RKG + "actingState", RKG + "perpetrator"} <= premises.predicates
    assert RKG + "ForcedReturn" in premises.classes and not premises.any_class
    assert RKG + "wordsAsWritten" not in premises.predicates


@pytest.mark.slow
def test_reasoning_incremental_equals_full_and_follows_changes(sample_build: Path,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    shutil.copy2(sample_build / "graph.trig", out / "graph.trig")
    _same_as_full(out)
    again = reason(out)
    assert "build unchanged, not run" in again.lines()[-2]
    doc = _first_document_graph(out)
    # outside every premise: the rules' input and HermiT's are unchanged
    _append(out, doc, f'<{DATA}mention/extra> <{RKG}wordsAsWritten> "some words"')
    _expected, lines = _same_as_full(out)
    assert any("input unchanged, not run again" in line for line in lines)
    # a premise in a document graph: containment follows it
    before = (out / INFERRED_FILE).read_bytes()
    _append(out, doc, f"<{DATA}place/hunchun> <{RKG}locatedIn> <{DATA}place/extra-region>")
    _append(out, doc, f"<{DATA}place/extra-region> <{RKG}locatedIn> <{DATA}place/extra-land>")
    after, _lines = _same_as_full(out)
    assert after != before and f"{DATA}place/extra-land".encode() not in before
    assert b"extra-land" in after


def _canonical_quads(store: ox.Store) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, ox.NamedNode(str(CANONICAL_GRAPH))))


@pytest.mark.slow
def test_reasoning_reads_the_canonical_graph_in_pieces(sample_build: Path,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    trig = out / "graph.trig"
    shutil.copy2(sample_build / "graph.trig", trig)
    premises = rule_premises(load_rules())
    assert premises is not None
    canonical = frozenset({str(CANONICAL_GRAPH)})
    whole, sliced = ox.Store(), ox.Store()
    load_premises(whole, trig, premises)
    load_premises(sliced, trig, premises, sliced=canonical)
    # only the canonical triples the rules can read are kept, and all of them
    kept = {q for q in _canonical_quads(whole)
            if premises.wants(q.predicate.value, q.object.value
                              if isinstance(q.object, ox.NamedNode) else "")}
    assert _canonical_quads(sliced) == kept
    assert len(kept) < len(_canonical_quads(whole)) / 2
    _same_as_full(out)  # HermiT then reads the canonical tier from the file: same output

    # a blank node in the canonical graph could be named apart in two pieces: the graph is
    # then read whole, with the same inferred graph as a full run
    text = trig.read_text(encoding="utf-8")
    opening = "graph:canonical {\n"
    assert text.count(opening) == 1
    trig.write_text(text.replace(opening, f"{opening}\t_:somewhere <{RKG}locatedIn> "
                                 f"<{DATA}place/orvane-district> .\n"), encoding="utf-8")
    with pytest.raises(LayoutError):
        load_premises(ox.Store(), trig, premises, sliced=canonical)
    _same_as_full(out)


@pytest.mark.slow
def test_reasoning_and_validation_incremental_on_the_dev_set(tmp_path: Path) -> None:
    from graph.builder import build_graph

    build_graph(DEV_CORPUS, tmp_path)
    expected, _lines = _same_as_full(tmp_path)
    assert expected.count(b"PossibleBreachFlag") > 1
    whole = validate(tmp_path, write=False, cached=False, engine="pyshacl")
    units = validate(tmp_path, engine="pyshacl")
    assert units.graphs > 30 and whole.as_dict() == units.as_dict()
    native = validate(tmp_path, write=False, engine="native")
    assert native.engine == "native" and native.as_dict() == whole.as_dict()
    assert whole.warnings > 0  # the dev set has results to compare


def _one(trig: Path, query: str) -> list[str]:
    store = ox.Store()
    store.load(path=trig, format=ox.RdfFormat.TRIG, lenient=True)
    solutions = store.query(f"PREFIX rkg: <{RKG}> {query}", use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    row = next(iter(solutions))
    return [term.value for term in row]


def _breach_groups(out: Path) -> str:
    lines = (out / REPORT_FILE).read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "rule possible-breach" in line)
    return lines[at + 1] if "groups of focus nodes" in lines[at + 1] else ""


@pytest.mark.slow
def test_reasoning_groups_follow_the_context_and_run_whole_on_overlap(
        sample_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    trig = out / "graph.trig"
    shutil.copy2(sample_build / "graph.trig", trig)
    _same_as_full(out)
    assert " 0 of " not in _breach_groups(out) and "groups" in _breach_groups(out)
    doc = _first_document_graph(out)
    state, treaty, kind = _one(trig, "SELECT ?s ?t ?k WHERE { ?a rkg:actingState ?s ; "
                                     "rkg:treaty ?t ; rkg:actionKind ?k } ORDER BY ?a LIMIT 1")
    # a new treaty action is context of every return: every group is run again
    action = f"<{DATA}treaty-action/extra>"
    for predicate, value in (("actingState", f"<{state}>"), ("treaty", f"<{treaty}>"),
                             ("actionKind", f"<{kind}>"),
                             ("date", '"1950-01-01T00:00:00"^^'
                                      "<http://www.w3.org/2001/XMLSchema#dateTime>")):
        _append(out, doc, f"{action} <{RKG}{predicate}> {value}")
    _same_as_full(out)
    evaluated, _of, groups = _breach_groups(out).split()[:3]
    assert evaluated == groups and int(groups) > 1
    # a return that is also a state is both focus and context: the rule runs whole
    (ret,) = _one(trig, "SELECT ?r WHERE { ?r a rkg:ForcedReturn } ORDER BY ?r LIMIT 1")
    _append(out, doc, f"<{ret}> a <{RKG}State>")
    _same_as_full(out)
    assert _breach_groups(out) == ""
