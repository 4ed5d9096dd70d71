"""Where a speech verb's speaker sits when the parse does not say: attributions that trail
the reported words ("..., a volunteer who spoke on condition of anonymity said").

The small English model often hangs such a speaker on the clause before it (as an
apposition of its last noun) and leaves the saying verb with no subject of its own, or with
the subject of the clause it reports. The words between the last comma and the verb are then
one noun phrase, optionally with a relative clause: that phrase is the speaker.
"""

from __future__ import annotations

from spacy.tokens import Token

from graph.extract.context import INVERTING_VERBS

# "who asked not to be named", "requested not to be identified": a source's anonymity, no
# appeal to anyone
ANONYMITY_LEMMAS = frozenset({"name", "identify", "quote"})
TRAILING_VERBS = INVERTING_VERBS | {"argue", "stress", "claim", "report", "confirm"}
NOUN_TAGS = frozenset({"NOUN", "PROPN"})


def trailing_speaker(verb: Token) -> Token | None:
    """The head noun of the phrase between the last comma and a saying verb that has no
    subject of its own, or None when those words are not one noun phrase."""
    if verb.lemma_.lower() not in TRAILING_VERBS or any(
            c.dep_ in {"nsubj", "nsubjpass", "csubj"} for c in verb.children):
        return None
    sent = verb.sent
    end = verb.i
    if end > sent.start and verb.doc[end - 1].text == ",":
        end -= 1  # "..., a volunteer, who would not give her name, said"
    start = end
    while start > sent.start and verb.doc[start - 1].text != ",":
        start -= 1
    if start == end or start == sent.start:
        return None
    inside = range(start, end)
    roots = [t for t in verb.doc[start:end] if t.head.i not in inside or t.head == t]
    if len(roots) != 1:
        return None
    head = roots[0]
    if head.dep_ == "relcl" or (head.pos_ in {"VERB", "AUX"} and head.head.pos_ in NOUN_TAGS):
        head = head.head  # the relative clause after its noun: ", a source who asked ..."
    if head.pos_ not in NOUN_TAGS or head.i >= verb.i or head.i < start - 2:
        return None
    return head


def asks_anonymity(verb: Token) -> bool:
    """'A worker who asked not to be named': the request is the source's anonymity."""
    return any(c.dep_ == "xcomp" and c.lemma_.lower() in ANONYMITY_LEMMAS
               and any(a.dep_ == "auxpass" for a in c.children) for c in verb.children)
