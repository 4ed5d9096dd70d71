"""One set of numbers: how many forced returns, statements, documents... a build holds.

The definition is one SPARQL query, `queries/counts.rq` (so `rkg query counts` shows it too):
per class, the nodes of the canonical graph (after linking: a return told by three documents
is one node) and the reports (claims, one per sentence) that attest them; documents are the
corpus's `rkg:SourceDocument` nodes (`rkgd:doc/…`, not the registry's source files). The build
summary, build.json, the build record, the site's front page and the CSV/JSON exports' tests
all read this answer, so no two outputs can count differently (issue 12: a summary said 6
returns where the site said 5, because one counted extracted mentions and the other linked
events).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import iris
from graph.datafiles import data_dir

RKG = "https://w3id.org/refoulement-kg/ontology#"
REVIEW_STATUS = "https://w3id.org/refoulement-kg/vocab/review-status/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
QUERY_NAME = "counts"

# class (local name) -> what one node of it is, in the plural; the order shown everywhere
KINDS: dict[str, str] = {
    "SourceDocument": "documents",
    "ForcedReturn": "forced returns",
    "UnrealisedReturn": "planned, feared or denied returns",
    "Detention": "detentions",
    "SpeechAct": "statements (speech acts)",
    "ResolutionAdoption": "resolution adoptions",
    "UPRReview": "UPR reviews",
    "Visit": "visits",
    "HarmReport": "harms reported",
    "Practice": "practices reported",
    "TreatyStatement": "treaty statements",
    "Tenure": "posts held",
    "unreviewed": "new entities (not in the registry)",  # rkgv:review-status/unreviewed
}


@dataclass(frozen=True)
class Count:
    kind: str  # class local name (rkg:ForcedReturn -> ForcedReturn)
    nodes: int  # canonical nodes after linking (documents: document nodes)
    reports: int  # claims attesting them, one per sentence (0 for documents)

    @property
    def label(self) -> str:
        return KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Counts:
    rows: tuple[Count, ...]

    def get(self, kind: str) -> Count:
        return next((c for c in self.rows if c.kind == kind), Count(kind, 0, 0))

    @property
    def documents(self) -> int:
        return self.get("SourceDocument").nodes

    @property
    def new_entities(self) -> int:
        """Entities found in the documents that the registry does not hold."""
        return self.get("unreviewed").nodes

    def facts(self) -> tuple[Count, ...]:
        """Every counted kind of fact (not documents, not entities), in the order of KINDS."""
        return tuple(c for c in self.rows if c.kind not in ("SourceDocument", "unreviewed"))

    def lines(self) -> list[str]:
        """The summary's table: what is counted, nodes after linking, reports behind them."""
        out = ["  counted in the graph after linking (as `rkg query counts` and the site):"]
        for c in self.facts():
            out.append(f"  {c.label:34} {c.nodes:6}  (from {c.reports} reports)")
        return out

    def as_json(self) -> dict[str, Any]:
        return {c.kind: {"label": c.label, "nodes": c.nodes, "reports": c.reports}
                for c in self.rows}


def query_text() -> str:
    """The definition: the project's own `queries/counts.rq` (never a user's query folder)."""
    return (data_dir("queries") / f"{QUERY_NAME}.rq").read_text(encoding="utf-8")


def count_store(store: ox.Store) -> Counts:
    """The counts of a store that holds a build's named graphs (the site's, `rkg serve`'s)."""
    result = store.query(query_text(), use_default_graph_as_union=True)  # as `rkg query`
    assert isinstance(result, ox.QuerySolutions)
    found = {}
    for row in result:
        kind = str(row["class"].value).removeprefix(RKG).removeprefix(REVIEW_STATUS)
        found[kind] = Count(kind, int(row["nodes"].value), int(row["reports"].value))
    return Counts(tuple(found.get(k, Count(k, 0, 0)) for k in KINDS))


# the triples graph.ttl holds: each distinct triple of every asserted graph once (the builder
# counts the same lines as it merges them, graph/graphfiles.py write_turtle)
TRIPLES = f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{
  GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{iris.graph("inferred")}>) }} }}"""


def asserted_triples(store: ox.Store, outdir: Path | None = None) -> int:
    """The asserted triples of the build in `outdir`: the count its build.json records when
    there is one (the builder counted them as it wrote graph.ttl), else counted in `store`.
    Counting means a DISTINCT over every asserted quad, which Oxigraph holds in memory: at
    10,000 documents (10.6 M quads) it added 1.7 GB to the site stage's peak."""
    recorded = _recorded_triples(outdir / "build.json") if outdir is not None else None
    if recorded is not None:
        return recorded
    result = store.query(TRIPLES)
    assert isinstance(result, ox.QuerySolutions)
    return int(next(iter(result))["n"].value)


def _recorded_triples(record: Path) -> int | None:
    import json

    try:
        value = json.loads(record.read_text(encoding="utf-8")).get("triples")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def count_graph_files(canonical: Path, documents: Sequence[tuple[str, Path]]) -> Counts:
    """The counts while a build is being written: its canonical graph (N-Triples) and, of each
    document graph (IRI, N-Triples file), the triple typing its document node.

    The query reads three predicates of the canonical graph (rdf:type, rkg:attestedBy,
    rkg:reviewStatus) and the typing of document nodes: only the lines that hold one of them
    are loaded, found as bytes (a line whose literal merely contains such text is still a
    triple of the graph, so loading it changes no answer). Loading the whole canonical graph
    and reading every document graph line by line took 1.9 s of a 1,000-document rebuild."""
    store = ox.Store()
    wanted = tuple(f"> <{p}> ".encode() for p in COUNTED_PREDICATES)
    store.bulk_load(_lines_with(canonical.read_bytes(), wanted), format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode(iris.graph("canonical")))
    typed = (f"> <{RDF_TYPE}> <{RKG}SourceDocument> .",)
    for graph, path in documents:
        found = _lines_with(path.read_bytes(), tuple(t.encode() for t in typed))
        store.bulk_extend(_in_graph(found, ox.NamedNode(graph)))
    return count_store(store)


# the canonical graph's predicates queries/counts.rq reads (a test checks the query names
# no other)
COUNTED_PREDICATES = (RDF_TYPE, f"{RKG}attestedBy", f"{RKG}reviewStatus")


def _lines_with(data: bytes, needles: Sequence[bytes]) -> bytes:
    """The lines of `data` (N-Triples) that contain one of `needles`, in order."""
    starts: set[int] = set()
    for needle in needles:
        at = data.find(needle)
        while at >= 0:
            starts.add(data.rfind(b"\n", 0, at) + 1)
            at = data.find(needle, at + len(needle))
    lines = []
    for start in sorted(starts):
        end = data.find(b"\n", start)
        lines.append(data[start:len(data) if end < 0 else end + 1])
    return b"".join(lines)


def _in_graph(ntriples: bytes, graph: ox.NamedNode) -> Iterable[ox.Quad]:
    for triple in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES, lenient=True):
        yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)
