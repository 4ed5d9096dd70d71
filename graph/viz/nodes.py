"""The nodes the site shows, one subject at a time: their classes, literals, links and the
edges among them, their dates, labels (made for what the graph leaves unlabelled) and count
texts.

The nodes are the subjects typed with a class the legend knows (`node_iris`). Each node's
quads come from the blocks of the build's files (graph/viz/nodeblocks.py: parsing is about
a sixth of the store's cost per quad) or one lookup on the store's subject index
(`_read_subject`), so the time and memory follow the nodes, not the quads: mentions, claims
and selectors, most of a large graph, are never read here (graph/viz/docgraphs.py reads
them per document graph).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from graph.viz.docunits import DOC_GRAPH_PREFIX
from graph.viz.records import (
    ATTESTED_BY,
    INFERRED_GRAPH,
    NOT_ONTOLOGY,
    ONTOLOGY_GRAPH,
    PREFIXES,
    RDF_TYPE,
    RDFS_LABEL,
    REGISTRY,
    REGISTRY_GRAPH,
    SKOS_PREF,
    Edge,
    Node,
    count_text,
    format_date,
    local,
    optional_text,
    select,
    short_shared,
    tail,
    text_of,
)
from graph.viz.styles import CLASS_GROUP, RKG, group_of, specific_class

Q_CLASSES = PREFIXES + """SELECT DISTINCT ?type WHERE {
  GRAPH ?g { ?s a ?type } """ + NOT_ONTOLOGY + """ FILTER(isIRI(?type)) }"""
TYPE_NODE = ox.NamedNode(RDF_TYPE)

Q_LABELS = PREFIXES + """SELECT ?s ?p ?label WHERE {
  VALUES ?p { rdfs:label skos:prefLabel } ?s ?p ?label . FILTER(isIRI(?s)) }"""

Q_COUNTS = PREFIXES + """SELECT ?c ?words ?value ?min ?max WHERE { ?c a rkg:PersonCount .
  OPTIONAL { ?c rkg:wordsAsWritten ?words } OPTIONAL { ?c rkg:value ?value }
  OPTIONAL { ?c rkg:minValue ?min } OPTIONAL { ?c rkg:maxValue ?max } }"""


def read_labels(store: ox.Store) -> dict[str, str]:
    """rdfs:label (English first), else skos:prefLabel, for every IRI; ontology terms too."""
    return best_labels((r["s"], text_of(r["p"]), r["label"]) for r in select(store, Q_LABELS))


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def best_labels(rows: Iterable[tuple[Term, str, Term]]) -> dict[str, str]:
    """(subject, predicate, label) rows, each subject an IRI and each predicate rdfs:label
    or skos:prefLabel, as the label of each subject: rdfs:label before skos:prefLabel,
    English or untagged before other languages, then the least text."""
    found: dict[str, tuple[int, str]] = {}
    for subject, predicate, lit in rows:
        rank = (0 if predicate == RDFS_LABEL else 2) + (
            0 if isinstance(lit, ox.Literal) and lit.language in (None, "en") else 1)
        key = text_of(subject)
        text = text_of(lit)
        if key not in found or (rank, text) < found[key]:
            found[key] = (rank, text)
    return {k: v[1] for k, v in found.items()}


def node_iris(store: ox.Store) -> list[str]:
    """Every IRI typed (outside the ontology) with a class the legend knows: a lookup per
    such class on the store's index, so the mentions, claims and selectors that make up most
    of a large graph are never read."""
    shown = [t for t in (text_of(r["type"]) for r in select(store, Q_CLASSES))
             if local(t) in CLASS_GROUP]
    found: set[str] = set()
    for cls in sorted(shown):
        for q in store.quads_for_pattern(None, TYPE_NODE, ox.NamedNode(cls), None):
            if isinstance(q.subject, ox.NamedNode) and _named(q.graph_name):
                found.add(q.subject.value)
    return sorted(found)


def _named(graph: object) -> bool:
    """A named graph other than the ontology's (what `GRAPH ?g` with NOT_ONTOLOGY matches)."""
    return isinstance(graph, ox.NamedNode | ox.BlankNode) and graph.value != ONTOLOGY_GRAPH


Literal = tuple[str, str, str, str | None]  # predicate, value, datatype, language


Link = tuple[str, str, bool]  # predicate, target, in the inferred graph


class Raw:
    """What the graph says about one subject: its classes, the graphs typing it, its
    literals and links, as read quad by quad (`take`) from the store (`_read_subject`) or
    from the blocks of the build's files (nodeblocks.py); `unique` gives each once. Lists,
    not sets: the blocks' reader holds every node's at once, and sets and a dict per node
    were 30 MB more at 1,000 documents."""

    __slots__ = ("classes", "graphs", "links", "literals")

    def __init__(self) -> None:
        self.classes: list[str] = []
        self.graphs: list[str] = []
        self.literals: list[Literal] = []
        self.links: list[Link] = []

    def take(self, predicate: str, o: Term, graph: str) -> None:
        """One quad about the subject, in `graph` (a named graph, not the ontology's)."""
        # one string per predicate and target IRI however many nodes hold it: each value
        # read is a new string, and at 10,000 documents copies were most of the memory
        p = sys.intern(predicate)
        if p == RDF_TYPE:
            self.classes.append(local(text_of(o)))
            self.graphs.append(sys.intern(graph))
        elif p == ATTESTED_BY:
            return  # a node's claims come from `add_claims`: one unique IRI each, never shown
        elif isinstance(o, ox.NamedNode):
            self.links.append((p, sys.intern(o.value), graph == INFERRED_GRAPH))
        elif isinstance(o, ox.Literal) and p != RKG + "text":
            self.literals.append((p, short_shared(o.value), sys.intern(o.datatype.value),
                                  o.language))

    def unique(self) -> tuple[set[str], set[str], set[Literal], dict[tuple[str, str], bool]]:
        """The classes, typing graphs, literals and links, each once; a link is inferred
        when only the inferred graph holds it."""
        links: dict[tuple[str, str], bool] = {}
        for p, o, inferred in self.links:
            links[(p, o)] = links.get((p, o), True) and inferred
        return set(self.classes), set(self.graphs), set(self.literals), links


def _read_subject(store: ox.Store, iri: str) -> Raw:
    raw = Raw()
    for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, None):
        graph = q.graph_name
        if _named(graph):
            raw.take(q.predicate.value, q.object, graph.value)  # type: ignore[union-attr]
    return raw


def read_nodes(store: ox.Store, labels: dict[str, str], iris: list[str] | None = None,
               raws: dict[str, Raw] | None = None) -> tuple[dict[str, Node], list[Edge]]:
    """The nodes (`iris`, else `node_iris`), their literals and links, and the edges among
    them. A node's quads come from `raws` (read from the build's files, nodeblocks.py) or,
    for a node it lacks, one lookup on the store's subject index: time and memory follow
    the nodes, not the size of the graph."""
    nodes: dict[str, Node] = {}
    links: list[tuple[str, str, str, bool]] = []
    kinds: dict[frozenset[str], frozenset[str]] = {}  # one set per combination of classes
    for iri in iris if iris is not None else node_iris(store):
        raw = raws.pop(iri, None) if raws is not None else None
        found, graphs, literals, linked = (
            raw if raw is not None else _read_subject(store, iri)).unique()
        group = group_of(found)
        if group is None:
            continue
        if group.key == "document" and not any(g.startswith(DOC_GRAPH_PREFIX)
                                               for g in graphs):
            continue  # the registry's own files are SourceDocuments too: not shown
        classes = frozenset(found)
        node = Node(iri, kinds.setdefault(classes, classes), group.key,
                    rdf_class=specific_class(found))
        if REGISTRY_GRAPH in graphs:
            node.sources = (REGISTRY,)
        _add_literals(node, literals, labels)
        links.extend((iri, p, o, inferred) for (p, o), inferred in sorted(linked.items()))
        nodes[iri] = node
    return nodes, _links(links, nodes, labels)


SKIP_PROPS = {RDFS_LABEL, SKOS_PREF, RKG + "text"}


def _add_literals(node: Node, literals: set[Literal], labels: dict[str, str]) -> None:
    values: dict[str, list[str]] = {}
    for p, text, datatype, _lang in sorted(literals, key=lambda lit: (lit[:3], lit[3] or "")):
        text = short_shared(text)
        values.setdefault(p, []).append(text)
        if p in SKIP_PROPS:
            continue
        shown = short_shared(text[:10]) if datatype.endswith("#dateTime") else text
        node.props.append((p, labels.get(p) or local(p), shown))
    node.literals = _frozen(values)


def _frozen(values: dict[str, list[str]]) -> dict[str, Sequence[str]]:
    """Each list of values sorted, as a tuple (a list is a third larger, and a node's
    values are not changed once read)."""
    return {key: tuple(sorted(found)) for key, found in values.items()}


DATE_PROPERTIES = ("date", "since", "startDate", "adopted")


def add_dates(nodes: dict[str, Node]) -> None:
    """Each node's date, as precise as the graph says (rkg:datePrecision)."""
    for node in nodes.values():
        for key in DATE_PROPERTIES:
            raw = node.first(key)
            if raw:
                precision = node.links.get(RKG + "datePrecision", [None])[0] \
                    if key == "date" else None
                node.date = format_date(raw, precision)
                break


# links that are provenance or housekeeping, not relations worth drawing
HIDDEN_LINKS = {ATTESTED_BY, RKG + "discoveredIn", RKG + "reviewStatus",
                RKG + "datePrecision", RKG + "territoryOf", RKG + "count",
                "http://www.w3.org/2000/01/rdf-schema#isDefinedBy"}


TRANSITIVE = {RKG + "locatedIn"}


def _links(links: list[tuple[str, str, str, bool]], nodes: dict[str, Node],
           labels: dict[str, str]) -> list[Edge]:
    edges = []
    targets: dict[str, dict[str, list[str]]] = defaultdict(dict)  # node -> p -> objects
    for s, p, o, inferred in links:
        node = nodes[s]
        targets[s].setdefault(p, []).append(o)
        if inferred and p in TRANSITIVE:
            continue  # the closure would only add shortcuts to the asserted chain
        if o in nodes and p not in HIDDEN_LINKS and s != o:
            edges.append(Edge(s, o, p, labels.get(p) or local(p), inferred))
        elif o not in nodes and p not in HIDDEN_LINKS:
            node.props.append((p, labels.get(p) or local(p), labels.get(o) or tail(o)))
    for iri, found in targets.items():
        nodes[iri].links = _frozen(found)
    edges.sort(key=lambda e: (e.source, e.predicate, e.target))
    return edges


def add_counts(store: ox.Store, nodes: dict[str, Node], labels: dict[str, str],
               counts: dict[str, str] | None = None) -> None:
    """Each node's rkg:count as its words and meaning; `counts` (count IRI -> its text, for
    every count a node links to) read from the build's files, else asked of the store."""
    counts = counts if counts is not None else _count_texts(store)
    for node in nodes.values():
        for c in node.links.get(RKG + "count", []):
            node.props.append((RKG + "count", labels.get(RKG + "count") or "count",
                               counts.get(c) or tail(c)))


def _count_texts(store: ox.Store) -> dict[str, str]:
    return {text_of(r["c"]): count_text(optional_text(r["words"]), optional_text(r["value"]),
                                        optional_text(r["min"]), optional_text(r["max"]))
            for r in select(store, Q_COUNTS)}


def made_label(node: Node, labels: dict[str, str], nodes: dict[str, Node]) -> str:
    """A readable label for nodes the graph leaves unlabelled (detentions, tenures…)."""

    def name(pred: str) -> str | None:
        values = node.links.get(RKG + pred)
        if not values:
            return None
        target = nodes.get(values[0])
        return labels.get(values[0]) or (target.label if target else None) or tail(values[0])

    kind = labels.get(RKG + node.rdf_class) or node.rdf_class
    when = f" ({node.date})" if node.date else ""
    if node.group == "tenure":
        return f"{name('holder') or '?'}: {node.first('roleName') or 'post'}"
    if node.group == "treaty-statement":
        action = name("actionKind") or "statement"
        return f"{name('actingState') or 'unnamed state'}: {action} — {name('treaty') or '?'}"
    if node.group == "harm":
        source = name("source")
        return f"Harm: {name('harm') or node.first('words') or '?'}" + (
            f" (per {source})" if source else "")
    if node.group == "practice":
        text = node.first("description") or ""
        return f"Practice: {text[:60]}{'…' if len(text) > 60 else ''}"
    for pred in ("detentionFacility", "place", "detainer", "visitor", "stateUnderReview",
                 "adoptingBody", "perpetrator", "speaker", "actingState"):
        target = name(pred)
        if target:
            return f"{kind[:1].upper()}{kind[1:]}: {target}{when}"
    who = node.first("detainees") or node.first("returnees")
    if who:
        return f"{kind[:1].upper()}{kind[1:]} of {who}{when}"
    return f"{kind[:1].upper()}{kind[1:]}{when or ' ' + tail(node.id)}"
