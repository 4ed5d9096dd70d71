"""`rkg.returns.v1`, continued: the mood of a removal trigger's clause.

Whether a clause tells a return that happened ('event'), one reported as hearsay
('alleged'), a habit ('practice'), one that did not happen ('planned', 'feared', 'denied'),
or no return at all ('none'): from tense, aspect, negation, modals and the words that govern
the clause ("plans to deport", "at risk of being sent back", "denied that it deported",
"accused of deporting", "is said to have returned").
"""

from __future__ import annotations

from spacy.tokens import Token

from graph.extract.removal_lexicon import ANAPHORIC_PREDICATES

HABITUAL_PHRASES = ("several times", "many times", "dozens of times", "dozen of times",
                    "numerous times", "again and again", "times over", "multiple times")
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
# Heads that deny the act of the clause they govern ("rejected claims that it deported").
DENIAL_HEADS = frozenset({"deny", "reject", "dismiss", "refute", "denial", "rebut"})
# Raising verbs that report an act as hearsay: "are said to have been deported".
HEARSAY_HEADS = REPORTING_VERBS | frozenset({"think", "suspect", "fear", "rumour", "rumor",
                                             "estimate", "presume", "seem", "appear"})


def clause_mood(token: Token, headline: bool = False, counted: bool = False) -> str:
    """'event', 'alleged', 'practice', 'none', or the status of a return that did not happen
    ('planned', 'feared', 'denied') for the clause headed by `token`."""
    if token.pos_ in {"NOUN", "PROPN"}:
        return _noun_mood(token)
    children = list(token.children)
    lowers = {c.lower_ for c in children}
    aux = [c for c in children if c.dep_ in {"aux", "auxpass", "neg"}]
    if any(c.dep_ == "neg" for c in children) or "never" in lowers:
        past = (token.tag_ in {"VBD", "VBN"} or any(
            a.lower_ in {"did", "was", "were", "has", "have", "had"} for a in aux)) and not any(
                a.tag_ == "MD" for a in aux)
        return "denied" if past and not _in_appeal(token) else "none"
    if any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "once", "whether", "lest"}
           for c in children):
        return "none"
    if any(c.dep_ == "mark" and c.lower_ in {"before", "until", "till"} for c in children) \
            and not _anchored(token):
        return "none"  # background to another clause: "hours before he was returned"
    if blamed_for(token):  # "condemned Russia for handing him over": the act is
        # presupposed, unless it is only charged ("was accused of deporting them")
        return "alleged" if token.head.head.lemma_.lower() in CHARGE_VERBS else "event"
    if _denied(token):
        return "denied"  # "Laos denied that it had deported them", "rejected reports that"
    first = token
    while first.dep_ == "conj" and first.head.pos_ in {"VERB", "AUX"}:
        first = first.head  # "people who were seized and sent back": the relative clause's
    modifier = first.dep_ in {"relcl", "acl"}
    for ancestor in [token, *token.ancestors]:
        if modifier:
            break  # a relative clause tells what happened to its noun, whatever the verb above
        if ancestor is not token and ancestor.lemma_.lower() in PREVENTIVE_HEADS:
            return _unrealised(ancestor.lemma_.lower())
        if ancestor.lemma_.lower() in HABITUAL_HEADS and ancestor is not token:
            return "practice"
        if ancestor.dep_ in {"ROOT"}:
            break
    if modifier and _generic_head(first):
        return "none"  # "people who were sent back": a kind of person, not an event
    clause = token.doc[token.left_edge.i:token.right_edge.i + 1].text.lower()
    if any(w in lowers for w in HABITUAL) or any(p in clause for p in HABITUAL_PHRASES):
        return "practice"
    if (_has_since(token) and not counted) or _over_a_period(token):
        return "practice"
    if headline and token.tag_ in {"VBZ", "VBP"} and token.dep_ == "ROOT":
        return "event"  # headlines tell past events in the present tense
    if any(a.dep_ == "auxpass" and a.tag_ in {"VBP", "VBZ"} for a in aux) and not any(
            a.lower_ in {"has", "have", "had"} for a in aux):
        return "practice"  # generic present passive: "those who are sent back are ..."
    modal = [a for a in aux if a.tag_ == "MD" or a.lower_ in MODALS]
    if token.tag_ == "VBG":
        if any(a.lower_ == "been" for a in aux):
            return "practice"
        if any(a.lower_ in {"is", "are", "was", "were"} for a in aux):
            return "event"  # in progress: "Laos is sending them back"
        return "none"
    if token.tag_ == "VB":
        if token.dep_ == "xcomp" and any(a.lower_ == "to" for a in aux):
            return _unrealised(token.head.lemma_.lower())  # "plans to deport", "threatened to"
        if modal:
            return _modal_status(modal)
        if headline and token.dep_ == "ROOT" and any(a.lower_ == "to" for a in aux):
            return "planned"  # headlines tell plans as "X to deport Y"
        return "none"
    if token.tag_ in {"VBZ", "VBP"}:
        return "practice"
    if token.dep_ == "amod":
        return "none"
    if token.dep_ == "acl" and not aux and not _anchored(token):
        return "none"  # reduced relative with nothing to date or count it: "women sent back"
    if any(a.lower_ == "being" for a in aux) and any(
            a.lower_ in {"is", "are", "was", "were"} for a in aux):
        return "event"  # in progress: "are being sent back"
    if modal:
        if any(a.lower_ == "have" for a in aux):
            if {m.lower_ for m in modal} & {"would", "'d", "should"}:
                return "none"  # counterfactual: "would have deported them if ..."
            return "alleged"  # "may have been sent back"
        return _modal_status(modal)
    if any(a.lower_ == "to" for a in aux) and any(a.lower_ == "have" for a in aux) \
            and token.head.lemma_.lower() in HEARSAY_HEADS:
        return "alleged"  # "are reported to have been sent back", "is believed to have ..."
    if any(a.lower_ == "to" for a in aux) and any(a.lower_ == "be" for a in aux):
        return _unrealised(token.head.lemma_.lower(), default="planned")  # "due to be sent"
    if any(a.lower_ in {"being", "be", "to"} for a in aux):
        return "none"
    if token.dep_ in {"xcomp"} and token.tag_ != "VBN":
        return "none"
    if any(w in lowers for w in ALLEGED) or (first is not token and any(
            c.lower_ in ALLEGED for c in first.children)):
        return "alleged"  # also "has reportedly been arrested, tried and deported"
    return "event"


# Quantifiers that leave a plural generic ("many women sent back end up in camps").
QUANTIFIERS = frozenset({"many", "most", "some", "several", "numerous", "all", "any", "few"})
CENSURE_VERBS = frozenset({"condemn", "criticise", "criticize", "denounce", "slam", "blast",
                           "blame", "accuse", "rebuke", "fault", "censure", "punish", "thank",
                           "charge", "suspect"})


def _denied(token: Token) -> bool:
    """The clause is what a denial denies: its complement ("denied that it had deported
    them", "denied deporting them") or the content of a claim it rejects ("rejected reports
    that ...")."""
    clause = token
    while clause.dep_ == "conj" and clause.head.pos_ in {"VERB", "AUX"}:
        clause = clause.head
    head = clause.head
    if clause.dep_ in {"acl", "relcl"} and head.lemma_.lower() in CLAIM_NOUNS \
            and any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children):
        clause, head = head, head.head  # "reports that ...": the claim is what is denied
    elif clause.dep_ == "pcomp" and head.pos_ == "ADP":
        clause, head = head, head.head
    if clause.dep_ not in {"ccomp", "dobj", "xcomp", "pobj", "prep"} or clause is head:
        return False
    return head.lemma_.lower() in DENIAL_HEADS and not any(
        c.dep_ == "neg" for c in head.children)


CLAIM_NOUNS = frozenset({"report", "claim", "allegation", "accusation", "rumour", "rumor",
                         "suggestion", "charge", "assertion"})
CHARGE_VERBS = frozenset({"accuse", "charge", "suspect", "allege"})


def blamed_for(token: Token) -> bool:
    """A gerund after "for"/"of" whose head censures someone for it."""
    if token.tag_ != "VBG" or token.dep_ != "pcomp" or token.head.lower_ not in {"for", "of"}:
        return False
    return token.head.head.lemma_.lower() in CENSURE_VERBS


def bare_plural(theme: Token | None) -> bool:
    """"people", "refugees": a plural with no determiner, number or possessor."""
    if theme is None or theme.tag_ not in {"NNS", "NNPS"}:
        return theme is None
    return not any(c.dep_ in {"det", "poss", "nummod"} or c.like_num for c in theme.children)


def _generic_head(token: Token) -> bool:
    """The noun a relative clause modifies is a bare plural with nothing to date or count."""
    head = token.head
    if head.tag_ not in {"NNS", "NNPS"} or _anchored(token):
        return False
    return not any(c.dep_ in {"det", "poss", "nummod"} and c.lower_ not in QUANTIFIERS
                   for c in head.children)


def restated(noun: Token) -> bool:
    """"The repatriation was carried out in ...": a definite noun, subject of a past
    predicate of happening, restates an event the text has told."""
    verb = noun.head
    if noun.dep_ not in {"nsubj", "nsubjpass"} or verb.tag_ not in {"VBD", "VBN"}:
        return False
    if not any(c.dep_ == "det" and c.lower_ in {"the", "these", "those", "this", "that"}
               for c in noun.children):
        return False
    if any(c.tag_ == "MD" or c.dep_ == "neg" for c in verb.children):
        return False
    return verb.lemma_.lower() in ANAPHORIC_PREDICATES


def _noun_mood(noun: Token) -> str:
    doc = noun.doc
    words = {c.lower_ for c in noun.children}
    anchored = (bool(words & EVENT_ANCHORS) or any(c.like_num for c in noun.subtree)
                or restated(noun))
    if not anchored:
        return "none"  # a topic ("forced repatriation"), not one return
    if noun.i >= 2 and doc[noun.i - 1].lower_ == "of" \
            and doc[noun.i - 2].lemma_.lower() in PREVENTIVE_HEADS:
        return _unrealised(doc[noun.i - 2].lemma_.lower())  # "the threat of repatriation of
        # five", however the parse attaches it
    if words & NOUN_PLANNED:
        return "planned"
    if words & NOUN_FEARED:
        return "feared"
    for ancestor in noun.ancestors:
        if ancestor.lemma_.lower() in PREVENTIVE_HEADS:
            return _unrealised(ancestor.lemma_.lower())
        if ancestor.dep_ == "ROOT":
            break
    if restated(noun) and any(c.tag_ == "MD" for c in noun.head.children):
        return "planned"
    return "event"


# Heads under which a return did not happen but is feared or planned; under the other
# PREVENTIVE_HEADS ("halt", "urge") it is only a topic.
FEAR_HEADS = frozenset({"risk", "fear", "face", "danger", "threat", "threaten", "imminent",
                        "likely", "possible", "await", "awaiting", "worry", "concern"})
PLAN_HEADS = frozenset({"plan", "intend", "prepare", "schedule", "set", "agree", "expect",
                        "order", "seek", "try", "attempt", "want", "due", "arrange"})
NOUN_PLANNED = frozenset({"planned", "scheduled", "pending", "proposed", "intended"})
NOUN_FEARED = frozenset({"imminent", "possible", "feared", "threatened", "looming",
                         "potential", "likely"})


def _unrealised(head: str, default: str = "none") -> str:
    if head in FEAR_HEADS:
        return "feared"
    if head in PLAN_HEADS:
        return "planned"
    return default


def _modal_status(modal: list[Token]) -> str:
    """"will be sent back" is planned, "could be sent back" feared, "should" an appeal."""
    words = {m.lower_ for m in modal}
    if words & {"will", "'ll", "shall", "would", "'d"}:
        return "planned"
    if words & {"could", "may", "might", "can"}:
        return "feared"
    return "none"


def _in_appeal(token: Token) -> bool:
    """Under an appeal or a preventive word: "urged it not to deport them"."""
    return any(a.lemma_.lower() in PREVENTIVE_HEADS - FEAR_HEADS for a in token.ancestors)


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


