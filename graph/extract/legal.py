"""`rkg.treaties.v1` and `rkg.resolutions.v1`: treaty party statements, resolutions, UPR.

"China, a party to the Convention against Torture", "both of which China has ratified",
"Despite being a signatory to A, B and C, China's ...", "its obligations under A", "A obliges
Laos to ..." become `TreatyStatement`s (claims kept beside the registry's UNTC record). The
party words are data (`graph/lexicons/treaty_party_words.tsv`); how one is read over the parse
(scope, polarity, year) is in `graph.extract.treaty_scope`. "adopted a resolution ..." becomes
`ResolutionAdoption`.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from graph.extract.context import DocView, agent_of, subject_of
from graph.extract.treaty_scope import (
    binding_scope,
    clause_verb,
    irrealis,
    negated,
    obligation_scope,
    the_state_party,
    treaties_in_scope,
    violated,
    year_near,
)
from graph.extract.treaty_words import PartyWord, party_words
from graph.facts import (
    UNKNOWN_DATE,
    DateValue,
    EntityRef,
    ResolutionAdoption,
    TreatyStatement,
    UPRReview,
)
from graph.nlp.entities import new_key
from graph.nlp.lexicon import GOVERNMENT_NOUNS

TREATIES = "rkg.treaties.v1"
RESOLUTIONS = "rkg.resolutions.v1"
UPR = "rkg.upr.v1"

# Heads of agreements the registry may not know ("an extradition treaty", "a cooperation
# agreement"): minted per document when the text names their parties.
AGREEMENT_NOUNS = frozenset({"treaty", "agreement", "pact", "accord", "memorandum"})
# Singular nouns that stand for the state a sentence names ("as a party, the country must")
STATE_NOUNS = frozenset({"country", "nation", "state", "kingdom", "republic"})
# A definite "the convention" / "this covenant" restates the last treaty so named
ANAPHOR_HEADS = frozenset({"convention", "covenant", "protocol", "treaty"})
NAMING_PREPOSITIONS = frozenset({"on", "against", "relating", "for", "of", "between", "with",
                                 "concerning"})
BODY_TYPES = frozenset({"UNPrincipalOrgan", "UNSubsidiaryBody", "UNOffice", "TreatyBody",
                        "IntergovernmentalOrganization", "UNMechanism", "SpecialProcedure"})
HABITUAL_ADVERBS = frozenset({"annually", "regularly", "yearly", "routinely", "usually",
                              "every", "each"})
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
ADOPTION_MODE = re.compile(
    r"\b(by consensus(?: without a vote)?|without a vote|by a (?:recorded )?vote of [\w\s,-]+?"
    r"(?=[.;]|,? with| and )|by a vote of \d+[\w\s,-]*)", re.I)


def extract_treaty_statements(view: DocView) -> list[TreatyStatement]:
    out: list[TreatyStatement] = []
    agreements = _unnamed_cache(view)
    minted = {span.start: ref for span, ref, _parties in agreements}
    anaphors = treaty_anaphors(view)
    minted.update({span.start: ref for span, ref in anaphors})
    reviewed = _state_under_review(view)
    for span, ref, parties in agreements:  # "its treaty with China": the text names them
        sent = view.sentence_of(span.start)
        for party in parties:
            out.append(TreatyStatement(view.evidence(sent, TREATIES, 0.7), ref, party,
                                       "party", _dated_year(view, sent, span.root.head),
                                       span.text))
    out += _state_party_rows(view, reviewed)
    words = party_words()
    for sent in view.sentences():
        treaties = [s for s in view.entities(sent) if s.label_ == "Treaty"]
        treaties += [span for span, _ref, _parties in agreements
                     if sent.start <= span.start and span.end <= sent.end]
        named = list(treaties)
        treaties += [span for span, _ref in anaphors
                     if sent.start <= span.start and span.end <= sent.end]
        treaties.sort(key=lambda span: span.start)
        if not treaties:
            continue
        stated: set[str] = set()
        triggers = [t for t in sent if t.lower_ in words and words[t.lower_].fits(t.tag_)
                    and words[t.lower_].role != "cancels"]
        for token in triggers:
            word = words[token.lower_]
            others = [t for t in triggers if t != token]
            scope = treaties_in_scope(view, sent, token, treaties, others)
            if word.role == "violation":
                # "violating A, B and C", "breaching agreements such as A and B": the
                # treaties of the verb's object, however the list is parsed
                scope = violated(token, treaties)
            elif word.role == "obligation":
                scope = obligation_scope(token, treaties)
            elif word.role == "binding":
                scope = binding_scope(token, treaties)
            if not scope or negated(token) or (word.role != "obligation" and irrealis(token)):
                continue  # "is not a party to", "urged X to ratify": no party claim
            states = _stated_parties(view, sent, token, word)
            if the_state_party(token) or (word.role == "binding" and states == [None]):
                states = [reviewed]  # a treaty body names the state it reviews so
            elif states == [None] and reviewed is not None and _state_party_phrase(sent):
                states = [reviewed]  # a treaty body's "the State party"
            verb = clause_verb(token)
            year = year_near(token, others) or (
                _dated_year(view, sent, verb) if verb is not None else None)
            for treaty_span in scope:
                treaty = minted.get(treaty_span.start) or view.ref(treaty_span)
                stated.add(treaty.key)
                for state in dict.fromkeys(states):
                    out.append(TreatyStatement(view.evidence(sent, TREATIES, 0.7), treaty,
                                               state, word.kind, year, _words(token)))
        for treaty_span in named:
            treaty = minted.get(treaty_span.start) or view.ref(treaty_span)
            if treaty.key not in stated:
                stated.add(treaty.key)
                out.append(TreatyStatement(view.evidence(sent, TREATIES, 0.9), treaty, None))
    return out


def _stated_parties(view: DocView, sent: Span, token: Token, word: PartyWord
                    ) -> list[EntityRef | None]:
    """Who the word says is party: for an obligation, its possessor or the one who has it
    ("Laos's obligations under", "which has duties under"); otherwise the clause's state
    and those conjoined with it, and the other side of an agreement."""
    if word.role == "obligation":
        return _obligation_holder(view, sent, token)
    if word.role == "binding":
        return _bound_object(view, token)
    if _treaty_undergoes(view, token) or _agent_not_a_state(view, token) or (
            word.role == "claim" and _said_of_another(view, token)):
        return [None]  # "A, signed in 1984", "signed by 145 countries", "most states are"
    return _party_states(view, sent, token) + _co_parties(view, token)


def _said_of_another(view: DocView, word: Token) -> bool:
    """The clause says who is party, and it is no state ('A, to which most Asian states are
    party'): the sentence's one state is not the party. Only the clause's own subject counts
    (not one a controlled or conjoined verb inherits, not the agent of an enclosing passive);
    a government noun, 'the country' or 'the State party' may stand for a state."""
    for a in [word, *word.ancestors]:
        if a.pos_ not in {"VERB", "AUX"}:
            continue
        agent = agent_of(a) if a == word else None  # "ratified by most countries"
        subj = agent if agent is not None and not _in_treaty(view, agent) else next(
            (c for c in a.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is None or subj == word or subj.pos_ != "NOUN" or subj.lower_ in (
                GOVERNMENT_NOUNS | STATE_NOUNS) or the_state_party(subj):
            return False  # "States parties to A, including Kenya": the word is the subject
        return view.entity_of_phrase(subj, {"State"}) is None
    return False


def _agent_not_a_state(view: DocView, verb: Token) -> bool:
    """'ratified by most countries': the agent is neither a state nor a treaty ('bound by
    A', where the state is the subject)."""
    agent = agent_of(verb) if verb.pos_ in {"VERB", "AUX"} else None
    if agent is None:
        return False
    if _in_treaty(view, agent):
        return False
    return view.entity_of_phrase(agent, {"State"}) is None


def _in_treaty(view: DocView, token: Token) -> bool:
    """The token is part of a treaty's name or of a 'the convention' restating one."""
    span = view.entity_at(token)
    return (span is not None and span.label_ == "Treaty") or any(
        s.start <= token.i < s.end for s, _ref in treaty_anaphors(view))


def _treaty_undergoes(view: DocView, verb: Token) -> bool:
    """A passive or participle whose subject is a treaty and that names no agent."""
    if verb.tag_ != "VBN" or agent_of(verb) is not None:
        return False
    subject = verb.head if verb.dep_ == "acl" else next(
        (c for c in verb.children if c.dep_ == "nsubjpass"), None)
    return subject is not None and _in_treaty(view, subject)


def _obligation_holder(view: DocView, sent: Span, noun: Token) -> list[EntityRef | None]:
    """'Laos's obligations', 'its obligations' (the state the clause is about), 'which has
    obligations': a state; the obligations of no one named ('the obligations under A') or
    of someone else ('the agency's duties') are nobody's claim."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is not None and owner.lower_ not in {"its", "their"}:
        span = view.entity_of_phrase(owner, {"State"})
        return [view.ref(span)] if span is not None else []
    if owner is None and not (noun.dep_ == "dobj" and noun.head.lemma_.lower() == "have"):
        return []
    return [_party_state(view, sent, noun)]  # None: a treaty body's "the State party"


def _bound_object(view: DocView, verb: Token) -> list[EntityRef | None]:
    """Who is bound: the verb's object, when it names a state ("obliges Laos to"); a treaty
    body's "the State party" is the reviewed state (None here, filled by the caller)."""
    found: list[EntityRef | None] = []
    for obj in (c for c in verb.children if c.dep_ in {"dobj", "nsubj"} and c.i > verb.i):
        if the_state_party(obj) or obj.lower_ in {"it", "them"}:
            found.append(None)
        for member in [obj, *[t for t in obj.children if t.dep_ == "conj"]]:
            span = view.entity_of_phrase(member, {"State"})
            if span is not None and view.ref(span) not in found:
                found.append(view.ref(span))
    return found


def _party_states(view: DocView, sent: Span, token: Token) -> list[EntityRef | None]:
    """The state said to be party, and the states conjoined with it ("Russia and North
    Korea have signed ...")."""
    first = _party_state(view, sent, token)
    if first is None:
        return [None]
    found: list[EntityRef | None] = [first]
    clause = clause_verb(token)  # "A and B are parties"
    subj = None if clause is None else (agent_of(clause) or subject_of(clause))
    if subj is None and token.dep_ == "appos":
        subj = token.head  # "A and B, both signatories to ..."
    if subj is not None:
        for t in subj.subtree:
            if t.dep_ == "conj" and t.head.i in {x.i for x in subj.subtree}:
                span = view.entity_of_phrase(t, {"State"})
                if span is not None and view.ref(span) not in found:
                    found.append(view.ref(span))
    return found


def _party_state(view: DocView, sent: Span, token: Token) -> EntityRef | None:
    """The state said to be party: subject of the clause, the noun it is apposed to, or the
    possessor of the main clause's subject ('Despite being a signatory ..., China's ...')."""
    candidates: list[Token] = []
    for a in [token, *token.ancestors]:
        verb = a.pos_ in {"VERB", "AUX"}
        agent = agent_of(a) if verb else None
        if agent is not None:  # "ratified by Laos"
            candidates.append(agent)
        if verb and a.dep_ == "xcomp":  # "urged Laos to honour its obligations"
            candidates.extend(c for c in a.head.children if c.dep_ == "dobj")
        subj = subject_of(a) if verb else None
        if subj is not None:
            candidates.append(subj)
        if a.dep_ == "appos":
            candidates.append(a.head)
        if a.dep_ in {"relcl"}:
            candidates.append(a.head)
    root = sent.root
    root_subj = subject_of(root)
    if root_subj is not None:
        candidates.append(root_subj)
        candidates.extend(c for c in root_subj.children if c.dep_ == "poss")
    for cand in candidates:
        span = view.entity_of_phrase(cand, {"State"})
        if span is not None:
            return view.ref(span)
    states = [s for s in view.entities(sent) if s.label_ == "State"]
    unique = {s.kb_id_ for s in states}
    if len(unique) == 1:
        return view.ref(states[0])
    if not states and candidates and candidates[0].lower_ in {"it", "its"}:
        return _state_before(view, sent)  # "China ... . It is a party to A."
    return None


def _state_before(view: DocView, sent: Span, window: int = 60) -> EntityRef | None:
    """The state last named in the sentences just before (what a subject 'it' stands for)."""
    earlier = [s for s in view.entities() if s.end <= sent.start
               and sent.start - s.end <= window and s.label_ == "State"]
    return view.ref(earlier[-1]) if earlier else None


def _co_parties(view: DocView, token: Token) -> list[EntityRef | None]:
    """'which it signed with North Korea': the other party."""
    out: list[EntityRef | None] = []
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in {"with", "between"}:
            for pobj in child.children:
                for member in [pobj, *[t for t in pobj.subtree if t.dep_ == "conj"]]:
                    span = view.entity_of_phrase(member, {"State"})
                    if span is not None and view.ref(span) not in out:
                        out.append(view.ref(span))
    return out


def _dated_year(view: DocView, sent: Span, token: Token) -> int | None:
    """The year of a date on the party verb ("signed ... last week", "joined in May 2001")."""
    if token.pos_ not in {"VERB", "AUX"}:
        return None
    for span, value, kind in view.dates_in(sent):
        if kind in {"since", "name"} or not value.iso:
            continue
        if token in span.root.ancestors and not any(
                a.pos_ in {"VERB", "AUX"} for a in span.root.ancestors
                if a.i != token.i and token in a.ancestors):
            return int(value.iso[:4])
    return None


def unnamed_agreements(view: DocView) -> list[tuple[Span, EntityRef]]:
    """Agreements the registry does not know, named by the states that made them: "an
    extradition treaty that Russia and North Korea signed", "its bilateral treaty with
    China", "a cooperation agreement it signed with Laos". One entity per set of parties
    and kind of agreement in a document, labelled by its first wording."""
    return [(span, ref) for span, ref, _parties in _unnamed_cache(view)]


def _unnamed_cache(view: DocView) -> list[tuple[Span, EntityRef, tuple[EntityRef, ...]]]:
    cached = view.doc.user_data.get("rkg.unnamed_agreements")
    if cached is not None:
        return list(cached)
    found: list[tuple[Span, str, tuple[EntityRef, ...]]] = []
    for token in view.doc:
        if token.lower_ not in AGREEMENT_NOUNS or token.pos_ != "NOUN":
            continue
        if view.entity_at(token) is not None:
            continue
        modifiers = [c for c in token.children if c.dep_ in {"compound", "amod"}
                     and c.is_lower and c.is_alpha]
        topic = [c for c in token.children if c.dep_ == "prep" and c.lower_ == "on"]
        parties = _agreement_parties(view, token)
        if not parties or not (modifiers or topic or any(
                c.dep_ in {"acl", "relcl"} for c in token.children)):
            continue
        start = min([token.i, *[m.i for m in modifiers]])
        end = token.i + 1
        if not modifiers and topic:
            end = max(t.i for t in topic[0].subtree) + 1
        found.append((view.doc[start:end], token.lemma_.lower(), parties))
    labels: dict[str, str] = {}
    out: list[tuple[Span, EntityRef, tuple[EntityRef, ...]]] = []
    for span, head, parties in found:
        key = new_key(f"{head} of {' and '.join(sorted(p.key for p in parties))}")
        label = labels.setdefault(key, f"{span.text} ({', '.join(p.label for p in parties)})")
        out.append((span, EntityRef(key, label, "Treaty", False), parties))
    view.doc.user_data["rkg.unnamed_agreements"] = tuple(out)
    return out


def _agreement_parties(view: DocView, noun: Token) -> tuple[EntityRef, ...]:
    """States that signed the agreement or that it is made with, in text order."""
    tokens: list[Token] = []
    verbs = [c for c in noun.children if c.dep_ in {"acl", "relcl"}
             and c.lemma_.lower() in {"sign", "conclude", "reach", "agree"}]
    if noun.dep_ in {"dobj", "nsubjpass"} and noun.head.lemma_.lower() in {
            "sign", "conclude", "reach"}:
        verbs.append(noun.head)
    for verb in verbs:
        for c in verb.children:
            if c.dep_ in {"nsubj", "agent"} or (c.dep_ == "prep"
                                                and c.lower_ in {"with", "between", "by"}):
                tokens += list(c.subtree)
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ in {"with", "between"}:
            tokens += list(c.subtree)
    if noun.dep_ == "dobj" and noun.head.lemma_.lower() == "sign":
        subj = subject_of(noun.head)
        if subj is not None:
            tokens += list(subj.subtree)
    refs: list[EntityRef] = []
    for t in sorted(tokens, key=lambda t: t.i):
        span = view.entity_at(t)
        if span is not None and span.label_ == "State" and view.ref(span) not in refs:
            refs.append(view.ref(span))
    return tuple(refs)


def treaty_anaphors(view: DocView) -> list[tuple[Span, EntityRef]]:
    """'the convention', 'this covenant', 'the treaty' with no name of their own: the latest
    treaty named before them whose name has that head word ('treaty' takes any), unless an
    agreement the registry does not know is mentioned in between."""
    cached = view.doc.user_data.get("rkg.treaty_anaphors")
    if cached is not None:
        return list(cached)
    named = [s for s in view.entities() if s.label_ == "Treaty"]
    out: list[tuple[Span, EntityRef]] = []
    for token in view.doc:
        head = token.lower_
        if head not in ANAPHOR_HEADS or not token.tag_.startswith("NN") \
                or view.entity_at(token) is not None:
            continue
        det = next((c for c in token.children if c.dep_ == "det"), None)
        if det is None or det.lower_ not in {"the", "this", "that"} or any(
                c.dep_ in {"compound", "amod", "nummod", "poss", "nmod"}
                or (c.dep_ == "prep" and c.lower_ in NAMING_PREPOSITIONS)
                for c in token.children):
            continue  # "the 1990 convention", "the convention on migrant workers"
        earlier = [s for s in named if s.end <= token.i
                   and (head == "treaty" or head in view.ref(s).label.lower())]
        if not earlier:
            continue
        between = view.doc[earlier[-1].end:token.i]
        if any(t.lower_ in AGREEMENT_NOUNS and view.entity_at(t) is None for t in between):
            continue
        out.append((view.doc[det.i:token.i + 1], view.ref(earlier[-1])))
    view.doc.user_data["rkg.treaty_anaphors"] = tuple(out)
    return out


def _state_under_review(view: DocView) -> EntityRef | None:
    """The state whose report a treaty body reviews ("periodic reports of Chile", "the
    report submitted by Chile", "Chile's second periodic report", "concluding observations
    on Chile")."""
    for sent in view.sentences():
        text = view.sentence_text(sent).lower()
        if "report" not in text and "observations" not in text:
            continue
        for span in view.entities(sent):
            if span.label_ != "State" or span.start < 2:
                continue
            before = span.doc[max(sent.start, span.start - 3):span.start].text.lower()
            after = [t.lower_ for t in span.doc[span.end:min(sent.end, span.end + 5)]]
            if REVIEWED_BEFORE.search(before) or (
                    after[:1] in (["'s"], ["’s"]) and "report" in after):
                return view.ref(span)
    return None


REVIEWED_BEFORE = re.compile(r"(?:reports? (?:of|by|submitted by)|observations on)$")
BARE_CONVENTION = re.compile(r"\bthe Convention\b(?! (?:on|against|relating|for|of)\b)")


def _state_party_rows(view: DocView, reviewed: EntityRef | None) -> list[TreatyStatement]:
    """A treaty body's text: "recalls that the Convention binds the State party". "The
    Convention" is the one convention the document names (in its title), the State party
    the state whose report it reviews."""
    if reviewed is None:
        return []
    named = {view.ref(s).key: view.ref(s) for s in view.entities() if s.label_ == "Treaty"
             and view.ref(s).label.startswith(("Convention", "International Convention"))}
    if len(named) != 1:
        return []
    [treaty] = named.values()
    for sent in view.sentences():
        text = view.sentence_text(sent)
        if _state_party_phrase(sent) and BARE_CONVENTION.search(text):
            return [TreatyStatement(view.evidence(sent, TREATIES, 0.6), treaty, reviewed,
                                    "party", None, "the State party")]
    return []


def _state_party_phrase(sent: Span) -> bool:
    return "state party" in sent.text.lower()


def _words(token: Token) -> str:
    doc = token.doc
    start = max(token.sent.start, token.i - 2)
    return doc[start:token.i + 2].text


# -- resolutions --------------------------------------------------------------------------
def extract_resolutions(view: DocView) -> list[ResolutionAdoption]:
    out: list[ResolutionAdoption] = []
    for sent in view.sentences():
        done: set[int] = set()
        for i in range(sent.start, sent.end):
            if view.lemmas[i] not in {"adopt", "adoption", "pass", "approve"}:
                continue
            token = view.doc[i]
            resolution = _resolution_noun(token)
            if resolution is None or any(c.lower_ in HABITUAL_ADVERBS for c in token.children):
                continue  # 'resolutions adopted annually' are not one adoption
            if any(c.lower_ in {"such", "similar", "any"} for c in resolution.children):
                continue  # "the 19th year that such a resolution was adopted": a kind
            if token.tag_.startswith("VB") and (token.tag_ in {"VB", "VBG"} or any(
                    c.dep_ in {"neg", "aux"} and (c.tag_ == "MD" or c.dep_ == "neg")
                    for c in token.children)):
                continue
            body = _adopting_body(view, sent, token)
            if body is None:
                continue
            date = _sentence_date(view, sent)
            text = view.sentence_text(sent)
            mode = ADOPTION_MODE.search(text)
            session = re.search(r"\b(\d+(?:st|nd|rd|th)) session\b", text)
            phrase = _resolution_phrase(resolution)
            res_ref = EntityRef(new_key(f"{body.label} resolution {phrase} {date.iso or ''}"),
                                _resolution_label(body, phrase, date), "Resolution", False)
            out.append(ResolutionAdoption(
                view.evidence(sent, RESOLUTIONS, 0.75), body, date, res_ref,
                " ".join(text.split())[:300],
                mode.group(1).strip() if mode else None,
                session.group(1) if session else None))
            done.add(resolution.i)
        out += _earlier_resolutions(view, sent, done)
    return _one_per_adoption(out)


def _one_per_adoption(adoptions: list[ResolutionAdoption]) -> list[ResolutionAdoption]:
    """A headline, a lead and a later sentence often tell one adoption: those by one body
    (or bodies named alike, "the UN's Third Committee") with compatible dates are one, told
    by the sentence with the most precise date (the first on ties)."""
    kept: list[ResolutionAdoption] = []
    for a in adoptions:
        same = next((k for k in kept if _same_adoption(k, a)), None)
        if same is None:
            kept.append(a)
        elif _precision(a.date) > _precision(same.date):
            body = same.body if same.body.registered and not a.body.registered else a.body
            kept[kept.index(same)] = ResolutionAdoption(
                a.evidence, body, a.date, a.resolution, a.description,
                a.adoption_mode or same.adoption_mode, a.session or same.session)
    return kept


def _same_adoption(a: ResolutionAdoption, b: ResolutionAdoption) -> bool:
    if a.date.iso and b.date.iso and not (a.date.iso.startswith(b.date.iso)
                                          or b.date.iso.startswith(a.date.iso)):
        return False
    if a.body.key == b.body.key:
        return True
    return _body_head(a.body.label) == _body_head(b.body.label) != ""


def _body_head(label: str) -> str:
    """The naming words of a body ("Third Committee" in "the United Nations' Third
    Committee" and "Third Committee of the United Nations General Assembly")."""
    words = re.findall(r"[A-Z][\w-]*", label.split(" of ")[0])
    skip = {"United", "Nations", "Nations'", "UN", "U.N.", "The"}
    return " ".join(w for w in words if w not in skip)


def _precision(date: DateValue) -> int:
    return {"year": 1, "month": 2, "day": 3}.get(date.precision or "", 0)


def _earlier_resolutions(view: DocView, sent: Span, done: set[int]
                         ) -> list[ResolutionAdoption]:
    """'two consecutive resolutions by the Commission ... in 2003 and 2004': one adoption
    per year stated, by the body named with the resolutions."""
    out = []
    for i in range(sent.start, sent.end):
        if view.lemmas[i] != "resolution":
            continue
        noun = view.doc[i]
        if noun.i in done or noun.pos_ != "NOUN":
            continue
        if any(c.lower_ in {"draft", "future", "proposed", "new"} for c in noun.children):
            continue
        body = None
        for t in noun.subtree:
            span = view.entity_at(t)
            if span is not None and span.label_ in BODY_TYPES:
                body = view.ref(span)
                break
        if body is None:
            continue
        clause = noun.head if noun.head.pos_ in {"VERB", "ADP"} else noun
        scope = list(noun.subtree) + ([t for t in clause.head.subtree]
                                      if clause.dep_ == "pobj" else [])
        years = sorted({int(t.text) for t in scope if re.fullmatch(r"(?:19|20)\d\d", t.text)
                        and any(a.lower_ == "in" for a in t.ancestors)})
        for year in years:
            date = DateValue(str(year), "year", str(year))
            res = EntityRef(new_key(f"{body.label} resolution {year}"),
                            f"{body.label} resolution ({year})", "Resolution", False)
            out.append(ResolutionAdoption(view.evidence(sent, RESOLUTIONS, 0.6), body, date,
                                          res, " ".join(sent.text.split())[:300]))
    return out


def _resolution_noun(token: Token) -> Token | None:
    for t in token.subtree:
        if t.lemma_.lower() == "resolution" and t.i != token.i:
            return t
    if token.pos_ == "NOUN":  # 'welcomes the adoption by consensus ... of the resolution'
        for t in token.head.subtree:
            if t.lemma_.lower() == "resolution" and token.i < t.i <= token.i + 15:
                return t
    if token.dep_ == "acl" and token.head.lemma_.lower() == "resolution":
        return token.head
    return None


def _adopting_body(view: DocView, sent: Span, token: Token) -> EntityRef | None:
    subj = subject_of(token) if token.pos_ in {"VERB", "AUX"} else None
    if subj is not None:
        span = view.entity_of_phrase(subj, BODY_TYPES)
        if span is not None:
            return view.ref(span)
    bodies = [s for s in view.entities(sent) if s.label_ in BODY_TYPES]
    assemblies = [s for s in bodies if view.ref(s).type != "IntergovernmentalOrganization"]
    chosen = (assemblies or bodies)
    return view.ref(chosen[0]) if chosen else None


def _sentence_date(view: DocView, sent: Span) -> DateValue:
    for _span, value, kind in view.dates_in(sent):
        if kind not in {"since", "name"} and value.known:
            return value
    return view.doc_date if view.doc_date.known else UNKNOWN_DATE


def _resolution_phrase(noun: Token) -> str:
    words = [t for t in noun.subtree if t.i >= noun.left_edge.i]
    keep = []
    for t in words:
        if t.i < noun.i and t.lower_ in {"a", "an", "the", "its", "this"}:
            continue
        if t.i > noun.i and (t.dep_ in {"acl", "relcl"} or t.pos_ == "VERB"):
            break
        if t.i > noun.i and t.text in {",", "at", "by"}:
            break
        keep.append(t)
    return " ".join(t.text for t in keep)


def _resolution_label(body: EntityRef, phrase: str, date: DateValue) -> str:
    year = f" ({date.iso[:4]})" if date.iso else ""
    return f"{body.label} {phrase}{year}"


def extract_upr_reviews(view: DocView) -> list[UPRReview]:
    out: list[UPRReview] = []
    for sent in view.sentences():
        lower = view.sentence_text(sent).lower()
        if "periodic review" not in lower and "upr" not in lower:
            continue
        m = re.search(r"\b(first|second|third|fourth|fifth|sixth)\s+(?:universal periodic "
                      r"review|upr|review)", lower)
        for span in view.entities(sent):
            if span.label_ != "State":
                continue
            end = span.end
            if end < len(span.doc) and span.doc[end].lower_ in {"’s", "'s"} and m:
                out.append(UPRReview(view.evidence(sent, UPR, 0.7), view.ref(span),
                                     ORDINALS[m.group(1)], _sentence_date(view, sent)))
    return out
