"""The timeline: dated events of the whole graph, year by year, with counts and sources."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from graph.viz.data import GraphData
from graph.viz.details import quote_href
from graph.viz.styles import GROUP_BY_KEY, Group

TIMELINE_GROUPS = ("forced-return", "detention", "resolution-adoption", "review", "statement",
                   "visit", "treaty-action")
SHOWN_BY_DEFAULT = set(TIMELINE_GROUPS) - {"treaty-action"}


@dataclass
class Item:
    id: str
    date: str
    group: Group
    label: str
    href: str
    detail: str = ""
    sources: list[tuple[str, str]] = field(default_factory=list)  # (text, href)


@dataclass
class Year:
    year: str
    counts: list[int]
    items: list[Item]


@dataclass
class Timeline:
    groups: list[Group]
    years: list[Year]
    undated: list[Item]
    totals: list[int]
    shown_by_default: set[str]

    @property
    def max_count(self) -> int:
        return max((sum(y.counts) for y in self.years), default=0)


def timeline(data: GraphData, node_ids: list[str], link: dict[str, str]) -> Timeline:
    """Items of the given nodes; `link` maps a node to its page (else the whole graph)."""
    groups = [GROUP_BY_KEY[k] for k in TIMELINE_GROUPS]
    items = []
    for iri in node_ids:
        node = data.nodes[iri]
        if node.group not in TIMELINE_GROUPS:
            continue
        detail = next((value for p, _l, value in node.props if p.endswith("#count")), "")
        sources = []
        for claim in node.claims:
            doc = data.documents.get(claim.doc)
            if doc is not None:
                sources.append((doc.file, quote_href(data, claim)))
        if not node.claims:
            registry = next((v for p, _l, v in node.props
                             if p == "http://purl.org/dc/terms/source"), "")
            if registry:
                sources.append((f"registry: {registry}", ""))
        items.append(Item(iri, node.date or "", GROUP_BY_KEY[node.group], node.label,
                          link.get(iri) or "", detail,
                          sorted(set(sources))))
    items.sort(key=lambda i: (i.date, i.group.key, i.label, i.id))
    by_year: dict[str, list[Item]] = {}
    undated = []
    for item in items:
        if item.date:
            by_year.setdefault(item.date[:4], []).append(item)
        else:
            undated.append(item)
    years = []
    for year, members in sorted(by_year.items()):
        counts = Counter(i.group.key for i in members)
        years.append(Year(year, [counts[g.key] for g in groups], members))
    totals = Counter(i.group.key for i in items)
    return Timeline(groups, years, undated, [totals[g.key] for g in groups], SHOWN_BY_DEFAULT)
