"""Linking: mentions of the same forced return, in one document or many, become one event.

    link_returns(returns, context) -> Linked(events, candidates, identities)

Coreference runs in three steps (graph/linking/cluster.py): within each document, then across
documents, scoring features (graph/linking/features.py), then a report dated only to a year
joins the one event of that year it can be. Each canonical event keeps the links
that joined it (step, score, features that agreed and disagreed), what its reports disagree on
(graph/linking/disputes.py), a stable key (graph/linking/identity.py) and the keys it replaces.
Conflicting counts and dates stay on each report's claim; the canonical event carries the
consistent range. Other facts are canonical by content (graph/rdf/assemble.py). Never
`owl:sameAs`. docs/linking.md explains the rules with examples.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graph.facts import DateValue, ForcedReturn, PersonCount
from graph.linking.cluster import Candidate, link_groups
from graph.linking.disputes import disagreements, next_legs
from graph.linking.features import bounds, dates_compatible, precise_date, profile
from graph.linking.identity import Identities, assign, fingerprint
from graph.linking.model import (
    PRECISION_RANK,
    STEP_CURATION,
    CanonicalReturn,
    Disagreement,
    Link,
    LinkContext,
    NotSameEvent,
    SameEvent,
)

__all__ = [
    "PRECISION_RANK",
    "Candidate",
    "CanonicalReturn",
    "Disagreement",
    "Link",
    "LinkContext",
    "Linked",
    "NotSameEvent",
    "SameEvent",
    "cluster_returns",
    "consistent_count",
    "dates_compatible",
    "link_returns",
]


@dataclass(frozen=True)
class Linked:
    events: list[CanonicalReturn]
    candidates: list[Candidate]  # cross-document pairs scored near the threshold
    identities: Identities
    # a build that starts from the record this one wrote assigns the same keys and writes the
    # same record (graph/unchanged.py takes the published graph files only then)
    settled: bool = False


def link_returns(returns: Sequence[ForcedReturn], context: LinkContext | None = None
                 ) -> Linked:
    context = context or LinkContext()
    groups, candidates = link_groups(returns, context)
    members = [[returns[i] for i in g.members] for g in groups]
    # a group's profile, kept as it grew, is that of its members in any order, unless a
    # decision joined what conflicts (then the first perpetrator named counts)
    profiles = [profile(ms, context.containers, context.vague)
                if any(link[2] == STEP_CURATION for link in g.links) else g.profile
                for g, ms in zip(groups, members, strict=True)]
    fingerprints = [frozenset(fingerprint(m, context.file_names) for m in ms) for ms in members]
    identities = assign(fingerprints, profiles, context.history)
    settled = assign(fingerprints, profiles, identities.record) == identities
    successors: dict[str, list[str]] = {}
    for old, new in identities.replaced.items():
        successors.setdefault(new, []).append(old)
    legs = next_legs(list(zip(identities.keys, members, strict=True)))
    events = []
    for group, ms, key in zip(groups, members, identities.keys, strict=True):
        links = tuple(Link(returns[a], returns[b], step, why.score, why.agreed, why.disagreed,
                           decision) for a, b, step, why, decision in group.links)
        disputes = disagreements(ms, context.containers, context.vague)
        events.append(_canonical(key, ms, links, disputes,
                                 tuple(sorted(successors.get(key, ()))), legs.get(key)))
    return Linked(events, candidates, identities, settled)


def cluster_returns(returns: Iterable[ForcedReturn], context: LinkContext | None = None
                    ) -> list[CanonicalReturn]:
    """The canonical events of `returns` (in order of their first mention)."""
    return link_returns(list(returns), context).events


def _canonical(key: str, members: list[ForcedReturn], links: tuple[Link, ...],
               disputes: tuple[Disagreement, ...], replaces: tuple[str, ...],
               next_leg: str | None) -> CanonicalReturn:
    places = []
    for m in members:
        for p in m.places:
            if p not in places:
                places.append(p)
    date = precise_date(m.date for m in members)
    if date.iso and not all(dates_compatible(date, m.date) for m in members):
        date = DateValue(None, None, None)
    return CanonicalReturn(
        key, tuple(members), next((m.perpetrator for m in members if m.perpetrator), None),
        next((m.origin for m in members if m.origin), None),
        next((m.destination for m in members if m.destination), None), tuple(places),
        consistent_count(m.count for m in members), date, links, disputes, replaces,
        next_leg)


def consistent_count(counts: Iterable[PersonCount | None]) -> PersonCount | None:
    """The range every source's count allows; the exact value where all agree."""
    known = [c for c in counts if c is not None]
    if not known:
        return None
    lows = [lo for lo, _ in map(bounds, known) if lo is not None]
    highs = [hi for _, hi in map(bounds, known) if hi is not None]
    lo = max(lows) if lows else None
    hi = min(highs) if highs else None
    if lo is not None and hi is not None and lo > hi:
        # Sources disagree: the widest span, open on a side where any source is open
        # ("up to 40" and "at least 300" allow anything).
        spans = [bounds(c) for c in known]
        lo = min(lows) if all(b[0] is not None for b in spans) else None
        hi = max(highs) if all(b[1] is not None for b in spans) else None
    values = {c.value for c in known if c.value is not None}
    value = next(iter(values)) if len(values) == 1 and lo == hi else None
    qualifier = "exact" if value is not None else ("range" if lo is not None or hi is not None
                                                   else "vague")
    words = " / ".join(sorted({c.text for c in known}))
    return PersonCount(value, lo, hi, qualifier, words)
