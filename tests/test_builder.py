"""The builder on real inputs: provenance, determinism, bad input, atomic outputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

from graph.builder import build_graph
from graph.errors import InputError, ProvenanceError
from graph.facts import DateValue, DocumentFacts, DocumentInfo, Evidence, HarmReport
from graph.rdf.assemble import document_quads
from graph.reading import read_corpus
from graph.vocab import OA, RKG
from tests.conftest import CORPUS, ROOT

FACT_CLASSES = (RKG.ForcedReturn, RKG.Detention, RKG.Visit, RKG.SpeechAct,
                RKG.TreatyStatement, RKG.ResolutionAdoption, RKG.UPRReview, RKG.HarmReport,
                RKG.Practice)
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")


def _dataset(out: Path) -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(out / "graph.trig", format="trig")
    return ds


def test_builder_every_fact_has_claim_and_verbatim_quote(sample_build: Path) -> None:
    ds = _dataset(sample_build)
    texts = {doc: str(text) for doc, text in ds.subject_objects(RKG.text)}
    facts = set()
    for cls in FACT_CLASSES:
        facts |= set(ds.subjects(RDF.type, cls))
    for sub in (RKG.PublicStatement, RKG.JointStatement, RKG.Letter, RKG.Briefing,
                RKG.UPRRecommendation, RKG.ResolutionText, RKG.NewsReport):
        facts |= set(ds.subjects(RDF.type, sub))
    extracted = {f for f in facts if "/id/" in str(f)}
    assert len(extracted) > 50
    checked = 0
    for fact in extracted:
        claims = list(ds.objects(fact, RKG.attestedBy))
        assert claims, f"{fact} has no claim"
        for claim in claims:
            mentions = list(ds.objects(claim, PROV_DERIVED))
            assert len(mentions) == 1, f"{claim} is not derived from exactly one mention"
            mention = mentions[0]
            doc = ds.value(mention, OA.hasSource)
            selectors = list(ds.objects(mention, OA.hasSelector))
            quote = next(ds.value(s, OA.exact) for s in selectors
                         if (s, RDF.type, OA.TextQuoteSelector) in ds)
            position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in ds)
            start, end = int(ds.value(position, OA.start)), int(ds.value(position, OA.end))
            assert texts[doc][start:end] == str(quote)
            checked += 1
    assert checked >= len(extracted)


def test_builder_entity_mentions_are_verbatim(sample_build: Path) -> None:
    ds = _dataset(sample_build)
    texts = {doc: str(text) for doc, text in ds.subject_objects(RKG.text)}
    mentions = list(ds.subjects(RKG.refersTo, None))
    assert len(mentions) > 100
    for mention in mentions:
        doc = ds.value(mention, OA.hasSource)
        surface = str(ds.value(mention, RKG.surfaceForm))
        position = next(s for s in ds.objects(mention, OA.hasSelector)
                        if (s, RDF.type, OA.TextPositionSelector) in ds)
        start, end = int(ds.value(position, OA.start)), int(ds.value(position, OA.end))
        assert texts[doc][start:end] == surface


def test_builder_same_corpus_gives_identical_turtle_across_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, str(ROOT / "build.py"), str(CORPUS), "--out", str(out),
                        "--quiet"], check=True, env=env, cwd=ROOT, timeout=600)
        outputs.append(((out / "graph.ttl").read_bytes(), (out / "graph.trig").read_bytes()))
    assert outputs[0][0] == outputs[1][0]
    assert outputs[0][1] == outputs[1][1]


def test_builder_reuses_cached_facts_with_identical_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build_graph(CORPUS, out)
    ttl = (out / "graph.ttl").read_bytes()
    second = build_graph(CORPUS, out)
    assert first.reused == 0 and second.reused == len(second.documents) == 5
    assert (out / "graph.ttl").read_bytes() == ttl


def _write_bad_corpus(folder: Path) -> None:
    folder.mkdir()
    (folder / "good.txt").write_text(
        "SEOUL (March 3, 2012) - Chinese authorities repatriated 31 North Korean defectors "
        "on Tuesday, a human rights group said.\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00")
    (folder / "latin1.txt").write_bytes("Caf\xe9 owners in Dandong said \xab hello \xbb."
                                        .encode("latin-1"))
    (folder / "empty.md").write_text("", encoding="utf-8")
    with (folder / "huge.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (folder / "hostile.html").write_text(
        "<html><head><title>Report <script>alert(1)</script></title></head><body>"
        "<script>alert('x')</script><article><p>The North Korean government was urged "
        "<img src=x onerror=alert(1)> to stop executions.</p></article></body></html>",
        encoding="utf-8")
    (folder / "nofacts.txt").write_text("The weather was mild and the markets were calm.\n",
                                        encoding="utf-8")
    (folder / "sources.yaml").write_text(
        "documents:\n  - file: good.txt\n    date: 2012-03-03\n  - publisher: nobody\n"
        "  - file: nofacts.txt\n    date: not-a-date\n", encoding="utf-8")


def test_builder_bad_input_names_each_file_and_builds_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write_bad_corpus(corpus)
    result = build_graph(corpus, tmp_path / "out")
    problems = "\n".join(result.problems)
    for name in ("binary.txt", "empty.md", "huge.txt", "latin1.txt", "sources.yaml"):
        assert name in problems
    built = {d.file_name for d in result.documents}
    assert {"good.txt", "hostile.html", "nofacts.txt"} <= built
    assert "binary.txt" not in built and "huge.txt" not in built
    good = next(d for d in result.documents if d.file_name == "good.txt")
    assert good.returns and dict(good.fact_counts)["ForcedReturn"] == len(good.returns)
    hostile = next(d for d in read_corpus(corpus).documents if d.file_name == "hostile.html")
    assert "alert('x')" not in hostile.text
    assert "alert('x')" not in (tmp_path / "out" / "graph.trig").read_text(encoding="utf-8")
    with pytest.raises(InputError, match=r"binary\.txt"):
        build_graph(corpus, tmp_path / "strict", strict=True)


def test_builder_failed_build_keeps_last_good_outputs(tmp_path: Path, monkeypatch) -> None:
    corpus = tmp_path / "corpus"
    _write_bad_corpus(corpus)
    out = tmp_path / "out"
    build_graph(corpus, out)
    before = (out / "graph.ttl").read_bytes()

    def broken(*args: object, **kwargs: object) -> list[object]:
        raise ProvenanceError("simulated failure")

    monkeypatch.setattr("graph.builder.linked_quads", broken)
    (corpus / "more.txt").write_text("Vietnam deported nine refugees.\n", encoding="utf-8")
    with pytest.raises(ProvenanceError):
        build_graph(corpus, out)
    assert (out / "graph.ttl").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_builder_rejects_a_quote_that_is_not_verbatim() -> None:
    text = "China repatriated 600 defectors."
    info = DocumentInfo("ab" * 32, "x.txt", text, date=DateValue(None, None))
    wrong = Evidence(info.doc_id, 0, 5, "Japan", "rkg.harms.v1")
    facts = DocumentFacts(info, (), (HarmReport(wrong, "torture", "torture"),))
    with pytest.raises(ProvenanceError, match="not verbatim"):
        document_quads(facts)


def test_builder_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not a folder"):
        build_graph(tmp_path / "nowhere", tmp_path / "out")


def test_builder_each_subject_lives_in_one_named_graph(sample_build: Path) -> None:
    """A node's triples all sit in one graph: over the union of the graphs (how queries see
    the build) each triple then matches once. Count nodes shared by content once sat in
    every graph that used the same words, and queries multiplied rows by that number."""
    import pyoxigraph as ox

    graphs: dict[str, set[str]] = {}
    for quad in ox.parse(path=sample_build / "graph.trig", format=ox.RdfFormat.TRIG):
        graphs.setdefault(str(quad.subject), set()).add(str(quad.graph_name))
    shared = {s: g for s, g in graphs.items() if len(g) > 1}
    assert not shared, sorted(shared.items())[:3]
    assert any("/count/" in s for s in graphs)
