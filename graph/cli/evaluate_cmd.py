"""`rkg evaluate`: score a build's facts report against gold facts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from graph.errors import RkgError


def register(group: click.Group) -> None:
    @group.command("evaluate")
    @click.option("--gold", type=click.Path(path_type=Path, exists=True, file_okay=False),
                  required=True, help="Folder of gold YAML files (schema: docs/evaluation.md).")
    @click.option("--graph", "graph_dir", type=click.Path(path_type=Path), default=Path("out"),
                  show_default=True, help="A build's output folder.")
    @click.option("--per-doc", is_flag=True, help="Also score each document alone.")
    @click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
    def command(gold: Path, graph_dir: Path, per_doc: bool, as_json: bool) -> None:
        """Score the facts report of a build against gold facts (the rules of
        docs/evaluation.md).

        Example: rkg evaluate --gold tests/fixtures/gold --graph out
        """
        from graph.evaluate import CATEGORIES, load_gold, score
        from graph.report import facts_report

        try:
            report = facts_report(graph_dir)
        except RkgError as exc:
            raise click.ClickException(str(exc)) from exc
        golds = load_gold(gold)
        if not golds:
            raise click.ClickException(f"{gold}: no gold YAML files with a 'document' key")
        scores = score(golds, report, per_document=per_doc)
        if as_json:
            out = {c: dict(zip(("tp", "pred", "gold", "p", "r", "f1"),
                               (scores.tallies[c].tp, scores.tallies[c].pred,
                                scores.tallies[c].gold,
                                *(round(v, 4) for v in scores.tallies[c].prf())), strict=True))
                   for c in CATEGORIES}
            click.echo(json.dumps({**out, "overall_f1": round(scores.overall, 4)}, indent=2))
        else:
            click.echo(scores.table())
