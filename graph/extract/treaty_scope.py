"""Reading a treaty-party word over the dependency parse, for `rkg.treaties.v1`.

Which treaties the word governs (its object, its "to"/"by"/"under" phrase, a relative clause's
antecedent, "both of which"), whether it states an act at all (negation, bare and modal verbs,
conditions, demands and denials) and the year it gives. `graph.extract.legal` turns the
answers into `TreatyStatement`s; the words themselves are data (`graph.extract.treaty_words`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Span, Token

from graph.extract.context import DocView, subject_of
from graph.extract.treaty_words import party_words

# dependencies that lead from a party noun up to the verb whose polarity it shares
NOMINAL_CHAIN = frozenset({"attr", "oprd", "pobj", "prep", "dobj", "acomp"})
COPULAS = frozenset({"be", "become", "remain"})
COMPLEMENT_PREPOSITIONS = frozenset({"to", "by", "under", "with", "as"})


def binding_scope(verb: Token, treaties: list[Span]) -> list[Span]:
    """The treaty that binds: the verb's subject, or the treaty its relative clause hangs on
    ("A, which obliges X to ...")."""
    subj = next((c for c in verb.children if c.dep_ in {"nsubj", "csubj"}), None)
    if (subj is None or subj.tag_ in {"WDT", "WP"}) and verb.dep_ == "relcl":
        subj = verb.head
    if subj is None:
        return []
    return [t for t in treaties if t.start <= subj.i < t.end]


def obligation_scope(noun: Token, treaties: list[Span]) -> list[Span]:
    """The treaties under an obligation noun, also when the parser hangs its "under" phrase
    on the verb ("violate its commitments under A")."""
    heads = [noun]
    if noun.i + 1 < len(noun.doc) and noun.nbor(1).lower_ in {"under", "to", "as"}:
        heads.append(noun.nbor(1))
    inside = {t.i for h in heads for t in h.subtree}
    return [t for t in treaties if t.start > noun.i and any(w.i in inside for w in t)]


def irrealis(token: Token) -> bool:
    """No act is stated by a bare verb ("urged X to ratify", "should accede", "has yet to
    sign", "were X to join"), by one under a modal or a condition ("would have signed", "if
    X ratified"), nor by "party" after such a verb ("urged X to become a party")."""
    verb = token
    if token.pos_ not in {"VERB", "AUX"}:
        if token.dep_ not in {"attr", "oprd", "dobj", "acomp"} or token.head.pos_ not in {
                "VERB", "AUX"}:
            return False
        verb = token.head
    children = list(verb.children)
    if verb.dep_ in {"xcomp", "ccomp"} and verb.head.lower_ in party_words() and \
            party_words()[verb.head.lower_].role == "cancels":
        return True  # "denies being bound by A", "rejects that it signed A"
    if any(c.tag_ == "TO" and c.dep_ == "aux" for c in children) and not any(
            c.lemma_.lower() == "have" and c.dep_ == "aux" for c in children):
        return True  # "refuses to be bound by A" (but "is said to have signed A")
    if verb.tag_ == "VBG" and verb.dep_ == "xcomp":
        return True  # "is considering joining", "plans signing"
    if verb.tag_ == "VB" and not any(c.lemma_.lower() == "do" and c.dep_ == "aux"
                                     for c in children):
        return True
    if any(c.tag_ == "MD" for c in children):
        return True
    return any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in children)


def clause_verb(token: Token) -> Token | None:
    """The verb whose act the word states: itself, or the verb a predicate noun completes
    ("became a party to A on 5 May 2001")."""
    if token.pos_ in {"VERB", "AUX"}:
        return token
    if token.dep_ in {"attr", "oprd", "dobj", "acomp"} and token.head.pos_ in {"VERB", "AUX"}:
        return token.head
    return None


def negated(token: Token) -> bool:
    """'is not a party to', 'has never ratified', 'non-party', 'has no obligations'."""
    scope = [token]
    a = token
    while a.pos_ not in {"VERB", "AUX"} and a.dep_ in NOMINAL_CHAIN and a.head != a and (
            a.dep_ != "prep" or a.head.lemma_.lower() in COPULAS):
        a = a.head  # "is not among the signatories of": up to the copula
        scope.append(a)
    for a in scope:  # a conjoined clause ("but it ratified ...") keeps its own polarity
        if any(c.dep_ == "neg" or c.lower_ in {"never", "not", "no"} for c in a.children):
            return True
    verb = scope[-1]
    subj = subject_of(verb) if verb.pos_ in {"VERB", "AUX"} else None
    if subj is not None and (subj.lower_ in {"neither", "none", "nobody"} or any(
            c.lower_ in {"neither", "no"} for c in subj.children)):
        return True  # "Neither A nor B is a party"
    before = [t.lower_ for t in token.doc[max(0, token.i - 2):token.i]]
    return bool(before) and (before[-1] in {"non", "not", "never"}
                             or before[-2:] == ["non", "-"])  # "non-signatory"


def treaties_in_scope(view: DocView, sent: Span, token: Token, treaties: list[Span],
                       others: Sequence[Token] = ()) -> list[Span]:
    """'both of which' takes the last two treaties before it; 'a party to A, B and C' the
    treaties after the word; otherwise those in the same clause."""
    text_before = sent.doc[sent.start:token.i].text.lower()
    m = re.search(r"\b(both|all|each|neither|either) of which\b", text_before)
    if m:
        before = [t for t in treaties if t.end <= token.i]
        n = {"both": 2, "neither": 2, "either": 2}.get(m.group(1), len(before))
        return before[-n:]
    antecedent = _relative_antecedent(token)
    if antecedent is not None:
        held = [t for t in treaties if t.start <= antecedent.i < t.end]
        if held:  # "the Covenant, which Laos ratified": the treaty the clause hangs on
            return held
    if re.search(r"\bwhich\b[^,;]*$", text_before) and (
            antecedent is None or view.entity_at(antecedent) is None):
        before = [t for t in treaties if t.end <= token.i]
        if before:
            return before[-1:]
    if not any(c.dep_ in {"dobj", "prep"} for c in token.children):
        # "has signed but not ratified A": conjoined verbs share the object
        others = [o for o in others if not (o.dep_ == "conj" and o.head == token)]
    foreign = {t.i for o in others if o in token.subtree for t in o.subtree}
    named = {i for t in treaties for i in range(t.start, t.end)}
    complements = _complements(token)
    if complements:  # "ratified A", "a party to A": what the word governs, and only that
        governed = [t for t in treaties if t.root.i not in foreign and any(
            _governs(c, w, named) for c in complements for w in t)]
        if governed or not all(_pronoun(c) for c in complements):
            return governed
        return [t for t in treaties if t.end <= token.i][-1:]  # "ratified it in 1988"
    if token.pos_ not in {"VERB", "AUX"}:
        return []  # "the ruling party", "a third party in the case": no treaty governed
    after = [t for t in treaties if t.start > token.i and t.root.i not in foreign]
    in_subtree = [t for t in after if any(_governs(token, w, named) for w in t)]
    if in_subtree:
        return in_subtree
    if after and after[0].start - token.i <= 12 and not any(
            t.pos_ == "VERB" for t in token.doc[token.i + 1:after[0].start]):
        return after[:1]  # a parse that lost the object
    return [t for t in treaties if t.end <= token.i][-1:]


def _complements(token: Token) -> list[Token]:
    """What a party word governs: a verb's object, its "to"/"by"/"under" phrase ("acceded
    to A", "bound by A") or, passive, its subject ("A was ratified by ..."; "A, ratified
    by ..."); a noun's "to"/"of" phrase ("a party to A", "its ratification of A"), or the
    "to" phrase the parser hung on the verb a noun completes ("became a party to A")."""
    verb = token.pos_ in {"VERB", "AUX"}
    preps = COMPLEMENT_PREPOSITIONS if verb else {"to", "of"}
    found = [c for c in token.children if c.dep_ in {"dobj", "agent", "nsubjpass"}
             or (c.dep_ == "prep" and c.lower_ in preps)]
    found += [cc for c in token.children if c.dep_ == "prep" for cc in c.children
              if cc.dep_ == "conj" and cc.lower_ in preps]  # "in 1991 and to B"
    if verb and token.tag_ == "VBN" and token.dep_ == "acl":
        found.append(token.head)  # "A, ratified by Laos"
    if not found and token.dep_ in {"attr", "oprd", "compound", "amod"}:
        # "became a party to A" with "to" on the verb; "a signatory nation to A"
        found = [c for c in token.head.children if c.dep_ == "prep" and c.lower_ == "to"
                 and c.i > token.i]
    if not found and not verb and token.i + 1 < len(token.doc) \
            and token.nbor(1).lower_ in {"to", "of"}:
        found = [token.nbor(1)]  # the parser hung "a party | to A" elsewhere
    return found


def _pronoun(complement: Token) -> bool:
    """'ratified it', 'acceded to it': the treaty is the one named before."""
    if complement.dep_ == "prep":
        return all(c.pos_ == "PRON" for c in complement.children if c.dep_ == "pobj")
    return complement.pos_ == "PRON"


def _governs(head: Token, root: Token, named: set[int]) -> bool:
    """The treaty whose root is `root` sits in `head`'s phrase with no other verb between
    ("signed the statement, which quoted A" governs no treaty). Verbs inside treaty names
    ("relating to") and "including" (a preposition the tagger calls a verb) do not count."""
    if root == head:
        return True
    for a in root.ancestors:
        if a == head:
            return True
        if a.pos_ == "VERB" and a.dep_ not in {"prep", "conj"} and a.i not in named:
            return False
    return False


def _relative_antecedent(token: Token) -> Token | None:
    """The noun a relative clause holding the word hangs on ("Laos, which is bound by A":
    Laos; "A, to which Laos is a party": A)."""
    for a in [token, *token.ancestors]:
        if a.dep_ == "relcl":
            return a.head
        if a.dep_ in {"ccomp", "advcl", "ROOT"}:
            return None
    return None


def year_near(token: Token, others: Sequence[Token]) -> int | None:
    """'since 1982' / 'in 1988' in the trigger's own clause (not another trigger's), or
    on the verb it complements ("became a party to it in 1988")."""
    foreign = {t.i for o in others if o in token.subtree for t in o.subtree}
    scope = list(token.subtree)
    if token.dep_ in {"attr", "dobj", "acomp", "oprd"} and token.head.pos_ in {"VERB", "AUX"}:
        scope += [t for c in token.head.children if c.dep_ == "prep" for t in c.subtree]
    for t in scope:
        if t.i in foreign or t.lower_ not in {"since", "in"}:
            continue
        for pobj in t.children:
            if re.fullmatch(r"(?:19|20)\d\d", pobj.text):
                return int(pobj.text)
    return None


def violated(verb: Token, treaties: list[Span]) -> list[Span]:
    """The treaties a violation verb governs, and those listed right after them ("A, B and
    C", however the parser attaches the list); not a treaty another verb cites."""
    scope: list[Span] = []
    for t in treaties:
        if t.start <= verb.i:
            continue
        gap = t.doc[scope[-1].end:t.start] if scope else None
        listed = gap is not None and len(gap) <= 3 and all(
            w.is_punct or w.lower_ in {"and", "or", "the"} for w in gap)
        if _verb_above(t.root) == verb or listed:
            scope.append(t)
    return scope


def _verb_above(token: Token) -> Token | None:
    """The nearest verb the token depends on (a treaty cited by another verb is not the
    object of a violation)."""
    for a in token.ancestors:
        if a.pos_ in {"VERB", "AUX"}:
            return a
    return None


def the_state_party(token: Token) -> bool:
    """'the State party' of a treaty body's text: the state under review, not a claim about
    a state the sentence names ('X is a State party to A' is one)."""
    children = list(token.children)
    return token.lower_ in {"party", "parties"} and any(
        c.dep_ == "compound" and c.lower_ in {"state", "states"} for c in children) and any(
        c.dep_ == "det" and c.lower_ == "the" for c in children) and not any(
        c.dep_ == "prep" and c.lower_ == "to" for c in children)
