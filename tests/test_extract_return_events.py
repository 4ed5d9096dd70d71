"""Returns as events with their own attributes: forms, status, counts, dates, places, chains.

Every sentence here was written for these tests (invented towns and wording); each shows one
class of wording the extractor once got wrong (docs/extraction.md, "Repatriations").
"""

from __future__ import annotations

import hashlib

import pytest

from graph.extract import extract_document
from graph.facts import DateValue, DocumentInfo, ForcedReturn


def returns(text: str, date: str = "2016-06-10") -> list[ForcedReturn]:
    precision = {1: "year", 2: "month", 3: "day"}[len(date.split("-"))]
    info = DocumentInfo(hashlib.sha256(text.encode()).hexdigest(), "t.txt", text,
                        date=DateValue(date, precision))
    return [f for f in extract_document(info).facts if isinstance(f, ForcedReturn)]


def one(text: str, date: str = "2016-06-10") -> ForcedReturn:
    [event] = returns(text, date)
    return event


def label(ref: object) -> str | None:
    return getattr(ref, "label", None)


# -- forms and status -----------------------------------------------------------------------
def test_return_events_progressive_passive_is_an_event() -> None:
    event = one("Chinese police said seven North Korean women are being repatriated from "
                "Hollin this week.")
    assert event.status in {"asserted", "reported"}
    assert label(event.perpetrator) == "China"
    assert event.count is not None and event.count.value == 7


def test_return_events_particle_on_the_object() -> None:
    events = returns("In January, Laos deported 12 North Koreans to China. In March, Vietnam "
                     "sent 20 more back across the border.")
    assert [label(e.perpetrator) for e in events] == ["Laos", "Vietnam"]
    assert events[1].count is not None and events[1].count.value == 20
    assert events[1].date.iso == "2016-03"


def test_return_events_up_to_a_number() -> None:
    event = one("China repatriated up to 600 North Koreans on May 3.")
    assert event.count is not None and event.count.max == 600
    assert event.count.qualifier == "at_most"


@pytest.mark.parametrize(("text", "status"), [
    ("Laos denied that it had deported the nine North Koreans.", "denied"),
    ("Officials rejected reports that Laos had deported the nine North Koreans.", "denied"),
    ("China is reported to have repatriated 60 North Koreans in May.", "alleged"),
    ("Chinese authorities are believed to have repatriated 70 North Koreans in March.",
     "alleged"),
    ("China was accused of repatriating 70 North Koreans in March.", "alleged"),
    ("Thailand is expected to deport the six North Koreans to South Korea next week.",
     "planned"),
])
def test_return_events_status_of_what_is_not_asserted(text: str, status: str) -> None:
    assert one(text).status == status


def test_return_events_censure_still_presupposes_the_act() -> None:
    assert one("Rights groups condemned Mongolia for deporting the four herders in "
               "April.").status == "asserted"


# -- chains and agents ----------------------------------------------------------------------
def test_return_events_relative_clause_agent_is_the_noun_it_modifies() -> None:
    first, second = returns("Cambodia handed the five over to China, which repatriated them "
                            "to North Korea in July.")
    assert (label(first.perpetrator), label(first.destination)) == ("Cambodia", "China")
    assert label(second.perpetrator) == "China"
    assert second.returnees == "them"
    assert first.date.iso is None  # July is the second leg's date
    assert second.date.iso == "2016-07"


def test_return_events_earlier_leg_in_a_relative_clause() -> None:
    first, second = returns("Five North Koreans who were deported by Laos to China in May "
                            "were sent on to North Korea in June.")
    assert (label(first.perpetrator), first.date.iso) == ("Laos", "2016-05")
    assert (label(second.perpetrator), second.date.iso) == ("China", "2016-06")


def test_return_events_onward_leg_in_the_next_sentence() -> None:
    first, second = returns("Laos deported nine North Koreans to China on May 2. The nine "
                            "were handed to North Korean guards on May 6.")
    assert label(first.perpetrator) == "Laos"
    assert label(second.perpetrator) == "China"
    assert second.count is not None and second.count.value == 9


def test_return_events_a_second_return_to_the_same_state_is_no_onward_leg() -> None:
    events = returns("Laos deported nine North Koreans to China on May 2. They were sent "
                     "back to China again in June.")
    assert [label(e.perpetrator) for e in events] == ["Laos", "Laos"]


def test_return_events_receivers_named_by_demonym_are_the_destination() -> None:
    event = one("Mongolian police handed over six North Korean escapees to Chinese officers "
                "on April 2.")
    assert label(event.destination) == "China"


def test_return_events_any_state_as_perpetrator() -> None:
    event = one("Uzbek police deported four North Korean students on May 3.")
    assert label(event.perpetrator) == "Uzbekistan"


# -- several events in one sentence ---------------------------------------------------------
def test_return_events_gapped_conjunct_is_its_own_event() -> None:
    first, second = returns("China repatriated 50 North Koreans through Dongshan in March and "
                            "another 80 through Xiping in April.")
    assert (first.count and first.count.value, first.date.iso) == (50, "2016-03")
    assert (second.count and second.count.value, second.date.iso) == (80, "2016-04")
    assert [p.label for p in first.places] == ["Dongshan"]
    assert [p.label for p in second.places] == ["Xiping"]


# -- counts ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("theme", "value"), [
    ("three North Korean loggers", 3),
    ("a family of five", 5),
    ("two women and a child", 3),
    ("a couple and their three children", 5),
    ("a mother and her two daughters", 3),
    ("a third of the 90 North Koreans held in Tamun", 30),
])
def test_return_events_counts_from_the_parse(theme: str, value: int) -> None:
    event = one(f"Chinese police sent back {theme} to North Korea on May 3.")
    assert event.count is not None and event.count.value == value


def test_return_events_group_listed_in_apposition() -> None:
    event = one("A relative said the family - a couple, their young son and the wife's "
                "parents - was deported by Chinese police on July 2.")
    assert event.count is not None and event.count.value == 5


def test_return_events_more_than_forty() -> None:
    event = one("China sent back more than forty North Koreans to North Korea on May 3.")
    assert event.count is not None and (event.count.min, event.count.qualifier) == (
        41, "more_than")


def test_return_events_count_and_places_from_the_sentence_before() -> None:
    event = one("Chinese police detained 12 North Koreans in Fenghuang on May 3. They were "
                "sent back to North Korea a week later.")
    assert event.count is not None and event.count.value == 12
    assert event.date.iso == "2016-05-10"
    assert [p.label for p in event.places] == ["Fenghuang"]


def test_return_events_restated_group_counted_by_its_apposition() -> None:
    text = ("Border guards caught about six of the migrants in Tam Ky on Monday.\n\n"
            "The migrants, originally eleven of them, crossed from China on May 2 and were "
            "caught in Vietnam on May 4. On May 9 Vietnamese police returned the group to "
            "China.")
    event = one(text)
    assert event.count is not None and event.count.value == 11


def test_return_events_a_date_is_not_a_theme() -> None:
    event = one("An aid worker said Chinese police started repatriating North Korean "
                "escapees on Sept. 29, when several were handed over.", "2016-10-02")
    assert event.count is None or event.count.value != 29


# -- dates ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("when", "published", "iso"), [
    ("two weeks later", "2016-06-20", "2016-05-17"),
    ("three days later", "2016-06-20", "2016-05-06"),
])
def test_return_events_days_and_weeks_after_a_named_day(when: str, published: str,
                                                       iso: str) -> None:
    event = one(f"Chinese police arrested twelve North Koreans in Fenghuang on May 3. The "
                f"group was repatriated {when}.", published)
    assert event.date.iso == iso


def test_return_events_across_a_year_boundary() -> None:
    event = one("Chinese police repatriated 20 North Koreans in late December, activists "
                "said.", "2017-01-10")
    assert event.date.iso == "2016-12"


def test_return_events_weekday_from_the_dateline() -> None:
    event = one("HOLLIN, Jan. 4 -- Chinese police sent back 20 North Koreans on Monday, a "
                "rights group said.", "2017-01-04")
    assert event.date.iso == "2017-01-02"


def test_return_events_noun_trigger_dated_after_its_phrase() -> None:
    event = one("Activists condemned the forced return of 24 North Koreans by China on "
                "May 3.")
    assert event.date.iso == "2016-05-03"


def test_return_events_arrival_in_the_destination_dates_the_return() -> None:
    text = ("Four weeks after arresting them, Laos has sent 14 North Koreans over the border "
            "into Thailand.\n\nA church worker said the group entered Thailand on Dec. 30 "
            "and then split up.")
    event = one(text, "2017-01-03")
    assert event.date.iso == "2016-12-30"


# -- places ---------------------------------------------------------------------------------
def test_return_events_place_of_the_teller_is_not_the_events() -> None:
    event = one("Chinese police repatriated 15 North Koreans through Yutai on May 3, a "
                "source in Lanxi said.")
    assert [p.label for p in event.places] == ["Yutai"]


def test_return_events_place_the_people_fled_from() -> None:
    event = one("The 15 North Koreans, who had fled from Sorang, were sent back to North "
                "Korea by Chinese police on May 3.")
    assert [p.label for p in event.places] == ["Sorang"]


def test_return_events_place_of_an_intention_is_not_the_events() -> None:
    event = one("A North Korean forestry worker who had planned to flee a work site in "
                "Amuria was detained and deported by Russian officials.")
    assert event.places == ()


def test_return_events_route_of_the_verb_the_trigger_is_joined_to() -> None:
    events = returns("Chinese police repatriated 15 North Koreans on May 3. They were driven "
                     "from Lanxi to the bridge at Yutai and handed to North Korean guards.")
    assert any({"Lanxi", "Yutai"} <= {p.label for p in e.places} for e in events)


def test_return_events_place_of_a_returnee_included_in_the_group() -> None:
    event = one("Chinese police repatriated 15 North Koreans, including a woman from Sorang, "
                "on May 3.")
    assert [p.label for p in event.places] == ["Sorang"]


def test_return_events_route_told_in_the_next_sentence() -> None:
    event = one("Chinese police repatriated 15 North Koreans on May 3. The 15 were driven "
                "from a jail in Lanxi to the bridge at Yutai.")
    assert {p.label for p in event.places} == {"Lanxi", "Yutai"}


def test_return_events_people_named_by_a_possessive_are_others() -> None:
    event = one("Chinese police repatriated 15 North Koreans on May 3. Activists later took "
                "their families to Lanxi to protest.")
    assert event.places == ()


def test_return_events_counterfactual_is_no_return() -> None:
    assert returns("China would have repatriated the 40 North Koreans if Seoul had not "
                   "intervened.") == []
    assert one("China may have repatriated the 40 North Koreans held in Lanxi, activists "
               "said.").status == "alleged"


def test_return_events_hearsay_adverb_on_the_first_verb_of_a_chain() -> None:
    event = one("A North Korean logger has reportedly been arrested, tried and deported by "
                "the Russian authorities.")
    assert event.status == "alleged"


def test_return_events_range_across_a_year_boundary_shares_no_date() -> None:
    event = one("Chinese police repatriated about 30 North Koreans between December 28 and "
                "January 3, activists said.", "2017-01-12")
    assert event.date.iso is None
    inside = one("Chinese police repatriated about 30 North Koreans between January 25 and "
                 "30, activists said.", "2017-02-03")
    assert (inside.date.iso, inside.date.precision) == ("2017-01", "month")


def test_return_events_origin_and_arrest_of_most_of_them_next_sentence() -> None:
    event = one("China repatriated 30 North Koreans on May 3. Most were from Sorang and had "
                "been arrested near Lanxi.")
    assert {p.label for p in event.places} == {"Sorang", "Lanxi"}


def test_return_events_places_inside_the_peoples_clause_are_not_people() -> None:
    event = one("China repatriated 30 North Koreans who had been caught in Lanxi and Yutai on "
                "May 3.")
    assert event.count is not None and event.count.value == 30


def test_return_events_headline_reduced_passive_with_an_agent() -> None:
    event = one("Nine North Koreans sent back to China by Laos\n\nThe nine were caught in "
                "Lanxi.")
    assert (label(event.perpetrator), label(event.destination)) == ("Laos", "China")
    assert event.count is not None and event.count.value == 9


def test_return_events_headline_plan() -> None:
    event = one("China to repatriate nine North Koreans\n\nThe nine were caught in Lanxi, "
                "Chinese police said.")
    assert event.status == "planned"


def test_return_events_headline_reduced_passive_without_an_agent() -> None:
    event = one("Nine North Koreans sent back to China\n\nThe nine were caught in Lanxi by "
                "Lao police.")
    assert label(event.destination) == "China"
    assert label(event.perpetrator) == "Laos"  # the state the text names, not the people
    assert returns("Lao police said the nine defectors returned to China on their own.") == []


def test_return_events_object_the_parse_gives_the_reporting_verb() -> None:
    text = ("HOLLIN, March 9 (Wire) - China has forcibly returned around 60 North Korean "
            "defectors, including several women, a Hollin-based rights group said on "
            "Thursday.\n\nThe defectors had been held in Tumenkou and were sent across the "
            "border on Tuesday night, the group said.")
    events = returns(text, "2017-03-09")
    counted = [e for e in events if e.count is not None]
    assert [(e.count.value, e.count.qualifier) for e in counted if e.count] == [
        (60, "approximately")]
    assert any(e.date.iso == "2017-03-07" and [p.label for p in e.places] == ["Tumenkou"]
               for e in events)
