"""Extraction on sentences written for these tests (not from the sample corpus)."""

from __future__ import annotations

import hashlib

import pytest

from graph.extract import extract_document
from graph.facts import (
    DateValue,
    DocumentFacts,
    DocumentInfo,
    ForcedReturn,
    PostHolding,
    Practice,
    SpeechAct,
    TreatyStatement,
)


def run(text: str, date: str | None = "2013-05-31", publisher: str | None = None
        ) -> DocumentFacts:
    precision = {1: "year", 2: "month", 3: "day"}[len(date.split("-"))] if date else None
    info = DocumentInfo(hashlib.sha256(text.encode()).hexdigest(), "test.txt", text,
                        publisher=publisher, date=DateValue(date, precision))
    return extract_document(info)


def returns(df: DocumentFacts) -> list[ForcedReturn]:
    return [f for f in df.facts if isinstance(f, ForcedReturn)]


def statements(df: DocumentFacts) -> list[SpeechAct]:
    return [f for f in df.facts if isinstance(f, SpeechAct)]


def test_extract_return_by_another_state_with_words_count_and_weekday() -> None:
    [event] = returns(run("Laos deported nine North Korean defectors to China on Monday."))
    assert event.perpetrator is not None and event.perpetrator.label == "Laos"
    assert event.destination is not None and event.destination.label == "China"
    assert event.count is not None and event.count.value == 9
    assert event.date.iso == "2013-05-27" and event.date.precision == "day"


def test_extract_passive_return_with_agent_and_place() -> None:
    text = ("Twelve women were handed over to North Korean authorities at Dandong by "
            "Chinese border police in March 2019.")
    [event] = returns(run(text))
    assert event.perpetrator is not None and event.perpetrator.label == "China"
    assert event.destination is not None and event.destination.key == "north-korea"
    assert event.count is not None and event.count.value == 12
    assert event.date.iso == "2019-03"
    assert "Dandong" in {p.label for p in event.places}


@pytest.mark.parametrize("text", [
    "China should not repatriate the thirty-one North Koreans.",
    "If they are caught in China, they are sent back and punished.",
    "Activists fear the group will be repatriated within days.",
    "The UN urged Beijing to halt the forced repatriation of North Korean refugees.",
    "Those who are sent back are interrogated by the security police.",
])
def test_extract_no_event_in_appeals_conditions_and_generic_statements(text: str) -> None:
    assert returns(run(text)) == []


def test_extract_ongoing_practice_is_not_an_event() -> None:
    df = run("China has been repatriating North Korean defectors since 1998.")
    assert returns(df) == []
    [practice] = [f for f in df.facts if isinstance(f, Practice)]
    assert practice.actor is not None and practice.actor.label == "China"
    assert practice.since.iso == "1998"


def test_extract_appeal_with_speaker_and_addressee() -> None:
    [act] = statements(run("Amnesty International urged Thailand to stop deporting refugees."))
    assert act.speaker is not None and act.speaker.label == "Amnesty International"
    assert act.stance == "urges"
    assert act.addressee is not None and act.addressee.label == "Thailand"


def test_extract_quoted_appeal_by_an_unknown_person_with_post() -> None:
    text = ("“Beijing should free them at once,” said Jane Holloway, Asia director at "
            "Human Rights Watch.")
    df = run(text)
    acts = statements(df)
    assert any(a.stance == "urges" and a.addressee is not None
               and a.addressee.label == "China" and a.speaker is not None
               and a.speaker.label == "Jane Holloway" for a in acts), acts
    [post] = [f for f in df.facts if isinstance(f, PostHolding)]
    assert post.person.label == "Jane Holloway" and not post.person.registered
    assert post.organization is not None and post.organization.label == "Human Rights Watch"


def test_extract_party_statement_by_apposition() -> None:
    df = run("Thailand, a party to the Convention against Torture, deported the men.")
    parties = [f for f in df.facts if isinstance(f, TreatyStatement) and f.state is not None]
    assert [(p.state.label, p.kind) for p in parties if p.state] == [("Thailand", "party")]
    assert parties[0].treaty.key


def test_extract_unknown_organisation_is_minted_unreviewed() -> None:
    df = run("The Frontier Watch Korea Network said the detainees were moved to Tumen.")
    names = {m.entity.label: m.entity for m in df.mentions}
    org = names.get("Frontier Watch Korea Network")
    assert org is not None and not org.registered and org.type in {"NGO", "Coalition"}


def test_extract_every_evidence_is_a_verbatim_sentence() -> None:
    text = ("SEOUL (March 3, 2012) - Chinese authorities repatriated 31 North Korean "
            "defectors on Tuesday, an activist group said. The group urged Seoul to act.")
    df = run(text, "2012-03-03")
    assert df.facts
    for fact in df.facts:
        ev = fact.evidence
        assert text[ev.start:ev.end] == ev.quote


@pytest.mark.parametrize(("text", "perpetrator"), [
    ("He was repatriated by Chinese police in 2019 and later escaped again.", "China"),
    ("Thousands have been forcibly repatriated by Beijing since the famine ended in 1999, "
     "and 40 more were sent back by China last week.", "China"),
    ("Russian authorities deported two North Korean loggers in 2017.", "Russia"),
])
def test_extract_events_with_pronoun_or_number_themes(text: str, perpetrator: str) -> None:
    events = returns(run(text))
    assert events, text
    assert all(e.perpetrator is not None and e.perpetrator.label.startswith(perpetrator)
               for e in events)


def test_extract_negated_party_statement_keeps_the_conjoined_ratification() -> None:
    df = run("Laos is not a party to the 1951 Refugee Convention, but it ratified the "
             "Convention against Torture in 2012.")
    parties = {(f.treaty.key, f.state.label if f.state else None, f.year)
               for f in df.facts if isinstance(f, TreatyStatement)}
    assert ("cat", "Laos", 2012) in parties
    assert not any(key.startswith("refugee-convention") and state for key, state, _ in parties)
