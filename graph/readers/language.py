"""The language a document is written in (py3langid, a small maintained detector that
ships its model): the extraction reads English, and a Korean or Chinese document must be
reported as such, not pass through as a document with no facts."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["detect_language"]

SAMPLE_CHARS = 20_000
MIN_CONFIDENCE = 0.7  # py3langid gives clear Chinese 0.8 on a short text
MIN_CHARS = 20  # shorter texts are too short to say


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code when the detector is confident, else None."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_CHARS:
        return None
    language, confidence = _identifier().classify(sample)
    return str(language) if confidence >= MIN_CONFIDENCE else None
