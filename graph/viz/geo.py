"""The map's data: forced returns as arrows from a place to the destination, places sized by
the number of returns through them.

An arrow starts at each place of a return that has coordinates (rkg:place, rkg:detentionFacility:
a border crossing, a city, a detention centre) and ends at the destination (a place, or a
state's capital). A return that names no located place is drawn from its origin state's capital
and marked so ("place not reported"). Arrows are summed per start, end, perpetrator and year,
so the data grows with places and years, not with documents; each keeps links to at most
EVENTS_MAX of its returns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.viz.data import GraphData, Node
from graph.viz.styles import RKG

EVENTS_MAX = 8
PLACE_LINKS = ("place", "detentionFacility")


@dataclass
class Arrow:
    start: str
    end: str
    perpetrator: str
    year: str
    located: bool
    events: list[str] = field(default_factory=list)


def coordinates(node: Node | None) -> tuple[float, float] | None:
    if node is None:
        return None
    lat, lon = node.first("lat"), node.first("long")
    if lat is None or lon is None:
        return None
    try:
        return float(lat), float(lon)
    except ValueError:
        return None


def located(data: GraphData, iri: str) -> str | None:
    """The IRI whose coordinates stand for `iri`: itself, or a state's capital."""
    node = data.nodes.get(iri)
    if coordinates(node) is not None:
        return iri
    if node is not None:
        for capital in node.links.get(RKG + "capital", []):
            if coordinates(data.nodes.get(capital)) is not None:
                return capital
    return None


def arrows(data: GraphData, events: list[str]) -> list[Arrow]:
    grouped: dict[tuple[str, str, str, str, bool], Arrow] = {}
    for iri in events:
        node = data.nodes[iri]
        ends = [e for e in (located(data, d) for d in node.links.get(RKG + "destination", []))
                if e]
        if not ends:
            continue
        starts = sorted({p for link in PLACE_LINKS for p in node.links.get(RKG + link, [])
                         if coordinates(data.nodes.get(p)) is not None})
        is_located = bool(starts)
        if not starts:
            starts = [s for s in (located(data, o) for o in node.links.get(RKG + "origin", []))
                      if s]
        perpetrators = node.links.get(RKG + "perpetrator", []) or [""]
        year = str(node.year) if node.year is not None else ""
        for start in starts:
            for end in ends:
                if start == end:
                    continue
                for perp in perpetrators:
                    key = (start, end, perp, year, is_located)
                    arrow = grouped.setdefault(key, Arrow(start, end, perp, year, is_located))
                    arrow.events.append(iri)
    return [grouped[k] for k in sorted(grouped)]


def map_data(data: GraphData, events: list[str],
             pages: dict[str, str]) -> dict[str, Any]:
    """Places, arrows, perpetrators and years for map.js (labels are plain strings)."""
    found = arrows(data, events)
    returns_through: dict[str, set[str]] = defaultdict(set)
    for arrow in found:
        if arrow.located:
            returns_through[arrow.start].update(arrow.events)
        returns_through.setdefault(arrow.end, set())
        returns_through.setdefault(arrow.start, set())
    places = []
    for iri in sorted(returns_through):
        node = data.nodes[iri]
        lat, lon = coordinates(node) or (0.0, 0.0)
        places.append({"id": iri, "l": node.label, "lat": lat, "lon": lon,
                       "n": len(returns_through[iri]), "h": pages.get(iri, "")})
    perps = sorted({a.perpetrator for a in found if a.perpetrator})
    out = []
    for arrow in found:
        out.append({"a": arrow.start, "b": arrow.end, "p": arrow.perpetrator, "y": arrow.year,
                    "located": arrow.located, "n": len(arrow.events),
                    "ev": [{"l": data.nodes[e].label, "h": pages.get(e, "")}
                           for e in arrow.events[:EVENTS_MAX]]})
    return {"places": places, "arrows": out,
            "perpetrators": [{"id": p, "l": data.label(p)} for p in perps],
            "years": sorted({a.year for a in found if a.year})}
