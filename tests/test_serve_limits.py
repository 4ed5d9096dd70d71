"""`rkg serve` stays bounded: time limits that stop the engine, answers cut at a size limit as
a visible error, clients that hang up, long queries limited in number, idle connections closed,
no thread per connection; and answers in every format a client may ask for."""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from serve_support import JSON, request, served, write_build

from graph.serve import Endpoint, HttpLimits, Limits, pool

LONG_COUNT = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
              "?m ?n2 ?o }")
HUGE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = ('SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> '
         '"State number 7"@en }')


def _get(query: str) -> str:
    return "/query?" + urllib.parse.urlencode({"query": query})


def _workers() -> set[int]:
    me = psutil.Process(os.getpid())
    return {c.pid for c in me.children() if "worker.py" in " ".join(c.cmdline())}


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    build = write_build(tmp_path_factory.mktemp("limits-build"))
    limits = Limits(workers=2, max_heavy=1, heavy_after=0.2, timeout=2.0,
                    max_bytes=1 << 20)
    with served(build, limits, HttpLimits(idle_timeout=0.6, header_timeout=0.6)) as running:
        yield running


def test_the_time_limit_kills_the_query(endpoint: Endpoint) -> None:
    before = _workers()
    started = time.monotonic()
    status, _, body = request(endpoint, "GET", _get(LONG_COUNT))
    assert status == 504 and b"time limit of 2 s" in body
    assert time.monotonic() - started < 4
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and all(_alive(pid) for pid in before):
        time.sleep(0.05)
    assert not all(_alive(pid) for pid in before), "the worker that ran it still lives"
    assert request(endpoint, "GET", _get(LIGHT), headers={"Accept": JSON})[0] == 200


def test_an_answer_cut_at_the_size_limit_is_an_error_for_the_client(
        endpoint: Endpoint) -> None:
    parsed = urllib.parse.urlsplit(endpoint.url)
    conn = http.client.HTTPConnection(parsed.hostname or "", parsed.port, timeout=20)
    conn.request("GET", _get(HUGE), headers={"Accept": JSON})
    response = conn.getresponse()
    assert response.status == 200 and response.getheader("Transfer-Encoding") == "chunked"
    with pytest.raises(http.client.IncompleteRead) as cut:
        response.read()
    partial = cut.value.partial
    assert b"#rkg-error: the answer is larger than the limit of 1,048,576 bytes" in partial
    with pytest.raises(ValueError):
        json.loads(partial)
    conn.close()


def test_a_small_answer_over_the_limit_is_refused_whole(tmp_path_factory: pytest.TempPathFactory
                                                        ) -> None:
    build = write_build(tmp_path_factory.mktemp("small-limit"))
    with served(build, Limits(workers=1, max_bytes=2000)) as small:
        status, _, body = request(small, "GET", _get("SELECT * { ?s ?p ?o }"),
                                  headers={"Accept": JSON})
        assert status == 413 and b"larger than the limit of 2,000 bytes" in body


def test_a_client_that_hangs_up_stops_its_query(endpoint: Endpoint) -> None:
    before = _workers()
    parsed = urllib.parse.urlsplit(endpoint.url)
    sock = socket.create_connection((parsed.hostname, parsed.port))
    sock.sendall(f"GET {_get(LONG_COUNT)} HTTP/1.1\r\nHost: 127.0.0.1:{parsed.port}\r\n\r\n"
                 .encode())
    time.sleep(0.4)  # running, and heavy by now
    sock.close()
    deadline = time.monotonic() + 1.2  # well before the 2 s time limit
    while time.monotonic() < deadline and all(_alive(pid) for pid in before):
        time.sleep(0.05)
    assert not all(_alive(pid) for pid in before)


def test_long_queries_are_limited_in_number_and_short_ones_still_run(
        endpoint: Endpoint) -> None:
    results: list[int] = []

    def heavy() -> None:
        results.append(request(endpoint, "GET", _get(LONG_COUNT))[0])

    threads = [threading.Thread(target=heavy) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    light = [request(endpoint, "GET", _get(LIGHT), headers={"Accept": JSON}) for _ in range(5)]
    for thread in threads:
        thread.join()
    assert sorted(results) == [503, 504]
    for status, _, body in light:
        rows = json.loads(body)["results"]["bindings"]
        assert status == 200 and rows[0]["s"]["value"].endswith("/state/s0007")


def test_idle_and_slow_connections_are_closed(endpoint: Endpoint) -> None:
    parsed = urllib.parse.urlsplit(endpoint.url)
    idle = socket.create_connection((parsed.hostname, parsed.port))
    slow = socket.create_connection((parsed.hostname, parsed.port))
    slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the end of the head
    idle.settimeout(3)
    slow.settimeout(3)
    started = time.monotonic()
    assert idle.recv(100) == b""
    assert slow.recv(100) == b""
    assert time.monotonic() - started < 2
    idle.close()
    slow.close()


def test_three_hundred_idle_connections_make_no_threads(endpoint: Endpoint) -> None:
    me = psutil.Process(os.getpid())
    threads = me.num_threads()
    parsed = urllib.parse.urlsplit(endpoint.url)
    sockets = [socket.create_connection((parsed.hostname, parsed.port)) for _ in range(300)]
    try:
        time.sleep(0.2)
        assert me.num_threads() <= threads + 1
        status, _, body = request(endpoint, "GET", _get(LIGHT), headers={"Accept": JSON})
        assert status == 200 and b"s0007" in body
    finally:
        for sock in sockets:
            sock.close()


def test_keep_alive_serves_several_queries_on_one_connection(endpoint: Endpoint) -> None:
    parsed = urllib.parse.urlsplit(endpoint.url)
    conn = http.client.HTTPConnection(parsed.hostname or "", parsed.port, timeout=10)
    for n in range(5):
        query = ('SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> '
                 f'"State number {n}"@en }}')
        conn.request("POST", "/query", query.encode(), {
            "Content-Type": "application/sparql-query", "Accept": JSON})
        response = conn.getresponse()
        body = json.loads(response.read())
        assert body["results"]["bindings"][0]["s"]["value"].endswith(f"s{n:04d}")
    conn.close()


@pytest.mark.parametrize(("accept", "query", "expected", "marker"), [
    ("text/csv", LIGHT, "text/csv", b"s\r\nhttps://w3id.org/refoulement-kg/id/state/s0007"),
    ("text/tab-separated-values", LIGHT, "text/tab-separated-values", b"?s\n<https://"),
    ("application/sparql-results+xml", LIGHT, "application/sparql-results+xml", b"<sparql"),
    ("*/*", "ASK { ?s ?p ?o }", "application/sparql-results+json", b'"boolean":true'),
    ("text/turtle", "CONSTRUCT WHERE { ?s ?p 7 }", "text/turtle", b"s0007>"),
    ("application/n-triples", "DESCRIBE <https://w3id.org/refoulement-kg/id/state/s0001>",
     "application/n-triples", b'"State number 1"@en'),
    ("application/ld+json;q=0.9, text/turtle;q=0.1", "CONSTRUCT WHERE { ?s ?p 7 }",
     "application/ld+json", b'"@id"'),
])
def test_answers_come_in_the_format_asked(endpoint: Endpoint, accept: str, query: str,
                                          expected: str, marker: bytes) -> None:
    status, headers, body = request(endpoint, "GET", _get(query), headers={"Accept": accept})
    assert status == 200 and headers["content-type"].startswith(expected)
    assert marker in body


def test_an_unproducible_format_is_406(endpoint: Endpoint) -> None:
    status, _, body = request(endpoint, "GET", _get(LIGHT), headers={"Accept": "image/png"})
    assert status == 406 and b"application/sparql-results+json" in body


def test_expect_100_continue_is_answered(endpoint: Endpoint) -> None:
    parsed = urllib.parse.urlsplit(endpoint.url)
    body = b"ASK { ?s ?p ?o }"
    with socket.create_connection((parsed.hostname, parsed.port), timeout=5) as sock:
        sock.sendall(b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
                     b"Content-Type: application/sparql-query\r\nConnection: close\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body))
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK") and b'"boolean":true' in answer


def test_a_client_that_does_not_read_holds_no_answer_in_the_server(tmp_path: Path) -> None:
    """The engine writes tens of MB within the time limit: back-pressure keeps them in the
    worker (blocked on its pipe), not in the server, which holds at most ~1 MB of it."""
    me = psutil.Process(os.getpid())
    build = write_build(tmp_path / "b", things=100)
    with served(build, Limits(workers=1, timeout=3.5, max_bytes=1 << 30)) as big:
        before = me.memory_info().rss
        parsed = urllib.parse.urlsplit(big.url)
        peak, queued, received = before, 0, 0
        with socket.create_connection((parsed.hostname, parsed.port)) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(f"GET {_get(HUGE)} HTTP/1.1\r\nHost: 127.0.0.1:{parsed.port}\r\n"
                         "Accept: text/tab-separated-values\r\n\r\n".encode())
            deadline = time.monotonic() + 3.2
            while time.monotonic() < deadline:
                peak = max(peak, me.memory_info().rss)
                for worker in list(big.pool._all):
                    queued = max(queued, worker.frames.queued)
                    received = max(received, worker.frames.received)
                time.sleep(0.02)
    assert received > 2 * pool.PAUSE_BYTES  # the engine did push past the limit
    assert queued <= pool.PAUSE_BYTES + (512 << 10)
    assert peak - before < 24 << 20, f"server grew by {(peak - before) >> 20} MB"


def test_long_queries_take_turns_and_all_finish(tmp_path_factory: pytest.TempPathFactory
                                                ) -> None:
    """With one long query computing at a time, a second one waits with its worker stopped
    (SIGSTOP) and is resumed when the first ends: both answer, with the right count."""
    build = write_build(tmp_path_factory.mktemp("turns"), things=80)  # 160 triples
    product = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    limits = Limits(workers=2, max_heavy=3, heavy_after=0.2, timeout=120, heavy_running=1)
    with served(build, limits) as one_at_a_time:
        answers: list[tuple[int, dict[str, str], bytes]] = []

        def long_query() -> None:
            answers.append(request(one_at_a_time, "GET", _get(product),
                                   headers={"Accept": JSON}, timeout=120))

        threads = [threading.Thread(target=long_query) for _ in range(2)]
        for thread in threads:
            thread.start()
        stopped_seen = False
        while any(thread.is_alive() for thread in threads) and not stopped_seen:
            health = json.loads(request(one_at_a_time, "GET", "/health")[2])
            stopped = [pid for pid in _workers() if _alive(pid) and
                       psutil.Process(pid).status() == psutil.STATUS_STOPPED]
            stopped_seen = health["heavy_waiting"] == 1 and len(stopped) == 1
            time.sleep(0.05)
        for thread in threads:
            thread.join()
        assert stopped_seen, "the second long query was not made to wait"
        counts = [json.loads(body)["results"]["bindings"][0]["n"]["value"]
                  for status, _, body in answers if status == 200]
        assert counts == [str(160 ** 3)] * 2
        assert json.loads(request(one_at_a_time, "GET", "/health")[2])["heavy_waiting"] == 0
        # the worker that waited came back as a spare, running: it answers the next queries
        filtered = ('SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l '
                    'FILTER(?l = "State number 9"@en) }')  # not a lookup: run by a worker
        for _ in range(4):
            status, _, body = request(one_at_a_time, "GET", _get(filtered),
                                      headers={"Accept": JSON})
            assert status == 200 and b"s0009" in body
