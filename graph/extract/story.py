"""`rkg.returns.v1`, continued: what the sentences around a return tell about the same people.

News writes a return in one sentence and where the people were caught, tried or held in the
next or the previous one ("Officers in Port Selwyn had detained the five in March"). When a
sentence next to an event's sentence has a custody verb whose people are the returned people
told again (a pronoun, a definite phrase, a name, a count), its places belong to the event.
The event's evidence then spans both sentences, so its quote still holds every word it
claims; a sentence that reports its own return keeps its places.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Span, Token

from graph.extract.context import DocView
from graph.extract.removal_lexicon import words
from graph.facts import UNREALISED, DateValue, EntityRef, ForcedReturn
from graph.nlp.entities import PLACE_TYPES

# Verbs of custody and trial: where people were caught, held or tried is their story's place.
CUSTODY_VERBS = frozenset({"arrest", "detain", "catch", "stop", "apprehend", "capture",
                           "seize", "hold", "try", "jail", "imprison", "question",
                           "interrogate", "nab", "intercept", "round"})
# Custody verbs and the verbs that move people in custody ("were driven to the bridge").
STORY_CUSTODY = CUSTODY_VERBS | words("transport_verbs")
ANAPHORS = frozenset({"he", "she", "they", "them", "him", "her", "those"})
# Quantifiers that stand for part or all of the people told before.
PARTS = frozenset({"most", "all", "both", "many", "some", "several", "each"})
# Determiners of people told again ("the defectors", "these 12"); a possessive names others
# ("their families", "his relatives").
DEFINITE = frozenset({"the", "these", "those"})
# Sentences after an event's sentence that may still tell its story, and before it.
AFTER, BEFORE = 2, 2
# Sentences either side of an undated event where its people's arrival may be dated.
ARRIVAL_WINDOW = 4


def with_story_places(view: DocView, events: list[tuple[int, ForcedReturn]],
                      person_words: frozenset[str]) -> list[ForcedReturn]:
    """Each (sentence index, event) with the places of the custody sentences next to it."""
    sents = list(view.sentences())
    told = {n for n, e in events if e.status not in UNREALISED}
    out = []
    for n, event in events:
        places = list(event.places)
        first = last = n
        for step, limit in ((1, AFTER), (-1, BEFORE)):
            m = n + step
            while 0 <= m < len(sents) and abs(m - n) <= limit and m not in told:
                found = _custody_places(view, sents[m], person_words)
                if found:
                    places += [p for p in found if p not in places
                               and p not in (event.destination, event.origin)]
                    first, last = min(first, m), max(last, m)
                m += step
        if first == last:
            out.append(event)
            continue
        evidence = view.evidence(view.doc[sents[first].start:sents[last].end],
                                 event.evidence.extractor, event.evidence.confidence)
        out.append(replace(event, evidence=evidence, places=tuple(places)))
    return out


def _custody_places(view: DocView, sent: Span, person_words: frozenset[str]
                    ) -> list[EntityRef]:
    found: list[EntityRef] = []
    for token in sent:
        origin = _origin_copula(token)
        if (token.lemma_.lower() not in STORY_CUSTODY and not origin) \
                or not token.tag_.startswith("VB"):
            continue
        if token.tag_ in {"VB", "VBG"} or any(c.dep_ == "neg" or c.tag_ == "MD"
                                               for c in token.children):
            continue  # not done, or not yet: "they will be moved to the capital"
        roles = {"nsubj"} if origin else {"dobj", "nsubjpass"}
        theme = next((c for c in token.children if c.dep_ in roles), None)
        if theme is None and token.dep_ in {"acl", "relcl"}:
            theme = token.head
        if theme is None and token.dep_ == "conj":  # "Most were from X and had been held"
            theme = next((c for c in token.head.children if c.dep_ in {"nsubj", "nsubjpass"}),
                         None)
        if theme is None or not _told_again(view, theme, person_words):
            continue
        for ref in view.places_in(_own_tokens(token)):
            if ref.type in PLACE_TYPES and ref not in found and not is_people_name(view, ref):
                found.append(ref)
    return found


def _origin_copula(token: Token) -> bool:
    """"They were from X": where the people came from."""
    return token.lemma_.lower() == "be" and token.dep_ in {"ROOT", "conj"} and any(
        c.dep_ == "prep" and c.lower_ == "from" for c in token.children)


def is_people_name(view: DocView, ref: EntityRef) -> bool:
    """A place that is a people's name ("North Koreans" taken for a place): no place."""
    words = ref.label.split()
    return bool(words) and words[-1].endswith("s") and view.demonym_state(words) is not None \
        and len(words) <= 3


def _told_again(view: DocView, theme: Token, person_words: frozenset[str]) -> bool:
    """People the text has already introduced: "he", "the defectors", "the 31", "Mr Kim",
    "most of them"."""
    if theme.lower_ in ANAPHORS:
        return True
    if theme.lower_ in PARTS and theme.pos_ != "NOUN" and not any(
            c.dep_ in {"compound", "amod"} for c in theme.children):
        return True  # "Most were from ...", "all of them had been held in ..."
    span = view.entity_at(theme)
    if span is not None and span.label_ == "Person":
        return True
    words = {t.lower_ for t in theme.subtree}
    people = bool(words & person_words) or any(t.like_num for t in theme.subtree)
    return people and (any(c.lower_ in DEFINITE or c.like_num for c in theme.children)
                       or theme.like_num)


def _own_tokens(verb: Token) -> list[Token]:
    """The verb's phrase without the clauses of other verbs inside it."""
    own = []
    for t in verb.subtree:
        a = t
        while a != verb and not (a.pos_ in {"VERB", "AUX"} and a.dep_ in CLAUSES):
            a = a.head
        if a == verb:
            own.append(t)
    return own


# Dependents that are clauses of their own (a participle such as "a jail run by ..." is not).
CLAUSES = frozenset({"relcl", "ccomp", "advcl", "csubj", "parataxis", "xcomp"})


def with_arrival_dates(view: DocView, events: list[tuple[int, ForcedReturn]],
                       person_words: frozenset[str], arrival_verbs: frozenset[str]
                       ) -> list[tuple[int, ForcedReturn]]:
    """Each undated (sentence index, event) with a known destination takes the date on
    which a sentence near it says its people arrived there ("The group entered the
    neighbouring country on May 2")."""
    sents = list(view.sentences())
    stated = [e.destination for _, e in events if e.destination is not None]
    usual = max(stated, key=stated.count) if stated else None  # as returns._fill_defaults
    out = []
    for n, event in events:
        destination = event.destination or usual
        if event.date.known or destination is None or event.status in UNREALISED:
            out.append((n, event))
            continue
        found = None
        for m in sorted(range(max(0, n - ARRIVAL_WINDOW), min(len(sents), n + ARRIVAL_WINDOW + 1)),
                        key=lambda m: (abs(m - n), m)):
            found = _arrival_date(view, sents[m], destination, person_words,
                                  arrival_verbs)
            if found is not None:
                break
        out.append((n, replace(event, date=found) if found is not None else event))
    return out


def _arrival_date(view: DocView, sent: Span, destination: EntityRef,
                  person_words: frozenset[str], arrival_verbs: frozenset[str]
                  ) -> DateValue | None:
    for token in sent:
        if token.lemma_.lower() not in arrival_verbs or not token.tag_.startswith("VB") \
                or token.tag_ in {"VB", "VBG"} or any(c.dep_ == "neg" for c in token.children):
            continue
        subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        if subject is None or not _told_again(view, subject, person_words | _GROUPS):
            continue
        goal = [t for c in token.children if c.dep_ == "dobj" or (
            c.dep_ == "prep" and c.lower_ in {"in", "into", "at"}) for t in c.subtree]
        if not any(_names_state(view, t, destination) for t in goal):
            continue
        for span, value, kind in view.dates_in(sent):
            if value.known and kind not in {"since", "name"} and (
                    token in span.root.ancestors or span.root == token):
                return value
    return None


_GROUPS = frozenset({"group", "family", "party", "crew"})


def _names_state(view: DocView, token: Token, state: EntityRef) -> bool:
    span = view.entity_at(token)
    if span is None:
        return False
    ref = view.ref(span)
    if ref == state:
        return True
    return ref.registered and view.registry.state_of(ref.key) == state.key
