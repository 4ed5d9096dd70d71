"""`rkg.returns.v1`, continued: the people a return sends back, and how many they are.

The count of a return is read from its theme, the object of an active trigger or the subject
of a passive one: first a count phrase the number reader found there ("more than forty
North Korean defectors"), then the parse itself, which also counts heads the person-noun
lexicon does not know ("three loggers"), groups ("a family of five"), coordinations ("two
women and a child" = 3) and single people ("she and her son" = 2). A theme that only
restates people ("they", "the group", "all of them") takes the count the previous sentences
gave them when those sentences say the same people were caught or held ("Police detained 12
people in a border town on May 3. They were sent back a week later.").
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from graph.extract.context import DocView
from graph.extract.story import CUSTODY_VERBS
from graph.facts import PersonCount
from graph.text.numbers import PERSON_NOUNS, PERSON_NOUNS_SINGULAR, parse_count

# Heads of themes that are people besides the person nouns: relatives, groups, pronouns.
KIN_NOUNS = frozenset({"wife", "husband", "son", "daughter", "mother", "father", "sister",
                       "brother", "parent", "parents", "sons", "daughters", "relatives",
                       "relative", "family", "families", "couple", "orphans", "pastor",
                       "group", "groups", "crew", "asylum", "them", "they", "others",
                       "child", "children", "grandmother", "grandfather", "grandson",
                       "granddaughter", "nephew", "niece", "uncle", "aunt", "cousin"})
THEME_PRONOUNS = frozenset({"those", "anyone", "who", "whom", "some", "many", "all", "most",
                            "he", "she", "him", "her", "i", "we", "us", "me", "others",
                            "thousands", "hundreds", "dozens", "scores", "them", "they"})
SINGLE_PEOPLE = frozenset({"he", "she", "him", "her", "i", "me", "wife", "husband", "son",
                           "daughter", "mother", "father", "sister", "brother", "child",
                           "grandmother", "grandfather", "grandson", "granddaughter",
                           "nephew", "niece", "uncle", "aunt", "cousin", "pastor"})
# Group nouns whose size an "of" phrase gives ("a family of five", "a group of 12").
GROUP_NOUNS = frozenset({"family", "group", "party", "crew", "band", "batch", "total"})
PAIR_NOUNS = frozenset({"couple", "pair", "parents", "grandparents"})
# Themes that only restate people told before: "they", "the group", "all of them".
RESTATING = frozenset({"they", "them", "those", "all", "both", "each", "group", "family",
                       "families", "crew"})
DEFINITE = frozenset({"the", "these", "those", "this", "that", "their"})
# Sentences before an event's sentence where its restated people may have been counted.
COUNT_BACK = 2


def theme_count(view: DocView, sent: Span, trigger: Token, theme: Token | None,
                removals: frozenset[str] = frozenset()) -> PersonCount | None:
    """How many people `trigger` returns, from its own sentence, else from the sentences
    before it that caught, held or removed (verbs `removals`) the same people."""
    found = phrase_count(view, sent, trigger, theme)
    summed = _coordinated(theme, trigger) if theme is not None else None
    if summed is not None and (found is None or found.value != summed.value):
        return summed  # "two women and a child": the number reader sees only "two women"
    if found is not None:
        return found
    return _people_in(theme) or _parsed(theme) or _told_before(view, sent, theme,
                                                                CUSTODY_VERBS | removals)


def phrase_count(view: DocView, sent: Span, trigger: Token, theme: Token | None
                 ) -> PersonCount | None:
    """The first count phrase in the theme's words, else in the trigger's phrase."""
    counts = view.counts_in(sent)
    if not counts:
        return None
    zones = []
    if theme is not None:
        zones.append({t.i for t in theme.subtree})
    zones.append({t.i for t in trigger.subtree})
    for zone in zones:
        for span, value in counts:
            if any(i in zone for i in range(span.start, span.end)):
                return value
    return None


def _people_in(theme: Token | None) -> PersonCount | None:
    """A theme of named single people: "she and her son" are 2, "his wife" is 1."""
    if theme is None:
        return None
    if (theme.tag_ == "CD" or theme.like_num) and not any(c.dep_ == "prep"
                                                          for c in theme.children):
        return parse_count(theme.text)  # "the nine were sent back"
    members = _members(theme)
    if not all(m.lower_ in SINGLE_PEOPLE or (m.tag_ in {"NN", "NNP"} and (
            m.lower_ in PERSON_NOUNS_SINGULAR or m.ent_type_ == "PERSON")) for m in members):
        return None
    words = theme.doc[theme.left_edge.i:theme.right_edge.i + 1].text
    return PersonCount(len(members), None, None, "exact", words)


def _members(theme: Token) -> list[Token]:
    """The people a theme coordinates ("two women and a child"), or those a group noun
    lists in apposition ("the family - a couple, their son and his parents -")."""
    listed = [c for c in theme.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    if theme.lower_ in GROUP_NOUNS and listed:
        return [m for a in listed for m in _members(a)]
    members, n = [theme], 0
    while n < len(members):  # the theme's own conjuncts, not those inside its clauses
        members += [c for c in members[n].children if c.dep_ == "conj"]
        n += 1
    return members


def _parsed(theme: Token | None) -> PersonCount | None:
    """A number the parse puts on the theme's head, whatever its noun ("three loggers",
    "more than forty loggers", "a family of five")."""
    if theme is None or theme.ent_type_ in {"DATE", "TIME", "MONEY", "PERCENT"}:
        return None
    return _member_count(theme, exact_only=False)


def _coordinated(theme: Token, trigger: Token) -> PersonCount | None:
    """The sum over a coordination whose every member has an exact size (with nouns the
    parse hangs on the verb: "sent back a couple and their three children")."""
    members = _members(theme)
    if theme.head == trigger and theme.dep_ == "dobj":
        members += [c for c in trigger.children if c.dep_ == "conj" and c.pos_ == "NOUN"
                    and not is_gapped(c)]
    if len(members) < 2:
        return None
    total = 0
    for m in members:
        count = _member_count(m, exact_only=True)
        if count is None or count.value is None:
            return None
        total += count.value
    last = max(m.right_edge.i for m in members)
    return PersonCount(total, None, None, "exact", theme.doc[theme.left_edge.i:last + 1].text)


def _member_count(member: Token, exact_only: bool) -> PersonCount | None:
    """The size of one noun phrase of people: its number, its "of" phrase for a group noun,
    2 for a couple, 1 for a single person."""
    numbers = [c for c in member.children if c.dep_ == "nummod"]
    if member.tag_ == "CD":
        numbers = [member]
    if numbers:
        start = min(t.i for t in numbers[0].subtree)
        count = parse_count(member.doc[start:numbers[0].i + 1].text) or parse_count(
            numbers[0].text)  # "another 80": the number alone
        if count is not None and (count.value is not None or not exact_only):
            return count
        return None
    lower = member.lower_
    if lower in GROUP_NOUNS:
        for prep in member.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                size = next((p for p in prep.children if p.dep_ == "pobj" and p.like_num), None)
                if size is not None:
                    return parse_count(size.text)
        return None
    if lower in PAIR_NOUNS and any(c.dep_ in {"det", "poss"} for c in member.children):
        return PersonCount(2, None, None, "exact", member.text)
    single = lower in SINGLE_PEOPLE or (member.tag_ in {"NN", "NNP"} and (
        lower in PERSON_NOUNS_SINGULAR or member.ent_type_ == "PERSON"))
    if single:
        return PersonCount(1, None, None, "exact", member.text)
    return None


def _told_before(view: DocView, sent: Span, theme: Token | None, verbs: frozenset[str]
                 ) -> PersonCount | None:
    """A restated theme takes the count of the people the sentences before caught, held or
    removed: the last counted theme of such a verb in the nearest sentence that has one
    ("The migrants, nine of them at first, were caught on May 2." then "... returned the
    group")."""
    if theme is None or not restates(theme):
        return None
    start = sent.start
    for _ in range(COUNT_BACK):
        if start == 0:
            break
        before = view.sentence_of(start - 1)
        found = None
        for token in before:
            if token.lemma_.lower() in verbs and token.tag_.startswith("VB"):
                counted = _counted_theme(view, before, token)
                found = counted or found
        if found is not None:
            return found
        start = before.start
    return None


def _counted_theme(view: DocView, sent: Span, verb: Token) -> PersonCount | None:
    """The count of the people `verb` catches, holds or removes, if the text gives one."""
    themes = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}]
    if not themes and verb.dep_ == "conj":  # "The migrants ... crossed and were caught"
        themes = [c for c in verb.head.children if c.dep_ in {"nsubj", "nsubjpass"}]
    for theme in themes:
        if theme.lower_ in {"who", "which", "that"}:
            continue
        if theme.ent_type_ not in {"DATE", "TIME"}:  # the head's own number first: "the
            count = _member_count(theme, exact_only=True)  # eleven, among them four women"
            if count is not None:
                return count
        for appos in theme.children:  # "the migrants, eleven of them at first,"
            if appos.dep_ == "appos" and appos.like_num:
                return parse_count(appos.text)
        zone = {t.i for t in theme.subtree}
        for span, value in view.counts_in(sent):
            if span.start in zone:
                return value
    return None


def restates(theme: Token) -> bool:
    """The theme only restates people told before: "they", "the group", "all of them"."""
    lower = theme.lower_
    if lower in {"they", "them", "those"}:
        return True
    if lower in {"all", "both", "each"}:
        return any(c.dep_ == "prep" and c.lower_ == "of" for c in theme.children)
    plural_people = (theme.tag_ == "NNS" and lower in PERSON_NOUNS) or theme.like_num
    return (lower in RESTATING or plural_people) and any(
        c.dep_ in {"det", "poss"} and c.lower_ in DEFINITE for c in theme.children)


def is_gapped(conj: Token) -> bool:
    """A counted conjunct of a verb that is a group of its own, with the verb left out
    ("repatriated 50 in March and another 80 in April"), not more of the same object."""
    return conj.pos_ in {"NUM", "NOUN", "PROPN"} and (
        conj.like_num or any(n.dep_ == "nummod" or n.like_num for n in conj.children)) and any(
        n.lower_ in ANOTHER or n.dep_ == "prep" for n in conj.children)


# Words that make a counted conjunct a group of its own ("another 80", "60 more").
ANOTHER = frozenset({"another", "more", "further", "other", "additional"})
