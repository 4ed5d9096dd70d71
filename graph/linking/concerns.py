"""Which forced return a statement is about (`rkg:concerns`): an appeal to halt it, a denial
of it, a report of it.

Within one document only. A statement concerns

1. every return mentioned in its own sentence ("The group condemned China's repatriation of
   30 defectors on Monday"), else
2. when its sentence or topic refers back to a return (`references.yaml`: "the returns",
   "this deportation", "those repatriated", "the 45 North Koreans sent back"), the return
   mentioned nearest before it within WINDOW characters, or, when none is, nearest after it
   ("Rights groups condemned the deportation. Police had sent 12 people back ...").

A statement with no such words far from a return (a general appeal to respect
non-refoulement) concerns nothing. The event of a return is the canonical event its mention
was linked into.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import yaml

from graph.facts import ForcedReturn, SpeechAct

REFERENCES_FILE = Path(__file__).with_name("references.yaml")
WINDOW = 500  # characters between a return's sentence and the statement's (about 3 sentences)


@cache
def back_reference() -> re.Pattern[str]:
    """The phrases of references.yaml as one case-blind pattern."""
    words = yaml.safe_load(REFERENCES_FILE.read_text(encoding="utf-8"))

    def alternatives(key: str) -> str:
        phrases = sorted(words[key], key=len, reverse=True)
        return "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)

    det, mod, noun = alternatives("determiners"), alternatives("modifiers"), alternatives("nouns")
    people, participle = alternatives("people"), alternatives("participles")
    return re.compile(
        rf"\b(?:(?:{det})\s+(?:(?:{mod})\s+){{0,2}}(?:{noun})"
        rf"|the\s+(?:{people})"
        rf"|those\s+(?:[\w-]+\s+){{0,3}}?(?:{participle})"
        rf"|the\s+\d[\d,]*\s+(?:[\w-]+\s+){{0,3}}?(?:{participle}))\b", re.IGNORECASE)


def refers_back(statement: SpeechAct) -> bool:
    pattern = back_reference()
    return bool(pattern.search(statement.evidence.quote) or pattern.search(statement.topic))


def concerned(statements: Sequence[SpeechAct], returns: Sequence[ForcedReturn],
              event_of: Mapping[int, str]) -> list[tuple[SpeechAct, str]]:
    """(statement, event key) for each statement and event it concerns, in input order.
    `event_of` maps the id() of each linked return mention to its event's key."""
    by_doc: dict[str, list[ForcedReturn]] = defaultdict(list)
    for r in returns:
        if id(r) in event_of:
            by_doc[r.evidence.doc_id].append(r)
    out: list[tuple[SpeechAct, str]] = []
    for s in statements:
        mentions = by_doc.get(s.evidence.doc_id, [])
        if not mentions:
            continue
        keys: list[str] = []
        for r in _in_sentence(s, mentions) or _nearest(s, mentions):
            if event_of[id(r)] not in keys:
                keys.append(event_of[id(r)])
        out += [(s, key) for key in keys]
    return out


def _in_sentence(s: SpeechAct, mentions: Sequence[ForcedReturn]) -> list[ForcedReturn]:
    ev = s.evidence
    return sorted((r for r in mentions
                   if r.evidence.start < ev.end and ev.start < r.evidence.end),
                  key=lambda r: r.evidence.start)


def _nearest(s: SpeechAct, mentions: Sequence[ForcedReturn]) -> list[ForcedReturn]:
    start, end = s.evidence.start, s.evidence.end
    before = [r for r in mentions if r.evidence.end <= start
              and start - r.evidence.end <= WINDOW]
    after = [] if before else [r for r in mentions if r.evidence.start >= end
                               and r.evidence.start - end <= WINDOW]
    if not (before or after) or not refers_back(s):  # the words last: they cost most
        return []
    if before:
        return [max(before, key=lambda r: (r.evidence.end, r.evidence.start))]
    return [min(after, key=lambda r: (r.evidence.start, r.evidence.end))]
