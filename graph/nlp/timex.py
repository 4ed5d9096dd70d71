"""`rkg.timex.v1`: marks dates and counts of people in each sentence.

Dates are resolved against the document date found in `doc.user_data["rkg.doc_date"]`
(a `DateValue`). Spans go to `doc.spans["rkg.dates"]` and `doc.spans["rkg.counts"]`; their
values to `doc.user_data["rkg.dates"]` / `["rkg.counts"]`, keyed by (start_char, end_char).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from graph.facts import UNKNOWN_DATE, DateValue
from graph.text.dates import find_dates
from graph.text.numbers import find_counts

DATE_KEY = "rkg.dates"
COUNT_KEY = "rkg.counts"
DOC_DATE = "rkg.doc_date"


@Language.component("rkg_timex_v1", requires=["doc.sents"], assigns=["doc.spans"])
def annotate_times_and_counts(doc: Doc) -> Doc:
    reference: DateValue = doc.user_data.get(DOC_DATE, UNKNOWN_DATE)
    dates: list[Span] = []
    counts: list[Span] = []
    date_values: dict[tuple[int, int], object] = {}
    count_values: dict[tuple[int, int], object] = {}
    text = doc.text
    for sent in doc.sents:
        base = sent.start_char
        sentence = text[base:sent.end_char]  # sent.text, without joining its tokens
        for m in find_dates(sentence, reference):
            span = doc.char_span(base + m.start, base + m.end, label=m.kind,
                                 alignment_mode="expand")
            if span is not None:
                dates.append(span)
                date_values[(base + m.start, base + m.end)] = m
        for c in find_counts(sentence):
            span = doc.char_span(base + c.start, base + c.end, label="COUNT",
                                 alignment_mode="expand")
            if span is not None:
                counts.append(span)
                count_values[(base + c.start, base + c.end)] = c
    doc.spans[DATE_KEY] = dates
    doc.spans[COUNT_KEY] = counts
    doc.user_data[DATE_KEY] = date_values
    doc.user_data[COUNT_KEY] = count_values
    return doc
