"""Event coreference in three steps: within each document, across documents, by year.

Step 1 (per document, in text order): each mention joins the earlier group of its document
it fits best (no hard conflict, no feature in disagreement: `features.compare`), else starts
a group. So a headline, its lead and a later undated recap ("the 600", "those repatriated")
become one group, while two returns of one article on different dates stay apart.

Step 2 (across documents): groups of different documents are scored pairwise and merged
greedily, best score first; every merge is checked again against the merged groups, so a
chain of weak links cannot join what conflicts. A cross-document link needs an anchor, a
day, a month or a place in common: a matching count or a year alone joins nothing. So
candidates are blocked by perpetrator and day or month, and groups dated to a year or
undated by place, which keeps the step near linear.

Step 3 (`within_year`): a report still dated only to a year joins the only event of that
year with its perpetrator that it may be (or the only one whose count agrees), never one of
several.

Researchers' decisions (graph/curation.py) come in as index sets: `same` groups are joined
before step 2 whatever their features; `apart` pairs are never joined.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graph.facts import ForcedReturn
from graph.linking.features import NEAR, THRESHOLD, Comparison, Profile, combine, compare, profile
from graph.linking.model import (
    STEP_CORPUS,
    STEP_CURATION,
    STEP_DOCUMENT,
    STEP_YEAR,
    LinkContext,
)

# What two documents must share to be joined: a day or a month, or a place. A year alone is
# no anchor: "hundreds were returned last year" fits every return of that year, and joining
# it to one of them would make a vague report a source for a particular day.
ANCHORS = frozenset({"date-day", "date-month", "place"})


@dataclass
class Group:
    """Mentions (indices into the linked returns) believed to be one event, and their
    profile (kept up to date as groups merge: `features.combine`)."""

    members: list[int]
    links: list[tuple[int, int, str, Comparison, str | None]]  # left, right, step, why, decision
    profile: Profile

    def absorb(self, other: Group) -> None:
        self.members += other.members
        self.links += other.links
        self.profile = combine(self.profile, other.profile)


@dataclass(frozen=True)
class Candidate:
    """A cross-document pair scored within NEAR of the threshold (for review)."""

    left: int  # first mention of each side
    right: int
    comparison: Comparison
    linked: bool
    step: str = STEP_CORPUS  # STEP_YEAR: listed for review whatever its score


class _Linker:
    def __init__(self, returns: Sequence[ForcedReturn], context: LinkContext) -> None:
        self.returns = returns
        self.containers = context.containers
        self.apart: dict[int, set[int]] = defaultdict(set)
        for decision in context.apart:  # the first mention is apart from each other one
            first, *rest = decision.mentions
            for other in rest:
                if other != first:
                    self.apart[first].add(other)
                    self.apart[other].add(first)
        self.context = context
        self.profiles: dict[int, Profile] = {}  # of each mention alone

    def profile(self, i: int) -> Profile:
        if i not in self.profiles:
            self.profiles[i] = profile([self.returns[i]], self.containers,
                                       self.context.vague)
        return self.profiles[i]

    def kept_apart(self, a: Sequence[int], b: Sequence[int]) -> bool:
        return any(self.apart.get(i, set()).intersection(b) for i in a)

    # -- step 1 -------------------------------------------------------------------------
    def within_document(self, indices: Sequence[int]) -> list[Group]:
        groups: list[Group] = []
        for i in sorted(indices, key=lambda n: (self.returns[n].evidence.start, n)):
            mine = Group([i], [], self.profile(i))
            best: tuple[float, int, Comparison] | None = None
            for g, group in enumerate(groups):
                why = compare(group.profile, mine.profile, same_document=True)
                if why.compatible and not why.disagreed and not self.kept_apart(
                        group.members, [i]) and (best is None or why.score > best[0]):
                    best = (why.score, g, why)
            if best is None:
                groups.append(mine)
                continue
            _score, g, why = best
            groups[g].links.append((groups[g].members[0], i, STEP_DOCUMENT,
                                    Comparison(True, why.score, ("same-document", *why.agreed),
                                               why.disagreed), None))
            groups[g].absorb(mine)
        return groups

    # -- researchers' same-event decisions -------------------------------------------------
    def join_decided(self, groups: list[Group]) -> list[Group]:
        owner = {i: n for n, g in enumerate(groups) for i in g.members}
        parent = list(range(len(groups)))

        def root(n: int) -> int:
            while parent[n] != n:
                parent[n] = parent[parent[n]]
                n = parent[n]
            return n

        for decision in self.context.same:
            present = [i for i in decision.mentions if i in owner]
            for other in present[1:]:
                ra, rb = root(owner[present[0]]), root(owner[other])
                if ra == rb:
                    continue
                a, b = sorted((ra, rb))
                why = compare(groups[a].profile, groups[b].profile)
                groups[a].links.append((groups[a].members[0], groups[b].members[0],
                                        STEP_CURATION, why, decision.decision))
                groups[a].absorb(groups[b])
                parent[b] = a
        return [g for n, g in enumerate(groups) if root(n) == n]

    # -- step 2 -------------------------------------------------------------------------
    def across_documents(self, groups: list[Group]) -> tuple[list[Group], list[Candidate]]:
        profiles = [g.profile for g in groups]
        scored: list[tuple[float, int, int, Comparison]] = []
        for a, b in self._candidate_pairs(profiles):
            if profiles[a].docs & profiles[b].docs:
                continue
            why = compare(profiles[a], profiles[b])
            # a pair scoring further below the threshold than NEAR is neither linked nor
            # listed for review; dropping it here keeps memory off the square of the
            # reports on one day (at 10,000 documents most pairs are such)
            if (why.compatible and why.score >= THRESHOLD - NEAR
                    and ANCHORS.intersection(why.agreed)):
                scored.append((why.score, a, b, why))
        scored.sort(key=lambda item: (-item[0], item[1], item[2]))
        parent = list(range(len(groups)))

        def root(n: int) -> int:
            while parent[n] != n:
                parent[n] = parent[parent[n]]
                n = parent[n]
            return n

        candidates: list[Candidate] = []
        grown: set[int] = set()  # groups that absorbed another since they were scored
        for score, a, b, why in scored:
            ra, rb = sorted((root(a), root(b)))
            linked = False
            if score >= THRESHOLD and ra != rb:
                unchanged = (ra, rb) == (a, b) and not grown.intersection((a, b))
                merged = why if unchanged else compare(profiles[ra], profiles[rb])
                if (merged.compatible and merged.score >= THRESHOLD
                        and not profiles[ra].docs & profiles[rb].docs
                        and not self.kept_apart(groups[ra].members, groups[rb].members)):
                    groups[ra].links.append((groups[ra].members[0], groups[rb].members[0],
                                             STEP_CORPUS, merged, None))
                    groups[ra].absorb(groups[rb])
                    parent[rb] = ra
                    grown.add(ra)
                    profiles[ra] = groups[ra].profile
                    linked = True
            if abs(score - THRESHOLD) <= NEAR:
                candidates.append(Candidate(groups[a].members[0], groups[b].members[0], why,
                                            linked or root(a) == root(b)))
        return [g for n, g in enumerate(groups) if root(n) == n], candidates

    # -- step 3 -------------------------------------------------------------------------
    def within_year(self, groups: list[Group], candidates: list[Candidate]) -> list[Group]:
        """A report still dated only to a year (no day, month or place joined it) joins the
        event of that year it must be, when there is only one: of the other documents'
        events of that year with its perpetrator and status that it may be (nothing
        conflicts, no place disagrees), the only one whose count agrees, else the only one
        (a count that differs is a disagreement). With two such events it stays apart:
        "hundreds were returned that year" does not say which. Each such link has the step
        "year" and is listed for review, whatever its score."""
        by_year: dict[tuple[str, bool, str], list[int]] = defaultdict(list)
        for n, g in enumerate(groups):
            p = g.profile
            if p.perpetrator is not None and p.date.iso:
                by_year[(p.perpetrator.key, p.prospective, p.date.iso[:4])].append(n)
        alive = [True] * len(groups)
        for n, group in enumerate(groups):
            p = group.profile
            if not alive[n] or p.perpetrator is None or len(p.date.iso or "") != 4 \
                    or not _has_figure(p):
                continue  # "hundreds were returned last year": a summary, not one event
            rivals = []
            for m in by_year[(p.perpetrator.key, p.prospective, p.date.iso or "")]:
                other = groups[m]
                if (m == n or not alive[m] or other.profile.docs & p.docs
                        or self.kept_apart(group.members, other.members)):
                    continue
                why = compare(p, other.profile)
                if why.compatible and "place" not in why.disagreed:
                    rivals.append((m, why))
            chosen = _year_choice(rivals)
            if chosen is None:
                continue
            m, why = chosen
            keep, gone = (n, m) if n < m else (m, n)
            pair = (groups[keep].members[0], groups[gone].members[0])
            groups[keep].links.append((*pair, STEP_YEAR, why, None))
            groups[keep].absorb(groups[gone])
            alive[gone] = False
            candidates.append(Candidate(*pair, why, True, STEP_YEAR))
        return [g for n, g in enumerate(groups) if alive[n]]

    def _candidate_pairs(self, profiles: Sequence[Profile]) -> list[tuple[int, int]]:
        """Pairs that may link: same perpetrator and status, and dates that may both hold
        at a day or a month (the same day; a month against the days in it), or, when one
        gives a year or no date (neither an anchor), a place that agrees: one's place is
        or lies in one of the other's (two cities of one province do not). Two different
        days never meet. Sorted, without repeats."""
        exact: dict[tuple[str, bool, str], list[int]] = defaultdict(list)  # by date as given
        in_month: dict[tuple[str, bool, str], list[int]] = defaultdict(list)  # days of a month
        # by a place as written, and by every place it lies in: one report's place agrees with
        # another's when it lies in it, either way round (`features.compare`)
        by_place: dict[tuple[str, bool, str], list[int]] = defaultdict(list)
        by_within: dict[tuple[str, bool, str], list[int]] = defaultdict(list)
        placed_only: list[int] = []  # a year or no date: only a place can anchor
        for n, p in enumerate(profiles):
            if p.perpetrator is None:
                continue
            who = (p.perpetrator.key, p.prospective)
            iso = p.date.iso
            if iso and len(iso) >= 7:
                exact[(*who, iso)].append(n)
                if len(iso) > 7:
                    in_month[(*who, iso[:7])].append(n)
            else:
                placed_only.append(n)
            for place in p.places:
                by_place[(*who, place)].append(n)
            for place in p.within:
                by_within[(*who, place)].append(n)
        pairs: set[tuple[int, int]] = set()
        for (who_key, status, iso), members in exact.items():
            pairs.update((a, b) for k, a in enumerate(members) for b in members[k + 1:])
            if len(iso) == 7:
                wider = in_month.get((who_key, status, iso), ())
                pairs.update((min(a, b), max(a, b)) for a in members for b in wider if a != b)
        for n in placed_only:
            p = profiles[n]
            assert p.perpetrator is not None
            who = (p.perpetrator.key, p.prospective)
            others = {m for place in p.within for m in by_place.get((*who, place), ())}
            others.update(m for place in p.places for m in by_within.get((*who, place), ()))
            others.discard(n)
            pairs.update((min(n, m), max(n, m)) for m in others)
        return sorted(pairs)


def _year_choice(rivals: list[tuple[int, Comparison]]) -> tuple[int, Comparison] | None:
    """The one event a year-only report can be: the only rival whose count agrees with
    it, else the only rival. None when the year holds more than one (ambiguous)."""
    agreeing = [r for r in rivals if "count" in r[1].agreed]
    if len(agreeing) == 1:
        return agreeing[0]
    return rivals[0] if len(rivals) == 1 else None


def link_groups(returns: Sequence[ForcedReturn], context: LinkContext
                ) -> tuple[list[Group], list[Candidate]]:
    """The groups of mentions that are one event each (in order of their first mention),
    with the links that joined them and the cross-document pairs that were scored."""
    linker = _Linker(returns, context)
    by_doc: Mapping[str, list[int]] = defaultdict(list)
    for i, m in enumerate(returns):
        if i not in context.rejected:
            by_doc[m.evidence.doc_id].append(i)
    groups = [g for doc in sorted(by_doc) for g in linker.within_document(by_doc[doc])]
    groups = linker.join_decided(groups)
    groups, candidates = linker.across_documents(groups)
    groups = linker.within_year(groups, candidates)
    for g in groups:
        g.members.sort()
    groups.sort(key=lambda g: g.members[0])
    return groups, candidates


def _has_figure(profile: Profile) -> bool:
    """Does a report give a figure ("31", "up to 600", "more than 40"), not only a vague
    order ("hundreds", "dozens": a range four times as wide as its floor) or none?"""
    return any(low is None or high is None or high < 4 * low for low, high in profile.counts)
