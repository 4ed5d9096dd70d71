"""`rkg export`: write the graph, or the facts report, in another format."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from graph.errors import RkgError

FORMATS = ("ttl", "trig", "nq", "jsonld", "graphml", "csv", "facts")


def register(group: click.Group) -> None:
    @group.command("export")
    @click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
                  help="ttl, trig, nq, jsonld, graphml, csv (a folder of tables) or facts "
                       "(the report of docs/evaluation.md, computed by SPARQL over the graph).")
    @click.option("--graph", "graph_dir", type=click.Path(path_type=Path), default=Path("out"),
                  show_default=True, help="A build's output folder.")
    @click.option("--out", "out", type=click.Path(path_type=Path), default=None,
                  help="Output file (a folder for csv); default: standard output.")
    def command(fmt: str, graph_dir: Path, out: Path | None) -> None:
        """Export a build in another format.

        Example: rkg export --format facts --graph out --out out/facts.json
        """
        try:
            if fmt == "facts":
                from graph.rdfio import write_text
                from graph.report import facts_report

                text = json.dumps(facts_report(graph_dir), indent=2, ensure_ascii=False) + "\n"
                if out is None:
                    sys.stdout.write(text)
                else:
                    write_text(out, text)
                return
            try:
                from graph.exports import export
            except ImportError as exc:
                raise click.ClickException(
                    f"'rkg export --format {fmt}' is not built yet.") from exc
            export(graph_dir, fmt, out)
        except RkgError as exc:
            raise click.ClickException(str(exc)) from exc
