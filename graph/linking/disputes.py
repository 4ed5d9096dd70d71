"""What the reports of one event disagree on, and which event continues which.

Disagreements compare the claims of one canonical event, kind by kind: counts whose ranges
do not overlap ("about 500" against "600"), dates that cannot both hold at their precision
(an "October 2023" does not disagree with "9 October 2023"), places of which neither lies in
the other (one border city against another; not a city against its own province), and
perpetrators. A claim that says nothing on a feature is not a side. Treaty status is compared by the
`disagreements` query itself (statements against the depositary's record).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from graph.facts import ForcedReturn
from graph.linking.features import bounds, dates_compatible, ranges_overlap, same_entity
from graph.linking.model import Disagreement, Side


def disagreements(members: Sequence[ForcedReturn], containers: Mapping[str, tuple[str, ...]],
                  vague: frozenset[str] = frozenset()) -> tuple[Disagreement, ...]:
    if len(members) < 2:  # most events have one report: nothing to compare
        return ()
    out: list[Disagreement] = []

    def disputed(kind: str, given: list[ForcedReturn], value: Callable[[ForcedReturn], str],
                 differ: Callable[[ForcedReturn, ForcedReturn], bool]) -> None:
        if any(differ(a, b) for k, a in enumerate(given) for b in given[k + 1:]):
            out.append(Disagreement(kind, tuple(Side(m, value(m)) for m in given)))

    counted = [m for m in members if m.count is not None]
    disputed("count", counted, lambda m: m.count.text if m.count else "",
             lambda a, b: a.count is not None and b.count is not None
             and not ranges_overlap(bounds(a.count), bounds(b.count)))
    dated = [m for m in members if m.date.iso]
    disputed("date", dated, lambda m: m.date.iso or "",
             lambda a, b: not dates_compatible(a.date, b.date))
    placed = [m for m in members if any(p.key not in vague for p in m.places)]

    def keys(m: ForcedReturn) -> set[str]:
        return {p.key for p in m.places if p.key not in vague}

    def within(m: ForcedReturn) -> set[str]:
        return keys(m) | {c for k in keys(m) for c in containers.get(k, ())}

    disputed("place", placed, lambda m: ", ".join(p.label for p in m.places),
             lambda a, b: not (keys(a) & within(b) or keys(b) & within(a)))
    named = [m for m in members if m.perpetrator is not None]
    disputed("perpetrator", named, lambda m: m.perpetrator.label if m.perpetrator else "",
             lambda a, b: not same_entity(a.perpetrator, b.perpetrator))
    return tuple(out)


def next_legs(events: Sequence[tuple[str, Sequence[ForcedReturn]]]) -> dict[str, str]:
    """Chains of returns: event X (A sends people to B) is continued by event Y (B sends
    them on to C) when one document reports both, or when both are dated, Y no earlier than
    X and within LEG_DAYS of it, and their counts (if both give one) overlap. `events` are
    (key, members); the answer maps a key to the key of its next leg."""
    by_perpetrator: dict[str, list[int]] = {}
    for n, (_key, members) in enumerate(events):
        for who in {m.perpetrator.key for m in members if m.perpetrator}:
            by_perpetrator.setdefault(who, []).append(n)
    legs: dict[str, str] = {}
    for n, (key, members) in enumerate(events):
        senders = {m.perpetrator.key for m in members if m.perpetrator}
        for to in sorted({m.destination.key for m in members if m.destination}):
            for other in by_perpetrator.get(to, ()):
                if other == n or key in legs:
                    continue
                later = events[other][1]
                if {m.destination.key for m in later if m.destination} & senders:
                    continue  # B sends back to A: another event, not an onward leg
                if _continues(members, later):
                    legs[key] = events[other][0]
    return legs


LEG_DAYS = 62


def _continues(first: Sequence[ForcedReturn], then: Sequence[ForcedReturn]) -> bool:
    if {m.evidence.doc_id for m in first} & {m.evidence.doc_id for m in then}:
        return True
    a = max((m.date.iso for m in first if m.date.iso), key=len, default=None)
    b = max((m.date.iso for m in then if m.date.iso), key=len, default=None)
    if a is None or b is None or len(a) < 7 or len(b) < 7:
        return False
    counts_a = [bounds(m.count) for m in first if m.count is not None]
    counts_b = [bounds(m.count) for m in then if m.count is not None]
    if counts_a and counts_b and not any(ranges_overlap(x, y) for x in counts_a
                                         for y in counts_b):
        return False
    return 0 <= _days(b) - _days(a) <= LEG_DAYS


def _days(iso: str) -> int:
    parts = [int(x) for x in iso.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2]).toordinal()
