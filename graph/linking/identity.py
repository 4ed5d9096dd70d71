"""Stable identities of canonical events.

The rule (docs/linking.md, "Stable identity"):

1. An event that the previous build already knew keeps its key. Events are recognised by
   their *mention fingerprints*: the file name, the trigger and the sentence as written
   (whitespace folded) — not the document's hash or offsets, so editing an unrelated
   sentence of a source, or adding a report of the event, leaves the fingerprints of the
   other mentions unchanged. Each event of this build takes the previous key with which it
   shares most fingerprints (each previous key goes to one event at most).
2. A new event gets a key from its defining attributes: perpetrator, destination, its most
   precise date and whether it happened or is feared/planned (plus an ordinal when two events
   share all of these). No document hash is in it, so a fresh build of the same reports
   gives the same keys.
3. A previous key no event took is *replaced*: when its mentions now lie in another event
   (two events merged, or one split) it points to that event (`dcterms:isReplacedBy`) in this
   and every later build; when its mentions are gone (the document was removed) it is kept
   in the record, unpublished, and comes back if they do.

The record lives in `out/identities.json` (written by the builder beside the graph).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from graph import iris
from graph.facts import ForcedReturn
from graph.linking.features import Profile

RECORD_FILE = "identities.json"
RECORD_VERSION = 1


@dataclass(frozen=True)
class Identities:
    """Keys of this build's events (in group order), and replaced keys -> their successor."""

    keys: tuple[str, ...]
    replaced: Mapping[str, str]
    record: Mapping[str, object]  # what to write to RECORD_FILE


def fingerprint(mention: ForcedReturn, file_names: Mapping[str, str]) -> str:
    doc = file_names.get(mention.evidence.doc_id, mention.evidence.doc_id)
    quote = re.sub(r"\s+", " ", mention.evidence.quote).strip()
    return iris.digest(doc, mention.trigger, quote, length=20)


def content_key(p: Profile) -> str:
    return iris.digest("ForcedReturn", p.perpetrator.key if p.perpetrator else "",
                       p.destination.key if p.destination else "", p.date.iso or "",
                       "prospective" if p.prospective else "", length=20)


def read_record(path: Path) -> dict[str, object]:
    """The previous build's identities; empty when there is none or it is unreadable (the
    build then mints keys from content, which a rebuild of the same inputs reproduces)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != RECORD_VERSION:
        return {}
    return data


def assign(fingerprints: Sequence[frozenset[str]], profiles: Sequence[Profile],
           history: Mapping[str, object]) -> Identities:
    events = history.get("events", {})
    previous: dict[str, dict[str, object]] = dict(events) if isinstance(events, dict) else {}
    live = {key: frozenset(_members(entry)) for key, entry in previous.items()
            if isinstance(entry, dict) and not entry.get("replaced_by")}
    known = {key: frozenset(_members(entry)) for key, entry in previous.items()}
    owner_of: dict[str, list[str]] = {}
    for key, members in known.items():
        for fp in members:
            owner_of.setdefault(fp, []).append(key)
    # (closeness, shared, key, event): the key whose mentions this event covers most closely
    # goes first, so when a merged event splits again each part takes back its own key
    overlaps: list[tuple[float, int, str, int]] = []
    for n, fps in enumerate(fingerprints):
        shared: dict[str, int] = {}
        for fp in fps:
            for key in owner_of.get(fp, ()):
                shared[key] = shared.get(key, 0) + 1
        overlaps += [(size / len(fps | known[key]), size, key, n)
                     for key, size in shared.items()]
    overlaps.sort(key=lambda item: (-item[0], -item[1], item[2], item[3]))
    keys: list[str | None] = [None] * len(fingerprints)
    taken: set[str] = set()
    for _closeness, _size, key, n in overlaps:
        if keys[n] is None and key not in taken:
            keys[n] = key
            taken.add(key)
    reserved = set(previous)
    for n, p in enumerate(profiles):
        if keys[n] is None:
            base = content_key(p)
            key, ordinal = base, 1
            while key in taken or (key in reserved and key not in live):
                ordinal += 1
                key = iris.digest(base, ordinal, length=20)
            keys[n] = key
            taken.add(key)
    final = [k for k in keys if k is not None]
    where = {fp: final[n] for n, fps in enumerate(fingerprints) for fp in fps}
    record_events: dict[str, dict[str, object]] = {}
    replaced: dict[str, str] = {}
    for key, entry in sorted(previous.items()):
        if key in taken:
            continue
        successor = entry.get("replaced_by") if isinstance(entry, dict) else None
        if not successor:
            hits = sorted(where[fp] for fp in live.get(key, ()) if fp in where)
            successor = max(set(hits), key=lambda k: (hits.count(k), k)) if hits else None
        record_events[key] = {"members": sorted(live.get(key, ()))
                              or list(_members(entry)), "replaced_by": successor}
    # follow chains of replacement to an event of this build
    for key, entry in record_events.items():
        target, seen = entry["replaced_by"], {key}
        while isinstance(target, str) and target in record_events and target not in seen:
            seen.add(target)
            target = record_events[target]["replaced_by"]
        if isinstance(target, str) and target in taken:
            replaced[key] = target
    for n, key in enumerate(final):
        record_events[key] = {"members": sorted(fingerprints[n]), "replaced_by": None}
    record = {"version": RECORD_VERSION,
              "events": {k: record_events[k] for k in sorted(record_events)}}
    return Identities(tuple(final), replaced, record)


def _members(entry: object) -> list[str]:
    if isinstance(entry, dict):
        return [str(m) for m in entry.get("members", ())]
    return []
