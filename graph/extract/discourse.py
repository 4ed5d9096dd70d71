"""Who is who through one document: the discourse layer every extractor asks.

A mention is resolved by what the text has said before it, never by the nearest noun alone:

- names and their short forms come resolved from the NLP stage (`rkg_entities_v1` gives
  "Okafor" the key of "Amara Okafor");
- role nouns that stand for an organisation ("the group", "the ministry", "the agency's
  spokeswoman") take the latest earlier organisation whose name or kind fits the noun;
- role nouns and pronouns that stand for a person ("the envoy", "the rapporteur", "she")
  take the latest earlier person (with that post, when a post is named);
- titles that name an institution ("Judge X", "Representative X") take the institution the
  document names ("the ... District Court", "the House of Representatives").

The word lists behind these choices are language, so they live in `graph.nlp.lexicon`.
"""

from __future__ import annotations

import bisect
from functools import cached_property

from spacy.tokens import Span, Token

from graph.extract.context import DocView
from graph.facts import EntityRef
from graph.nlp.lexicon import (
    ORG_ROLE_NOUNS,
    PERSON_PRONOUNS,
    PERSON_ROLE_NOUNS,
    TITLE_INSTITUTIONS,
)
from graph.registry import AGENT_TYPES, BODY_TYPES

# Kinds an organisation noun may stand for, when the noun is not in the name itself.
_NOUN_TYPES: dict[str, frozenset[str]] = {
    "ministry": frozenset({"GovernmentAgency"}),
    "department": frozenset({"GovernmentAgency"}),
    "court": frozenset({"GovernmentAgency"}),
    "agency": BODY_TYPES | frozenset({"GovernmentAgency"}),
    "office": BODY_TYPES | frozenset({"GovernmentAgency"}),
    "body": BODY_TYPES,
    "expert": BODY_TYPES,  # "the experts said": the body of experts named before
    "committee": BODY_TYPES,
    "commission": BODY_TYPES | frozenset({"NationalHumanRightsInstitution"}),
    "council": BODY_TYPES,
    "group": frozenset({"NGO", "Coalition", "ExpertGroup", "UNMechanism"}),
    "organization": frozenset({"NGO", "Coalition"}),
    "organisation": frozenset({"NGO", "Coalition"}),
    "ngo": frozenset({"NGO"}),
    "coalition": frozenset({"Coalition", "NGO"}),
    "government": frozenset({"State"}),
    "authorities": frozenset({"State"}),
    "country": frozenset({"State"}),
    "state": frozenset({"State"}),
}


class Discourse:
    """Mention chains of one document, answered on demand."""

    def __init__(self, view: DocView) -> None:
        self.view = view
        self._spans = view.entities()
        self._starts = [s.start for s in self._spans]

    # -- organisations ----------------------------------------------------------------------
    def organisation_for_noun(self, noun: str, before: int) -> EntityRef | None:
        """'the ministry' / 'the group' / 'the agency's ...': the latest earlier organisation
        whose own name holds the noun, else the latest whose kind the noun can stand for."""
        noun = noun.lower()
        types = _NOUN_TYPES.get(noun)
        by_name: EntityRef | None = None
        by_type: EntityRef | None = None
        for span in reversed(self._before(before)):
            ref = self.view.ref(span)
            if ref.type in {"Person", "PersonGroup"} or ref.type not in AGENT_TYPES:
                continue
            if by_name is None and (noun in ref.label.lower().split()
                                    or noun in span.text.lower().split()):
                by_name = ref
                break
            if by_type is None and types is not None and ref.type in types \
                    and span.root.dep_ not in {"compound", "amod", "nmod"}:
                by_type = ref
        return by_name or by_type

    def organisation_named_later(self, noun: str, after: int) -> EntityRef | None:
        """A headline's 'Rights group urges ...': the first organisation after token `after`
        whose kind the noun can stand for (a headline names its actor in the body)."""
        types = _NOUN_TYPES.get(noun.lower().rstrip("s") if noun.lower() != "ngos" else "ngo")
        if types is None:
            return None
        for span in self._spans:
            if span.start >= after and span.label_ in types \
                    and span.root.dep_ not in {"compound", "amod", "nmod"}:
                return self.view.ref(span)
        return None

    def institution_for_title(self, title: str) -> EntityRef | None:
        """'Judge X' -> the court the document names; 'Representative X' -> the House."""
        heads = TITLE_INSTITUTIONS.get(title.lower().rstrip("."), ())
        for head in heads:  # the most specific head noun first
            for span in self._spans:
                ref = self.view.ref(span)
                words = set(ref.label.lower().split()) | set(span.text.lower().split())
                if ref.type in AGENT_TYPES and head in words:
                    return ref
        return None

    def latest_organisation(self, before: int, window: int = 400) -> EntityRef | None:
        """The latest organisation (not a state, person or medium) named before token
        `before`, within `window` tokens: the body a bare 'spokesman' speaks for."""
        for span in reversed(self._before(before)):
            if before - span.end > window:
                break
            ref = self.view.ref(span)
            if ref.type in AGENT_TYPES and ref.type not in {"State", "MediaOrganization"}:
                return ref
        return None

    def state_under_review(self) -> EntityRef | None:
        """'the State party' of a treaty body's text: the state its heading names first
        ("Concluding observations on the ... reports of X")."""
        for span in self._spans:
            if span.label_ == "State":
                return self.view.ref(span)
        return None

    def latest_body(self, before: int) -> EntityRef | None:
        """The latest UN or intergovernmental body named before token `before`."""
        for span in reversed(self._before(before)):
            ref = self.view.ref(span)
            if ref.type in BODY_TYPES:
                return ref
        return None

    # -- people -----------------------------------------------------------------------------
    def person_before(self, before: int, role: str | None = None) -> EntityRef | None:
        """'he', 'she', 'the envoy': the latest earlier person (holding `role`, if given)."""
        for span in reversed(self._before(before)):
            if span.label_ != "Person" or is_credit(span):
                continue
            if role is None or role in self._posts.get(span.kb_id_, ""):
                return self.view.ref(span)
        return None

    def resolve(self, token: Token) -> EntityRef | None:
        """The entity a pronoun or role noun stands for, or None if it is neither."""
        word = token.lower_
        lemma = token.lemma_.lower()
        if word in PERSON_PRONOUNS:
            return self.person_before(token.i)
        determined = any(c.lower_ in {"the", "this", "that", "its", "their"}
                         for c in token.children) or token.dep_ == "poss"
        if not determined:
            return None
        if lemma == "party" and any(c.lower_ == "state" for c in token.children):
            return self.state_under_review()
        if lemma in PERSON_ROLE_NOUNS:
            return self.person_before(token.i, lemma) or self.person_before(token.i)
        if lemma in ORG_ROLE_NOUNS or word in ORG_ROLE_NOUNS:
            return self.organisation_for_noun(lemma, token.i)
        return None

    @cached_property
    def _speaker_line(self) -> EntityRef | None:
        return self._find_speaker_line()

    def speaker_line_person(self) -> EntityRef | None:
        """The person a speech is printed under (worked out once per document)."""
        return self._speaker_line

    def _find_speaker_line(self) -> EntityRef | None:
        """The person a speech is printed under: a line that starts with a name and is no
        sentence ("Lord X of Y (Party), 7:44 pm, ..."), before the first long paragraph."""
        text = self.view.text
        for span in self._spans:
            if span.label_ != "Person":
                continue
            line_start = text.rfind("\n", 0, span.start_char) + 1
            line_end = text.find("\n", span.start_char)
            line = text[line_start:line_end if line_end >= 0 else len(text)]
            if line_start == span.start_char and len(line) < 120 \
                    and not line.rstrip().endswith((".", "”", '"')):
                return self.view.ref(span)
            if len(line) > 300:  # the body has begun: no speaker line
                return None
        return None

    # -- internals --------------------------------------------------------------------------
    def _before(self, i: int) -> list[Span]:
        return [s for s in self._spans[:bisect.bisect_left(self._starts, i)] if s.end <= i]

    @cached_property
    def _posts(self) -> dict[str, str]:
        """Person key -> the words around each of their mentions (their titles, in lower
        case), so that 'the rapporteur' finds the person called a rapporteur."""
        posts: dict[str, str] = {}
        doc = self.view.doc
        for span in self._spans:
            if span.label_ == "Person":
                sent = self.view.sentence_of(span.start)
                window = doc[max(sent.start, span.start - 8):min(sent.end, span.end + 12)]
                posts[span.kb_id_] = posts.get(span.kb_id_, "") + " " + window.text.lower()
        return posts


def is_credit(span: Span) -> bool:
    """A photo credit or byline ("(Jane Roe/Agency)", "(Jane Roe via Agency)"): a name
    printed beside the text, not an actor in it."""
    doc = span.doc
    before = doc[span.start - 1].text if span.start > 0 else ""
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    return (before == "(" and after in {")", "/", "via"}) or after == "/" \
        or doc[span.start:span.end].text.lower().startswith("by ")
