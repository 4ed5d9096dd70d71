"""Latency of every pack query on the sample graph and on a synthetic ~1M-triple graph, on the
Oxigraph store and on rdflib's memory store.

    python bench/queries.py [--graph OUT] [--size 1000000] [--runs 3]
                            [--skip-memory-above 300000] [--no-synthetic]

The sample is `corpus/` built (and reasoned) into a temporary folder unless --graph names a
build. The synthetic graph replicates the sample's per-document and canonical graphs with new
IRIs (documents, mentions, claims, events, statements, counts, discovered entities get a
`-s{k}` suffix) while the registry and ontology stay shared, so joins fan in on the same
states, places and treaties as real data would; the rules then run over it to produce its
inferred graph. Each query runs with the parameters of its first header example; the figure
is the median of --runs runs after one warm-up, in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.query import QueryDef, load_pack, run_query  # noqa: E402
from graph.store import open_dataset  # noqa: E402

DATA = "https://w3id.org/refoulement-kg/id/"
MINTED = ("doc/", "mention/", "claim/", "forced-return/", "detention/", "visit/",
          "speech-act/", "treaty-statement/", "resolution-adoption/", "upr-review/",
          "tenure/", "harm-report/", "practice/", "count/", "graph/doc/")
SHARED_GRAPHS = (f"{DATA}graph/ontology", f"{DATA}graph/registry", f"{DATA}graph/build",
                 f"{DATA}graph/inferred")


def example_params(query: QueryDef) -> dict[str, str]:
    if not query.examples:
        return {}
    words = query.examples[0].split()
    return dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--param")


def _minted(iri: str) -> bool:
    if not iri.startswith(DATA):
        return False
    rest = iri[len(DATA):]
    return rest.startswith(MINTED) or "/new-" in rest


def _rename(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, k: int
            ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
    if isinstance(term, ox.NamedNode) and _minted(term.value):
        return ox.NamedNode(f"{term.value}-s{k}")
    return term


def synthetic_quads(build: Path, size: int) -> Iterator[ox.Quad]:
    """The build's quads, plus copies of its document and canonical graphs up to `size`."""
    quads = list(ox.parse(path=str(build / "graph.trig"), format=ox.RdfFormat.TRIG))
    private = [q for q in quads if str(q.graph_name.value) not in SHARED_GRAPHS]
    yield from quads
    copies = max(0, (size - len(quads)) // max(1, len(private)))
    for k in range(1, copies + 1):
        for q in private:
            graph = q.graph_name
            subject = q.subject
            if isinstance(subject, ox.NamedNode) and _minted(subject.value):
                subject = ox.NamedNode(f"{subject.value}-s{k}")
            yield ox.Quad(subject, q.predicate, _rename(q.object, k),
                          ox.NamedNode(f"{graph.value}-s{k}") if isinstance(graph, ox.NamedNode)
                          else graph)


def write_synthetic(build: Path, size: int, path: Path) -> int:
    count = 0

    def counted(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        nonlocal count
        for quad in quads:
            count += 1
            yield quad

    with path.open("wb") as handle:
        ox.serialize(counted(synthetic_quads(build, size)), handle, ox.RdfFormat.N_QUADS)
    return count


def open_nquads(path: Path, store: str) -> Dataset:
    if store == "oxigraph":
        ds = Dataset(store="Oxigraph", default_union=True)
        ds.parse(path, format="ox-nquads")
    else:
        ds = Dataset(default_union=True)
        ds.parse(path, format="nquads")
    return ds


def time_pack(ds: Dataset, pack: dict[str, QueryDef], runs: int) -> dict[str, tuple[float, int]]:
    """name -> (median milliseconds, rows)."""
    figures = {}
    for name, query in sorted(pack.items()):
        params = example_params(query)
        result = run_query(query, ds, params)  # warm-up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            result = run_query(query, ds, params)
            times.append((time.perf_counter() - started) * 1000)
        figures[name] = (statistics.median(times), len(result.rows))
        print(f"    {name:24} {figures[name][0]:10.1f} ms  {figures[name][1]:6} rows",
              file=sys.stderr, flush=True)
    return figures


def sample_build(work: Path) -> Path:
    from graph.builder import build_graph
    from graph.reasoning import reason

    out = work / "sample"
    build_graph(ROOT / "corpus", out)
    reason(out, owl=False)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, help="a build folder (default: build corpus/)")
    parser.add_argument("--size", type=int, default=1_000_000,
                        help="triples in the synthetic graph (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query")
    parser.add_argument("--skip-memory-above", type=int, default=300_000, metavar="N",
                        help="skip rdflib's memory store on graphs over N triples")
    parser.add_argument("--no-synthetic", action="store_true", help="only the sample")
    args = parser.parse_args(argv)

    pack = load_pack()
    columns: dict[str, dict[str, tuple[float, int]]] = {}
    with tempfile.TemporaryDirectory(prefix="rkg-bench-") as tmp:
        work = Path(tmp)
        build = args.graph or sample_build(work)
        for store in ("oxigraph", "memory"):
            print(f"sample, {store}:", file=sys.stderr)
            columns[f"sample {store}"] = time_pack(open_dataset(build, store), pack, args.runs)
        if not args.no_synthetic:
            from graph.reasoning import INFERRED_GRAPH, apply_rules

            path = work / "synthetic.nq"
            started = time.perf_counter()
            triples = write_synthetic(build, args.size, path)
            print(f"synthetic graph: {triples} quads written in "
                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
            started = time.perf_counter()
            ds = open_nquads(path, "oxigraph")
            loaded = time.perf_counter() - started
            started = time.perf_counter()
            apply_rules(ds)
            ruled = time.perf_counter() - started
            inferred = work / "synthetic-inferred.nq"
            with inferred.open("wb") as handle:
                ox.serialize((ox.Quad(ox.NamedNode(str(s)), ox.NamedNode(str(p)),
                                      _ox_term(o), ox.NamedNode(str(INFERRED_GRAPH)))
                              for s, p, o in ds.graph(INFERRED_GRAPH)),
                             handle, ox.RdfFormat.N_QUADS)
            print(f"synthetic, oxigraph: loaded in {loaded:.1f} s; rules in {ruled:.1f} s",
                  file=sys.stderr)
            columns[f"{triples // 1000}k oxigraph"] = time_pack(ds, pack, args.runs)
            del ds
            if triples <= args.skip_memory_above:
                print("synthetic, memory:", file=sys.stderr)
                mem = open_nquads(path, "memory")
                mem.parse(inferred, format="nquads")
                columns[f"{triples // 1000}k memory"] = time_pack(mem, pack, args.runs)
            else:
                print(f"synthetic, memory: skipped ({triples} > --skip-memory-above "
                      f"{args.skip_memory_above})", file=sys.stderr)
    names = sorted(pack)
    header = ["query", *(f"{c} (ms)" for c in columns), "rows (sample)"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " for _ in header) + "|")
    first = next(iter(columns.values()))
    for name in names:
        cells = [f"{columns[c][name][0]:.1f}" for c in columns]
        print(f"| {name} | " + " | ".join(cells) + f" | {first[name][1]} |")
    return 0


def _ox_term(term: object) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    from graph.rdfio import to_ox

    return to_ox(term)


if __name__ == "__main__":
    raise SystemExit(main())
