"""Curation: researchers' decisions in curation.yaml, applied at build time, in the graph
with their author, reported when they no longer apply; `rkg review` writes them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import RdfFormat, Store

from graph import curation
from graph.builder import build_graph
from graph.cli import cli
from graph.curation import Decision, MentionRef
from graph.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "linking" / "corpus"
RKGD = "https://w3id.org/refoulement-kg/id/"
PREFIXES = """PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
WHO = {"author": "Min-ji Seo", "date": "2026-12-01", "reason": "checked against both reports"}
EVERY_KIND = [
    Decision("same-event", **WHO, mentions=(
        MentionRef("g01c.txt", "China sent the 45 North Koreans back"),
        MentionRef("n01a.txt", "China repatriated 30 North Koreans"))),
    Decision("not-same-event", **WHO, mentions=(
        MentionRef("g08a.txt", "China forcibly returned 60"),
        MentionRef("g08b.txt", "About 60 North Korean defectors"))),
    Decision("reject-fact", **WHO, mentions=(
        MentionRef("n04a.txt", "China sent 25 North Koreans back"),)),
    Decision("merge-entities", **WHO, entities=(RKGD + "org/new-border-daily",
                                                RKGD + "org/new-yalu-dispatch")),
    Decision("entity-type", **WHO, entity=RKGD + "org/new-border-daily",
             type="MediaOrganization"),
    Decision("wikidata", **WHO, entity=RKGD + "place/dandong", wikidata="Q1023123"),
]


def test_curation_every_decision_kind_round_trips_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "curation.yaml"
    for decision in EVERY_KIND:
        curation.append(path, decision)
    loaded = curation.load(path).decisions
    assert loaded == tuple(EVERY_KIND)
    assert [d.id for d in loaded] == [d.id for d in EVERY_KIND]


def test_curation_bad_files_name_the_file_and_decision(tmp_path: Path) -> None:
    path = tmp_path / "curation.yaml"
    path.write_text("decisions:\n  - kind: same-event\n    author: A\n    date: 2026-12-01\n"
                    "    reason: r\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"curation.yaml: decision 1: a same-event decision"):
        curation.load(path)
    path.write_text("decisions:\n  - kind: guess\n    author: A\n    date: 2026-12-01\n"
                    "    reason: r\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown kind 'guess'"):
        curation.load(path)


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    base = tmp_path_factory.mktemp("curated")
    corpus = base / "corpus"
    corpus.mkdir()
    for name in ("g01a", "g01c", "n01a", "g08a", "g08b", "n04a", "g13a"):
        shutil.copy(FIXTURES / f"{name}.txt", corpus / f"{name}.txt")
    for decision in EVERY_KIND:
        curation.append(corpus / "curation.yaml", decision)
    gone = Decision("same-event", **WHO, mentions=(MentionRef("gone.txt", "sent back"),
                                                   MentionRef("n01a.txt", "repatriated")))
    curation.append(corpus / "curation.yaml", gone)
    out = base / "out"
    result = build_graph(corpus, out)
    return corpus, out, result.warnings


def ask(out: Path, query: str) -> list[dict[str, str]]:
    store = Store()
    store.load(path=str(out / "graph.trig"), format=RdfFormat.TRIG)
    solutions = store.query(PREFIXES + query)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [{n: row[n].value for n in names if row[n] is not None}
            for row in solutions]  # type: ignore[union-attr]


def event_files(out: Path) -> list[set[str]]:
    rows = ask(out, """SELECT ?e ?f WHERE { GRAPH ?g { ?e a rkg:ForcedReturn ;
        rkg:attestedBy ?c } GRAPH ?d { ?c prov:wasDerivedFrom ?m . ?m oa:hasSource ?doc .
        ?doc rkg:fileName ?f } }""")
    events: dict[str, set[str]] = {}
    for r in rows:
        events.setdefault(r["e"], set()).add(r["f"])
    return list(events.values())


def test_curation_event_decisions_steer_linking(curated: tuple[Path, Path, list[str]]) -> None:
    _corpus, out, _warnings = curated
    groups = event_files(out)
    assert {"g01c.txt", "n01a.txt"} in groups  # same-event, against their dates
    assert {"g08a.txt"} in groups and {"g08b.txt"} in groups  # not-same-event
    assert not any("n04a.txt" in g for g in groups)  # reject-fact


def test_curation_decisions_and_authors_are_in_the_graph_with_prov(
        curated: tuple[Path, Path, list[str]]) -> None:
    _corpus, out, _warnings = curated
    rows = ask(out, """SELECT ?d ?kind ?author ?reason WHERE { GRAPH ?g {
        ?d a rkg:CurationDecision , prov:Activity ; rkg:decisionKind ?kind ;
           rkg:decisionAuthor ?author ; rkg:decisionReason ?reason ; prov:endedAtTime ?t } }""")
    assert {r["kind"] for r in rows} == {d.kind for d in EVERY_KIND}
    assert {r["author"] for r in rows} == {"Min-ji Seo"}
    link = ask(out, """SELECT ?author WHERE { GRAPH ?g { ?l a rkg:EventLink ;
        rkg:linkStep "curation" ; rkg:decision ?d . ?d rkg:decisionAuthor ?author } }""")
    assert [r["author"] for r in link] == ["Min-ji Seo"]
    rejected = ask(out, """SELECT ?c WHERE { GRAPH ?g { ?c rkg:decision ?d .
        ?d rkg:decisionKind "reject-fact" } }""")
    assert len(rejected) == 1
    entity_rows = ask(out, f"""SELECT ?x WHERE {{ GRAPH ?g {{
        <{RKGD}org/new-yalu-dispatch> owl:sameAs <{RKGD}org/new-border-daily> ;
                                      rkg:decision ?d1 .
        <{RKGD}org/new-border-daily> a rkg:MediaOrganization .
        <{RKGD}place/dandong> rkg:wikidata <http://www.wikidata.org/entity/Q1023123> ;
                              rkg:decision ?x }} }}""")
    assert len(entity_rows) == 1


def test_curation_stale_decisions_are_reported_never_dropped(
        curated: tuple[Path, Path, list[str]]) -> None:
    corpus, out, warnings = curated
    assert any("gone.txt" in w and "no longer applies" in w for w in warnings)
    assert len(curation.load(corpus / "curation.yaml").decisions) == len(EVERY_KIND) + 1
    result = CliRunner().invoke(cli, ["review", "--graph", str(out)])
    assert result.exit_code == 0, result.output
    assert "Decisions that no longer apply (1)" in result.output
    assert "gone.txt" in result.output


def test_curation_review_split_writes_a_decision_that_the_next_build_applies(
        tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("g01a", "n01a"):  # Dandong in June 2021 and in March 2022: scored, apart
        shutil.copy(FIXTURES / f"{name}.txt", corpus / f"{name}.txt")
    out = tmp_path / "out"
    build_graph(corpus, out)
    runner = CliRunner()
    listing = runner.invoke(cli, ["review", "--graph", str(out)])
    assert listing.exit_code == 0, listing.output
    assert "Links near the threshold" in listing.output
    result = runner.invoke(cli, ["review", "--graph", str(out), "split", "g01a.txt",
                                 "China forcibly repatriated 45", "n01a.txt",
                                 "China repatriated 30", "--curation",
                                 str(corpus / "curation.yaml"), "--author", "Ana Ruiz",
                                 "--reason", "different convoys"])
    assert result.exit_code == 0, result.output
    build_graph(corpus, out)
    assert ask(out, """SELECT ?a WHERE { GRAPH ?g { ?d rkg:decisionAuthor ?a ;
        rkg:decisionKind "not-same-event" } }""") == [{"a": "Ana Ruiz"}]
