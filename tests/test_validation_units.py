"""SHACL validation by pySHACL per named graph, cached: the report equals the whole-graph
report (on the sample build and on a build damaged so that violations cross graphs; the
development set is in test_reasoning_incremental.py); a rebuild validates only the graphs
whose content or context changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from build_support import copy_build

from graph.reasoning import reason
from graph.validation import JSON_FILE, TEXT_FILE, validate

RKG = "https://w3id.org/refoulement-kg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CANONICAL = ox.NamedNode("https://w3id.org/refoulement-kg/id/graph/canonical")
CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(autouse=True)
def _pyshacl_units(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about pySHACL's per-unit path (the native validator's own tests are in
    test_validation_native.py)."""
    monkeypatch.setenv("RKG_SHACL_ENGINE", "pyshacl")


def _same_as_whole(out: Path) -> dict[str, Any]:
    whole = validate(out, write=False, cached=False)
    fresh = validate(out)
    assert fresh.graphs > 5 and fresh.graphs_validated == fresh.graphs
    again = validate(out)
    assert again.graphs_validated == 0
    assert whole.as_dict() == fresh.as_dict() == again.as_dict()
    return whole.as_dict()


@pytest.fixture(scope="module")
def reasoned_sample(sample_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = copy_build(sample_build, tmp_path_factory.mktemp("units-sample"))
    reason(out, owl=True)
    return out


@pytest.mark.slow
def test_validation_units_equal_whole_graph_on_the_sample(reasoned_sample: Path) -> None:
    report = _same_as_whole(reasoned_sample)
    assert report["triples"] > 10000


def _damage(out: Path) -> None:
    """Violations whose evidence sits in another graph than their focus node: claims and a
    state lose their type (the canonical graph's sh:class checks fail), a mention loses its
    selector, a count gets min > max, a forced return loses its perpetrator."""
    store = ox.Store()
    store.bulk_load(path=out / "graph.trig", format=ox.RdfFormat.TRIG)
    claims = [q for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(RKG + "Claim"))]
    for quad in claims[:3]:
        store.remove(quad)
    china = ox.NamedNode("https://w3id.org/refoulement-kg/id/state/china")
    for quad in list(store.quads_for_pattern(china, RDF_TYPE, None)):
        store.remove(quad)
    mention = next(iter(store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(RKG + "Mention"))))
    for quad in list(store.quads_for_pattern(
            mention.subject, ox.NamedNode("http://www.w3.org/ns/oa#hasSelector"), None)):
        store.remove(quad)
        break
    count = ox.NamedNode("https://w3id.org/refoulement-kg/id/count/damaged")
    for p, o in ((RDF_TYPE, ox.NamedNode(RKG + "PersonCount")),
                 (ox.NamedNode(RKG + "minValue"), ox.Literal("9", datatype=ox.NamedNode(
                     "http://www.w3.org/2001/XMLSchema#integer"))),
                 (ox.NamedNode(RKG + "maxValue"), ox.Literal("3", datatype=ox.NamedNode(
                     "http://www.w3.org/2001/XMLSchema#integer")))):
        store.add(ox.Quad(count, p, o, CANONICAL))
    returns = store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(RKG + "ForcedReturn"),
                                      CANONICAL)
    subject = next(iter(returns)).subject
    for quad in list(store.quads_for_pattern(subject, ox.NamedNode(RKG + "perpetrator"), None)):
        store.remove(quad)
    store.dump(output=out / "graph.trig", format=ox.RdfFormat.TRIG)


def test_validation_units_equal_whole_graph_when_violations_cross_graphs(
        reasoned_sample: Path, tmp_path: Path) -> None:
    out = copy_build(reasoned_sample, tmp_path)
    _damage(out)
    (out / "inferred.trig").touch()  # still up to date for the (rewritten) graph.trig
    report = _same_as_whole(out)
    assert report["counts"]["Violation"] >= 5
    focus = {r["focus"] for r in report["results"]}
    assert "https://w3id.org/refoulement-kg/id/count/damaged" in focus


def test_validation_units_revalidate_only_what_changed(reasoned_sample: Path,
                                                       tmp_path: Path) -> None:
    out = copy_build(reasoned_sample, tmp_path)
    first = validate(out)
    text, data = (out / TEXT_FILE).read_bytes(), (out / JSON_FILE).read_bytes()
    extra = "https://w3id.org/refoulement-kg/id/count/extra"
    with open(out / "graph.trig", "a", encoding="utf-8") as trig:  # one more canonical triple
        trig.write(f"{CANONICAL} {{ <{extra}> {RDF_TYPE} <{RKG}PersonCount> . }}\n")
    (out / "inferred.trig").touch()
    second = validate(out)
    # one unit (the canonical graph's part holding the new node, maybe a new part)
    assert second.graphs in (first.graphs, first.graphs + 1) and second.graphs_validated == 1
    assert second.as_dict() == validate(out, write=False, cached=False).as_dict()
    assert any(r.focus == extra for r in second.results)
    validate(copy_build(reasoned_sample, out))  # back to the first content: all cached
    assert (out / TEXT_FILE).read_bytes() == text and (out / JSON_FILE).read_bytes() == data


@pytest.mark.slow
def test_validation_and_inference_caches_outlive_generations(tmp_path: Path) -> None:
    """Each build writes a fresh generation (graph/generations.py); the stages after the graph
    keep their caches in the shared out/.cache, so the next build reuses them."""
    import graph
    from graph.generations import CURRENT

    out = tmp_path / "out"
    first = graph.build(CORPUS_DIR, out, site=False)
    assert (out / ".cache" / "validation").is_dir() and (out / ".cache" / "reasoning").is_dir()
    assert not (out / CURRENT / ".cache").exists()
    assert not any("build unchanged" in line for line in first.stage_lines)
    second = graph.build(CORPUS_DIR, out, site=False)
    assert any("build unchanged, not run" in line for line in second.stage_lines)
    units = [line for line in second.stage_lines if "units (document graphs" in line]
    assert units and units[0].lstrip().startswith("0 of ")
    assert (out / "validation.json").read_bytes() == (out / CURRENT / "validation.json"
                                                      ).read_bytes()
