"""`rkg.posts.v1` and `rkg.harms.v1`: who holds which post; harms returnees face.

Posts come from appositions ("Lena Ortiz, Europe director for Refugee Aid Watch"; "Ruritania's
deputy foreign minister, Paul Vance"), parentheses ("The Chair of the Commission (Mira
Haas)") and appointments ("who was appointed special rapporteur ...").
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from graph.extract.context import DocView
from graph.extract.discourse import Discourse
from graph.facts import EntityRef, HarmReport, PostHolding
from graph.nlp.entities import AGENT_TYPES, PLACE_TYPES
from graph.nlp.lexicon import (
    EMPLOYER_PREPOSITIONS,
    MANDATE_NOUNS,
    MEMBERSHIP_VERBS,
    ORG_ROLE_NOUNS,
    ROLE_NOUNS,
    SPOKESPERSON_NOUNS,
    TITLE_INSTITUTIONS,
    TOPIC_PREPOSITIONS,
)

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


def mentions_harm(text: str) -> bool:
    """Does `text` name one of the harm types (torture, execution, prison camps ...)?"""
    return _ANY_HARM.search(text) is not None
RETURN_CONTEXT = re.compile(
    r"\b(?:return(?:ed|s|ing|ees?)?|repatriat\w*|refoul\w*|sent back|send back|deport\w*|"
    r"handed over|upon return|forcibly|face|faces|facing|risk|at risk)\b", re.I)


def extract_posts(view: DocView) -> list[PostHolding]:
    out: list[PostHolding] = []
    seen: set[tuple[str, str]] = set()
    discourse = Discourse(view)
    posts: dict[int, tuple[str, EntityRef | None]] = {}  # by the token of each holder's name
    orgs: dict[str, EntityRef] = {}  # person key -> organisation found so far
    for span in view.entities():
        if span.label_ != "Person":
            continue
        person = view.ref(span)
        sent = view.sentence_of(span.start)
        phrases = _role_phrases(view, span)
        shared = posts.get(span.root.head.i) if span.root.dep_ == "conj" else None
        if not phrases and shared is not None:  # "his deputies A and B": B holds A's post
            out.append(PostHolding(view.evidence(sent, POSTS, 0.7), person, *shared))
            continue
        for role_head, exclude in phrases:
            role, org = _role_and_org(view, role_head, exclude)
            if not role or (person.key, role) in seen:
                continue
            org = org or _org_from_discourse(view, discourse, _words(role_head), span, orgs)
            seen.add((person.key, role))
            posts[span.root.i] = (role, org)
            if org is not None:
                orgs.setdefault(person.key, org)
            out.append(PostHolding(view.evidence(sent, POSTS, 0.75), person, role, org))
        title = span.doc[span.start].lower_
        if title in TITLE_INSTITUTIONS and not any(key == person.key for key, _ in seen):
            house = discourse.institution_for_title(title)  # "Lord X of Y" sits in the Lords
            if house is not None:
                seen.add((person.key, "member"))
                out.append(PostHolding(view.evidence(sent, POSTS, 0.7), person, "member",
                                       house))
        member = _membership(view, span)
        if member is not None and (person.key, member.label) not in seen:
            seen.add((person.key, member.label))
            out.append(PostHolding(view.evidence(sent, POSTS, 0.7), person,
                                   "member", member))
    return out


def _words(head: Token) -> list[str]:
    """The lower-case words of a post's phrase up to its head ("the agency's spokeswoman")."""
    return [t.lower_.rstrip(".") for t in head.subtree if t.i <= head.i and t.is_alpha]


def _org_from_discourse(view: DocView, discourse: Discourse, words: list[str], span: Span,
                        orgs: dict[str, EntityRef]) -> EntityRef | None:
    """A post whose own words name no organisation: 'the agency's spokeswoman', 'ministry
    spokesperson X', 'Judge X', 'spokesman X said the office ...', 'his deputies', 'the two
    rapporteurs'."""
    if words and words[0] in {"his", "her", "their"}:  # the organisation of whoever "his" is
        holder = discourse.person_before(span.start)
        return orgs.get(holder.key) if holder is not None else None
    if set(words) & MANDATE_NOUNS:  # a mandate belongs to the system of the bodies around it
        body = discourse.latest_body(span.start)
        return (_top_parent(view, body) or body) if body is not None else None
    named = [w for w in words if w in ORG_ROLE_NOUNS]
    for word in named:
        org = discourse.organisation_for_noun(word, span.start)
        if org is not None:
            return org
    if named:
        return None  # 'ministry spokesperson' with no ministry in sight: not any body
    for word in words:
        if word in TITLE_INSTITUTIONS:
            org = discourse.institution_for_title(word)
            if org is not None:
                return org
    if set(words) & SPOKESPERSON_NOUNS:
        sent = view.sentence_of(span.start)
        for t in sent:  # 'spokesman X said the office was ...': the body he speaks for
            if t.i >= span.end and t.dep_ in {"nsubj", "nsubjpass"}:
                ref = discourse.resolve(t)
                if ref is not None and ref.type not in {"Person", "State"}:
                    return ref
        return discourse.latest_organisation(span.start)
    return None


def _membership(view: DocView, span: Span) -> EntityRef | None:
    """'X, of the Y-based Z,' and 'X, who works with Z' tie X to Z."""
    root = span.root
    heads = [c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"]
    doc = span.doc
    if span.end + 1 < len(doc) and doc[span.end].text == "," \
            and doc[span.end + 1].lower_ == "of":  # "X, of the Z," however it was parsed
        heads.append(doc[span.end + 1])
    nouns = [root, *(c for c in root.children if c.dep_ == "appos")]
    for noun in nouns:  # "X, who works with Z" / "X, a lawyer who works with Z"
        for rel in noun.children:
            if rel.dep_ == "relcl" and rel.lemma_.lower() in MEMBERSHIP_VERBS:
                heads.append(rel)
    for head in heads:
        for t in head.subtree:
            inner = view.entity_at(t)
            if inner is not None and inner.label_ in AGENT_TYPES \
                    and inner.label_ not in {"Person", "State", "PersonGroup"}:
                return view.ref(inner)
    return None


def _role_phrases(view: DocView, span: Span) -> list[tuple[Token, set[int]]]:
    root = span.root
    doc = span.doc
    own = set(range(span.start, span.end))
    found: list[tuple[Token, set[int]]] = []
    for child in root.children:
        if child.dep_ == "appos" and _is_role(view, child):
            found.append((child, own))
    if root.dep_ == "appos" and _is_role(view, root.head):
        found.append((root.head, own | {t.i for t in root.subtree}))
    # "The Chair of the Commission (Mira Haas)"
    if span.start > 0 and span.doc[span.start - 1].text == "(":
        head = root.head
        while head.dep_ in {"pobj", "prep"} and head.head != head:
            head = head.head
        if _is_role(view, head):
            found.append((head, own | {t.i for t in root.subtree}))
    # "Ruritanian Foreign Ministry spokesman Ivo Lang": a title before the name
    left = [t for t in root.children if t.dep_ in {"compound", "amod", "nmod"}
            and t.i < span.start]
    if left:
        first = min(t.left_edge.i for t in left)
        title = span.doc[first:span.start]
        if any(t.lower_ in ROLE_NOUNS for t in title):
            found.append((title[-1], own | set(range(span.start, span.end))))
    # "UN High Commissioner for Refugees Dana Kerr": a post named just before
    before = view.entity_at(span.doc[span.start - 1]) if span.start > 0 else None
    if before is not None and before.label_ in {"SpecialProcedure", "UNOffice"}:
        found.append((before.root, own))
    # a registry name that took its title along ("... leader Kim Jong Un")
    leading = [t for t in span if t.lower_ in ROLE_NOUNS and t.i < span.end - 1]
    if leading and not found:
        found.append((leading[-1], set(range(leading[-1].i + 1, span.end))))
    # "the two rapporteurs -- A, on X, and B, on Y --": the post announced before a dash
    if not found:
        for t in reversed(doc[max(view.sentence_of(span.start).start, span.start - 16):
                              span.start]):
            if t.text in {"--", "—", "–", ":"} and t.i > 0 and _is_role(view, doc[t.i - 1]):
                found.append((doc[t.i - 1], own))
                break
    # "Kenya President X" however the parser attached the title: the words just before
    if not found:
        first = span.start
        while first > 0 and span.start - first < 6 and doc[first - 1].text[:1].isupper() \
                and not doc[first - 1].is_sent_start:
            first -= 1
        title = doc[first:span.start]
        if any(t.lower_ in ROLE_NOUNS for t in title):
            found.append((title[-1], own))
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
    return bool(words & ROLE_NOUNS) or token.lower_ in ROLE_NOUNS \
        or token.lemma_.lower() in ROLE_NOUNS


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
    topic = {t.i for p in role_span if p.dep_ == "prep" and p.lower_ in TOPIC_PREPOSITIONS
             for t in p.subtree}
    employer = {t.i for p in role_span if p.dep_ == "prep" and p.lower_ in
                EMPLOYER_PREPOSITIONS for t in p.subtree}
    mandate = view.entity_at(head)
    found: list[tuple[int, EntityRef]] = []
    for t in role_span:
        span = view.entity_at(t)
        if span is None or t.i in topic or span.label_ not in AGENT_TYPES \
                or span.label_ == "Person" or any(ref == view.ref(span) for _, ref in found):
            continue
        ref = view.ref(span)
        if ref.type == "SpecialProcedure":  # a mandate: the system that holds it
            ref = _top_parent(view, ref) or ref
        # an employer ("of X", "at X") first, then organisations, then states
        rank = 0 if t.i in employer and ref.type != "State" else 1 if ref.type != "State" \
            else 2
        if span == mandate and ref.type == "UNOffice":
            rank = 0
        found.append((rank, ref))
    org = min(found, key=lambda f: f[0])[1] if found else None
    role = role_span.text
    for t in role_span:  # "North Korea's first vice foreign minister" -> drop the possessor
        if t.dep_ == "case" and t.lower_ in {"’s", "'s"} and t.i < head.i \
                and view.entity_at(t) is None:
            role = doc[t.i + 1:role_span.end].text
    if org is None:
        org = view.demonym_state([t.text for t in role_span])
    return " ".join(role.split()), org


def _top_parent(view: DocView, ref: EntityRef) -> EntityRef | None:
    """The outermost body a mandate belongs to (a special procedure -> the UN)."""
    top = None
    seen = {ref.key}
    while True:
        parent = _parent(view, top or ref)
        if parent is None or parent.key in seen:
            return top
        seen.add(parent.key)
        top = parent


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
