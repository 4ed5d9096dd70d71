"""Linking across documents: mentions of the same event become one canonical event.

Two forced-return mentions are the same event when they have the same perpetrator and
compatible dates (one a prefix of the other, or unknown) and, across documents, something
more in common: both dates known, an overlapping place, or the same count. Conflicting counts
and dates stay on each mention's claim; the canonical event carries the consistent range.
Other facts are canonical by content: the same statement in two documents is one node with
two claims. Never `owl:sameAs`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graph.facts import UNREALISED, DateValue, EntityRef, ForcedReturn, PersonCount

PRECISION_RANK = {"year": 1, "month": 2, "day": 3}


@dataclass(frozen=True)
class CanonicalReturn:
    key: str  # stable content key for the IRI
    members: tuple[ForcedReturn, ...]
    perpetrator: EntityRef | None
    origin: EntityRef | None
    destination: EntityRef | None
    places: tuple[EntityRef, ...]
    count: PersonCount | None
    date: DateValue

    @property
    def realised(self) -> bool:
        """Some source says it happened (not only that it was planned, feared or denied)."""
        return any(m.status not in UNREALISED for m in self.members)


def dates_compatible(a: DateValue, b: DateValue) -> bool:
    if not a.iso or not b.iso:
        return True
    return a.iso.startswith(b.iso) or b.iso.startswith(a.iso)


def _same_event(a: ForcedReturn, b: ForcedReturn) -> bool:
    if a.perpetrator != b.perpetrator or not dates_compatible(a.date, b.date):
        return False
    if (a.status in UNREALISED) != (b.status in UNREALISED):
        return False  # what a source fears or denies is not the return another reports
    if a.destination and b.destination and a.destination != b.destination:
        return False
    if a.evidence.doc_id == b.evidence.doc_id:
        # one document usually tells one event; its dates and counts keep others apart
        return not _counts_differ(a.count, b.count)
    if a.date.iso and b.date.iso:
        return True
    if set(a.places) & set(b.places):
        return True
    return (a.count is not None and b.count is not None and a.count.value is not None
            and a.count.value == b.count.value)


def _counts_differ(a: PersonCount | None, b: PersonCount | None) -> bool:
    """Two counts that cannot be one group: different numbers, or a number against a vague
    word ("some" against "more than 500")."""
    if a is None or b is None:
        return False
    lo_a, hi_a = _bounds(a)
    lo_b, hi_b = _bounds(b)
    if (lo_a, hi_a) == (None, None) or (lo_b, hi_b) == (None, None):
        return (lo_a, hi_a) != (lo_b, hi_b)  # vague against a number
    return ((lo_a is not None and hi_b is not None and lo_a > hi_b)
            or (lo_b is not None and hi_a is not None and lo_b > hi_a))


def _bounds(c: PersonCount) -> tuple[int | None, int | None]:
    if c.value is not None:
        return c.value, c.value
    return c.min, c.max


def cluster_returns(returns: Iterable[ForcedReturn]) -> list[CanonicalReturn]:
    """Greedy, order-independent clustering (members sorted by evidence first)."""
    mentions = sorted(returns, key=lambda f: (f.evidence.doc_id, f.evidence.start, f.trigger))
    # within documents first, then across them
    clusters: list[list[ForcedReturn]] = []
    in_doc: dict[str, list[list[ForcedReturn]]] = {}
    for m in mentions:
        for cluster in in_doc.get(m.evidence.doc_id, ()):
            if all(_same_event(x, m) for x in cluster):
                cluster.append(m)
                break
        else:
            clusters.append([m])
            in_doc.setdefault(m.evidence.doc_id, []).append(clusters[-1])
    # Only clusters with the same perpetrator can merge: scan each perpetrator's clusters on
    # their own, in the original order, and give the survivors back in that order.
    groups: dict[EntityRef | None, list[int]] = {}
    for n, cluster in enumerate(clusters):
        groups.setdefault(cluster[0].perpetrator, []).append(n)
    survivors: list[tuple[int, list[ForcedReturn]]] = []
    for indices in groups.values():
        merged = _merge_across_documents([clusters[n] for n in indices])
        survivors += [(indices[k], c) for k, c in merged]
    return [_canonical(c) for _n, c in sorted(survivors, key=lambda item: item[0])]


def _merge_across_documents(clusters: list[list[ForcedReturn]]
                            ) -> list[tuple[int, list[ForcedReturn]]]:
    """Merge j into i for the first mergeable pair (i, j), as a rescan from the start would
    find it: a cluster that grows can only become harder to merge (more documents, more
    pairs to agree), so pairs already refused stay refused and the scan goes on from j.
    Returns the surviving clusters with their positions in `clusters`."""
    docs = [{x.evidence.doc_id for x in c} for c in clusters]
    # every known date of a cluster shares one year (its dates are pairwise compatible), and
    # two clusters with different years never merge: a cheap test before the pairwise one
    years = [_year(c) for c in clusters]
    alive = list(range(len(clusters)))
    i = 0
    while i < len(alive):
        a = clusters[alive[i]]
        k = i + 1
        while k < len(alive):
            ia, ib = alive[i], alive[k]
            b = clusters[ib]
            if ((years[ia] is None or years[ib] is None or years[ia] == years[ib])
                    and not docs[ia] & docs[ib]
                    and all(_same_event(x, y) for x in a for y in b)):
                a.extend(b)
                docs[ia] |= docs[ib]
                years[ia] = years[ia] or years[ib]
                del alive[k]
            else:
                k += 1
        i += 1
    return [(n, clusters[n]) for n in alive]


def _year(cluster: list[ForcedReturn]) -> str | None:
    return next((m.date.iso[:4] for m in cluster if m.date.iso), None)


def _canonical(members: list[ForcedReturn]) -> CanonicalReturn:
    members = sorted(members, key=lambda f: (f.evidence.doc_id, f.evidence.start))
    first = members[0]
    places: list[EntityRef] = []
    for m in members:
        for p in m.places:
            if p not in places:
                places.append(p)
    date = max((m.date for m in members),
               key=lambda d: (PRECISION_RANK.get(d.precision or "", 0), -(len(d.iso or ""))))
    if date.iso and not all(dates_compatible(date, m.date) for m in members):
        date = DateValue(None, None, None)
    origin = next((m.origin for m in members if m.origin), None)
    destination = next((m.destination for m in members if m.destination), None)
    # one sentence may tell two events ("on May 2, when some were sent back, and 90 more
    # were returned on June 9"): the first member's trigger and date keep their keys apart
    key = "|".join([first.perpetrator.key if first.perpetrator else "",
                    first.evidence.doc_id, str(first.evidence.start), first.trigger,
                    first.date.iso or ""])
    return CanonicalReturn(key, tuple(members), first.perpetrator, origin, destination,
                           tuple(places), consistent_count(m.count for m in members), date)


def consistent_count(counts: Iterable[PersonCount | None]) -> PersonCount | None:
    """The range every source's count allows; the exact value where all agree."""
    known = [c for c in counts if c is not None]
    if not known:
        return None
    lows = [lo for lo, _ in map(_bounds, known) if lo is not None]
    highs = [hi for _, hi in map(_bounds, known) if hi is not None]
    lo = max(lows) if lows else None
    hi = min(highs) if highs else None
    if lo is not None and hi is not None and lo > hi:
        # Sources disagree: the widest span, open on a side where any source is open
        # ("up to 40" and "at least 300" allow anything).
        bounds = [_bounds(c) for c in known]
        lo = min(lows) if all(b[0] is not None for b in bounds) else None
        hi = max(highs) if all(b[1] is not None for b in bounds) else None
    values = {c.value for c in known if c.value is not None}
    value = next(iter(values)) if len(values) == 1 and lo == hi else None
    qualifier = "exact" if value is not None else ("range" if lo is not None or hi is not None
                                                   else "vague")
    words = " / ".join(sorted({c.text for c in known}))
    return PersonCount(value, lo, hi, qualifier, words)
