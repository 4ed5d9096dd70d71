"""Stable event identities: editing an unrelated sentence of a source, or adding a report of
an existing event, leaves every event IRI resolvable to the same event; when two events merge,
the IRI that goes away points to the one that stays (dcterms:isReplacedBy)."""

from __future__ import annotations

import shutil
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from graph import curation
from graph.builder import build_graph
from graph.curation import Decision, MentionRef

FIXTURES = Path(__file__).parent / "fixtures" / "linking" / "corpus"
EVENTS = """PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?e ?f WHERE { GRAPH ?g { ?e a rkg:ForcedReturn ; rkg:attestedBy ?c }
  GRAPH ?d { ?c prov:wasDerivedFrom ?m . ?m oa:hasSource ?doc . ?doc rkg:fileName ?f } }"""
REPLACED = """PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?old ?new WHERE { GRAPH ?g { ?old dcterms:isReplacedBy ?new } }"""


def load(out: Path) -> Store:
    store = Store()
    store.load(path=str(out / "graph.trig"), format=RdfFormat.TRIG)
    return store


def events(out: Path) -> dict[str, frozenset[str]]:
    """Event IRI -> the files reporting it."""
    found: dict[str, set[str]] = {}
    for row in load(out).query(EVENTS):  # type: ignore[union-attr]
        found.setdefault(row["e"].value, set()).add(row["f"].value)
    return {e: frozenset(files) for e, files in found.items()}


def resolve(out: Path, iri: str) -> str:
    replaced = {r["old"].value: r["new"].value
                for r in load(out).query(REPLACED)}  # type: ignore[union-attr]
    while iri in replaced:
        iri = replaced[iri]
    return iri


def corpus_of(tmp: Path, names: list[str]) -> Path:
    corpus = tmp / "corpus"
    corpus.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(FIXTURES / f"{name}.txt", corpus / f"{name}.txt")
    return corpus


def test_linking_identity_survives_an_unrelated_edit_and_a_new_report(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, ["g05a", "g05b", "g08a", "g13a"])
    out = tmp_path / "out"
    build_graph(corpus, out)
    before = events(out)
    assert len(before) == 3
    # an unrelated sentence of a source changes (its hash, offsets and claims change)
    path = corpus / "g05b.txt"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "a monitoring group said.", "a monitoring group said.\nThe group has offices in Seoul."),
        encoding="utf-8")
    build_graph(corpus, out)
    after_edit = events(out)
    assert set(after_edit) == set(before)
    # a new document reports an existing event (and gives a count the others do not)
    shutil.copy(FIXTURES / "g05c.txt", corpus / "g05c.txt")
    shutil.copy(FIXTURES / "g08b.txt", corpus / "g08b.txt")
    build_graph(corpus, out)
    after_new = events(out)
    assert set(after_new) == set(before)
    for iri, files in before.items():
        assert files <= after_new[resolve(out, iri)]
    assert any("g05c.txt" in files for files in after_new.values())


def test_linking_identity_of_merged_events_stays_resolvable(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, ["g01a", "n01a"])
    out = tmp_path / "out"
    build_graph(corpus, out)
    before = events(out)
    assert len(before) == 2
    curation.append(corpus / "curation.yaml", Decision(
        "same-event", "Min-ji Seo", "2026-12-01", "one convoy, misdated by one source",
        mentions=(MentionRef("g01a.txt", "China forcibly repatriated 45"),
                  MentionRef("n01a.txt", "China repatriated 30"))))
    build_graph(corpus, out)
    after = events(out)
    assert len(after) == 1
    (survivor,) = after
    assert survivor in before
    assert {resolve(out, iri) for iri in before} == {survivor}
    # and without the decision they split again, each back under its own IRI
    (corpus / "curation.yaml").unlink()
    build_graph(corpus, out)
    assert set(events(out)) == set(before)


def test_linking_identity_fresh_builds_mint_the_same_iris(tmp_path: Path) -> None:
    """No history: keys come from perpetrator, destination and date, not document hashes."""
    corpus = corpus_of(tmp_path, ["g05a", "g08a"])
    build_graph(corpus, tmp_path / "one")
    path = corpus / "g08a.txt"
    path.write_text(path.read_text(encoding="utf-8") + "Traffic resumed a day later.\n",
                    encoding="utf-8")
    build_graph(corpus, tmp_path / "two")
    assert set(events(tmp_path / "one")) == set(events(tmp_path / "two"))
