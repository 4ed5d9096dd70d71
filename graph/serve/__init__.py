"""`rkg serve`: the built graph as a read-only SPARQL 1.1 endpoint with a query page.

Nothing stands behind the server: no engine listens on a port of its own. Queries run in worker
processes (graph/serve/worker.py) that open the build's Oxigraph store read-only and, where the
kernel allows, live in a network namespace with no interface at all; the server (one asyncio
thread, graph/serve/http.py) checks who asks (graph/serve/app.py), refuses what must not run
(graph/guard.py), and streams the answers. Lookups whose work is bounded by their shape (one
triple pattern, or one node's edges) are answered in the server itself, on the same store,
with a CPU and size budget past which a worker runs them (graph/serve/inline.py), and by
default in front processes, one per CPU, to which the server hands its connections
(graph/serve/fronts.py). The server pins the build generation it reads and follows a rebuild
(graph/serve/generation.py).

    endpoint = start(Path("out"), port=0)
    ... endpoint.query_url ...
    endpoint.stop()
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from graph.serve.app import Access, App
from graph.serve.fronts import Fronts, default_count
from graph.serve.generation import CHECK_EVERY, Served, graph_store_finder, kept_store_finder
from graph.serve.http import HttpLimits, Server
from graph.serve.inline import Inline
from graph.serve.loop import new_event_loop
from graph.serve.pool import Limits, Pool, PoolError
from graph.serve.store import ServeError, build_store, prepare_store
from graph.serve.ui import Ui

STOP_SECONDS = 5.0
"""How long `Endpoint.stop` (and so `rkg serve` after SIGTERM or Ctrl-C) may take."""

__all__ = ["Endpoint", "HttpLimits", "Limits", "ServeError", "free_port", "prepare_store",
           "start"]


@dataclass
class Endpoint:
    """A running endpoint: its address, its store, and the thread that runs it."""

    url: str
    store: Path
    pool: Pool
    server: Server
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    stopped: threading.Event = field(default_factory=threading.Event)
    served: Served | None = None
    app: App | None = None

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    def stop(self, seconds: float = STOP_SECONDS) -> None:
        """Close the connections, kill the fronts and workers and stop the loop, in about
        `seconds` at most: whatever is not done by then (a process not yet reaped, a task
        that does not end) is left to the process's exit, which ends the fronts and workers
        with it (they die with the server's thread)."""
        if self.stopped.is_set():
            return
        deadline = time.monotonic() + seconds

        def left(share: float = 1.0) -> float:
            return max(0.0, deadline - time.monotonic()) * share

        async def shutdown() -> None:
            await self.server.close(left(0.2))
            if self.app is not None and self.app.fronts is not None:
                await self.app.fronts.close(left(0.3))
            await self.pool.close(left(0.4))
            if self.served is not None:
                self.served.close()
            if self.app is not None and self.app.inline is not None:
                self.app.inline.close()

        future = asyncio.run_coroutine_threadsafe(shutdown(), self.loop)
        try:
            future.result(timeout=left(0.8))
        except concurrent.futures.TimeoutError:
            future.cancel()
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=left())
            self.stopped.set()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def start(outdir: Path, *, port: int = 7878, host: str = "127.0.0.1",
          store: Path | None = None, allow_hosts: tuple[str, ...] = (), token: str = "",
          limits: Limits | None = None, http: HttpLimits | None = None,
          verbose: bool = False) -> Endpoint:
    """Start serving the build in `outdir` (or the store `store`) on host:port, in a
    background thread; returns once queries are answered."""
    from graph.query import query_dir
    from graph.rdfio import PREFIXES

    if store is not None:
        location = build_store(store).resolve()
        finder = kept_store_finder(store)
    else:
        location = prepare_store(outdir).resolve()
        finder = graph_store_finder(outdir)
    served = Served(finder, location)  # pinned: a rebuild leaves it in place while we read it
    site = outdir / "site"
    site_dir = site if (site / "index.html").is_file() else None
    ui = Ui(prefixes=dict(PREFIXES), queries_dir=query_dir(), site=site_dir is not None,
            token=bool(token))
    pool = Pool(location, limits or Limits())
    ready: concurrent.futures.Future[tuple[Server, str]] = concurrent.futures.Future()
    loop = new_event_loop()

    async def begin() -> None:
        try:
            await pool.start()
            server = Server(lambda c, r: app.handle(c, r), http or HttpLimits(), verbose)
            name, bound = await server.listen(host, port)
            app.access = Access(bound, tuple(h.lower() for h in allow_hosts), token)
            fronts = pool.limits.fronts if pool.limits.fronts >= 0 else default_count()
            if pool.limits.inline and fronts:
                app.fronts = Fronts(fronts, server, {
                    "access": {"port": bound, "allowed_hosts": list(app.access.allowed_hosts),
                               "token": token},
                    "http": dataclasses.asdict(server.limits),
                    "max_bytes": pool.limits.max_bytes, "verbose": verbose,
                    "lookup_threads": pool.limits.lookup_threads},
                    location, sandbox=pool.limits.sandbox)
                app.fronts.start()
            follow()
            shown = f"[{name}]" if ":" in name else name
            ready.set_result((server, f"http://{shown}:{bound}"))
        except (OSError, PoolError) as exc:
            await pool.close()
            message = exc.message if isinstance(exc, PoolError) else \
                f"cannot listen on {host}:{port}: {exc.strerror or exc}"
            ready.set_exception(ServeError(message))

    app = App(pool=pool, access=Access(port, (), token), ui=ui, site_dir=site_dir,
              served=served)
    if pool.limits.inline:
        app.inline = Inline(location, pool.limits.max_bytes, pool.limits.lookup_threads)

    def follow() -> None:
        """Look for a newer build every CHECK_EVERY seconds, queries or not (lookups may
        all be answered by the fronts, which the server does not see)."""
        app.follow_builds()
        loop.call_later(CHECK_EVERY, follow)

    def run() -> None:
        asyncio.set_event_loop(loop)
        starting = loop.create_task(begin())
        loop.run_forever()
        del starting
        loop.close()

    thread = threading.Thread(target=run, name="rkg-serve", daemon=True)
    thread.start()
    try:
        server, url = ready.result(timeout=120)
    except BaseException:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        served.close()
        raise
    return Endpoint(url, location, pool, server, loop, thread, served=served, app=app)
