"""`rkg.speech.v1`: who urged, called on, condemned, welcomed ... whom, about what.

Speakers are subjects of speech verbs ("urged", "called on", "expressed concern"), quoted
speakers ("..., said X"), sources ("According to X"), resolutions (credited to the body that
adopted them) and the publisher itself ("X must ..." in its own voice). Pronouns and
anaphors ("They", "The group") take the last speaker.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Span, Token

from graph.extract.attribution import asks_anonymity, trailing_speaker
from graph.extract.context import (
    INVERTING_VERBS,
    PRONOUNS,
    DocView,
    conjuncts,
    is_passive,
    subject_of,
)
from graph.extract.discourse import Discourse
from graph.extract.frames import ADJ_FRAMES, NOUN_FRAMES, VERB_FRAMES, verb_lemma
from graph.extract.speech_clauses import (
    act_topic,
    called_wrong,
    dedupe,
    failure_to_act,
    feared_harm,
    for_clause,
    fronted_participle,
    fuller_unnamed_names,
    inside_quote,
    later,
    list_members,
    negated_or_modal,
    noun_phrase,
    own_act,
    participle_of,
    participle_subjects,
    reported,
    says_something,
    tells_past,
    under_terms,
    unnamed_source,
)
from graph.extract.speech_words import (
    AGENTIVE_NOUNS,
    ANAPHOR_NOUNS,
    APPEAL_MODALS,
    APPEALS,
    BREACH_VERBS,
    CLAUSE_LEMMAS,
    CONCERN_WORDS,
    CONDEMN_LEMMAS,
    CONDEMN_OBJECTS,
    CONDEMN_VERBS,
    EXPRESS_VERBS,
    GROUP_SPEAKERS,
    LETTER_NOUNS,
    LIST_ITEM,
    NEEDFUL_WORDS,
    NOUN_KINDS,
    OFFICIAL_NOUNS,
    PARAGRAPH_NUMBER,
    PARTICLE_KINDS,
    PARTICLE_LEMMAS,
    PRONOUN_ADDRESSEES,
    QUOTE_CLOSERS,
    RESOLUTION_NOUNS,
    SAYING_LEMMAS,
    SEND_VERBS,
    SPEECH_NOUNS,
    TOPIC_PREPS,
    VERB_KINDS,
    WARNING_LEMMAS,
    WELCOME_WORDS,
)
from graph.facts import UNKNOWN_DATE, DateValue, EntityRef, ResolutionAdoption, SpeechAct
from graph.nlp.entities import AGENT_TYPES
from graph.nlp.lexicon import ORG_ROLE_NOUNS, PERSON_ROLE_NOUNS
from graph.registry import BODY_TYPES

SPEECH = "rkg.speech.v1"

class SpeechReader:
    def __init__(self, view: DocView, adoptions: list[ResolutionAdoption]) -> None:
        self.view = view
        self.adoptions = adoptions
        self.last_speaker: EntityRef | None = None
        self.quote_speaker: EntityRef | None = None
        self.out: list[SpeechAct] = []
        self.publisher = view.publisher
        self.discourse = Discourse(view)
        self.letters: list[tuple[list[EntityRef], EntityRef]] = []  # (authors, recipient)
        self.text_speaker = ""  # a speaker named only by its words ("the proposed resolution")
        self.unnamed: list[str] = []  # unnamed speakers so far ("human rights activists")
        # an open list of recommendations: (verb, kind, speaker, speaker text, addressees)
        self.open_list: tuple[Token, str, EntityRef | None, str,
                              list[tuple[EntityRef | None, str | None]]] | None = None
        self.human_subject = False  # was the current speaker's phrase a person?
        self.last_human = False

    # -- driver ---------------------------------------------------------------------------
    def read(self) -> list[SpeechAct]:
        doc, lemmas, tags, lowers = self.view.doc, self.view.lemmas, self.view.tags, \
            self.view.lowers
        for sent in self.view.sentences():
            before = len(self.out)
            self._note_letters(sent)
            if self._list_item(sent):
                continue
            self._according_to(sent)
            for i in range(sent.start, sent.end):
                # each pattern's own first test, to skip the tokens none of them wants
                lemma, tag = verb_lemma(lemmas[i], lowers[i]), tags[i]
                verb = tag.startswith("VB")
                speech = verb and (lemma in VERB_KINDS or lemma == "call"
                                   or lemma in PARTICLE_LEMMAS)
                expressed = verb and lemma in EXPRESS_VERBS
                participle = tag == "VBG" and lemma in VERB_KINDS
                condemning = (lemma in CONDEMN_VERBS or lemma in BREACH_VERBS) \
                    and self.publisher is not None
                high_time = lowers[i] == "time"
                stance = lowers[i] in ADJ_FRAMES and doc[i].dep_ == "acomp"
                if not (speech or expressed or participle or condemning or high_time
                        or stance):
                    continue
                token = doc[i]
                if speech:
                    self._speech_verb(sent, token)
                if expressed:
                    self._expressed_noun(sent, token)
                if participle:
                    self._resolution_participle(sent, token)
                if condemning:
                    self._condemnation(sent, token)
                if high_time:
                    self._high_time(sent, token)
                if stance:
                    self._stance_adjective(sent, token)
            if len(self.out) == before:
                self._publisher_appeal(sent)
            self._quote_continuation(sent, before)
        return dedupe(fuller_unnamed_names(self._headline_speakers(self.out)))

    def _headline_speakers(self, acts: list[SpeechAct]) -> list[SpeechAct]:
        """'Rights group urges X to ...' over a story: the headline's unnamed actor is the
        body's. The act is dropped when the body tells it with a named speaker, else its
        speaker is the first organisation of that kind the body names."""
        sents = self.view.sentences()
        first = next(iter(sents), None)
        if first is None:
            return acts
        out = []
        for act in acts:
            if act.speaker is None and act.speaker_text \
                    and act.evidence.start < first.end_char:
                if any(o is not act and o.speaker is not None and o.addressee == act.addressee
                       and (o.stance == act.stance
                            or {o.stance, act.stance} <= APPEALS) for o in acts):
                    continue
                named = self.discourse.organisation_named_later(
                    act.speaker_text.split()[-1], first.end)
                if named is not None:
                    act = replace(act, speaker=named, speaker_text=named.label)
            out.append(act)
        return out

    def _list_item(self, sent: Span) -> bool:
        """'The Committee recommends that the State party:' then '(a) Respect ...', '(b)
        Stop ...': each item is an act of its own, with the introducer's speaker, kind and
        addressee. A new numbered paragraph ends the list."""
        text = self.view.sentence_text(sent).lstrip()
        if PARAGRAPH_NUMBER.match(text):
            self.open_list = None
        if self.open_list is None or not LIST_ITEM.match(text):
            return False
        _, kind, speaker, speaker_text, addressees = self.open_list
        self._emit(sent, sent.root, kind, speaker, speaker_text, addressees,
                   topic_root=sent.root)
        return True

    def _emit(self, sent: Span, verb: Token, kind: str, speaker: EntityRef | None,
              speaker_text: str, addressees: list[tuple[EntityRef | None, str | None]],
              channel: str = "PublicStatement", confidence: float = 0.75,
              topic_root: Token | None = None) -> None:
        if speaker is None and not speaker_text:
            return
        if kind in APPEALS and self.view.sentence_text(sent).rstrip().endswith(":") \
                and sent.end <= verb.i + 8:
            # an introducer ("recommends that the State party:"): the items are the acts
            self.open_list = (verb, kind, speaker, speaker_text, addressees)
            return
        letter = self._letter_of(speaker)
        if letter is not None and kind != "reports":  # what the authors of a letter say in
            if not addressees or all(a is None and not t for a, t in addressees):  # it
                addressees = [(letter, None)]
            channel = "Letter"
        topic = act_topic(topic_root or verb, sent)
        date = self._date(sent, verb)
        if kind not in APPEALS:  # "X said it ...": X is no addressee of its own words
            addressees = [(a, t) for a, t in addressees
                          if a is None or speaker is None or a != speaker]
        if not addressees:
            addressees = [(None, None)]
        for addressee, addressee_text in addressees:
            if addressee is not None and speaker is not None and addressee == speaker:
                continue  # an appeal to oneself: the speaker was misread
            self.out.append(SpeechAct(
                evidence=self.view.evidence(sent, SPEECH, confidence),
                speaker=speaker, speaker_text=speaker_text or (speaker.label if speaker
                                                               else ""),
                stance=kind, topic=topic, addressee=addressee,
                addressee_text=addressee_text, channel=self._channel(sent, verb, channel),
                date=date))
        if speaker is not None:
            self.last_speaker = speaker
            self.last_human = self.human_subject
            self.text_speaker = ""
        elif speaker_text and speaker_text == self.text_speaker:
            self.last_speaker = None  # "It further asks ...": the resolution again

    # -- patterns -------------------------------------------------------------------------
    def _speech_verb(self, sent: Span, verb: Token) -> None:
        if not verb.tag_.startswith("VB"):
            return
        lemma = verb_lemma(verb.lemma_.lower(), verb.lower_)
        kind = VERB_KINDS.get(lemma)
        for particle in (c.lower_ for c in verb.children if c.dep_ == "prt"):
            if (lemma, particle) in PARTICLE_KINDS:  # "turned down", "spoke out"
                kind = PARTICLE_KINDS[(lemma, particle)]
        if lemma == "call" and (any(c.lower_ in {"on", "upon", "for"} for c in verb.children)
                                or for_clause(verb) is not None):
            kind = "calls_on"
        elif lemma == "call" and called_wrong(verb):
            kind = "condemns"  # 'called the returns "a grave violation"', '... inhumane'
        frame = VERB_FRAMES.get(lemma)
        if kind is not None and frame is not None and frame.negated == "other" \
                and any(c.dep_ == "neg" for c in verb.children):
            kind = "other"  # "has not confirmed", "did not admit": a refusal, kept as such
        elif kind is None or (negated_or_modal(verb) if frame is None
                              or frame.modality == "drop"
                              else any(c.dep_ == "neg" for c in verb.children)):
            return  # a frame whose modality is "keep" survives "would", "may" ...
        if verb.tag_ == "VBG" and verb.dep_ not in {"advcl", "acl", "conj", "xcomp"} \
                and not any(c.dep_ == "aux" and c.lemma_ == "be" for c in verb.children):
            return  # a gerund, not "are denouncing"
        if verb.tag_ == "VB" and not (
                any(c.dep_ == "aux" and c.lower_ in {"do", "did"} for c in verb.children)
                or (verb.dep_ == "ROOT" and any(c.dep_ == "nsubj" for c in verb.children))):
            return  # an infinitive or imperative, not a statement
        appeal_clause = None
        if kind == "other" and lemma in SAYING_LEMMAS:
            if any(own_act(c) for c in verb.children if c.dep_ == "ccomp"):
                return  # "said it hoped X would ...": the inner verb is the act
            appeal_clause = self._reported_appeal(verb)
            kind = "urges" if appeal_clause is not None else self._reported_stance(verb)
        if lemma == "ask" and not any(c.dep_ in {"xcomp", "dobj", "ccomp"} for c in
                                      verb.children):
            return  # "Asked about the case, X said ..." is not an appeal
        if kind == "expresses_concern" and lemma in WARNING_LEMMAS \
                and self._reported_stance(verb) == "condemns":
            kind = "condemns"  # "warned that X's help could amount to complicity in crimes"
        if lemma == "find" and is_passive(verb):
            return  # "was found guilty": a verdict on someone, not words of the subject
        if asks_anonymity(verb):
            return  # "who asked not to be named"
        if kind == "reports" and lemma == "confirm" and not any(
                c.dep_ in {"dobj", "ccomp"} for c in verb.children):
            return
        if kind == "other" and not says_something(verb):
            return  # "maintained a calm attitude", "refused entry", a headline's "X says"
        speaker, speaker_text = self._speaker(verb)
        if speaker is None and not speaker_text:
            return
        addressees: list[tuple[EntityRef | None, str | None]]
        time_for = self._time_for(verb) if kind == "other" else []
        if time_for:  # 'said it was "not too late" for X to ...'
            kind = "urges"
        if kind == "other" and speaker is None:
            return
        if time_for:
            addressees = time_for
        elif appeal_clause is not None:
            addressees = [(self.view.ref(s), None) for subj in appeal_clause.children
                          if subj.dep_ in {"nsubj", "nsubjpass"}
                          for conj in conjuncts(subj) for s in self._phrase_entities(conj)]
            if not addressees:  # "the agency must ...": the organisation named before
                addressees = [(ref, None) for subj in appeal_clause.children
                              if subj.dep_ == "nsubj" and subj.pos_ == "NOUN"
                              and (ref := self.discourse.resolve(subj)) is not None]
            if not addressees:  # "all countries should ...": a collective named in words
                addressees = [(None, noun_phrase(subj, keep_indefinite=True))
                              for subj in appeal_clause.children if subj.dep_ == "nsubj"
                              and subj.lower_ in AGENTIVE_NOUNS]
        else:
            addressees = self._addressees(verb, kind)
        channel = "NewsReport" if kind == "reports" and speaker is not None \
            and speaker.type == "MediaOrganization" else "PublicStatement"
        if lemma == "brief":
            channel = "Briefing"
        self._emit(sent, verb, kind, speaker, speaker_text, addressees, channel)

    def _time_for(self, verb: Token) -> list[tuple[EntityRef | None, str | None]]:
        """'X said it was time / not too late for Y to act': an appeal to Y."""
        for clause in verb.children:
            if clause.dep_ != "ccomp":
                continue
            words = {t.lower_ for t in clause.subtree}
            if not words & {"time", "late"}:
                continue
            for t in clause.subtree:
                if t.lower_ != "for":
                    continue
                heads = [c for c in t.children if c.dep_ == "pobj"] or [
                    c for c in t.head.children if c.dep_ == "nsubj"]
                for head in heads:
                    span = self.view.entity_of_phrase(head)
                    ref = self.view.ref(span) if span is not None else \
                        self.discourse.resolve(head)
                    if ref is not None:
                        return [(ref, None)]
        return []

    def _reported_stance(self, verb: Token) -> str:
        """'X said it was "deeply regrettable" / "very concerned" / rejects ...': the stance
        of the reported clause; 'reports' when it tells of past events; else 'other'."""
        clauses = [c for c in verb.children if c.dep_ == "ccomp"]
        if verb.dep_ != "ROOT" and trailing_speaker(verb) is not None:
            clauses.append(verb.head)  # "X happened, a worker said": the clause before
        own = {t.i for t in verb.subtree}
        for child in clauses:
            for t in child.subtree:
                if t.i in own and child.i not in own:
                    continue  # the clause before: not the attribution's own words
                word = t.lower_
                if t.lemma_.lower() in CONDEMN_OBJECTS and t.dep_ == "pobj" \
                        and t.head.head.lemma_.lower() in {"victim", "amount", "complicity"}:
                    return "condemns"  # "victims of crimes by X", "amount to a breach"
                if t.dep_ in {"amod", "acl", "compound"} or (t.dep_ == "pobj"
                                                             and word != "concern"):
                    continue  # 'the people concerned' is not a concern
                if word in CONCERN_WORDS:
                    return "expresses_concern"
                if word in WELCOME_WORDS:
                    return "welcomes"
                if t.lemma_.lower() in CONDEMN_LEMMAS and t.pos_ == "VERB":
                    return "condemns"
                if t.lemma_.lower() in CONDEMN_OBJECTS and t.dep_ in {"attr", "dobj"}:
                    return "condemns"  # "said X's returns are a breach of ..."
                if failure_to_act(t):
                    return "condemns"  # "said the ministry has done nothing"
            if feared_harm(child):
                return "expresses_concern"  # "said they could face torture"
            if tells_past(child):
                return "reports"
        return "other"

    def _reported_appeal(self, verb: Token) -> Token | None:
        """'X said (that) Y should ...' is an appeal to Y: the clause with the modal."""
        for child in verb.children:
            if child.dep_ == "ccomp" and any(a.lower_ in APPEAL_MODALS for a in child.children) \
                    and not any(a.dep_ in {"auxpass", "nsubjpass"} for a in child.children):
                return child  # "... must be respected" names no one who must act
            if child.dep_ == "ccomp":  # "... considers it important that all X abide by ..."
                for t in child.subtree:
                    if t.lower_ in NEEDFUL_WORDS:
                        inner = next((c for c in t.children
                                      if c.dep_ in {"ccomp", "advcl"}), None)
                        if inner is not None and any(c.dep_ == "nsubj" for c in inner.children):
                            return inner
        return None

    def _expressed_noun(self, sent: Span, token: Token) -> None:
        """'expressed concern', 'voiced their worries', 'expressed their approval of'."""
        if token.lemma_.lower() not in EXPRESS_VERBS or not token.tag_.startswith("VB"):
            return
        for obj in token.children:
            if obj.dep_ != "dobj":
                continue
            kind = NOUN_KINDS.get(obj.lower_)
            if kind is None or negated_or_modal(token):
                continue
            speaker, speaker_text = self._speaker(token)
            addressees: list[tuple[EntityRef | None, str | None]] = []
            letter = self._letter_recipients(token)
            if letter:
                addressees = letter
            elif kind == "welcomes":
                addressees = self._welcomed(obj)
            if not addressees and kind in {"expresses_concern", "condemns"}:
                for prep in obj.children:  # "concern about violations in that country"
                    party = self._party_within(prep) if prep.dep_ == "prep" \
                        and prep.lower_ in {"about", "over", "at", "regarding"} else None
                    if party is not None:
                        addressees = [(party, None)]
                        break
            frame = NOUN_FRAMES.get(obj.lemma_.lower())
            if not addressees and frame is not None:  # "lodged a protest with X"
                preps = frame.addressee_preps()
                addressees = [(self.view.ref(s), None) for p in [*obj.children, *token.children]
                              if p.dep_ == "prep" and p.lower_ in preps
                              for o in p.children for s in self._phrase_entities(o)]
            self._emit(sent, token, kind, speaker, speaker_text, addressees,
                       "Letter" if letter else "PublicStatement", topic_root=obj)

    def _resolution_participle(self, sent: Span, token: Token) -> None:
        """'adopted a resolution condemning X': the body speaks through its resolution."""
        if token.tag_ != "VBG" or token.dep_ != "acl":
            return
        if token.head.lemma_.lower() not in RESOLUTION_NOUNS:
            return
        kind = VERB_KINDS.get(token.lemma_.lower())
        if kind is None or kind == "other":
            return
        body = self._resolution_body(token.head)
        if body is None:
            return
        self._emit(sent, token, kind, body, body.label, self._addressees(token, kind),
                   "ResolutionText")

    def _condemnation(self, sent: Span, token: Token) -> None:
        """'X's forced repatriation represents a breach / violation of ...' in the
        publisher's own voice condemns X."""
        if self.publisher is None:
            return
        if token.lemma_.lower() in BREACH_VERBS:
            self._breach(sent, token)
            return
        if token.lemma_.lower() not in CONDEMN_VERBS:
            return
        if inside_quote(self.view.text, sent.start_char, token.idx) \
                or negated_or_modal(token) or reported(token):
            return
        objects = [c for c in token.children if c.dep_ in {"dobj", "attr", "prep"}]
        hits = [t for o in objects for t in o.subtree if t.lemma_.lower() in CONDEMN_OBJECTS]
        if not hits:
            return
        subj = subject_of(token)
        addressees: list[tuple[EntityRef | None, str | None]] = []
        if subj is not None:
            for child in subj.children:
                if child.dep_ == "poss":
                    span = self.view.entity_of_phrase(child)
                    if span is not None:
                        addressees.append((self.view.ref(span), None))
        self._emit(sent, token, "condemns", self.publisher, self.publisher.label, addressees,
                   confidence=0.6)

    def _stance_adjective(self, sent: Span, token: Token) -> None:
        """'I am deeply concerned by X', 'The office is gravely worried about X': a stance
        in the subject's own voice (a reported one, 'said it was concerned', is read by the
        saying verb)."""
        verb = token.head
        if verb.lemma_.lower() != "be" or negated_or_modal(verb) or reported(verb) \
                or verb.dep_ in {"ccomp", "xcomp", "advcl", "relcl"}:
            return
        subj = subject_of(verb)
        if subj is None or (subj.pos_ == "PRON" and subj.lower_ not in {"i", "we"}
                            and inside_quote(self.view.text, sent.start_char, token.idx)):
            return
        speaker, speaker_text = self._speaker(verb)
        if speaker is None:
            return
        kind = ADJ_FRAMES[token.lower_].kind
        addressees: list[tuple[EntityRef | None, str | None]] = []
        for prep in token.children:
            if prep.dep_ in {"prep", "agent"} \
                    and prep.lower_ in {"by", "about", "over", "at", "with"}:
                party = self._party_within(prep)
                if party is not None and party != speaker:
                    addressees.append((party, None))
        self._emit(sent, token, kind, speaker, speaker_text, addressees[:1],
                   topic_root=token)

    def _breach(self, sent: Span, token: Token) -> None:
        """'The X government has been breaching the principle of ...' in the voice of a
        publisher that takes positions (not a news medium): it condemns X."""
        publisher = self.publisher
        if publisher is None or publisher.type == "MediaOrganization" \
                or token.pos_ != "VERB" or negated_or_modal(token) \
                or inside_quote(self.view.text, sent.start_char, token.idx) \
                or any(a.lemma_.lower() in VERB_KINDS for a in token.ancestors):
            return
        subj = subject_of(token)
        span = self.view.entity_of_phrase(subj) if subj is not None else None
        if span is None or span.label_ not in {"State", "GovernmentAgency"}:
            return
        self._emit(sent, token, "condemns", publisher, publisher.label,
                   [(self.view.ref(span), None)], confidence=0.6)

    def _high_time(self, sent: Span, token: Token) -> None:
        """'It is high time for X to ...' is an appeal to X by the quoted speaker."""
        if token.lower_ != "time" or token.i == 0 or token.nbor(-1).lower_ != "high":
            return
        speaker = self.quote_speaker or self.last_speaker
        if speaker is None:
            return
        for child in sent:
            if child.lower_ != "for" or child.i <= token.i:
                continue
            heads = list(child.children) if child.dep_ == "prep" else [
                c for c in child.head.children if c.dep_ == "nsubj"]
            for head in heads:
                span = self.view.entity_of_phrase(head)
                if span is not None:
                    self._emit(sent, token, "urges", speaker, speaker.label,
                               [(self.view.ref(span), None)])
                    return

    def _according_to(self, sent: Span) -> None:
        lowers = self.view.lowers
        for i in range(sent.start, sent.end):
            if lowers[i] == "according" and i + 1 < len(lowers) and lowers[i + 1] == "to":
                token = self.view.doc[i]
                self.human_subject = False  # whoever is cited, "he" is not about them
                for pobj in token.nbor(1).children:
                    span = self.view.entity_of_phrase(pobj)
                    unnamed = unnamed_source(pobj) if span is None else ""
                    if unnamed:  # "According to the source, ...": the source's account
                        self._emit(sent, token, "reports", None, unnamed, [])
                    if span is None:
                        continue
                    ref = self.view.ref(span)
                    kind = ("reports" if ref.type == "MediaOrganization"
                            or tells_past(sent.root) else "other")
                    self._emit(sent, token, kind, ref, ref.label, [],
                               "NewsReport" if kind == "reports" else "PublicStatement")

    def _publisher_appeal(self, sent: Span) -> None:
        """'X and Y must demand ...' in the document's own voice calls on X and Y: the voice
        of the person a speech is printed under, else the publisher's."""
        voice = self.discourse.speaker_line_person() or self.publisher
        if voice is None:
            return
        root = sent.root
        if inside_quote(self.view.text, sent.start_char, root.idx) or not any(
                c.dep_ == "aux" and c.lower_ in {"must", "should"} for c in root.children):
            return
        subj = subject_of(root)
        if subj is None:
            return
        addressees: list[tuple[EntityRef | None, str | None]] = []
        for head in conjuncts(subj):
            spans = self._phrase_entities(head)
            addressees.extend((self.view.ref(s), None) for s in spans)
            if not spans and head.lower_ in AGENTIVE_NOUNS and any(
                    c.dep_ == "poss" for c in head.children):  # "our Government must ..."
                addressees.append((None, noun_phrase(head)))
        if addressees:
            self._emit(sent, root, "calls_on", voice, voice.label, addressees,
                       confidence=0.6)

    def _note_letters(self, sent: Span) -> None:
        """'a letter sent to A by B and C', 'B wrote a letter to A': B and C's later words
        (in the letter) are addressed to A."""
        for token in sent:
            if token.lemma_.lower() not in LETTER_NOUNS or token.pos_ != "NOUN":
                continue
            sender = next((c for c in token.children if c.dep_ == "acl"
                           and c.lemma_.lower() in SEND_VERBS), None)
            authors: list[EntityRef] = []
            if sender is None and token.dep_ == "dobj" and token.head.lemma_.lower() in \
                    SEND_VERBS:
                sender = token.head
                subj = subject_of(sender)
                if subj is not None:
                    authors += [self.view.ref(s) for c in conjuncts(subj)
                                if (s := self.view.entity_of_phrase(c)) is not None]
            if sender is None:
                continue
            recipients = [self.view.ref(s) for p in sender.children
                          if p.dep_ in {"prep", "dative"} and p.lower_ == "to"
                          for o in p.children for s in self._phrase_entities(o)]
            for agent in sender.children:
                if agent.dep_ == "agent" or (agent.dep_ == "prep" and agent.lower_ == "by"):
                    authors += [self.view.ref(s) for o in agent.children
                                for c in conjuncts(o)
                                if (s := self.view.entity_of_phrase(c)) is not None]
            if authors and recipients:
                self.letters.append((authors, recipients[0]))

    def _letter_of(self, speaker: EntityRef | None) -> EntityRef | None:
        for authors, recipient in reversed(self.letters):
            if speaker in authors:
                return recipient
        return None

    def _quote_continuation(self, sent: Span, before: int) -> None:
        """Remember who is being quoted, for first-person and 'high time' sentences."""
        text = self.view.sentence_text(sent).strip()
        if not text.startswith(("“", '"')):
            self.quote_speaker = None
        for act in self.out[before:]:
            if act.speaker is not None and act.speaker.type == "Person":
                self.quote_speaker = act.speaker

    # -- parts ----------------------------------------------------------------------------
    def _speaker(self, verb: Token) -> tuple[EntityRef | None, str]:
        self.human_subject = False
        if is_passive(verb) or any(c.dep_ == "agent" for c in verb.children):
            for child in verb.children:
                if child.dep_ == "agent":
                    for pobj in child.children:
                        span = self.view.entity_of_phrase(pobj)
                        if span is not None:
                            return self.view.ref(span), span.text
                        if pobj.lemma_.lower() in GROUP_SPEAKERS:  # "criticised by groups"
                            return None, noun_phrase(pobj, keep_indefinite=True)
                        return None, ""
            return self.last_speaker, ""
        subj = trailing_speaker(verb) or subject_of(verb)
        if subj is None:
            after = self.view.entity_at(verb.doc[verb.i + 1]) if verb.i + 1 < len(verb.doc) \
                else None
            if after is not None and after.start == verb.i + 1 and after.label_ in \
                    AGENT_TYPES and verb.i > 0 and verb.nbor(-1).text in QUOTE_CLOSERS \
                    and verb.lemma_.lower() in INVERTING_VERBS \
                    and after.root.dep_ not in {"dobj", "dative"}:
                self.human_subject = after.label_ == "Person"  # '"...," said X' (X lost)
                return self.view.ref(after), after.text
            if verb.dep_ == "ROOT":  # a parse that lost the subject: the nearest agent before
                before = [s for s in self.view.entities(self.view.sentence_of(verb.i))
                          if s.end <= verb.i
                          and s.label_ in AGENT_TYPES]
                if before:
                    return self.view.ref(before[-1]), before[-1].text
            return None, ""
        if subj.lower_ in {"who", "which", "that"} and verb.dep_ == "relcl":
            subj = verb.head  # "A and B, who voiced concern": A (and B) speak
            while subj.dep_ == "conj" and subj.head.pos_ in {"NOUN", "PROPN"}:
                subj = subj.head
        if subj.like_num and any(c.lower_ == "the" for c in subj.children) \
                and self.last_speaker is not None:
            return self.last_speaker, ""  # "the three asked ...": those who spoke last
        if verb.dep_ == "acl" and verb.head.lemma_.lower() in SPEECH_NOUNS:
            issuer = subject_of(verb.head.head) if verb.head.head.pos_ == "VERB" else None
            if issuer is not None:
                subj = issuer
        if self.adoptions and under_terms(verb):
            # "Under its terms, the Assembly would express ...": the words of the text the
            # body adopted (a committee's draft), not yet the Assembly's
            adopted = [a for a in self.adoptions if a.evidence.start <= verb.idx] \
                or self.adoptions
            return adopted[-1].body, adopted[-1].body.label
        if subj.lemma_.lower() in RESOLUTION_NOUNS or (
                subj.lower_ == "it" and self.last_speaker is not None and self.adoptions
                and self.last_speaker in {a.body for a in self.adoptions}) or (
                subj.lower_ == "it" and self._follows_resolution_subject(verb)):
            body = self._resolution_body(subj)
            if body is not None:
                return body, body.label
            if subj.lemma_.lower() in RESOLUTION_NOUNS and subj.lower_ != "it":
                # a resolution whose body is not known (introduced, not adopted) speaks in
                # its own name, never in that of whatever state was named last
                self.text_speaker = noun_phrase(subj)
                return None, self.text_speaker
        if subj.lower_ == "it" and self.text_speaker and self.last_speaker is None:
            return None, self.text_speaker
        if subj.lower_ in {"we", "i", "us"}:
            quoted = self._quoted_speaker(verb)
            if quoted is None and not inside_quote(self.view.text, verb.sent.start_char,
                                                    verb.idx):
                # outside quotes: a speech's "I" is its speaker line, a release's "we" its
                # publisher
                quoted = self.discourse.speaker_line_person() if subj.lower_ == "i" \
                    else self.publisher
            self.human_subject = subj.lower_ == "i"
            return quoted, quoted.label if quoted else ""
        self.human_subject = subj.lower_ in {"he", "she"} or subj.lemma_.lower() in \
            PERSON_ROLE_NOUNS or subj.lemma_.lower() in OFFICIAL_NOUNS
        if self.view.entity_at(subj) is None and subj.lemma_.lower() in ORG_ROLE_NOUNS \
                and subj.lemma_.lower() not in {"government", "authority", "authorities"} \
                and not any(c.dep_ == "prep" and c.lower_ == "of" for c in subj.children):
            resolved = self.discourse.resolve(subj)  # "the group and the two experts -- A"
            if resolved is not None:
                return resolved, ""
        span = self.view.entity_of_phrase(subj)
        if span is not None:
            self.human_subject = self.human_subject or span.label_ == "Person"
            return self.view.ref(span), span.text
        if subj.lemma_.lower() in PERSON_ROLE_NOUNS and subj.lower_ not in {"he", "she"}:
            resolved = self.discourse.resolve(subj)  # "the envoy said"
            if resolved is not None:
                return resolved, ""
        if subj.lower_ in {"it", "they", "he", "she"} or (
                (subj.lemma_.lower() in ANAPHOR_NOUNS or subj.lower_ in ANAPHOR_NOUNS)
                and any(c.lower_ in {"the", "this", "these"} for c in subj.children)):
            return self._anaphor(subj), ""
        if subj.lemma_.lower() in OFFICIAL_NOUNS:  # "a Lao foreign ministry spokesman"
            state = self.view.demonym_state([t.text for t in subj.subtree if t.i <= subj.i])
            if state is not None:
                return state, state.label
        text = noun_phrase(subj, keep_indefinite=True)
        unnamed = unnamed_source(subj)
        if unnamed:
            return None, unnamed
        if subj.pos_ in {"NOUN", "PROPN"} and (len(text.split()) - (
                text.split()[0].lower() in {"a", "an"}) >= 2 or subj.tag_ == "NNS") \
                and subj.lemma_.lower() in GROUP_SPEAKERS:  # "Activists criticised ..."
            return None, self._unnamed_chain(text)
        return None, ""

    def _unnamed_chain(self, text: str) -> str:
        """'Human rights activists say ...' then 'Rights activists argue ...': the short
        form of an unnamed speaker is the one named before."""
        folded = text.casefold()
        for earlier in reversed(self.unnamed):
            if earlier.casefold().endswith(" " + folded) or earlier.casefold() == folded:
                return earlier
        self.unnamed.append(text)
        return text

    def _follows_resolution_subject(self, verb: Token) -> bool:
        """'The resolution referred to ... It also recorded ...': "it" is the resolution."""
        sent = self.view.sentence_of(verb.i)
        if sent.start == 0:
            return False
        previous = self.view.sentence_of(sent.start - 1)
        return any(t.dep_ == "nsubj" and t.head == previous.root
                   and t.lemma_.lower() in RESOLUTION_NOUNS for t in previous)

    def _anaphor(self, subj: Token) -> EntityRef | None:
        noun = subj.lemma_.lower()
        if subj.lower_ in {"he", "she"}:
            # the last speaker, if a person spoke ("the representative of X said ... he");
            # else the latest person named ("The department said ... She added")
            if self.last_speaker is not None and (self.last_human
                                                  or self.last_speaker.type == "Person"):
                return self.last_speaker
            return self.discourse.person_before(subj.i) or self.last_speaker
        if noun not in {"it", "they", "he", "she"}:
            for span in self.view.entities():
                ref = self.view.ref(span)
                if (noun in span.text.lower() or noun in ref.label.lower()) \
                        and ref.type in AGENT_TYPES:
                    return ref
        if self.last_speaker is not None:
            return self.last_speaker
        earlier = [s for s in self.view.entities() if s.end <= subj.i
                   and s.label_ in AGENT_TYPES and s.root.dep_ not in {"compound", "amod"}]
        return self.view.ref(earlier[-1]) if earlier else None

    def _antecedent(self, pronoun: Token) -> EntityRef | None:
        """The nearest earlier state or organisation that is not the current speaker ("him"
        and "her": the nearest earlier person)."""
        person = pronoun.lower_ in {"him", "her"}
        earlier = [s for s in self.view.entities() if s.end <= pronoun.i
                   and s.label_ in AGENT_TYPES and (s.label_ == "Person") == person
                   and s.root.dep_ not in {"compound", "amod"}]
        for span in reversed(earlier[-6:]):
            ref = self.view.ref(span)
            if ref != self.last_speaker:
                return ref
        return None

    def _quoted_speaker(self, verb: Token) -> EntityRef | None:
        sent = self.view.sentence_of(verb.i)
        for token in sent:
            if token.lemma_ == "say" and token != verb:
                for child in token.children:
                    if child.dep_ == "nsubj":
                        span = self.view.entity_of_phrase(child)
                        if span is not None:
                            return self.view.ref(span)
        return self.quote_speaker

    def _resolution_body(self, noun: Token) -> EntityRef | None:
        for t in noun.subtree:
            span = self.view.entity_at(t)
            if span is not None and span.label_ in AGENT_TYPES and span.label_ != "State":
                return self.view.ref(span)
        before = [a for a in self.adoptions if a.evidence.start <= noun.idx]
        if before:
            return before[-1].body
        return self.adoptions[0].body if self.adoptions else None

    def _addressees(self, verb: Token, kind: str) -> list[tuple[EntityRef | None, str | None]]:
        letter = self._letter_recipients(verb)
        if letter:
            return letter
        if is_passive(verb) or fronted_participle(verb):
            heads = [c for c in verb.children if c.dep_ == "nsubjpass"] \
                or participle_subjects(verb)
        else:
            heads = [c for c in verb.children if c.dep_ in {"dobj", "dative"}]
            for prep in verb.children:
                if prep.dep_ in {"prep", "prt"} and prep.lower_ in {"on", "upon", "for"}:
                    heads += [p for p in prep.children if p.dep_ == "pobj"]
                    if prep.dep_ == "prt":
                        heads += [c for c in verb.children if c.dep_ == "dobj"]
            clause = for_clause(verb)  # 'called for X to end ...'
            if clause is not None:
                heads += [c for c in clause.children if c.dep_ == "nsubj"]
            if kind == "recommends":
                heads += [s for c in verb.children if c.dep_ == "ccomp"
                          for s in c.children if s.dep_ == "nsubj"]
                heads += [c for c in verb.children if c.dep_ == "ccomp"  # "that the X:"
                          and c.pos_ in {"NOUN", "PROPN"}]
            if kind == "other":  # "denied that X ...": X, never the speaker's own "it"
                heads = [s for c in verb.children if c.dep_ == "ccomp"
                         for s in c.children if s.dep_ == "nsubj"]
                frame = VERB_FRAMES.get(verb_lemma(verb.lemma_.lower(), verb.lower_))
                if frame is not None and "dobj" in frame.addressee:  # "rejected X's request"
                    for obj in (c for c in verb.children if c.dep_ == "dobj"):
                        party = self._party_within(obj) or self.view.demonym_state(
                            [t.text for t in obj.subtree if t.i <= obj.i])
                        if party is not None:
                            return [(party, None)]
            frame = VERB_FRAMES.get(verb_lemma(verb.lemma_.lower(), verb.lower_))
            if frame is not None and kind != "other":  # the frame's own slots
                preps = frame.addressee_preps()
                heads += [p for c in verb.children if c.dep_ in {"prep", "dative"}
                          and c.lower_ in preps for p in c.children if p.dep_ == "pobj"]
                if "clause" in frame.addressee and kind in APPEALS:
                    heads += [s for c in verb.children if c.dep_ == "ccomp"
                              for s in c.children if s.dep_ == "nsubj"]
        if kind in {"condemns", "expresses_concern"} and verb.lemma_.lower() in CLAUSE_LEMMAS:
            for c in verb.children:
                if c.dep_ != "ccomp":
                    continue
                stance = [a for a in c.children if a.dep_ == "acomp" and a.lower_ in ADJ_FRAMES]
                if stance:  # "X is concerned by Y's returns, Z said": Y, not the one concerned
                    heads += [p for a in stance for p in a.children if p.dep_ in {"prep", "agent"}
                              and p.lower_ in {"by", "about", "over", "at", "with"}]
                    continue
                heads += [s for s in c.children  # "said X's act was ..."
                          if s.dep_ in {"nsubj", "nsubjpass"} and s.lower_ not in PRONOUNS]
        out: list[tuple[EntityRef | None, str | None]] = []
        if kind in {"condemns", "expresses_concern"}:
            for head in heads:  # "criticized the way X treats ...", "the cooperation of X"
                party = self._party_within(head)
                if party is not None:
                    out.append((party, None))
            if not out and verb.lemma_.lower() in CLAUSE_LEMMAS:
                out += self._clause_subject_party(verb)  # "I am sad to learn X signed ..."
            heads = [] if out else heads
        for head in heads:
            for conj in conjuncts(head):
                if kind in {"welcomes", "commends"}:
                    out.extend(self._welcomed(conj))
                    continue
                if kind == "condemns":
                    poss = [c for c in conj.children if c.dep_ == "poss"]
                    if poss:
                        conj = poss[0]
                spans = self._phrase_entities(conj)
                if spans:
                    out.extend((self.view.ref(s), None) for s in spans)
                elif conj.lower_ in PRONOUN_ADDRESSEES:
                    antecedent = self._antecedent(conj)
                    if antecedent is not None:
                        out.append((antecedent, None))
                elif (resolved := self.discourse.resolve(conj)) is not None:
                    out.append((resolved, None))  # "asked the court", "urged the ministry"
                elif kind in APPEALS and conj.pos_ in {"NOUN", "PROPN"}:
                    text = noun_phrase(conj)
                    if conj.lower_ in AGENTIVE_NOUNS:
                        out.append((None, text))
                    else:  # 'calling for action by X and Y'
                        for t in conj.subtree:
                            if t.lower_ == "by":
                                for p in t.children:
                                    out.extend((self.view.ref(s), None)
                                               for s in self._phrase_entities(p))
        seen: list[tuple[EntityRef | None, str | None]] = []
        for item in out:
            if item not in seen:
                seen.append(item)
        return seen

    def _clause_subject_party(self, verb: Token) -> list[tuple[EntityRef | None, str | None]]:
        for clause in verb.children:
            if clause.dep_ != "ccomp":
                continue
            for t in sorted(clause.subtree, key=lambda t: t.i):
                span = self.view.entity_at(t)
                if t.dep_ == "nsubj" and span is not None and span.label_ in AGENT_TYPES \
                        and span.label_ != "Person":
                    return [(self.view.ref(span), None)]
            for t in clause.subtree:  # "... are victims of crimes by the X authorities"
                if t.dep_ == "pobj" and t.head.lower_ == "by" \
                        and (span := self.view.entity_of_phrase(t)) is not None \
                        and span.label_ in AGENT_TYPES and span.label_ != "Person":
                    return [(self.view.ref(span), None)]
        return []

    def _party_within(self, head: Token) -> EntityRef | None:
        """The first state or organisation a criticised phrase names, however deep."""
        for t in sorted(head.subtree, key=lambda t: t.i):
            span = self.view.entity_at(t)
            if span is not None and span.label_ in AGENT_TYPES and span.label_ != "Person":
                return self.view.ref(span)
            if span is None and t.lemma_.lower() == "country":  # "in that country"
                ref = self.discourse.resolve(t)
                if ref is not None:
                    return ref
        return None

    def _phrase_entities(self, head: Token) -> list[Span]:
        """Entities a noun phrase names: itself, or 'the leaders of A and B' -> A, B."""
        found: list[Span] = []
        span = self.view.entity_of_phrase(head)
        if span is not None:
            found.append(span)
            found += [s for s in self.view.entities() if s.start == span.start
                      and s.end == span.end and s.kb_id_ != span.kb_id_]
        if span is None or self.view.entity_at(head) is None:
            for child in head.children:
                if child.dep_ == "prep" and child.lower_ in {"of", "by"}:
                    for pobj in child.children:
                        for conj in conjuncts(pobj):
                            inner = self.view.entity_of_phrase(conj)
                            if inner is not None and inner not in found:
                                found.append(inner)
        return found

    def _welcomed(self, obj: Token) -> list[tuple[EntityRef | None, str | None]]:
        """The party whose act is welcomed: 'South Korea's stance', 'the adoption ... of
        the resolution ... at the session of the General Assembly', 'the resolution'."""
        for child in obj.children:
            if child.dep_ == "poss":
                span = self.view.entity_of_phrase(child)
                if span is not None:
                    return [(self.view.ref(span), None)]
        direct = self.view.entity_at(obj)
        if direct is not None and direct.label_ in AGENT_TYPES:
            return [(self.view.ref(direct), None)]
        if obj.lemma_.lower() in RESOLUTION_NOUNS:
            body = self._resolution_body(obj)
            if body is not None:
                return [(body, None)]
        for t in obj.subtree:  # 'the adoption ... at the session of the General Assembly'
            span = self.view.entity_at(t)
            if span is not None and span.label_ in BODY_TYPES:
                return [(self.view.ref(span), None)]
        topic_tokens = {t.i for p in obj.subtree if p.dep_ == "prep"
                        and p.lower_ in TOPIC_PREPS for t in p.subtree}
        for t in obj.subtree:
            if t.i in topic_tokens:
                continue
            span = self.view.entity_at(t)
            if span is not None and span.label_ in AGENT_TYPES:
                return [(self.view.ref(span), None)]
        return []

    def _letter_recipients(self, verb: Token) -> list[tuple[EntityRef | None, str | None]]:
        sender = verb
        if verb.dep_ in {"advcl", "acl", "xcomp"} and verb.head.pos_ == "VERB":
            sender = verb.head
        if sender.lemma_.lower() not in {"send", "write", "address", "submit", "deliver"}:
            return []
        if not any(c.dep_ == "dobj" and c.lemma_.lower() in {"letter", "communication",
                                                            "petition", "appeal"}
                   for c in sender.children):
            return []
        out: list[tuple[EntityRef | None, str | None]] = []
        for prep in sender.children:
            if prep.dep_ in {"prep", "dative"} and prep.lower_ == "to":
                for pobj in prep.children:
                    for conj in list_members(pobj):
                        out.extend((self.view.ref(s), None) for s in self._phrase_entities(conj))
        return out

    def _channel(self, sent: Span, verb: Token, default: str) -> str:
        words = set(self.view.lowers[sent.start:sent.end])
        if default != "PublicStatement":
            return default
        if words & {"letter", "letters"}:
            return "Letter"
        if "upr" in words or "periodic" in words:
            return "UPRRecommendation" if verb.lemma_ in {"recommend", "urge", "call"} \
                else default
        if words & {"briefing", "briefs", "briefed"}:
            return "Briefing"
        kind = (self.view.info.kind or "").lower()
        if "joint" in (self.view.info.title or "").lower() and kind == "statement":
            return "JointStatement"
        return default

    def _date(self, sent: Span, verb: Token) -> DateValue:
        for span, value, kind in self.view.dates_in(sent):
            if kind in {"since", "name"} or not value.known:
                continue
            if later(value, self.view.doc_date):
                continue
            governing = next((a for a in span.root.ancestors if a.pos_ in {"VERB", "AUX"}),
                             None)
            if governing in (verb, verb.head) or participle_of(governing, verb):
                return value
        return self.view.doc_date if self.view.doc_date.known else UNKNOWN_DATE


def extract_statements(view: DocView, adoptions: list[ResolutionAdoption]) -> list[SpeechAct]:
    return SpeechReader(view, adoptions).read()
