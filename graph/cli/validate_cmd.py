"""`rkg validate`: SHACL report of a build (optionally after running the inference rules)."""

from __future__ import annotations

from pathlib import Path

import click

from graph.errors import RkgError


def register(group: click.Group) -> None:
    @group.command("validate")
    @click.option("--graph", "graph_dir", type=click.Path(path_type=Path), default=Path("out"),
                  show_default=True, help="A build's output folder (holding graph.trig).")
    @click.option("--reason", "run_reasoning", is_flag=True,
                  help="First run the inference rules and HermiT (rewrites inferred.trig).")
    @click.option("--no-owl", is_flag=True, help="With --reason: skip HermiT (Java).")
    @click.option("--inference", type=click.Choice(["none", "rdfs"]), default="none",
                  show_default=True,
                  help="pySHACL inference; the shapes need none (rdfs is ~5x slower).")
    @click.option("--engine", type=click.Choice(["native", "pyshacl"]), default=None,
                  help="native: graph/shaclnative.py, pySHACL's report in one pass (pySHACL "
                       "itself when the shapes leave its subset); pyshacl: pySHACL. Default: "
                       "$RKG_SHACL_ENGINE, else native.")
    @click.option("--limit", type=int, default=20, show_default=True,
                  help="Violations to print (all are in validation.txt).")
    @click.option("--strict", is_flag=True, help="Exit with status 1 on any violation.")
    def validate_command(graph_dir: Path, run_reasoning: bool, no_owl: bool, inference: str,
                         engine: str | None, limit: int, strict: bool) -> None:
        """Check a build against ontology/shapes.ttl (pySHACL's report).

        Validates the union of the build's graphs (and its inferred graph, when up to date)
        and writes validation.txt (for people) and validation.json (for programs) into the
        build folder. Each violation names its focus node, path and message. With --reason,
        the rules of queries/rules/ and HermiT run first and write inferred.trig and
        reasoning.txt (as `rkg build` does unless given --no-reason).

        Example: rkg validate --graph out --reason
        """
        from graph.reasoning import reason
        from graph.validation import validate

        try:
            if run_reasoning:
                for line in reason(graph_dir, owl=not no_owl).lines():
                    click.echo(line)
            report = validate(graph_dir, inference=inference, engine=engine)
        except (RkgError, ValueError, FileNotFoundError) as exc:
            raise click.ClickException(str(exc)) from exc
        for line in report.lines(limit=limit):
            click.echo(line)
        if strict and report.violations:
            raise click.ClickException(f"{report.violations} SHACL violations")
