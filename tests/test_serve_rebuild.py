"""A rebuild while `rkg serve` runs: the server keeps answering from the build it has open
(the builder leaves a generation a server pins), then switches to the new build by itself and
lets the old generation go. Real builds (`python -m graph build`) and a real `rkg serve`
process, queried over HTTP throughout the rebuild."""

from __future__ import annotations

import fcntl
import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.serve import free_port
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.slow

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
# a document written for this test (invented people and places)
ADDED = ("Title: Harbour bulletin\nPublisher: Example Watch\nDate: 2031-02-03\n\n"
         "Coast guards in Verlania returned fourteen North Koreans to China in January 2031, "
         "the Example Watch group said.\n")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def build(corpus: Path, out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "graph", "build", str(corpus), "--out", str(out), "--jobs", "1",
         "--no-reason", "--no-site", "--quiet"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stdout + done.stderr


def ask(port: int, query: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/query", urllib.parse.urlencode({"query": query}),
                     {"Content-Type": "application/x-www-form-urlencoded",
                      "Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def count(port: int) -> int:
    status, body = ask(port, COUNT)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def pinned(folder: Path) -> bool:
    """Whether a reader holds the generation (the builder's own test: an exclusive lock)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Path, Path, int]]:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    build(corpus, out)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "graph", "serve", "--graph", str(out), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                ask(port, "ASK {}")
                break
            except OSError:
                assert time.monotonic() < deadline, "rkg serve did not start"
                time.sleep(0.1)
        yield corpus, out, port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_keeps_answering_through_a_rebuild_then_follows_it(
        server: tuple[Path, Path, int]) -> None:
    corpus, out, port = server
    first = (out / "current").resolve()
    before = count(port)
    node = json.loads(ask(port, f"SELECT ?s WHERE {{ ?s <{RDFS_LABEL}> ?l }} LIMIT 1")[1])
    iri = node["results"]["bindings"][0]["s"]["value"]
    lookup = f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"  # answered in the server itself
    assert ask(port, lookup)[0] == 200
    assert pinned(first)

    failures: list[str] = []
    answered = [0]
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            for query in (COUNT, lookup):
                status, body = ask(port, query)
                answered[0] += 1
                if status != 200:
                    failures.append(f"{status} {body[:200]!r}")

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        (corpus / "2031-02-harbour-bulletin.txt").write_text(ADDED, encoding="utf-8")
        build(corpus, out)
        second = (out / "current").resolve()
        assert second != first
        # the rebuild published a new generation but left the one the server reads
        assert first.is_dir() and (first / "oxigraph").is_dir()
        deadline = time.monotonic() + 30
        while count(port) == before:  # the server switches on a query, within a second
            assert time.monotonic() < deadline, "rkg serve kept the old build"
            time.sleep(0.2)
    finally:
        stop.set()
        asker.join(timeout=120)
    assert not failures, failures[:5]
    assert answered[0] > 2
    assert count(port) > before
    assert ask(port, lookup)[0] == 200
    # the old generation is let go once no worker reads it: the next build removes it
    deadline = time.monotonic() + 30
    while pinned(first):
        ask(port, lookup)  # the server looks after queries
        assert time.monotonic() < deadline, "the old generation stayed pinned"
        time.sleep(0.3)
    assert pinned(second)
    build(corpus, out)
    assert not first.exists()
    assert count(port) > before


def test_a_pinned_generation_is_left_by_builds_until_released(tmp_path: Path) -> None:
    from graph.generations import GENERATIONS, Pin, generation_of, remove_unpinned

    generation = tmp_path / GENERATIONS / "gen-x"
    (generation / "oxigraph").mkdir(parents=True)
    (generation / "oxigraph" / "data").write_bytes(b"pages")
    assert generation_of(generation / "oxigraph") == generation
    assert generation_of(tmp_path) is None
    pin = Pin(generation)
    assert pinned(generation)
    assert remove_unpinned(generation) is False
    assert (generation / "oxigraph" / "data").read_bytes() == b"pages"
    pin.release()
    assert remove_unpinned(generation) is True
    assert not generation.exists()
