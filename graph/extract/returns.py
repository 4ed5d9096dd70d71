"""`rkg.returns.v1`: forced returns, detentions, visits and ongoing practices.

A trigger ("repatriated", "sent back", "deported", "handed over", "forcibly returned",
"refouled", "expelled", and nouns such as "the recent repatriation") is an event only when
the clause states that it happened: past or perfect tense, not negated, not modal, not
conditional, not habitual. Habitual and "since 1998" clauses become `Practice` facts.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span, Token

from graph.extract.context import (
    DocView,
    agent_of,
    folded_demonyms,
    is_passive,
    subject_of,
)
from graph.facts import (
    UNKNOWN_DATE,
    DateValue,
    Detention,
    EntityRef,
    ForcedReturn,
    PersonCount,
    Practice,
    Visit,
)
from graph.nlp import lexicon
from graph.nlp.entities import PLACE_TYPES
from graph.registry import Registry

RETURNS = "rkg.returns.v1"
DETENTIONS = "rkg.detentions.v1"
VISITS = "rkg.visits.v1"
PRACTICES = "rkg.practices.v1"

STRONG_VERBS = frozenset({"repatriate", "deport", "refoule", "expel", "extradite"})
PARTICLE_VERBS = {"send": {"back", "home", "on"}, "hand": {"over"}, "force": {"back"},
                  "push": {"back"}, "turn": {"back", "over"}, "ship": {"back"}}
NOUN_TRIGGERS = frozenset({"repatriation", "deportation", "refoulement", "expulsion",
                           "return", "handover"})
FORCED_WORDS = frozenset({"forcibly", "forcefully", "forced", "forcible", "involuntarily",
                          "swiftly", "secretly"})
EVENT_ANCHORS = frozenset({"recent", "latest", "last", "mass", "large-scale", "massive",
                           "largest", "new", "fresh"})
HABITUAL = frozenset({"regularly", "routinely", "periodically", "systematically", "often",
                      "usually", "frequently", "repeatedly", "continually", "constantly",
                      "habitually", "generally", "always", "typically", "actively"})
HABITUAL_HEADS = frozenset({"continue", "keep", "persist", "policy", "practice", "tend"})
PREVENTIVE_HEADS = frozenset({"halt", "stop", "prevent", "end", "oppose", "avoid", "resist",
                              "refrain", "against", "risk", "fear", "face", "danger",
                              "threat", "cease", "suspend", "ban", "prohibit", "prohibition",
                              "protect", "protection", "urge", "call", "demand", "advise",
                              "caution", "warn", "respect", "not", "without", "before",
                              "plan", "likely", "possible", "imminent", "await",
                              "awaiting", "outcome"})
MODALS = frozenset({"should", "must", "would", "could", "may", "might", "will", "shall",
                    "can", "ought", "'d", "'ll"})
ALLEGED = frozenset({"apparently", "reportedly", "allegedly", "presumably", "possibly",
                     "probably", "likely", "suspected", "believed"})
REPORTING_VERBS = frozenset({"report", "say", "tell", "claim", "state", "confirm", "note",
                             "announce", "add", "allege", "cite", "believe", "indicate",
                             "reveal", "show", "according"})
DETENTION_VERBS = frozenset({"detain", "arrest", "imprison", "jail", "hold", "capture",
                             "apprehend", "seize", "incarcerate", "round"})
PERPETRATOR_TYPES = frozenset({"State", "GovernmentAgency"})


def extract_returns(view: DocView) -> tuple[list[ForcedReturn], list[Practice]]:
    events: list[ForcedReturn] = []
    practices: list[Practice] = []
    lemmas, lowers = view.lemmas, view.lowers
    for sent in view.sentences():
        for i in range(sent.start, sent.end):
            if lemmas[i] not in TRIGGER_LEMMAS and not lowers[i].startswith(TRIGGER_PREFIXES):
                continue  # cannot be a trigger (see _is_trigger)
            token = view.doc[i]
            if not _is_trigger(token):
                continue
            mood = _mood(token)
            if mood == "practice":
                practices.append(_practice(view, sent, token))
            elif mood in {"event", "alleged"}:
                event = _event(view, sent, token, mood)
                if event is not None:
                    events.append(event)
    return _fill_defaults(view, events), practices


# -- triggers and mood --------------------------------------------------------------------
TRIGGER_PREFIXES = ("repatriat", "refoul", "deport")
# Every lemma _is_trigger may accept (besides words starting with TRIGGER_PREFIXES).
TRIGGER_LEMMAS = STRONG_VERBS | PARTICLE_VERBS.keys() | {"return"} | NOUN_TRIGGERS


def _is_trigger(token: Token) -> bool:
    lemma = token.lemma_.lower()
    if token.pos_ in {"VERB", "AUX"} or token.tag_.startswith("VB"):
        if lemma in STRONG_VERBS or token.lower_.startswith(TRIGGER_PREFIXES):
            return _has_person_theme(token)
        particles = PARTICLE_VERBS.get(lemma)
        if particles and any(c.lower_ in particles for c in token.children
                             if c.dep_ in {"prt", "advmod", "prep"}):
            return _has_person_theme(token)
        if lemma == "return":
            forced = any(c.lower_ in FORCED_WORDS for c in token.children)
            return (forced or is_passive(token)
                    or any(c.dep_ == "dobj" for c in token.children)) and _has_person_theme(
                        token)
        return False
    if token.pos_ == "NOUN" and lemma in NOUN_TRIGGERS:
        return not (lemma == "return" and not any(c.lower_ in FORCED_WORDS for c in token.children))
    return False


def _has_person_theme(verb: Token) -> bool:
    """Something human is sent: the object (active) or subject (passive) is people."""
    themes = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass", "csubjpass"}]
    if verb.dep_ in {"relcl", "acl"}:
        themes.append(verb.head)
    if not themes and verb.dep_ == "conj":
        return _has_person_theme(verb.head)
    for theme in themes:
        words = {t.lower_ for t in theme.subtree}
        if words & lexicon.PERSON_NOUNS or any(
                t.ent_type_ in {"NORP", "PERSON"} or t.like_num for t in theme.subtree):
            return True
        if theme.lower_ in {"those", "anyone", "who", "whom", "some", "many", "all", "most",
                            "he", "she", "him", "her", "i", "we", "us", "me", "others",
                            "thousands", "hundreds", "dozens", "scores"}:
            return True
        if theme.like_num or theme.tag_ == "CD":
            return True
    return False


def _mood(token: Token) -> str:
    """'event', 'alleged', 'practice' or 'none' for the clause headed by `token`."""
    if token.pos_ == "NOUN":
        return _noun_mood(token)
    children = list(token.children)
    lowers = {c.lower_ for c in children}
    aux = [c for c in children if c.dep_ in {"aux", "auxpass", "neg"}]
    if any(c.dep_ == "neg" for c in children) or "never" in lowers:
        return "none"
    if any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "once", "whether", "lest"}
           for c in children):
        return "none"
    for ancestor in [token, *token.ancestors]:
        if ancestor is not token and ancestor.lemma_.lower() in PREVENTIVE_HEADS:
            return "none"
        if ancestor.lemma_.lower() in HABITUAL_HEADS and ancestor is not token:
            return "practice"
        if ancestor.dep_ in {"ROOT"}:
            break
    if any(w in lowers for w in HABITUAL) or _has_since(token) or _over_a_period(token):
        return "practice"
    if any(a.dep_ == "auxpass" and a.tag_ in {"VBP", "VBZ"} for a in aux) and not any(
            a.lower_ in {"has", "have", "had"} for a in aux):
        return "practice"  # generic present passive: "those who are sent back are ..."
    modal = [a for a in aux if a.tag_ == "MD" or a.lower_ in MODALS]
    if token.tag_ == "VBG":
        if any(a.lower_ == "been" for a in aux):
            return "practice"
        return "none"
    if token.tag_ == "VB":
        return "none"
    if token.tag_ in {"VBZ", "VBP"}:
        return "practice"
    if token.dep_ == "amod":
        return "none"
    if token.dep_ == "acl" and not aux and not _anchored(token):
        return "none"  # reduced relative with nothing to date or count it: "women sent back"
    if any(a.lower_ in {"being", "be", "to"} for a in aux):
        return "none"
    if modal:
        if any(a.lower_ == "have" for a in aux):
            return "alleged"
        return "none"
    if token.dep_ in {"xcomp"} and token.tag_ != "VBN":
        return "none"
    if any(w in lowers for w in ALLEGED):
        return "alleged"
    return "event"


def _noun_mood(noun: Token) -> str:
    words = {c.lower_ for c in noun.children}
    anchored = bool(words & EVENT_ANCHORS) or any(c.like_num for c in noun.subtree)
    for ancestor in noun.ancestors:
        if ancestor.lemma_.lower() in PREVENTIVE_HEADS:
            return "none"
        if ancestor.dep_ == "ROOT":
            break
    return "event" if anchored else "none"


PERIOD_NOUNS = frozenset({"decade", "decades", "years", "months", "weeks", "century"})


def _over_a_period(token: Token) -> bool:
    """'over the past decade', 'for years', 'in recent years': a practice, not an event."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in {"over", "for", "in", "during",
                                                     "throughout"} \
                and any(t.lower_ in PERIOD_NOUNS for t in child.subtree):
            if child.lower_ == "in" and not any(t.lower_ in {"recent", "past", "last"}
                                                 for t in child.subtree):
                continue
            return True
    return False


def _anchored(token: Token) -> bool:
    return any(t.like_num or t.ent_type_ in {"DATE", "CARDINAL"} for t in token.subtree)


def _has_since(token: Token) -> bool:
    for child in token.children:
        if child.lower_ == "since" and any(t.like_num or t.ent_type_ == "DATE"
                                           for t in child.subtree):
            return True
    return False


# -- event assembly -----------------------------------------------------------------------
def _event(view: DocView, sent: Span, trigger: Token, mood: str) -> ForcedReturn | None:
    perpetrator = _perpetrator(view, trigger)
    destination = _destination(view, trigger, perpetrator)
    origin = _origin(view, trigger) or perpetrator
    theme = _theme(trigger)
    count = _count(view, sent, trigger, theme)
    date = _date(view, sent, trigger)
    places = [p for p in _places(view, trigger)
              if p not in (origin, destination) and p.type in PLACE_TYPES]
    status, claimed_by = _status(view, trigger, mood)
    returnees = _phrase(theme) if theme is not None else None
    return ForcedReturn(
        evidence=view.evidence(sent, RETURNS, 0.8 if mood == "event" else 0.6),
        trigger=trigger.text, perpetrator=perpetrator, origin=origin, destination=destination,
        places=tuple(places), count=count, returnees=returnees, date=date, status=status,
        claimed_by=claimed_by)


def _perpetrator(view: DocView, trigger: Token) -> EntityRef | None:
    actor: Token | None
    if trigger.pos_ == "NOUN":
        actor = next((c for c in trigger.children if c.dep_ == "poss"), None)
        if actor is None:
            for c in trigger.children:
                if c.dep_ == "prep" and c.lower_ == "by":
                    actor = next((p for p in c.children if p.dep_ == "pobj"), None)
    elif is_passive(trigger) or trigger.dep_ in {"relcl", "acl"}:
        actor = agent_of(trigger)
    else:
        actor = subject_of(trigger)
    if actor is not None:
        span = view.entity_of_phrase(actor, PERPETRATOR_TYPES)
        if span is not None:
            return _as_state(view, view.ref(span))
        if actor.lower_ in {"it", "they"}:
            return _antecedent_state(view, trigger)
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
        if (t.dep_ == "prep" and t.lower_ in {"to", "into"} and t.head == trigger) or (
                t.lower_ in {"to", "into"} and t.head.head == trigger):
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
    theme = _theme(trigger)
    if theme is not None:
        return _demonym_state(view, theme)
    return None


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
    if trigger.dep_ in {"relcl", "acl"}:
        return trigger.head  # "the 600 defectors who were forcibly returned"
    for c in trigger.children:
        if c.dep_ in {"dobj", "nsubjpass"}:
            return c
    for c in trigger.children:
        if c.dep_ == "csubjpass":  # a parse slip: "ten North Koreans arrested in ..."
            return next((t for t in c.children if t.dep_ in {"nsubj", "nsubjpass"}), c)
    if trigger.dep_ == "conj":
        return _theme(trigger.head)
    return None


def _phrase(head: Token) -> str:
    subtree = {t.i for t in head.subtree}
    tokens = [t for t in head.subtree
              if not any(a.dep_ in {"relcl", "acl", "prep"} and a.head == head
                         for a in [t, *t.ancestors] if a.i != head.i and a.i in subtree)]
    tokens = [t for t in tokens if t.i >= head.left_edge.i][:10]
    text = " ".join(t.text for t in tokens if not t.is_punct)
    return text.strip() or head.text


def _count(view: DocView, sent: Span, trigger: Token, theme: Token | None
           ) -> PersonCount | None:
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


def _date(view: DocView, sent: Span, trigger: Token) -> DateValue:
    """The event's date: one attached to the trigger, else one elsewhere in the sentence;
    a date on a reporting verb ("reported Tuesday") or after "after/since" only bounds it."""
    candidates = []
    for span, value, kind in view.dates_in(sent):
        if kind in {"since", "name"} or not value.known:
            continue
        verb = _governing_verb(span.root)
        reporting = (verb is not None and verb != trigger
                     and verb.lemma_.lower() in REPORTING_VERBS)
        after = _introduced_by(span.root, trigger, {"after", "following", "since"})
        attached = _attached(span.root, trigger)
        if not attached and (trigger.pos_ == "NOUN" or _after(value, view.doc_date)):
            continue
        direct = verb == trigger
        rank = 0 if direct else 1 if attached else (3 if reporting else 2)
        candidates.append((rank, span.start, after or reporting, span, value))
    if not candidates:
        return UNKNOWN_DATE
    candidates.sort(key=lambda c: (c[0], c[1]))
    _rank, _start, bound_only, span, value = candidates[0]
    if bound_only and value.precision == "day" and value.iso:
        return DateValue(value.iso[:7], "month", _clause_text(span))
    return value


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


def _places(view: DocView, trigger: Token) -> list[EntityRef]:
    own = []
    for t in trigger.subtree:
        verb = _governing_verb(t)
        if verb is not None and verb != trigger and verb.pos_ in {"VERB", "AUX"} \
                and verb.lemma_.lower() not in {"hold", "detain", "be"}:
            continue
        own.append(t)
    return view.places_in(own)


def _status(view: DocView, trigger: Token, mood: str) -> tuple[str, EntityRef | None]:
    status = "alleged" if mood == "alleged" else "asserted"
    for a in trigger.ancestors:
        if a.lemma_.lower() in REPORTING_VERBS and a.pos_ == "VERB":
            subj = subject_of(a)
            if subj is not None:
                span = view.entity_of_phrase(subj)
                if span is not None:
                    return ("reported" if status == "asserted" else status), view.ref(span)
    return status, None


def _fill_defaults(view: DocView, events: list[ForcedReturn]) -> list[ForcedReturn]:
    """Missing perpetrator: the document's dominant perpetrator, else its most named state."""
    known = [e.perpetrator for e in events if e.perpetrator is not None]
    fallback = max(known, key=known.count) if known else None
    dest_known = [e.destination for e in events if e.destination is not None]
    dest_fallback = (max(dest_known, key=dest_known.count) if dest_known
                     else _people_demonym_state(view))
    if fallback is not None and fallback == dest_fallback:
        fallback = None
    if fallback is None:
        fallback = _salient_state(view, events, dest_fallback)
    out = []
    for e in events:
        perpetrator = e.perpetrator or fallback
        destination = e.destination or dest_fallback
        origin = e.origin or perpetrator
        if perpetrator is None:
            continue
        out.append(ForcedReturn(e.evidence, e.trigger, perpetrator, origin, destination,
                                e.places, e.count, e.returnees, e.date, e.status,
                                e.claimed_by))
    return out


def _people_demonym_state(view: DocView) -> EntityRef | None:
    """The state whose people the document is about ("North Korean defectors" x12)."""
    tally: dict[str, int] = {}
    text = view.info.text.casefold()
    for d, state, longers in _demonyms_within(view.registry):
        n = text.count(d + " ") + text.count(d + "s")
        for longer in longers:
            n -= text.count(longer + " ") + text.count(longer + "s")
        if n > 0:
            tally[state] = tally.get(state, 0) + n
    if not tally:
        return None
    return view.registered(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])


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
                                         & lexicon.PERSON_NOUNS):
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
                    _count(view, sent, token, theme), _phrase(theme),
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
