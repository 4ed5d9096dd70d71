"""The pipeline's own components, on Docs built by hand (no statistical model involved)."""

from __future__ import annotations

import spacy
from spacy.matcher import Matcher
from spacy.tokens import Doc

from graph.nlp import lexicon
from graph.nlp.entities import SPAN_KEY, EntityAnnotator, _name_shapes, new_key, normalise_name
from graph.nlp.resources import registry_for
from graph.nlp.sentences import mark_sentence_starts

NLP = spacy.blank("en")


def _doc(words: list[str], spaces: list[bool] | None = None) -> Doc:
    doc = Doc(NLP.vocab, words=words, spaces=spaces)
    for token in doc:
        token.is_sent_start = token.i == 0
    return doc


def test_nlp_sentences_split_after_a_dateline() -> None:
    words = ["SEOUL", ",", "SOUTH", "KOREA", "(", "Oct.", "13", ",", "2023", ")", "—", "China",
             "repatriated", "them", "."]
    doc = Doc(spacy.blank("en").vocab, words=words)
    mark_sentence_starts(doc)
    assert doc[11].is_sent_start


def test_nlp_sentences_do_not_split_a_dash_inside_a_sentence() -> None:
    words = ["The", "group", "said", "that", "officials", "—", "not", "police", "—", "acted",
             "."]
    doc = Doc(spacy.blank("en").vocab, words=words)
    mark_sentence_starts(doc)
    assert not doc[6].is_sent_start


def test_nlp_entities_demonym_government_pairs_name_both_states() -> None:
    annotator = EntityAnnotator(NLP, registry_for(""))
    doc = _doc(["calling", "on", "the", "Chinese", "and", "South", "Korean", "governments"])
    spans = annotator(doc).spans[SPAN_KEY]
    assert {s.kb_id_ for s in spans} == {"china", "south-korea"}
    assert all(s.label_ == "State" for s in spans)


def test_nlp_entities_registry_alias_and_acronym_alias() -> None:
    annotator = EntityAnnotator(NLP, registry_for(""))
    words = ["The", "Human", "Rights", "Foundation", "(", "HRF", ")", "said", "HRF", "would",
             "write", "to", "the", "UN", "Refugee", "Agency", "."]
    doc = annotator(_doc(words))
    by_text = {s.text: s.kb_id_ for s in doc.spans[SPAN_KEY]}
    assert by_text["Human Rights Foundation"] == by_text["HRF"]


def test_nlp_discovered_keys_fold_case_accents_and_articles() -> None:
    assert normalise_name("The Hanul  Bridge Network") == normalise_name("hanul bridge network")
    assert new_key("Salmón Group") == new_key("Salmon group")


def test_nlp_sentences_split_after_a_place_and_date_dateline() -> None:
    words = ["Geneva", ",", "12", "March", "2015", "—", "The", "UN", "said", "so", "."]
    doc = Doc(spacy.blank("en").vocab, words=words)
    mark_sentence_starts(doc)
    assert doc[6].is_sent_start


def _token_matcher_government(annotator: EntityAnnotator) -> Matcher:
    """The token Matcher `_government_matches` replaces: one pattern per demonym and noun."""
    matcher = Matcher(NLP.vocab)
    single = sorted(g for g in lexicon.GOVERNMENT_NOUNS if " " not in g)
    double = sorted(g for g in lexicon.GOVERNMENT_NOUNS if " " in g)
    nouns = [[{"LOWER": {"IN": single}}]] + [[{"LOWER": w} for w in g.split()] for g in double]
    for dem in sorted(annotator.demonyms):
        pattern = [{"LOWER": t.lower_} for t in NLP.make_doc(dem)]
        for noun in nouns:
            matcher.add("GOV", [pattern + noun])
            matcher.add("GOV2", [[*pattern, {"LOWER": "and"}, {"IS_TITLE": True, "OP": "+"},
                                  *noun]])
    return matcher


def test_nlp_entities_government_matches_as_the_token_matcher_did() -> None:
    annotator = EntityAnnotator(NLP, registry_for(""))
    matcher = _token_matcher_government(annotator)
    for text in ["The Chinese and South Korean Border Guards met North Korean security police",
                 "Chinese and Russian Officials Authorities said; Lao authorities and the "
                 "North Korean and Chinese governments", "chinese AUTHORITIES and",
                 "South Korean and", "Chinese and North Korean"]:
        doc = NLP.make_doc(text)
        expected = sorted({(NLP.vocab.strings[m], s, e) for m, s, e in matcher(doc)},
                          key=lambda m: (m[1], m[2], m[0]))
        assert annotator._government_matches(doc) == expected, text


def test_nlp_entities_name_shapes_as_the_token_matcher_did() -> None:
    matcher = Matcher(NLP.vocab)
    matcher.add("NAME", [[{"IS_TITLE": True, "IS_ALPHA": True, "LENGTH": {"<=": 5}},
                          {"IS_TITLE": True, "IS_ALPHA": True}, {"ORTH": "-"},
                          {"IS_LOWER": True, "IS_ALPHA": True, "LENGTH": {">=": 2}}]])
    doc = NLP.make_doc("Kim Sung-hwan met Cho Tai-young, Xi Jin-ping - Aa Bb-c, Lee Ji-é and "
                       "Park Seo-yeon-ah of Hanawon Centre-left - end")
    assert _name_shapes(doc, [t.text for t in doc]) == [(s, e) for _, s, e in matcher(doc)]
