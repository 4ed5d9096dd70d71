"""`rkg query` (run a pack query or a .rq file on a build) and `rkg queries` (list the pack)."""

from __future__ import annotations

from pathlib import Path

import click

from graph.errors import RkgError


def register(group: click.Group) -> None:
    @group.command("query")
    @click.argument("query")
    @click.option("--graph", "graph_dir", type=click.Path(path_type=Path), default=Path("out"),
                  show_default=True, help="A build's output folder (holding graph.trig).")
    @click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
                  help="A query parameter (repeatable); `rkg queries --params` lists them.")
    @click.option("--format", "-f", "fmt", type=click.Choice(["table", "csv", "json", "md"]),
                  default="table", show_default=True, help="Output format.")
    @click.option("--store", type=click.Choice(["oxigraph", "memory"]), default="oxigraph",
                  show_default=True, help="Query engine: Oxigraph (fast) or rdflib in memory.")
    @click.option("--max-width", type=int, default=60, show_default=True,
                  help="Cut table cells to this many characters (0: never).")
    def query_command(query: str, graph_dir: Path, params: tuple[str, ...], fmt: str,
                      store: str, max_width: int) -> None:
        """Run QUERY (a pack name such as `timeline`, or a .rq file) on a build.

        Parameters are typed by the query's header and bound as RDF terms, never pasted into
        the query text; IRIs may use the prefixes rkg:, rkgd:, rkgv: (rkgd:state/china).
        Queries that update, LOAD, call SERVICE or use FROM are refused.

        Example: rkg query timeline --graph out --param perpetrator=rkgd:state/china
        """
        from graph.query import format_result, parse_param_options, resolve, run_query
        from graph.store import inferred_file, open_dataset

        try:
            query_def = resolve(query)
            values = parse_param_options(params)
            ds = open_dataset(graph_dir, store)
            if "inferred" in query_def.needs and inferred_file(graph_dir) is None:
                click.echo(f"warning: {graph_dir} has no up-to-date inferred.trig, so "
                           f"'{query_def.name}' finds nothing inferred; run 'rkg validate --reason "
                           f"--graph {graph_dir}' (or build without --no-reason)", err=True)
            result = run_query(query_def, ds, values)
            text = format_result(result, fmt, max_width=max_width)
        except (RkgError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
        if fmt == "table" and result.boolean is None:
            shown = ", ".join(f"{k}={v}" for k, v in result.params_text().items())
            if shown:
                click.echo(f"{query_def.title or query_def.name} ({shown})")
            elif query_def.title:
                click.echo(query_def.title)
        click.echo(text)
        if fmt == "table":
            # an ASK has no rows: its footer repeats the answer, never "(0 rows ...)"
            size = (f"answer: {'true' if result.boolean else 'false'}"
                    if result.boolean is not None else f"{len(result.rows)} rows")
            click.echo(f"({size}, {result.seconds:.3f} s, {store})", err=True)

    @group.command("queries")
    @click.option("--params", "show_params", is_flag=True,
                  help="Also list each query's parameters and examples.")
    def queries_command(show_params: bool) -> None:
        """List the query pack (queries/*.rq): name and title of every query.

        Example: rkg queries --params
        """
        from graph.query import load_pack

        try:
            pack = load_pack()
        except RkgError as exc:
            raise click.ClickException(str(exc)) from exc
        width = max((len(name) for name in pack), default=0)
        for name, query_def in sorted(pack.items()):
            click.echo(f"{name.ljust(width)}  {query_def.title}")
            if show_params:
                for param in query_def.params:
                    desc = f" -- {param.description}" if param.description else ""
                    click.echo(f"{'':{width}}    --param {param.signature()}{desc}")
                for example in query_def.examples:
                    click.echo(f"{'':{width}}    e.g. {example}")
