"""`rkg build`: read a corpus folder and write the knowledge graph."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import click

from graph.errors import RkgError

DEFAULT_CORPUS = Path("corpus")


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def register(group: click.Group) -> None:
    @group.command("build")
    @click.argument("corpus", type=click.Path(path_type=Path), default=DEFAULT_CORPUS,
                    required=False)
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
    @click.option("--executor", default="local", show_default=True, metavar="SPEC",
                  help="Where extraction runs: local (--jobs processes) or dask://HOST:PORT "
                       "(a Dask scheduler; same outputs; docs/scale.md).")
    @click.option("--strict", is_flag=True,
                  help="Exit non-zero when any input file is bad (default: skip it).")
    @click.option("--no-reason", is_flag=True,
                  help="Skip inference (SPARQL rules and HermiT); SHACL validation still runs.")
    @click.option("--no-site", is_flag=True, help="Do not write the offline site out/site/.")
    @click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
    def command(corpus: Path, out: Path, reference: Path | None, jobs: int, store: str,
                executor: str, strict: bool,
                no_reason: bool, no_site: bool, quiet: bool) -> None:
        """Build the graph from CORPUS (default: corpus/) into --out (default: out/).

        Reads .txt, .md and .html files (metadata from CORPUS/sources.yaml or a header
        block), extracts facts with sentence-level evidence and writes out/graph.ttl,
        out/graph.trig, out/build.json and out/summary.txt; then infers (out/inferred.trig),
        validates with SHACL (out/validation.txt) and writes the offline site (out/site/).
        Bad files are named and skipped; nothing already built is lost when a build fails.

        Example: rkg build corpus --out out

        Example: rkg build corpus --store oxigraph:store --jobs 2

        Example: rkg build corpus --executor dask://scheduler.example:8786
        """
        from graph.builder import build_graph

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
            result = build_graph(corpus, out, reference_dir=str(reference or ""),
                                 strict=strict, progress=progress, jobs=jobs, store=store,
                                 executor=executor)
        except RkgError as exc:
            raise click.ClickException(str(exc)) from exc
        finally:
            if bar is not None:
                bar.stop()
        if not quiet:
            click.echo(result.summary())
        try:
            announce = None if quiet else partial(click.echo, err=True)
            for line in after_build(out, reason=not no_reason, site=not no_site,
                                    announce=announce):
                if not quiet:
                    click.echo(line)
        except RkgError as exc:
            raise click.ClickException(str(exc)) from exc


def after_build(out: Path, *, reason: bool = True, site: bool = True,
                announce: Callable[[str], None] | None = None) -> Iterator[str]:
    """The stages after the graph: inference, SHACL validation, the site (in that order, so
    the site shows the validation result). Yields each stage's summary lines as it ends;
    `announce` hears when a stage starts (they take minutes on large corpora)."""
    from graph.reasoning import INFERRED_FILE, REPORT_FILE, run_reasoning
    from graph.validation import validate

    say = announce or (lambda _message: None)
    if reason:
        say("Inference: SPARQL rules, then HermiT (--no-reason skips it) ...")
        yield from run_reasoning(out).lines()
    else:
        for name in (INFERRED_FILE, REPORT_FILE):
            (out / name).unlink(missing_ok=True)  # no stale inference for this build
        yield "Inference skipped (--no-reason)."
    say("SHACL validation (pySHACL, one named graph at a time, cached) ...")
    yield from validate(out).lines(limit=10)
    if site:
        from graph.viz import build_site

        say(f"Writing the offline site {out / 'site'}/ (--no-site skips it) ...")
        yield build_site(out).summary()
