"""`rkg.posts.v1` and `rkg.harms.v1`: who holds which post; harms returnees face.

Posts come from appositions ("Brad Adams, Asia director for Human Rights Watch"; "North
Korea's first vice foreign minister, Kang Sok Ju"), parentheses ("The Chairperson of the
NHRCK (Song Doohwan)") and appointments ("who was appointed special rapporteur ...").
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from graph.extract.context import DocView
from graph.facts import EntityRef, HarmReport, PostHolding
from graph.nlp.entities import AGENT_TYPES, PLACE_TYPES
from graph.nlp.lexicon import ROLE_NOUNS

POSTS = "rkg.posts.v1"
HARMS = "rkg.harms.v1"

APPOINT_VERBS = frozenset({"appoint", "name", "elect", "nominate", "designate"})

# Word forms of the harm-type concepts (ontology/vocab/harm-type.ttl); language, not facts.
HARM_PATTERNS: tuple[tuple[str, str], ...] = (
    ("torture", r"\btortur(?:e|ed|es|ing)\b"),
    ("execution", r"\bexecut(?:ion|ions|ed)\b|\bput to death\b|\bkilled\b"),
    ("death-penalty", r"\bdeath penalty\b|\bpunishable by death\b|\bcapital punishment\b"),
    ("forced-labour", r"\bforced labou?r\b|\bhard labou?r\b|\blabou?r camps?\b"),
    ("imprisonment", r"\bimprison(?:ment|ed)\b|\bprison terms?\b|\bjail(?:ed)?\b"
                     r"|\bincarcerat(?:ion|ed)\b|\bconcentration camps?\b|\bprison camps?\b"
                     r"|\bkyohwaso\b|\bkwanliso\b"),
    ("forced-abortion", r"\bforced abortions?\b"),
    ("enforced-disappearance", r"\b(?:enforced|forced) disappearances?\b"),
    ("sexual-violence", r"\bsexual (?:violence|abuse|assault)\b|\brape\b"),
    ("arbitrary-detention", r"\barbitrary (?:detention|imprisonment|arrest)\b|\bdetention\b"),
    ("cruel-inhuman-treatment", r"\bcruel\b|\binhuman\b|\bdegrading treatment\b"
                                r"|\bmistreatment\b|\bill-treatment\b|\bharsh treatment\b"
                                r"|\bbeat(?:en|ings?)\b"),
    ("persecution", r"\bpersecut(?:ion|ed)\b"),
    ("infanticide", r"\binfanticide\b"),
    ("political-prison-camp", r"\bpolitical prison camps?\b|\bkwanliso\b"),
    ("beating", r"\bbeat(?:en|ings?)\b"),
    ("starvation", r"\bstarv(?:ation|ed)\b"),
    ("human-trafficking", r"\btraffick(?:ing|ed)\b"),
    ("family-separation", r"\bseparated famil(?:y|ies)\b"),
)
_HARM_RES = tuple((concept, re.compile(pattern, re.I)) for concept, pattern in HARM_PATTERNS)
_ANY_HARM = re.compile("|".join(f"(?:{pattern})" for _, pattern in HARM_PATTERNS), re.I)
RETURN_CONTEXT = re.compile(
    r"\b(?:return(?:ed|s|ing|ees?)?|repatriat\w*|refoul\w*|sent back|send back|deport\w*|"
    r"handed over|upon return|forcibly|face|faces|facing|risk|at risk)\b", re.I)


def extract_posts(view: DocView) -> list[PostHolding]:
    out: list[PostHolding] = []
    seen: set[tuple[str, str]] = set()
    for span in view.entities():
        if span.label_ != "Person":
            continue
        person = view.ref(span)
        for role_head, exclude in _role_phrases(view, span):
            role, org = _role_and_org(view, role_head, exclude)
            if not role or (person.key, role) in seen:
                continue
            seen.add((person.key, role))
            out.append(PostHolding(view.evidence(view.sentence_of(span.start), POSTS, 0.75),
                                   person, role, org))
    return out


def _role_phrases(view: DocView, span: Span) -> list[tuple[Token, set[int]]]:
    root = span.root
    own = set(range(span.start, span.end))
    found: list[tuple[Token, set[int]]] = []
    for child in root.children:
        if child.dep_ == "appos" and _is_role(view, child):
            found.append((child, own))
    if root.dep_ == "appos" and _is_role(view, root.head):
        found.append((root.head, own | {t.i for t in root.subtree}))
    # "The Chairperson of the NHRCK (Song Doohwan)"
    if span.start > 0 and span.doc[span.start - 1].text == "(":
        head = root.head
        while head.dep_ in {"pobj", "prep"} and head.head != head:
            head = head.head
        if _is_role(view, head):
            found.append((head, own | {t.i for t in root.subtree}))
    # "Chinese Foreign Ministry spokesman Hong Lei": a title before the name
    left = [t for t in root.children if t.dep_ in {"compound", "amod", "nmod"}
            and t.i < span.start]
    if left:
        first = min(t.left_edge.i for t in left)
        title = span.doc[first:span.start]
        if any(t.lower_ in ROLE_NOUNS for t in title):
            found.append((title[-1], own | set(range(span.start, span.end))))
    # "who was appointed special rapporteur ..."
    for child in root.children:
        if child.dep_ == "relcl" and child.lemma_.lower() in APPOINT_VERBS:
            for c in child.children:
                if c.dep_ in {"oprd", "attr", "dobj", "xcomp"} and _is_role(view, c):
                    found.append((c, own))
    return found


def _is_role(view: DocView, token: Token) -> bool:
    if token.pos_ not in {"NOUN", "PROPN"}:
        return False
    span = view.entity_at(token)
    if span is not None and span.label_ in {"SpecialProcedure", "UNOffice"}:
        return True
    if span is not None:
        return False
    words = {t.lower_ for t in token.subtree if t.i <= token.i}
    return bool(words & ROLE_NOUNS) or token.lower_ in ROLE_NOUNS


def _role_and_org(view: DocView, head: Token, exclude: set[int]) -> tuple[str, EntityRef | None]:
    doc = head.doc
    tokens = []
    for t in sorted(head.subtree, key=lambda t: t.i):
        if t.i in exclude or any(a.dep_ in {"relcl", "appos"} and a.i not in exclude
                                 and a != head and a in head.subtree
                                 for a in [t, *t.ancestors]):
            continue
        tokens.append(t)
    while tokens and (tokens[0].is_punct or tokens[0].lower_ in {"the", "a", "an"}):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct:
        tokens = tokens[:-1]
    if not tokens:
        return "", None
    role_span = doc[tokens[0].i:tokens[-1].i + 1]
    org: EntityRef | None = None
    mandate = view.entity_at(head)
    for t in role_span:
        span = view.entity_at(t)
        if span is None or span.label_ not in AGENT_TYPES or span.label_ == "Person":
            continue
        ref = view.ref(span)
        if ref.type in {"SpecialProcedure", "UNOffice"} and span == mandate:
            parent = _parent(view, ref)
            org = parent or org
            continue
        org = ref
        break
    role = role_span.text
    for t in role_span:  # "North Korea's first vice foreign minister" -> drop the possessor
        if t.dep_ == "case" and t.lower_ in {"’s", "'s"} and t.i < head.i \
                and view.entity_at(t) is None:
            role = doc[t.i + 1:role_span.end].text
    if org is None:
        org = view.demonym_state([t.text for t in role_span])
    return " ".join(role.split()), org


def _parent(view: DocView, ref: EntityRef) -> EntityRef | None:
    if not ref.registered:
        return None
    parent = view.registry[ref.key].get("parent")
    return view.registered(parent) if isinstance(parent, str) else None


def extract_harms(view: DocView, speakers_by_sentence: dict[int, EntityRef]
                  ) -> list[HarmReport]:
    """Harms named in a sentence about returns, attributed to whoever says it there."""
    out: list[HarmReport] = []
    publisher = speakers_by_sentence.get(-1)
    for sent in view.sentences():
        text = view.sentence_text(sent)
        if not RETURN_CONTEXT.search(text) or not _ANY_HARM.search(text):
            continue
        source = speakers_by_sentence.get(sent.start_char, publisher)
        seen: set[str] = set()
        for concept, pattern in _HARM_RES:
            m = pattern.search(text)
            if m and concept not in seen:
                seen.add(concept)
                out.append(HarmReport(view.evidence(sent, HARMS, 0.6), concept, m.group(0),
                                      source))
    return out


__all__ = ["PLACE_TYPES", "extract_harms", "extract_posts"]
