"""The spaCy pipeline, built once: the small English model plus our annotating components."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import graph.nlp.entities
import graph.nlp.sentences
import graph.nlp.timex  # noqa: F401  (registers rkg_timex_v1)
from graph.facts import DocumentInfo
from graph.nlp.timex import DOC_DATE
from graph.nlp.version import MODEL


@lru_cache(maxsize=2)
def build_nlp(reference_dir: str = "") -> Language:
    """Load the model (installed from PyPI, never downloaded) and add our components."""
    nlp = spacy.load(MODEL)
    nlp.add_pipe("rkg_sentences_v1", before="parser")
    nlp.add_pipe("rkg_entities_v1", config={"reference_dir": reference_dir})
    nlp.add_pipe("rkg_timex_v1")
    return nlp


def annotate(document: DocumentInfo, reference_dir: str = "") -> Doc:
    """Run the pipeline on one document, with its date available to the components."""
    nlp = build_nlp(reference_dir)
    doc = nlp.make_doc(document.text)
    doc.user_data[DOC_DATE] = document.date
    for _name, component in nlp.pipeline:
        doc = component(doc)
    return doc

