"""Which nodes and edges the site shows: the whole graph (the explorer's universe) and the
advocacy network (who urged whom).

The whole graph is everything the documents say plus the registry entries they touch (the
places those sit in, the treaty actions of the states and treaties they name); the rest of
the registry (a hundred states and their treaty records) stays out of the picture.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from graph.viz.data import RKG, GraphData, Node, tail
from graph.viz.styles import DEFAULT_EDGE_COLOR, GROUP_BY_KEY, STANCE_COLORS

EVENT_CATEGORIES = {"event", "report"}
REPORTED_IN = "reported in"
MENTIONED_IN = "mentioned in"
INFERRED_COLOR = "#b07aa1"
PUBLISHED_BY = "http://purl.org/dc/terms/creator"
ADVOCACY_EDGES = 600  # speaker -> addressee links drawn in the advocacy network
TOPICS_MAX = 12  # statements listed in the tooltip of one link (the latest)


@dataclass(slots=True)  # one per edge of the whole view: a million at 10,000 documents
class ViewEdge:
    source: str
    target: str
    label: str
    title: str = ""
    color: str = DEFAULT_EDGE_COLOR
    width: float = 1.0
    dashes: bool = False


@dataclass
class View:
    path: str  # relative to the site root
    title: str
    kind: str  # whole | return | actor | advocacy
    nodes: list[str]
    edges: list[ViewEdge]
    focus: str | None = None
    notes: list[str] = field(default_factory=list)


def category(node: Node) -> str:
    return GROUP_BY_KEY[node.group].category


class Views:
    """The views of one graph; `whole` is computed once and the ego views cut from it."""

    def __init__(self, data: GraphData) -> None:
        self.data = data
        self.whole = self._whole()

    # -- the whole graph -------------------------------------------------------------------
    def _whole(self) -> View:
        nodes = self.data.nodes
        docs = set(self.data.documents) & set(nodes)
        keep: set[str] = set(docs)
        facts = {n.id for n in nodes.values() if n.claims}
        keep |= facts
        for iri in facts:
            for targets in nodes[iri].links.values():
                keep.update(t for t in targets if t in nodes)
        for node in nodes.values():
            if node.mentions:
                keep.add(node.id)
        for doc in docs:
            keep.update(t for t in nodes[doc].links.get(PUBLISHED_BY, []) if t in nodes)
        # the places those sit in, up to the country; norms the treaties enshrine
        todo = [i for i in keep if category(nodes[i]) == "place"]
        while todo:
            for parent in nodes[todo.pop()].links.get(RKG + "locatedIn", []):
                if parent in nodes and parent not in keep:
                    keep.add(parent)
                    todo.append(parent)
        for iri in list(keep):
            if nodes[iri].group == "treaty":
                keep.update(t for t in nodes[iri].links.get(RKG + "enshrines", []) if t in nodes)
        # the UNTC record of the states and treaties the documents name
        for node in nodes.values():
            if node.group == "treaty-action" and not node.claims:
                state = node.links.get(RKG + "actingState", [])
                treaty = node.links.get(RKG + "treaty", [])
                if state and treaty and state[0] in keep and treaty[0] in keep:
                    keep.add(node.id)
        edges = [ViewEdge(e.source, e.target, e.label + (" (inferred)" if e.inferred else ""),
                          dashes=e.inferred, color=INFERRED_COLOR if e.inferred
                          else DEFAULT_EDGE_COLOR)
                 for e in self.data.edges if e.source in keep and e.target in keep]
        for iri in sorted(keep):
            node = nodes[iri]
            for doc in sorted({q.doc for q in node.claims} & docs):
                edges.append(ViewEdge(iri, doc, REPORTED_IN, dashes=True))
            if category(node) not in EVENT_CATEGORIES:
                for doc in sorted({q.doc for q in node.mentions} & docs):
                    edges.append(ViewEdge(iri, doc, MENTIONED_IN, dashes=True,
                                          color="#c8c8c8"))
        return View("graph.html", "The whole graph", "whole", sorted(keep), _dedupe(edges))

    # -- who urged whom --------------------------------------------------------------------
    def advocacy(self) -> View:
        nodes = self.data.nodes
        grouped: dict[tuple[str, str, str], list[Node]] = defaultdict(list)
        for iri in self.whole.nodes:
            act = nodes[iri]
            if act.group != "statement":
                continue
            stance = tail(act.links.get(RKG + "stance", ["other"])[0])
            for speaker in act.links.get(RKG + "speaker", []):
                for addressee in act.links.get(RKG + "addressee", []):
                    if speaker in nodes and addressee in nodes and speaker != addressee:
                        grouped[(speaker, addressee, stance)].append(act)
        keep: set[str] = set()
        edges = []
        notes = []
        # the heaviest links only (most statements): the network is drawn whole in one page
        heaviest = sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        if len(heaviest) > ADVOCACY_EDGES:
            notes.append(f"the {ADVOCACY_EDGES} links with most statements of {len(heaviest)}")
        for (speaker, addressee, stance), acts in sorted(heaviest[:ADVOCACY_EDGES]):
            keep.update((speaker, addressee))
            lines = [f"{nodes[speaker].label} {stance.replace('-', ' ')} "
                     f"{nodes[addressee].label} ({len(acts)}):"]
            ordered = sorted(acts, key=lambda a: (a.date or "", a.id), reverse=True)
            for act in ordered[:TOPICS_MAX]:
                topic = act.first("topic") or ""
                lines.append(f"• {act.date or 'date unknown'}: {topic[:160]}")
            if len(ordered) > TOPICS_MAX:
                lines.append(f"… and {len(ordered) - TOPICS_MAX} earlier")
            edges.append(ViewEdge(speaker, addressee, stance.replace("-", " "),
                                  title="\n".join(lines),
                                  color=STANCE_COLORS.get(stance, DEFAULT_EDGE_COLOR),
                                  width=min(1.0 + len(acts), 8.0)))
        return View("advocacy.html", "Advocacy network: who urged, called on, condemned or "
                    "welcomed whom", "advocacy", sorted(keep), edges, notes=notes)


def _dedupe(edges: list[ViewEdge]) -> list[ViewEdge]:
    seen: dict[tuple[str, str, str], ViewEdge] = {}
    for edge in edges:
        seen.setdefault((edge.source, edge.target, edge.label), edge)
    return [seen[k] for k in sorted(seen)]
