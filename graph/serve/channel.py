"""What `rkg serve`'s processes tell each other: the server and its front processes
(graph/serve/fronts.py) over a socket pair, and the counters they share.

A `Channel` is one end of a `SOCK_SEQPACKET` Unix socket pair made by the server (no name
in the file system, no port: no other process can connect to it). A message is a kind byte,
a continuation byte and a payload, with at most one file descriptor (a client's socket)
riding on its first piece; payloads longer than `PIECE` go in several pieces. Sends never
block the event loop: what the socket does not take at once waits in a queue.

`Slots` is a small shared memory (a `memfd` the server passes to each front) where each
front keeps its own counters, written only by that front and read by the server: how many
connections it ended or handed back, its lookups, the store generation it reads. The server
reads them for `/health`, to pick the least busy front, and to count connections against
the global limit, without asking.
"""

from __future__ import annotations

import asyncio
import collections
import mmap
import os
import socket
from collections.abc import Callable

PIECE = 32 << 10
"""Payload bytes per message (a SEQPACKET message must fit the socket's buffer)."""

FIELDS = ("ended", "answered", "handed_on", "generation")
"""Each front's counters, in this order, one unsigned 64-bit number each."""
_SLOT = 8 * len(FIELDS)
_FIELD = {name: n for n, name in enumerate(FIELDS)}

Receiver = Callable[[bytes, bytes, int | None], None]
"""Called with (kind, payload, file descriptor or None); kind b"" when the other end is gone."""


class Channel:
    def __init__(self, sock: socket.socket, receive: Receiver) -> None:
        self.sock = sock
        sock.setblocking(False)
        self.receive = receive
        self.loop = asyncio.get_running_loop()
        self.outbox: collections.deque[tuple[bytes, int | None]] = collections.deque()
        self.writing = False
        self.closed = False
        self._parts: list[bytes] = []
        self._fd: int | None = None
        self.loop.add_reader(sock.fileno(), self._readable)

    def post(self, kind: bytes, payload: bytes = b"", fd: int | None = None) -> bool:
        """Queue a message; `fd` is sent with it. `fd` is closed here in any case (once
        sent, or at once). False when the other end is gone (found now or before)."""
        if self.closed:
            if fd is not None:
                os.close(fd)
            return False
        pieces = range(0, max(len(payload), 1), PIECE)
        for start in pieces:
            more = b"+" if start + PIECE < len(payload) else b"."
            self.outbox.append((kind + more + payload[start:start + PIECE],
                                fd if start == 0 else None))
        self._flush()
        return not self.closed

    def _flush(self) -> None:
        while self.outbox:
            message, fd = self.outbox[0]
            try:
                if fd is None:
                    self.sock.send(message)
                else:
                    socket.send_fds(self.sock, [message], [fd])
            except BlockingIOError:
                if not self.writing:
                    self.writing = True
                    self.loop.add_writer(self.sock.fileno(), self._flush)
                return
            except OSError:  # the other end is gone
                self._gone()
                return
            self.outbox.popleft()
            if fd is not None:
                os.close(fd)
        if self.writing:
            self.writing = False
            self.loop.remove_writer(self.sock.fileno())

    def _readable(self) -> None:
        while not self.closed:
            try:
                data, fds, _, _ = socket.recv_fds(self.sock, PIECE + 2, 1)
            except BlockingIOError:
                return
            except OSError:
                data, fds = b"", []
            if not data:
                self._gone()
                return
            if fds:
                self._fd = fds[0]
            self._parts.append(data[2:])
            if data[1:2] == b"+":
                continue
            payload, fd = b"".join(self._parts), self._fd
            self._parts, self._fd = [], None
            self.receive(data[:1], payload, fd)

    def _gone(self) -> None:
        """The other end went away: close, and say so once."""
        if not self.closed:
            self.close()
            self.receive(b"", b"", None)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.loop.remove_reader(self.sock.fileno())
        if self.writing:
            self.loop.remove_writer(self.sock.fileno())
        for _, fd in self.outbox:
            if fd is not None:
                os.close(fd)
        self.outbox.clear()
        if self._fd is not None:
            os.close(self._fd)
        self.sock.close()


class Slots:
    """Counters of `count` fronts in shared memory (see the module's docstring)."""

    def __init__(self, count: int, fd: int | None = None) -> None:
        self.fd = os.memfd_create("rkg-serve-fronts", 0) if fd is None else fd
        if fd is None:
            os.ftruncate(self.fd, max(count, 1) * _SLOT)
        self.memory = mmap.mmap(self.fd, max(count, 1) * _SLOT)
        # One aligned 8-byte load or store per counter, so the other process never sees a
        # half-written one. struct.pack_into zeroes a field before writing it: the server
        # then read a front's "ended" as 0, counted thousands of connections open, and
        # refused new ones with 503 "too many open connections".
        self.numbers = memoryview(self.memory).cast("Q")

    def get(self, index: int, name: str) -> int:
        return int(self.numbers[index * len(FIELDS) + _FIELD[name]])

    def set(self, index: int, name: str, value: int) -> None:
        self.numbers[index * len(FIELDS) + _FIELD[name]] = value

    def clear(self, index: int) -> None:
        for name in FIELDS:
            self.set(index, name, 0)


class _SlotField:
    """An attribute of a `SlotCounts` read from and written to its front's slot."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, counts: SlotCounts, owner: type | None = None) -> int:
        return counts.slots.get(counts.index, self.name)

    def __set__(self, counts: SlotCounts, value: int) -> None:
        counts.slots.set(counts.index, self.name, value)


class SlotCounts:
    """A front's lookup counters (graph/serve/app.py's `Counts`), kept in its slot so that
    the server's `/health` sees them the moment they change."""

    answered = _SlotField()
    handed_on = _SlotField()

    def __init__(self, slots: Slots, index: int) -> None:
        self.slots = slots
        self.index = index
