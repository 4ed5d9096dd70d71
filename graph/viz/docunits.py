"""What each document graph tells the site, read graph by graph and kept by the graph's bytes.

A document's named graph holds its record (file name, title, text…), the claims drawn from
it with their mentions and selectors, and its entity mentions. The site reads those with
queries over `GRAPH ?g` (docgraphs.py: Q_DOC_CLAIMS, Q_DOC_MENTIONS, Q_DOCUMENTS), so what a
query answers for one document graph depends on that graph's triples alone. Each graph's
answers are kept in a cache file (graph/unitfile.py) under the digest of the graph's block
of graph.trig (graph/trigblocks.py), the file's prefix lines, the queries and the code that
draws the site (sitecache.code_key): a rebuild after one document changed asks the store
about that document's graph only, and reads the other graphs' answers from the file.

A graph missing from the cache (every graph, on a first build) is answered from its own
block of graph.trig, loaded alone into an in-memory store (`DocUnits._answer_blocks`): its
answers depend on its triples alone, so they are the on-disk store's, for a third of the CPU
(asked of the on-disk store one graph at a time, every lookup went through RocksDB: 4.0 CPU s
for 200 graphs' three queries against 1.2 s loading each block and asking it). Those answers
go into the cache file, where the readers find them as if kept. Without a cache folder, or
for a graph whose block does not load, the store is asked with `?g` bound to the graph. One
query over every document graph (`all_at_once`, kept for the tests that compare the two)
costs the same CPU as the bound ones but holds its joins over the whole corpus in Oxigraph's
memory: at 1,000 documents the claims query took 34 MB more that way, growing with the
corpus. Rows are sorted, so a graph's answer is the same however it was found. No cache is
used when graph.trig is not laid out in blocks or inferred.trig writes into a document
graph; a graph whose answer holds a blank node (named per store) is not kept, and asked of
the store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from graph import iris, trigblocks
from graph.unitfile import UnitFile

DOC_GRAPH_PREFIX = iris.DATA + "graph/doc/"
Row = tuple[str | None, ...]
ALL_AT_ONCE = 1.0  # above this share of graphs missing, one query over them all: never


class DocUnits:
    """The document graphs of a build and, with a cache folder, their kept answers.

    `queries`: name -> a SELECT whose first variable is ?g, the graph (`GRAPH ?g { … }`
    filtered to document graphs). `outdir`: the build whose graph.trig (and inferred.trig,
    when it is in the store) the store holds; `cache`: the folder of the cache file."""

    def __init__(self, queries: dict[str, str], outdir: Path | None = None,
                 cache: Path | None = None, sources: list[Path] | None = None) -> None:
        self.queries = queries
        self.digests: dict[str, str] = {}  # graph IRI -> key of its answers
        self.file: UnitFile | None = None
        self.all_at_once = ALL_AT_ONCE
        self.asked: dict[str, int] = {}  # query -> graphs whose rows came from the store
        self.kept: dict[str, int] = {}  # query -> graphs whose rows came from the cache
        self.from_blocks: dict[str, int] = {}  # query -> graphs answered from their blocks
        self.graph_trig: Path | None = None  # read for the graphs the cache lacks, once
        if outdir is None or cache is None or not sources:
            return
        try:
            self.digests = _unit_keys(sources, queries)
        except (OSError, trigblocks.LayoutError):
            self.digests = {}
            return
        self.file = UnitFile(cache / f"doc-units-{_code_digest(queries)}.bin")
        self.graph_trig = sources[0]

    def rows(self, store: ox.Store, name: str) -> Iterator[tuple[str, list[Row]]]:
        """(graph IRI, the rows of query `name` in it) for every document graph of the
        store, in IRI order: kept ones from the cache, the others from the store."""
        query = self.queries[name]
        kept: dict[str, list[Row]] = {}
        shared: dict[str, str] = {}
        self._answer_blocks()
        if self.file is not None:
            for graph, key in self.digests.items():
                known, data = self.file.get(f"{key} {name}")
                if known and data is not None:
                    kept[graph] = [_shared_row(row, shared) for row in json.loads(bytes(data))]
            self.file.release()
        graphs = self._graphs(store)
        missing = [g for g in graphs if g not in kept]
        asked, blank = _ask(store, query, missing,
                            len(missing) > self.all_at_once * len(graphs))
        made = self.from_blocks.get(name, 0)
        self.asked[name] = len(missing) + made
        self.kept[name] = len(graphs) - len(missing) - made
        for graph in graphs:
            found = kept.pop(graph, None)
            if found is None:
                found = asked.pop(graph, [])
                if graph not in blank:
                    self._keep(f"{self.digests.get(graph)} {name}", found)
            yield graph, found

    def _answer_blocks(self) -> None:
        """Answer every query for the graphs the cache lacks from the graphs' own blocks of
        graph.trig, each loaded alone into an in-memory store, and keep the answers in the
        cache file, where `rows` finds them. Once per build (a first build: every graph).
        A query's answer for a graph depends on that graph's triples alone, so it is the
        on-disk store's; asked there one graph at a time it cost three times the CPU (its
        lookups go through RocksDB), and loading a graph's block is cheaper than either. A
        graph whose answer holds a blank node (named per store), or whose block does not
        load, is left to the store."""
        if self.graph_trig is None or self.file is None:
            return
        trig, self.graph_trig = self.graph_trig, None
        wanted: dict[str, list[str]] = {}  # graph -> the queries the cache lacks for it
        for graph, key in self.digests.items():
            for name in self.queries:
                if not self.file.get(f"{key} {name}")[0]:
                    wanted.setdefault(graph, []).append(name)
        self.file.release()
        if not wanted:
            return
        prefixes = trigblocks.prefix_lines(trig)
        for block in trigblocks.blocks(trig):
            if block.iri not in wanted:
                continue
            store = ox.Store()
            try:
                store.bulk_load(prefixes + block.text, format=ox.RdfFormat.TRIG, lenient=True)
            except (SyntaxError, ValueError):
                continue
            for name in wanted[block.iri]:
                answer, blank = _ask(store, self.queries[name], [block.iri], False)
                if not blank:
                    self._keep(f"{self.digests[block.iri]} {name}", answer[block.iri])
                    self.from_blocks[name] = self.from_blocks.get(name, 0) + 1

    def save(self) -> None:
        """Keep the answers read or made by this build (and no others) for the next."""
        if self.file is not None:
            self.file.save()
            _remove_others(self.file.path)

    def _graphs(self, store: ox.Store) -> list[str]:
        if self.digests:
            return list(self.digests)
        return sorted(g.value for g in store.named_graphs()
                      if isinstance(g, ox.NamedNode) and g.value.startswith(DOC_GRAPH_PREFIX))

    def _keep(self, key: str, rows: list[Row]) -> None:
        if self.file is not None and self.digests:
            self.file.put(key, json.dumps(rows, ensure_ascii=False,
                                          separators=(",", ":")).encode("utf-8"))


def _ask(store: ox.Store, query: str, graphs: list[str],
         all_at_once: bool) -> tuple[dict[str, list[Row]], set[str]]:
    """The rows of `query` in each of `graphs` (sorted), from the store: the query run once
    over every document graph (`all_at_once`), or once per graph with ?g bound to it; with
    them, the graphs whose rows hold a blank node."""
    wanted = set(graphs)
    shared: dict[str, str] = {}
    out: dict[str, list[Row]] = {g: [] for g in graphs}
    blank: set[str] = set()
    Bound = dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] | None
    bound: list[Bound] = (
        [None] if all_at_once else [{ox.Variable("g"): ox.NamedNode(g)} for g in graphs])
    for substitutions in bound if graphs else []:
        result = store.query(query, substitutions=substitutions)
        assert isinstance(result, ox.QuerySolutions)
        for solution in result:
            terms = list(solution)
            graph = _text(terms[0]) or ""
            if graph not in wanted:
                continue
            if any(isinstance(t, ox.BlankNode) for t in terms):
                blank.add(graph)
            out[graph].append(_shared_row(map(_text, terms[1:]), shared))
    for rows in out.values():
        rows.sort(key=_rank)
    return out, blank


def _shared_row(values: Iterable[str | None], shared: dict[str, str]) -> Row:
    """The row with one string for each value met before: the rows of every document graph
    are held at once, and a document, a speaker or an offset repeats over thousands of them
    (each value read from the store or the cache file is a new string)."""
    return tuple(None if value is None else shared.setdefault(value, value)
                 for value in values)


def _rank(row: Row) -> tuple[str, ...]:
    return tuple(value if value is not None else "" for value in row)


def _text(term: object) -> str | None:
    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return term.value
    return None


def _unit_keys(sources: list[Path], queries: dict[str, str]) -> dict[str, str]:
    """Each document graph's key: the digest of its block of graph.trig and of the file's
    prefix lines. Raises LayoutError when a file is not laid out in blocks or a document
    graph has triples in another file (inferred.trig)."""
    graph_trig, *others = sources
    prefixes = trigblocks.prefix_lines(graph_trig)
    keys: dict[str, str] = {}
    for block in trigblocks.blocks(graph_trig):
        if block.iri.startswith(DOC_GRAPH_PREFIX):
            if block.iri in keys:
                raise trigblocks.LayoutError(f"{block.iri}: two blocks")
            keys[block.iri] = _digest(prefixes, block.digest())
    for other in others:
        for block in trigblocks.blocks(other):
            if block.iri.startswith(DOC_GRAPH_PREFIX):
                raise trigblocks.LayoutError(f"{other.name} writes into {block.iri}")
    return dict(sorted(keys.items()))


def _code_digest(queries: dict[str, str]) -> str:
    from graph.viz.sitecache import code_key  # the code that draws the site, and versions

    return _digest(code_key(), *(f"{name}\0{text}" for name, text in sorted(queries.items())),
                   ox.__version__)[:24]


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _remove_others(kept: Path) -> None:
    """Cache files of other code: never read again."""
    for path in kept.parent.glob("doc-units-*.bin"):
        if path != kept:
            path.unlink(missing_ok=True)
