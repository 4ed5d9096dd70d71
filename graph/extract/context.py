"""What every extractor needs to read an annotated Doc: entities by token, evidence, dates."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from spacy.tokens import Doc, Span, Token

from graph.facts import UNKNOWN_DATE, DateValue, DocumentInfo, EntityRef, Evidence, PersonCount
from graph.nlp.entities import AGENT_TYPES, ENTITY_TABLE, PLACE_TYPES, SPAN_KEY
from graph.nlp.timex import COUNT_KEY, DATE_KEY
from graph.registry import Registry

PRONOUNS = frozenset({"it", "they", "them", "its", "their", "he", "she", "his", "her"})
GROUP_ANAPHORS = frozenset({"group", "organization", "organisation", "experts", "coalition",
                            "council", "commission", "body", "ngo", "rapporteur", "agency",
                            "committee", "office", "government", "authorities", "ministry",
                            "resolution", "statement", "specialists", "professionals"})


@dataclass
class DocView:
    """An annotated Doc read once: entities, sentences, dates and counts listed here, so
    that each extractor's pass over the document does not rebuild them (spaCy makes a new
    Span or Token object on every access)."""

    doc: Doc
    info: DocumentInfo
    registry: Registry
    _by_token: dict[int, Span] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._demonyms = folded_demonyms(self.registry)
        self._entities = list(self.doc.spans[SPAN_KEY])  # sorted by start (rkg_entities_v1)
        self._entity_starts = [span.start for span in self._entities]
        for span in self._entities:
            for i in range(span.start, span.end):
                self._by_token.setdefault(i, span)
        self._sents = list(self.doc.sents)
        self._sent_starts = [sent.start for sent in self._sents]
        self.text = self.doc.text  # Doc.text joins every token's text on each access

    # -- entities -------------------------------------------------------------------------
    def ref(self, span: Span) -> EntityRef:
        label, etype, registered = self.doc.user_data[ENTITY_TABLE][span.kb_id_]
        return EntityRef(span.kb_id_, label, etype, registered)

    def entity_at(self, token: Token) -> Span | None:
        return self._by_token.get(token.i)

    def entities(self, within: Span | None = None) -> list[Span]:
        if within is None:
            return list(self._entities)
        found = []
        for at in range(bisect.bisect_left(self._entity_starts, within.start),
                        bisect.bisect_left(self._entity_starts, within.end)):
            if self._entities[at].end <= within.end:
                found.append(self._entities[at])
        return found

    def entities_in_subtree(self, token: Token, types: Iterable[str] | None = None
                            ) -> list[Span]:
        allowed = set(types) if types is not None else None
        indices = sorted(t.i for t in token.subtree)
        seen: list[Span] = []
        for i in indices:
            span = self._by_token.get(i)
            if span is not None and span not in seen and (allowed is None
                                                          or span.label_ in allowed):
                seen.append(span)
        return seen

    def entity_of_phrase(self, head: Token, types: Iterable[str] = AGENT_TYPES
                         ) -> Span | None:
        """The entity a noun phrase headed by `head` names (or its appositive/of-complement)."""
        allowed = set(types)
        # "The Kenyan Ambassador to Geneva, Amina Odhiambo", "The UN refugee chief, Lars
        # Berg ...": the person named in apposition speaks
        for child in head.children:
            if child.dep_ == "appos":
                inner = self._by_token.get(child.i)
                if inner is not None and inner.label_ == "Person" and "Person" in allowed:
                    return inner
        span = self._by_token.get(head.i)
        if span is not None and span.label_ in allowed:
            return span
        for child in head.children:
            if child.dep_ == "appos":
                inner = self._by_token.get(child.i)
                if inner is not None and inner.label_ in allowed:
                    return inner
        # "The Chairperson of the commission (Ana Ruiz)": a person in parentheses
        for t in head.subtree:
            inner = self._by_token.get(t.i)
            if inner is not None and inner.label_ == "Person" and "Person" in allowed \
                    and t.i > head.i and self.doc[t.i - 1].text == "(":
                return inner
        # compound or modifier inside the phrase: "the Chinese officials", "the UN experts"
        for t in sorted(head.subtree, key=lambda t: abs(t.i - head.i)):
            if t.dep_ in {"relcl", "acl", "prep", "advcl"} and t.i > head.i:
                continue
            inner = self._by_token.get(t.i)
            if inner is not None and inner.label_ in allowed and _is_left_of_head(t, head):
                return inner
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in {"of", "for", "at"}:
                for pobj in child.children:
                    inner = self._by_token.get(pobj.i)
                    if inner is not None and inner.label_ in allowed:
                        return inner
        return None

    def registered(self, entry_id: str) -> EntityRef:
        """The EntityRef of a registry entry."""
        entry = self.registry[entry_id]
        return EntityRef(entry.id, entry.label, entry.type, True)

    def demonym_state(self, words: Sequence[str]) -> EntityRef | None:
        """The state whose demonym occurs in `words` ("South Korean Ambassador" -> ROK);
        longer demonyms first, plurals too ("North Koreans")."""
        demonyms = self._demonyms
        for n in (3, 2, 1):
            for i in range(len(words) - n + 1):
                gram = " ".join(words[i:i + n]).casefold()
                state = demonyms.get(gram) or demonyms.get(gram.rstrip("s"))
                if state:
                    return self.registered(state)
        return None

    def places_in(self, tokens: Iterable[Token]) -> list[EntityRef]:
        refs: list[EntityRef] = []
        for t in tokens:
            span = self._by_token.get(t.i)
            if span is not None and span.label_ in PLACE_TYPES:
                ref = self.ref(span)
                if ref not in refs:
                    refs.append(ref)
        return refs

    # -- evidence -------------------------------------------------------------------------
    def evidence(self, sent: Span, extractor: str, confidence: float = 0.8) -> Evidence:
        start, end = sent.start_char, sent.end_char
        text = self.info.text
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        return Evidence(self.info.doc_id, start, end, text[start:end], extractor, confidence)

    # -- dates and counts -----------------------------------------------------------------
    def dates_in(self, sent: Span) -> list[tuple[Span, DateValue, str]]:
        return [(span, m.value, m.kind) for span, m in self._dates
                if span.start >= sent.start and span.end <= sent.end]

    def counts_in(self, sent: Span) -> list[tuple[Span, PersonCount]]:
        return [(span, m.count) for span, m in self._counts
                if span.start >= sent.start and span.end <= sent.end]

    @cached_property
    def _dates(self) -> list[tuple[Span, Any]]:
        """Each date span with its match (`rkg_timex_v1`'s values), in span order."""
        return _with_values(self.doc, DATE_KEY)

    @cached_property
    def _counts(self) -> list[tuple[Span, Any]]:
        return _with_values(self.doc, COUNT_KEY)

    @property
    def doc_date(self) -> DateValue:
        return self.info.date if self.info.date.known else UNKNOWN_DATE

    def sentences(self) -> Iterator[Span]:
        yield from self._sents

    def sentence_text(self, sent: Span) -> str:
        """`sent.text`, sliced from the document text."""
        return self.text[sent.start_char:sent.end_char]

    @cached_property
    def publisher(self) -> EntityRef | None:
        """`publisher_entity(self)`, worked out once."""
        return publisher_entity(self)

    def sentence_of(self, i: int) -> Span:
        """The sentence holding token `i` (as `doc[i].sent`)."""
        return self._sents[bisect.bisect_right(self._sent_starts, i) - 1]

    # -- token attributes, read once per document -----------------------------------------
    @cached_property
    def lemmas(self) -> list[str]:
        """Lower-cased lemma of each token."""
        return [t.lemma_.lower() for t in self.doc]

    @cached_property
    def tags(self) -> list[str]:
        return [t.tag_ for t in self.doc]

    @cached_property
    def lowers(self) -> list[str]:
        return [t.lower_ for t in self.doc]


@lru_cache(maxsize=4)
def folded_demonyms(registry: Registry) -> dict[str, str]:
    """Case-folded demonym -> state id (shared: do not modify)."""
    return {d.casefold(): s for d, s in registry.demonyms().items()}


def _with_values(doc: Doc, key: str) -> list[tuple[Span, Any]]:
    values = doc.user_data.get(key, {})
    pairs = [(span, _lookup(values, span)) for span in doc.spans[key]]
    return [(span, m) for span, m in pairs if m is not None]


def _lookup(values: dict[tuple[int, int], Any], span: Span) -> Any:
    for (start, end), m in values.items():
        if span.start_char <= start and end <= span.end_char and (
                start - span.start_char < 3 and span.end_char - end < 3):
            return m
    return None


def _is_left_of_head(t: Token, head: Token) -> bool:
    return t.i <= head.i or (t.head == head and t.dep_ in {"compound", "amod", "poss", "nmod"})


INVERTING_VERBS = frozenset({"say", "tell", "add", "state", "write", "ask", "note", "explain",
                             "continue", "warn", "insist", "conclude"})


def subject_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in {"nsubj", "nsubjpass", "csubj"}:
            # a subject after its verb is a parse slip, except in '“...,” said Adams'
            if child.i > verb.i and verb.dep_ == "conj" and not (
                    verb.lemma_.lower() in INVERTING_VERBS and verb.i > 0
                    and verb.nbor(-1).text in {",", "”", '"', "’"}):
                continue
            return child
    if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.pos_ in {"VERB", "AUX"}:
        return subject_of(verb.head)
    if verb.dep_ in {"relcl", "acl"}:
        return verb.head
    return None


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)


def agent_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def objects_of(verb: Token) -> list[Token]:
    objs = [c for c in verb.children if c.dep_ in {"dobj", "dative", "obj"}]
    for o in list(objs):
        objs.extend(c for c in o.children if c.dep_ == "conj")
        for c in o.children:
            if c.dep_ == "conj":
                objs.extend(cc for cc in c.children if cc.dep_ == "conj")
    return objs


def conjuncts(token: Token) -> list[Token]:
    out = [token]
    for child in token.children:
        if child.dep_ == "conj":
            out.extend(conjuncts(child))
    return out


def publisher_entity(view: DocView) -> EntityRef | None:
    """The document's publisher as an entity: registry entry, mention, or a new one."""
    name = view.info.publisher
    if not name:
        return None
    name = name.split("(")[0].strip() or name  # "UN News (statement by ...)" -> "UN News"
    for span in view.entities():
        ref = view.ref(span)
        if ref.label.casefold() == name.casefold() or span.text.casefold() == name.casefold():
            return ref
    from graph.nlp.entities import new_key, normalise_name

    entry_id = _names_index(view.registry).get(normalise_name(name))
    if entry_id is not None:
        return view.registered(entry_id)
    if len(name.split()) > 8 or "(" in name:
        return None
    from graph.nlp.lexicon import MEDIA_WORDS

    words = set(re.findall(r"[a-z]+", name.casefold()))
    media = (view.info.kind or "") in {"news_article", "news", "article", "wire"} \
        or bool(words & MEDIA_WORDS)  # a publisher called "... Daily" or "... Times"
    return EntityRef(new_key(name), name, "MediaOrganization" if media else "NGO", False)


_NAME_INDEXES: dict[int, dict[str, str]] = {}


def _names_index(registry: Registry) -> dict[str, str]:
    """Normalised label or alias -> entry id, built once per registry (first entry wins)."""
    index = _NAME_INDEXES.get(id(registry))
    if index is None:
        from graph.nlp.entities import normalise_name

        index = {}
        for entry in registry.entries:
            for name in (entry.label, *entry.aliases):
                index.setdefault(normalise_name(name), entry.id)
        _NAME_INDEXES[id(registry)] = index
    return index
