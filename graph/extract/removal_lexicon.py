"""The removal lexicon (`graph/lexicons/removal_frames.yaml`) as Python data.

Frames of the words that report a forced return (verbs and nouns with their particles,
destination prepositions and needs) and the word lists the returns extractor reads with them:
custody and receiver nouns, source nouns, story and arrival verbs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class RemovalFrame:
    """One entry of `graph/lexicons/removal_frames.yaml`."""

    lemma: str
    pos: str
    particles: frozenset[str] = frozenset()
    destination: frozenset[str] = frozenset()
    needs: str | None = None


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    text = resources.files("graph").joinpath("lexicons/removal_frames.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def words(key: str) -> frozenset[str]:
    """A word list of the removal lexicon."""
    return frozenset(str(w) for w in _lexicon()[key])


def _load_frames() -> tuple[dict[str, RemovalFrame], dict[str, RemovalFrame], frozenset[str]]:
    data = _lexicon()
    tables: tuple[dict[str, RemovalFrame], dict[str, RemovalFrame]] = ({}, {})
    for table, key in zip(tables, ("verbs", "nouns"), strict=True):
        for entry in data[key]:
            lemma = str(entry["lemma"])
            needs = entry.get("needs")
            table[lemma] = RemovalFrame(
                lemma, key[:-1], frozenset(entry.get("particles", ())),
                frozenset(entry.get("destination", ())), str(needs) if needs else None)
    return tables[0], tables[1], words("anaphoric_predicates")


VERB_FRAMES, NOUN_FRAMES, ANAPHORIC_PREDICATES = _load_frames()
NOUN_TRIGGERS = frozenset(NOUN_FRAMES)

TRIGGER_PREFIXES = ("repatriat", "refoul", "deport")
# Every lemma a trigger may have (besides words starting with TRIGGER_PREFIXES).
TRIGGER_LEMMAS = frozenset(VERB_FRAMES.keys() | NOUN_TRIGGERS)
CUSTODY_NOUNS = words("custody_nouns")
RECEIVER_NOUNS = words("receiver_nouns")
SOURCE_NOUNS = words("source_nouns")
ARRIVAL_VERBS = words("arrival_verbs")
STORY_VERBS = words("story_verbs")
