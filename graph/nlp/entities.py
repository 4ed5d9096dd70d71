"""`rkg.entities.v1`: marks every entity mention in a Doc.

Registry entries are found through PhraseMatchers (aliases, metonyms, demonym + government
noun); entities no registry holds are discovered from the statistical NER, from lists of
proper names (signatory lists) and from in-document aliases (acronyms in parentheses, short
forms, surnames). The component only annotates: `doc.spans["rkg.entities"]`, each span with
`label_` = ontology type and `kb_id_` = entity key; `doc.user_data["rkg.entities"]` maps keys
to (label, type, registered).
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from graph.nlp import lexicon
from graph.registry import ACTOR_TYPES, MENTION_PLACE_TYPES, PERSON_TYPES, Registry

SPAN_KEY = "rkg.entities"
_POSSESSIVE_UN = re.compile(r"^(?:the )?(?:united nations|u\.n\.|un)(?:'s|’s|'|’) (.+)$")
ENTITY_TABLE = "rkg.entities"
# The type sets live in graph.registry (one place); these names are what extractors import.
PLACE_TYPES = MENTION_PLACE_TYPES
AGENT_TYPES = ACTOR_TYPES
ORG_TYPES = ACTOR_TYPES - PERSON_TYPES - {"State"}
# First words that do not name an organisation alone ("National ...", "International ...").
GENERIC_FIRST_WORDS = frozenset({"national", "international", "united", "world", "human",
                                 "north", "south", "korean", "global", "asian", "new",
                                 "committee", "council", "commission", "office", "ministry",
                                 "free", "citizens", "unification", "special", "general"})
SHORT_FORM_HEADS = frozenset({"commission", "council", "committee", "assembly", "rapporteur",
                              "agency", "foundation", "coalition", "court", "bureau",
                              "ministry", "office"})


@lru_cache(maxsize=8192)  # names recur across documents
def normalise_name(text: str) -> str:
    """The key discovered entities are merged on: accents, case, punctuation, 'the' folded."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ").replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def new_key(name: str) -> str:
    return "new-" + re.sub(r"[^a-z0-9]+", "-", normalise_name(name)).strip("-")[:80]


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    key: str
    label: str
    type: str
    registered: bool
    priority: int  # higher wins among overlapping candidates of equal length
    alternatives: tuple[str, ...] = ()  # other registry places this name may denote


class EntityAnnotator:
    def __init__(self, nlp: Language, registry: Registry) -> None:
        self.registry = registry
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.forms: dict[str, list[tuple[str, bool]]] = {}
        originals: dict[str, set[str]] = {}
        for form, entry_id, is_metonym in registry.surface_forms():
            self.forms.setdefault(form.casefold(), []).append((entry_id, is_metonym))
            originals.setdefault(form.casefold(), set()).add(form)
        case_sensitive = registry.case_sensitive_forms()
        for form in sorted(originals):
            for original in sorted(originals[form]):
                doc = nlp.make_doc(original)
                short = (len(original) <= 3 or (original.isupper() and len(doc) == 1)
                         or original in case_sensitive
                         or (len(doc) == 1 and any(c.isupper() for c in original[1:])))
                (self.exact if short else self.folded).add(form, [doc])
        self.demonyms = {d.casefold(): s for d, s in registry.demonyms().items()}
        # Demonym + government noun ("Chinese authorities"): a PhraseMatcher finds the
        # demonyms, the nouns after them are checked by hand (a token Matcher with one
        # pattern per demonym and noun was a third of the NLP stage).
        self.demonym_phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        for dem in sorted(self.demonyms):
            self.demonym_phrases.add("DEMONYM", [nlp.make_doc(dem)])
        self.gov_nouns: dict[str, list[tuple[str, ...]]] = {}  # by first word
        for g in sorted(lexicon.GOVERNMENT_NOUNS):
            self.gov_nouns.setdefault(g.split()[0], []).append(tuple(g.split()))

    # -- entry points -------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        table: dict[str, tuple[str, str, bool]] = {}
        spans: list[Span] = []
        government = self._government_matches(doc)
        sents = list(doc.sents)
        words = [t.text for t in doc]  # scanned several times below
        candidates = (self._registry_candidates(doc)
                      + self._government_candidates(doc, government)
                      + self._list_candidates(doc, sents) + self._ner_candidates(doc, sents)
                      + self._name_shape_candidates(doc, words) + _peer_candidates(doc, words))
        candidates += _local_force_candidates(doc, words)
        candidates += self._org_shape_candidates(doc, words)
        chosen = self._places_near_each_other(
            _drop_surname_lookalikes(doc, _resolve_overlaps(candidates)))
        chosen += self._document_aliases(doc, chosen, words)
        chosen += self._government_doubles(doc, chosen, government)
        chosen = self._agency_short_forms(chosen)
        for c in sorted(chosen, key=lambda c: (c.start, c.end, c.key)):
            span = Span(doc, c.start, c.end, label=c.type, kb_id=c.key)
            spans.append(span)
            table.setdefault(c.key, (c.label, c.type, c.registered))
        doc.spans[SPAN_KEY] = spans
        doc.user_data[ENTITY_TABLE] = table
        return doc

    def _places_near_each_other(self, chosen: list[Candidate]) -> list[Candidate]:
        """'Riverton, Lakeside, Hillcrest': an ambiguous place name is the candidate that
        lies in the same regions as the document's unambiguous places."""
        context: dict[str, int] = {}
        for c in chosen:
            if c.type in PLACE_TYPES and c.registered and not c.alternatives:
                for region in self.registry.located_in_chain(c.key):
                    context[region] = context.get(region, 0) + 1
        out = []
        for c in chosen:
            if c.alternatives:
                options = (c.key, *c.alternatives)
                scores = {o: sum(context.get(r, 0) for r in self.registry.located_in_chain(o))
                          for o in options}
                best = max(options, key=lambda o: (scores[o], o == c.key))
                if best != c.key:
                    entry = self.registry[best]
                    c = Candidate(c.start, c.end, entry.id, entry.label, entry.type, True,
                                  c.priority)
            out.append(c)
        return out

    # -- registry -----------------------------------------------------------------------
    def _registry_candidates(self, doc: Doc) -> list[Candidate]:
        found: list[Candidate] = []
        seen: set[tuple[int, int]] = set()
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                if (start, end) in seen:
                    continue
                seen.add((start, end))
                form = doc.vocab.strings[match_id]
                options = self.forms.get(form, [])
                chosen = self._choose_entry(doc[start:end], options)
                if chosen is None:
                    continue
                entry = self.registry[chosen]
                others = tuple(e for e, _ in options if e != chosen
                               and self.registry[e].type in PLACE_TYPES) \
                    if entry.type in PLACE_TYPES else ()
                found.append(Candidate(start, end, entry.id, entry.label, entry.type, True, 3,
                                       others))
        return found

    def _choose_entry(self, span: Span, options: list[tuple[str, bool]]) -> str | None:
        """Pick among the entries a surface form may name, by the span's context."""
        if not options:
            return None
        if len(options) == 1 and not options[0][1]:
            return options[0][0]
        locative = _is_locative(span)
        places = [e for e, _ in options if self.registry[e].type in PLACE_TYPES]
        actors = [e for e, m in options if self.registry[e].type not in PLACE_TYPES]
        if locative and places:
            return places[0]
        if actors:
            if locative and all(m for e, m in options if e in actors):
                return None  # a capital in a locative context with no place entry
            return actors[0]
        return places[0] if places else None

    def _government_matches(self, doc: Doc) -> list[tuple[str, int, int]]:
        """("GOV", start, end) for "Chinese authorities"; ("GOV2", start, end) for "the
        Chinese and South Korean governments" (demonym, "and", title-case words, noun)."""
        found: list[tuple[str, int, int]] = []
        n = len(doc)
        for _match_id, start, end in self.demonym_phrases(doc):
            found += [("GOV", start, stop) for stop in self._gov_noun_ends(doc, end)]
            if end < n and doc[end].lower_ == "and":
                after = end + 1
                while after < n and doc[after].is_title:
                    after += 1
                    found += [("GOV2", start, stop) for stop in self._gov_noun_ends(doc, after)]
        return sorted(set(found), key=lambda m: (m[1], m[2], m[0]))

    def _gov_noun_ends(self, doc: Doc, at: int) -> list[int]:
        """Ends of the government nouns starting at token `at`."""
        if at >= len(doc):
            return []
        return [at + len(noun) for noun in self.gov_nouns.get(doc[at].lower_, ())
                if at + len(noun) <= len(doc)
                and all(doc[at + k].lower_ == w for k, w in enumerate(noun) if k)]

    def _government_candidates(self, doc: Doc, government: list[tuple[str, int, int]]
                               ) -> list[Candidate]:
        found = []
        for label, start, end in government:
            if label != "GOV":
                continue
            words = doc[start:end]
            state = self._demonym_state(words)
            if state is None:
                continue
            entry = self.registry[state]
            found.append(Candidate(start, end, entry.id, entry.label, entry.type, True, 4))
        return found

    def _demonym_state(self, words: Span) -> str | None:
        for n in range(len(words), 0, -1):
            state = self.demonyms.get(words[:n].text.casefold())
            if state:
                return state
        return None

    def _government_doubles(self, doc: Doc, chosen: list[Candidate],
                            government: list[tuple[str, int, int]]) -> list[Candidate]:
        """'the Chinese and South Korean governments' names two states."""
        found = []
        taken = {(c.start, c.end, c.key) for c in chosen}
        for label, start, end in government:
            if label != "GOV2":
                continue
            words = doc[start:end]
            and_index = next(t.i for t in words if t.lower_ == "and")
            first = self._demonym_state(doc[start:and_index])
            gov_len = 2 if doc[end - 2].lower_ in {"border", "security"} else 1
            second = self._demonym_state(doc[and_index + 1:end - gov_len])
            for state in (first, second):
                if state and (start, end, state) not in taken:
                    entry = self.registry[state]
                    found.append(Candidate(start, end, entry.id, entry.label, entry.type,
                                           True, 4))
                    taken.add((start, end, state))
        return found

    # -- discovery ----------------------------------------------------------------------
    def _name_shape_candidates(self, doc: Doc, words: list[str]) -> list[Candidate]:
        """Hyphenated East Asian given names the statistical NER often misses or cuts:
        'Kim Sung-hwan', 'Cho Tai-young' (surname, then a hyphenated given name)."""
        found = []
        for start, end in _name_shapes(doc, words):
            hyphen = doc[start + 2]
            if doc[start + 1].whitespace_ or hyphen.whitespace_:
                continue
            if start > 0 and doc[start - 1].is_title and doc[start - 1].lower_ not in \
                    lexicon.TITLES and not doc[start - 1].is_sent_start:
                continue  # inside a longer capitalised name
            span = doc[start:end]
            known = self._registry_lookup(span.text)
            if known:
                found.append(self._known(start, end, known, span.text, 2))
            else:
                found.append(Candidate(start, end, new_key(span.text), span.text, "Person",
                                       False, 2))
        return found

    def _org_shape_candidates(self, doc: Doc, words: list[str]) -> list[Candidate]:
        """'the Riverside Aid Network': capitalised words ending in an organisation's head
        noun name an organisation even when the statistical NER misses them. Lower priority
        than the NER's own reading, so a name it found keeps its bounds."""
        found = self._owned_agencies(doc, words)
        for i, word in enumerate(words):
            if word.lower() not in lexicon.ORG_HEADS or not word[:1].isupper() or i == 0 \
                    or doc[i].ent_type_ == "ORG":
                continue  # a name the NER found keeps the NER's bounds
            start = i
            while start > 0 and (doc[start - 1].is_title or (
                    doc[start - 1].lower_ in {"of", "for", "and"} and start > 1
                    and doc[start - 2].is_title)) and not doc[start - 1].is_sent_start \
                    and doc[start - 1].lower_ not in lexicon.TITLES | lexicon.ROLE_NOUNS:
                start -= 1
            if doc[start].is_sent_start and doc[start].lower_ == "the":
                start += 1
            while start < i and doc[start].lower_ in lexicon.NAME_CONNECTORS:
                start += 1
            if i - start < 1 or (doc[start].is_sent_start and start + 1 == i):
                continue  # one capitalised word before the head: too weak alone
            span = doc[start:i + 1]
            if self.demonyms.get(span[0].lower_) or _in_headline(span.sent):
                continue  # "Chinese Embassy" (the registry's) or a headline's capitals
            known = self._registry_lookup(span.text)
            if known:
                found.append(self._known(span.start, span.end, known, span.text, 0))
                continue
            etype = _discovered_type(span.text, "ORG")
            if etype is not None:
                found.append(Candidate(span.start, span.end, new_key(span.text), span.text,
                                       etype, False, 0))
        return found

    def _owned_agencies(self, doc: Doc, words: list[str]) -> list[Candidate]:
        """"Seoul's foreign ministry", "China's public security ministry": an agency written
        in lower case after its state's possessive is the registry's agency of that state."""
        found = []
        for i, word in enumerate(words):
            if word not in {"ministry", "department"} or i < 3:
                continue
            for start in (i - 1, i - 2):
                if doc[start - 1].lower_ not in {"'s", "’s"} or not all(
                        t.is_lower and t.is_alpha for t in doc[start:i]):
                    continue
                owned = self._state_agency(doc[start:i + 1])
                if owned is not None:
                    agency, first = owned
                    found.append(self._known(first, i + 1, agency, doc[first:i + 1].text, 2))
                    break
        return found

    def _ner_candidates(self, doc: Doc, sents: list[Span]) -> list[Candidate]:
        found = []
        starts = [sent.start for sent in sents]
        headlines: dict[int, bool] = {}  # by sentence index
        for ent in doc.ents:
            ner_label = ent.label_
            if ner_label not in {"PERSON", "ORG", "GPE", "LOC", "FAC", "LAW"}:
                continue
            at = bisect.bisect_right(starts, ent.start) - 1  # the sentence of ent.start
            if at not in headlines:
                headlines[at] = _in_headline(sents[at])
            if headlines[at]:
                continue
            span = _trim(_extend_hyphenated(ent))
            if span is None or not _looks_like_name(span):
                continue
            if span.text.isupper() and span.start > 0 and span.end < len(doc) \
                    and doc[span.start - 1].text == "(" and doc[span.end].text == ")":
                continue  # "(GIA)": the short form of the name before (document aliases)
            label = span.text
            if any(t.text in {",", ";"} for t in span) or label.count("(") != label.count(")"):
                continue
            parts = _split_on_and(span)
            if len(parts) > 1 and all(self._registry_lookup(p.text) for p in parts):
                continue  # "the Torture Convention and the Covenant": two known names
            if ner_label == "PERSON" and len(span) == 1:
                continue  # a lone surname names a person only as an alias (see below)
            if len(span) == 1 and span[0].lower_ in SHORT_FORM_HEADS:
                continue  # 'the Commission': a short form of a longer name (see below)
            etype = _discovered_type(label, ner_label)
            if (etype == "NGO" and ner_label == "ORG") or (
                    etype in {"Settlement", "AdministrativeRegion"} and span.start > 0
                    and doc[span.start - 1].lower_ in lexicon.ORG_CLASS_NOUNS):
                etype = _untyped_organisation(span)  # "the rights group Mountain Path"
            if etype is None:
                continue
            if etype in {"Settlement", "AdministrativeRegion"} and (
                    (span.root.dep_ in {"compound", "amod"} and span.root.head.pos_ == "NOUN")
                    or " and " in label or label.casefold() in self.demonyms
                    or label.casefold().rstrip("s") in self.demonyms
                    or label.lower() in lexicon.NOT_PLACES):
                continue  # "Asia director", "North and South Korea", "Lao", "the North"
            known = self._registry_lookup(label)
            if known is None and etype == "GovernmentAgency":
                owned = self._state_agency(span)  # "China's Foreign Affairs Ministry"
                if owned is not None:
                    agency, start = owned
                    found.append(self._known(start, span.end, agency,
                                             doc[start:span.end].text, 2))
                    continue
            if known:
                found.append(self._known(span.start, span.end, known, label, 2))
                continue
            found.append(Candidate(span.start, span.end, new_key(label), label, etype,
                                   False, 1))
        return found

    def _list_candidates(self, doc: Doc, sents: list[Span]) -> list[Candidate]:
        """Each item of a long comma-separated list of proper names is an organisation."""
        found = []
        for sent in sents:
            commas = [t.i for t in sent if t.text == ","]
            if len(commas) < 4:
                continue
            bounds = [sent.start, *[c + 1 for c in commas], sent.end]
            items = []
            for a, b in itertools.pairwise(bounds):
                piece = doc[a:b]
                while len(piece) and piece[-1].is_punct and piece[-1].text not in {")", "!"}:
                    piece = piece[:-1]
                while len(piece) and (piece[0].lower_ in {"and", "or"} or piece[0].is_punct):
                    piece = piece[1:]
                items.append(piece)
            items = [part for item in items for part in _split_on_and(item)]
            proper = [p for p in items if (len(p) and _looks_like_name(p) and p[0].is_title)
                      or (len(p) and p[0].is_upper and len(p[0]) > 1)]
            if len(proper) < max(4, int(0.7 * len(items))):
                continue
            for piece in proper:
                name_end = piece.end
                for t in piece:
                    if t.text == "(":
                        name_end = t.i
                        break
                name = doc[piece.start:name_end]
                if not len(name):
                    continue
                known = self._registry_lookup(name.text)
                if known:
                    found.append(self._known(name.start, name.end, known, name.text, 5))
                    continue
                etype = _discovered_type(name.text, "ORG") or "NGO"
                found.append(Candidate(name.start, name.end, new_key(name.text), name.text,
                                       etype, False, 5))
        return found

    def _known(self, start: int, end: int, entry_id: str, text: str, priority: int
               ) -> Candidate:
        """A candidate for a registry entry, with the other places its name may denote."""
        entry = self.registry[entry_id]
        others: tuple[str, ...] = ()
        if entry.type in PLACE_TYPES:
            others = tuple(e for e, _ in self.forms.get(text.casefold(), [])
                           if e != entry_id and self.registry[e].type in PLACE_TYPES)
        return Candidate(start, end, entry.id, entry.label, entry.type, True, priority, others)

    def _state_agency(self, span: Span) -> tuple[str, int] | None:
        """The registry agency of the state named just before (by possessive or demonym)
        whose own names hold every word of this one ("X's Foreign Affairs Ministry")."""
        doc = span.doc
        at = span.start - 1
        if at >= 1 and doc[at].lower_ in {"'s", "’s"}:
            at -= 1
        if at < 0:
            return None
        start = at
        state = self._state_named(doc[at].text)
        if state is None and at >= 1:
            two = f"{doc[at - 1].text} {doc[at].text}"
            state = self._state_named(two)
            start = at - 1
        if state is None or self.registry[state].type != "State":
            return None
        words = {w for w in re.findall(r"[a-z]+", span.text.casefold())} - {"the", "of"}
        for entry in self.registry.by_type("GovernmentAgency"):
            if entry.get("country") != state:
                continue
            names = " ".join((entry.label, *entry.aliases)).casefold()
            if words <= set(re.findall(r"[a-z]+", names)):
                return entry.id, start
        return None

    def _state_named(self, text: str) -> str | None:
        """The state a word names as an owner: its name, demonym or capital metonym
        ("Seoul's Foreign Ministry" is South Korea's)."""
        known = self._registry_lookup(text)
        if known and self.registry[known].type == "State":
            return known
        metonyms = [e for e, m in self.forms.get(text.casefold(), [])
                    if m and self.registry[e].type == "State"]
        if len(metonyms) == 1:
            return metonyms[0]
        return self.demonyms.get(text.casefold()) or known

    def _agency_short_forms(self, chosen: list[Candidate]) -> list[Candidate]:
        """A bare "Foreign Ministry" is the one registry agency of the document whose names
        hold all its words ("South Korea's Foreign Ministry ... the Foreign Ministry")."""
        agencies = {c.key: c for c in chosen if c.registered and c.type == "GovernmentAgency"}
        out = []
        for c in chosen:
            if not c.registered and c.type == "GovernmentAgency":
                words = set(re.findall(r"[a-z]+", c.label.casefold())) - {"the", "of"}
                owners = [a for a in agencies.values() if words <= set(re.findall(
                    r"[a-z]+", " ".join((a.label, *self.registry[a.key].aliases)).casefold()))]
                if len(owners) == 1:
                    a = owners[0]
                    c = Candidate(c.start, c.end, a.key, a.label, a.type, True, c.priority)
            out.append(c)
        return out

    def _registry_lookup(self, text: str) -> str | None:
        folded = text.casefold()
        options = self.forms.get(folded) or self.forms.get(re.sub(r"^the ", "", folded))
        if not options:  # "United Nations' Third Committee", "the U.N.'s refugee agency"
            m = _POSSESSIVE_UN.match(folded)
            if m:
                rest = m.group(1)
                options = self.forms.get(f"un {rest}") or self.forms.get(
                    f"united nations {rest}") or self.forms.get(rest)
        if options and not all(m for _, m in options):
            return next(e for e, m in options if not m)
        return None

    def _document_aliases(self, doc: Doc, chosen: list[Candidate], words: list[str]
                          ) -> list[Candidate]:
        """Acronyms in parentheses, later short forms and surnames name earlier entities.
        `words` are the texts of the Doc's tokens."""
        taken = {(c.start, c.end) for c in chosen}
        covered = {i for c in chosen for i in range(c.start, c.end)}
        aliases: dict[str, Candidate] = {}
        firsts: dict[str, set[str]] = {}
        first_of: dict[str, Candidate] = {}
        for c in sorted(chosen, key=lambda c: c.start):
            # "Human Rights Foundation (HRF)"
            if c.end + 2 < len(doc) and doc[c.end].text == "(" and doc[c.end + 2].text == ")" \
                    and c.type != "Person":  # "X (Labour)" is a party, not X's short form
                acronym = doc[c.end + 1].text
                if acronym.isupper() or re.fullmatch(r"[A-Z][A-Za-z!]{1,9}", acronym):
                    aliases.setdefault(acronym, c)
            if c.type == "Person" and doc[c.start].lower_ in lexicon.PEERAGE_TITLES:
                aliases.setdefault(doc[c.start + 1].text, c)  # "Clarke" for "Lord Clarke of X"
            elif c.type == "Person" and c.end - c.start >= 2:
                aliases.setdefault(doc[c.end - 1].text, c)  # surname
                firsts.setdefault(doc[c.start].text, set()).add(c.key)
                first_of.setdefault(doc[c.start].text, c)
            elif c.type in ORG_TYPES and c.end - c.start >= 2 and doc[c.start].is_title \
                    and doc[c.start].lower_ not in lexicon.NAME_CONNECTORS | GENERIC_FIRST_WORDS:
                firsts.setdefault(doc[c.start].text, set()).add(c.key)
                first_of.setdefault(doc[c.start].text, c)
        for word, keys in firsts.items():
            # 'Zeid' for Zeid Ra'ad Al Hussein, 'Kim' for Kim Sung-hwan, 'Amnesty' for
            # Amnesty International -- only when no other entity starts with that word
            if len(keys) == 1 and word not in aliases:
                aliases[word] = first_of[word]
        found = []
        for i, word in enumerate(words):
            alias = aliases.get(word)
            if alias is None or i in covered or i < alias.start or (i, i + 1) in taken:
                continue
            token = doc[i]
            c = alias
            if not (token.is_upper or token.is_title or token.text[:1].isupper()):
                continue
            found.append(Candidate(token.i, token.i + 1, c.key, c.label, c.type, c.registered,
                                   0))
            covered.add(token.i)
        found += self._short_forms(doc, chosen, covered, words)
        found += self._child_instruments(doc, chosen, covered, words)
        return found

    def _child_instruments(self, doc: Doc, chosen: list[Candidate], covered: set[int],
                           words: list[str]) -> list[Candidate]:
        """'the 1951 Convention ... and its accompanying Protocol': the registry's protocol
        to the treaty just named (its `parent`)."""
        found = []
        treaties = sorted((c for c in chosen if c.type == "Treaty"), key=lambda c: c.start)
        for i, word in enumerate(words):
            if word != "Protocol" or i in covered:
                continue
            token = doc[i]
            start = token.i
            while start > 0 and doc[start - 1].lower_ not in {"its", "their", "the"} \
                    and (doc[start - 1].is_lower or doc[start - 1].like_num) \
                    and token.i - start < 2:
                start -= 1
            if start == 0 or doc[start - 1].lower_ not in {"its", "their", "the"}:
                continue
            before = [c for c in treaties if c.end <= token.i]
            if not before:
                continue
            children = [e for e in self.registry.by_type("Treaty")
                        if e.get("parent") == before[-1].key]
            if len(children) != 1:
                continue
            entry = children[0]
            found.append(Candidate(start, token.i + 1, entry.id, entry.label, entry.type, True,
                                   0))
            covered.update(range(start, token.i + 1))
        return found

    def _short_forms(self, doc: Doc, chosen: list[Candidate], covered: set[int],
                     words: list[str]) -> list[Candidate]:
        """'the Commission' after 'United Nations Commission on Human Rights'."""
        heads: dict[str, list[Candidate]] = {}
        for c in chosen:
            if c.type not in ORG_TYPES or c.end - c.start < 2:
                continue
            for t in doc[c.start:c.end]:
                if t.is_title and t.lower_ in SHORT_FORM_HEADS:
                    heads.setdefault(t.text, []).append(c)
        found = []
        for i, word in enumerate(words):
            if word not in heads or i == 0 or i in covered:
                continue
            token = doc[i]
            if doc[token.i - 1].lower_ not in {"the", "’s", "'s"} and not (
                    token.i > 1 and doc[token.i - 2].lower_ == "the"):
                continue
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if following is not None and following.is_title and not following.is_punct:
                continue  # part of a longer name
            earlier = {c.key: c for c in heads[token.text] if c.end <= token.i}
            if len(earlier) != 1:
                continue
            c = next(iter(earlier.values()))
            found.append(Candidate(token.i, token.i + 1, c.key, c.label, c.type, c.registered, 0))
        return found


# -- helpers ------------------------------------------------------------------------------
def _name_shapes(doc: Doc, words: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each 'Kim Sung-hwan': a title-case word of at most 5 letters, a
    title-case word, '-', a lower-case word of 2 letters or more (found from the hyphens:
    a token Matcher scanned every token)."""
    found = []
    for i, word in enumerate(words):
        if word != "-" or i < 2 or i + 1 >= len(words):
            continue
        first, second, after = doc[i - 2], doc[i - 1], doc[i + 1]
        if first.is_title and first.is_alpha and len(first.text) <= 5 \
                and second.is_title and second.is_alpha \
                and after.is_lower and after.is_alpha and len(after.text) >= 2 \
                and after.lower_ not in lexicon.LOCATED_SUFFIXES:  # not "New York-based"
            found.append((i - 2, i + 2))
    return found


def _split_on_and(piece: Span) -> list[Span]:
    """'Riverton and Lakeside', the last item of a list, is two items."""
    for t in piece:
        if t.lower_ in {"and", "or"} and piece.start < t.i < piece.end - 1:
            return [piece.doc[piece.start:t.i], piece.doc[t.i + 1:piece.end]]
    return [piece]


def _local_force_candidates(doc: Doc, words: list[str]) -> list[Candidate]:
    """'the Riverside provincial police': a place name, a level and a force are one agency
    (whatever the statistical NER made of the place name). `words`: the tokens' texts."""
    found = []
    for i, word in enumerate(words):
        if i < 2 or word.lower() not in lexicon.FORCE_NOUNS:
            continue
        t = doc[i]
        start = t.i
        while start > 0 and doc[start - 1].lower_ in lexicon.FORCE_LEVELS:
            start -= 1
        if start == t.i or start == 0 or not doc[start - 1].is_title \
                or doc[start - 1].lower_ in lexicon.ROLE_NOUNS \
                or doc[start - 1].is_sent_start or doc[start - 1].pos_ != "PROPN":
            continue
        span = doc[start - 1:t.i + 1]
        found.append(Candidate(span.start, span.end, new_key(span.text), span.text,
                               "GovernmentAgency", False, 3))
    return found


def _peer_candidates(doc: Doc, words: list[str]) -> list[Candidate]:
    """'Lord Clarke of Hampstead', 'Baroness Hale': a peerage title and its name are one
    person, whatever the statistical NER made of them (often an organisation or nothing).
    `words`: the tokens' texts."""
    found = []
    for i, word in enumerate(words):
        if word.lower() not in lexicon.PEERAGE_TITLES or not word.istitle() \
                or i + 1 >= len(doc):
            continue
        t = doc[i]
        name = doc[t.i + 1]
        if not (name.is_title and name.is_alpha) or name.lower_ in lexicon.NAME_CONNECTORS:
            continue
        end = t.i + 2
        if end + 1 < len(doc) and doc[end].lower_ == "of" and doc[end + 1].is_title:
            end += 2
        span = doc[t.i:end]
        found.append(Candidate(t.i, end, new_key(span.text), span.text, "Person", False, 3))
    return found


def _resolve_overlaps(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Longest span first, then priority; spans may not overlap."""
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), -c.priority, c.start, c.key))
    used: set[int] = set()
    kept = []
    for c in ordered:
        if any(i in used for i in range(c.start, c.end)):
            continue
        kept.append(c)
        used.update(range(c.start, c.end))
    return kept


def _drop_surname_lookalikes(doc: Doc, chosen: list[Candidate]) -> list[Candidate]:
    """'since Kang's visit': a lone surname the NER took for an organisation is the person
    named in full earlier (in-document aliasing re-adds it as such)."""
    surnames = {doc[i].text for c in chosen if c.type == "Person" and c.end - c.start > 1
                for i in (c.start, c.end - 1)}
    surnames |= {doc[c.start].text for c in chosen if c.type in ORG_TYPES
                 and c.end - c.start > 1 and doc[c.start].lower_ not in GENERIC_FIRST_WORDS}
    return [c for c in chosen if not (c.end - c.start == 1 and not c.registered
                                      and c.type != "Person" and doc[c.start].text in surnames)]


def _is_locative(span: Span) -> bool:
    doc = span.doc
    root = span.root
    if span.start < 12 and span.text.isupper():  # a dateline: "SEOUL -"
        return True
    if _located_form(span):  # "a Seoul-based group": where it sits, not who acts
        return True
    prev = doc[span.start - 1] if span.start > 0 else None
    if prev is not None and prev.lower_ in lexicon.LOCATIVE_PREPOSITIONS and not (
            root.dep_ == "pobj" and any(c.dep_ == "dobj" and c.lemma_ in lexicon.MESSAGE_NOUNS
                                        for c in root.head.head.children)):
        return True
    if root.dep_ == "pobj" and root.head.lower_ in lexicon.LOCATIVE_PREPOSITIONS:
        return True
    if root.dep_ in {"dobj", "npadvmod"} and root.head.lemma_ in lexicon.MOTION_VERBS:
        return True
    if root.dep_ == "pobj" and any(c.dep_ == "dobj" and c.lemma_ in lexicon.MESSAGE_NOUNS
                                   for c in root.head.head.children):
        return False  # "sent a letter to Beijing": the government, not the city
    return prev is not None and prev.text == "," and span.start > 0 and _is_dateline(span)


def _is_dateline(span: Span) -> bool:
    line_start = span.doc.text.rfind("\n", 0, span.start_char) + 1
    return span.start_char - line_start < 40 and span.doc.text[line_start:span.start_char].isupper()


def _in_headline(sent: Span) -> bool:
    """Headlines, subheadings and page chrome: title-case or very short unpunctuated lines,
    where the statistical NER takes ordinary capitalised words for names."""
    if sent.text.rstrip().endswith((".", "”", "\"", "?", "!", ":")):
        return False
    words = [t for t in sent if t.is_alpha]
    if len(words) <= 4:
        return True
    content = [t for t in words if t.lower_ not in lexicon.NAME_CONNECTORS | {"a", "an"}]
    capitalised = sum(1 for t in content if t.text[0].isupper())
    return bool(content) and capitalised / len(content) > 0.7


def _extend_hyphenated(span: Span) -> Span:
    doc = span.doc
    end = span.end
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
            and doc[end + 1].is_alpha and doc[end + 1].lower_ not in lexicon.LOCATED_SUFFIXES:
        end += 2
    return doc[span.start:end]


def _located_form(span: Span) -> bool:
    """'Seoul-based', 'New York-headquartered': the name is the place something sits in."""
    doc = span.doc
    return span.end + 1 < len(doc) and doc[span.end].text == "-" \
        and doc[span.end + 1].lower_ in lexicon.LOCATED_SUFFIXES


def _trim(span: Span) -> Span | None:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in {"the", "a", "an"} or doc[start].is_punct
                           or doc[start].is_space):
        start += 1
    while end > start and ((doc[end - 1].is_punct and doc[end - 1].text not in {")", "!", "."})
                           or doc[end - 1].is_space or doc[end - 1].lower_ in {"'s", "’s"}):
        end -= 1
    if end > start and doc[end - 1].text == ")" and "(" not in doc[start:end].text:
        end -= 1
    return doc[start:end] if end > start else None


def _looks_like_name(span: Span) -> bool:
    if len(span) == 0 or len(span) > 12 or "\n" in span.text:
        return False
    if not (span[0].text[:1].isupper() or span[0].text[:1].isdigit()):
        return False
    for t in span:
        if t.like_num and t.i == span.start:
            return False
        if t.is_alpha and t.text.islower() and t.lower_ not in lexicon.NAME_CONNECTORS:
            return False
    return any(t.is_alpha for t in span)


def _untyped_organisation(span: Span) -> str | None:
    """An ORG name with no word that types it: the context decides. After "in", "near" ... it
    is a place; named as the one who reports or publishes, a medium; an event ("the Asian
    Games"), a post ("Special Representative") or a bare common noun ("State") is no
    organisation at all; otherwise an NGO."""
    words = [t.lower_ for t in span]
    if set(words) & lexicon.EVENT_WORDS or words[-1] in lexicon.ROLE_NOUNS \
            or (len(words) == 1 and (words[0] in lexicon.GOVERNMENT_NOUNS
                                     or words[0] in lexicon.GENERIC_CAPITALISED)):
        return None
    doc = span.doc
    prev = doc[span.start - 1] if span.start > 0 else None
    if prev is not None and prev.lower_ in lexicon.PLACE_PREPOSITIONS:
        return "Settlement"
    root = span.root
    if root.dep_ == "nsubj" and root.head.lemma_.lower() in lexicon.PUBLISHING_VERBS:
        return "MediaOrganization"
    if root.dep_ in {"dobj", "dative"} and root.head.lemma_.lower() == "tell" \
            and prev is not None and prev.lower_ == "told":
        return "MediaOrganization"  # "told Radio X": a source speaks to a medium
    return "NGO"


@lru_cache(maxsize=4096)
def _discovered_type(name: str, ner_label: str) -> str | None:
    words = set(re.findall(r"[a-z]+", name.casefold()))
    lower = name.casefold()
    if ner_label == "PERSON":
        if words & (lexicon.ORG_WORDS | lexicon.MEDIA_WORDS | lexicon.AGENCY_WORDS):
            return _discovered_type(name, "ORG")
        return "Person"
    if ner_label == "LAW":
        return "DomesticLaw" if "law" in words or "act" in words else None
    if words & lexicon.FACILITY_REQUIRED:
        return "DetentionFacility"
    if ner_label in {"GPE", "LOC", "FAC"}:
        if words & lexicon.REGION_WORDS:
            return "AdministrativeRegion"
        return "Settlement" if ner_label != "FAC" else None
    if any(lower.startswith(p) for p in lexicon.UN_PREFIXES):
        return "UNSubsidiaryBody"
    if any(w in lower for w in lexicon.NHRI_WORDS):
        return "NationalHumanRightsInstitution"
    if words & lexicon.MEDIA_NAME_WORDS:
        return "MediaOrganization"
    if words & lexicon.AGENCY_WORDS:
        return "GovernmentAgency"
    if words & lexicon.COALITION_WORDS:
        return "Coalition"
    return "NGO"


@Language.factory(
    "rkg_entities_v1",  # spaCy forbids dots; provenance id: rkg.entities.v1
    requires=["token.dep", "token.pos", "doc.ents", "doc.sents"],
    assigns=["doc.spans"],
    default_config={"reference_dir": ""},
)
def make_entity_annotator(nlp: Language, name: str, reference_dir: str) -> EntityAnnotator:
    from graph.nlp.resources import registry_for

    return EntityAnnotator(nlp, registry_for(reference_dir))
