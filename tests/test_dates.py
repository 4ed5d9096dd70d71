"""Dates and their resolution against a document date: graph.text.dates."""

from __future__ import annotations

import pytest

from graph.facts import UNKNOWN_DATE, DateValue
from graph.text.dates import EVENT_KINDS, KINDS, find_dates, is_since, parse_date

DAY = DateValue("2023-10-13", "day")  # a Friday
MONTH = DateValue("2023-12", "month")
YEAR = DateValue("2024", "year")
JANUARY = DateValue("2024-01-10", "day")  # a Wednesday


@pytest.mark.parametrize(
    ("text", "reference", "iso", "precision"),
    [
        # absolute dates
        ("19 December, 2023", UNKNOWN_DATE, "2023-12-19", "day"),
        ("December 19, 2023", UNKNOWN_DATE, "2023-12-19", "day"),
        ("the 19th of December 2023", UNKNOWN_DATE, "2023-12-19", "day"),
        ("Oct. 13, 2023", UNKNOWN_DATE, "2023-10-13", "day"),
        ("13 Oct 2023", UNKNOWN_DATE, "2023-10-13", "day"),
        ("Sept. 3, 1999", UNKNOWN_DATE, "1999-09-03", "day"),
        ("MARCH 3, 2012", UNKNOWN_DATE, "2012-03-03", "day"),
        ("2023-10-09", UNKNOWN_DATE, "2023-10-09", "day"),
        ("2023-10", UNKNOWN_DATE, "2023-10", "month"),
        ("2023", UNKNOWN_DATE, "2023", "year"),
        ("October 2023", UNKNOWN_DATE, "2023-10", "month"),
        ("in January of 2021", UNKNOWN_DATE, "2021-01", "month"),
        ("in 2019", UNKNOWN_DATE, "2019", "year"),
        ("mid-2021", UNKNOWN_DATE, "2021", "year"),
        ("early 2020", UNKNOWN_DATE, "2020", "year"),
        ("the end of 2023", UNKNOWN_DATE, "2023", "year"),
        ("in the spring of 2016", UNKNOWN_DATE, "2016", "year"),
        ("on the afternoon of 19 December, 2023", UNKNOWN_DATE, "2023-12-19", "day"),
        # day and month without a year take the reference year
        ("Dec. 19", MONTH, "2023-12-19", "day"),
        ("Oct. 9", DAY, "2023-10-09", "day"),
        ("on the evening of Oct. 9", DAY, "2023-10-09", "day"),
        ("9 October", DAY, "2023-10-09", "day"),
        ("the 9th of October", DAY, "2023-10-09", "day"),
        ("July 4", YEAR, "2024-07-04", "day"),
        ("early March", YEAR, "2024-03", "month"),
        ("in mid-March", MONTH, "2023-03", "month"),
        ("late December", MONTH, "2023-12", "month"),
        ("in June", DAY, "2023-06", "month"),
        ("Nov. 30", DAY, "2023-11-30", "day"),  # seven weeks ahead: still this year
        # ... unless that is more than about two months after the reference
        ("Dec. 20", JANUARY, "2023-12-20", "day"),
        ("in November", JANUARY, "2023-11", "month"),
        ("Dec. 20", DAY, "2022-12-20", "day"),
        # relative to the reference, only as precise as it is
        ("last year", YEAR, "2023", "year"),
        ("last year", MONTH, "2022", "year"),
        ("this year", DAY, "2023", "year"),
        ("next year", MONTH, "2024", "year"),
        ("Last year", DateValue("2024-03-01", "day"), "2023", "year"),
        ("last month", DAY, "2023-09", "month"),
        ("last month", JANUARY, "2023-12", "month"),
        ("next month", MONTH, "2024-01", "month"),
        ("last month", YEAR, "2024", "year"),
        ("earlier this month", DAY, "2023-10", "month"),
        ("earlier this year", MONTH, "2023", "year"),
        ("late last year", JANUARY, "2023", "year"),
        ("today", DAY, "2023-10-13", "day"),
        ("today", MONTH, "2023-12", "month"),
        ("yesterday", DAY, "2023-10-12", "day"),
        ("yesterday", DateValue("2024-03-01", "day"), "2024-02-29", "day"),
        ("yesterday", YEAR, "2024", "year"),
        ("the day before yesterday", DAY, "2023-10-11", "day"),
        ("this morning", DAY, "2023-10-13", "day"),
        ("on Tuesday", DAY, "2023-10-10", "day"),
        ("Tuesday", DateValue("2023-10-18", "day"), "2023-10-17", "day"),
        ("on Friday", DAY, "2023-10-13", "day"),  # the reference day itself
        ("last Friday", DAY, "2023-10-06", "day"),
        ("next Monday", DAY, "2023-10-16", "day"),
        ("Wednesday evening", DAY, "2023-10-11", "day"),
        ("on Monday night", JANUARY, "2024-01-08", "day"),
        ("On Thursday", DateValue("2005-04", "month"), "2005-04", "month"),
        ("on Sunday", YEAR, "2024", "year"),
        ("last week", DAY, "2023-10", "month"),
        ("last week", DateValue("2023-10-03", "day"), "2023", "year"),  # 25 Sep - 1 Oct
        ("last week", DateValue("2024-01-03", "day"), "2023-12", "month"),  # 25 - 31 Dec
        ("last week", DateValue("2021-01-05", "day"), None, None),  # 28 Dec - 3 Jan
        ("10 days ago", MONTH, "2023-12", "month"),
        ("this week", DateValue("2023-10-03", "day"), "2023-10", "month"),
        ("three years ago", DAY, "2020", "year"),
        ("two months ago", JANUARY, "2023-11", "month"),
        ("10 days ago", DAY, "2023-10-03", "day"),
        ("in June last year", MONTH, "2022-06", "month"),
        ("on March 1 last year", DAY, "2022-03-01", "day"),
        ("on 1 March last year", DAY, "2022-03-01", "day"),
        ("Sept. 3 of last year", DAY, "2022-09-03", "day"),
        ("on Tuesday, Oct. 10", DAY, "2023-10-10", "day"),  # the explicit date wins
        ("Wednesday, 11 October 2023", UNKNOWN_DATE, "2023-10-11", "day"),
        ("June of this year", DAY, "2023-06", "month"),
        ("last June", MONTH, "2023-06", "month"),
        ("last June", DateValue("2023-04", "month"), "2022-06", "month"),
        ("next March", MONTH, "2024-03", "month"),
        # a range of days gives what both ends share (month, else year)
        ("April 2-5", DateValue("2005-04", "month"), "2005-04", "month"),
        ("on April 2–5, 2005", UNKNOWN_DATE, "2005-04", "month"),
        ("2-5 April 2005", UNKNOWN_DATE, "2005-04", "month"),
        ("30 April - 2 May 2005", UNKNOWN_DATE, "2005", "year"),
        ("from June 28 to July 3", DAY, "2023", "year"),
        ("between January and March 2023", UNKNOWN_DATE, "2023-01", "month"),
        ("2003-2004", UNKNOWN_DATE, "2003", "year"),
        ("from 2010 to 2015", UNKNOWN_DATE, "2010", "year"),
        ("in September and October", MONTH, "2023-09", "month"),
        ("in September and October 2021", UNKNOWN_DATE, "2021-09", "month"),
        # "since" is parsed too (callers tell it apart with is_since / kind)
        ("since 1998", UNKNOWN_DATE, "1998", "year"),
        ("ever since March 2020", UNKNOWN_DATE, "2020-03", "month"),
    ],
)
def test_dates_parse_date(
    text: str, reference: DateValue, iso: str | None, precision: str | None
) -> None:
    value = parse_date(text, reference)
    if iso is None:
        assert value is None
    else:
        assert value == DateValue(iso, precision, value.text if value else None)
        assert value is not None and value.text and value.text in text


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("the late 1990s", UNKNOWN_DATE),  # a decade, not one year
        ("in the 1990s", DAY),
        ("On Tuesday", UNKNOWN_DATE),  # no reference to resolve it
        ("last year", UNKNOWN_DATE),
        ("Oct. 9", UNKNOWN_DATE),
        ("the previous day", DAY),  # anaphoric: counts from the story's time
        ("a year later", DAY),
        ("1951 Refugee Convention", UNKNOWN_DATE),
        ("the 1967 Protocol", UNKNOWN_DATE),
        ("every 4.5 years", DAY),
        ("the 78th session", DAY),
        ("600", DAY),
        ("90%", DAY),
        ("Feb. 29", DateValue("2023-05-01", "day")),  # no 29 February in 2023
        ("2023-02-30", UNKNOWN_DATE),
        ("May", YEAR),  # alone it is more likely the verb
        ("they may March on", YEAR),
        ("nothing here", DAY),
        ("", DAY),
    ],
)
def test_dates_parse_date_none(text: str, reference: DateValue) -> None:
    assert parse_date(text, reference) is None


def test_dates_text_is_the_words() -> None:
    value = parse_date("on the evening of Oct. 9", DAY)
    assert value == DateValue("2023-10-09", "day", "on the evening of Oct. 9")


def test_dates_reference_precision_is_respected_when_iso_is_longer() -> None:
    # A reference that says month precision stays a month even if its iso carries a day.
    assert parse_date("on Tuesday", DateValue("2023-10-13", "month")) == DateValue(
        "2023-10", "month", "on Tuesday")


@pytest.mark.parametrize(
    ("sentence", "reference", "expected"),
    [
        ("Officials said on Tuesday that 40 people were returned on Oct. 2.", DAY,
         [("on Tuesday", "2023-10-10", "relative"), ("on Oct. 2", "2023-10-02", "partial")]),
        ("The group has been returning people since 1998, and since 2014 camps have grown.",
         DAY, [("since 1998", "1998", "since"), ("since 2014", "2014", "since")]),
        ("The duty follows from the 1951 Refugee Convention, with the 1967 Protocol added, in "
         "force there since 1982.", DAY,
         [("1951", "1951", "name"), ("1967", "1967", "name"), ("since 1982", "1982", "since")]),
        ("Resolutions were adopted in 2003 and 2004 by the body.", UNKNOWN_DATE,
         [("in 2003", "2003", "absolute"), ("2004", "2004", "absolute")]),
        ("The agency reported Tuesday that a minister visited on April 2-5.",
         DateValue("2005-04", "month"),
         [("Tuesday", "2005-04", "relative"), ("on April 2-5", "2005-04", "range")]),
        ("A statement in June last year was followed in September and October by letters.",
         MONTH,
         [("in June last year", "2022-06", "relative"), ("in September", "2023-09", "partial"),
          ("October", "2023-10", "partial")]),
        ("GENEVA (26 September 2023) - Experts spoke.", UNKNOWN_DATE,
         [("26 September 2023", "2023-09-26", "absolute")]),
        ("This year executions rose compared to last year.", DAY,
         [("This year", "2023", "relative"), ("last year", "2022", "relative")]),
        ("Each state is reviewed every 4.5 years; the 78th session drew 600 delegates, 90% "
         "of them women.", DAY, []),
        ("There were 2000 North Korean refugees in the town.", DAY, []),
        ("In 2000 refugees arrived.", DAY, [("In 2000", "2000", "absolute")]),
        ("The exodus spiked in the late 1990s but continues today.", DAY,
         [("today", "2023-10-13", "relative")]),
        ("They met on the June 15 Joint Declaration anniversary.", DAY,
         [("June 15", "2023-06-15", "name")]),
        ("He was held the previous day and freed a week later.", DAY,
         [("the previous day", None, "relative"), ("a week later", None, "relative")]),
        ("It was signed between 3 and 5 April 2005.", UNKNOWN_DATE,
         [("between 3 and 5 April 2005", "2005-04", "range")]),
        ("The fee was $2020 and 2019% more.", DAY, []),
        ("Document A/HRC/2019/3 was issued.", DAY, []),
    ],
)
def test_dates_find_dates(
    sentence: str, reference: DateValue, expected: list[tuple[str, str | None, str]]
) -> None:
    found = find_dates(sentence, reference)
    assert [(m.words, m.value.iso, m.kind) for m in found] == expected
    for m in found:
        assert sentence[m.start:m.end] == m.words == m.value.text
        assert m.kind in KINDS


def test_dates_find_dates_unknown_reference_keeps_the_words() -> None:
    (match,) = find_dates("On Tuesday, the council met.", UNKNOWN_DATE)
    assert match.words == "On Tuesday" and not match.value.known and match.kind == "relative"


def test_dates_event_kinds_exclude_since_and_names() -> None:
    assert "since" not in EVENT_KINDS and "name" not in EVENT_KINDS
    assert set(EVENT_KINDS) <= set(KINDS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("since 1998", True), ("Since March", True), ("ever since 2014", True),
     ("in 1998", False), ("sincere thanks in 2020", False), ("1998", False)],
)
def test_dates_is_since(text: str, expected: bool) -> None:
    assert is_since(text) is expected


def test_dates_are_deterministic() -> None:
    sentence = "On Tuesday, since 1998, in June last year, Oct. 9 and April 2-5, 2005."
    assert find_dates(sentence, DAY) == find_dates(sentence, DAY)


@pytest.mark.parametrize("text", [
    "On Tuesday, 600 were sent back; TODAY and tomorrow morning, a week ago, the NEXT YEAR.",
    "Nıght and ſpring, the previous Day, \u212aelvin week, İyear, mid-2021 and 2003-2004.",
    "Between March 3 and 5, 2012, from January to March 2023, the 19th of December 2023.",
    "No date here at all.", "In spring 2023 it was 90%; last month; on 2023-10-09.",
])
def test_dates_pattern_gates_change_no_match(text: str, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    """Each pattern is skipped when the sentence lacks what it needs: the same matches."""
    import graph.text.dates as dates

    gated = dates.find_dates(text, DAY)
    monkeypatch.setattr(dates, "_GATES", tuple(lambda s: True for _ in dates._GATES))
    assert dates.find_dates(text, DAY) == gated


def test_dates_ordinal_day_of_the_reference_month() -> None:
    """"on the 12th" and "the 3rd of this month" are days of the document's month; "the 12th
    consecutive year" is no date."""
    from graph.text.dates import find_dates as find
    ref = DateValue("2021-05", "month")
    assert [m.value.iso for m in find("The panel met on the 12th in Geneva.", ref)] == [
        "2021-05-12"]
    assert [m.value.iso for m in find("They left on the 3rd of this month.", ref)] == [
        "2021-05-03"]
    assert find("It was the 12th consecutive year of the vote.", ref) == []
