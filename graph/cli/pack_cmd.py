"""`rkg pack`: an evidence brief on one state's forced returns (UPR or CAT submission)."""

from __future__ import annotations

from pathlib import Path

import click

from graph.errors import RkgError


def register(group: click.Group) -> None:
    @group.command("pack")
    @click.option("--state", required=True, metavar="STATE",
                  help="The returning state: its registry id (china, russia, laos), "
                  "rkgd:state/ID or its IRI.")
    @click.option("--from", "start", metavar="YYYY[-MM[-DD]]", default=None,
                  help="Only returns and statements dated on or after this.")
    @click.option("--to", "end", metavar="YYYY[-MM[-DD]]", default=None,
                  help="Only returns and statements dated up to the end of this.")
    @click.option("--format", "fmt", type=click.Choice(["md", "html", "pdf"]), default="md",
                  show_default=True, help="Markdown, HTML, or PDF (printed by headless "
                  "Chromium).")
    @click.option("--graph", "graph_dir", type=click.Path(path_type=Path), default=Path("out"),
                  show_default=True, help="A build's output folder (holding graph.trig).")
    @click.option("--out", "out", type=click.Path(path_type=Path), default=None,
                  help="The file to write [default: GRAPH/packs/STATE[-FROM-TO].FORMAT].")
    def command(state: str, start: str | None, end: str | None, fmt: str, graph_dir: Path,
                out: Path | None) -> None:
        """Write a brief on STATE's forced returns for a UPR or CAT submission.

        The returns with each source's count and their disagreements, the places, the
        state's treaty status at each date (act, date, entry into force), the possible-
        breach flags with their premises, who urged what of the state and when, and a
        numbered list of sources with their exact sentences; every figure is footnoted.
        All from the query pack, run on the build with bound parameters.

        Example: rkg pack --state china --from 2019 --to 2024 --format pdf
        """
        from graph.pack import build_pack, state_iri, write_pack
        from graph.store import open_dataset

        try:
            ds = open_dataset(graph_dir)
            pack = build_pack(ds, state_iri(state), start, end)
            period = "-".join(p for p in (start, end) if p)
            target = out or graph_dir / "packs" / (
                f"{state_iri(state).rsplit('/', 1)[-1]}{'-' + period if period else ''}.{fmt}")
            write_pack(pack, fmt, target)
        except (RkgError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Wrote {target}: {len(pack.returns)} returns, {len(pack.statements)} "
                   f"statements, {len(pack.sources)} sources quoted.")
