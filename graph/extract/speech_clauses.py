"""Tests on one clause or act of `rkg.speech.v1`: what a clause tells (a past event, a feared
harm, a failure to act, the speaker's own act), where a noun phrase starts, which acts are
the same. Pure functions of the parse; `graph.extract.speech` reads a document with them."""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Span, Token

from graph.extract.attribution import trailing_speaker
from graph.extract.context import conjuncts
from graph.extract.frames import verb_lemma
from graph.extract.people import mentions_harm
from graph.extract.speech_words import (
    APPEAL_MODALS,
    APPEALS,
    BARE_OBJECT_LEMMAS,
    CONDEMN_OBJECTS,
    CONDEMNING_WORDS,
    INACTION_VERBS,
    LIKELIHOOD_WORDS,
    MODAL_WORDS,
    REFUSABLE_NOUNS,
    VERB_KINDS,
)
from graph.facts import DateValue, SpeechAct


def for_clause(verb: Token) -> Token | None:
    """'called for North Korea to end ...' parses 'for' as the mark of the clause."""
    for child in verb.children:
        if child.dep_ in {"advcl", "xcomp", "ccomp"} and any(
                c.dep_ == "mark" and c.lower_ == "for" for c in child.children):
            return child
    return None


def reported(token: Token) -> bool:
    """Is `token` inside a clause someone else is reported to say ("X says that ...")?"""
    for a in token.ancestors:
        if a.pos_ in {"VERB", "AUX"} and a.lemma_.lower() in VERB_KINDS and a != token:
            return True
    return token.dep_ == "ccomp"


def tells_past(clause: Token) -> bool:
    """A clause about what happened (simple past, or perfect), not an opinion or a rule."""
    aux = {c.lower_ for c in clause.children if c.dep_ in {"aux", "auxpass"}}
    if aux & MODAL_WORDS or any(c.lower_ in {"always", "never", "consistently"}
                                for c in clause.children):
        return False  # "has always maintained": a stance, not an event
    if clause.tag_ == "VBD" and clause.lemma_ not in {"be", "have"}:
        return True
    return clause.tag_ == "VBN" and bool(aux & {"had", "has", "have", "was", "were"})


def participle_of(clause: Token | None, verb: Token) -> bool:
    """'Speaking to reporters on Monday, X said ...': the date of a participle clause
    before the speech verb is the date of the act."""
    return clause is not None and clause.dep_ == "advcl" and clause.head == verb \
        and clause.tag_ == "VBG" and clause.i < verb.i


def failure_to_act(token: Token) -> bool:
    """'has done nothing', 'failed to act', 'ignored the pleas': a party blamed for inaction
    (the subject of the clause)."""
    lemma = token.lemma_.lower()
    if lemma == "do" and any(c.dep_ == "dobj" and c.lower_ == "nothing" for c in token.children):
        return True
    if lemma == "fail" and any(c.dep_ == "xcomp" for c in token.children):
        return True
    return lemma in INACTION_VERBS and token.pos_ == "VERB"


def feared_harm(clause: Token) -> bool:
    """'they could face torture', 'it is very likely he was sent to a prison camp': a harm
    the speaker fears, not one reported as done."""
    words = list(clause.subtree)
    text = clause.doc[words[0].i:words[-1].i + 1].text if words else ""
    if not mentions_harm(text) or clause.lower_ in APPEAL_MODALS \
            or any(c.lower_ in APPEAL_MODALS for c in clause.children):
        return False  # "ought to be treated as refugees, since they may be tortured": a view
    return any(t.lower_ in LIKELIHOOD_WORDS for t in words)


def fronted_participle(verb: Token) -> bool:
    """'Criticised by rights groups for its silence, the office ...': a past participle
    clause before its head verb."""
    return verb.tag_ == "VBN" and verb.dep_ == "advcl" and verb.i < verb.head.i \
        and not any(c.dep_ in {"aux", "auxpass"} for c in verb.children)


def participle_subjects(verb: Token) -> list[Token]:
    """The one a fronted participle clause is about: the subject of the verb it hangs on."""
    if not fronted_participle(verb):
        return []
    return [c for c in verb.head.children if c.dep_ in {"nsubj", "nsubjpass"}]


def called_wrong(verb: Token) -> bool:
    """'X called the deportations "a grave violation" / inhumane': naming an act a wrong."""
    if not any(c.dep_ == "dobj" for c in verb.children):
        return False
    return any(t.lemma_.lower() in CONDEMN_OBJECTS or t.lower_ in CONDEMNING_WORDS
               for c in verb.children if c.dep_ in {"oprd", "xcomp", "ccomp"}
               for t in conjuncts(c))


def own_act(clause: Token) -> bool:
    """'(said) it hoped ...', '(said) they condemned ...': a clause whose verb is an act of
    its own (not a report) done by a pronoun, the speaker again."""
    kind = VERB_KINDS.get(verb_lemma(clause.lemma_.lower(), clause.lower_), "other")
    return kind not in {"reports", "other"} and any(
        c.dep_ == "nsubj" and c.pos_ == "PRON" for c in clause.children)


def later(value: DateValue, reference: DateValue) -> bool:
    if not value.iso or not reference.iso:
        return False
    n = min(len(value.iso), len(reference.iso))
    return value.iso[:n] > reference.iso[:n]


def list_members(head: Token) -> list[Token]:
    """'A, B and C' however the parser attached B and C (conj or appos)."""
    out = [head]
    for child in head.children:
        if child.dep_ in {"conj", "appos"}:
            out.extend(list_members(child))
    return out


def negated_or_modal(verb: Token) -> bool:
    for c in verb.children:
        if c.dep_ == "neg":
            return True
        if c.dep_ == "aux" and (c.tag_ == "MD" or c.lower_ in {"to"}):
            if c.lower_ == "would" and under_terms(verb):
                continue  # "Under its terms, the Assembly would express ...": the text's words
            return True
        if c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"}:
            return True
    return False


def unnamed_source(head: Token) -> str:
    """'sources said', 'the source told X', 'according to a source': a source the text does
    not name is an "unnamed source"; one it describes ("a source in the North", "a second
    source") keeps its words."""
    if head.lemma_.lower() != "source" or head.pos_ != "NOUN":
        return ""
    if any(c.dep_ in {"amod", "compound", "prep", "nummod", "poss"} for c in head.children):
        return ""
    return "unnamed sources" if head.tag_ == "NNS" else "unnamed source"


def says_something(verb: Token) -> bool:
    """Does a statement or refusal verb carry what was said or refused: a clause ("said
    that ...", "refused to ..."), a quote, or a request or claim turned down?"""
    for c in verb.children:
        if c.dep_ in {"ccomp", "xcomp", "advcl", "parataxis"}:
            return True
        if c.dep_ == "dobj" and (c.lemma_.lower() in REFUSABLE_NOUNS or c.pos_ == "PRON"
                                 or verb.lemma_.lower() not in BARE_OBJECT_LEMMAS):
            return True  # "highlights the link", "noted the report": a theme
    if trailing_speaker(verb) is not None:
        return True  # "..., a volunteer who would not give her name said": the clause before
    sent = verb.sent
    if inside_quote(sent.doc.text, sent.start_char, verb.idx):
        return False  # the quote's own verb ("... has always maintained a calm attitude")
    return '"' in sent.text or "“" in sent.text  # '"...," he said


def under_terms(verb: Token) -> bool:
    """'Under its terms' / 'By the terms of the draft': a summary of what a resolution says."""
    return any(c.dep_ == "prep" and c.lower_ in {"under", "by"}
               and any(p.lemma_.lower() == "term" for p in c.children)
               for c in verb.children)


def inside_quote(text: str, sent_start: int, at: int) -> bool:
    """Is character `at` of `text` inside a quotation opened in its sentence?"""
    before = text[sent_start:at]
    opened = before.count("“") - before.count("”")
    return opened > 0 or before.count('"') % 2 == 1


def noun_phrase(head: Token, keep_indefinite: bool = False) -> str:
    """The words of a noun phrase up to its head. An unnamed speaker keeps its indefinite
    article ("a Burmese resident", "a dozen rights groups"): that is how it is named."""
    words = [t for t in head.subtree
             if t.i <= head.i or (t.dep_ == "compound" and t.head == head)]
    dropped = {"the", "this", "these", "that"} | (set() if keep_indefinite else {"a", "an"})
    while words and (words[0].lower_ in dropped or words[0].is_punct):
        words = words[1:]
    if words and words[-1].i - words[0].i + 1 == len(words):
        return head.doc[words[0].i:words[-1].i + 1].text  # as written: "Seoul-based"
    return " ".join(t.text for t in words).strip()


def act_topic(root: Token, sent: Span) -> str:
    parts = [c for c in root.children if c.dep_ in {"xcomp", "ccomp", "dobj", "prep", "advcl"}]
    if not parts:
        text = sent.text
    else:
        start = min(t.i for p in parts for t in p.subtree)
        end = max(t.i for p in parts for t in p.subtree) + 1
        text = sent.doc[start:end].text
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "..."


def fuller_unnamed_names(acts: list[SpeechAct]) -> list[SpeechAct]:
    """'... by rights groups' and later 'A dozen rights groups said ...': an unnamed
    speaker's short form takes the fuller wording the text gives it anywhere."""
    texts = {a.speaker_text for a in acts if a.speaker is None and a.speaker_text}
    out = []
    for act in acts:
        if act.speaker is None and act.speaker_text:
            folded = act.speaker_text.casefold()
            fuller = sorted(t for t in texts if t.casefold().endswith(" " + folded))
            if len(fuller) == 1:
                act = replace(act, speaker_text=fuller[0])
        out.append(act)
    return out


def dedupe(acts: list[SpeechAct]) -> list[SpeechAct]:
    """One report/opinion per speaker, addressee and date; an addressee-less duplicate of a
    statement that names its addressee is dropped. Acts on different dates are different
    acts ("X reported the arrest on May 2" and, later, "X confirmed the return")."""
    out: list[SpeechAct] = []
    seen: set[tuple[str, str, str, str | None]] = set()
    named: set[tuple[str, str]] = set()
    for act in acts:
        speaker = act.speaker.key if act.speaker else act.speaker_text
        if act.addressee is not None:
            named.add((speaker, act.stance))
    for act in acts:
        speaker = act.speaker.key if act.speaker else act.speaker_text
        addressee = act.addressee.key if act.addressee else (act.addressee_text or "")
        key = (speaker, act.stance, addressee, act.date.iso)
        if act.stance not in APPEALS:
            if key in seen:
                continue
            if not addressee and (speaker, act.stance) in named \
                    and act.stance not in {"other", "reports"}:
                continue
        elif key in seen and act.topic == next(
                (a.topic for a in out if (a.speaker.key if a.speaker else a.speaker_text,
                                          a.stance, a.addressee.key if a.addressee else
                                          (a.addressee_text or ""), a.date.iso) == key),
                None):
            continue
        seen.add(key)
        out.append(replace(act))
    return out
