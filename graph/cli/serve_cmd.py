"""`rkg serve`: the built graph as a read-only SPARQL endpoint with a query UI (YASGUI)."""

from __future__ import annotations

from pathlib import Path

import click

from graph.errors import RkgError


def register(group: click.Group) -> None:
    @group.command("serve")
    @click.option("--graph", "graph_dir", type=click.Path(path_type=Path), default=Path("out"),
                  show_default=True, help="A build's output folder (holding graph.trig).")
    @click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
                  help="Port on 127.0.0.1 (0: any free port).")
    @click.option("--verbose", "-v", is_flag=True, help="Log every request.")
    def serve_command(graph_dir: Path, port: int, verbose: bool) -> None:
        """Serve a build as a read-only SPARQL 1.1 endpoint on localhost, with a query UI.

        Loads graph.trig (and inferred.trig) into an Oxigraph store in OUTDIR/oxigraph/ and
        serves it with `oxigraph serve-read-only` behind a guard that refuses updates, LOAD,
        SERVICE and FROM. Open the printed address for the YASGUI query editor; programs
        send queries to /query. Stop with Ctrl-C.

        Example: rkg serve --graph out --port 7878
        """
        import signal

        from graph.serve import start

        try:
            endpoint = start(graph_dir, port=port, verbose=verbose, background=False)
        except (RkgError, ValueError, FileNotFoundError) as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Serving {graph_dir} read-only at {endpoint.url}/ (SPARQL endpoint "
                   f"{endpoint.query_url}); Ctrl-C to stop.")
        def terminate(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, terminate)
        try:
            endpoint.server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopping")
        finally:
            endpoint.stop()
