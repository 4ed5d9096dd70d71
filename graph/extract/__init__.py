"""Facts from annotated Docs: each extractor reads the Doc and returns frozen dataclasses."""

from __future__ import annotations

from graph.extract.context import DocView
from graph.extract.legal import (
    extract_resolutions,
    extract_treaty_statements,
    extract_upr_reviews,
    unnamed_agreements,
)
from graph.extract.people import extract_harms, extract_posts
from graph.extract.returns import extract_detentions_and_visits, extract_returns
from graph.extract.speech import extract_statements
from graph.facts import DocumentFacts, DocumentInfo, EntityMention, EntityRef, Fact
from graph.nlp.pipeline import annotate
from graph.nlp.resources import registry_for
from graph.nlp.version import pipeline_version


def extract_document(info: DocumentInfo, reference_dir: str = "") -> DocumentFacts:
    """Annotate one document and extract every fact it states, with evidence."""
    doc = annotate(info, reference_dir)
    view = DocView(doc, info, registry_for(reference_dir))
    mentions = tuple(
        EntityMention(view.ref(span), span.text, span.start_char, span.end_char,
                      view.evidence(view.sentence_of(span.start), "rkg.entities.v1", 0.9))
        for span in view.entities())
    mentions += tuple(  # agreements the registry does not know, minted from their parties
        EntityMention(ref, span.text, span.start_char, span.end_char,
                      view.evidence(view.sentence_of(span.start), "rkg.treaties.v1", 0.7))
        for span, ref in unnamed_agreements(view))
    returns, practices = extract_returns(view)
    detentions, visits = extract_detentions_and_visits(view)
    adoptions = extract_resolutions(view)
    statements = extract_statements(view, adoptions)
    speakers: dict[int, EntityRef] = {}
    for act in statements:
        if act.speaker is not None:
            speakers.setdefault(act.evidence.start, act.speaker)
    facts: list[Fact] = [
        *returns, *practices, *detentions, *visits, *adoptions, *statements,
        *extract_treaty_statements(view), *extract_upr_reviews(view), *extract_posts(view),
        *extract_harms(view, speakers),
    ]
    return DocumentFacts(info, mentions, tuple(facts), pipeline_version(reference_dir),
                         view.publisher)
