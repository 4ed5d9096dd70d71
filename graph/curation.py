"""Researchers' decisions over the graph: `curation.yaml` beside the corpus (or `--curation`).

    decisions:
      - kind: same-event            # or not-same-event, merge-entities, entity-type,
        author: Min-ji Seo          #    wikidata, reject-fact
        date: 2026-12-06
        reason: Both describe the Riverton handover of 12 May.
        mentions:                   # a mention: its file and words of its sentence
          - {file: a.txt, quote: sent back 40 people}
          - {file: b.txt, quote: returned about 40}
        events: [https://w3id.org/refoulement-kg/id/forced-return/...]  # same-event also
      - {kind: not-same-event, ..., mentions: [...]}  # the first is apart from each other
      - {kind: merge-entities, ..., entities: [KEPT_IRI, MERGED_IRI]}
      - {kind: entity-type, ..., entity: IRI, type: NGO}
      - {kind: wikidata, ..., entity: IRI, wikidata: Q12345}
      - {kind: reject-fact, ..., mentions: [{file: c.txt, quote: ...}]}

Decisions are applied at every build (graph/linking/stage.py): event decisions steer linking,
a rejected forced-return mention is left out of every event, and every decision is itself in
the canonical graph as a `rkg:CurationDecision` (a `prov:Activity` with its author, date and
reason) linked from what it decided. A decision whose mentions, events or entities this build
does not have any more is reported, never dropped: the file is left as the researcher wrote it.
The file is read with YAML's base loader (strings only: no dates, no tags, no aliases).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from graph import iris
from graph.errors import InputError
from graph.registry import KNOWN_TYPES

FILE_NAME = "curation.yaml"
EVENT_KINDS = ("same-event", "not-same-event", "reject-fact")
ENTITY_KINDS = ("merge-entities", "entity-type", "wikidata")
KINDS = EVENT_KINDS + ENTITY_KINDS
REQUIRED = ("kind", "author", "date", "reason")


@dataclass(frozen=True)
class MentionRef:
    file: str
    quote: str  # words of the mention's sentence, as written (whitespace folded)

    def matches(self, file_name: str, sentence: str) -> bool:
        return file_name == self.file and _fold(self.quote) in _fold(sentence)


@dataclass(frozen=True)
class Decision:
    kind: str
    author: str
    date: str
    reason: str
    mentions: tuple[MentionRef, ...] = ()
    events: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    entity: str | None = None
    type: str | None = None
    wikidata: str | None = None

    @property
    def id(self) -> str:
        """Stable: a digest of the decision's content (no position in the file)."""
        return iris.digest(repr(self), length=16)


@dataclass(frozen=True)
class Curation:
    path: Path | None
    decisions: tuple[Decision, ...] = field(default=())


def default_path(corpus: Path) -> Path:
    return corpus / FILE_NAME


def _fold(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def load(path: Path | None) -> Curation:
    """The decisions in `path` (none when it is None or absent). Bad content is an
    InputError naming the file and the decision."""
    if path is None or not path.exists():
        return Curation(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: not a readable curation file ({exc})") from exc
    if data in (None, ""):
        return Curation(path)
    if not isinstance(data, dict) or not isinstance(data.get("decisions", []), list):
        raise InputError(f"{path}: expected a mapping with a 'decisions' list")
    return Curation(path, tuple(_decision(raw, n, path)
                                for n, raw in enumerate(data.get("decisions") or [], 1)))


def _decision(raw: object, n: int, path: Path) -> Decision:
    where = f"{path}: decision {n}"
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected a mapping")
    missing = [k for k in REQUIRED if not str(raw.get(k, "")).strip()]
    if missing:
        raise InputError(f"{where}: missing {', '.join(missing)}")
    kind = str(raw["kind"])
    if kind not in KINDS:
        raise InputError(f"{where}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(raw["date"])):
        raise InputError(f"{where}: date {raw['date']!r} is not YYYY-MM-DD")
    mentions = []
    for m in raw.get("mentions") or []:
        if not isinstance(m, dict) or not m.get("file") or not m.get("quote"):
            raise InputError(f"{where}: a mention needs 'file' and 'quote'")
        mentions.append(MentionRef(str(m["file"]), _fold(str(m["quote"]))))
    decision = Decision(kind, str(raw["author"]), str(raw["date"]), str(raw["reason"]),
                        tuple(mentions),
                        tuple(expand_iri(str(e)) for e in raw.get("events") or []),
                        tuple(expand_iri(str(e)) for e in raw.get("entities") or []),
                        expand_iri(str(raw["entity"])) if raw.get("entity") else None,
                        raw.get("type"), raw.get("wikidata"))
    need = {"same-event": len(mentions) + len(decision.events) >= 2,
            "not-same-event": len(mentions) >= 2, "reject-fact": len(mentions) >= 1,
            "merge-entities": len(decision.entities) >= 2,
            "entity-type": bool(decision.entity and decision.type in KNOWN_TYPES),
            "wikidata": bool(decision.entity and decision.wikidata
                             and re.fullmatch(r"Q\d+", decision.wikidata))}[kind]
    if not need:
        raise InputError(f"{where}: a {kind} decision lacks what it decides on "
                         "(see docs/linking.md, Curation)")
    return decision


def append(path: Path, decision: Decision) -> None:
    """Add one decision to the file (created when absent), keeping what is there."""
    current = load(path)
    entries = [_as_dict(d) for d in current.decisions] + [_as_dict(decision)]
    text = ("# Researchers' decisions, applied at every build (docs/linking.md, Curation).\n"
            + yaml.safe_dump({"decisions": entries}, sort_keys=False, allow_unicode=True,
                             width=100))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _as_dict(d: Decision) -> dict[str, object]:
    out: dict[str, object] = {"kind": d.kind, "author": d.author, "date": d.date,
                              "reason": d.reason}
    if d.mentions:
        out["mentions"] = [{"file": m.file, "quote": m.quote} for m in d.mentions]
    for name in ("events", "entities"):
        if getattr(d, name):
            out[name] = list(getattr(d, name))
    for name in ("entity", "type", "wikidata"):
        if getattr(d, name):
            out[name] = getattr(d, name)
    return out


def expand_iri(ref: str) -> str:
    """A full IRI from one written as `rkgd:kind/key` (or already full)."""
    return iris.DATA + ref[len("rkgd:"):] if ref.startswith("rkgd:") else ref


def resolve_mentions(refs: Sequence[MentionRef], sentences: Sequence[tuple[str, str]]
                     ) -> list[int | None]:
    """For each reference the index of the first (file, sentence) it matches, or None."""
    out: list[int | None] = []
    for ref in refs:
        out.append(next((n for n, (f, s) in enumerate(sentences) if ref.matches(f, s)), None))
    return out


def event_members(history: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    """Event IRI -> the mention fingerprints it had in the identity record (replaced
    identities resolve to their successor's members)."""
    events = history.get("events", {})
    if not isinstance(events, dict):
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for key in events:
        target, seen = key, set()
        while isinstance(events.get(target), dict) and events[target].get("replaced_by") \
                and target not in seen:
            seen.add(target)
            target = events[target]["replaced_by"]
        members = events.get(target, {}).get("members", ()) if isinstance(
            events.get(target), dict) else ()
        out[iris.fact("ForcedReturn", key)] = tuple(members)
    return out
