"""`rkg build`: read a corpus folder and write the knowledge graph."""

from __future__ import annotations

import concurrent.futures
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from graph.errors import EnvironmentProblem, RkgError, environment_problem
from graph.generations import SITES, building, new_generation, publish

if TYPE_CHECKING:
    from graph.builder import BuildResult
    from graph.validationjob import ValidationJob

DEFAULT_CORPUS = Path("corpus")
OVERLAP_UP_TO = 200 * 2**20  # bytes of graph.trig (`overlapping`; 1,000 documents: 48 MB)


def default_jobs() -> int:
    """The cores this process may run on (graph.executors, imported only when asked: `rkg
    --help` stays light)."""
    from graph.executors import usable_cores

    return usable_cores()


def default_corpus() -> Path:
    """`corpus/` in the current folder if there is one, else the sample corpus shipped with
    the package (so `rkg build` in an empty folder shows what a build gives)."""
    from graph.datafiles import data_dir

    return DEFAULT_CORPUS if DEFAULT_CORPUS.is_dir() else data_dir("corpus")


def register(group: click.Group) -> None:
    @group.command("build")
    @click.argument("corpus", type=click.Path(path_type=Path), default=None, required=False)
    @click.option("--out", "out", type=click.Path(path_type=Path), default=Path("out"),
                  show_default=True, help="Output folder.")
    @click.option("--reference", type=click.Path(path_type=Path, exists=True, file_okay=False),
                  default=None, help="Registry folder (default: ontology/reference).")
    @click.option("--jobs", "-j", type=click.IntRange(min=1), default=default_jobs,
                  show_default="number of cores",
                  help="Processes extracting facts (the output is the same for any number).")
    @click.option("--store", default="memory", show_default=True, metavar="SPEC",
                  help="Also put the graph in this store: memory, oxigraph:DIR (a persistent "
                       "Oxigraph folder) or sparql:URL[,gsp=URL] (a SPARQL 1.1 endpoint; "
                       "docs/stores.md). Only changed named graphs are rewritten.")
    @click.option("--curation", "curation_file", type=click.Path(path_type=Path, dir_okay=False),
                  default=None, help="Researchers' decisions (default: CORPUS/curation.yaml; "
                                     "docs/linking.md).")
    @click.option("--executor", default="local", show_default=True, metavar="SPEC",
                  help="Where extraction runs: local (--jobs processes) or dask://HOST:PORT "
                       "(a Dask scheduler; same outputs; docs/scale.md).")
    @click.option("--strict", is_flag=True,
                  help="Exit non-zero when any input file is bad (default: skip it).")
    @click.option("--no-reason", is_flag=True,
                  help="Skip inference (SPARQL rules and HermiT); SHACL validation still runs.")
    @click.option("--no-site", is_flag=True, help="Do not write the offline site out/site/.")
    @click.option("--no-serve-store", is_flag=True,
                  help="Do not load out/oxigraph/ for `rkg serve` (it then loads on its first "
                       "start).")
    @click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
    def command(corpus: Path | None, out: Path, reference: Path | None, jobs: int, store: str,
                curation_file: Path | None, executor: str, strict: bool,
                no_reason: bool, no_site: bool, no_serve_store: bool, quiet: bool) -> None:
        """Build the graph from CORPUS (default: corpus/, else the bundled samples) into --out.

        Reads .txt, .md, .html, .pdf and .docx files in any common encoding (metadata from
        CORPUS/sources.yaml or a header block), extracts facts with sentence-level evidence
        and writes out/graph.ttl, out/graph.trig, out/build.json and out/summary.txt; then
        infers (out/inferred.trig), loads the store `rkg serve` reads (out/oxigraph/),
        validates with SHACL (out/validation.txt) and writes the offline site (out/site/).
        Bad files are named with the reason in summary.txt and build.json and skipped
        (--strict: the build fails instead); a folder with no readable document is an error;
        nothing already built is lost when a build fails.

        Example: rkg build corpus --out out

        Example: rkg build corpus --store oxigraph:store --jobs 2

        Example: rkg build corpus --executor dask://scheduler.example:8786
        """
        from graph.builder import build_graph

        if corpus is None:
            corpus = default_corpus()
            if corpus != DEFAULT_CORPUS and not quiet:
                click.echo(f"No {DEFAULT_CORPUS}/ here: building the bundled sample corpus "
                           f"({corpus}).", err=True)
        progress = None
        bar = None
        if not quiet:
            from rich.progress import Progress

            bar = Progress(transient=True)
            task = bar.add_task("extracting", total=None)

            def progress(name: str, n: int, total: int) -> None:
                bar.update(task, total=total, completed=n - 1, description=f"reading {name}")

            bar.start()
        try:
            check_out_folder(out)
            with building(out):
                run_build(build_graph, corpus, out, reference, jobs, store, curation_file,
                          strict, no_reason, no_site, quiet, progress, bar,
                          serve_store=not no_serve_store, executor=executor)
        except OSError as exc:
            raise click.ClickException(str(environment_problem(exc, "the build"))) from exc
        except RkgError as exc:
            raise click.ClickException(str(exc)) from exc


def run_build(build_graph: Callable[..., BuildResult], corpus: Path, out: Path,
              reference: Path | None, jobs: int, store: str, curation_file: Path | None,
              strict: bool, no_reason: bool, no_site: bool, quiet: bool,
              progress: Callable[[str, int, int], None] | None, bar: Any,
              serve_store: bool = True, executor: str = "local") -> None:
    """One build into a fresh generation of `out`, published only when every stage ended."""
    from graph import unchanged
    from graph.turtlejob import TurtleJob

    generation = new_generation(out)
    turtle = None
    try:
        started = time.perf_counter()
        # every input of the graph stage hashed: the same as the published build's, its
        # graph files are taken as they are (graph/unchanged.py; only the memory store)
        inputs = (unchanged.Inputs(corpus, out, reference, curation_file, strict)
                  if store == "memory" else None)
        key = inputs.key() if inputs is not None else None
        try:
            if key is not None and unchanged.reuse(out, generation, key):
                summary = _reused_summary(out, generation, time.perf_counter() - started)
            else:
                options = {"corpus": corpus, "out": generation,
                           "reference_dir": str(reference or ""), "strict": strict,
                           "jobs": jobs, "store": store, "curation_file": curation_file,
                           "cache_dir": out / ".cache", "label": out, "executor": executor,
                           "turtle_apart": True}
                result = _graph_stage(build_graph, progress, options)
                if result.turtle_union is not None:  # written while the build infers
                    turtle = TurtleJob(result.turtle_union, generation / "graph.ttl")
                if inputs is not None and result.identities_settled:
                    # the next build reads the identities this one wrote, and links as it did
                    key = inputs.key(generation / "identities.json")
                if key is not None:
                    unchanged.record(generation, key)
                summary = result.summary()
                del result
                from graph.builder import release_memory

                release_memory()
        finally:
            if bar is not None:
                bar.stop()
        if not quiet:
            click.echo(summary)

        def shown(line: str) -> str:  # users see out/, not the generation being written
            return line.replace(str(generation), str(out))

        announce = None if quiet else (lambda line: click.echo(shown(line), err=True))
        for line in after_build(generation, reason=not no_reason, site=not no_site,
                                serve_store=serve_store, announce=announce,
                                cache_dir=out / ".cache", jobs=jobs):
            if not quiet:
                click.echo(shown(line))
        if turtle is not None:
            turtle.wait()
        publish(out, generation)
    except BaseException:
        if turtle is not None:
            turtle.stop()
        shutil.rmtree(generation, ignore_errors=True)
        raise


def _graph_stage(build_graph: Callable[..., BuildResult],
                 progress: Callable[[str, int, int], None] | None,
                 options: dict[str, Any]) -> BuildResult:
    """The graph stage, in a process of its own for a large corpus (graph/cli/graphstage.py:
    its heap is then gone before the later stages add theirs)."""
    from graph import builder
    from graph.cli import graphstage

    if build_graph is builder.build_graph and graphstage.apart(options["corpus"]):
        return graphstage.build_graph_apart(progress, **options)
    return build_graph(progress=progress, **options)


def _reused_summary(out: Path, generation: Path, seconds: float) -> str:
    """The summary of a build that took the published graph files: the published summary
    with its first line saying so (also written to summary.txt)."""
    import json

    from graph.rdfio import write_text

    documents = len(json.loads((generation / "build.json").read_text(encoding="utf-8"))
                    .get("documents", []))
    lines = (out / "current" / "summary.txt").read_text(encoding="utf-8").splitlines()
    first = (f"Built {out}/graph.ttl from {documents} documents in {seconds:.1f} s (every "
             "input unchanged: the published build's graph files reused).")
    text = "\n".join([first, *lines[1:]])
    write_text(generation / "summary.txt", text + "\n")
    return text


def check_out_folder(out: Path) -> None:
    """--out must be a folder (or not exist yet), with no file where the build writes a
    folder and no folder where it writes a file."""
    if out.exists() and not out.is_dir():
        raise EnvironmentProblem(f"--out {out} is a file, not a folder: choose another --out")
    for name in (".cache", "site"):
        if (out / name).exists() and not (out / name).is_dir():
            raise EnvironmentProblem(f"{out / name} is a file where the build keeps a folder: "
                                     "move it away")
    for name in ("graph.trig", "graph.ttl", "build.json", "summary.txt"):
        if (out / name).is_dir():
            raise EnvironmentProblem(f"{out / name} is a folder where the build writes a "
                                     "file: move it away")


def after_build(out: Path, *, reason: bool = True, site: bool = True, serve_store: bool = False,
                announce: Callable[[str], None] | None = None,
                cache_dir: Path | None = None, jobs: int | None = None) -> Iterator[str]:
    """The stages after the graph: inference, the serve store, SHACL validation, the site.
    Yields each stage's summary lines (inference's as it ends, then the serve store's,
    validation's and the site's, in that order); `announce` hears when a stage starts (they
    take minutes on large corpora). `cache_dir` (default out/.cache) keeps inference and
    validation caches: pass the published folder's .cache when `out` is a fresh generation,
    or they would never be reused. `jobs`: the processes the site stage may run at once
    (graph.viz.build_site).

    They overlap where neither reads what the other writes (docs/scale.md, "The stages
    after the graph"): the serve store loads graph.trig (Oxigraph's Rust bulk loader lets go
    of the GIL) while inference runs, and adds inferred.trig after it; SHACL validates in a
    child process (graph/validationjob.py) while the site, which reads the store, is drawn.
    A graph larger than `OVERLAP_UP_TO` runs them in turn (`overlapping`)."""
    from graph.reasoning import INFERRED_FILE, REPORT_FILE, run_reasoning

    say = announce or (lambda _message: None)
    beside = overlapping(out)
    loading = _ServeStore(out, cache_dir, say, early=beside) if serve_store else None
    try:
        if reason:
            say("Inference: SPARQL rules, then HermiT (--no-reason skips it) ...")
            yield from run_reasoning(out, cache_dir=cache_dir).lines()
        else:
            for name in (INFERRED_FILE, REPORT_FILE):
                (out / name).unlink(missing_ok=True)  # no stale inference for this build
            yield "Inference skipped (--no-reason)."
        if loading is not None:
            loading.add_inferred()
        lines = (_validate_and_draw(out, loading, say, cache_dir, jobs) if site and beside
                 else _validate(out, loading, say, cache_dir))
    except BaseException:
        if loading is not None:  # a load cannot be stopped: let it end before the caller
            loading.wait()  # removes the generation it writes into
        raise
    yield from lines
    if site and not beside:  # the site after validation (the store is made by now)
        yield _draw(out, say, cache_dir, jobs, None)


def _validate(out: Path, loading: _ServeStore | None, say: Callable[[str], None],
              cache_dir: Path | None) -> list[str]:
    """SHACL validation in this process while the serve store ends in its thread."""
    from graph.validation import validate
    from graph.validationjob import SHOWN

    say("SHACL validation (pySHACL's report, cached) ...")
    validated = validate(out, cache_dir=cache_dir).lines(limit=SHOWN)
    return ([loading.result()] if loading is not None else []) + validated


def _validate_and_draw(out: Path, loading: _ServeStore | None, say: Callable[[str], None],
                       cache_dir: Path | None, jobs: int | None) -> list[str]:
    """SHACL validation in a child process while the site is drawn (it waits for the
    serve store, which it reads); the child is ended if the site fails."""
    from graph.validationjob import ValidationJob

    say("SHACL validation (pySHACL's report, cached), beside the site ...")
    validation = ValidationJob(out, cache_dir)  # its process starts if the site is drawn
    try:
        stored = [loading.result()] if loading is not None else []
        drawn = _draw(out, say, cache_dir, jobs, validation)
        validated = validation.lines()
    except BaseException:
        validation.stop()
        raise
    return [*stored, *validated, drawn]


def _draw(out: Path, say: Callable[[str], None], cache_dir: Path | None, jobs: int | None,
          validation: ValidationJob | None) -> str:
    """The site stage; its summary line. `validation`: the child validating beside it, or
    None when validation.txt is written already."""
    from graph.builder import release_memory
    from graph.viz import build_site

    # what the stages before freed goes back to the system first: the site stage runs in
    # this process, and its peak would otherwise sit on top of theirs
    release_memory()
    say(f"Writing the offline site {out / 'site'}/ (--no-site skips it) ...")
    published = cache_dir.parent / "site" if cache_dir is not None else None
    # a fresh generation's site is shelved under the output folder (graph/generations.py)
    shelf = cache_dir.parent / SITES if cache_dir is not None else None
    return build_site(out, previous=published if published and published.is_dir() else None,
                      shelf=shelf, cache=cache_dir / "site" if cache_dir is not None else None,
                      jobs=jobs, validation=validation).summary()


def overlapping(out: Path) -> bool:
    """Whether the stages after the graph overlap (the serve store beside inference, SHACL's
    child beside the site): only for a graph small enough that the processes' peaks fit
    side by side. At 10,000 generated documents (graph files of 550 MB) inference peaked at
    1.6 GB, the site at 1.36 GB and SHACL at 0.88 GB one after the other; side by side they
    would not stay under 2 GB (bench/README.md), so such a build runs them in turn."""
    from graph.store import graph_file

    return graph_file(out).stat().st_size <= OVERLAP_UP_TO


class _ServeStore:
    """The store `rkg serve` reads, loaded in a thread of its own: graph.trig while
    inference runs (`prepare_graph_part`), then inferred.trig (`prepare_store`)."""

    def __init__(self, out: Path, cache_dir: Path | None, say: Callable[[str], None],
                 early: bool = True) -> None:
        from graph.serve.store import STORE_DIR, prepare_graph_part

        # the published build's store, which a changed build updates graph by graph
        previous = cache_dir.parent / STORE_DIR if cache_dir is not None else None
        self.out, self.previous = out, previous if previous and previous.is_dir() else None
        self.seconds = 0.0  # of loading, not of waiting for inference
        self.say = say
        if early:
            say("Loading the store rkg serve reads (--no-serve-store skips it) ...")
        self.pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="serve-store")
        # `early`: graph.trig loads beside inference (otherwise both files after it)
        self.part = self.pool.submit(self._timed, prepare_graph_part, out, self.previous) \
            if early else None
        self.whole: concurrent.futures.Future[Path] | None = None

    def _timed(self, load: Callable[..., Any], *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return load(*args)
        finally:
            self.seconds += time.perf_counter() - started

    def add_inferred(self) -> None:
        """Inference has ended: bring the store up to date with inferred.trig (in the same
        thread, after the part; without a part, prepare_store loads both files)."""
        from graph.serve.store import prepare_store

        if self.part is None:
            self.say("Loading the store rkg serve reads (--no-serve-store skips it) ...")

        def whole() -> Path:
            if self.part is not None:
                self.part.result()  # a failed part is the stage's error
            return self._timed(prepare_store, self.out, None, self.previous)

        self.whole = self.pool.submit(whole)
        self.pool.shutdown(wait=False)  # the thread ends with its tasks

    def result(self) -> str:
        """The stage's summary line, once the store is made."""
        assert self.whole is not None, "add_inferred() first"
        where = self.whole.result()
        return (f"Serve store: {where} in {self.seconds:.1f} s "
                "(rkg serve starts without loading)")

    def wait(self) -> None:
        """Let a load under way end (it cannot be stopped); the next is not started."""
        self.pool.shutdown(wait=True, cancel_futures=True)
