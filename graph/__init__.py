"""refoulement-kg: a knowledge graph of forced returns of North Koreans, with provenance.

The command line is `rkg` (or `python -m graph`). The same work from Python, one call each,
in the spirit of pySHACL's `validate()`::

    import graph

    result = graph.build("corpus", "out")            # read, extract, infer, validate, site
    print(result.summary())
    rows = graph.query("timeline", "out", {"perpetrator": "rkgd:state/china"})
    graph.export("out", "jsonld", "graph.jsonld")
    print(graph.evaluate("tests/fixtures/gold", "out").overall)

Every function raises `graph.errors.RkgError` (with a message naming the file or value at
fault) for anything the user can fix. Importing `graph` is cheap: the heavy libraries load
on the first call.
"""

from __future__ import annotations

import shutil
import sys
import types
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.builder import BuildResult
    from graph.evaluate import Scores

__version__ = "0.1.0"
__all__ = ["__version__", "build", "evaluate", "export", "query"]


def build(corpus: str | Path, out: str | Path = "out", *, reason: bool = True,
          site: bool = True, strict: bool = False, jobs: int = 1,
          reference: str | Path | None = None, store: str = "memory") -> BuildResult:
    """Build the graph of the documents in `corpus` into the folder `out`, as `rkg build`.

    `reason=False` skips inference, `site=False` the offline site; `strict=True` fails on
    any bad input file instead of reporting it. Returns the build's record: documents,
    problems (each naming its file), fact counts, triples. Raises `RkgError`. Outputs are
    published as one generation (graph.generations): a failure keeps the last good build.
    """
    from graph.builder import build_graph
    from graph.cli.build_cmd import after_build, check_out_folder
    from graph.errors import environment_problem
    from graph.generations import building, new_generation, publish

    out = Path(out)
    try:
        check_out_folder(out)
        with building(out):
            generation = new_generation(out)
            try:
                result = build_graph(Path(corpus), generation,
                                     reference_dir=str(reference or ""), jobs=jobs,
                                     strict=strict, store=store, cache_dir=out / ".cache",
                                     label=out)
                result.stage_lines = [line.replace(str(generation), str(out)) for line in
                                      after_build(generation, reason=reason, site=site,
                                                  cache_dir=out / ".cache")]
                publish(out, generation)
            except BaseException:
                shutil.rmtree(generation, ignore_errors=True)
                raise
    except OSError as exc:
        raise environment_problem(exc, "the build") from exc
    return result


def query(name: str, graph: str | Path = "out", params: Mapping[str, str] | None = None,
          *, store: str = "oxigraph") -> list[dict[str, Any]]:
    """Run a pack query (`timeline`, `statements` ...; `rkg queries` lists them) or a `.rq`
    file on the build in `graph`. `params` are the query's parameters as strings, bound as
    typed RDF terms (never pasted into the text). Returns the rows as plain dicts."""
    from graph.query import resolve, run_query
    from graph.store import open_dataset

    return run_query(resolve(name), open_dataset(Path(graph), store), params).records()


def export(graph: str | Path = "out", fmt: str = "ttl", out: str | Path | None = None) -> None:
    """Write the build in `graph` as `fmt` (ttl, trig, nq, jsonld, graphml, csv) to the file
    `out` (a folder for csv)."""
    from graph.exports import export as write_export

    write_export(Path(graph), fmt, Path(out) if out is not None else None)


def evaluate(gold: str | Path, graph: str | Path = "out") -> Scores:
    """Score the build in `graph` against a folder of gold YAML files; `.overall` is the
    headline F1, `.table()` the full table, `.tallies` the counts per category."""
    from graph.evaluate import load_gold, score
    from graph.report import facts_report

    return score(load_gold(Path(gold)), facts_report(Path(graph)))


class _Package(types.ModuleType):
    """`graph.query` and `graph.evaluate` are also submodules. Importing a submodule binds it
    as an attribute of its package, which would replace the API function of the same name
    (and `graph.query(...)` would fail depending on what was imported first); the modules stay
    reachable as `from graph.query import ...` through sys.modules."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in __all__ and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
