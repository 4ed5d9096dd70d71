"""Forced returns as events: frames, mood, counts, dates, places and perpetrators.

Every sentence here was written for these tests; each shows one class of wording that the
extractor once got wrong (see docs/extraction.md, "Repatriations").
"""

from __future__ import annotations

import hashlib

import pytest

from graph.extract import extract_document
from graph.extract.returns import NOUN_FRAMES, VERB_FRAMES
from graph.facts import DateValue, DocumentFacts, DocumentInfo, ForcedReturn, Practice
from graph.linking import cluster_returns


def run(text: str, date: str | None = "2016-06-10") -> DocumentFacts:
    precision = {1: "year", 2: "month", 3: "day"}[len(date.split("-"))] if date else None
    info = DocumentInfo(hashlib.sha256(text.encode()).hexdigest(), "t.txt", text,
                        date=DateValue(date, precision))
    return extract_document(info)


def returns(text: str, date: str | None = "2016-06-10") -> list[ForcedReturn]:
    return [f for f in run(text, date).facts if isinstance(f, ForcedReturn)]


def test_extract_returns_frames_load_from_the_lexicon() -> None:
    assert {"repatriate", "send", "hand", "put", "transfer"} <= VERB_FRAMES.keys()
    assert VERB_FRAMES["send"].particles >= {"back"}
    assert "deportation" in NOUN_FRAMES


def test_extract_returns_group_noun_as_the_people_returned() -> None:
    [event] = returns("On May 3 the Lao police returned the family to China.")
    assert event.perpetrator is not None and event.perpetrator.label == "Laos"
    assert event.destination is not None and event.destination.label == "China"
    assert event.date.iso == "2016-05-03"


def test_extract_returns_last_verb_of_a_passive_chain() -> None:
    text = ("A fisherman who had drifted into Russian waters was detained, fined and deported "
            "by the Russian coast guard.")
    [event] = returns(text)
    assert event.perpetrator is not None and event.perpetrator.label.startswith("Russia")
    assert event.count is not None and event.count.value == 1


def test_extract_returns_headline_in_the_present_tense() -> None:
    [event] = returns("Mongolia sends four escapees back to China\n\nThe men were caught in "
                      "the Gobi.")
    assert event.perpetrator is not None and event.perpetrator.label == "Mongolia"


def test_extract_returns_censure_for_a_return_presupposes_it() -> None:
    events = returns("Rights groups criticise Laos for deporting the nine teenagers.")
    assert [e.perpetrator.label for e in events if e.perpetrator] == ["Laos"]


def test_extract_returns_destination_without_particle_needs_a_country() -> None:
    [event] = returns("Thailand has sent 12 North Korean migrants over the border into Laos.")
    assert event.perpetrator is not None and event.perpetrator.label == "Thailand"
    assert event.destination is not None and event.destination.label == "Laos"
    assert event.count is not None and event.count.value == 12
    assert returns("The engineer had been sent to Vietnam to build a dam in 2014.") == []


@pytest.mark.parametrize("text", [
    "Officials said those caught crossing have been sent back several times.",
    "Relatives of people who were seized and sent back to North Korea joined the rally.",
    "The report describes the camp where many women sent back from China end up.",
    "The diplomats warned of the threat of repatriation of six students held in Shenyang.",
    "The consulate passed the request on to the Justice Ministry.",
])
def test_extract_returns_generic_and_non_events(text: str) -> None:
    assert returns(text) == []


def test_extract_returns_relative_clause_under_a_warning_is_still_an_event() -> None:
    [event] = returns("Lawyers warned that the migrants sent back by Laos on June 2 would "
                      "face long prison terms.")
    assert event.date.iso == "2016-06-02"


def test_extract_returns_running_total_since_a_date_is_an_event() -> None:
    [event] = returns("Since February this year, China has sent back about 240 refugees.")
    assert event.count is not None and event.count.value == 240
    assert event.date.iso == "2016"
    [across] = returns("Since November last year, China has sent back about 240 refugees.")
    assert across.date.iso is None
    df = run("China has been deporting escapees since 2009.")
    assert [f for f in df.facts if isinstance(f, Practice)]
    assert not [f for f in df.facts if isinstance(f, ForcedReturn)]


@pytest.mark.parametrize(("text", "value"), [
    ("He and his daughter were forcibly returned to Hyesan by Chinese guards on 2 March.", 2),
    ("Chinese police repatriated his sister in April.", 1),
])
def test_extract_returns_counts_named_single_people(text: str, value: int) -> None:
    [event] = returns(text)
    assert event.count is not None and event.count.value == value


def test_extract_returns_a_reporting_date_gives_only_the_year() -> None:
    [event] = returns("China deported 70 defectors, the group said on Tuesday.")
    assert event.date.iso == "2016" and event.date.precision == "year"


def test_extract_returns_restated_event_gives_its_places_and_date() -> None:
    text = ("China sent more than 80 North Koreans back to their country, an aid group said. "
            "The group said the deportation was carried out on May 20 through Tumen and "
            "Hunchun.")
    events = returns(text)
    clusters = cluster_returns(events)
    assert len(clusters) == 1
    assert {p.label for p in clusters[0].places} >= {"Tumen", "Hunchun"}
    assert clusters[0].date.iso == "2016-05-20"


def test_extract_returns_events_of_one_paragraph_stay_apart() -> None:
    text = ("China began sending escapees back on April 4, when some were returned to the "
            "North, and 120 more were repatriated on May 21.")
    clusters = cluster_returns(returns(text))
    assert sorted(c.date.iso or "" for c in clusters) == ["2016-04-04", "2016-05-21"]
    assert len({c.key for c in clusters}) == 2  # one sentence, two event nodes


def test_extract_returns_according_to_is_no_destination() -> None:
    [event] = returns("Chinese police sent 40 North Koreans back across the border at Dandong, "
                      "according to a Seoul-based monitoring group.")
    assert event.destination is not None and event.destination.key == "north-korea"


def test_extract_returns_since_then_counts_from_the_date_before_it() -> None:
    text = ("Police raids grew in February this year, and since then hundreds of "
            "escapees have been sent back to North Korea by China.")
    [event] = returns(text)
    assert event.date.iso == "2016" and event.date.precision == "year"


def test_extract_returns_a_range_of_days_gives_its_month() -> None:
    [event] = returns("Chinese police repatriated 45 North Koreans between March 3 and 9.")
    assert event.date.iso == "2016-03" and event.date.precision == "month"


def test_extract_returns_places_of_the_next_sentence_about_the_same_people() -> None:
    text = ("Chinese police have sent twelve North Korean women back to North Korea, a "
            "Seoul group said. Officers in Weihai had arrested the women in March as they "
            "waited for a boat.")
    [event] = returns(text)
    assert "Weihai" in {p.label for p in event.places}
    assert event.evidence.quote == text  # the quote holds both sentences
    # a stranger's arrest tells nothing of the event
    other = ("Chinese police have sent twelve North Korean women back to North Korea. "
             "A smuggler was arrested in Weihai in March.")
    [alone] = returns(other)
    assert "Weihai" not in {p.label for p in alone.places}


def test_extract_returns_that_same_day_takes_the_day_before_it() -> None:
    text = ("A court in Khabarovsk convicted him on May 4. On that same day he was handed "
            "over to North Korean agents by Russian police.")
    [event] = returns(text)
    assert event.date.iso == "2016-05-04"


def test_extract_returns_border_phrase_lower_in_the_parse() -> None:
    text = ("The Lao authorities have put 15 North Koreans, caught while trying to reach "
            "Thailand, over the border into China's Yunnan province.")
    [event] = returns(text)
    assert event.perpetrator is not None and event.perpetrator.label == "Laos"
    assert "Yunnan" in " ".join(p.label for p in event.places)
