"""The data of the network explorer, cut into bounded pieces the browser loads on demand.

No page carries the whole graph. The explorer (explorer.js) starts from one node and, on a
click, loads that node's own file, `data/n/<slug>.js`: the node and at most NEIGHBOURS_MAX of
its neighbours (the most connected first). The summary of the whole graph (graph.html) is a
handful of aggregates (by legend group, community or year) whose members are loaded, again
bounded, from `data/s/<mode>-<key>.js` on a drill-down; `data/s/top.js` holds the TOP_MAX most
connected nodes of the whole graph with a precomputed layout, for a look at the core.

Data files are JavaScript (`rkgData("key", {...})`), not JSON, because a page opened from
file:// may load scripts but not fetch files. Their JSON escapes '<', '>' and '&'. They are
written compactly (at 1,000 documents data/ went from 44 MB to 27 MB): nodes are rows, a
node's kind an index into the file's own table of (group, kind) pairs, an edge's label an
index into its table of labels, an edge of a drill-down names its ends by their rows, the
edges of a node's file follow the neighbour's row, and minted IRIs are written `rkgd:…`
(explorer.js expands them all). Tables are per file, so a file depends on nothing but what
it shows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graph.iris import DATA
from graph.viz.data import GraphData
from graph.viz.details import class_label, quote_dict
from graph.viz.network import bulk_network, communities, positions_for, short, vis_options
from graph.viz.styles import GROUP_BY_KEY, GROUPS
from graph.viz.views import View, ViewEdge, category

NEIGHBOURS_MAX = 120
MEMBERS_MAX = 400  # members of one aggregate loaded on a drill-down
TOP_MAX = 2000
COMMUNITIES_MAX = 30  # the rest of the communities are summed up as one aggregate
LIST_MAX = 25  # members listed in the side panel of an aggregate
QUOTE_MAX = 240  # characters of the quote in a node's file (its page has it all)
Layout = Callable[[list[str], list[tuple[str, str]]], dict[str, tuple[int, int]]]
PREFIX = "rkgd:"  # a minted IRI in a data file (graph-config.js: RKG_PREFIXES)


@dataclass(slots=True)  # two per edge of the whole view: millions at 10,000 documents
class Link:
    other: str
    label: str
    outgoing: bool
    dashed: bool


class Explorer:
    """Adjacency of the whole view and the pieces the browser loads."""

    def __init__(self, data: GraphData, whole: View, slugs: dict[str, str],
                 pages: dict[str, str]) -> None:
        self.data = data
        self.nodes = whole.nodes
        self.slugs = slugs
        self.by_slug = {s: i for i, s in slugs.items()}
        self.pages = pages
        self.links: dict[str, list[Link]] = defaultdict(list)
        seen: set[tuple[str, str, str]] = set()
        for edge in whole.edges:
            key = (edge.source, edge.target, edge.label)
            if key in seen or edge.source == edge.target:
                continue
            seen.add(key)
            self.links[edge.source].append(Link(edge.target, edge.label, True, edge.dashes))
            self.links[edge.target].append(Link(edge.source, edge.label, False, edge.dashes))
        self.degree = {iri: len({lk.other for lk in self.links[iri]}) for iri in self.nodes}
        # over node numbers, not a networkx graph (network.communities)
        self.community = communities(self.nodes, ((e.source, e.target) for e in whole.edges
                                                  if e.source != e.target))

    # -- one node --------------------------------------------------------------------------
    def meta(self, iri: str) -> dict[str, Any]:
        """What the browser needs to draw a node and fill its panel."""
        node = self.data.nodes[iri]
        item: dict[str, Any] = {"s": self.slugs[iri], "l": node.label, "g": node.group,
                                "k": class_label(self.data, node), "n": self.degree[iri]}
        if node.date:
            item["d"] = node.date
        if iri in self.pages:
            item["h"] = self.pages[iri]
        return item

    def _row(self, iri: str, tables: Tables) -> list[Any]:
        """A node in a data file, as a row (explorer.js `row`): [slug, label, kind, links,
        date, page], the kind an index into the file's table of (group, kind) pairs, the
        page 1 for the slug's own page, 0 for none."""
        m = self._compact_page(self.meta(iri))
        return [m["s"], m["l"], tables.kind(m["g"], m["k"]), m["n"], m.get("d", ""),
                m.get("h", 0)]

    @staticmethod
    def _compact_page(item: dict[str, Any]) -> dict[str, Any]:
        if item.get("h") == item["s"] + ".html":
            item["h"] = 1  # the page is the slug's own: no need to spell it out
        return item

    def _brief(self, iri: str) -> list[str]:
        """A member listed in an aggregate's panel: [label, group, page, date]."""
        item = self.meta(iri)
        return [item["l"], item["g"], item.get("h", ""), item.get("d", "")]

    def fragment(self, iri: str) -> dict[str, Any]:
        """One node with its most connected neighbours (at most NEIGHBOURS_MAX), each row
        followed by the codes of its edges with the node (label index * 4, + 1 when the
        edge goes out of the node, + 2 when it is dashed). The slug is the file's key."""
        node = self.data.nodes[iri]
        by_other: dict[str, list[Link]] = defaultdict(list)
        for link in self.links[iri]:
            by_other[link.other].append(link)
        ranked = sorted(by_other, key=lambda o: (-self.degree[o], self.data.nodes[o].label, o))
        shown = ranked[:NEIGHBOURS_MAX]
        tables = Tables()
        rows = []
        for other in shown:
            rows.append(self._row(other, tables) + [
                tables.label(link.label) * 4 + link.outgoing + 2 * link.dashed
                for link in by_other[other]])
        item = self._compact_page(self.meta(iri))
        del item["s"]
        item.update({"iri": compact_iri(iri), "nb": rows, "more": len(ranked) - len(shown)})
        quotes = node.claims or node.mentions
        if quotes:
            item["q"] = self._quote(quote_dict(self.data, quotes[0], ""), rows)
        item.update(tables.json())
        return item

    @staticmethod
    def _quote(q: dict[str, str], rows: list[list[Any]]) -> dict[str, Any]:
        """The node's first quote, cut at QUOTE_MAX: its text, its document's title and its
        link, or, when the document is a neighbour (nearly always), that row's number and
        the mark, which explorer.js makes the title and link again."""
        text = q["text"] if len(q["text"]) <= QUOTE_MAX else q["text"][:QUOTE_MAX - 1] + "…"
        page, _sep, mark = q["href"].partition("#m-")
        for n, row in enumerate(rows):
            if mark and row[0] + ".html" == page and row[1] == q["doc"] and row[5] == 1:
                return {"t": text, "r": n, "m": mark}
        return {"t": text, "doc": q["doc"], "h": q["href"]}

    # -- the summary -----------------------------------------------------------------------
    def aggregates(self) -> dict[str, dict[str, list[str]]]:
        """mode -> aggregate key -> members (most connected first)."""
        modes: dict[str, dict[str, list[str]]] = {"group": defaultdict(list),
                                                  "community": defaultdict(list),
                                                  "year": defaultdict(list)}
        sizes = Counter(self.community.values())
        kept = {c for c, _n in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))
                [:COMMUNITIES_MAX]}
        for iri in self.nodes:
            node = self.data.nodes[iri]
            modes["group"][node.group].append(iri)
            c = self.community.get(iri, 0)
            modes["community"][f"c{c + 1}" if c in kept else "other"].append(iri)
            year = str(node.year) if node.year is not None and category(node) in (
                "event", "report", "document") else "none"
            modes["year"][year].append(iri)
        for groups in modes.values():
            for members in groups.values():
                members.sort(key=lambda i: (-self.degree[i], self.data.nodes[i].label, i))
        return {m: dict(sorted(g.items())) for m, g in modes.items()}

    def summary(self) -> dict[str, Any]:
        """The aggregates of each mode, as a small network (bounded by the number of
        groups, communities and years, never by the corpus)."""
        out: dict[str, Any] = {}
        for mode, groups in self.aggregates().items():
            where = {iri: key for key, members in groups.items() for iri in members}
            counts: Counter[tuple[str, str]] = Counter()
            for a, b in self._pairs():
                ka, kb = where[a], where[b]
                if ka != kb:
                    counts[(min(ka, kb), max(ka, kb))] += 1
            nodes = []
            for key, members in groups.items():
                top = Counter(self.data.nodes[i].group for i in members).most_common(1)[0][0]
                nodes.append({"id": key, "label": self._aggregate_label(mode, key, members),
                              "g": top if mode != "group" else key, "count": len(members),
                              "value": len(members),
                              "members": [self._brief(i) for i in members[:LIST_MAX]]})
            edges = [{"from": a, "to": b, "value": n, "title": f"{n} links"}
                     for (a, b), n in sorted(counts.items())]
            ids = [str(n["id"]) for n in nodes]
            pos = positions_for(ids, [(str(e["from"]), str(e["to"])) for e in edges])
            for n in nodes:
                n["x"], n["y"] = (c * 3 for c in pos[str(n["id"])])
            net = bulk_network(nodes, edges)
            out[mode] = {"nodes": net.nodes, "edges": net.edges}
        return out

    def _pairs(self) -> Iterator[tuple[str, str]]:
        """Each linked pair of nodes once (the undirected graph's edges)."""
        for a in self.nodes:
            for b in {link.other for link in self.links[a]}:
                if a < b:
                    yield a, b

    def _aggregate_label(self, mode: str, key: str, members: list[str]) -> str:
        if mode == "group":
            return f"{GROUP_BY_KEY[key].label} ({len(members)})"
        if mode == "year":
            return f"{'undated or timeless' if key == 'none' else key} ({len(members)})"
        if key == "other":
            return f"Smaller communities ({len(members)})"
        hub = self.data.nodes[members[0]].label
        return f"Community {key[1:]}: {short(hub)} … ({len(members)})"

    def drill(self, members: list[str], styled: list[ViewEdge] | None = None,
              layout: Layout = positions_for) -> dict[str, Any]:
        """A set of nodes (the most connected first, at most MEMBERS_MAX or TOP_MAX) with the
        links among them and a seeded layout: rows [slug, label, kind, links, date, page,
        x, y] and edges [from row, to row, label index * 2 (+ 1 when dashed)]. `styled`:
        edges drawn instead of the links (the advocacy network's), each followed by its
        colour, width and tooltip. `layout`: positions_for, or one that knows earlier
        layouts (site.py)."""
        chosen = {iri: n for n, iri in enumerate(members)}
        tables = Tables()
        edges: list[list[Any]] = []
        pairs: list[tuple[str, str]] = []
        for iri in members:
            for link in self.links[iri]:
                if link.outgoing and link.other in chosen:
                    edges.append([chosen[iri], chosen[link.other],
                                  tables.label(link.label) * 2 + link.dashed])
                    pairs.append((iri, link.other))
        pos = layout(members, pairs)
        nodes = [self._row(iri, tables) + list(pos[iri]) for iri in members]
        if styled is not None:
            edges = [[chosen[e.source], chosen[e.target], tables.label(e.label) * 2,
                      e.color, e.width, e.title] for e in styled
                     if e.source in chosen and e.target in chosen]
        return {"nodes": nodes, "e": edges, "options": vis_options(len(nodes)),
                **tables.json()}

    def top(self) -> list[str]:
        return sorted(self.nodes, key=lambda i: (-self.degree[i], i))[:TOP_MAX]


class Tables:
    """A data file's own tables of (group, kind) pairs and of edge labels, in the order
    first met (a table shared by every file would change them all when a label is new)."""

    def __init__(self) -> None:
        self.kinds: dict[tuple[str, str], int] = {}
        self.labels: dict[str, int] = {}

    def kind(self, group: str, kind: str) -> int:
        return self.kinds.setdefault((group, kind), len(self.kinds))

    def label(self, label: str) -> int:
        return self.labels.setdefault(label, len(self.labels))

    def json(self) -> dict[str, Any]:
        return {"t": [list(k) for k in self.kinds], "el": list(self.labels)}


def compact_iri(iri: str) -> str:
    return PREFIX + iri[len(DATA):] if iri.startswith(DATA) else iri


def legend(groups: list[str] | None = None) -> list[dict[str, str]]:
    """Every legend group (or the given ones) with its colour and shape, for the scripts."""
    keys = set(groups) if groups is not None else None
    return [{"key": g.key, "label": g.label, "color": g.color, "shape": g.shape,
             "category": g.category} for g in GROUPS if keys is None or g.key in keys]
