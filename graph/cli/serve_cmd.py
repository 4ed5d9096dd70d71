"""`rkg serve`: the built graph as a read-only SPARQL endpoint with a query page."""

from __future__ import annotations

import os
from pathlib import Path

import click

from graph.errors import RkgError

TOKEN_VAR = "RKG_SERVE_TOKEN"


def register(group: click.Group) -> None:
    @group.command("serve")
    @click.option("--graph", "graph_dir", type=click.Path(path_type=Path), default=Path("out"),
                  show_default=True, help="A build's output folder (holding graph.trig).")
    @click.option("--store", "store", type=click.Path(path_type=Path), default=None,
                  help="Serve this Oxigraph store instead (one a build keeps with "
                       "`rkg build --store oxigraph:DIR`): nothing is loaded at start.")
    @click.option("--host", default="127.0.0.1", show_default=True,
                  help="Address to listen on (0.0.0.0: every interface; see docs/serve.md "
                       "before exposing it).")
    @click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
                  help="Port (0: any free port).")
    @click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
                  help="A host name clients use to reach the server (repeatable), e.g. the "
                       "public name behind a reverse proxy. localhost and IP addresses are "
                       "always accepted.")
    @click.option("--token", default=None,
                  help=f"Require 'Authorization: Bearer TOKEN' on queries (default: "
                       f"${TOKEN_VAR} if set; none).")
    @click.option("--timeout", type=click.FloatRange(0.1), default=30.0, show_default=True,
                  help="Seconds a query may run; then its worker is killed.")
    @click.option("--max-result-mb", type=click.FloatRange(0.001), default=256.0,
                  show_default=True, help="Largest answer in MB; larger ones are cut with an "
                                          "error.")
    @click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
                  help="Worker processes kept for ordinary queries.")
    @click.option("--max-heavy", type=click.IntRange(0, 64), default=2, show_default=True,
                  help="Queries that may run longer than --heavy-after at once; more are "
                       "refused (503).")
    @click.option("--heavy-after", type=click.FloatRange(0.01), default=0.5,
                  show_default=True, help="Seconds after which a query counts as heavy.")
    @click.option("--heavy-running", type=click.IntRange(0, 64), default=0,
                  help="Long queries computing at once; the others wait, their worker stopped "
                       "(0: half the CPUs, at least one).")
    @click.option("--worker-memory-mb", type=click.IntRange(0), default=0,
                  help="Address-space limit of each worker in MB (0: none).")
    @click.option("--idle-timeout", type=click.FloatRange(0.1), default=15.0,
                  show_default=True, help="Seconds an idle keep-alive connection stays open.")
    @click.option("--no-sandbox", is_flag=True,
                  help="Do not put the workers in a network namespace of their own.")
    @click.option("--no-inline", is_flag=True,
                  help="Run every query in a worker, lookups too (by default, lookups of one "
                       "node's edges are answered in the server: see docs/serve.md).")
    @click.option("--lookup-threads", type=click.IntRange(0, 16), default=0, show_default=True,
                  help="Threads answering those lookups in each process (0: its event-loop "
                       "thread, which spends the least CPU per lookup; threads can keep more "
                       "of a machine busy with other work).")
    @click.option("--fronts", type=click.IntRange(0, 64), default=None,
                  help="Front processes answering lookups, the connections balanced between "
                       "them (default: one per CPU; 0: the server answers everything itself).")
    @click.option("--verbose", "-v", is_flag=True, help="Log every request.")
    def serve_command(graph_dir: Path, store: Path | None, host: str, port: int,
                      allow_hosts: tuple[str, ...], token: str | None, timeout: float,
                      max_result_mb: float, workers: int, max_heavy: int, heavy_after: float,
                      heavy_running: int,
                      worker_memory_mb: int, idle_timeout: float, no_sandbox: bool,
                      no_inline: bool, lookup_threads: int, fronts: int | None,
                      verbose: bool) -> None:
        """Serve a build as a read-only SPARQL 1.1 endpoint, with a query page.

        Queries run in worker processes on the build's Oxigraph store (loaded into
        OUTDIR/oxigraph/ when the graph changed, else opened as it is), each with a time
        limit. Updates, LOAD, SERVICE and FROM are refused; the workers have no network. Open
        the printed address for the query page; programs send queries to /query; /health
        answers a monitor. Stop with Ctrl-C.

        Example: rkg serve --graph out --port 7878
        """
        import signal
        import threading

        from graph.serve import HttpLimits, Limits, start

        limits = Limits(workers=workers, max_heavy=max_heavy, heavy_after=heavy_after,
                        heavy_running=heavy_running,
                        timeout=timeout, max_bytes=int(max_result_mb * (1 << 20)),
                        memory_mb=worker_memory_mb, sandbox=not no_sandbox,
                        inline=not no_inline, lookup_threads=lookup_threads,
                        fronts=-1 if fronts is None else fronts)
        secret = token if token is not None else os.environ.get(TOKEN_VAR, "")
        try:
            endpoint = start(graph_dir, port=port, host=host, store=store,
                             allow_hosts=allow_hosts, token=secret, limits=limits,
                             http=HttpLimits(idle_timeout=idle_timeout), verbose=verbose)
        except (RkgError, ValueError, FileNotFoundError) as exc:
            raise click.ClickException(str(exc)) from exc
        sandbox = "workers without network" if endpoint.pool.sandbox else \
            f"no network sandbox ({endpoint.pool.why_not})"
        click.echo(f"Serving {store or graph_dir} read-only at {endpoint.url}/ (SPARQL "
                   f"endpoint {endpoint.query_url}; {sandbox}{'; token required' if secret else ''}"
                   "); Ctrl-C to stop.")
        done = threading.Event()

        def stop(signum: int, frame: object) -> None:
            done.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not done.wait(0.5):
            if not endpoint.thread.is_alive():
                break
        click.echo("stopping")
        endpoint.stop()
