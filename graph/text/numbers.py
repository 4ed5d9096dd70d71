"""Counts of people in English text: "600", "more than 600", "a third of 90", "hundreds".

`parse_count` reads one count phrase; `find_counts` finds the count phrases of a sentence that
count people (a person noun follows, see `PERSON_NOUNS`). Both return `PersonCount` values with
the words as written.

Conventions (the ontology stores `value` for an exact or approximate figure and `min`/`max`
for bounds; both bounds are inclusive):

====================================================  ============  =====  =======  =======
words                                                 qualifier     value  min      max
====================================================  ============  =====  =======  =======
"600", "six hundred", "1,200", "a dozen" (12)         exact         600
"about", "around", "approximately", "roughly",        approximately 600
"some", "an estimated", "circa" 600; "600 or so"
"nearly", "almost", "close to" 600                    approximately 600             600
"more than", "over", "above", "in excess of" 600      more_than            601
"at least", "no fewer than" 30; "30 or more", "30+"   at_least             30
"fewer than", "less than", "under", "below" 10        fewer_than                    9
"up to", "at most", "no more than", "as many as" 50   at_most                       50
"between 200 and 300", "200-300", "two or three"      range                200      300
"a third of 90", "half of the 60"                     exact         30
(a fraction that is not a whole number is rounded and marked approximately)
====================================================  ============  =====  =======  =======

Vague words keep the words and give the bounds the words imply. A plural unit means at least
two of it and fewer than ten: "hundreds" 200–999, "thousands" 2,000–9,999, "tens of
thousands" 20,000–99,999, "hundreds of thousands" 200,000–999,999, "millions"
2,000,000–9,999,999, "tens" 20–99, "scores" 40–199 (scores of twenty). "dozens" is 24–99:
two dozen at least, and above 99 a writer says "hundreds". "a few" and "a handful" are 2–5,
"several" 3–9, "a couple" 2–3; before a unit they multiply it ("a few hundred" 200–599,
"several thousand" 3,000–9,999). "numerous", "many", "countless", "a number of",
"a large number of" carry no bounds: PersonCount(None, None, None, "vague", words).

Percentages ("90%", "90 per cent") are never counts; nor are ordinals ("78th"), decimals
without a unit ("4.5"), or years after a date word ("in 2019").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from graph.facts import PersonCount

__all__ = [
    "PERSON_NOUNS",
    "PERSON_NOUNS_SINGULAR",
    "CountMatch",
    "find_counts",
    "parse_count",
    "people_after",
]

# --- the language ---------------------------------------------------------------------------

# Heads of noun phrases naming people who are returned, detained or flee (not experts, groups
# or organisations: "18 specialists" and "61 rights groups" are not counts of returnees).
PERSON_NOUNS = frozenset({
    "defectors", "refugees", "escapees", "escapers", "koreans", "people", "persons",
    "individuals", "women", "children", "kids", "minors", "infants", "babies", "migrants",
    "seekers", "detainees", "prisoners", "inmates", "captives", "men", "girls", "boys",
    "workers", "labourers", "laborers", "nationals", "citizens", "returnees", "deportees",
    "repatriates", "residents", "civilians", "adults", "teenagers", "teens", "fugitives",
    "crossers", "evacuees", "asylees", "victims", "students", "soldiers", "fishermen",
    "sailors", "seamen", "abductees",
})
PERSON_NOUNS_SINGULAR = frozenset({
    "defector", "refugee", "escapee", "escaper", "korean", "person", "individual", "woman",
    "child", "kid", "minor", "infant", "baby", "migrant", "seeker", "detainee", "prisoner",
    "inmate", "captive", "man", "girl", "boy", "worker", "labourer", "laborer", "national",
    "citizen", "returnee", "deportee", "repatriate", "resident", "civilian", "adult",
    "teenager", "teen", "fugitive", "crosser", "evacuee", "asylee", "victim", "student",
    "soldier", "fisherman", "sailor", "seaman", "abductee",
})
# Two-word heads whose second word alone is not a person noun.
_PERSON_COMPOUNDS = frozenset({
    ("family", "members"), ("family", "member"), ("household", "members"),
    ("crew", "members"), ("crew", "member"),
})
# A noun after the person noun makes it a modifier: "women's groups", "refugee camps".
_NOT_PERSON_AFTER = frozenset({
    "group", "groups", "organization", "organizations", "organisation", "organisations",
    "association", "associations", "rights", "camp", "camps", "center", "centers", "centre",
    "centres", "agency", "agencies", "office", "offices", "commission", "council", "law",
    "laws", "policy", "policies", "status", "issue", "issues", "convention", "programme",
    "programmes", "program", "programs", "shelter", "shelters", "network", "networks",
})
# Words that end the phrase between a count and its noun.
_STOP = frozenset({
    "the", "a", "an", "of", "in", "on", "at", "to", "from", "by", "with", "for", "into",
    "onto", "over", "under", "after", "before", "during", "since", "across", "within",
    "without", "through", "and", "or", "but", "nor", "who", "whom", "whose", "which", "that",
    "were", "was", "are", "is", "be", "been", "being", "have", "has", "had", "will", "would",
    "shall", "should", "may", "might", "can", "could", "must", "do", "does", "did", "not",
    "their", "its", "his", "her", "our", "your", "my", "they", "them", "these", "those",
    "this", "while", "when", "where", "as", "than", "per", "percent", "cent", "times", "fold",
    "years", "year", "months", "month", "weeks", "week", "days", "day", "hours", "km",
    "kilometres", "kilometers", "miles", "metres", "meters", "dollars", "won", "yuan",
})
_DETERMINERS = frozenset({"the", "these", "those", "some", "all"})
# "handed over 30 people": "over" is a verb particle there, not "more than".
_PARTICLE_VERBS = frozenset({
    "hand", "hands", "handed", "handing", "turn", "turns", "turned", "turning", "take",
    "takes", "took", "taken", "taking", "pass", "passes", "passed", "passing", "give", "gives",
    "gave", "given", "giving", "carry", "carried", "send", "sent", "sending", "fly", "flew",
    "flown", "bring", "brought", "won", "win", "signed", "sign",
})
_DATE_WORDS = frozenset({
    "in", "since", "by", "until", "till", "from", "during", "before", "after", "between",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "year", "mid", "early", "late",
})

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_FRACTIONS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
    "tenth": 10, "tenths": 10,
}
# Plural units: "hundreds" = 2..9 hundreds. Values: (unit, min multiple, max multiple).
_PLURAL_UNITS = {
    "tens": 10, "scores": 20, "hundreds": 100, "thousands": 1_000, "millions": 1_000_000,
}
# Vague quantifiers: words -> (min multiple, max multiple) of the unit that may follow.
_FEW_WORDS: dict[tuple[str, ...], tuple[int, int]] = {
    ("a", "few"): (2, 5),
    ("a", "handful", "of"): (2, 5),
    ("several",): (3, 9),
    ("a", "couple", "of"): (2, 3),
    ("a", "couple"): (2, 3),
}
_UNBOUNDED: tuple[tuple[str, ...], ...] = (
    ("a", "large", "number", "of"), ("a", "great", "number", "of"),
    ("a", "considerable", "number", "of"), ("a", "significant", "number", "of"),
    ("a", "substantial", "number", "of"), ("a", "growing", "number", "of"),
    ("an", "increasing", "number", "of"), ("a", "small", "number", "of"),
    ("a", "number", "of"), ("numerous",), ("many",), ("countless",), ("untold",),
)
# Modifiers before a number: words -> qualifier. Longest first when matching.
_MODIFIERS: dict[tuple[str, ...], str] = {
    ("about",): "approximately", ("around",): "approximately",
    ("approximately",): "approximately", ("approx",): "approximately",
    ("roughly",): "approximately", ("some",): "approximately",
    ("an", "estimated"): "approximately", ("estimated",): "approximately",
    ("circa",): "approximately", ("more", "or", "less"): "approximately",
    ("nearly",): "nearly", ("almost",): "nearly", ("close", "to"): "nearly",
    ("more", "than"): "more_than", ("over",): "more_than", ("above",): "more_than",
    ("in", "excess", "of"): "more_than", ("upwards", "of"): "more_than",
    ("exceeding",): "more_than", ("just", "over"): "more_than", ("well", "over"): "more_than",
    ("at", "least"): "at_least", ("no", "fewer", "than"): "at_least",
    ("no", "less", "than"): "at_least", ("not", "less", "than"): "at_least",
    ("not", "fewer", "than"): "at_least", ("a", "minimum", "of"): "at_least",
    ("fewer", "than"): "fewer_than", ("less", "than"): "fewer_than",
    ("under",): "fewer_than", ("below",): "fewer_than", ("just", "under"): "fewer_than",
    ("up", "to"): "at_most", ("at", "most"): "at_most", ("no", "more", "than"): "at_most",
    ("not", "more", "than"): "at_most", ("as", "many", "as"): "at_most",
    ("a", "maximum", "of"): "at_most",
}
_MODIFIER_KEYS = sorted(_MODIFIERS, key=len, reverse=True)
# The same keys by first word, longest first (the order `_phrase` tries them in).
_MODIFIERS_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _key in _MODIFIER_KEYS:
    _MODIFIERS_BY_FIRST.setdefault(_key[0], []).append(_key)
_PERCENT_WORDS = frozenset({"%", "percent", "per", "pct"})

# --- tokens ---------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)*)(?P<suffix>[A-Za-z]*)"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|(?P<punct>\S)"
)
_INT_RE = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_DEC_RE = re.compile(r"\d+\.\d+")
_HYPHENS = frozenset({"-", "‐", "‑", "–", "—"})


class _Tok(NamedTuple):  # a tuple: sentences are tokenised often, and tuples are cheap
    text: str
    low: str
    start: int
    end: int
    kind: str  # "int", "dec", "badnum", "word", "punct"

    def number(self) -> Fraction | None:
        if self.kind == "int":
            return Fraction(int(self.text.replace(",", "")))
        if self.kind == "dec":
            return Fraction(self.text)
        return None


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in _TOKEN_RE.finditer(text):
        if m.group("num") is not None:
            digits, suffix = m.group("num"), m.group("suffix")
            if suffix or len(digits) > 20:
                kind = "badnum"  # "78th", "1990s", "3km", or a run of digits no count has
            elif _INT_RE.fullmatch(digits):
                kind = "int"
            elif _DEC_RE.fullmatch(digits):
                kind = "dec"
            else:
                kind = "badnum"
        elif m.group("word") is not None:
            kind = "word"
        else:
            kind = "punct"
        out.append(_Tok(m.group(), m.group().lower(), m.start(), m.end(), kind))
    return out


def _words_at(toks: list[_Tok], i: int, words: tuple[str, ...]) -> bool:
    return i + len(words) <= len(toks) and all(
        toks[i + k].low == w for k, w in enumerate(words)
    )


# --- numbers --------------------------------------------------------------------------------

def _word_number(toks: list[_Tok], i: int) -> tuple[int, int] | None:
    """"forty-one", "one hundred and twenty", "two thousand five hundred", "a hundred"."""
    total = 0
    current = 0
    last = ""  # kind of the last word read
    last_scale = 10 ** 12
    j = i
    if j < len(toks) and toks[j].low in ("a", "an") and j + 1 < len(toks) and (
        toks[j + 1].low == "hundred" or toks[j + 1].low in _SCALES
    ):
        current, last, j = 1, "unit", j + 1
    read = j > i
    while j < len(toks):
        if last == "" and (toks[j].low == "hundred" or toks[j].low in _SCALES):
            break
        w = toks[j].low
        if w in _UNITS:
            if last in ("unit", "hundred_unit") or (last == "tens" and _UNITS[w] > 9):
                break
            current += _UNITS[w]
            last = "unit"
        elif w in _TENS:
            if last in ("unit", "tens"):
                break
            current += _TENS[w]
            last = "tens"
        elif w == "hundred":
            if last == "hundred" or current >= 100:
                break
            current = (current or 1) * 100
            last = "hundred"
        elif w in _SCALES:
            scale = _SCALES[w]
            if last in ("", "scale") or scale >= last_scale:
                break
            total += (current or 1) * scale
            current, last, last_scale = 0, "scale", scale
        elif (
            w in _HYPHENS and last == "tens" and j + 1 < len(toks)
            and 0 < _UNITS.get(toks[j + 1].low, 0) < 10
        ) or (
            w == "and" and last in ("hundred", "scale") and j + 1 < len(toks)
            and (toks[j + 1].low in _UNITS or toks[j + 1].low in _TENS)
        ):
            j += 1
            continue
        else:
            break
        read = True
        j += 1
    if not read or last == "":
        return None
    return total + current, j


def _number(toks: list[_Tok], i: int) -> tuple[Fraction, int, bool] | None:
    """A number at token i: (value, end token, has_unit_word). None for percentages etc."""
    if i >= len(toks):
        return None
    tok = toks[i]
    value: Fraction | None
    scaled = False
    if tok.kind in ("int", "dec"):
        if i > 0 and toks[i - 1].text in ("$", "€", "£", "¥", "#", "/"):
            return None
        value, j = tok.number(), i + 1
        if j < len(toks) and (toks[j].low == "hundred" or toks[j].low in _SCALES):
            assert value is not None
            value *= 100 if toks[j].low == "hundred" else _SCALES[toks[j].low]
            j, scaled = j + 1, True
            if j < len(toks) and toks[j].low in _SCALES:  # "3 hundred thousand"
                value *= _SCALES[toks[j].low]
                j += 1
        elif tok.kind == "dec":
            return None  # "4.5 years": a decimal without a unit word is no count
    elif tok.low in ("a", "an") and i + 1 < len(toks) and toks[i + 1].low == "dozen":
        value, j = Fraction(1), i + 1
    else:
        parsed = _word_number(toks, i)
        if parsed is None:
            return None
        value, j = Fraction(parsed[0]), parsed[1]
        scaled = any(toks[k].low == "hundred" or toks[k].low in _SCALES for k in range(i, j))
    assert value is not None
    # "two dozen"
    if j < len(toks) and toks[j].low == "dozen":
        value, j = value * 12, j + 1
    if j < len(toks) and (toks[j].low in _PERCENT_WORDS or toks[j].kind == "badnum"):
        return None
    if value.denominator != 1:
        return None
    return value, j, scaled


# --- count phrases --------------------------------------------------------------------------

def _vague(words: str, lo: int | None, hi: int | None) -> PersonCount:
    return PersonCount(None, lo, hi, "vague", words)


def _phrase(toks: list[_Tok], i: int, text: str) -> tuple[PersonCount, int] | None:
    """Parse a count phrase starting at token i; (count, end token) or None."""
    n = len(toks)
    if i >= n:
        return None

    def words(j: int) -> str:
        return text[toks[i].start:toks[j - 1].end]

    low = toks[i].low

    # "half a dozen"
    if _words_at(toks, i, ("half", "a", "dozen")):
        return PersonCount(6, None, None, "exact", words(i + 3)), i + 3

    # Plural units: "hundreds", "tens of thousands", "dozens".
    if low in _PLURAL_UNITS or low == "dozens":
        j = i + 1
        if low == "dozens":
            lo, hi = 24, 99
        else:
            unit = _PLURAL_UNITS[low]
            if j + 1 < n and toks[j].low == "of" and toks[j + 1].low in _PLURAL_UNITS and (
                _PLURAL_UNITS[toks[j + 1].low] > unit
            ):
                unit *= _PLURAL_UNITS[toks[j + 1].low]
                j += 2
            lo, hi = 2 * unit, 10 * unit - 1
        return _vague(words(j), lo, hi), j

    # "a few", "several", "a couple of", optionally before a unit ("a few hundred").
    for key, (kmin, kmax) in _FEW_WORDS.items():
        if _words_at(toks, i, key):
            j = i + len(key) - (1 if key[-1] == "of" else 0)
            unit = 1
            units = {"hundred": 100, "dozen": 12, **_SCALES}
            if j < n and toks[j].low in units:
                unit = units[toks[j].low]
                j += 1
                if j < n and toks[j].low in _SCALES:  # "several hundred thousand"
                    unit *= _SCALES[toks[j].low]
                    j += 1
            hi = kmax * unit + (unit - 1 if unit > 1 else 0)
            return _vague(words(j), kmin * unit, hi), j

    for key in _UNBOUNDED:
        if _words_at(toks, i, key):
            # "a number of": "of" must follow, but it belongs to the noun phrase.
            j = i + len(key) - (1 if key[-1] == "of" else 0)
            return _vague(words(j), None, None), j

    # Fractions: "a third of 90", "half of the 60", "two-thirds of the 90".
    frac = _fraction(toks, i)
    if frac is not None:
        part, j = frac
        if j < n and toks[j].low == "of":
            k = j + 1
            while k < n and toks[k].low in _DETERMINERS:
                k += 1
            num = _number(toks, k)
            if num is not None:
                whole = num[0] * part
                if whole.denominator == 1:
                    return PersonCount(int(whole), None, None, "exact", words(num[1])), num[1]
                rounded = int(whole + Fraction(1, 2))  # half up
                return PersonCount(rounded, None, None, "approximately", words(num[1])), num[1]
        return None

    # "between 200 and 300", "from 200 to 300"
    if low in ("between", "from"):
        first = _number(toks, i + 1)
        if first is not None:
            sep = "and" if low == "between" else "to"
            j = first[1]
            if j < n and (toks[j].low == sep or (low == "from" and toks[j].text in _HYPHENS)):
                second = _number(toks, j + 1)
                if second is not None:
                    rng = _range(first, second)
                    if rng is not None:
                        return (PersonCount(None, rng[0], rng[1], "range", words(second[1])),
                                second[1])
        return None

    # Modifier + number, or a bare number (possibly a range or with "or more").
    qualifier = "exact"
    j = i
    for key in _MODIFIERS_BY_FIRST.get(low, ()):
        if _words_at(toks, i, key):
            if key == ("over",) and i > 0 and toks[i - 1].low in _PARTICLE_VERBS:
                continue
            qualifier = _MODIFIERS[key]
            j = i + len(key)
            break
    num = _number(toks, j)
    if num is None:
        return None
    value, end, _scaled = num
    if qualifier == "exact" and _looks_like_year(toks, i, value):
        return None
    # A range: "200-300", "200 to 300", "two or three", "some 200 to 300".
    if qualifier in ("exact", "approximately") and end + 1 < n and (
        toks[end].low in ("to", "or") or toks[end].text == "–" or (
            toks[end].text in _HYPHENS and toks[end].text != "—"
            and toks[end].start == toks[end - 1].end
        )
    ):
        second = _number(toks, end + 1)
        if second is not None:
            rng = _range(num, second)
            if rng is not None:
                return PersonCount(None, rng[0], rng[1], "range", words(second[1])), second[1]
    v = int(value)
    # Suffixes: "600 or more", "600 or so", "600-plus", "600+".
    if qualifier == "exact":
        if _words_at(toks, end, ("or", "more")):
            return PersonCount(None, v, None, "at_least", words(end + 2)), end + 2
        if _words_at(toks, end, ("or", "so")):
            return PersonCount(v, None, None, "approximately", words(end + 2)), end + 2
        if end < n and toks[end].text == "+":
            return PersonCount(None, v, None, "at_least", words(end + 1)), end + 1
        if end + 1 < n and toks[end].text in _HYPHENS and toks[end + 1].low == "plus":
            return PersonCount(None, v, None, "at_least", words(end + 2)), end + 2
    w = words(end)
    if qualifier == "exact":
        return PersonCount(v, None, None, "exact", w), end
    if qualifier == "approximately":
        return PersonCount(v, None, None, "approximately", w), end
    if qualifier == "nearly":
        return PersonCount(v, None, v, "approximately", w), end
    if qualifier == "more_than":
        return PersonCount(None, v + 1, None, "more_than", w), end
    if qualifier == "at_least":
        return PersonCount(None, v, None, "at_least", w), end
    if qualifier == "fewer_than":
        return (PersonCount(None, None, v - 1, "fewer_than", w), end) if v > 0 else None
    return PersonCount(None, None, v, "at_most", w), end


def _fraction(toks: list[_Tok], i: int) -> tuple[Fraction, int] | None:
    """"half", "a third", "two thirds", "two-thirds", "one quarter"."""
    n = len(toks)
    if i < n and toks[i].low in ("half",):
        return Fraction(1, 2), i + 1
    numerator = None
    if i < n and toks[i].low in ("a", "an"):
        numerator = 1
    elif i < n and toks[i].low in _UNITS and 0 < _UNITS[toks[i].low] < 10:
        numerator = _UNITS[toks[i].low]
    if numerator is None:
        return None
    j = i + 1
    if j < n and toks[j].text in _HYPHENS:
        j += 1
    if j < n and toks[j].low in _FRACTIONS:
        plural = toks[j].low.endswith("s")
        if plural == (numerator > 1) or toks[j].low == "half":
            return Fraction(numerator, _FRACTIONS[toks[j].low]), j + 1
    return None


def _range(
    first: tuple[Fraction, int, bool], second: tuple[Fraction, int, bool]
) -> tuple[int, int] | None:
    lo, hi = first[0], second[0]
    # "two to three hundred": the unit of the second number applies to the first.
    if second[2] and not first[2] and lo < 10 <= hi:
        for unit in (1_000_000_000, 1_000_000, 1_000, 100):
            if hi % unit == 0 and hi // unit < 10 and lo * unit < hi:
                lo *= unit
                break
    if lo < hi:
        return int(lo), int(hi)
    return None


def _looks_like_year(toks: list[_Tok], i: int, value: Fraction) -> bool:
    tok = toks[i]
    return (
        tok.kind == "int" and len(tok.text) == 4 and 1900 <= value <= 2099
        and i > 0 and toks[i - 1].low.rstrip(".") in _DATE_WORDS
    )


# --- people after a count -------------------------------------------------------------------

def _people(toks: list[_Tok], j: int, singular: bool) -> tuple[int, int] | None:
    """Token span (start, end) of the person noun phrase starting at j, or None."""
    n = len(toks)
    if j < n and toks[j].low == "more":  # "hundreds more North Koreans"
        j += 1
    if j < n and toks[j].low == "of":  # "hundreds of North Koreans", "600 of the 1,000 people"
        j += 1
        if j < n and toks[j].low in ("the", "these", "those", "them", "whom"):
            j += 1
    start = j
    modifiers = 0
    nouns = PERSON_NOUNS_SINGULAR | PERSON_NOUNS if singular else PERSON_NOUNS
    while j < n and modifiers <= 5:
        tok = toks[j]
        if tok.kind != "word":
            if tok.text in _HYPHENS and j > start and j + 1 < n and toks[j + 1].kind == "word" \
                    and toks[j - 1].end == tok.start:
                j += 1
                continue
            return None
        head = tok.low in nouns or (
            j > start and (toks[j - 1].low, tok.low) in _PERSON_COMPOUNDS
        )
        after = toks[j + 1].low if j + 1 < n else ""
        if head and tok.low not in PERSON_NOUNS and after in nouns:
            head = False  # "one North Korean woman": "Korean" is an adjective here
        if head and after not in _NOT_PERSON_AFTER:
            end = j + 1
            # "women and children", "men, women and children"
            while end + 1 < n and toks[end].low in ("and", "or", ",") and (
                toks[end + 1].low in PERSON_NOUNS
            ):
                end += 2
            return start, end
        joined = (j + 1 < n and toks[j + 1].text in _HYPHENS and toks[j + 1].start == tok.end
                  ) or (j > start and toks[j - 1].text in _HYPHENS
                        and toks[j - 1].end == tok.start)
        if tok.low in _STOP and not joined:  # "would-be defectors": a hyphenated modifier
            return None
        modifiers += 1
        j += 1
    return None


def people_after(text: str, pos: int) -> tuple[int, int] | None:
    """Character span of a person noun phrase right after `pos` ("North Korean defectors"),
    allowing "of (the)" and a few modifiers before the noun; None if none follows."""
    toks = _tokens(text[pos:pos + 300])  # a noun phrase is short; keeps long texts linear
    span = _people(toks, 0, singular=False)
    if span is None or span[0] >= span[1]:
        return None
    return pos + toks[span[0]].start, pos + toks[span[1] - 1].end


@dataclass(frozen=True, order=True)
class CountMatch:
    """A count of people found in a sentence; offsets are into that sentence."""

    start: int
    end: int
    words: str  # == sentence[start:end], the count phrase ("more than 600")
    count: PersonCount
    people: str  # the noun phrase counted ("North Korean defectors")
    people_start: int
    people_end: int


def parse_count(text: str) -> PersonCount | None:
    """Read the count phrase at the start of `text` ("about 600", "hundreds", "a third of 90").

    A leading determiner ("the 600", "all 30") is skipped. Words after the phrase are
    ignored. Returns None when the text does not start with a count, or when it is a
    percentage, an ordinal or a decimal without a unit.
    """
    toks = _tokens(text)
    i = 0
    while i < len(toks) - 1 and toks[i].low in ("the", "all") and toks[i + 1].low != "of":
        i += 1
    parsed = _phrase(toks, i, text)
    return parsed[0] if parsed is not None else None


# Every word a count phrase may start with (see `_phrase`); numerals start one too.
_FIRST_WORDS = frozenset({
    "half", "dozens", "between", "from", "a", "an", *_PLURAL_UNITS, *_UNITS, *_TENS,
    *(key[0] for key in _FEW_WORDS), *(key[0] for key in _UNBOUNDED),
    *(key[0] for key in _MODIFIERS),
})

# Every word `_people` may take for the head of the counted noun phrase.
_HEAD_WORDS = PERSON_NOUNS | PERSON_NOUNS_SINGULAR | {w for _, w in _PERSON_COMPOUNDS}


def find_counts(sentence: str) -> list[CountMatch]:
    """Counts of people in `sentence`: count phrases followed by a person noun.

    "sent back 30 North Koreans" gives 30; "61 rights groups" and "90% of" give nothing.
    """
    toks = _tokens(sentence)
    found: list[CountMatch] = []
    if not any(t.low in _HEAD_WORDS for t in toks):
        return found  # no person noun for a count to count
    i = 0
    while i < len(toks):
        if toks[i].low not in _FIRST_WORDS and toks[i].kind not in ("int", "dec"):
            i += 1  # no count phrase starts here: skip the costly parse
            continue
        parsed = _phrase(toks, i, sentence)
        if parsed is None:
            i += 1
            continue
        count, j = parsed
        if i >= 2 and toks[i - 1].low == "in" and _number(toks, i - 2) is not None:
            i += 1  # "one in three women" is a ratio
            continue
        span = _people(toks, j, singular=count.value == 1 and count.qualifier == "exact")
        if span is None:
            i += 1
            continue
        ps, pe = toks[span[0]].start, toks[span[1] - 1].end
        found.append(CountMatch(
            toks[i].start, toks[j - 1].end, sentence[toks[i].start:toks[j - 1].end], count,
            sentence[ps:pe], ps, pe,
        ))
        i = span[1]
    return found
