"""Comparing two reports of a forced return, feature by feature.

A `Profile` sums up one group of mentions (one document's event, or several documents'):
the perpetrator and destination they name, their most precise date, every place and count
they give. `compare` says whether two profiles may be one event at all (hard constraints:
another perpetrator, another destination, dates that cannot both hold at their precision, a
return that happened against one that is feared or planned) and, when they may, scores the
features that agree and lists those that disagree. A missing feature (an undated recap, a
report naming no place) is neutral: it never blocks a link and never adds to one. Counts
that differ are a disagreement to record, never a reason to keep two reports apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from graph.facts import DateValue, EntityRef, ForcedReturn, PersonCount
from graph.linking.model import PRECISION_RANK, PROSPECTIVE_STATUSES

# Weights: two documents are one event when the features they share weigh THRESHOLD or more.
# A day-precise date plus the destination is enough; a month needs one more feature (a place
# or a count), a year two more; a place in another province or route takes a link back.
WEIGHTS = {"date-day": 2.0, "date-month": 1.0, "date-year": 0.5, "place": 1.5,
           "count": 1.0, "destination": 0.5}
PENALTIES = {"place": -2.0}
DATE_FEATURES = {3: "date-day", 2: "date-month", 1: "date-year"}  # by the coarser precision
THRESHOLD = 1.5
NEAR = 1.0  # links scoring within NEAR of the threshold (either side) wait for review


@dataclass(frozen=True)
class Profile:
    perpetrator: EntityRef | None
    destination: EntityRef | None
    date: DateValue  # the most precise known date (all dates of a profile are compatible)
    places: frozenset[str]  # place keys as written
    within: frozenset[str]  # the places and every place they lie in (no states)
    counts: tuple[tuple[int | None, int | None], ...]  # (min, max) of each count given
    prospective: bool
    docs: frozenset[str]


@dataclass(frozen=True)
class Comparison:
    compatible: bool
    score: float
    agreed: tuple[str, ...]
    disagreed: tuple[str, ...]
    conflict: str | None = None  # when not compatible: status, perpetrator, destination, date


CONFLICTS = {kind: Comparison(False, 0.0, (), (), kind)
             for kind in ("status", "perpetrator", "destination", "date")}


def dates_compatible(a: DateValue, b: DateValue) -> bool:
    """Both may hold: one is unknown, or the less precise is a prefix of the other."""
    if not a.iso or not b.iso:
        return True
    return a.iso.startswith(b.iso) or b.iso.startswith(a.iso)


def bounds(c: PersonCount) -> tuple[int | None, int | None]:
    if c.value is not None:
        return c.value, c.value
    return c.min, c.max


def ranges_overlap(a: tuple[int | None, int | None], b: tuple[int | None, int | None]
                   ) -> bool:
    # an open side (None) allows anything; written out, as it runs for every pair scored
    lo = a[0] if b[0] is None else b[0] if a[0] is None else max(a[0], b[0])
    hi = a[1] if b[1] is None else b[1] if a[1] is None else min(a[1], b[1])
    return lo is None or hi is None or lo <= hi


def precise_date(dates: Iterable[DateValue]) -> DateValue:
    known = [d for d in dates if d.iso]
    if not known:
        return DateValue(None, None, None)
    return max(known, key=lambda d: (PRECISION_RANK.get(d.precision or "", len(d.iso or "")),
                                     d.iso or ""))


def profile(mentions: Sequence[ForcedReturn], containers: Mapping[str, tuple[str, ...]],
            vague: frozenset[str] = frozenset()) -> Profile:
    """`vague` places (a border region) are left out: too wide to agree or disagree."""
    places = frozenset(p.key for m in mentions for p in m.places if p.key not in vague)
    within = frozenset(places | {c for p in places for c in containers.get(p, ())})
    return Profile(
        next((m.perpetrator for m in mentions if m.perpetrator), None),
        next((m.destination for m in mentions if m.destination), None),
        precise_date(m.date for m in mentions), places, within,
        tuple(bounds(m.count) for m in mentions if m.count is not None),
        any(m.status in PROSPECTIVE_STATUSES for m in mentions),
        frozenset(m.evidence.doc_id for m in mentions))


def combine(a: Profile, b: Profile) -> Profile:
    """The profile of a's mentions followed by b's (what `profile` of them all gives),
    without going through the mentions again."""
    return Profile(a.perpetrator if a.perpetrator is not None else b.perpetrator,
                   a.destination if a.destination is not None else b.destination,
                   precise_date((a.date, b.date)), a.places | b.places, a.within | b.within,
                   a.counts + b.counts, a.prospective or b.prospective, a.docs | b.docs)


def same_entity(a: EntityRef | None, b: EntityRef | None) -> bool:
    """One node of the graph (its IRI is made of key and type): the label a report used
    does not matter. (Cheaper than comparing the whole reference, for every pair scored.)"""
    if a is None or b is None:
        return a is b
    return a.key == b.key and a.type == b.type


def compare(a: Profile, b: Profile, *, same_document: bool = False) -> Comparison:
    """Whether a and b may be one event and, if so, what agrees and disagrees. Within a
    document a mention naming no perpetrator ("those repatriated") may join; across
    documents both must name the same. (Runs for every pair scored: each feature is
    looked at once.)"""
    if a.prospective != b.prospective:
        return CONFLICTS["status"]
    same_perpetrator = same_entity(a.perpetrator, b.perpetrator)
    if not same_perpetrator and (
            not same_document or (a.perpetrator is not None and b.perpetrator is not None)):
        return CONFLICTS["perpetrator"]
    same_destination = a.destination is not None and same_entity(a.destination, b.destination)
    if not same_destination and a.destination is not None and b.destination is not None:
        return CONFLICTS["destination"]
    iso_a, iso_b = a.date.iso, b.date.iso
    if iso_a and iso_b and not (iso_a.startswith(iso_b) or iso_b.startswith(iso_a)):
        return CONFLICTS["date"]
    agreed: list[str] = []
    disagreed: list[str] = []
    score = 0.0
    if same_perpetrator and a.perpetrator is not None:
        agreed.append("perpetrator")
    if same_destination:
        agreed.append("destination")
        score += WEIGHTS["destination"]
    if iso_a and iso_b:
        name = DATE_FEATURES.get(min(PRECISION_RANK.get(a.date.precision or "", 0),
                                     PRECISION_RANK.get(b.date.precision or "", 0)))
        if name:
            agreed.append(name)
            score += WEIGHTS[name]
    if a.places and b.places:
        if a.places & b.within or b.places & a.within:
            agreed.append("place")
            score += WEIGHTS["place"]
        else:
            disagreed.append("place")
            score += PENALTIES["place"]
    if a.counts and b.counts:
        if any(ranges_overlap(x, y) for x in a.counts for y in b.counts):
            agreed.append("count")
            score += WEIGHTS["count"]
        else:
            disagreed.append("count")
    return Comparison(True, score, tuple(agreed), tuple(disagreed))
