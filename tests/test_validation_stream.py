"""The native validator one unit at a time (graph/shaclstream.py) and its per-unit caches
(graph/shaclcache.py): on a damaged build written as the build writes graph.trig (one block
per graph, so the per-unit pass runs), its report is pySHACL's and the whole-build pass's,
also with the canonical graph cut into many pieces; a rebuild with one unit changed validates
that unit alone (and a unit whose value changed class), with the same report as a full run."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from build_support import copy_build
from test_validation_native import DAMAGE

from graph import shacllayout, shaclstream
from graph.rdfio import TURTLE_PREFIXES
from graph.reasoning import reason
from graph.validation import JSON_FILE, TEXT_FILE, ValidationReport, validate

TEST = "https://w3id.org/refoulement-kg/id/test/"
# The damage, without its two subjects asserted in two graphs (the per-unit pass refuses
# those), and with a canonical node whose sh:class values are in a document graph.
CANONICAL_EXTRA = f"""
<https://w3id.org/refoulement-kg/id/graph/canonical> {{
  <{TEST}ret9> a <https://w3id.org/refoulement-kg/ontology#ForcedReturn> ;
    <https://w3id.org/refoulement-kg/ontology#attestedBy> <{TEST}claim2> , <{TEST}m1> ;
    <https://w3id.org/refoulement-kg/ontology#count> <{TEST}pc1> .
}}
"""
UNIT_DAMAGE = DAMAGE.replace("  dt:ret1 dk:attestedBy dt:claim2 .\n", "").replace(
    "  dt:claim1 dk:epistemicStatus es:alleged .\n", "") + CANONICAL_EXTRA


def write_as_the_build(out: Path, extra: str) -> None:
    """graph.trig with `extra` added, rewritten as the build writes it (pyoxigraph's TriG, a
    block per graph, each subject's triples together); inferred.trig kept newer."""
    path = out / "graph.trig"
    quads = list(ox.parse(path=path, format=ox.RdfFormat.TRIG))
    quads += list(ox.parse(extra, format=ox.RdfFormat.TRIG))
    quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate),
                              str(q.object)))
    path.write_bytes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=TURTLE_PREFIXES)
                     or b"")
    inferred = out / "inferred.trig"
    os.utime(inferred, ns=(path.stat().st_mtime_ns + 1, path.stat().st_mtime_ns + 1))


@pytest.fixture(scope="module")
def damaged(sample_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = copy_build(sample_build, tmp_path_factory.mktemp("stream-damaged"))
    reason(out, owl=True)
    write_as_the_build(out, UNIT_DAMAGE)
    return out


def _native(out: Path, cached: bool = False) -> ValidationReport:
    report = validate(out, write=False, cached=cached, engine="native")
    assert report.engine == "native"
    return report


def _change(out: Path, old: str, new: str) -> None:
    path = out / "graph.trig"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1 or old == new
    path.write_text(text.replace(old, new), encoding="utf-8")
    inferred = out / "inferred.trig"
    os.utime(inferred, ns=(path.stat().st_mtime_ns + 1, path.stat().st_mtime_ns + 1))


@pytest.mark.slow
def test_unit_by_unit_equals_pyshacl_and_the_whole_pass(damaged: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    native = _native(damaged)
    assert native.graphs > 10  # the per-unit pass ran (the whole pass reports 0 units)
    reference = validate(damaged, write=False, cached=False, engine="pyshacl").as_dict()
    assert native.as_dict() == reference
    results = reference["results"]
    # a canonical node's sh:class values in a document graph: one is a Mention
    assert [r["value"] for r in results if r["focus"] == TEST + "ret9"
            and r["component"] == "ClassConstraintComponent"] == [TEST + "m1"]
    assert len({r["component"] for r in results}) >= 12

    def no_units(*_args: object, **_kwargs: object) -> None:
        raise shaclstream.Fallback("the whole pass, for comparison")

    monkeypatch.setattr(shaclstream, "validate_units", no_units)
    whole = _native(damaged)
    assert whole.graphs == 0 and whole.as_dict() == reference


@pytest.mark.slow
def test_many_pieces_give_the_same_report(damaged: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The canonical and inferred graphs cut into pieces of a few subjects each."""
    whole = _native(damaged)
    monkeypatch.setattr(shacllayout, "CUT_ABOVE", 2000)
    monkeypatch.setattr(shacllayout, "PIECE_MARK", 3)
    pieces = _native(damaged)
    assert pieces.graphs > whole.graphs + 20
    assert pieces.as_dict() == whole.as_dict()


@pytest.mark.slow
def test_one_changed_unit_is_the_only_one_validated(damaged: Path, tmp_path: Path) -> None:
    out = copy_build(damaged, tmp_path / "cached")
    first = validate(out, engine="native")
    assert first.graphs_validated == first.graphs > 10
    # one literal of the damage's document graph: that unit alone
    _change(out, '"Ostravia"', '"Ostravia Minor"')
    second = validate(out, engine="native")
    assert second.graphs == first.graphs and second.graphs_validated == 1
    assert second.as_dict() == _native(out).as_dict()
    # a count's class: its document graph, and the canonical unit that points to it
    _change(out, "\trkgd:test\\/pc1 a rkg:PersonCount", "\trkgd:test\\/pc1 a rkg:Place")
    third = validate(out, engine="native")
    assert third.graphs_validated == 2
    full = validate(copy_build(out, tmp_path / "full"), engine="native")
    assert full.graphs_validated == full.graphs
    reference = validate(out, write=False, cached=False, engine="pyshacl").as_dict()
    assert third.as_dict() == full.as_dict() == reference
    assert any(r["focus"] == TEST + "ret9" and r["value"] == TEST + "pc1"
               for r in reference["results"])
    for name in (TEXT_FILE, JSON_FILE):
        assert (out / name).read_bytes() == (tmp_path / "full" / name).read_bytes()


@pytest.mark.slow
def test_a_literal_rdflib_tells_apart_sends_a_unit_to_pyshacl(damaged: Path,
                                                              tmp_path: Path) -> None:
    """A capitalised language tag in a block laid out as the build writes it: the unit is
    tested as it is read, and pySHACL gives the report."""
    out = copy_build(damaged, tmp_path / "literal")
    assert _native(out, cached=True).graphs > 10
    claim = f"{TEST}claim9"
    with (out / "graph.trig").open("a", encoding="utf-8") as handle:
        handle.write("<https://w3id.org/refoulement-kg/id/graph/doc/test-literal> {\n"
                     f"\t<{claim}> a <https://w3id.org/refoulement-kg/ontology#Claim> ;\n"
                     "\t\t<https://w3id.org/refoulement-kg/ontology#extractor> "
                     '"rkg.test.v1"@en-GB .\n}\n')
    _change(out, "\n}\n", "\n}\n")  # inferred.trig newer again
    # (not cached: pySHACL's per-unit path reads literals with pyoxigraph, which lowercases
    # the tag)
    report = validate(out, write=False, cached=False, engine="native")
    assert report.engine == "pyshacl"
    assert any(r.focus == claim and r.value == '"rkg.test.v1"@en-GB' for r in report.results)


@pytest.mark.slow
def test_a_subject_in_two_graphs_takes_the_whole_pass(sample_build: Path,
                                                      tmp_path: Path) -> None:
    """The damage as written (two subjects also in the canonical graph): no units, the one
    pass, pySHACL's report."""
    out = copy_build(sample_build, tmp_path / "shared")
    reason(out, owl=True)
    write_as_the_build(out, DAMAGE)
    native = _native(out)
    assert native.graphs == 0
    reference = validate(out, write=False, cached=False, engine="pyshacl").as_dict()
    assert native.as_dict() == reference
