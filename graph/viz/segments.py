"""A document's text cut at the boundaries of the sentences and names to mark."""

from __future__ import annotations

import bisect
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
    covered = _coverage(points, marks)
    pieces = []
    for n, (lo, hi) in enumerate(itertools.pairwise(points)):
        kinds = sorted(kind for kind, depth in covered.items() if depth[n] > 0)
        pieces.append({"text": text[lo:hi], "kinds": kinds,
                       "anchors": sorted(set(anchors.get(lo, [])))})
    return pieces


def _coverage(points: list[int], marks: list[tuple[int, int, str, str]]) -> dict[str, list[int]]:
    """kind -> for each piece (points[n], points[n+1]), how many marks of that kind cover it
    (start <= lo and hi <= end): a difference array per kind, so a document with thousands
    of marks costs O(marks log pieces), not pieces x marks."""
    pieces = len(points) - 1
    diff: dict[str, list[int]] = {}
    for start, end, kind, _mention in marks:
        if start >= end:
            continue
        first = bisect.bisect_left(points, start)  # the first piece with lo >= start
        last = bisect.bisect_right(points, end) - 1  # pieces up to the one with hi <= end
        if first < min(last, pieces):
            row = diff.setdefault(kind, [0] * (pieces + 1))
            row[first] += 1
            row[min(last, pieces)] -= 1
    return {kind: list(itertools.accumulate(row))[:pieces] for kind, row in diff.items()}
