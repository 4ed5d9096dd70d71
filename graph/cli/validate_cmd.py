"""`rkg validate` (SHACL report of a build) and `rkg reason` (rules + HermiT into the inferred
graph of a build)."""

from __future__ import annotations

from pathlib import Path

import click

from graph.errors import RkgError

GRAPH_OPTION = click.option(
    "--graph", "graph_dir", type=click.Path(path_type=Path), default=Path("out"),
    show_default=True, help="A build's output folder (holding graph.trig).")


def register(group: click.Group) -> None:
    @group.command("validate")
    @GRAPH_OPTION
    @click.option("--inference", type=click.Choice(["none", "rdfs"]), default="none",
                  show_default=True,
                  help="pySHACL inference; the shapes need none (rdfs is ~5x slower).")
    @click.option("--limit", type=int, default=20, show_default=True,
                  help="Violations to print (all are in validation.txt).")
    @click.option("--strict", is_flag=True, help="Exit with status 1 on any violation.")
    def validate_command(graph_dir: Path, inference: str, limit: int, strict: bool) -> None:
        """Check a build against ontology/shapes.ttl with pySHACL.

        Validates the union of the build's graphs (and its inferred graph, when up to date)
        and writes validation.txt (for people) and validation.json (for programs) into the
        build folder. Each violation names its focus node, path and message.

        Example: rkg validate --graph out
        """
        from graph.validation import validate

        try:
            report = validate(graph_dir, inference=inference)
        except (RkgError, ValueError, FileNotFoundError) as exc:
            raise click.ClickException(str(exc)) from exc
        for line in report.lines(limit=limit):
            click.echo(line)
        if strict and report.violations:
            raise click.ClickException(f"{report.violations} SHACL violations")

    @group.command("reason")
    @GRAPH_OPTION
    @click.option("--no-owl", is_flag=True, help="Only the SPARQL rules; skip HermiT (Java).")
    @click.option("--store", type=click.Choice(["oxigraph", "memory"]), default="oxigraph",
                  show_default=True, help="Engine for the rules.")
    def reason_command(graph_dir: Path, no_owl: bool, store: str) -> None:
        """Run the inference rules (queries/rules/) and HermiT on a build.

        Writes inferred.trig (the named graph rkgd:graph/inferred: place containment,
        isPartyTo, boundByNorm, possible-breach flags for review, HermiT's classifications,
        each tied to its rule) and reasoning.txt into the build folder. `rkg build` does this
        already unless given --no-reason.

        Example: rkg reason --graph out
        """
        from graph.reasoning import reason

        try:
            result = reason(graph_dir, owl=not no_owl, store=store)
        except (RkgError, ValueError, FileNotFoundError) as exc:
            raise click.ClickException(str(exc)) from exc
        for line in result.lines():
            click.echo(line)
