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
    @click.option("--endpoint", metavar="URL", default=None,
                  help="Link every page to this SPARQL endpoint (the URL `rkg serve` prints, "
                  "or a path relative to the site such as ../query).")
    @click.option("--quiet", "-q", is_flag=True, help="No summary.")
    def command(graph_dir: Path, endpoint: str | None, quiet: bool) -> None:
        """Write GRAPH/site/: interactive graphs, timeline and index, offline.

        The site holds a summary of the whole graph with drill-down, an explorer that
        expands on click, a map of the returns, the advocacy network, a timeline, one page
        per actor, person, place, treaty, resolution, event and document (with a "cite
        this" line), the competency questions, and a search box on every page. All scripts,
        styles and the basemap are bundled: open site/index.html from disk or put the folder
        on any static host.

        Example: rkg viz --graph out --endpoint http://127.0.0.1:7878/query
        """
        from graph.viz import build_site

        try:
            result = build_site(graph_dir, endpoint=endpoint)
        except RkgError as exc:
            raise click.ClickException(str(exc)) from exc
        if not quiet:
            click.echo(result.summary())
