"""`rkg serve` stops promptly when told to: SIGTERM while it answers lookups, runs heavy
queries in its workers and holds idle connections, and the command has exited, with its
fronts and workers, within a few seconds (graph/serve's STOP_SECONDS, with room for a busy
machine)."""

from __future__ import annotations

import contextlib
import http.client
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import psutil
import pytest
from serve_support import JSON, RDFS_LABEL, RKG, ROOT, write_build

from graph.serve import STOP_SECONDS, free_port

pytestmark = pytest.mark.slow
EXIT_BOUND = STOP_SECONDS + 5.0
"""Seconds from SIGTERM to the command's exit that the test allows: the bound and room for
the interpreter's own exit on a loaded machine."""
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _wait_listening(server: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, \
                server.stdout.read() if server.stdout else ""
            time.sleep(0.1)


def _light(port: int, stop: threading.Event, answered: list[int]) -> None:
    """Lookups on one keep-alive connection until `stop` (or the server goes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = 0
    with contextlib.suppress(OSError, http.client.HTTPException):
        while not stop.is_set():
            query = f'SELECT ?s WHERE {{ ?s <{RDFS_LABEL}> "State number {n % 400}"@en }}'
            conn.request("POST", "/query", urllib.parse.urlencode({"query": query}),
                         {"Content-Type": "application/x-www-form-urlencoded",
                          "Accept": JSON})
            response = conn.getresponse()
            response.read()
            answered.append(response.status)
            n += 1
    conn.close()


def _heavy(port: int) -> None:
    """A query that keeps a worker busy far longer than the test."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    with contextlib.suppress(OSError, http.client.HTTPException):
        conn.request("GET", "/query?" + urllib.parse.urlencode({"query": HEAVY}),
                     headers={"Accept": JSON})
        conn.getresponse().read()
    conn.close()


def test_sigterm_under_load_exits_within_the_bound_with_its_processes(tmp_path: Path) -> None:
    build = write_build(tmp_path / "build", things=400)
    port = free_port()
    server = subprocess.Popen(
        [*RKG, "serve", "--graph", str(build), "--port", str(port), "--timeout", "120",
         "--max-heavy", "4", "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    stop = threading.Event()
    answered: list[int] = []
    threads = [threading.Thread(target=_light, args=(port, stop, answered)) for _ in range(6)]
    threads += [threading.Thread(target=_heavy, args=(port,)) for _ in range(3)]
    idle: list[socket.socket] = []
    try:
        _wait_listening(server, port)
        process = psutil.Process(server.pid)
        deadline = time.monotonic() + 60
        while sum("graph.serve.front" in " ".join(c.cmdline())
                  for c in process.children()) < 1:
            assert time.monotonic() < deadline, "no front process started"
            time.sleep(0.1)
        for thread in threads:
            thread.start()
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(50)]
        while len(answered) < 200:  # lookups are being answered, heavy queries running
            assert time.monotonic() < deadline and server.poll() is None, "no answers"
            time.sleep(0.05)
        time.sleep(1.0)
        assert set(answered) == {200}
        children = process.children(recursive=True)
        workers = [c for c in children if "graph.serve.front" not in " ".join(c.cmdline())]
        assert len(children) - len(workers) >= 1 and len(workers) >= 2  # fronts, workers

        sent = time.monotonic()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=EXIT_BOUND)
        except subprocess.TimeoutExpired:
            pytest.fail(f"rkg serve still running {EXIT_BOUND:g} s after SIGTERM")
        seconds = time.monotonic() - sent
        print(f"\nexit {seconds:.2f} s after SIGTERM, under load "
              f"({len(children)} child processes)")
        assert server.returncode == 0, server.stdout.read() if server.stdout else ""
        _gone, alive = psutil.wait_procs(children, timeout=2)
        assert alive == [], f"still running after the server exited: {alive}"
    finally:
        stop.set()
        for sock in idle:
            sock.close()
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
        for thread in threads:
            thread.join(timeout=30)
