"""The `rkg` command line: one module per command, wired into one click group here."""

from __future__ import annotations

import click

from graph import __version__
from graph.cli import (
    build_cmd,
    evaluate_cmd,
    export_cmd,
    ontology_cmd,
    pack_cmd,
    query_cmd,
    review_cmd,
    serve_cmd,
    validate_cmd,
    viz_cmd,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rkg")
def cli() -> None:
    """refoulement-kg: build, query and explore a knowledge graph of forced returns.

    Example: rkg build corpus --out out
    """


for module in (build_cmd, query_cmd, export_cmd, viz_cmd, validate_cmd, serve_cmd,
               evaluate_cmd, ontology_cmd, review_cmd, pack_cmd):
    module.register(cli)


def main() -> None:
    cli(prog_name="rkg")
