"""`rkg_sentences_v1` (provenance id rkg.sentences.v1): sentence starts the parser misses.

Runs before the parser, which keeps preset boundaries: a dateline ("SEOUL, SOUTH KOREA
(Oct. 13, 2023) —") ends before the story's first sentence, and every line break that
separates a headline, a caption or a list from the text starts a new sentence.
"""

from __future__ import annotations

import itertools

from spacy.language import Language
from spacy.tokens import Doc

DASHES = frozenset({"—", "–", "-", "--"})


@Language.component("rkg_sentences_v1", assigns=["token.is_sent_start"])
def mark_sentence_starts(doc: Doc) -> Doc:
    tokens = list(doc)  # one Token object each, not two
    for prev, token in itertools.pairwise(tokens):
        text_with_ws = prev.text_with_ws
        if "\n" in text_with_ws or (prev.text in DASHES and _after_dateline(doc, prev.i)):
            token.is_sent_start = True
    return doc


def _after_dateline(doc: Doc, dash: int) -> bool:
    """A dash near the start of a line, after capitals or a parenthesised date."""
    line_start = dash
    while line_start > 0 and "\n" not in doc[line_start - 1].text_with_ws:
        line_start -= 1
    if dash - line_start > 14:
        return False
    head = doc[line_start:dash]
    if any(t.is_upper and len(t) > 1 for t in head) or (len(head) > 0
                                                        and head[-1].text == ")"):
        return True
    # "Geneva, 12 March 2015 —": a place, a comma and a date
    has_year = any(t.like_num and len(t.text) == 4 for t in head)
    return has_year and len(head) > 2 and head[0].is_title and head[1].text == ","
