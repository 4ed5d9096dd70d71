"""A front process of `rkg serve` (graph/serve/fronts.py): it answers lookups on the
connections the server hands it, and hands the rest back.

Started by the server as `main([channel fd, slots fd, index, count, [--no-sandbox]])`. It
first moves into a user and network namespace of its own (as the workers do: no interface,
not even loopback; the client sockets it is given keep working, they belong to the server's
namespace), then reads its settings, the first message on the channel (the token travels
there, never on a command line), opens the store read-only and says it is ready.

Messages from the server: `I` settings, `C` a connection (its socket, and bytes already read
from it, if any), `S` read another store from now on. To the server: `R` ready, `B` a
connection handed back (first payload byte `1` when its first request was already tried as a
lookup here, then the bytes of the requests read and not answered). Its counters (connections
ended, lookups answered and handed on, the store generation it reads) are in its slot of the
shared memory (graph/serve/channel.py). When the server goes away, so does the front.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.serve.app import Access, Queries
from graph.serve.channel import Channel, SlotCounts, Slots
from graph.serve.http import Connection, HttpLimits, Request, Server
from graph.serve.inline import Inline
from graph.serve.loop import run
from graph.serve.worker import PR_SET_PDEATHSIG, sandbox

HAND_BACK_WAIT = 10.0
"""Seconds a connection waits for its earlier answers to leave before it is handed back."""


@dataclass(kw_only=True)
class FrontApp(Queries):
    """The server's App up to running a query in a worker; the rest goes back to it."""

    channel: Channel

    async def _other(self, conn: Connection, request: Request, path: str) -> None:
        await self._hand_back(conn, request)

    async def _in_worker(self, conn: Connection, request: Request, text: str) -> None:
        await self._hand_back(conn, request)

    async def _hand_back(self, conn: Connection, request: Request) -> None:
        tried = b"1" if request.inline_tried else b"0"
        if not await conn.drained(HAND_BACK_WAIT) or not conn.hand_over(
                lambda fd, pending: self.channel.post(b"B", tried + pending, fd), request):
            # the client does not read an earlier answer, or the server is gone
            conn.reply(503, "the server is busy; retry", request, [(b"Retry-After", b"1")])
            conn.close()


class Front:
    def __init__(self, channel_fd: int, slots: Slots, index: int) -> None:
        self.slots = slots
        self.index = index
        self.app: FrontApp | None = None
        self.server: Server | None = None
        self.threads = 0
        self.max_bytes = 0
        self.done = asyncio.get_running_loop().create_future()
        self.channel = Channel(socket.socket(fileno=channel_fd), self.receive)

    def receive(self, kind: bytes, payload: bytes, fd: int | None) -> None:
        if kind == b"":  # the server is gone
            if not self.done.done():
                self.done.set_result(None)
        elif kind == b"I":
            self.start(json.loads(payload))
        elif kind == b"C" and fd is not None and self.server is not None:
            self.server.adopt(socket.socket(fileno=fd), payload)
        elif kind == b"S" and self.app is not None:
            settings = json.loads(payload)
            self.open(settings["store"], settings["generation"])
        elif fd is not None:
            os.close(fd)

    def start(self, settings: dict[str, Any]) -> None:
        access = settings["access"]
        self.app = FrontApp(access=Access(access["port"], tuple(access["allowed_hosts"]),
                                          access["token"]),
                            counts=SlotCounts(self.slots, self.index), channel=self.channel)
        self.server = Server(self.app.handle, HttpLimits(**settings["http"]),
                             settings["verbose"])
        self.server.on_lost = self._ended
        self.threads = int(settings["lookup_threads"])
        self.max_bytes = int(settings["max_bytes"])
        self.open(settings["store"], settings["generation"])
        self.channel.post(b"R")

    def open(self, store: str, generation: int) -> None:
        """Answer lookups from `store` (a lookup under way finishes on the one it began on),
        on the server's number of lookup threads: under load they keep more of a front
        running than its event-loop thread alone (docs/serve.md, Performance)."""
        assert self.app is not None
        old = self.app.inline
        try:
            self.app.inline = Inline(Path(store), self.max_bytes, threads=self.threads)
        except OSError as exc:  # every query goes back to the server, which answers it
            print(f"rkg serve front: cannot open {store}: {exc}", file=sys.stderr)
            self.app.inline = None
        if old is not None:
            old.close()
        self._report(old, generation)

    def _report(self, old: Inline | None, generation: int) -> None:
        """Tell the server (the slot) which store this front reads, once lookups still
        running on the old one have ended: the server then lets the old generation go."""
        if old is not None and any(thread.is_alive() for thread in old.threads):
            asyncio.get_running_loop().call_later(0.05, self._report, old, generation)
            return
        self.slots.set(self.index, "generation", generation)

    def _ended(self) -> None:
        self.slots.set(self.index, "ended", self.slots.get(self.index, "ended") + 1)


async def _serve(channel_fd: int, slots: Slots, index: int) -> None:
    front = Front(channel_fd, slots, index)
    await front.done
    if front.server is not None:
        await front.server.close()


def main(argv: list[str]) -> None:
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)  # die with the server's thread
    channel_fd, slots_fd, index, count = (int(value) for value in argv[:4])
    why_not = "disabled (--no-sandbox)" if "--no-sandbox" in argv else sandbox()
    if why_not and "--no-sandbox" not in argv:
        print(f"rkg serve front: no network sandbox ({why_not})", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C reaches the server's group
        run(_serve(channel_fd, Slots(count, slots_fd), index))
