"""A document's text cut at the boundaries of the sentences and names to mark."""

from __future__ import annotations

import itertools
from typing import Any


def segments(text: str, marks: list[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """The text cut at every mark boundary; each piece knows which kinds cover it and which
    anchors start there (overlapping marks are fine)."""
    cuts = {0, len(text)}
    anchors: dict[int, list[str]] = {}
    for start, end, _kind, mention in marks:
        if 0 <= start <= end <= len(text):
            cuts.update((start, end))
            anchors.setdefault(start, []).append("m-" + mention.rsplit("/", 1)[-1])
    points = sorted(cuts)
    pieces = []
    for lo, hi in itertools.pairwise(points):
        kinds = sorted({k for s, e, k, _m in marks if s <= lo and hi <= e and s < e})
        pieces.append({"text": text[lo:hi], "kinds": kinds,
                       "anchors": sorted(set(anchors.get(lo, [])))})
    return pieces
