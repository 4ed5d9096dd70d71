"""`rkg viz`: write the offline HTML site of a build (out/site/)."""

from __future__ import annotations

from pathlib import Path

import click

from graph.errors import RkgError


def register(group: click.Group) -> None:
    @group.command("viz")
    @click.option("--graph", "graph_dir", type=click.Path(path_type=Path), default=Path("out"),
                  show_default=True, help="A build's output folder; the site goes in its "
                  "site/ subfolder.")
    @click.option("--quiet", "-q", is_flag=True, help="No summary.")
    def command(graph_dir: Path, quiet: bool) -> None:
        """Write GRAPH/site/: interactive graphs, timeline and index, offline.

        The site holds the whole graph, one view per forced return and per actor, the
        advocacy network (who urged whom), a timeline, one page per source document with
        its quotes marked, and an index with the answers to the competency questions. All
        scripts and styles are bundled: open site/index.html from disk or put the folder
        on any static host.

        Example: rkg viz --graph out && xdg-open out/site/index.html
        """
        from graph.viz import build_site

        try:
            result = build_site(graph_dir)
        except RkgError as exc:
            raise click.ClickException(str(exc)) from exc
        if not quiet:
            click.echo(result.summary())
