"""The linking stage of a build: what it reads besides the mentions, and what it leaves.

Reads the registry's place hierarchy, the previous build's identities
(`out/identities.json`) and the researchers' decisions (`curation.yaml`); links; then
writes the new identities and `out/review.json` (what waits for a decision: links near the
threshold, decisions that no longer apply) for `rkg review`.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from graph import curation, iris
from graph.curation import Curation, Decision
from graph.facts import EntityRef, ForcedReturn, SpeechAct
from graph.linking import LinkContext, Linked, NotSameEvent, SameEvent, link_returns
from graph.linking.concerns import concerned
from graph.linking.features import NEAR, THRESHOLD
from graph.linking.identity import RECORD_FILE, fingerprint, read_record
from graph.linking.model import STEP_YEAR
from graph.registry import PLACE_TYPES, Registry

REVIEW_FILE = "review.json"


@dataclass(frozen=True)
class LinkStage:
    linked: Linked
    returns: tuple[ForcedReturn, ...]
    decisions: tuple[Decision, ...]
    applied: frozenset[str]  # ids of decisions that matched something in this build
    stale: tuple[str, ...]  # messages: decisions that no longer apply
    matched: Mapping[str, tuple[ForcedReturn, ...]]  # event decision id -> its mentions
    file_names: Mapping[str, str]
    concerns: tuple[tuple[SpeechAct, str], ...] = ()  # statement, key of the event it concerns
    # a build of the same inputs starting from the identities.json this one writes would link
    # the same way: the same keys, record and decisions (graph/unchanged.py)
    settled: bool = False

    def write(self, out: Path) -> None:
        """identities.json and review.json, each written whole and renamed."""
        _write_json(out / RECORD_FILE, self.linked.identities.record)
        _write_review(out / REVIEW_FILE, self.near_threshold(), self.stale)

    def near_threshold(self) -> list[str]:
        """The rows of review.json's "near_threshold" list, each as compact JSON (the rows
        grow with the square of the reports on one day: at 10,000 documents, 230 MB of
        JSON, which as dicts and one string took over a gigabyte)."""
        keyed = []
        for c in self.linked.candidates:
            if abs(c.comparison.score - THRESHOLD) > NEAR and c.step != STEP_YEAR:
                continue
            left, right = self.returns[c.left], self.returns[c.right]
            score = round(c.comparison.score, 2)
            row = json.dumps({"linked": c.linked, "step": c.step, "score": score,
                              "agreed": list(c.comparison.agreed),
                              "disagreed": list(c.comparison.disagreed),
                              "left": self._mention(left), "right": self._mention(right)})
            # links of a year-only report first: they rest on what the corpus does not hold
            keyed.append((c.step != STEP_YEAR, abs(score - THRESHOLD), row))
        keyed.sort()
        return [row for _year, _distance, row in keyed]

    def _mention(self, m: ForcedReturn) -> dict[str, str]:
        return {"file": self.file_names.get(m.evidence.doc_id, m.evidence.doc_id),
                "quote": " ".join(m.evidence.quote.split()),
                "date": m.date.iso or "", "perpetrator": m.perpetrator.label
                if m.perpetrator else ""}


def known_entities(registry: Registry, discovered: Iterable[EntityRef]) -> frozenset[str]:
    """The IRIs of every entity a build has: the registry's and the discovered ones."""
    return frozenset([iris.entity(e.id, e.type) for e in registry]
                     + [iris.entity(ref.key, ref.type) for ref in discovered])


def place_containers(registry: Registry) -> dict[str, tuple[str, ...]]:
    """Place key -> the places it lies in, nearest first, states left out (every place of
    a state lies in it: sharing one says nothing about the route)."""
    out: dict[str, tuple[str, ...]] = {}
    for entry in registry:
        if entry.type in PLACE_TYPES:
            out[entry.id] = tuple(k for k in registry.located_in_chain(entry.id)
                                  if (e := registry.get(k)) is not None and e.type != "State")
    return out


def vague_places(registry: Registry) -> frozenset[str]:
    """Areas that straddle a border (an AdministrativeRegion that `connects` states, such as
    the China-North Korea border region): a report placing a return there says no more
    about its route than one naming the state."""
    return frozenset(e.id for e in registry
                     if e.type == "AdministrativeRegion" and e.get("connects"))


def run(returns: Sequence[ForcedReturn], file_names: Mapping[str, str], registry: Registry,
        out: Path, decisions: Curation, entities: frozenset[str] = frozenset(),
        statements: Sequence[SpeechAct] = ()) -> LinkStage:
    """Link `returns` under the decisions, and `statements` to the events they concern;
    `entities` are the IRIs of every entity of this build (registry and discovered),
    against which entity decisions are checked."""
    history = read_record(out / RECORD_FILE)
    sentences = [(file_names.get(m.evidence.doc_id, ""), m.evidence.quote) for m in returns]
    prints: list[str] = []  # of every mention, for decisions that name events
    members = curation.event_members(history)
    same, apart, rejected, applied, stale = [], [], set(), set(), []
    matched: dict[str, tuple[ForcedReturn, ...]] = {}
    for d in decisions.decisions:
        if d.kind not in curation.EVENT_KINDS:
            gone = [e for e in (*d.entities, d.entity) if e and e not in entities]
            if gone:
                stale.append(f"{d.kind} decision of {d.author} ({d.date}) no longer "
                             f"applies: no entity {'; '.join(gone)} in this build")
            else:
                applied.add(d.id)
            continue
        found = curation.resolve_mentions(d.mentions, sentences)
        missing = [f"{m.file}: {m.quote!r}" for m, n in zip(d.mentions, found, strict=True)
                   if n is None]
        indices = [n for n in found if n is not None]
        if d.events and not prints:
            prints = [fingerprint(m, file_names) for m in returns]
        for event in d.events:
            hits = [n for n, fp in enumerate(prints) if fp in set(members.get(event, ()))]
            if hits:
                indices += hits[:1]
            else:
                missing.append(event)
        if missing:
            stale.append(f"{d.kind} decision of {d.author} ({d.date}) no longer applies: "
                         f"not found in this build: {'; '.join(missing)}")
            continue
        applied.add(d.id)
        matched[d.id] = tuple(returns[n] for n in indices)
        if d.kind == "same-event":
            same.append(SameEvent(d.id, tuple(indices)))
        elif d.kind == "not-same-event":
            apart.append(NotSameEvent(d.id, tuple(indices)))
        else:
            rejected.update(indices)
    context = LinkContext(place_containers(registry), file_names, history, tuple(same),
                          tuple(apart), frozenset(rejected), vague_places(registry))
    with cyclic_gc_paused():
        linked = link_returns(list(returns), context)
        event_of = {id(m): e.key for e in linked.events for m in e.members}
        about = concerned(statements, returns, event_of)
    # decisions that name events find them by the record's members: the same under both?
    written = curation.event_members(linked.identities.record)
    named = {event for d in decisions.decisions for event in d.events}
    settled = linked.settled and all(members.get(e) == written.get(e) for e in named)
    return LinkStage(linked, tuple(returns), decisions.decisions, frozenset(applied),
                     tuple(stale), matched, file_names, tuple(about), settled)


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Linking makes tens of thousands of short-lived objects and no reference cycles; with
    the cyclic collector on, each of its passes would walk every fact of the corpus again
    (a third of the stage's time on 1,000 documents). Reference counting frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _write_json(path: Path, value: object) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(_json_text(value), encoding="utf-8")
    tmp.replace(path)


def _json_text(value: object) -> str:
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _write_review(path: Path, rows: Sequence[str], stale: Sequence[str]) -> None:
    """review.json, row by row: the same bytes as `_write_json` of
    {"near_threshold": [the rows, parsed], "stale_decisions": stale}, without the whole
    text (or every row as a dict) in memory at once."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        if not rows:
            f.write('{\n "near_threshold": [],\n')
        else:
            f.write('{\n "near_threshold": [\n')
            for n, row in enumerate(rows):
                # a row is two levels down: its lines indented by two more spaces
                text = json.dumps(json.loads(row), indent=1, sort_keys=True, ensure_ascii=False)
                f.write("  " + text.replace("\n", "\n  ") + (",\n" if n + 1 < len(rows) else "\n"))
            f.write(" ],\n")
        stale_text = json.dumps(list(stale), indent=1, ensure_ascii=False)
        f.write(' "stale_decisions": ' + stale_text.replace("\n", "\n ") + "\n}\n")
    tmp.replace(path)
