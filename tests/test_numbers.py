"""Counts of people: graph.text.numbers."""

from __future__ import annotations

import pytest

from graph.facts import COUNT_QUALIFIERS, PersonCount
from graph.text.numbers import find_counts, parse_count, people_after


def C(value: int | None, lo: int | None, hi: int | None, qualifier: str, text: str) -> PersonCount:
    return PersonCount(value, lo, hi, qualifier, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # exact figures, in digits and words
        ("600", C(600, None, None, "exact", "600")),
        ("1,200", C(1200, None, None, "exact", "1,200")),
        ("100,000", C(100000, None, None, "exact", "100,000")),
        ("nine", C(9, None, None, "exact", "nine")),
        ("Twelve", C(12, None, None, "exact", "Twelve")),
        ("forty-one", C(41, None, None, "exact", "forty-one")),
        ("twenty one", C(21, None, None, "exact", "twenty one")),
        ("one hundred and twenty", C(120, None, None, "exact", "one hundred and twenty")),
        ("a hundred", C(100, None, None, "exact", "a hundred")),
        ("two thousand five hundred", C(2500, None, None, "exact", "two thousand five hundred")),
        ("three million", C(3_000_000, None, None, "exact", "three million")),
        ("1.5 million", C(1_500_000, None, None, "exact", "1.5 million")),
        ("2 million", C(2_000_000, None, None, "exact", "2 million")),
        ("a dozen", C(12, None, None, "exact", "a dozen")),
        ("two dozen", C(24, None, None, "exact", "two dozen")),
        ("half a dozen", C(6, None, None, "exact", "half a dozen")),
        # approximations
        ("about 600", C(600, None, None, "approximately", "about 600")),
        ("around 40", C(40, None, None, "approximately", "around 40")),
        ("approximately 75", C(75, None, None, "approximately", "approximately 75")),
        ("roughly 1,000", C(1000, None, None, "approximately", "roughly 1,000")),
        ("some two hundred", C(200, None, None, "approximately", "some two hundred")),
        ("an estimated 300", C(300, None, None, "approximately", "an estimated 300")),
        ("about a dozen", C(12, None, None, "approximately", "about a dozen")),
        ("50 or so", C(50, None, None, "approximately", "50 or so")),
        ("nearly 600", C(600, None, 600, "approximately", "nearly 600")),
        ("almost 80", C(80, None, 80, "approximately", "almost 80")),
        ("close to 200", C(200, None, 200, "approximately", "close to 200")),
        # bounds
        ("more than 600", C(None, 601, None, "more_than", "more than 600")),
        ("over 600", C(None, 601, None, "more_than", "over 600")),
        ("in excess of 70", C(None, 71, None, "more_than", "in excess of 70")),
        ("at least 30", C(None, 30, None, "at_least", "at least 30")),
        ("no fewer than 8", C(None, 8, None, "at_least", "no fewer than 8")),
        ("30 or more", C(None, 30, None, "at_least", "30 or more")),
        ("200+", C(None, 200, None, "at_least", "200+")),
        ("200-plus", C(None, 200, None, "at_least", "200-plus")),
        ("fewer than 10", C(None, None, 9, "fewer_than", "fewer than 10")),
        ("less than 10", C(None, None, 9, "fewer_than", "less than 10")),
        ("under 18", C(None, None, 17, "fewer_than", "under 18")),
        ("up to 50", C(None, None, 50, "at_most", "up to 50")),
        ("as many as 90", C(None, None, 90, "at_most", "as many as 90")),
        ("no more than 5", C(None, None, 5, "at_most", "no more than 5")),
        # ranges
        ("between 200 and 300", C(None, 200, 300, "range", "between 200 and 300")),
        ("200-300", C(None, 200, 300, "range", "200-300")),
        ("200–300", C(None, 200, 300, "range", "200–300")),
        ("200 to 300", C(None, 200, 300, "range", "200 to 300")),
        ("from 15 to 20", C(None, 15, 20, "range", "from 15 to 20")),
        ("two or three", C(None, 2, 3, "range", "two or three")),
        ("300 to 200", C(300, None, None, "exact", "300")),  # not a range: reversed
        ("two to three hundred", C(None, 200, 300, "range", "two to three hundred")),
        ("some 40 to 50", C(None, 40, 50, "range", "some 40 to 50")),
        # fractions of a stated number
        ("a third of 90", C(30, None, None, "exact", "a third of 90")),
        ("half of the 60", C(30, None, None, "exact", "half of the 60")),
        ("two-thirds of the 90", C(60, None, None, "exact", "two-thirds of the 90")),
        ("a quarter of 200", C(50, None, None, "exact", "a quarter of 200")),
        ("half of 61", C(31, None, None, "approximately", "half of 61")),
        # vague words, with the documented conventions
        ("hundreds", C(None, 200, 999, "vague", "hundreds")),
        ("Hundreds", C(None, 200, 999, "vague", "Hundreds")),
        ("dozens", C(None, 24, 99, "vague", "dozens")),
        ("thousands", C(None, 2000, 9999, "vague", "thousands")),
        ("tens of thousands", C(None, 20000, 99999, "vague", "tens of thousands")),
        ("hundreds of thousands", C(None, 200_000, 999_999, "vague", "hundreds of thousands")),
        ("millions", C(None, 2_000_000, 9_999_999, "vague", "millions")),
        ("scores", C(None, 40, 199, "vague", "scores")),
        ("a few", C(None, 2, 5, "vague", "a few")),
        ("several", C(None, 3, 9, "vague", "several")),
        ("a few hundred", C(None, 200, 599, "vague", "a few hundred")),
        ("several thousand", C(None, 3000, 9999, "vague", "several thousand")),
        ("numerous", C(None, None, None, "vague", "numerous")),
        ("many", C(None, None, None, "vague", "many")),
        ("countless", C(None, None, None, "vague", "countless")),
        ("a number of", C(None, None, None, "vague", "a number")),
        ("a large number of", C(None, None, None, "vague", "a large number")),
        # a leading determiner is skipped, trailing words are ignored
        ("the 600", C(600, None, None, "exact", "600")),
        ("all 30 detainees", C(30, None, None, "exact", "30")),
    ],
)
def test_numbers_parse_count(text: str, expected: PersonCount) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "90%", "90 %", "90 percent", "90 per cent", "78th", "1990s", "4.5", "3km", "thousand",
        "hundred", "the", "", "   ", "some", "half of them", "a third", "between China and Japan",
        "fewer than 0", "$600", "No. 7", "a", "most", "both",
    ],
)
def test_numbers_parse_count_rejects(text: str) -> None:
    assert parse_count(text) is None


def test_numbers_qualifiers_are_from_the_contract() -> None:
    for text in ("600", "about 6", "over 6", "at least 6", "under 6", "up to 6", "6-9", "many"):
        count = parse_count(text)
        assert count is not None and count.qualifier in COUNT_QUALIFIERS


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Border guards sent back 30 North Koreans after the visit.",
         [("30", C(30, None, None, "exact", "30"), "North Koreans")]),
        ("Most of the 600 North Korean defectors who were returned are women.",
         [("600", C(600, None, None, "exact", "600"), "North Korean defectors")]),
        ("Police moved a third of 90 imprisoned North Korean migrants to another camp.",
         [("a third of 90", C(30, None, None, "exact", "a third of 90"),
           "imprisoned North Korean migrants")]),
        ("Officials deported hundreds of North Korean defectors last spring.",
         [("hundreds", C(None, 200, 999, "vague", "hundreds"), "North Korean defectors")]),
        ("Numerous escapees, mostly young, were caught.",
         [("Numerous", C(None, None, None, "vague", "Numerous"), "escapees")]),
        ("More than 80% of the 250 detainees were women.",
         [("250", C(250, None, None, "exact", "250"), "detainees")]),
        ("The move puts over 450 refugees at risk.",
         [("over 450", C(None, 451, None, "more_than", "over 450"), "refugees")]),
        ("About 70,000 North Korean workers reside abroad.",
         [("About 70,000", C(70000, None, None, "approximately", "About 70,000"),
           "North Korean workers")]),
        ("Tens of thousands of people have crossed the river.",
         [("Tens of thousands", C(None, 20000, 99999, "vague", "Tens of thousands"), "people")]),
        ("A considerable number of children were among them.",
         [("A considerable number", C(None, None, None, "vague", "A considerable number"),
           "children")]),
        ("Guards handed over 12 asylum seekers to the police.",
         [("12", C(12, None, None, "exact", "12"), "asylum seekers")]),
        ("Seven women and children were returned on Friday.",
         [("Seven", C(7, None, None, "exact", "Seven"), "women and children")]),
        ("Three women and two children were held.",
         [("Three", C(3, None, None, "exact", "Three"), "women"),
          ("two", C(2, None, None, "exact", "two"), "children")]),
        ("One North Korean woman escaped.",
         [("One", C(1, None, None, "exact", "One"), "North Korean woman")]),
        ("Dozens more North Koreans remain in custody.",
         [("Dozens", C(None, 24, 99, "vague", "Dozens"), "North Koreans")]),
        ("At least 17 family members were detained.",
         [("At least 17", C(None, 17, None, "at_least", "At least 17"), "family members")]),
        ("Between 40 and 50 fishermen were repatriated.",
         [("Between 40 and 50", C(None, 40, 50, "range", "Between 40 and 50"), "fishermen")]),
        ("On 9 October 30 women were returned.",
         [("30", C(30, None, None, "exact", "30"), "women")]),
        ("They returned two-thirds of the 90 North-Korean prisoners.",
         [("two-thirds of the 90", C(60, None, None, "exact", "two-thirds of the 90"),
           "North-Korean prisoners")]),
        ("Several hundred thousand people fled the famine.",
         [("Several hundred thousand",
           C(None, 300_000, 999_999, "vague", "Several hundred thousand"), "people")]),
    ],
)
def test_numbers_find_counts(
    sentence: str, expected: list[tuple[str, PersonCount, str]]
) -> None:
    found = find_counts(sentence)
    assert [(m.words, m.count, m.people) for m in found] == expected
    for m in found:
        assert sentence[m.start:m.end] == m.words == m.count.text
        assert sentence[m.people_start:m.people_end] == m.people


@pytest.mark.parametrize(
    "sentence",
    [
        "The council, comprising 61 rights groups, welcomed the move.",
        "The statement was released by 18 specialists who serve the council.",
        "The foundation and 26 organizations signed it.",
        "Each state is reviewed every 4.5 years.",
        "The resolution was adopted at the 78th session.",
        "More than 90% of them are women.",
        "In 2019 people across the region protested.",
        "The 30 refugee camps are full.",
        "Some 600 women's rights groups objected.",
        "The border is 1,400 kilometres long.",
        "A third consecutive resolution was adopted.",
        "China has been a party since 1982.",
        "They visited on April 2-5.",
        "It was adopted by a vote of 30 to 3.",
        "Many of them have fled.",
        "The number of defectors fell.",
        "Prices rose 600 times more than wages for people.",
        "They paid $600 to brokers.",
        "One in three women reported abuse.",
        "Prices rose 1 in 5 years for people.",
    ],
)
def test_numbers_find_counts_ignores_non_people(sentence: str) -> None:
    assert find_counts(sentence) == []


def test_numbers_people_after() -> None:
    text = "sent back 30 North Korean defectors to the border"
    span = people_after(text, text.index("30") + 2)
    assert span is not None and text[span[0]:span[1]] == "North Korean defectors"
    assert people_after("61 rights groups", 2) is None


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


@pytest.mark.parametrize("sentence", [
    "Some 200 to 300 North Korean defectors, a third of the 90 women and half a dozen men.",
    "Chinese police handed over 30 people; between 50 and 60 escapees; dozens more refugees.",
    "More than 600 were returned, the group said, and no fewer than ten children.",
    "Human rights groups said 61 rights groups and 90% of them; one in three women.",
])
def test_numbers_prefilters_change_no_count(sentence: str, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    """Tokens no count starts with, and sentences with no person noun, are skipped: the
    same counts as parsing everywhere."""
    import graph.text.numbers as numbers

    filtered = numbers.find_counts(sentence)
    monkeypatch.setattr(numbers, "_FIRST_WORDS", _Everything())
    monkeypatch.setattr(numbers, "_HEAD_WORDS", _Everything())
    assert numbers.find_counts(sentence) == filtered


def test_numbers_hyphenated_modifier_with_a_function_word() -> None:
    """"would-be" holds a word that ends a phrase on its own ("would")."""
    [match] = find_counts("Police held 14 North Korean would-be migrants near the river.")
    assert match.count.value == 14
