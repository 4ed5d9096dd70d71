"""`rkg serve` under load, started as a user would: 20 clients x 50 mixed light requests while 8
heavy queries run and 300 connections sit idle. Every light request must get its correct
answer; the server's threads and memory stay flat; heavy queries end as a result or a clean
error, never as a complete-looking truncated answer."""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import psutil
import pytest
from serve_support import JSON, RKG, ROOT, write_build

from graph.serve import free_port

pytestmark = pytest.mark.slow
CLIENTS = 20
REQUESTS = 50
HEAVY = 8
IDLE = 300
HEAVY_QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY DESC(?c) ?f",
]


def _label_query(n: int) -> str:
    return ('SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> '
            f'"State number {n}"@en }}')


def _light(conn: http.client.HTTPConnection, n: int, kind: int) -> None:
    """One light request of one of four kinds, its answer checked."""
    iri = f"https://w3id.org/refoulement-kg/id/state/s{n:04d}"
    if kind == 0:
        conn.request("GET", "/query?" + urllib.parse.urlencode({"query": _label_query(n)}),
                     headers={"Accept": JSON})
    elif kind == 1:
        conn.request("POST", "/sparql", urllib.parse.urlencode({"query": _label_query(n)}),
                     {"Content-Type": "application/x-www-form-urlencoded", "Accept": JSON})
    elif kind == 2:
        conn.request("POST", "/query", f"ASK {{ <{iri}> ?p ?o }}".encode(),
                     {"Content-Type": "application/sparql-query", "Accept": JSON})
    else:
        conn.request("POST", "/query", f"CONSTRUCT WHERE {{ <{iri}> ?p ?o }}".encode(),
                     {"Content-Type": "application/sparql-query",
                      "Accept": "application/n-triples"})
    response = conn.getresponse()
    body = response.read()
    assert response.status == 200, (response.status, body[:200])
    if kind in (0, 1):
        rows = json.loads(body)["results"]["bindings"]
        assert [row["s"]["value"] for row in rows] == [iri]
    elif kind == 2:
        assert json.loads(body)["boolean"] is True
    else:
        assert body.count(b"\n") == 2 and f'"State number {n}"@en'.encode() in body


def _heavy(port: int, query: str, outcomes: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", "/query?" + urllib.parse.urlencode({"query": query}),
                     headers={"Accept": JSON})
        response = conn.getresponse()
        try:
            body = response.read()
        except http.client.IncompleteRead as cut:
            assert b"#rkg-error:" in cut.partial
            outcomes.append("cut")
            return
        if response.status == 200:
            json.loads(body)  # a 200 is always complete, valid JSON
        outcomes.append(str(response.status))
    finally:
        conn.close()


def _tree(process: psutil.Process) -> tuple[int, int, int, int]:
    """(server threads, server RSS, largest worker RSS, the front processes' RSS)."""
    children = [c for c in process.children(recursive=True) if c.is_running()]
    fronts = [c for c in children if "graph.serve.front" in " ".join(c.cmdline())]
    workers = [c.memory_info().rss for c in children if c not in fronts]
    return (process.num_threads(), process.memory_info().rss, max(workers, default=0),
            sum(c.memory_info().rss for c in fronts))


def test_load_every_light_request_answered_with_flat_threads_and_memory(
        tmp_path: Path) -> None:
    build = write_build(tmp_path / "build", things=400)
    port = free_port()
    server = subprocess.Popen(
        [*RKG, "serve", "--graph", str(build), "--port", str(port), "--timeout", "4",
         "--max-heavy", "4", "--workers", "2", "--max-result-mb", "32",
         "--idle-timeout", "60"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, \
                    server.stdout.read() if server.stdout else ""
                time.sleep(0.1)
        process = psutil.Process(server.pid)
        time.sleep(0.5)
        while "graph.serve.front" not in " ".join(
                " ".join(c.cmdline()) for c in process.children()):
            assert time.monotonic() < deadline, "no front process started"
            time.sleep(0.1)
        time.sleep(0.5)  # the fronts open the store
        threads0, rss0, _, fronts0 = _tree(process)
        samples: list[tuple[int, int, int, int]] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.1):
                with contextlib.suppress(psutil.Error):
                    samples.append(_tree(process))

        sampler = threading.Thread(target=sample)
        sampler.start()
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(IDLE)]
        outcomes: list[str] = []
        heavy = [threading.Thread(target=_heavy, args=(port, HEAVY_QUERIES[i % 3], outcomes))
                 for i in range(HEAVY)]
        for thread in heavy:
            thread.start()
        failures: list[str] = []
        answered = [0]

        def client(seed: int) -> None:
            rng = random.Random(seed)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                for _ in range(REQUESTS):
                    _light(conn, rng.randrange(400), rng.randrange(4))
                    answered[0] += 1
            except Exception as exc:  # collected and reported below
                failures.append(f"client {seed}: {exc!r}")
            finally:
                conn.close()

        started = time.monotonic()
        clients = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in clients:
            thread.start()
        for thread in clients + heavy:
            thread.join(timeout=120)
        seconds = time.monotonic() - started
        stop.set()
        sampler.join()
        for sock in idle:
            sock.close()
        assert failures == [] and answered[0] == CLIENTS * REQUESTS
        assert len(outcomes) == HEAVY
        assert set(outcomes) <= {"200", "503", "504", "413", "cut"}, outcomes
        assert server.poll() is None
        max_threads = max(s[0] for s in samples)
        max_rss = max(s[1] for s in samples)
        max_worker = max(s[2] for s in samples)
        max_fronts = max(s[3] for s in samples)
        print(f"\nload: {CLIENTS * REQUESTS} light requests in {seconds:.1f} s "
              f"({CLIENTS * REQUESTS / seconds:.0f}/s) beside {HEAVY} heavy ({outcomes}) and "
              f"{IDLE} idle connections; server threads {threads0} -> max {max_threads}, "
              f"RSS {rss0 >> 20} -> max {max_rss >> 20} MB, largest worker "
              f"{max_worker >> 20} MB, fronts {fronts0 >> 20} -> max {max_fronts >> 20} MB")
        assert max_threads <= threads0 + 2
        assert max_rss < rss0 + (64 << 20)
        assert max_worker < 512 << 20
        assert max_fronts < fronts0 + (64 << 20)
    finally:
        server.terminate()
        server.wait(timeout=30)
