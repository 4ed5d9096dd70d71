"""The query workers of `rkg serve`: processes that can be killed, so a time limit holds.

A query runs in a worker process (graph/serve/worker.py) that has the store open read-only.
At least `workers` of them are always there for ordinary queries. A query still running after
`heavy_after` seconds becomes *heavy*: its worker leaves the pool, a fresh one takes its place
if the pool is short (so short queries keep being answered; the worker comes back as a spare
when its query ends), and at most `max_heavy` heavy queries run at once; one more is stopped
with "too many long queries" (HTTP 503). A query still running at its deadline,
or whose client went away, is stopped by killing its worker: the engine's work stops with it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import os
import signal
import struct
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from graph.executors import usable_cores

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
PAUSE_BYTES = 1 << 20
"""Answer bytes read from a worker and not yet sent on, past which the worker is not read."""


class PoolError(Exception):
    """A query could not be run to the end; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Limits:
    workers: int = 2
    max_heavy: int = 2
    heavy_after: float = 0.5
    timeout: float = 30.0
    max_bytes: int = 256 << 20
    queue_wait: float = 10.0
    max_waiting: int = 512
    memory_mb: int = 0
    sandbox: bool = True
    inline: bool = True
    """Answer lookups in the server process (graph/serve/inline.py)."""
    lookup_threads: int = 0
    """Threads evaluating those lookups (0: each process's event-loop thread, the least CPU
    per lookup; docs/serve.md, Performance)."""
    fronts: int = -1
    """Front processes answering lookups beside the server (graph/serve/fronts.py; -1: one
    per CPU, 0: none, the server answers everything)."""
    heavy_running: int = 0
    """Long queries computing at once (0: half the CPUs this process may use, at least one:
    the rest stays for the server, lookups and short queries); the others wait, their
    worker stopped (SIGSTOP), until one ends."""


class Frames(asyncio.Protocol):
    """The read end of a worker's stdout: bytes in, whole frames out, in order.

    Frames already received are handed out without suspending (a small answer arrives as one
    pipe read holding all its frames); a waiter is woken only when a frame completes.
    """

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.frames: collections.deque[tuple[bytes, bytes]] = collections.deque()
        self.waiter: asyncio.Future[bool] | None = None
        self.eof = False
        self.queued = 0
        self.received = 0
        self.paused = False
        self.transport: asyncio.ReadTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports (graph/serve/loop.py) have asyncio's methods, not its classes
        self.transport = cast(asyncio.ReadTransport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self.queued += len(data)
        self.received += len(data)
        if self.queued > PAUSE_BYTES and not self.paused and self.transport is not None:
            # the client reads slower than the engine writes: let the pipe fill, so the
            # worker waits, instead of holding the answer here
            self.transport.pause_reading()
            self.paused = True
        while len(self.buffer) >= 5:
            size = struct.unpack_from(">I", self.buffer, 1)[0]
            if len(self.buffer) < 5 + size:
                break
            self.frames.append((bytes(self.buffer[:1]), bytes(self.buffer[5:5 + size])))
            del self.buffer[:5 + size]
        if self.frames:
            self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(True)

    async def wait(self, timeout: float | None) -> bool:
        """True when a frame is there (or the pipe ended), False after `timeout` seconds."""
        if self.frames or self.eof:
            return True
        loop = asyncio.get_running_loop()
        waiter = self.waiter = loop.create_future()
        timer = None if timeout is None else loop.call_later(timeout, self._timeout, waiter)
        try:
            return bool(await waiter)
        finally:
            self.waiter = None
            if timer is not None:
                timer.cancel()

    @staticmethod
    def _timeout(waiter: asyncio.Future[bool]) -> None:
        if not waiter.done():
            waiter.set_result(False)


MALLOC_TUNABLES = "glibc.malloc.tcache_count=2000"
"""glibc's allocator in the fronts and the workers keeps up to 2,000 freed blocks of each
small size per thread (its default: 7) for the next allocation of that size. Each query
builds and drops the engine's evaluator, iterators, solutions and answer: with 7, most of
those blocks went back to the allocator's bins, to be sorted and merged again (`_int_malloc`,
`malloc_consolidate`, `malloc`: 13-16 % of a front's CPU). With 2,000 a front spends about
30 us (9 %) less CPU per lookup and a worker 15-20 % less per whole-graph query, with the
same memory (docs/serve.md, Performance). Read by glibc when a process starts, so it is set
in the environment the fronts and workers start with; other C libraries ignore it."""


def tuned_environment() -> dict[str, str]:
    """This process's environment, with MALLOC_TUNABLES added to GLIBC_TUNABLES unless the
    user set the tcache's size there: what fronts and workers start with."""
    environment = dict(os.environ)
    given = environment.get("GLIBC_TUNABLES", "")
    if "glibc.malloc.tcache_count" not in given:
        environment["GLIBC_TUNABLES"] = f"{given}:{MALLOC_TUNABLES}" if given else \
            MALLOC_TUNABLES
    return environment


class Worker:
    """A worker process and the pipes to it. Plain `subprocess` with the read end of its
    stdout on the event loop: asyncio's own subprocess support would keep a thread per child
    to wait for it."""

    def __init__(self, process: subprocess.Popen[bytes], frames: Frames,
                 transport: asyncio.BaseTransport) -> None:
        self.process = process
        self.frames = frames
        self.transport = transport
        self.sandbox = False
        self.why_not = ""
        self.heavy = False
        self.store: Path | None = None

    @classmethod
    async def spawn(cls, command: list[str]) -> Worker:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   env=tuned_environment())
        loop = asyncio.get_running_loop()
        frames = Frames()
        transport, _ = await loop.connect_read_pipe(lambda: frames, process.stdout)
        return cls(process, frames, transport)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    async def frame(self, timeout: float | None = None) -> tuple[bytes, bytes] | None:
        """The next frame; None after `timeout` seconds without one; IncompleteReadError
        when the worker is gone."""
        frames = self.frames
        if not frames.frames and not await frames.wait(timeout):
            return None
        if frames.frames:
            kind, payload = frames.frames.popleft()
            frames.queued -= len(payload) + 5
            if frames.paused and frames.queued < PAUSE_BYTES // 4 and \
                    frames.transport is not None:
                frames.transport.resume_reading()
                frames.paused = False
            return kind, payload
        raise asyncio.IncompleteReadError(b"", None)

    def send(self, request: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        body = json.dumps(request).encode("utf-8")
        data = struct.pack(">I", len(body)) + body
        fd = self.process.stdin.fileno()
        while data:  # a request is small: the pipe takes it at once
            data = data[os.write(fd, data):]

    def kill(self) -> None:
        """Stop the process now; it is reaped in the background (no thread waits for it)."""
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        self.transport.close()
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        self._reap(20)

    def _reap(self, tries: int) -> None:
        if self.process.poll() is None and tries > 0:
            asyncio.get_running_loop().call_later(0.05, self._reap, tries - 1)


class Pool:
    def __init__(self, store: Path, limits: Limits) -> None:
        self.store = store
        self.limits = limits
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.members = 0  # pool workers alive, busy or starting (heavy ones not counted)
        self.heavy = 0
        self.waiting = 0
        self.sandbox: bool | None = None
        self.why_not = ""
        self.failures = 0
        self.closed = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._all: set[Worker] = set()
        self.running: set[Worker] = set()  # heavy workers computing
        self.paused: collections.deque[Worker] = collections.deque()  # heavy ones waiting
        self.slots = limits.heavy_running or max(1, usable_cores() // 2)

    # -- workers ---------------------------------------------------------------------------
    async def _spawn(self) -> Worker:
        store = self.store
        command = [sys.executable, "-I", str(WORKER_SCRIPT), str(store)]
        if not self.limits.sandbox:
            command.append("--no-sandbox")
        if self.limits.memory_mb:
            command += ["--memory-mb", str(self.limits.memory_mb)]
        worker = await Worker.spawn(command)
        worker.store = store
        self._all.add(worker)  # from now on, close() kills it
        try:
            first = await worker.frame(60)
        except asyncio.IncompleteReadError:
            first = None
        if first is None:
            worker.kill()
            self._all.discard(worker)
            raise PoolError(500, f"a query worker did not start on {self.store}")
        kind, payload = first
        info = json.loads(payload)
        if kind != b"R":
            worker.kill()
            self._all.discard(worker)
            raise PoolError(500, str(info.get("message", info)))
        worker.sandbox, worker.why_not = bool(info["sandbox"]), str(info["why_not"])
        self.sandbox, self.why_not = worker.sandbox, worker.why_not
        return worker

    async def start(self) -> None:
        """Start the pool's workers together; return when the first answers (a store that
        cannot be opened fails here)."""
        first = asyncio.ensure_future(self._spawn())
        for _ in range(self.limits.workers - 1):
            self._replace()
        worker = await first
        self.members += 1
        self.idle.put_nowait(worker)

    def _replace(self) -> None:
        """Start one more pool worker in the background."""
        if self.closed:
            return
        self.members += 1

        async def spawn() -> None:
            try:
                worker = await self._spawn()
            except (PoolError, OSError) as exc:
                self.members -= 1
                self.failures += 1
                print(f"rkg serve: {exc}", file=sys.stderr)
                return
            if self.closed:
                worker.kill()
                return
            self.idle.put_nowait(worker)

        task = asyncio.get_running_loop().create_task(spawn())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _release(self, worker: Worker, clean: bool) -> None:
        """Back to the pool after a query. A worker that ran a long query stays as a spare
        (at most `workers + max_heavy` processes in all), so long queries do not cost a
        process start each; a killed one is replaced if the pool is short."""
        clean = clean and worker.store == self.store  # a worker of an older build retires
        if worker.heavy:
            self._ungate(worker)
            worker.heavy = False
            self.heavy -= 1
            if clean and worker.alive and not self.closed:
                self.members += 1
                self.idle.put_nowait(worker)
                return
        elif clean and worker.alive:
            self.idle.put_nowait(worker)
            return
        else:
            self.members -= 1
        worker.kill()
        self._all.discard(worker)
        if self.members < self.limits.workers:
            self._replace()

    def switch(self, store: Path) -> None:
        """Read `store` from now on: idle workers are replaced at once, busy ones when their
        query ends (it finishes on the store it began on)."""
        self.store = store
        while not self.idle.empty():
            worker = self.idle.get_nowait()
            self.members -= 1
            worker.kill()
            self._all.discard(worker)
        while self.members < self.limits.workers:
            self._replace()

    def reads(self, store: Path) -> bool:
        """Whether a worker still has `store` open."""
        return any(worker.store == store and worker.alive for worker in self._all)

    async def close(self, seconds: float = 2.0) -> None:
        """Kill every worker and wait for them, and for the pool's tasks, `seconds` in all
        (the loop keeps turning meanwhile; a worker still not reaped then is killed already
        and goes with this process)."""
        self.closed = True
        workers = list(self._all)
        for worker in workers:
            worker.kill()
        for task in list(self._tasks):
            task.cancel()
        deadline = time.monotonic() + seconds
        await ended([worker.process for worker in workers], seconds)
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=max(0.0, deadline - time.monotonic()))

    # -- queries ---------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def query(self, request: dict[str, Any]) -> AsyncIterator[Job]:
        """A running query: `await job.frame()` until F or E. Leaving the block early (an
        error, a cancelled request, a client that went away) kills the worker."""
        if self.waiting >= self.limits.max_waiting:
            raise PoolError(503, "too many queries waiting; retry later")
        self.waiting += 1
        try:
            worker = await asyncio.wait_for(self.idle.get(), self.limits.queue_wait)
        except TimeoutError as exc:
            raise PoolError(503, f"no query worker free within {self.limits.queue_wait:g} s; "
                                 "retry later") from exc
        finally:
            self.waiting -= 1
        job = Job(self, worker)
        try:
            worker.send({**request, "max_bytes": self.limits.max_bytes})
            yield job
        finally:
            self._release(worker, job.done)

    def promote(self, worker: Worker) -> None:
        """`worker`'s query turned long: out of the pool, or stopped if too many are."""
        if self.heavy >= self.limits.max_heavy:
            raise PoolError(503, f"too many long queries are running (at most "
                                 f"{self.limits.max_heavy}); retry later")
        worker.heavy = True
        self.heavy += 1
        self.members -= 1
        if self.members < self.limits.workers:
            self._replace()
        self._gate(worker)

    # -- long queries take turns ---------------------------------------------------------------
    # Eight long queries in eight worker processes on two shared cores cost 1.7x the CPU of
    # the same queries two at a time (556 against 325 ms a query), and two at a time 1.4x one
    # at a time (408-487 against 304-332 ms), as every process has its own caches where
    # Oxigraph's threads share one: so at most `slots` compute at once, and the others'
    # workers are stopped until one ends (their time limit still runs).
    def _gate(self, worker: Worker) -> None:
        if len(self.running) < self.slots:
            self.running.add(worker)
            return
        with contextlib.suppress(ProcessLookupError):
            worker.process.send_signal(signal.SIGSTOP)
        self.paused.append(worker)

    def _ungate(self, worker: Worker) -> None:
        if worker in self.running:
            self.running.discard(worker)
        elif worker in self.paused:
            self.paused.remove(worker)
            self._resume(worker)  # finished (or killed) while waiting: never left stopped
        while self.paused and len(self.running) < self.slots:
            waiting = self.paused.popleft()
            if waiting.alive:
                self._resume(waiting)
                self.running.add(waiting)

    @staticmethod
    def _resume(worker: Worker) -> None:
        with contextlib.suppress(ProcessLookupError):
            worker.process.send_signal(signal.SIGCONT)

    def status(self) -> dict[str, Any]:
        return {"workers": self.members, "idle": self.idle.qsize(), "heavy": self.heavy,
                "heavy_waiting": len(self.paused),
                "waiting": self.waiting, "sandbox": bool(self.sandbox),
                "sandbox_unavailable_because": self.why_not or None,
                "worker_start_failures": self.failures}


class Job:
    def __init__(self, pool: Pool, worker: Worker) -> None:
        self.pool = pool
        self.worker = worker
        self.started = time.monotonic()
        self.done = False

    async def frame(self) -> tuple[bytes, bytes]:
        """The next frame of the answer, or PoolError when the time limit is reached (504),
        too many long queries run (503) or the worker died (500)."""
        limits = self.pool.limits
        while True:
            now = time.monotonic()
            deadline = self.started + limits.timeout
            promote_at = self.started + limits.heavy_after
            wait = deadline - now if self.worker.heavy else min(deadline, promote_at) - now
            try:
                got = await self.worker.frame(max(wait, 0))
            except asyncio.IncompleteReadError:
                raise PoolError(500, "the query worker stopped (out of memory?)") from None
            if got is None:
                if time.monotonic() >= deadline:
                    raise PoolError(504, f"the query was stopped at the time limit of "
                                         f"{limits.timeout:g} s")
                if not self.worker.heavy:
                    self.pool.promote(self.worker)
                continue
            kind, payload = got
            if kind in (b"F", b"E"):
                self.done = True
            return kind, payload


async def ended(processes: list[subprocess.Popen[bytes]], seconds: float) -> bool:
    """Wait until every one of `processes` has ended, `seconds` at most, without blocking
    the loop (a blocking `wait` per process, as before, held the loop up to 5 s for each).
    False when some still run."""
    deadline = time.monotonic() + seconds
    while any(process.poll() is None for process in processes):
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.02)
    return True
