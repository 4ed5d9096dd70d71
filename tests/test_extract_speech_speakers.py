"""Speakers the parse does not hand over: attributions trailing the reported words and
unnamed speakers described by their work. Sentences written for these tests (none is copied
from the development, sample or extra documents)."""

from __future__ import annotations

from test_extract_discourse import acts, run

from graph.facts import SpeechAct


def test_trailing_speaker_with_a_relative_clause_is_the_speaker() -> None:
    found = acts("Two women were held at the checkpoint, a relief worker who declined to "
                 "be named said on Friday.")
    assert found == [("a relief worker", None, "reports")]


def test_trailing_speaker_with_a_relative_clause_between_commas() -> None:
    found = acts("Two women were held at the checkpoint, a local activist, who declined to "
                 "be named, said on Friday.")
    assert found == [("a local activist", None, "reports")]


def test_trailing_speaker_keeps_its_words_as_written() -> None:
    found = acts("Laos returned the nine teenagers, a Seoul-based missionary said.")
    assert found == [("a Seoul-based missionary", None, "reports")]


def test_trailing_clause_that_is_no_noun_phrase_gives_no_speaker() -> None:
    assert acts("He left the country last year, and later said he regretted it.") == []


def test_workers_and_volunteers_are_unnamed_speakers() -> None:
    found = acts("Aid workers said that the police kept turning the families away. "
                 "Church volunteers said the families were taken to Dandong.")
    assert ("Aid workers", None, "reports") in found
    assert ("Church volunteers", None, "reports") in found


def test_reports_by_one_speaker_on_different_dates_are_two_acts() -> None:
    text = ("The Lakeside Courier said on Monday that the transfer took place. "
            "The Lakeside Courier had reported the arrests on March 3.")
    dates = sorted(a.date.iso or "" for a in run(text).facts
                   if isinstance(a, SpeechAct) and a.speaker_text == "Lakeside Courier")
    assert dates == ["2014-03-03", "2014-05-26"]


def test_reports_by_one_speaker_on_one_date_stay_one_act() -> None:
    found = acts("Aid workers said that the police kept turning the families away. "
                 "Aid workers said the families were taken to Dandong.")
    assert found == [("Aid workers", None, "reports")]


def test_asking_not_to_be_named_is_no_appeal() -> None:
    found = acts("A relief worker who asked not to be named said the group crossed the "
                 "river on Friday.")
    assert found == [("A relief worker", None, "reports")]
