"""Dates in English news text, resolved against the date of the document that contains them.

`find_dates(sentence, reference)` finds every date expression of a sentence; `parse_date(text,
reference)` reads one. Results are `DateValue(iso, precision, text)` with the words as written.

Resolution rules (the reference is the document's date, itself possibly only a month or year):

- A date is never more precise than the text and the reference together allow. "last year"
  needs a reference year; "last month" a month; a weekday, "today" or "yesterday" a day. With a
  coarser reference the result keeps the reference's precision ("On Tuesday" in a document
  dated 2005-04 is 2005-04); with an unknown reference it is unknown.
- A day and month without a year ("Oct. 9") take the reference year, unless that puts them
  more than about two months after the reference (see `_ROLLOVER`): then the previous year.
- A weekday ("on Tuesday", "Wednesday evening") is the most recent such day on or before the
  reference date; "last Tuesday" strictly before it, "next Tuesday" strictly after.
- A range gives what its two ends share, kind "range": "April 2-5" is April, "30 April - 2
  May 2005" is 2005; "2003-2004" and "from January to March 2023" give their start.
  "in September and October" gives two dates; `parse_date` returns the first.
- "since 1998" is parsed (kind "since"), but it starts a state of affairs, not an event:
  callers test `match.kind` or `is_since(text)`.
- A year that starts a treaty or law name ("1951 Refugee Convention", "1967 Protocol") has
  kind "name": it is not the date of anything the sentence reports.
- Anaphoric expressions ("the previous day", "a year later") are found, kind "relative", with
  an unknown value: they count from a time the sentence names, not from the document date.
- Decades ("the late 1990s") and seasons without a year are not dates here; "spring 2023" and
  "mid-2021" are year-precision dates, "early March" month-precision.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from graph.facts import UNKNOWN_DATE, DateValue
from graph.text.numbers import people_after

__all__ = ["EVENT_KINDS", "KINDS", "DateMatch", "find_dates", "is_since", "parse_date"]

KINDS = ("absolute", "partial", "relative", "since", "range", "name")
# Kinds that may date an event the sentence reports.
EVENT_KINDS = ("absolute", "partial", "relative", "range")

# A day or month written without a year that would fall more than this far after the
# reference date is taken to be in the previous year. News style gives the year of dates
# outside the current year, but reports of past events written early in a new year often
# omit it ("the repatriation on Dec. 20" in a January report), while announcements of
# upcoming events rarely reach more than a couple of months ahead.
_ROLLOVER = timedelta(days=61)

_PRECISION_RANK = {"year": 1, "month": 2, "day": 3}

# --- the language ---------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
_MONTH_ABBR = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
_SMALL_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
# Words that, capitalised after a year or date, make it part of a name, not a date.
_NAME_WORDS = (
    "Convention", "Protocol", "Covenant", "Act", "Law", "Treaty", "Agreement", "Accords?",
    "Charter", "Declaration", "Statute", "Constitution", "Resolution", "Principles",
)


def _cased(words: list[str]) -> str:
    """Title-case and upper-case forms: month and weekday names are capitalised in English."""
    forms = sorted({w.title() for w in words} | {w.upper() for w in words}, key=len,
                   reverse=True)
    return "|".join(forms)


_FULL = _cased(list(_MONTHS))
_ABBR = _cased(list(_MONTH_ABBR))
_WEEKDAY = _cased(list(_WEEKDAYS))


def _m(name: str) -> str:
    return rf"(?<!\w)(?P<{name}>(?:{_FULL})|(?:{_ABBR})\.?)(?![\w])"


def _d(name: str) -> str:
    return rf"(?<![\w.,])(?P<{name}>[0-3]?\d)(?:st|nd|rd|th)?(?!\w)"


def _y(name: str) -> str:
    return rf"(?<![\w$€£¥#/])(?<!\d[.,])(?P<{name}>19[5-9]\d|20[0-3]\d)(?!\w|[.,]\d)"


_DASH = r"(?:-|–|—|\bto\b|\bthrough\b|\buntil\b|\btill\b)"
_NUM = "|".join(sorted(_SMALL_NUMBERS, key=len, reverse=True))

_NAME_AFTER = re.compile(
    r"\s+(?:[A-Z][\w’'-]*\s+){0,4}?(?:" + "|".join(_NAME_WORDS) + r")\b"
)
_UNIT_AFTER = re.compile(
    r"\s*(?:%|(?i:per\s*cent|percent|km|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|"
    r"dollars?|won|yuan|tons?|tonnes?)\b)"
)
_YEAR_CONTEXT = re.compile(
    r"(?i)(?:\b(?:in|since|by|until|till|from|during|before|after|between|of|and|or|to|year|"
    r"early|late|around|circa|throughout|spring|summer|autumn|fall|winter)\s+|\bmid-?)$"
)
_BARE_MONTH_CONTEXT = re.compile(
    r"(?i)(?:\b(?:in|since|early|mid|late|by|until|till|from|during|of|and|or|to|through|"
    r"before|after|between|around|throughout|last|this|next)\s+|\bmid-)$"
)
# Left extensions of a match: time of day, modifiers, then a preposition or "since".
_TIME_OF_DAY_BEFORE = re.compile(
    r"(?i)(?:\bthe\s+)?\b(?:(?:early|late)\s+)?(?:morning|afternoon|evening|night)\s+of\s+$"
)
_MODIFIER_BEFORE = re.compile(
    r"(?i)(?:(?:\bthe\s+)?\b(?:end|beginning|start|middle|first\s+half|second\s+half|turn|"
    r"close|first\s+week|last\s+week|first\s+days|last\s+days)\s+of\s+(?:the\s+)?"
    r"|\b(?:early|mid|late|earlier|later)(?:\s+|-))$"
)
_SINCE_BEFORE = re.compile(r"(?i)\b(?:ever\s+)?since(?:\s+at\s+least)?\s+$")
_PREPOSITION_BEFORE = re.compile(r"(?i)\b(?:on|in|during|at)\s+$")
_SINCE_TEXT = re.compile(r"(?i)\s*(?:ever\s+)?since\b")


# --- results --------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class DateMatch:
    """A date expression in a sentence; offsets are into that sentence.

    `value.iso` is None when the expression cannot be resolved (unknown or too coarse a
    reference, anaphoric expressions); `value.text` is always the words.
    """

    start: int
    end: int
    words: str  # == sentence[start:end]
    value: DateValue
    kind: str  # one of KINDS


@dataclass(frozen=True)
class _Ref:
    year: int | None
    month: int | None
    day: int | None

    @property
    def precision(self) -> str | None:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year" if self.year is not None else None

    def last_day(self) -> date | None:
        """The latest day the reference may stand for."""
        if self.year is None:
            return None
        if self.month is None:
            return date(self.year, 12, 31)
        if self.day is None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, self.month, self.day)


_ISO_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _ref(value: DateValue) -> _Ref:
    if value.iso is None:
        return _Ref(None, None, None)
    m = _ISO_RE.fullmatch(value.iso)
    if m is None:
        return _Ref(None, None, None)
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    rank = _PRECISION_RANK.get(value.precision or "", 3)
    if rank < 3:
        day = None
    if rank < 2:
        month = None
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return _Ref(None, None, None)
    return _Ref(year, month, day)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    kind: str
    iso: str | None
    precision: str | None


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _at(d: date, precision: str, ref: _Ref) -> tuple[str | None, str | None]:
    """`d` at the coarser of `precision` and the reference's precision."""
    rp = ref.precision
    if rp is None:
        return None, None
    if _PRECISION_RANK[rp] < _PRECISION_RANK[precision]:
        precision = rp
    if precision == "day":
        return _iso(d.year, d.month, d.day), "day"
    if precision == "month":
        return _iso(d.year, d.month), "month"
    return _iso(d.year), "year"


def _ref_date(ref: _Ref) -> date:
    assert ref.year is not None
    return date(ref.year, ref.month or 1, ref.day or 1)


# --- handlers -------------------------------------------------------------------------------

Handler = Callable[[re.Match[str], str, _Ref], list[_Found] | None]


def _month_of(word: str) -> int:
    w = word.rstrip(".").lower()
    return _MONTHS.get(w) or _MONTH_ABBR[w]


def _found(m: re.Match[str], kind: str, iso: str | None, precision: str | None) -> list[_Found]:
    if iso is None and kind in ("absolute", "range") and precision is not None:
        return []  # an impossible date ("31 February 2023")
    return [_Found(m.start(), m.end(), kind, iso, precision if iso else None)]


def _day_month(month: int, day: int | None, ref: _Ref) -> tuple[str | None, str | None]:
    """A day and month (or a month) without a year, resolved against the reference."""
    if ref.year is None:
        return None, None
    year = ref.year
    last = ref.last_day()
    assert last is not None
    try:
        candidate = date(year, month, day or 1)
    except ValueError:  # 29 February in a year without it
        return None, None
    if ref.month is not None and candidate > last + _ROLLOVER:
        year -= 1
    iso = _iso(year, month, day)
    return (iso, "day" if day else "month") if iso else (None, None)


def _iso_day(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    return _found(m, "absolute", _iso(int(m["y"]), int(m["mm"]), int(m["dd"])), "day")


def _full_date(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    return _found(m, "absolute", _iso(int(m["y"]), _month_of(m["m"]), int(m["d"])), "day")


def _month_year(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    return _found(m, "absolute", _iso(int(m["y"]), _month_of(m["m"])), "month")


def _partial(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    day = int(m["d"]) if m.groupdict().get("d") else None
    month = _month_of(m["m"])
    if day is not None and not 1 <= day <= calendar.monthrange(2000, month)[1]:
        return None
    iso, precision = _day_month(month, day, ref)
    return [_Found(m.start(), m.end(), "partial", iso, precision)]


def _bare_month(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    before = text[max(0, m.start() - 40):m.start()]
    if m["m"].lower() in ("may", "march") and not _BARE_MONTH_CONTEXT.search(before):
        return None  # the verbs "may" and "march"
    return _partial(m, text, ref)


def _day_range(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    month, day = _month_of(m["m"]), int(m["d"])
    second_month = _month_of(m["m2"]) if m.groupdict().get("m2") else month
    if m["sep"].strip().lower() == "and" and not m.groupdict().get("between"):
        return None
    if (second_month, int(m["d2"])) <= (month, day):
        if m.groupdict().get("between") and second_month < month and not m.groupdict().get("y"):
            # "between December 28 and January 3": across a year boundary no year is shared
            return [_Found(m.start(), m.end(), "range", None, None)]
        return None
    if m.groupdict().get("y"):
        return _found(m, "range", *_span_of(_iso(int(m["y"]), month, day), month, second_month))
    if not 1 <= day <= calendar.monthrange(2000, month)[1]:
        return None
    iso, precision = _day_month(month, day, ref)
    return [_Found(m.start(), m.end(), "range", *_span_of(iso, month, second_month, precision))]


def _span_of(iso: str | None, month: int, second_month: int, precision: str | None = "day"
             ) -> tuple[str | None, str | None]:
    """A range of days is dated as precisely as both ends agree: the month when they share
    it ("between May 2 and 9" is May), else the year."""
    if iso is None or precision != "day":
        return iso, precision
    return (iso[:7], "month") if month == second_month else (iso[:4], "year")


def _month_range(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    year, first, second = int(m["y"]), _month_of(m["m"]), _month_of(m["m2"])
    if m["sep"].strip().lower() in ("and", "or") and not m.groupdict().get("between"):
        # "in September and October 2023": two dates sharing the year
        return [
            _Found(m.start(), m.end("m"), "absolute", _iso(year, first), "month"),
            _Found(m.start("m2"), m.end(), "absolute", _iso(year, second), "month"),
        ]
    if second <= first:
        return None
    return _found(m, "range", _iso(year, first), "month")


def _year_range(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    first = int(m["y"])
    second = int(m["y2"]) if m["y2"] else first // 100 * 100 + int(m["yy"])
    if m["sep"].strip().lower() == "and" and not m.groupdict().get("between"):
        return None
    if second <= first:
        return None
    return _found(m, "range", _iso(first), "year")


def _year(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    if _UNIT_AFTER.match(text, m.end()):
        return None
    if _NAME_AFTER.match(text, m.end()):
        return [_Found(m.start(), m.end(), "name", _iso(int(m["y"])), "year")]
    before = text[max(0, m.start() - 40):m.start()]
    if not _YEAR_CONTEXT.search(before) and people_after(text, m.end()) is not None:
        return None  # "2000 North Korean refugees" is a count
    return _found(m, "absolute", _iso(int(m["y"])), "year")


def _season_year(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    return _found(m, "absolute", _iso(int(m["y"])), "year")


def _weekday(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    if ref.year is None:
        return [_Found(m.start(), m.end(), "relative", None, None)]
    rel = (m["rel"] or "").lower()
    target = _WEEKDAYS[m["wd"].lower()]
    if ref.day is None:
        iso, precision = _at(_ref_date(ref), "day", ref)
        return [_Found(m.start(), m.end(), "relative", iso, precision)]
    today = _ref_date(ref)
    if rel == "next":
        delta = (target - today.weekday()) % 7 or 7
    else:
        delta = -((today.weekday() - target) % 7)
        if rel in ("last", "past") and delta == 0:
            delta = -7
    iso, precision = _at(today + timedelta(days=delta), "day", ref)
    return [_Found(m.start(), m.end(), "relative", iso, precision)]


_DAY_OFFSETS = {"today": 0, "tonight": 0, "this": 0, "yesterday": -1, "tomorrow": 1}


def _day_word(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    if ref.year is None:
        return [_Found(m.start(), m.end(), "relative", None, None)]
    words = m.group().lower().split()
    offset = -2 if "before" in words else _DAY_OFFSETS[words[0]]
    if ref.day is None:  # a coarse reference: the day may not shift its month or year
        offset = 0
    iso, precision = _at(_ref_date(ref) + timedelta(days=offset), "day", ref)
    return [_Found(m.start(), m.end(), "relative", iso, precision)]


def _ordinal_day(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    """"on the 15th", "the 9th of this month": a day of the reference month."""
    day = int(m["od"])
    if ref.year is None or ref.month is None or not 1 <= day <= 31:
        return None
    if ref.day is not None and day > ref.day:
        return None  # a later day of the month is not a report of the past
    return [_Found(m.start(), m.end(), "relative", _iso(ref.year, ref.month, day), "day")]


def _anaphoric(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    return [_Found(m.start(), m.end(), "relative", None, None)]


def _shift_month(year: int, month: int, offset: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + offset
    return index // 12, index % 12 + 1


def _period(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    """"last year", "this month", "next week"."""
    offset = {"last": -1, "this": 0, "next": 1}[m["rel"].lower()]
    unit = m["unit"].lower()
    if ref.year is None:
        return [_Found(m.start(), m.end(), "relative", None, None)]
    if unit == "year":
        return [_Found(m.start(), m.end(), "relative", _iso(ref.year + offset), "year")]
    if unit == "month":
        if ref.month is None:
            return [_Found(m.start(), m.end(), "relative", _iso(ref.year), "year")]
        year, month = _shift_month(ref.year, ref.month, offset)
        return [_Found(m.start(), m.end(), "relative", _iso(year, month), "month")]
    # a week: the coarsest precision that holds its Monday and its Sunday
    today = _ref_date(ref)
    if ref.day is None:
        iso, precision = _at(today, "day", ref)
        return [_Found(m.start(), m.end(), "relative", iso, precision)]
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
    sunday = monday + timedelta(days=6)
    if (monday.year, monday.month) == (sunday.year, sunday.month):
        iso, precision = _iso(monday.year, monday.month), "month"
    elif monday.year == sunday.year:
        iso, precision = _iso(monday.year), "year"
    else:
        iso, precision = None, None
    return [_Found(m.start(), m.end(), "relative", iso, precision)]


def _ago(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    n = int(m["n"]) if m["n"].isdigit() else _SMALL_NUMBERS[m["n"].lower()]
    unit = m["unit"].lower()
    if ref.year is None:
        return [_Found(m.start(), m.end(), "relative", None, None)]
    today = _ref_date(ref)
    if unit == "year":
        return [_Found(m.start(), m.end(), "relative", _iso(ref.year - n), "year")]
    if unit == "month":
        if ref.month is None:
            return [_Found(m.start(), m.end(), "relative", _iso(ref.year), "year")]
        year, month = _shift_month(ref.year, ref.month, -n)
        return [_Found(m.start(), m.end(), "relative", _iso(year, month), "month")]
    days = n * (7 if unit == "week" else 1) if ref.day is not None else 0
    iso, precision = _at(today - timedelta(days=days), "day", ref)
    return [_Found(m.start(), m.end(), "relative", iso, precision)]


def _month_relative_year(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    """"June last year", "June of this year", "March 1 last year"."""
    if ref.year is None:
        return [_Found(m.start(), m.end(), "relative", None, None)]
    offset = {"last": -1, "this": 0, "next": 1}[m["rel"].lower()]
    day = m.groupdict().get("d") or m.groupdict().get("d2")
    iso = _iso(ref.year + offset, _month_of(m["m"]), int(day) if day else None)
    if iso is None:
        return None
    return [_Found(m.start(), m.end(), "relative", iso, "day" if day else "month")]


def _relative_month(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    """"last June": the latest June before the reference month; "next June" the first after."""
    month = _month_of(m["m"])
    rel = m["rel"].lower()
    if ref.year is None or (ref.month is None and rel != "this"):
        return [_Found(m.start(), m.end(), "relative", None, None)]
    year = ref.year
    if rel == "last" and ref.month is not None and month >= ref.month:
        year -= 1
    elif rel == "next" and ref.month is not None and month <= ref.month:
        year += 1
    return [_Found(m.start(), m.end(), "relative", _iso(year, month), "month")]


def _day_range_dm(m: re.Match[str], text: str, ref: _Ref) -> list[_Found] | None:
    """"2-5 April 2005", "30 April - 2 May", "between 3 and 5 April"."""
    first_month = _month_of(m["m"]) if m["m"] else _month_of(m["m2"])
    day, second_month, second_day = int(m["d"]), _month_of(m["m2"]), int(m["d2"])
    if m["sep"].strip().lower() == "and" and not m["between"]:
        return None
    if (second_month, second_day) <= (first_month, day):
        return None
    if m["y"]:
        return _found(m, "range", *_span_of(_iso(int(m["y"]), first_month, day), first_month,
                                            second_month))
    if not 1 <= day <= calendar.monthrange(2000, first_month)[1]:
        return None
    iso, precision = _day_month(first_month, day, ref)
    return [_Found(m.start(), m.end(), "range",
                   *_span_of(iso, first_month, second_month, precision))]


# --- patterns, longest match wins; ties go to the earlier pattern ---------------------------

_I = r"(?i:{})"
_SEP = r"\s*(?P<sep>-|–|—|\bto\b|\bthrough\b|\buntil\b|\btill\b|\band\b)\s*"
# "Tuesday, Oct. 10": a weekday before an explicit date belongs to it
_WD = r"(?:(?<!\w)(?:" + _WEEKDAY + r"),?\s+(?:(?i:the)\s+)?)?"
_SEP_OR = r"\s*(?P<sep>-|–|—|\bto\b|\bthrough\b|\buntil\b|\btill\b|\band\b|\bor\b)\s*"
_BETWEEN = r"(?:(?P<between>(?i:between))\s+|(?i:from)\s+)?"

_PATTERNS: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(_y("y") + r"-(?P<mm>0[1-9]|1[0-2])-(?P<dd>0[1-9]|[12]\d|3[01])(?!\d)"), _iso_day),
    (re.compile(_WD + _d("d") + r"\s+(?:of\s+)?" + _m("m") + r",?\s+" + _y("y")), _full_date),
    (re.compile(_WD + _m("m") + r"\s+" + _d("d") + r",?\s+" + _y("y")), _full_date),
    (re.compile(_BETWEEN + _m("m") + r"\s+" + _d("d") + _SEP + r"(?:" + _m("m2") + r"\s+)?"
                + _d("d2") + r"(?:,?\s+" + _y("y") + ")?"), _day_range),
    (re.compile(_BETWEEN + _d("d") + r"(?:\s+(?:of\s+)?" + _m("m") + ")?" + _SEP + _d("d2")
                + r"\s+(?:of\s+)?" + _m("m2") + r"(?:,?\s+" + _y("y") + ")?"), _day_range_dm),
    (re.compile(_BETWEEN + r"(?P<m>" + _FULL + r")" + _SEP_OR
                + r"(?P<m2>" + _FULL + r"),?\s+" + _y("y")), _month_range),
    (re.compile(_BETWEEN + _y("y") + _SEP + r"(?:" + _y("y2") + r"|(?P<yy>\d\d)(?!\w))"),
     _year_range),
    (re.compile(_m("m") + r",?\s+(?:of\s+)?" + _y("y")), _month_year),
    (re.compile(_I.format(r"(?:the\s+)?(?:spring|summer|autumn|fall|winter)\s+(?:of\s+)?")
                + _y("y")), _season_year),
    (re.compile(r"(?:" + _d("d") + r"\s+(?:of\s+)?)?(?<!\w)(?P<m>(?:" + _FULL + r")|(?:" + _ABBR
                + r")\.?)(?!\w)(?:\s+" + _d("d2") + r")?,?\s+(?:of\s+)?"
                + _I.format(r"(?P<rel>last|this|next)\s+year") + r"\b"), _month_relative_year),
    (re.compile(_I.format(r"\b(?P<rel>last|this|next)\s+") + r"(?P<m>" + _FULL + r")(?!\w)"),
     _relative_month),
    (re.compile(_WD + _m("m") + r"\s+" + _d("d") + r"(?!\s*(?:%|[.,]\d))"), _partial),
    (re.compile(_WD + _d("d") + r"\s+(?:of\s+)?" + _m("m")), _partial),
    (re.compile(r"(?<!\w)(?P<m>" + _FULL + r")(?!\w)"), _bare_month),
    (re.compile(_y("y")), _year),
    (re.compile(_I.format(r"\b(?:(?P<rel>last|this|next|past)\s+)?") + r"(?P<wd>" + _WEEKDAY
                + r")(?!\w)(?:" + _I.format(r"\s+(?:morning|afternoon|evening|night)\b") + ")?"),
     _weekday),
    (re.compile(r"(?i:\bthe\s+)(?P<od>[1-3]?\d)(?:st|nd|rd|th)\b(?:\s+(?i:of\s+this\s+month))?"
                r"(?!\s+(?i:of\s+(?!this)|century|anniversary|session|consecutive|year|time|"
                r"floor|day|round|amendment|congress|parliament|meeting))"), _ordinal_day),
    (re.compile(_I.format(r"\b(?:the\s+day\s+before\s+yesterday|today|tonight|tomorrow|"
                          r"yesterday(?:\s+(?:morning|afternoon|evening))?|"
                          r"this\s+(?:morning|afternoon|evening))\b")), _day_word),
    (re.compile(_I.format(r"\b(?P<rel>last|this|next)\s+(?P<unit>year|month|week)\b")), _period),
    (re.compile(_I.format(r"\b(?P<n>" + _NUM + r"|\d{1,2})\s+(?P<unit>day|week|month|year)s?"
                          r"\s+ago\b")), _ago),
    (re.compile(_I.format(r"\b(?:the\s+(?:previous|following|next|same)\s+(?:day|week|month|year)"
                          r"|the\s+day\s+(?:before|after)|that\s+(?:same\s+)?(?:day|week|month|year)"
                          r"|(?:a|one)\s+(?:day|week|month|year)\s+(?:earlier|later)"
                          r"|(?:" + _NUM + r"|\d{1,2})\s+(?:days|weeks)\s+(?:earlier|later))\b")),
     _anaphoric),
]
# What each pattern cannot match without: a month name (as cased in the patterns; the
# patterns with a day or a year and a month), a digit, a weekday name, a time word. A
# sentence without it skips the pattern: same matches, and most sentences are spared most
# of the twenty scans.
_DIGIT = re.compile(r"\d")
_MONTH_NAME = re.compile(_FULL + "|" + _ABBR)
_WEEKDAY_NAME = re.compile(_WEEKDAY)
_TIME_WORDS = ("day", "night", "morrow", "morning", "afternoon", "evening", "week", "month",
               "year")
_TIME_WORD = re.compile("(?i)" + "|".join(_TIME_WORDS))


def _has_time_word(sentence: str) -> bool:
    if sentence.isascii():  # the same test, without a slow case-blind regex
        lower = sentence.lower()
        return any(word in lower for word in _TIME_WORDS)
    return _TIME_WORD.search(sentence) is not None


_GATES: tuple[Callable[[str], object], ...] = (
    _DIGIT.search, *[_MONTH_NAME.search] * 5, _DIGIT.search, _MONTH_NAME.search,
    _DIGIT.search, *[_MONTH_NAME.search] * 5, _DIGIT.search, _WEEKDAY_NAME.search, _DIGIT.search,
    *[_has_time_word] * 4)
assert len(_GATES) == len(_PATTERNS)




# --- matching -------------------------------------------------------------------------------

def _extend_left(text: str, start: int, floor: int) -> tuple[int, bool]:
    """Widen a match over a time of day, modifiers and a preposition or "since"."""
    since = False
    floor = max(floor, start - 60)  # the longest extension is well under 60 characters
    for pattern in (_TIME_OF_DAY_BEFORE, _MODIFIER_BEFORE, _MODIFIER_BEFORE):
        m = pattern.search(text, floor, start)
        if m is not None:
            start = m.start()
    m = _SINCE_BEFORE.search(text, floor, start)
    if m is not None:
        return m.start(), True
    m = _PREPOSITION_BEFORE.search(text, floor, start)
    if m is not None:
        start = m.start()
    return start, since


def find_dates(sentence: str, reference: DateValue = UNKNOWN_DATE) -> list[DateMatch]:
    """Every date expression in `sentence`, in order, resolved against `reference`."""
    ref = _ref(reference)
    candidates: list[tuple[int, int, int, list[_Found]]] = []
    present: dict[Callable[[str], object], bool] = {}
    for priority, ((pattern, handler), gate) in enumerate(zip(_PATTERNS, _GATES, strict=True)):
        if gate not in present:
            present[gate] = bool(gate(sentence))
        if not present[gate]:
            continue
        for m in pattern.finditer(sentence):
            found = handler(m, sentence, ref)
            if found:
                candidates.append((m.start(), m.end(), priority, found))
    candidates.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    chosen: list[tuple[int, int, list[_Found]]] = []
    for start, end, _priority, found in candidates:
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, found))
    chosen.sort(key=lambda c: c[0])
    results: list[DateMatch] = []
    floor = 0
    for _start, end, found in chosen:
        for f in found:
            start, since = _extend_left(sentence, f.start, floor)
            kind = "since" if since and f.kind != "name" else f.kind
            if kind != "since" and _NAME_AFTER.match(sentence, f.end):
                kind = "name"  # "the June 15 Joint Declaration"
            words = sentence[start:f.end]
            results.append(DateMatch(start, f.end, words, DateValue(f.iso, f.precision, words),
                                     kind))
            floor = f.end
        floor = max(floor, end)
    return results


def parse_date(text: str, reference: DateValue = UNKNOWN_DATE) -> DateValue | None:
    """Read one date expression ("19 December, 2023", "last year", "2023-10").

    Returns None when `text` holds no date, only a name ("1951 Convention"), or a date that
    the reference cannot resolve ("on Tuesday" with an unknown reference).
    """
    stripped = text.strip()
    m = _ISO_RE.fullmatch(stripped)
    if m is not None:
        year, month, day = (int(g) if g else None for g in m.groups())
        assert year is not None
        iso = _iso(year, month, day)
        if iso is None:
            return None
        precision = "day" if day else "month" if month else "year"
        return DateValue(iso, precision, stripped)
    for match in find_dates(stripped, reference):
        if match.kind != "name":
            return match.value if match.value.known else None
    return None


def is_since(text: str) -> bool:
    """True when a date expression starts a state of affairs ("since 1998", "ever since May")."""
    return _SINCE_TEXT.match(text) is not None
