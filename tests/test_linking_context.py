"""What surrounds an event, on fresh documents built with the real pipeline: the contents of
each resolution credited to that resolution only (`rkg query resolutions`), and statements
linked to the event they concern (`rkg:concerns`). Every sentence here is invented."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from graph.builder import build_graph
from graph.facts import EntityRef, Evidence, ForcedReturn, SpeechAct
from graph.linking.concerns import WINDOW, concerned
from graph.query import load_pack, run_query
from graph.store import open_dataset

DOCUMENTS = {
    "two-resolutions.txt": """Title: Assembly adopts two texts on Korea
Date: 2025-12-20
Source: Harbour Policy Review

The UN General Assembly on 18 December 2025 adopted resolution 80/171 on the situation of \
human rights in North Korea. In that resolution, the General Assembly urged North Korea to \
release all political prisoners.

The Assembly also adopted resolution 80/190 on humanitarian workers on 19 December 2025. In \
it, the General Assembly called on all member states to protect aid convoys.
""",
    "border-deportation.txt": """Title: Fourteen sent back across the Tumen
Date: 2025-02-06
Source: Harbour Policy Review

Chinese border police sent 14 North Koreans back across the Tumen River on 2 February \
2025, a church worker said. The group had been held for three weeks in a county jail.

Two days later, the Citizens' Alliance urged Beijing to halt the deportations.

The UN Special Rapporteur on North Korea expressed concern for the safety of those \
repatriated.
""",
    "same-sentence.txt": """Title: Women returned from Yanji
Date: 2025-03-07
Source: Harbour Policy Review

The rights group Mountain Path condemned China's repatriation of 27 North Korean \
women from Yanji on 4 March 2025.

The women had crossed the river in January.
""",
    "before-report.txt": """Title: Rights groups protest Mongolian expulsion
Date: 2025-07-02
Source: Harbour Policy Review

On Tuesday the Citizens' Alliance urged Mongolia to reverse the expulsion. Mongolian \
police had expelled six North Korean workers to China on 28 June 2025, a diplomat in \
Ulaanbaatar said.
""",
    "far-appeal.txt": """Title: Laos returns nine
Date: 2025-05-14
Source: Harbour Policy Review

Lao authorities deported nine North Korean defectors to China on 11 May 2025, according \
to a missionary in Vientiane.

The nine had travelled for two months through Yunnan before they were arrested near the \
Mekong. Their families in the South had paid brokers to guide them across several \
borders, and a charity had arranged a safe house for them in the capital. Officials in \
Seoul said they were looking into the matter with their counterparts, while the \
missionary said that the group had been moved twice in the week before the arrest. Local \
reporters said the safe house was later closed by the police and its owner questioned for \
several hours.

Separately, the foreign ministry welcomed a new trade agreement with Mongolia.

In a statement on Friday, the Citizens' Alliance urged all governments to respect the \
principle of non-refoulement.
""",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("context")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCUMENTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    out = root / "out"
    build_graph(corpus, out)
    return out


def store_of(out: Path) -> Store:
    store = Store()
    store.load(path=str(out / "graph.trig"), format=RdfFormat.TRIG)
    return store


@pytest.mark.parametrize("engine", ["oxigraph", "memory"])
def test_linking_resolution_contents_belong_to_their_resolution_only(built: Path,
                                                                      engine: str) -> None:
    rows = run_query(load_pack()["resolutions"],
                     open_dataset(built, store=engine), {}).records()
    said = {(str(r["resolutionName"]), str(r["stanceName"]), str(r["says"])) for r in rows
            if r["says"]}
    first = next(name for name, _s, _w in said if "80/171" in name)
    second = next(name for name, _s, _w in said if "80/190" in name)
    assert {(name, stance) for name, stance, _w in said} == {(first, "urges"),
                                                           (second, "calls-on")}
    assert any("political prisoners" in words for name, _s, words in said if name == first)
    assert any("aid convoys" in words for name, _s, words in said if name == second)


CONCERNS = """PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?file ?topic ?perpetrator ?event WHERE {
  GRAPH ?c { ?statement a rkg:SpeechAct ; rkg:topic ?topic ; rkg:attestedBy ?claim . }
  GRAPH ?d { ?claim prov:wasDerivedFrom/oa:hasSource/rkg:fileName ?file }
  OPTIONAL { GRAPH ?c { ?statement rkg:concerns ?event .
                        ?event a rkg:ForcedReturn ; rkg:perpetrator ?perpetrator } }
}"""


def concerns(out: Path) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """(file, statement topic) -> (perpetrator, event IRI) of each event it concerns."""
    found: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for row in store_of(out).query(CONCERNS):  # type: ignore[union-attr]
        events = found.setdefault((row["file"].value, row["topic"].value), set())
        if row["event"] is not None:
            events.add((row["perpetrator"].value.rsplit("/", 1)[-1], row["event"].value))
    return found


def about(found: dict[tuple[str, str], set[tuple[str, str]]], file: str, words: str
          ) -> set[tuple[str, str]]:
    hits = [events for (f, topic), events in found.items() if f == file and words in topic]
    assert len(hits) == 1, f"{file}: no single statement with {words!r}: {sorted(found)}"
    return hits[0]


def perpetrators(events: set[tuple[str, str]]) -> set[str]:
    return {who for who, _event in events}


def test_linking_statement_concerns_the_return_of_its_own_sentence(built: Path) -> None:
    found = concerns(built)
    assert perpetrators(about(found, "same-sentence.txt", "27 North Korean women")) == {"china"}


def test_linking_statements_referring_back_concern_the_nearby_return(built: Path) -> None:
    found = concerns(built)
    halt = about(found, "border-deportation.txt", "halt the deportations")
    assert perpetrators(halt) == {"china"}
    assert about(found, "border-deportation.txt", "those repatriated") == halt
    # China's return of another day, in another document, is another event
    assert halt != about(found, "same-sentence.txt", "27 North Korean women")
    # a reference before the report it points to ("... reverse the expulsion. Police had
    # expelled six ...")
    assert perpetrators(about(found, "before-report.txt", "reverse the expulsion")) == {
        "mongolia"}


def test_linking_unrelated_or_distant_statements_concern_nothing(built: Path) -> None:
    found = concerns(built)
    assert about(found, "far-appeal.txt", "trade agreement") == set()  # no reference back
    assert about(found, "far-appeal.txt", "non-refoulement") == set()  # far from the return


# -- graph/linking/concerns.py on hand-made facts (no extraction) ---------------------------
TEXT = ("Police returned 8 people on Monday. Nothing else happened in town. A charity urged "
        "the city to stop the returns. Residents asked for a new bridge.")


def fact_at(words: str, text: str = TEXT, doc: str = "d1") -> Evidence:
    start = text.index(words)
    return Evidence(doc, start, start + len(words), words, "test.v1")


def test_linking_concerns_rule_on_hand_made_facts() -> None:
    police = EntityRef("police-state", "Police State", "State")
    ret = ForcedReturn(fact_at("Police returned 8 people on Monday."), "returned", police,
                       None, None)
    other_doc = ForcedReturn(fact_at("Police returned 8 people on Monday.", doc="d2"),
                             "returned", police, None, None)
    appeal = SpeechAct(fact_at("A charity urged the city to stop the returns."), None,
                       "A charity", "urges", "the city to stop the returns")
    bridge = SpeechAct(fact_at("Residents asked for a new bridge."), None, "Residents",
                       "other", "a new bridge")
    same = SpeechAct(ret.evidence, None, "Police", "reports", "8 people")
    event_of = {id(ret): "e1", id(other_doc): "e2"}
    pairs = concerned([appeal, bridge, same], [ret, other_doc], event_of)
    assert pairs == [(appeal, "e1"), (same, "e1")]
    # beyond the window, a reference back concerns nothing
    far = " " * (WINDOW + 1)
    text = TEXT.replace("happened in town.", "happened in town." + far)
    late = SpeechAct(fact_at("A charity urged the city to stop the returns.", text), None,
                     "A charity", "urges", "the city to stop the returns")
    assert concerned([late], [ret], {id(ret): "e1"}) == []
