"""`rkg export --format csv`: a folder of tables (events, statements, treaty actions, claims,
documents) written row by row from the build's Oxigraph store.

Nothing builds a model of the whole graph (the site's graph/viz/data.py holds every node, its
quotes and the documents' texts: 6.6x the memory of the graph itself at 1,000 documents).
The shown nodes are found in the store's type index (one scan per shown class); then one
pass of the streaming parser over the build's files keeps what the tables need: the claims'
parts (their mentions, selectors and values), each shown node's classes and, for the nodes
of the dated tables, their own links and literals, and every IRI's name. Reading each
dated node's facts from the store on disk instead cost 163 us a node (2.8 of the export's
10 s at 1,000 documents), and the claims' join as one SPARQL query on the store was most of
the export's time (Oxigraph's plan for it scans the selectors' large tables). Then one walk
over the shown nodes in IRI order, merged with the claims in the same order, writes
claims.csv as it goes; only an unlabelled node that a row names is read from the store's
index (its made label needs its facts).
What is held: the documents' metadata (one entry per document, no text), the names, the
shown nodes' IRIs and classes, the dated nodes' own facts (flat lists, dropped as each row
is made), the claims' parts, and the rows of the tables sorted by date (events, statements,
treaty actions: a small part of the output), written sorted at the end: all of it grows
with the graph, none of it with the output files.
The store is the build's own `out/oxigraph/` (made by `rkg build` for `rkg serve`) when it is
current, opened read-only and paged from disk; otherwise the build's files are loaded into
memory.

Rows are deterministic: sorted by (date, IRI) for the dated tables, by (node, document,
offsets, mention) for claims, by (date, file) for documents; a value that the graph holds
more than once is chosen by its smallest form, and lists are sorted.
"""

from __future__ import annotations

import csv
import io
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from graph import iris
from graph.errors import RkgError
from graph.rdfio import atomic_writer
from graph.store import graph_file, inferred_file
from graph.viz.data import local, tail

RKG = "https://w3id.org/refoulement-kg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
DCTERMS = "http://purl.org/dc/terms/"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
OA = "http://www.w3.org/ns/oa#"
ONTOLOGY_GRAPH = iris.graph("ontology")
DOC_GRAPH_PREFIX = iris.DATA + "graph/doc/"
DATE_PROPERTIES = ("date", "since", "startDate", "adopted")

EVENT_GROUPS = ("forced-return", "detention", "visit", "resolution-adoption", "review",
                "practice", "harm")
EVENT_ROLES = ("perpetrator", "origin", "destination", "place", "detainer",
               "detentionFacility", "visitor", "adoptingBody", "resolution",
               "stateUnderReview", "actor", "source", "harm")
TREATY_GROUPS = ("treaty-action", "treaty-statement")
COLUMNS = {
    "events": ("iri", "class", "label", "date", *EVENT_ROLES, "count", "description",
               "sources", "claims"),
    "statements": ("iri", "class", "date", "speaker", "speaker_text", "stance", "addressee",
                   "addressee_text", "on_behalf_of", "topic", "sources", "quote"),
    "treaty_actions": ("iri", "record", "class", "state", "treaty", "action", "date", "words",
                       "sources"),
    "claims": ("node", "node_class", "document", "start", "end", "claimed_by", "reported_by",
               "status", "date_as_written", "count_as_written", "count", "quote"),
    "documents": ("iri", "file", "title", "publisher", "date", "kind", "language", "url",
                  "sha256"),
}

Q_CLASSES = f"""SELECT DISTINCT ?type WHERE {{ GRAPH ?g {{ ?s a ?type }}
  FILTER(?g != <{ONTOLOGY_GRAPH}>) }}"""

# the fields of a claim's row, in the order its smallest is chosen
CLAIM_FIELDS = ("doc", "start", "end", "mention", "exact", "by", "rep", "status", "dateText",
                "words", "value", "min", "max")

Q_DOCUMENTS = f"""SELECT ?doc ?p ?o WHERE {{
  GRAPH ?g {{ ?doc a <{RKG}SourceDocument> ; ?p ?o }}
  FILTER(STRSTARTS(STR(?g), "{DOC_GRAPH_PREFIX}") && ?p != <{RKG}text>) }}"""


class CsvExportError(RkgError):
    """The CSV tables cannot be written (the message says why)."""


# -- the store -------------------------------------------------------------------------------
@contextmanager
def open_build_store(graph_dir: Path) -> Iterator[ox.Store]:
    """The build's serve store read-only when it holds exactly the build's files, else the
    files loaded into memory."""
    from graph.serve.store import current_store

    prepared = current_store(graph_dir)
    if prepared is not None:
        try:
            yield ox.Store.read_only(str(prepared))
            return
        except OSError:
            pass  # locked or damaged: fall back to the files
    graph = graph_file(graph_dir)
    if not graph.is_file():
        raise CsvExportError(f"{graph_dir}: no graph.trig (run 'rkg build' first)")
    store = ox.Store()
    extra = inferred_file(graph_dir)
    for path in [graph] + ([extra] if extra is not None else []):
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
        except (SyntaxError, ValueError, OSError) as exc:
            raise CsvExportError(f"{path}: cannot read the graph: {exc}") from exc
    yield store


# -- reading ---------------------------------------------------------------------------------
@dataclass
class Facts:
    """What one node says of itself outside the ontology graph: IRI links and literals per
    predicate, each list distinct and sorted (as the site shows them)."""

    iri: str
    group: str
    rdf_class: str
    classes: frozenset[str]
    links: dict[str, list[str]] = field(default_factory=dict)
    literals: dict[str, list[str]] = field(default_factory=dict)
    date: str | None = None

    def first(self, name: str) -> str | None:
        values = self.literals.get(RKG + name)
        return values[0] if values else None


@dataclass(frozen=True, order=True)
class Claim:
    """One source sentence behind a node; ordered as the tables list them."""

    doc: str
    start: int
    end: int
    mention: str
    text: str
    claimed_by: str | None = None
    reported_by: str | None = None
    status: str | None = None
    date_text: str | None = None
    count_text: str | None = None
    count_value: str | None = None


@dataclass
class Document:
    iri: str
    fields: dict[str, str] = field(default_factory=dict)  # predicate -> smallest value

    def get(self, predicate: str) -> str:
        return self.fields.get(predicate, "")


class Reader:
    """Lookups in the store by IRI, through its indexes; names cached (bounded)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.label = lru_cache(maxsize=1 << 16)(self._label)
        self.count_text = lru_cache(maxsize=1 << 14)(self._count_text)
        self.parts: _ClaimParts | None = None
        """The pass's claim parts, once read: they hold every count's fields."""

    def objects(self, subject: str, predicate: str) -> list[ox.NamedNode | ox.Literal]:
        found = {q.object for q in self.store.quads_for_pattern(
            ox.NamedNode(subject), ox.NamedNode(predicate), None, None)}
        return sorted((o for o in found if isinstance(o, ox.NamedNode | ox.Literal)),
                      key=lambda o: o.value)

    def value(self, subject: str, predicate: str) -> str | None:
        values = self.objects(subject, predicate)
        return values[0].value if values else None

    def _label(self, iri: str) -> str | None:
        """rdfs:label (English or untagged first), else skos:prefLabel; any graph."""
        if self.parts is not None and self.parts.read_done:  # the pass kept every name
            found = self.parts.labels.get(iri)
            return found[1] if found else None
        best: tuple[int, str] | None = None
        for base, predicate in ((0, RDFS_LABEL), (2, SKOS_PREF)):
            for quad in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate),
                                                     None, None):
                key = _label_key(base, quad.object)
                best = key if best is None or key < best else best
        return best[1] if best else None

    def facts(self, iri: str, group: str, rdf_class: str, classes: frozenset[str]) -> Facts:
        """One node's facts read from the store's index (for an unlabelled node a row
        names, whose made label needs them; the dated nodes' own come from the pass)."""
        seen = _Seen()
        for quad in self.store.quads_for_pattern(ox.NamedNode(iri), None, None, None):
            seen.add(quad.graph_name, quad.predicate.value, quad.object)
        return seen.facts(iri, group, rdf_class, classes)

    def _count_text(self, count: str) -> str:
        from graph.viz.data import count_text

        if self.parts is not None and self.parts.read_done:  # the pass kept them
            words, value, low, high = self.parts.count_fields(count)
            return count_text(words, value, low, high)

        def get(name: str) -> str | None:
            return self.value(count, RKG + name)

        return count_text(get("wordsAsWritten"), get("value"), get("minValue"),
                          get("maxValue"))

    def documents(self) -> dict[str, Document]:
        """The corpus's documents (not the registry's files), sorted by (date, file)."""
        docs: dict[str, Document] = {}
        solutions = self.store.query(Q_DOCUMENTS)
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            iri, predicate, value = row["doc"].value, row["p"].value, row["o"].value
            doc = docs.setdefault(iri, Document(iri))
            if predicate not in doc.fields or value < doc.fields[predicate]:
                doc.fields[predicate] = value
        return dict(sorted(docs.items(), key=lambda kv: (_doc_date(kv[1]),
                                                         kv[1].get(RKG + "fileName"))))


class _Seen:
    """What the pass keeps of one shown node: its classes with their graphs, and (for the
    nodes of the dated tables) its IRI links and literals outside the ontology graph, as
    `Reader.facts` reads them from the store. Kept as a flat list of (predicate, value,
    is_literal) until the row is made (a dict of sets per node: 25 MB more at 1,000
    documents)."""

    __slots__ = ("dated", "said", "types")

    def __init__(self, dated: bool = True) -> None:
        self.types: set[tuple[str, str]] = set()
        self.said: list[tuple[str, str, bool]] = []
        self.dated = dated

    def add(self, graph: Any, predicate: str, obj: Any) -> None:
        if not isinstance(graph, ox.NamedNode) or graph.value == ONTOLOGY_GRAPH:
            return
        if predicate == RDF_TYPE:
            self.types.add((local(str(getattr(obj, "value", ""))), graph.value))
        if not self.dated:
            return
        # predicates and linked IRIs recur across nodes: one string each
        if isinstance(obj, ox.Literal):
            self.said.append((sys.intern(predicate), obj.value, True))
        elif isinstance(obj, ox.NamedNode) and predicate != RDF_TYPE:
            self.said.append((sys.intern(predicate), sys.intern(obj.value), False))

    def facts(self, iri: str, group: str, rdf_class: str, classes: frozenset[str]) -> Facts:
        links: dict[str, set[str]] = defaultdict(set)
        literals: dict[str, set[str]] = defaultdict(set)
        for predicate, value, is_literal in self.said:
            (literals if is_literal else links)[predicate].add(value)
        facts = Facts(iri, group, rdf_class, classes,
                      {p: sorted(v) for p, v in links.items()},
                      {p: sorted(v) for p, v in literals.items()})
        facts.date = _date(facts)
        return facts


LABEL_BASE = {RDFS_LABEL: 0, SKOS_PREF: 2}
"""The name predicates, and the rank of each (the smallest key names a node)."""


def _label_key(base: int, term: Any) -> tuple[int, str]:
    """A name's sort key: rdfs:label before skos:prefLabel, English or untagged first."""
    english = isinstance(term, ox.Literal) and term.language in (None, "en")
    return base + (0 if english else 1), str(getattr(term, "value", ""))


def _doc_date(doc: Document) -> str:
    from graph.viz.data import format_date

    raw = doc.get(RKG + "date")
    return format_date(raw, doc.get(RKG + "datePrecision") or None) if raw else ""


def _date(facts: Facts) -> str | None:
    """A node's date, as precise as the graph says (rkg:datePrecision): as the site shows."""
    from graph.viz.data import format_date

    for key in DATE_PROPERTIES:
        raw = facts.first(key)
        if raw:
            precision = facts.links.get(RKG + "datePrecision", [None])[0] \
                if key == "date" else None
            return format_date(raw, precision)
    return None


OA_QUOTE = OA + "TextQuoteSelector"
OA_POSITION = OA + "TextPositionSelector"
PROV_DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
ATTESTED_BY = RKG + "attestedBy"
CLAIM_OPTIONALS = ("claimedBy", "reportedBy", "epistemicStatus", "dateText")
COUNT_FIELDS = ("wordsAsWritten", "value", "minValue", "maxValue")


class _ClaimParts:
    """The triples behind claims.csv, gathered in one pass over the build's files: each
    predicate's values as sets (the union of all graphs, as the store's default graph); and
    every IRI's name, as `Reader._label` chooses it (27,000 at 1,000 documents: a store read
    each, two index scans, cost more than keeping them)."""

    def __init__(self) -> None:
        wanted = {ATTESTED_BY, PROV_DERIVED_FROM, OA + "hasSource", OA + "hasSelector",
                  OA + "exact", OA + "start", OA + "end", RKG + "claimedCount",
                  *(RKG + name for name in CLAIM_OPTIONALS),
                  *(RKG + name for name in COUNT_FIELDS)}
        # subject -> its one value, or a tuple of its distinct values (most have one: a set
        # each would triple the memory); strings interned, as one IRI is in several tables
        self.by: dict[str, dict[str, str | tuple[str, ...]]] = {p: {} for p in wanted}
        self.typed: dict[str, set[str]] = {OA_QUOTE: set(), OA_POSITION: set()}
        self.labels: dict[str, tuple[int, str]] = {}
        self.read_done = False

    def read(self, paths: list[Path], watch: dict[str, _Seen] | None = None) -> None:
        """One pass over `paths`; the quads of the nodes in `watch` are handed to them (their
        classes, and their facts: no per-node read of the store afterwards)."""
        by, typed, labels, intern = self.by, self.typed, self.labels, sys.intern
        watch = watch if watch is not None else {}
        for path in paths:
            for quad in ox.parse(path=str(path), format=ox.RdfFormat.TRIG):
                predicate = quad.predicate.value
                subject = quad.subject.value  # once: every quad needs it for `watch`
                table = by.get(predicate)
                if table is not None:
                    if predicate != ATTESTED_BY or isinstance(quad.subject, ox.NamedNode):
                        _add(table, intern(subject), intern(quad.object.value))
                elif predicate == RDF_TYPE and quad.object.value in typed:
                    typed[quad.object.value].add(intern(subject))
                elif predicate in LABEL_BASE and isinstance(quad.subject, ox.NamedNode):
                    key = _label_key(LABEL_BASE[predicate], quad.object)
                    had = labels.get(subject)
                    if had is None or key < had:
                        labels[intern(subject)] = key
                seen = watch.get(subject)
                if seen is not None and isinstance(quad.subject, ox.NamedNode):
                    seen.add(quad.graph_name, predicate, quad.object)
        self.read_done = True

    def values(self, predicate: str, subject: str) -> tuple[str, ...]:
        found = self.by[predicate].get(subject, ())
        return (found,) if isinstance(found, str) else found

    def nodes(self) -> list[str]:
        return sorted(self.by[ATTESTED_BY])  # IRIs only (blank nodes are not shown)

    def best(self, claim: str) -> tuple[str | None, ...] | None:
        """The smallest row the claims query would give for `claim` (its fields in
        CLAIM_FIELDS order), None when it has no complete mention. The row is a product of
        independent parts laid side by side (mention, each optional, the count), so its
        smallest is the parts' smallest, each found alone."""
        mentions: list[tuple[str | None, ...]] = []
        for mention in self.values(PROV_DERIVED_FROM, claim):
            selectors = self.values(OA + "hasSelector", mention)
            quotes = [(exact,) for q in selectors if q in self.typed[OA_QUOTE]
                      for exact in self.values(OA + "exact", q)]
            places = [(start, end) for q in selectors if q in self.typed[OA_POSITION]
                      for start in self.values(OA + "start", q)
                      for end in self.values(OA + "end", q)]
            mentions += [(doc, *place, mention, *quote) for doc in
                         self.values(OA + "hasSource", mention) for place in places
                         for quote in quotes]
        if not mentions:
            return None
        first: tuple[str | None, ...] = min(mentions, key=_key)
        row = list(first)
        for name in CLAIM_OPTIONALS:
            found = self.values(RKG + name, claim)
            row.append(min(found) if found else None)
        counts = [self.count_fields(c) for c in self.values(RKG + "claimedCount", claim)]
        last: tuple[str | None, ...] = min(counts, key=_plain_key) if counts else \
            (None,) * len(COUNT_FIELDS)
        return (*row, *last)

    def count_fields(self, count: str) -> tuple[str | None, ...]:
        """A count's COUNT_FIELDS, each its smallest value (as `Reader.value` chooses)."""
        return tuple(min(v) if (v := self.values(RKG + f, count)) else None
                     for f in COUNT_FIELDS)


def _add(table: dict[str, str | tuple[str, ...]], key: str, value: str) -> None:
    had = table.get(key)
    if had is None:
        table[key] = value
    elif isinstance(had, str):
        if had != value:
            table[key] = (had, value)
    elif value not in had:
        table[key] = (*had, value)


def claims_by_node(paths: list[Path], watch: dict[str, _Seen] | None = None,
                   parts: _ClaimParts | None = None) -> Iterator[tuple[str, list[Claim]]]:
    """(node IRI, its claims sorted) in IRI order. A claim that the graph gives several
    sentences or values is shown with the smallest (deterministic).

    The join is made here, over what one pass of the streaming parser kept (the claims'
    mentions, selectors and values: a part of the graph that grows linearly with it), not
    by the engine: on the store on disk, the same join in one SPARQL query took 4x the
    whole export's time. The same pass hands the quads of the nodes in `watch` to them
    (read before the first claim is given)."""
    from graph.viz.data import count_text

    parts = parts if parts is not None else _ClaimParts()
    parts.read(paths, watch)
    for node in parts.nodes():
        claims = []
        for claim in parts.values(ATTESTED_BY, node):
            best = parts.best(claim)
            if best is None:
                continue
            doc, start, end, mention, exact, by, rep, status, date, words, value, low, high \
                = best
            claims.append(Claim(
                doc or "", int(start or 0), int(end or 0), mention or "", exact or "",
                claimed_by=by, reported_by=rep, status=tail(status) if status else None,
                date_text=date, count_text=words,
                count_value=count_text(None, value, low, high) if words is not None else None))
        if claims:
            yield node, sorted(claims)


def _text(term: Any) -> Any:
    return None if term is None else term.value


def _plain_key(values: tuple[str | None, ...]) -> tuple[Any, ...]:
    """Sort key of values: missing first, then by text."""
    return tuple((v is not None, v or "") for v in values)


def _key(values: tuple[str | None, ...]) -> tuple[Any, ...]:
    """Sort key of a claim's row: offsets as numbers, missing values first."""
    return tuple(int(v) if i in (1, 2) and v is not None else (v is not None, v or "")
                 for i, v in enumerate(values))


def watched_nodes(store: ox.Store, dated_groups: set[str]) -> dict[str, _Seen]:
    """Every node typed with a class the site shows (in any graph), from the store's type
    index, each with an empty _Seen for the pass over the files; facts are kept for those
    typed with a class of a dated table's group (a superset of the dated table's nodes)."""
    from graph.viz.styles import CLASS_GROUP

    solutions = store.query(Q_CLASSES)
    assert isinstance(solutions, ox.QuerySolutions)
    known = [row["type"] for row in solutions
             if isinstance(row["type"], ox.NamedNode) and local(row["type"].value) in CLASS_GROUP]
    watch: dict[str, _Seen] = {}
    for cls in known:
        dated = CLASS_GROUP[local(cls.value)] in dated_groups
        for quad in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), cls, None):
            if isinstance(quad.subject, ox.NamedNode):
                seen = watch.get(quad.subject.value)
                if seen is None:
                    watch[sys.intern(quad.subject.value)] = _Seen(dated)
                elif dated:
                    seen.dated = True
    return watch


def shown_nodes(watch: dict[str, _Seen]) -> Iterator[tuple[str, str, str, frozenset[str]]]:
    """(IRI, legend group, most specific class, classes) of every node the site shows, in
    IRI order, from the classes the pass saw (outside the ontology graph). Only the IRIs are
    sorted here (a sort inside the engine decodes every string it compares: 10x slower on a
    store on disk)."""
    from graph.viz.styles import group_of, specific_class

    for iri in sorted(watch):
        typed = watch[iri].types
        classes = frozenset(cls for cls, _ in typed)
        group = group_of(set(classes))
        if group is None:
            continue  # typed with a known class in the ontology graph only
        if group.key == "document" and not any(g.startswith(DOC_GRAPH_PREFIX)
                                               for _, g in typed):
            continue  # the registry's own files are SourceDocuments too: not shown
        yield iri, group.key, specific_class(set(classes)), classes


# -- writing ---------------------------------------------------------------------------------
class Tables:
    """Writes the rows of each table as they come."""

    def __init__(self, reader: Reader, documents: dict[str, Document]) -> None:
        self.reader = reader
        self.documents = documents

    def name(self, iri: str) -> str:
        """What the site calls a node: its label, else a label made from its facts (for the
        few classes the graph leaves unlabelled), else its IRI's last segment."""
        label = self.reader.label(iri)
        if label:
            return label
        made = self.made_label(iri)
        return made or tail(iri)

    def made_label(self, iri: str, facts: Facts | None = None) -> str | None:
        from graph.viz.nodes import made_label
        from graph.viz.records import Node

        if facts is None:
            facts = self.facts_of(iri)
            if facts is None:
                return None
        node = Node(facts.iri, facts.classes, facts.group, rdf_class=facts.rdf_class,
                    date=facts.date, links=facts.links, literals=facts.literals)
        # the site's own wording of made labels; names are looked up lazily, not all held
        return made_label(node, cast(dict[str, str], _Labels(self.reader)), {})

    def facts_of(self, iri: str) -> Facts | None:
        from graph.viz.styles import group_of, specific_class

        classes = set()
        for quad in self.reader.store.quads_for_pattern(ox.NamedNode(iri),
                                                        ox.NamedNode(RDF_TYPE), None, None):
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode) and graph.value != ONTOLOGY_GRAPH:
                classes.add(local(str(getattr(quad.object, "value", ""))))
        group = group_of(classes)
        if group is None:
            return None
        return self.reader.facts(iri, group.key, specific_class(classes), frozenset(classes))

    def names(self, facts: Facts, name: str) -> str:
        return "; ".join(self.name(i) for i in facts.links.get(RKG + name, []))

    def file(self, doc: str) -> str:
        found = self.documents.get(doc)
        return found.get(RKG + "fileName") if found is not None else doc

    def sources(self, claims: list[Claim]) -> str:
        return "; ".join(sorted({self.file(c.doc) for c in claims if c.doc in self.documents}))

    def event(self, facts: Facts, claims: list[Claim]) -> list[str]:
        def literal(name: str) -> str:
            return "; ".join(facts.literals.get(RKG + name, []))

        counts = sorted(self.reader.count_text(c) for c in facts.links.get(RKG + "count", []))
        label = self.reader.label(facts.iri) or self.made_label(facts.iri, facts) or ""
        return [facts.iri, facts.rdf_class, label, facts.date or "",
                *(self.names(facts, role) for role in EVENT_ROLES),
                counts[0] if counts else "", literal("description") or literal("words"),
                self.sources(claims), str(len(claims))]

    def statement(self, facts: Facts, claims: list[Claim]) -> list[str]:
        def literal(name: str) -> str:
            return "; ".join(facts.literals.get(RKG + name, []))

        return [facts.iri, facts.rdf_class, facts.date or "", self.names(facts, "speaker"),
                literal("speakerText"), self.names(facts, "stance"),
                self.names(facts, "addressee"), literal("addresseeText"),
                self.names(facts, "onBehalfOf"), literal("topic"), self.sources(claims),
                claims[0].text if claims else ""]

    def treaty(self, facts: Facts, claims: list[Claim]) -> list[str]:
        def literal(name: str) -> str:
            return "; ".join(facts.literals.get(RKG + name, []))

        return [facts.iri, "document" if claims else "registry (UNTC)", facts.rdf_class,
                self.names(facts, "actingState"), self.names(facts, "treaty"),
                self.names(facts, "actionKind"), facts.date or "",
                literal("words") or literal("statedYear"), self.sources(claims)]

    def claim(self, iri: str, rdf_class: str, claim: Claim) -> list[str]:
        return [iri, rdf_class, self.file(claim.doc), str(claim.start), str(claim.end),
                self.name(claim.claimed_by) if claim.claimed_by else "",
                self.name(claim.reported_by) if claim.reported_by else "",
                claim.status or "", claim.date_text or "", claim.count_text or "",
                claim.count_value or "", claim.text]

    def document(self, doc: Document) -> list[str]:
        file = doc.get(RKG + "fileName")
        title = doc.get(DCTERMS + "title") or self.reader.label(doc.iri) or file or tail(doc.iri)
        return [doc.iri, file, title, doc.get(DCTERMS + "publisher"), _doc_date(doc),
                doc.get(DCTERMS + "type"), doc.get(DCTERMS + "language"), doc.get(RKG + "url"),
                doc.get(RKG + "sha256")]


class _Labels:
    """The label lookup `graph.viz.nodes.made_label` expects (a mapping's `get`)."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def get(self, iri: str, default: Any = None) -> Any:
        return self.reader.label(iri) or default


DATED: dict[str, tuple[tuple[str, ...], Callable[[Tables, Facts, list[Claim]], list[str]]]] = {
    "events": (EVENT_GROUPS, Tables.event),
    "statements": (("statement",), Tables.statement),
    "treaty_actions": (TREATY_GROUPS, Tables.treaty),
}


def write_csv(graph_dir: Path, folder: Path) -> None:
    """events.csv, statements.csv, treaty_actions.csv, claims.csv, documents.csv in
    `folder`, each replaced only when written whole.

    One pass over the shown nodes (IRI order) merged with the claims (IRI order): claims.csv
    is written as it goes; the dated tables' rows are kept (they are a small part of the
    output) and written sorted by (date, IRI) at the end."""
    if folder.exists() and not folder.is_dir():
        raise CsvExportError(f"{folder}: exists and is not a folder (csv writes a folder)")
    with open_build_store(Path(graph_dir)) as store, ExitStack() as files:
        reader = Reader(store)
        tables = Tables(reader, reader.documents())
        writers = {name: _writer(files.enter_context(atomic_writer(folder / f"{name}.csv")),
                                 files, columns) for name, columns in COLUMNS.items()}
        dated: dict[str, list[tuple[str, str, list[str]]]] = {name: [] for name in DATED}
        extra = inferred_file(Path(graph_dir))
        watch = watched_nodes(store, {g for groups, _row in DATED.values() for g in groups})
        reader.parts = _ClaimParts()
        claims = claims_by_node([graph_file(Path(graph_dir))] + ([extra] if extra else []),
                                watch, reader.parts)
        pending = next(claims, None)  # the pass over the files: `watch`, `parts` filled
        for iri, group, rdf_class, classes in shown_nodes(watch):
            while pending is not None and pending[0] < iri:
                pending = next(claims, None)  # claims of nodes that are not shown
            found = pending[1] if pending is not None and pending[0] == iri else []
            for claim in found:
                writers["claims"].writerow(tables.claim(iri, rdf_class, claim))
            seen = watch.pop(iri)  # its facts are not needed again: memory goes down
            for name, (groups, row) in DATED.items():
                if group in groups:
                    facts = seen.facts(iri, group, rdf_class, classes)
                    dated[name].append((facts.date or "", iri, row(tables, facts, found)))
        for name, rows in dated.items():
            writers[name].writerows(r for _date, _iri, r in sorted(rows, key=lambda r: r[:2]))
        for doc in tables.documents.values():
            writers["documents"].writerow(tables.document(doc))


def _writer(handle: IO[bytes], files: ExitStack, columns: tuple[str, ...]) -> Any:
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    files.callback(text.detach)
    files.callback(text.flush)
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    return writer
