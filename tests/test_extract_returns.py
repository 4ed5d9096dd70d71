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
    [event] = returns("Last week Thailand sent a dozen North Korean migrants into Laos.")
    assert event.perpetrator is not None and event.perpetrator.label == "Thailand"
    assert event.destination is not None and event.destination.label == "Laos"
    assert event.count is not None and event.count.value == 12
    assert returns("The engineer had been sent to Vietnam to build a dam in 2014.") == []


@pytest.mark.parametrize("text", [
    "Officials said those caught crossing have been sent back several times.",
    "Relatives of migrants who were caught and deported to Myanmar joined the rally.",
    "Witnesses described the labour camp where many men sent back from Laos end up.",
    "The diplomats warned of the danger of deportation of six students held in Shenyang.",
    "The consulate passed the request on to the Justice Ministry.",
])
def test_extract_returns_generic_and_non_events(text: str) -> None:
    assert returns(text) == []


def test_extract_returns_relative_clause_under_a_warning_is_still_an_event() -> None:
    [event] = returns("Lawyers warned that the migrants sent back by Laos on June 2 would "
                      "face long prison terms.")
    assert event.date.iso == "2016-06-02"


def test_extract_returns_running_total_since_a_date_is_an_event() -> None:
    [event] = returns("Since February this year, Chinese police have deported about 240 "
                      "escapees.")
    assert event.count is not None and event.count.value == 240
    assert event.date.iso == "2016"
    [across] = returns("Since November last year, Chinese police have deported about 240 "
                       "escapees.")
    assert across.date.iso is None
    df = run("China has been deporting escapees since 2009.")
    assert [f for f in df.facts if isinstance(f, Practice)]
    assert not [f for f in df.facts if isinstance(f, ForcedReturn)]


@pytest.mark.parametrize(("text", "value"), [
    ("Chinese guards sent him and his daughter back to Hyesan on 2 March.", 2),
    ("His sister was deported by Chinese police in April.", 1),
])
def test_extract_returns_counts_named_single_people(text: str, value: int) -> None:
    [event] = returns(text)
    assert event.count is not None and event.count.value == value


def test_extract_returns_a_reporting_date_gives_only_the_year() -> None:
    [event] = returns("China deported 70 defectors, the group said on Tuesday.")
    assert event.date.iso == "2016" and event.date.precision == "year"


def test_extract_returns_restated_event_gives_its_places_and_date() -> None:
    text = ("Chinese guards returned 80 escapees to North Korea, an aid group said. It said "
            "the deportation was carried out on May 20 via Namyang and Musan.")
    events = returns(text)
    clusters = cluster_returns(events)
    assert len(clusters) == 1
    assert {p.label for p in clusters[0].places} >= {"Namyang", "Musan"}
    assert clusters[0].date.iso == "2016-05-20"


def test_extract_returns_events_of_one_paragraph_stay_apart() -> None:
    text = ("Police started deporting migrants on April 4, when a first group was sent back "
            "to the North, and 120 more were repatriated by China on May 21.")
    clusters = cluster_returns(returns(text))
    assert sorted(c.date.iso or "" for c in clusters) == ["2016-04-04", "2016-05-21"]
    assert len({c.key for c in clusters}) == 2  # one sentence, two event nodes


def test_extract_returns_according_to_is_no_destination() -> None:
    [event] = returns("Chinese police sent 40 North Koreans back across the border at Dandong, "
                      "according to a monitoring group in Seoul.")
    assert event.destination is not None and event.destination.key == "north-korea"


def test_extract_returns_since_then_counts_from_the_date_before_it() -> None:
    text = ("Border patrols were doubled in February this year; since then China has "
            "returned hundreds of escapees.")
    [event] = returns(text)
    assert event.date.iso == "2016" and event.date.precision == "year"


def test_extract_returns_a_range_of_days_gives_its_month() -> None:
    [event] = returns("Chinese police repatriated 45 North Koreans between March 3 and 9.")
    assert event.date.iso == "2016-03" and event.date.precision == "month"


def test_extract_returns_places_of_the_next_sentence_about_the_same_people() -> None:
    text = ("Twelve women from North Korea were deported by China last month, a charity "
            "said. They had been detained in Weihai while waiting for a boat.")
    [event] = returns(text)
    assert "Weihai" in {p.label for p in event.places}
    assert event.evidence.quote == text  # the quote holds both sentences
    # a stranger's arrest tells nothing of the event
    other = ("Twelve women from North Korea were deported by China last month. "
             "A smuggler was arrested in Weihai in March.")
    [alone] = returns(other)
    assert "Weihai" not in {p.label for p in alone.places}


def test_extract_returns_that_same_day_takes_the_day_before_it() -> None:
    text = ("A judge in Khabarovsk sentenced him on May 4. Russian police handed him over to "
            "North Korean agents that same day.")
    [event] = returns(text)
    assert event.date.iso == "2016-05-04"


def test_extract_returns_border_phrase_lower_in_the_parse() -> None:
    text = ("Lao soldiers put 15 North Koreans, who had been caught near a river, over the "
            "border into China's Yunnan province.")
    [event] = returns(text)
    assert event.perpetrator is not None and event.perpetrator.label == "Laos"
    assert event.destination is not None and event.destination.label == "China"
    assert "Yunnan" in " ".join(p.label for p in event.places)


@pytest.mark.parametrize(("text", "status"), [
    ("Officials said Laos will send the nine teenagers back to China next week.", "planned"),
    ("Laos plans to deport the nine teenagers to China.", "planned"),
    ("Lawyers fear that Laos could send the nine teenagers back to China.", "feared"),
    ("The nine teenagers face deportation to China by Laos after 30 days.", "none"),
    ("The governor said Laos did not deport the man to China.", "denied"),
])
def test_extract_returns_unrealised_returns_keep_their_status(text: str, status: str) -> None:
    found = {e.status for e in returns(text)}
    if status == "none":
        assert not found & {"asserted", "reported", "alleged"}, found
    else:
        assert found == {status}, found


@pytest.mark.parametrize("text", [
    "Hundreds of escapees are being repatriated by China this month.",
    "Laos is sending the nine teenagers back to China, lawyers said.",
])
def test_extract_returns_in_progress_is_an_event(text: str) -> None:
    [event] = returns(text)
    assert event.status in {"asserted", "reported"}


def test_extract_returns_unrealised_return_is_its_own_node_not_a_forced_return() -> None:
    from graph.rdf.assemble import linked_quads
    from graph.vocab import RKG

    text = ("Laos deported five North Koreans to China on June 1. Officials said Laos "
            "plans to deport the nine teenagers held in Vientiane to China.")
    df = run(text)
    events = [f for f in df.facts if isinstance(f, ForcedReturn)]
    assert sorted(e.status for e in events) == ["asserted", "planned"]
    types = {str(q[2]) for q in linked_quads(events, []) if str(q[1]).endswith("#type")}
    assert str(RKG.ForcedReturn) in types and str(RKG.UnrealisedReturn) in types


def test_extract_returns_chained_returns_are_two_events_with_their_own_perpetrators() -> None:
    text = ("Laos deported nine North Koreans to China on May 27, and China sent them on to "
            "North Korea the next day.")
    events = sorted(returns(text), key=lambda e: e.date.iso or "")
    assert [(e.perpetrator.label if e.perpetrator else None,
             e.destination.label if e.destination else None, e.date.iso) for e in events] == [
        ("Laos", "China", "2016-05-27"),
        ("China", "Democratic People's Republic of Korea", "2016-05-28")]
    assert len(cluster_returns(events)) == 2
    later = returns("Laos deported nine North Koreans to China on May 27. Two days later "
                    "China sent them on to North Korea.")
    assert sorted(e.date.iso or "" for e in later) == ["2016-05-27", "2016-05-29"]


@pytest.mark.parametrize(("text", "perpetrator", "destination", "count"), [
    ("The nine were transferred to Chinese custody by Lao police on May 27.", "Laos",
     "China", 9),
    ("The two men were handed into North Korean custody by Russian border guards.",
     "Russia", "Democratic People's Republic of Korea", 2),
])
def test_extract_returns_custody_as_destination(text: str, perpetrator: str, destination: str,
                                               count: int) -> None:
    [event] = returns(text)
    assert event.perpetrator is not None and event.perpetrator.label.startswith(perpetrator)
    assert event.destination is not None and event.destination.label == destination
    assert event.count is not None and event.count.value == count


def test_extract_returns_after_a_dated_visit_gives_its_month() -> None:
    [event] = returns("China sent back 25 refugees after a Lao minister visited Beijing on "
                      "March 14.")
    assert event.date.iso == "2016-03" and event.date.precision == "month"


def test_extract_returns_to_read_as_dative_and_a_relative_clause_noun_that_is_no_person() -> None:
    text = ("No lawyer had come by the time the migrants were sent to China by Lao police on "
            "Friday.")
    [event] = returns(text)
    assert event.destination is not None and event.destination.label == "China"
    assert event.date.iso == "2016-06-10"
    assert returns("Officials released a memo sent to the Chinese embassy by Lao police about "
                   "the six detainees.") == []
    assert returns("She had been sent to China by Laos to study medicine in 2012.") == []
