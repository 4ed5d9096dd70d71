"""Front processes: more than one core answering lookups, the connections balanced between
them.

One Python process answers HTTP on one core at most (the GIL), and a lookup costs about as
much CPU in the server's Python as in the engine. So the server (the process that listens,
owns the workers and keeps every limit) hands each accepted connection to one of `count`
front processes (graph/serve/front.py), the one with the fewest open connections, by sending
the socket itself over a Unix socket pair (graph/serve/channel.py). A front reads requests on
it and answers what needs no worker: lookups (graph/serve/inline.py, on its own read-only
handle on the store, on `--lookup-threads` threads) and refusals (Host, Origin, token, the guard).
Anything else (a query for a worker, a lookup over its budget, `/health`, the page, the site)
it hands back, socket and the request's bytes, to the server, which answers it as before and
then gives the connection to a front again.

So what must hold for the whole endpoint holds in the server alone: time limits, result size
limits, the number of heavy queries, streaming, the count of open connections against
`max_connections` (the fronts' from their counters), `/health`. A front listens on no port;
like a worker it moves into a user and network namespace of its own before it loads anything
of the engine. Until a front is ready, and when none is, the server answers everything itself.
A front that dies is replaced (its clients' connections are lost, as with a restart).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.executors import usable_cores
from graph.serve.channel import Channel, Slots
from graph.serve.http import Connection, Server
from graph.serve.pool import ended, tuned_environment

ROOT = Path(__file__).resolve().parents[2]
RESTART_AFTER = 1.0
"""Seconds before a front that died is replaced."""


def default_count() -> int:
    """One front per CPU this process may use."""
    return usable_cores()


@dataclass
class Front:
    index: int
    process: subprocess.Popen[bytes]
    channel: Channel
    ready: bool = False
    handed: int = 0
    """Connections given to it (its slot counts those it ended or gave back)."""

    def open(self, slots: Slots) -> int:
        return self.handed - slots.get(self.index, "ended")


@dataclass
class Fronts:
    count: int
    server: Server
    config: dict[str, Any]
    """What each front needs to answer like the server: the store, access, limits."""
    store: Path
    sandbox: bool = True
    slots: Slots = field(init=False)
    fronts: list[Front | None] = field(init=False)
    stores: dict[int, Path] = field(init=False)
    """Store folder of each generation number a front may report reading."""
    generation: int = 0
    answered_before: int = 0
    handed_on_before: int = 0
    restarts: int = 0
    closed: bool = False

    def __post_init__(self) -> None:
        self.slots = Slots(self.count)
        self.fronts = [None] * self.count
        self.stores = {0: self.store}

    def start(self) -> None:
        """Start the fronts in the background; the server answers alone until they are
        ready."""
        self.server.hand_off = self.hand_off
        self.server.elsewhere = self.open_connections
        for index in range(self.count):
            self._spawn(index)

    def _spawn(self, index: int) -> None:
        if self.closed:
            return
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.slots.clear(index)
        self.slots.set(index, "generation", self.generation)
        command = [sys.executable, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                   "from graph.serve.front import main; main(sys.argv[2:])", str(ROOT),
                   str(theirs.fileno()), str(self.slots.fd), str(index), str(self.count)]
        if not self.sandbox:
            command.append("--no-sandbox")
        try:
            process = subprocess.Popen(command, pass_fds=(theirs.fileno(), self.slots.fd),
                                       stdin=subprocess.DEVNULL, env=tuned_environment())
        except OSError as exc:
            print(f"rkg serve: cannot start a front process: {exc}", file=sys.stderr)
            mine.close()
            return
        finally:
            theirs.close()
        channel = Channel(mine, lambda kind, payload, fd: self._receive(index, kind, payload,
                                                                        fd))
        self.fronts[index] = Front(index, process, channel)
        channel.post(b"I", json.dumps({**self.config, "store": str(self.store),
                                       "generation": self.generation}).encode())

    def _receive(self, index: int, kind: bytes, payload: bytes, fd: int | None) -> None:
        front = self.fronts[index]
        if kind == b"R" and front is not None:
            front.ready = True
        elif kind == b"B" and fd is not None:
            # a connection handed back with the bytes of its unanswered request(s)
            sock = socket.socket(fileno=fd)
            self.server.adopt(sock, payload[1:], inline_tried=payload[:1] == b"1")
        elif kind == b"":
            self._lost(index)
        elif fd is not None:
            os.close(fd)

    def _lost(self, index: int) -> None:
        """A front ended (it died, or the server is stopping): its connections are gone."""
        front = self.fronts[index]
        if front is None:
            return
        self.fronts[index] = None
        front.channel.close()
        with contextlib.suppress(ProcessLookupError):
            front.process.kill()
        self.answered_before += self.slots.get(index, "answered")
        self.handed_on_before += self.slots.get(index, "handed_on")
        self.slots.clear(index)
        _reap(front.process)
        if not self.closed:
            self.restarts += 1
            print(f"rkg serve: front process {front.process.pid} ended; replacing it",
                  file=sys.stderr)
            asyncio.get_running_loop().call_later(RESTART_AFTER, self._spawn, index)

    # -- connections ---------------------------------------------------------------------
    def hand_off(self, conn: Connection) -> bool:
        """Give `conn` to the ready front with the fewest open connections."""
        ready = [f for f in self.fronts if f is not None and f.ready]
        if not ready:
            return False
        front = min(ready, key=lambda f: f.open(self.slots))
        if not conn.hand_over(lambda fd, pending: front.channel.post(b"C", pending, fd)):
            return False
        front.handed += 1
        return True

    def open_connections(self) -> int:
        return sum(f.open(self.slots) for f in self.fronts if f is not None)

    # -- stores ----------------------------------------------------------------------------
    def switch(self, store: Path) -> None:
        """Have every front read `store` from now on (lookups under way finish on the old)."""
        self.generation += 1
        self.store = store
        self.stores[self.generation] = store
        for front in self.fronts:
            if front is not None:
                front.channel.post(b"S", json.dumps({"store": str(store),
                                                     "generation": self.generation}).encode())

    def reads(self, store: Path) -> bool:
        """Whether a front may still have `store` open."""
        return any(self.stores.get(self.slots.get(f.index, "generation")) == store
                   for f in self.fronts if f is not None)

    # -- health ----------------------------------------------------------------------------
    def counts(self) -> tuple[int, int]:
        """Lookups answered by the fronts, and handed on to workers, since the start."""
        live = [f.index for f in self.fronts if f is not None]
        return (self.answered_before + sum(self.slots.get(i, "answered") for i in live),
                self.handed_on_before + sum(self.slots.get(i, "handed_on") for i in live))

    def status(self) -> dict[str, Any]:
        return {"fronts": sum(1 for f in self.fronts if f is not None and f.ready),
                "front_restarts": self.restarts}

    async def close(self, seconds: float = 1.0) -> None:
        """Kill the fronts (their clients' connections end with them) and wait for them,
        `seconds` at most."""
        self.closed = True
        for index, front in enumerate(self.fronts):
            if front is not None:
                self._lost(index)
        await ended(list(_reaping), seconds)


_reaping: set[subprocess.Popen[bytes]] = set()


def _reap(process: subprocess.Popen[bytes]) -> None:
    """Collect an ended front without a thread waiting for it."""
    if process.poll() is None:
        _reaping.add(process)
        asyncio.get_running_loop().call_later(0.05, _reap, process)
    else:
        _reaping.discard(process)
