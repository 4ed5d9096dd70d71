"""What the page of one node shows: a "cite this" line, its facts, its relations and, by kind,
the returns through a place, a treaty's parties and the returns by bound states, a person's
posts and statements, what each source says about an event.

Every list is cut at a fixed length (LIST_MAX, QUOTES_MAX) with the number left out, so a page
stays the same size however large the corpus grows. Plain data for the templates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graph.viz.data import REGISTRY, GraphData, Node, disputes
from graph.viz.details import class_label, grouped_props, quote_dict
from graph.viz.styles import GROUP_BY_KEY, RKG

LIST_MAX = 50
QUOTES_MAX = 30
CONSENT = ("ratification", "accession", "succession", "acceptance", "approval")


@dataclass
class Cut:
    """A list cut at a fixed length, with how many were left out."""

    items: list[Any]
    more: int = 0

    @classmethod
    def of(cls, items: list[Any], limit: int = LIST_MAX) -> Cut:
        return cls(items[:limit], max(0, len(items) - limit))


@dataclass
class Relation:
    label: str
    outgoing: bool
    targets: Cut


@dataclass(frozen=True)
class Head:
    """What a page shows of its node besides the rest of its Context: templates read
    nothing else of it, so the page's key (sitecache.data_key) need not hash the node's
    every quote."""

    id: str
    label: str
    date: str | None
    group: str


@dataclass
class Context:
    node: Head
    kind: str
    group: str
    cite: dict[str, str]
    props: list[list[str]]
    relations: list[Relation]
    claims: Cut
    mentions: Cut
    extra: dict[str, Any] = field(default_factory=dict)


class PageFacts:
    """Indexes over the whole view, built once, that the pages of every kind read."""

    def __init__(self, data: GraphData, shown: list[str], pages: dict[str, str]) -> None:
        self.data = data
        self.shown = set(shown)
        self.pages = pages
        # node -> its incoming links flat, [p, s, p, s, …] (`incoming`): a list of pairs
        # was 60 MB more at 10,000 documents, and links to what has no page are not kept
        self._incoming: dict[str, list[str]] = defaultdict(list)
        for node in data.nodes.values():
            for pred, targets in node.links.items():
                for target in targets:
                    if target in data.nodes:
                        self._incoming[target] += (pred, node.id)
        self.within = self._containment()
        self.disputes = disputes(data.store)
        # built once: the pages of places, treaties and returns filter these, not every node
        self.returns = sorted((n.id for n in data.nodes.values()
                               if n.group == "forced-return" and n.id in self.shown),
                              key=lambda i: (data.nodes[i].date or "", i), reverse=True)
        self._order = {iri: n for n, iri in enumerate(self.returns)}
        self._returns_at = self._index_returns()
        self.harms_by_doc: dict[str, set[str]] = defaultdict(set)
        for n in data.nodes.values():
            if n.group == "harm":
                for q in n.claims:
                    self.harms_by_doc[q.doc].add(n.id)

    def incoming(self, iri: str) -> Iterator[tuple[str, str]]:
        """(predicate, subject) of each link to the node `iri`, in the order read."""
        flat = self._incoming.get(iri, [])
        return zip(flat[::2], flat[1::2], strict=True)

    def _index_returns(self) -> dict[tuple[str, str], set[str]]:
        """(place or facility, its returns) and (perpetrator, its returns): a place's page
        and a treaty's look them up rather than test every return of the corpus (which made
        those pages quadratic in the corpus)."""
        above: dict[str, set[str]] = defaultdict(set)  # place -> places it lies in, itself
        for outer, inner in self.within.items():
            for place in inner:
                above[place].add(outer)
        index: dict[tuple[str, str], set[str]] = defaultdict(set)
        for iri in self.returns:
            links = self.data.nodes[iri].links
            for key in (RKG + "place", RKG + "detentionFacility"):
                for place in links.get(key, []):
                    for outer in above.get(place, {place}):
                        index[("in", outer)].add(iri)
            for perpetrator in links.get(RKG + "perpetrator", []):
                index[("by", perpetrator)].add(iri)
        return index

    def _returns_of(self, keys: list[tuple[str, str]]) -> list[str]:
        """The returns under any of these index keys, in the order of `self.returns`."""
        found: set[str] = set()
        for key in keys:
            found |= self._returns_at.get(key, set())
        return [i for i in self.returns if i in found] if len(found) * 8 > len(
            self.returns) else sorted(found, key=self._order.__getitem__)

    def _containment(self) -> dict[str, set[str]]:
        """place -> every place located in it (transitively), itself included; a place
        nothing lies in is left out (it holds only itself: readers default to that), so
        the index holds the places, not a set for every node."""
        parents = {n.id: found for n in self.data.nodes.values()
                   if (found := n.links.get(RKG + "locatedIn"))}
        inside: dict[str, set[str]] = defaultdict(set)
        for place in parents:
            stack, seen = [place], {place}
            while stack:
                current = stack.pop()
                inside[current].add(place)
                for parent in parents.get(current, []):
                    if parent not in seen:
                        seen.add(parent)
                        stack.append(parent)
        for place, held in inside.items():
            held.add(place)
        return inside

    def link(self, iri: str, root: str) -> tuple[str, str]:
        path = self.pages.get(iri)
        return self.data.label(iri), (root + path) if path else ""

    # -- the parts of every page -----------------------------------------------------------
    def cite(self, node: Node, root: str) -> dict[str, str]:
        """The stable IRI, the first source and its sentence."""
        quotes = node.claims or node.mentions
        quote = quotes[0] if quotes else None
        if quote is not None and quote.doc in self.data.documents:
            doc = self.data.documents[quote.doc]
            q = quote_dict(self.data, quote, root)
            publisher = doc.publisher or "publisher unknown"
            return {"iri": node.id, "source": f"{doc.title} ({publisher}, "
                    f"{doc.date or 'undated'})", "url": doc.url,
                    "quote": q["text"], "href": q["href"]}
        if REGISTRY in node.sources:
            source = next((v for p, _l, v in node.props
                           if p == "http://purl.org/dc/terms/source"), "")
            return {"iri": node.id, "source": "refoulement-kg reference registry"
                    + (f" ({source})" if source else ""), "url": "", "quote": "", "href": ""}
        return {"iri": node.id, "source": "", "url": "", "quote": "", "href": ""}

    def relations(self, node: Node, root: str) -> list[Relation]:
        out: list[Relation] = []
        for pred, targets in sorted(node.links.items()):
            shown = sorted({t for t in targets if t in self.shown and t != node.id},
                           key=lambda t: (self.data.label(t), t))
            if shown and pred not in _HIDDEN:
                out.append(Relation(self._pred(pred), True,
                                    Cut.of([self.link(t, root) for t in shown])))
        by_pred: dict[str, set[str]] = defaultdict(set)
        for pred, source in self.incoming(node.id):
            if source in self.shown and source != node.id and pred not in _HIDDEN:
                by_pred[pred].add(source)
        for pred, sources in sorted(by_pred.items()):
            ranked = sorted(sources, key=lambda s: (self.data.nodes[s].date or "",
                                                    self.data.label(s), s), reverse=True)
            out.append(Relation(self._pred(pred), False,
                                Cut.of([self.link(s, root) for s in ranked])))
        return out

    def _pred(self, pred: str) -> str:
        return self.data.labels.get(pred) or pred.rsplit("#", 1)[-1]

    def context(self, node: Node, root: str) -> Context:
        claims = [quote_dict(self.data, q, root) for q in node.claims]
        mentions = [quote_dict(self.data, q, root) for q in node.mentions]
        ctx = Context(Head(node.id, node.label, node.date, node.group),
                      class_label(self.data, node), GROUP_BY_KEY[node.group].label,
                      self.cite(node, root), grouped_props(node)[:40],
                      self.relations(node, root), Cut.of(claims, QUOTES_MAX),
                      Cut.of(mentions, QUOTES_MAX))
        extra = getattr(self, "_extra_" + node.group.replace("-", "_"), None)
        if extra is None and node.group in ("place", "facility"):
            extra = self._extra_place
        if extra is not None:
            ctx.extra = extra(node, root)
        return ctx

    # -- by kind ---------------------------------------------------------------------------
    def _event_row(self, iri: str, root: str) -> dict[str, str]:
        event = self.data.nodes[iri]
        label, href = self.link(iri, root)
        count = next((v for p, _l, v in event.props if p == RKG + "count"), "")
        perps = ", ".join(self.data.label(p) for p in event.links.get(RKG + "perpetrator", []))
        return {"date": event.date or "", "label": label, "href": href, "count": count,
                "by": perps, "sources": str(len({q.doc for q in event.claims}))}

    def _extra_place(self, node: Node, root: str) -> dict[str, Any]:
        inside = self.within.get(node.id, {node.id})
        events = self._returns_of([("in", node.id)])
        return {"returns": Cut.of([self._event_row(e, root) for e in events]),
                "contains": Cut.of(sorted(self.link(p, root) for p in inside - {node.id}
                                           if p in self.shown))}

    def _extra_treaty(self, node: Node, root: str) -> dict[str, Any]:
        actions = [self.data.nodes[s] for p, s in self.incoming(node.id)
                   if p == RKG + "treaty" and self.data.nodes.get(s) is not None
                   and self.data.nodes[s].group == "treaty-action"]
        force = node.first("entryIntoForce")
        bound: dict[str, str] = {}  # state -> bound since (yyyy-mm-dd)
        rows = []
        for action in sorted(actions, key=lambda a: (self.data.label(
                a.links.get(RKG + "actingState", [""])[0]), a.date or "", a.id)):
            state = action.links.get(RKG + "actingState", [""])[0]
            kind = action.links.get(RKG + "actionKind", [""])[0].rsplit("/", 1)[-1]
            rows.append({"state": self.link(state, root), "act": kind,
                         "date": action.date or ""})
            if kind in CONSENT and action.date:
                since = max(action.date[:10], (force or "")[:10])
                bound[state] = min(bound.get(state, since), since)
        events = self._returns_of([("by", state) for state in sorted(bound)])
        returns = []
        for iri in events:
            row = self._event_row(iri, root)
            date = self.data.nodes[iri].date
            state = next(p for p in self.data.nodes[iri].links[RKG + "perpetrator"]
                         if p in bound)
            row["since"] = bound[state]
            row["bound"] = ("unknown (undated)" if not date else "yes" if bound[state] <= date
                            else "during the period" if bound[state].startswith(date)
                            else "no")
            returns.append(row)
        return {"parties": Cut.of(rows, 250), "force": (force or "")[:10],
                "returns": Cut.of(returns)}

    def _extra_person(self, node: Node, root: str) -> dict[str, Any]:
        posts = []
        for pred, source in self.incoming(node.id):
            tenure = self.data.nodes.get(source)
            if pred == RKG + "holder" and tenure is not None and tenure.group == "tenure":
                org = tenure.links.get(RKG + "organization", [""])[0]
                posts.append({"post": tenure.first("roleName") or "post",
                              "org": self.link(org, root) if org else ("", ""),
                              "since": (tenure.first("startDate") or "")[:10],
                              "until": (tenure.first("endDate") or "")[:10]})
        posts.sort(key=lambda p: (p["since"], p["post"], p["org"]))
        said = [self.data.nodes[s] for p, s in self.incoming(node.id)
                if p == RKG + "speaker" and s in self.shown]
        statements = []
        for act in sorted(said, key=lambda a: (a.date or "", a.id), reverse=True):
            first = act.claims[0] if act.claims else None
            statements.append({"date": act.date or "", "label": act.label,
                               "href": self.link(act.id, root)[1],
                               "quote": quote_dict(self.data, first, root) if first else None})
        return {"posts": Cut.of(posts), "statements": Cut.of(statements)}

    def _extra_forced_return(self, node: Node, root: str) -> dict[str, Any]:
        docs = {q.doc for q in node.claims}
        harms = sorted({h for doc in docs for h in self.harms_by_doc.get(doc, ())})
        return {"harms": Cut.of([self.link(h, root) for h in harms]),
                "disagreements": self._disagreements(node, root)}

    def _disagreements(self, node: Node, root: str) -> list[dict[str, Any]]:
        """What the event's reports disagree on, each side with its source and sentence
        (the same rkg:Disagreement nodes `rkg query disagreements` reads)."""
        quotes = {q.mention: q for q in node.claims}
        out = []
        for dispute in self.disputes.get(node.id, []):
            sides = [{"value": value, "quote": quote_dict(self.data, quotes[mention], root)}
                     for value, mention in dispute.sides if mention in quotes]
            if len(sides) > 1:
                out.append({"kind": dispute.kind, "sides": sides})
        return out


_HIDDEN = {RKG + "attestedBy", RKG + "datePrecision", RKG + "reviewStatus",
           RKG + "discoveredIn", RKG + "count", "http://www.w3.org/2000/01/rdf-schema#isDefinedBy"}
