"""`rkg.returns.v1`: forced returns, detentions, visits and ongoing practices.

A trigger ("repatriated", "sent back", "deported", "handed over", "forcibly returned",
"refouled", "expelled", and nouns such as "the recent repatriation") is an event only when
the clause states that it happened: past or perfect tense, not negated, not modal, not
conditional, not habitual. Habitual and "since 1998" clauses become `Practice` facts.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache

from spacy.tokens import Span, Token

from graph.extract.context import (
    DocView,
    agent_of,
    folded_demonyms,
    is_passive,
    subject_of,
)
from graph.extract.removal_lexicon import (
    ARRIVAL_VERBS,
    CUSTODY_NOUNS,
    NOUN_FRAMES,
    NOUN_TRIGGERS,
    RECEIVER_NOUNS,
    SOURCE_NOUNS,
    STORY_VERBS,
    TRIGGER_LEMMAS,
    TRIGGER_PREFIXES,
    VERB_FRAMES,
    RemovalFrame,
)
from graph.extract.return_mood import (
    FORCED_WORDS,
    REPORTING_VERBS,
    bare_plural,
    blamed_for,
    clause_mood,
    restated,
)
from graph.extract.return_themes import (
    KIN_NOUNS,
    THEME_PRONOUNS,
    is_gapped,
    phrase_count,
    restates,
    theme_count,
)
from graph.extract.story import (
    CUSTODY_VERBS,
    is_people_name,
    with_arrival_dates,
    with_story_places,
)
from graph.facts import (
    UNKNOWN_DATE,
    UNREALISED,
    DateValue,
    Detention,
    EntityRef,
    ForcedReturn,
    Practice,
    Visit,
)
from graph.nlp.entities import PLACE_TYPES
from graph.registry import Registry
from graph.text.numbers import PERSON_NOUNS, PERSON_NOUNS_SINGULAR

RETURNS = "rkg.returns.v1"
DETENTIONS = "rkg.detentions.v1"
VISITS = "rkg.visits.v1"
PRACTICES = "rkg.practices.v1"



DETENTION_VERBS = frozenset({"detain", "arrest", "imprison", "jail", "hold", "capture",
                             "apprehend", "seize", "incarcerate", "round"})
PERPETRATOR_TYPES = frozenset({"State", "GovernmentAgency"})


def extract_returns(view: DocView) -> tuple[list[ForcedReturn], list[Practice]]:
    events: list[ForcedReturn] = []
    guesses: list[EntityRef | None] = []  # each event's destination by its people's demonym
    sentence_of: list[int] = []
    practices: list[Practice] = []
    lemmas, lowers = view.lemmas, view.lowers
    for n, sent in enumerate(view.sentences()):
        headline = n < 2 and _is_headline(view, sent)
        for i in range(sent.start, sent.end):
            if lemmas[i] not in TRIGGER_LEMMAS and not lowers[i].startswith(TRIGGER_PREFIXES):
                continue  # cannot be a trigger (see _is_trigger)
            token = view.doc[i]
            if not _is_trigger(token):
                continue
            mood = clause_mood(token, headline, _counted(view, sent, token))
            if mood == "practice":
                practices.append(_practice(view, sent, token))
            elif mood in UNREALISED and bare_plural(_theme(token)):
                continue  # "each will extradite people convicted of crimes": a rule, no plan
            elif mood in {"event", "alleged"} | UNREALISED:
                for event in _events(view, sent, token, mood):
                    events.append(event)
                    sentence_of.append(n)
                    theme = _theme(token)
                    guesses.append(_demonym_state(view, theme) if theme is not None else None)
                    if event.perpetrator is None and theme is not None and restates(theme):
                        events[-1] = _onward(events, sentence_of)
    people = PERSON_NOUNS | PERSON_NOUNS_SINGULAR | KIN_NOUNS
    dated = with_arrival_dates(view, list(zip(sentence_of, events, strict=True)), people,
                               ARRIVAL_VERBS)
    events = with_story_places(view, dated, people)
    return _fill_defaults(view, events, guesses), practices


def _onward(events: list[ForcedReturn], sentence_of: list[int]) -> ForcedReturn:
    """The last event, with no agent, restating the people of an event told just before
    that took them to another state: that state sends them on ("Laos deported nine people
    to China on May 2. They were sent on to North Korea a day later.")."""
    event, n = events[-1], sentence_of[-1]
    for before, m in zip(reversed(events[:-1]), reversed(sentence_of[:-1]), strict=True):
        if n - m > ONWARD_SENTENCES:
            break
        leg = before.destination
        if leg is not None and leg.type == "State" and before.status not in UNREALISED \
                and event.destination is not None and leg != event.destination:
            return replace(event, perpetrator=leg, origin=event.origin or leg)
    return event


ONWARD_SENTENCES = 2


# -- triggers and mood --------------------------------------------------------------------


def _is_trigger(token: Token) -> bool:
    lemma = token.lemma_.lower()
    if token.pos_ in {"VERB", "AUX"} or token.tag_.startswith("VB"):
        frame = VERB_FRAMES.get(lemma)
        if frame is None:
            frame = VERB_FRAMES.get("repatriate") if token.lower_.startswith(
                TRIGGER_PREFIXES) else None
        if frame is None or not _frame_holds(frame, token):
            return False
        return _has_person_theme(token)
    if token.pos_ in {"NOUN", "PROPN"} and lemma in NOUN_TRIGGERS and token.dep_ != "compound":
        frame = NOUN_FRAMES[lemma]
        return (frame.needs != "forced" or restated(token)
                or any(c.lower_ in FORCED_WORDS for c in token.children))
    return False


def _frame_holds(frame: RemovalFrame, verb: Token) -> bool:
    """The frame's particles, needs or destination are present on `verb`."""
    if frame.particles and any(c.lower_ in frame.particles for c in _particle_zone(verb)):
        return True
    if frame.needs == "forced":
        return (any(c.lower_ in FORCED_WORDS for c in verb.children) or is_passive(verb)
                or any(c.dep_ == "dobj" for c in verb.children))
    if frame.needs == "border" and not any(t.lower_ in {"border", "frontier"}
                                           for t in verb.subtree):
        return False
    if frame.needs == "custody" and not any(t.lower_ in CUSTODY_NOUNS
                                            for t in verb.subtree):
        return False
    if frame.destination:
        if any(c.dep_ == "xcomp" or (c.dep_ == "advcl" and c.tag_ == "VB" and any(
                a.lower_ == "to" for a in c.children)) for c in verb.children):
            return False  # a purpose: "sent to Russia to work"
        # a border phrase may hang lower in the parse ("put them, arrested while ..., over
        # the border into Laos")
        heads = list(verb.subtree) if frame.needs == "border" else [verb]
        return any(_prep_state(h, p) for h in heads for p in frame.destination)
    return not frame.particles and frame.needs is None


def _particle_zone(verb: Token) -> list[Token]:
    """The verb's particles and adverbs, and those the parse hangs on its object ("sent 20
    more back")."""
    zone = [c for c in verb.children if c.dep_ in {"prt", "advmod", "prep"}]
    for obj in verb.children:
        if obj.dep_ == "dobj":
            zone += [c for c in obj.children if c.dep_ in {"advmod", "prt"}]
    return zone


def _prep_state(verb: Token, prep: str) -> bool:
    """A `prep` phrase of `verb` names a country (a GPE, or custody of a people)."""
    for c in verb.children:
        if c.dep_ in {"prep", "dative"} and c.lower_ == prep:
            for t in c.subtree:
                if t.ent_type_ in {"GPE", "NORP"} or t.lower_ in CUSTODY_NOUNS:
                    return True
                if prep in {"across", "over"} and t.lower_ in {"border", "frontier"}:
                    return True  # "were sent across the border": a border crossed by force
    return False


def _has_person_theme(verb: Token) -> bool:
    """Something human is sent: the object (active) or subject (passive) is people."""
    themes = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass", "csubjpass"}]
    for extra in (_reduced_passive_subject(verb), _object_taken_by_reporter(verb)):
        if extra is not None:
            themes.append(extra)
    upto = _up_to_object(verb)
    if upto is not None:
        themes.append(upto)
    if verb.dep_ in {"relcl", "acl"} and not any(c.dep_ == "nsubj" for c in verb.children):
        themes.append(verb.head)  # "the defectors returned last week" (its own subject
        # would make the head a place or time: "the camp where many women sent back end up")
    if not themes and verb.dep_ in {"conj", "advcl"} and verb.head.pos_ in {"VERB", "AUX"}:
        return _has_person_theme(verb.head)  # "arrested, tried and repatriated"
    for theme in themes:
        # a relative clause's noun is the theme itself, not what its own phrase mentions
        # ("a letter sent to the government about the five")
        scope = ([theme, *[c for c in theme.children if c.dep_ in {"compound", "amod", "nummod"}]]
                 if theme == verb.head and verb.dep_ in {"relcl", "acl"} else list(theme.subtree))
        words = {t.lower_ for t in scope}
        if words & (PERSON_NOUNS | PERSON_NOUNS_SINGULAR | KIN_NOUNS) or any(
                t.ent_type_ in {"NORP", "PERSON"} or t.like_num for t in scope):
            return True
        if theme.lower_ in THEME_PRONOUNS:
            return True
        if theme.like_num or theme.tag_ == "CD":
            return True
    return False


def _reduced_passive_subject(verb: Token) -> Token | None:
    """The subject of a headline's reduced passive the parse reads as active: "Nine
    migrants sent back to China by Laos", "Nine migrants sent back to China" (no object,
    and a "by" agent or a subject of people: people do not send anyone back unnamed)."""
    if verb.tag_ not in {"VBD", "VBN"} or any(c.dep_ in {"dobj", "nsubjpass"}
                                              for c in verb.children):
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return None
    if agent_of(verb) is not None or (verb.dep_ == "ROOT" and subject.lower_ in
                                      PERSON_NOUNS | KIN_NOUNS - {"they"}):
        return subject  # (a clause inside a sentence is no headline: "the camp where many
    return None  # men sent back end up")


def _object_taken_by_reporter(verb: Token) -> Token | None:
    """The object the parse gives the reporting verb as a second subject: "China has
    returned 60 defectors, including women, a group said" read with "defectors" and "group"
    both subjects of "said"."""
    if verb.dep_ != "ccomp" or any(c.dep_ in {"dobj", "nsubjpass"} for c in verb.children) \
            or not any(c.dep_ == "nsubj" for c in verb.children):
        return None
    subjects = [c for c in verb.head.children if c.dep_ == "nsubj"]
    after = [c for c in subjects if c.i > verb.i]
    return after[0] if len(subjects) >= 2 and after else None


def _up_to_object(verb: Token) -> Token | None:
    """The object the parse hangs under a particle: "repatriated up to 600 people" read as
    the phrasal verb "repatriate up" with a "to" phrase."""
    for prt in verb.children:
        if prt.dep_ == "prt" and prt.lower_ == "up":
            for prep in prt.children:
                if prep.dep_ == "prep" and prep.lower_ == "to":
                    return next((p for p in prep.children if p.dep_ == "pobj"), None)
    return None


def _relative_subject(verb: Token) -> bool:
    """A relative clause whose subject is its relative pronoun ("China, which deported
    them"): the noun it modifies is the agent, not the theme."""
    return verb.dep_ == "relcl" and any(
        c.dep_ == "nsubj" and (c.tag_ in {"WDT", "WP"} or c.lower_ in {"which", "who", "that"})
        for c in verb.children)


def _is_headline(view: DocView, sent: Span) -> bool:
    """A title line: among the first sentences, with no closing punctuation."""
    text = view.sentence_text(sent).strip()
    return bool(text) and text[-1] not in ".!?\"”’'" and len(text) < 160


def _counted(view: DocView, sent: Span, token: Token) -> bool:
    """The trigger's theme carries a number ("about 3,200 refugees")."""
    theme = _theme(token)
    if theme is None:
        return False
    zone = {t.i for t in theme.subtree}
    return any(c.value is not None or c.min is not None
               for span, c in view.counts_in(sent) if span.start in zone)


# -- event assembly -----------------------------------------------------------------------
def _events(view: DocView, sent: Span, trigger: Token, mood: str) -> list[ForcedReturn]:
    """The trigger's event, and one more for each gapped conjunct that reuses its verb
    ("repatriated 50 people in March and another 80 in April"): each part of the sentence
    keeps its own count, date and places."""
    gaps = _gapped(trigger)
    if not gaps:
        event = _event(view, sent, trigger, mood)
        return [event] if event is not None else []
    bounds = [sent.start, *[g.left_edge.i for g in gaps], sent.end]
    out = []
    for n, theme in enumerate([None, *gaps]):
        part = view.doc[bounds[n]:bounds[n + 1]]
        event = _event(view, sent, trigger, mood, part, theme)
        if event is not None:
            out.append(event)
    return out


def _gapped(trigger: Token) -> list[Token]:
    """Conjuncts of a verb that are counted people with no verb of their own: "another 80",
    "60 more", "a further 12 women"."""
    if trigger.pos_ not in {"VERB", "AUX"} or not any(
            c.dep_ in {"dobj", "nsubjpass"} for c in trigger.children):
        return []
    return [c for c in trigger.children if c.dep_ == "conj" and c.i > trigger.i
            and is_gapped(c)]


def _event(view: DocView, sent: Span, trigger: Token, mood: str, part: Span | None = None,
           gapped: Token | None = None) -> ForcedReturn | None:
    """The event of `trigger`; with `part`, only the dates, counts and places in that part
    of the sentence, and with `gapped`, that conjunct as its people."""
    perpetrator = _perpetrator(view, trigger)
    if _handed_to_organisation(view, trigger):
        return None  # "passed the file on to the ministry": a referral, not a return
    destination = _destination(view, trigger, perpetrator)
    origin = _origin(view, trigger) or perpetrator
    theme = gapped if gapped is not None else _theme(trigger)
    zone = part if part is not None else sent
    count = theme_count(view, zone, trigger, theme, TRIGGER_LEMMAS)
    anchor = trigger.head if restated(trigger) else trigger
    date = _date(view, zone, anchor)
    places = [p for p in _places(view, anchor, theme, zone) if p not in (origin, destination)
              and p.type in PLACE_TYPES and not is_people_name(view, p)]
    status, claimed_by = _status(view, trigger, mood)
    returnees = _phrase(theme) if theme is not None else None
    return ForcedReturn(
        evidence=view.evidence(sent, RETURNS, 0.8 if mood == "event" else 0.6),
        trigger=trigger.text, perpetrator=perpetrator, origin=origin, destination=destination,
        places=tuple(places), count=count, returnees=returnees, date=date, status=status,
        claimed_by=claimed_by)


def _perpetrator(view: DocView, trigger: Token) -> EntityRef | None:
    actor: Token | None
    if blamed_for(trigger):  # "criticise Laos for deporting them": the one criticised
        actor = next((c for c in trigger.head.head.children if c.dep_ == "dobj"), None)
    elif trigger.pos_ == "NOUN":
        actor = next((c for c in trigger.children if c.dep_ == "poss"), None)
        if actor is None:
            for c in trigger.children:
                if c.dep_ == "prep" and c.lower_ == "by":
                    actor = next((p for p in c.children if p.dep_ == "pobj"), None)
    elif _relative_subject(trigger):
        actor = trigger.head  # "China, which deported them"
    elif is_passive(trigger) or trigger.dep_ in {"relcl", "acl"} or agent_of(trigger) \
            or _reduced_passive_subject(trigger) is not None:
        actor = agent_of(trigger)  # also the last verb of "was held, tried and sent back by"
        if actor is None:
            leg = _earlier_leg(view, trigger)
            if leg is not None:
                return leg
    else:
        actor = subject_of(trigger)
    if actor is not None:
        span = view.entity_of_phrase(actor, PERPETRATOR_TYPES)
        if span is not None:
            return _as_state(view, view.ref(span))
        if actor.lower_ in {"it", "they"}:
            return _antecedent_state(view, trigger)
    if actor is None and trigger.tag_ == "VBN":
        for t in trigger.subtree:  # "transferred to Chinese custody by Lao police"
            if t.dep_ == "prep" and t.lower_ == "by" and _governing_verb(t) == trigger:
                for pobj in t.children:
                    span = view.entity_of_phrase(pobj, PERPETRATOR_TYPES)
                    if span is not None:
                        return _as_state(view, view.ref(span))
    return None


def _earlier_leg(view: DocView, trigger: Token) -> EntityRef | None:
    """The state an earlier leg took the people to, told in their relative clause: "nine
    people who were deported by Laos to China were sent on to Korea" (China sends them)."""
    theme = _theme(trigger)
    if theme is None:
        return None
    for leg in theme.children:
        if leg.dep_ in {"relcl", "acl"} and leg != trigger and leg.pos_ == "VERB" \
                and _is_trigger(leg):
            destination = _destination(view, leg, _perpetrator(view, leg))
            if destination is not None and destination.type == "State" \
                    and destination != _destination(view, trigger, None):
                return destination
    return None


def _as_state(view: DocView, ref: EntityRef) -> EntityRef:
    """An agency acts for its state: the state is the perpetrator."""
    if ref.type == "GovernmentAgency" and ref.registered:
        country = view.registry[ref.key].get("country")
        if isinstance(country, str):
            return view.registered(country)
    return ref


def _antecedent_state(view: DocView, token: Token) -> EntityRef | None:
    states = [s for s in view.entities() if s.label_ == "State" and s.end <= token.i]
    return view.ref(states[-1]) if states else None


def _destination(view: DocView, trigger: Token, perpetrator: EntityRef | None
                 ) -> EntityRef | None:
    for t in trigger.subtree:
        if t.head.lower_ in {"according", "owing", "due", "thanks", "close", "next"}:
            continue  # "according to the group": not a destination
        if (t.dep_ in {"prep", "dative"} and t.lower_ in {"to", "into"} and t.head == trigger) or (
                t.lower_ in {"to", "into"} and t.head.head == trigger) or (
                t.lower_ == "into" and _governing_verb(t) == trigger):
            for pobj in t.subtree:
                span = view.entity_at(pobj)
                if span is None:
                    continue
                ref = view.ref(span)
                if span.label_ in PLACE_TYPES and ref.registered:
                    state = view.registry.state_of(ref.key)
                    if state is None:
                        continue
                    ref = view.registered(state)
                elif span.label_ in {"State", "GovernmentAgency"}:
                    ref = _as_state(view, ref)
                else:
                    continue
                if ref != perpetrator:
                    return ref
    for c in trigger.children:  # "into North Korean hands", "to Chinese border guards"
        if c.dep_ in {"prep", "dative"} and c.lower_ in {"to", "into", "in"}:
            for pobj in c.children:
                if pobj.lemma_.lower() in CUSTODY_NOUNS or pobj.lower_ in RECEIVER_NOUNS:
                    people = view.demonym_state([t.text for t in pobj.children])
                    if people is not None and people != perpetrator:
                        return people
    return None


def _handed_to_organisation(view: DocView, trigger: Token) -> bool:
    """The "to" phrase names an organisation that is neither a state nor one state's agency."""
    for c in trigger.children:
        if c.dep_ == "prep" and c.lower_ == "to":
            for pobj in c.children:
                span = view.entity_at(pobj)
                if span is None or span.label_ in PLACE_TYPES or span.label_ == "State":
                    continue
                ref = view.ref(span)
                if span.label_ == "GovernmentAgency" and ref.registered and isinstance(
                        view.registry[ref.key].get("country"), str):
                    continue
                return True
    return False


def _demonym_state(view: DocView, theme: Token) -> EntityRef | None:
    return view.demonym_state([t.text for t in theme.subtree if t.i <= theme.i])


def _origin(view: DocView, trigger: Token) -> EntityRef | None:
    for t in trigger.subtree:
        if t.dep_ == "prep" and t.lower_ == "from" and t.head in (trigger, *trigger.children):
            for pobj in t.children:
                span = view.entity_at(pobj)
                if span is not None and span.label_ == "State":
                    return view.ref(span)
    return None


def _theme(trigger: Token) -> Token | None:
    if trigger.pos_ == "NOUN":
        for c in trigger.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                return next((p for p in c.children if p.dep_ == "pobj"), None)
        return None
    if trigger.dep_ in {"relcl", "acl"} and not _relative_subject(trigger) and not any(
            c.dep_ in {"dobj", "nsubjpass"} and c.tag_ not in {"WDT", "WP"}
            and c.lower_ not in {"which", "who", "whom", "that"} for c in trigger.children):
        return trigger.head  # "the 600 defectors who were forcibly returned" (but its own
        # subject in "on May 2, when some were sent back")
    for c in trigger.children:
        if c.dep_ in {"dobj", "nsubjpass"}:
            return c
    reduced = _reduced_passive_subject(trigger) or _object_taken_by_reporter(trigger)
    if reduced is not None:
        return reduced
    upto = _up_to_object(trigger)
    if upto is not None:
        return upto
    for c in trigger.children:
        if c.dep_ == "csubjpass":  # a parse slip: "ten North Koreans arrested in ..."
            return next((t for t in c.children if t.dep_ in {"nsubj", "nsubjpass"}), c)
    if trigger.dep_ in {"conj", "advcl"} and trigger.head.pos_ in {"VERB", "AUX"}:
        return _theme(trigger.head)  # "were arrested, tried and repatriated"
    return None


def _phrase(head: Token) -> str:
    subtree = {t.i for t in head.subtree}
    tokens = [t for t in head.subtree
              if not any(a.dep_ in {"relcl", "acl", "prep"} and a.head == head
                         for a in [t, *t.ancestors] if a.i != head.i and a.i in subtree)]
    tokens = [t for t in tokens if t.i >= head.left_edge.i][:10]
    text = " ".join(t.text for t in tokens if not t.is_punct)
    return text.strip() or head.text


def _date(view: DocView, sent: Span, trigger: Token) -> DateValue:
    """The event's date: one attached to the trigger, else one elsewhere in the sentence;
    a date on a reporting verb ("reported Tuesday") or after "after/since" only bounds it."""
    attached_anaphor = _anaphoric_day(view, sent, trigger)
    if attached_anaphor.known:
        return attached_anaphor  # "and China sent them on the next day"
    candidates = []
    if any(c.lower_ == "since" and any(p.lower_ in {"then", "that"} for p in c.children)
           for c in trigger.children):  # "... in March, and since then thousands were ..."
        before = [(span, value) for span, value, kind in view.dates_in(sent)
                  if value.known and span.end <= trigger.i and kind != "name"]
        if before:
            return _running_since(before[-1][1], view.doc_date, before[-1][0])
    for span, value, kind in view.dates_in(sent):
        if _when_of(trigger, span) and value.known:
            return value  # "on 3 May, when a few were driven back"
        if kind == "since" and value.known and (_attached(span.root, trigger)
                                                or span.start == sent.start):
            return _running_since(value, view.doc_date, span)
        if kind in {"since", "name"} or not value.known:
            continue
        verb = _governing_verb(span.root)
        if verb is not None and verb != trigger and verb in trigger.subtree \
                and verb.pos_ in {"VERB", "AUX"} and _is_trigger(verb):
            continue  # the date of a return told inside this one's phrase ("to China,
            # which sent them on in July")
        reporting = (verb is not None and verb != trigger
                     and verb.lemma_.lower() in REPORTING_VERBS)
        after = _introduced_by(span.root, trigger, {"after", "following", "since"})
        # a noun's date may hang on the verb above it: "condemned the deportation of the
        # nine on May 3"
        attached = _attached(span.root, trigger) or (
            trigger.pos_ == "NOUN" and span.start == trigger.right_edge.i + 1)
        if not attached and (trigger.pos_ == "NOUN" or _after(value, view.doc_date)):
            continue
        direct = verb == trigger
        rank = 0 if direct else 1 if attached else (3 if reporting else 2)
        bound = "after" if after else "reported" if reporting else ""
        candidates.append((rank, span.start, bound, span, value))
    if not candidates:
        return _anaphoric_day(view, sent)
    candidates.sort(key=lambda c: (c[0], -PRECISION.get(c[4].precision or "", 0), c[1]))
    _rank, _start, bound, span, value = candidates[0]
    if bound == "after" and value.precision == "day" and value.iso:
        return DateValue(value.iso[:7], "month", _clause_text(span))  # soon after: its month
    if bound == "reported" and value.precision in {"day", "month"} and value.iso:
        return DateValue(value.iso[:4], "year", _clause_text(span))
    return value


PRECISION = {"year": 1, "month": 2, "day": 3}
# Days counted from a day the text has just named: "that same day", "the next day",
# "two days later", "the day before".
ANAPHORIC_DAYS = re.compile(
    r"(?i)\b(?:(?P<same>(?:that|the)\s+(?:same\s+)?day)|(?P<next>the\s+(?:next|following)"
    r"\s+day)|(?P<prev>the\s+(?:previous\s+day|day\s+before))|(?P<n>a|one|two|three|four|"
    r"five|six|seven|eight|nine|ten|\d{1,2})\s+(?P<unit>days?|weeks?)\s+"
    r"(?P<dir>later|earlier|after|afterwards|before))\b")
SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10}


def _anaphoric_day(view: DocView, sent: Span, trigger: Token | None = None) -> DateValue:
    """A day counted from the last day named before it (in its sentence or the two before);
    with `trigger`, only such a date attached to the trigger."""
    for span, value, kind in view.dates_in(sent):
        m = ANAPHORIC_DAYS.search(span.text)
        if kind != "relative" or value.known or m is None:
            continue
        if trigger is not None and _governing_verb(span.root) != trigger:
            continue
        offset = 0 if m["same"] else 1 if m["next"] else -1 if m["prev"] else (
            (int(m["n"]) if m["n"].isdigit() else SMALL[m["n"].lower()])
            * (7 if m["unit"].lower().startswith("week") else 1)
            * (-1 if m["dir"].lower() in {"earlier", "before"} else 1))
        start = view.sentence_of(max(0, sent.start - 1)).start
        start = view.sentence_of(max(0, start - 1)).start
        days = [(d, v) for d, v, k in view.dates_in(view.doc[start:span.start])
                if v.precision == "day" and v.iso and k not in {"since", "name"}]
        if days:
            base = date.fromisoformat(str(days[-1][1].iso))
            return DateValue((base + timedelta(days=offset)).isoformat(), "day", span.text)
    return UNKNOWN_DATE


def _when_of(trigger: Token, span: Span) -> bool:
    """A "when" clause takes the date of what it modifies: the date itself ("on May 2,
    when ...") or the date of its head verb ("began on May 2, when ...")."""
    if trigger.dep_ not in {"relcl", "advcl"} or not any(
            c.lower_ == "when" for c in trigger.children):
        return False
    head = trigger.head
    if span.start <= head.i < span.end:
        return True
    root = span.root
    prep = root if root.dep_ == "prep" else root.head
    return prep.dep_ == "prep" and prep.head == head


def _running_since(start: DateValue, reference: DateValue, span: Span) -> DateValue:
    """A total "since March" is dated by its period: the year when the period lies within
    one year (up to the document date), unknown when it crosses a year boundary."""
    if start.iso and reference.iso and start.iso[:4] == reference.iso[:4]:
        return DateValue(start.iso[:4], "year", span.text)
    return DateValue(None, None, span.text)


def _after(value: DateValue, reference: DateValue) -> bool:
    """Is `value` later than the document date (at the precision both have)?"""
    if not value.iso or not reference.iso:
        return False
    n = min(len(value.iso), len(reference.iso))
    return value.iso[:n] > reference.iso[:n]


def _governing_verb(token: Token) -> Token | None:
    for a in [token, *token.ancestors]:
        if a.pos_ in {"VERB", "AUX"} or (a.pos_ == "NOUN" and a.lemma_ in NOUN_TRIGGERS):
            return a
    return None


def _attached(token: Token, trigger: Token) -> bool:
    return trigger in token.ancestors or trigger == token


def _introduced_by(token: Token, trigger: Token, words: set[str]) -> bool:
    for a in [token, *token.ancestors]:
        if a == trigger:
            return False
        if a.lower_ in words:
            return True
        if any(c.dep_ in {"mark", "prep"} and c.lower_ in words for c in a.children):
            return True
    return False


def _clause_text(span: Span) -> str:
    head = span.root
    for a in head.ancestors:
        if a.lower_ in {"after", "following", "since"}:
            return span.doc[a.i:span.end].text
        for c in a.children:
            if c.dep_ in {"mark", "prep"} and c.lower_ in {"after", "following", "since"}:
                return span.doc[c.i:span.end].text
    return span.text


# Verbs whose places belong to the returned people's story (where they were caught or held).
PLACE_VERBS = CUSTODY_VERBS | STORY_VERBS


def _places(view: DocView, trigger: Token, theme: Token | None = None,
            part: Span | None = None) -> list[EntityRef]:
    """Places in the trigger's phrase and in the returned people's phrase ("arrested in
    Harbor Town"), not those of other clauses of the sentence (nor outside `part`)."""
    own = []
    tokens = list(trigger.subtree)
    if theme is not None and theme not in tokens:
        tokens += list(theme.subtree)
    if trigger.dep_ == "conj" and trigger.head.pos_ == "VERB" \
            and trigger.head.lemma_.lower() in PLACE_VERBS:
        # "were driven from the camp to the bridge and handed over": the route of the verb
        # the trigger shares its people with
        tokens += [t for t in trigger.head.subtree if t not in tokens]
    if part is not None:
        tokens = [t for t in tokens if part.start <= t.i < part.end]
    for t in tokens:
        if _told_by_source(t, trigger, theme):
            continue  # "..., a source in the border town said"
        verb = _governing_verb(t)
        if _crossing(t, trigger):
            own.append(t)  # "over the border into Laos's Bokeo province", wherever it hangs
            continue
        if verb is not None and verb != trigger and verb.pos_ in {"VERB", "AUX"} and (
                verb.lemma_.lower() not in PLACE_VERBS | TRIGGER_LEMMAS or _intended(verb)):
            continue
        own.append(t)
    return view.places_in(own)


def _intended(verb: Token) -> bool:
    """An infinitive of intent: "getting ready to escape from a camp" tells no place the
    people were in."""
    return verb.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to"
                                     for c in verb.children)


def _told_by_source(token: Token, trigger: Token, theme: Token | None) -> bool:
    """In the phrase of whoever tells the story: a source noun (not the theme) that is a
    loose modifier or the subject of the clause around the trigger."""
    for a in token.ancestors:
        if a in (trigger, theme):
            return False
        if a.lower_ in SOURCE_NOUNS and a.dep_ in {"npadvmod", "appos", "nsubj", "parataxis",
                                                   "dep"}:
            return True
    return False


def _crossing(token: Token, trigger: Token) -> bool:
    """Under a border-crossing preposition of the trigger's phrase ("into", "across")."""
    for a in token.ancestors:
        if a == trigger:
            return False
        if a.dep_ == "prep" and a.lower_ in {"into", "across", "through", "via"}:
            return True
    return False


def _status(view: DocView, trigger: Token, mood: str) -> tuple[str, EntityRef | None]:
    if mood in UNREALISED:  # a plan, a fear or a denial stays one, whoever reports it
        claimant = None
        for a in trigger.ancestors:
            if a.lemma_.lower() in REPORTING_VERBS and a.pos_ == "VERB":
                subj = subject_of(a)
                span = view.entity_of_phrase(subj) if subj is not None else None
                claimant = view.ref(span) if span is not None else None
                break
        return mood, claimant
    status = "alleged" if mood == "alleged" else "asserted"
    for a in trigger.ancestors:
        if a.lemma_.lower() in REPORTING_VERBS and a.pos_ == "VERB":
            subj = subject_of(a)
            if subj is not None:
                span = view.entity_of_phrase(subj)
                if span is not None:
                    return ("reported" if status == "asserted" else status), view.ref(span)
    return status, None


def _fill_defaults(view: DocView, events: list[ForcedReturn],
                   guesses: list[EntityRef | None]) -> list[ForcedReturn]:
    """Missing perpetrator: the document's dominant perpetrator, else its most named state.
    Missing destination: the one the document states most, else the returned people's
    demonym ("North Koreans"), else the document's most named people."""
    known = [e.perpetrator for e in events if e.perpetrator is not None]
    fallback = max(known, key=known.count) if known else None
    dest_known = [e.destination for e in events if e.destination is not None]
    stated = max(dest_known, key=dest_known.count) if dest_known else None
    people = _people_demonym_state(view)
    guessed = [g for g in guesses if g is not None]
    dest_fallback = stated or (max(guessed, key=guessed.count) if guessed else people)
    if fallback is not None and fallback == dest_fallback:
        fallback = None
    if fallback is None:
        fallback = _salient_state(view, events, dest_fallback)
    out = []
    for e, guess in zip(events, guesses, strict=True):
        perpetrator = e.perpetrator or fallback
        if perpetrator is None:
            continue
        destination = next((d for d in (e.destination, stated, guess, people)
                            if d is not None and d != perpetrator), None)
        origin = e.origin or perpetrator
        out.append(ForcedReturn(e.evidence, e.trigger, perpetrator, origin, destination,
                                e.places, e.count, e.returnees, e.date, e.status,
                                e.claimed_by))
    return out


def _people_demonym_state(view: DocView) -> EntityRef | None:
    """The state whose people the document is about ("North Korean defectors" x12)."""
    tally: dict[str, int] = {}
    text = _without_actors(view).casefold()
    for d, state, longers in _demonyms_within(view.registry):
        n = text.count(d + " ") + text.count(d + "s")
        for longer in longers:
            n -= text.count(longer + " ") + text.count(longer + "s")
        if n > 0:
            tally[state] = tally.get(state, 0) + n
    if not tally:
        return None
    return view.registered(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])


def _without_actors(view: DocView) -> str:
    """The text with the names of states and their agencies blanked: the demonym of
    "Chinese police" names who acts, not whose people are returned."""
    chars = list(view.info.text)
    for span in view.entities():
        if span.label_ in PERPETRATOR_TYPES:
            chars[span.start_char:span.end_char] = " " * (span.end_char - span.start_char)
    return "".join(chars)


@lru_cache(maxsize=4)
def _demonyms_within(registry: Registry) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(demonym, state, the longer demonyms that contain it), longest demonyms first."""
    demonyms = folded_demonyms(registry)
    longest = sorted(demonyms, key=lambda d: -len(d))
    return tuple((d, demonyms[d], tuple(longer for longer in longest
                                        if longer != d and d in longer))
                 for d in longest)


def _salient_state(view: DocView, events: list[ForcedReturn],
                   destination: EntityRef | None) -> EntityRef | None:
    destinations = {e.destination.key for e in events if e.destination}
    if destination is not None:
        destinations.add(destination.key)
    tally: dict[EntityRef, int] = {}
    for span in view.entities():
        if span.label_ == "State":
            ref = view.ref(span)
            if ref.key not in destinations:
                tally[ref] = tally.get(ref, 0) + 1
    if not tally:
        return None
    return sorted(tally.items(), key=lambda kv: (-kv[1], kv[0].key))[0][0]


# -- practices, detentions, visits --------------------------------------------------------
def _practice(view: DocView, sent: Span, trigger: Token) -> Practice:
    actor = _perpetrator(view, trigger)
    since = UNKNOWN_DATE
    for span, value, kind in view.dates_in(sent):
        if kind == "since" or any(t.lower_ == "since" for t in span.root.ancestors) \
                or (span.start > 0 and span.doc[span.start - 1].lower_ == "since"):
            since = value
    head = trigger
    text = sent.doc[min(t.i for t in head.subtree):max(t.i for t in head.subtree) + 1].text
    return Practice(view.evidence(sent, PRACTICES, 0.6), actor, text, since)


def extract_detentions_and_visits(view: DocView) -> tuple[list[Detention], list[Visit]]:
    detentions: list[Detention] = []
    visits: list[Visit] = []
    lemmas = view.lemmas
    for sent in view.sentences():
        for i in range(sent.start, sent.end):
            lemma = lemmas[i]
            if lemma not in DETENTION_VERBS and lemma != "visit":
                continue
            token = view.doc[i]
            if not token.tag_.startswith("VB") or token.tag_ in {"VB", "VBG"}:
                continue
            if any(c.dep_ == "neg" for c in token.children):
                continue
            if lemma in DETENTION_VERBS and (lemma != "hold"
                                             or "custody" in view.sentence_text(sent)
                                             or "detention" in view.sentence_text(sent).lower()):
                theme = _theme(token)
                if theme is None or not ({t.lower_ for t in theme.subtree}
                                         & (PERSON_NOUNS | PERSON_NOUNS_SINGULAR
                                            | KIN_NOUNS)):
                    continue
                detainer_tok = agent_of(token) if is_passive(token) else subject_of(token)
                detainer = None
                if detainer_tok is not None:
                    span = view.entity_of_phrase(detainer_tok, PERPETRATOR_TYPES)
                    detainer = view.ref(span) if span is not None else None
                if detainer is None:
                    for t in token.subtree:
                        if t.lower_ == "by":
                            span = view.entity_of_phrase(
                                next((p for p in t.children), t), PERPETRATOR_TYPES)
                            if span is not None:
                                detainer = view.ref(span)
                places = view.places_in(token.subtree)
                facility = next((p for p in places if p.type == "DetentionFacility"), None)
                detentions.append(Detention(
                    view.evidence(sent, DETENTIONS, 0.6), detainer, facility,
                    tuple(p for p in places if p != facility),
                    phrase_count(view, sent, token, theme), _phrase(theme),
                    _date(view, sent, token)))
            elif lemma == "visit" and token.tag_ in {"VBD", "VBN"}:
                subj = subject_of(token)
                span = view.entity_of_phrase(subj) if subj is not None else None
                if span is None:
                    continue
                place_refs = [p for p in view.places_in(
                    [t for c in token.children if c.dep_ == "dobj" for t in c.subtree])]
                visits.append(Visit(view.evidence(sent, VISITS, 0.7), view.ref(span),
                                    place_refs[0] if place_refs else None,
                                    _date(view, sent, token)))
    return detentions, visits
