"""Front processes (graph/serve/fronts.py): the server hands its connections to them, fewest
open connections first; they answer lookups and refusals, hand everything else back with the
socket, listen nowhere and have no network; the connection limit and the counters stay those
of the whole endpoint; a front that dies is replaced."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import psutil
import pytest
from serve_support import DATA, JSON, RDFS_LABEL, served, write_build

from graph.serve import Endpoint, HttpLimits, Limits
from graph.serve.channel import Slots
from graph.serve.pool import MALLOC_TUNABLES, tuned_environment

LOOKUP = f"SELECT ?p ?o WHERE {{ <{DATA}state/s0003> ?p ?o }}"
LABEL = f'SELECT ?s WHERE {{ ?s <{RDFS_LABEL}> "State number 7"@en }}'
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # not a lookup: a worker runs it
LARGE = f"SELECT ?s ?o WHERE {{ ?s <{DATA}rank> ?o }}"  # a lookup over the size limit


def _get(query: str) -> str:
    return "/query?" + urllib.parse.urlencode({"query": query})


def _port(endpoint: Endpoint) -> int:
    return int(endpoint.url.rsplit(":", 1)[1])


def _health(endpoint: Endpoint) -> dict[str, int]:
    conn = http.client.HTTPConnection("127.0.0.1", _port(endpoint), timeout=10)
    try:
        conn.request("GET", "/health")
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def _fronts(endpoint: Endpoint) -> list[psutil.Process]:
    """The endpoint's front processes (the module's endpoint and a test's may both run)."""
    assert endpoint.app is not None and endpoint.app.fronts is not None
    found = [psutil.Process(front.process.pid) for front in endpoint.app.fronts.fronts
             if front is not None]
    assert all("graph.serve.front" in " ".join(p.cmdline()) for p in found)
    return found


def _ready(endpoint: Endpoint, count: int) -> None:
    deadline = time.monotonic() + 30
    while _health(endpoint).get("fronts") != count:
        assert time.monotonic() < deadline, _health(endpoint)
        time.sleep(0.05)


def _client_sockets(process: psutil.Process, port: int) -> int:
    """Sockets of `process` that are the server's end of a connection to `port`."""
    return sum(1 for c in process.net_connections("tcp")
               if c.laddr and c.laddr.port == port and c.status == psutil.CONN_ESTABLISHED)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    build = write_build(tmp_path_factory.mktemp("fronts-build"), things=400)
    with served(build, Limits(workers=1, max_bytes=24_000, fronts=2),
                token="fronts-token") as running:
        _ready(running, 2)
        yield running


AUTH = {"Authorization": "Bearer fronts-token", "Accept": JSON}


def test_connections_are_balanced_between_the_fronts_which_answer_lookups(
        endpoint: Endpoint) -> None:
    port = _port(endpoint)
    before = _health(endpoint)["lookups_in_server"]
    clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(8)]
    try:
        for conn in clients:
            conn.request("GET", _get(LABEL), headers=AUTH)
            response = conn.getresponse()
            rows = json.loads(response.read())["results"]["bindings"]
            assert response.status == 200 and rows == [
                {"s": {"type": "uri", "value": f"{DATA}state/s0007"}}]
        fronts = _fronts(endpoint)
        assert len(fronts) == 2
        assert sorted(_client_sockets(front, port) for front in fronts) == [4, 4]
        assert _client_sockets(psutil.Process(os.getpid()), port) == 0  # none left here
        assert _health(endpoint)["lookups_in_server"] == before + 8
    finally:
        for conn in clients:
            conn.close()


def test_what_a_front_cannot_answer_goes_back_to_the_server_on_the_same_connection(
        endpoint: Endpoint) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", _port(endpoint), timeout=30)

    def ask(method: str, path: str, body: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        conn.request(method, path, body, {**AUTH, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()

    health = _health(endpoint)
    status, body = ask("GET", _get(LOOKUP))  # a front answers: the connection is there now
    assert status == 200 and b"State number 3" in body
    sock = conn.sock
    assert sock is not None
    status, body = ask("GET", _get(COUNT))  # handed back: a worker counts
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "800"
    status, body = ask("GET", _get(LARGE))  # tried in the front, then a worker refuses it
    assert status == 413 and b"larger than the limit" in body
    status, body = ask("POST", "/query", urllib.parse.urlencode({"query": LABEL}),
                       {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and b"s0007" in body
    assert ask("GET", "/")[0] == 200  # the page: from the server
    assert ask("GET", _get("SELECT * WHERE { SERVICE <http://e/> { ?s ?p ?o } }"))[0] == 403
    assert ask("GET", _get(LOOKUP), headers={"Host": "attacker.example"})[0] == 403
    assert ask("GET", _get(LOOKUP), headers={"Authorization": "Bearer wrong"})[0] == 401
    status, body = ask("GET", _get(LOOKUP))
    assert status == 200 and b"State number 3" in body
    assert conn.sock is sock  # one connection throughout (http.client reconnects silently)
    conn.close()
    after = _health(endpoint)
    assert after["lookups_in_server"] == health["lookups_in_server"] + 3
    assert after["lookups_handed_to_workers"] == health["lookups_handed_to_workers"] + 1


def _read_response(stream: BinaryIO) -> tuple[int, bytes]:
    """One response with a Content-Length from a stream holding several in a row."""
    status = int(stream.readline().split()[1])
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return status, stream.read(length)


def test_pipelined_requests_are_answered_in_order_across_the_hand_back(
        endpoint: Endpoint) -> None:
    sock = socket.create_connection(("127.0.0.1", _port(endpoint)), timeout=30)
    head = "Host: 127.0.0.1\r\nAuthorization: Bearer fronts-token\r\nAccept: " + JSON
    sock.sendall("".join(f"GET {_get(query)} HTTP/1.1\r\n{head}\r\n\r\n"
                         for query in (LOOKUP, COUNT, LABEL, LOOKUP)).encode())
    stream = sock.makefile("rb")
    answers = [_read_response(stream) for _ in range(4)]
    sock.close()
    assert [status for status, _ in answers] == [200] * 4
    bodies = [body for _, body in answers]
    assert b"State number 3" in bodies[0] and b'"800"' in bodies[1]
    assert b"s0007" in bodies[2] and bodies[3] == bodies[0]


def _listening_inodes() -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as handle:
            for line in list(handle)[1:]:
                fields = line.split()
                if fields[3] == "0A":  # LISTEN
                    found.add(fields[9])
    return found


def test_fronts_listen_nowhere_have_no_network_and_no_token_on_their_command_line(
        endpoint: Endpoint) -> None:
    listening = _listening_inodes()
    assert listening  # the server's own port, at least
    for front in _fronts(endpoint):
        links = [os.readlink(f"/proc/{front.pid}/fd/{fd}")
                 for fd in os.listdir(f"/proc/{front.pid}/fd")]
        inodes = {link[len("socket:["):-1] for link in links if link.startswith("socket:[")}
        assert not inodes & listening
        assert os.readlink(f"/proc/{front.pid}/ns/net") != os.readlink("/proc/self/ns/net")
        assert "fronts-token" not in " ".join(front.cmdline())


def test_fronts_and_workers_start_with_the_allocator_settings_and_without_the_token(
        endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", _port(endpoint), timeout=30)
    conn.request("GET", _get(COUNT), headers=AUTH)  # a worker runs it: one is up
    assert conn.getresponse().status == 200
    conn.close()
    workers = [psutil.Process(worker.process.pid) for worker in endpoint.pool._all]
    assert workers
    for process in _fronts(endpoint) + workers:
        environment = process.environ()
        assert environment["GLIBC_TUNABLES"].endswith(MALLOC_TUNABLES)
        assert "fronts-token" not in " ".join(environment.values())
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")
    assert tuned_environment()["GLIBC_TUNABLES"] == f"glibc.malloc.arena_max=2:{MALLOC_TUNABLES}"
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=5")  # the user's choice
    assert tuned_environment()["GLIBC_TUNABLES"] == "glibc.malloc.tcache_count=5"


def test_the_connection_limit_counts_the_fronts_connections(tmp_path: Path) -> None:
    build = write_build(tmp_path / "build")
    with served(build, Limits(workers=1, fronts=2), HttpLimits(max_connections=6)) as running:
        _ready(running, 2)
        port = _port(running)
        fronts = running.app.fronts if running.app is not None else None
        assert fronts is not None

        def settle(count: int) -> None:
            """Wait until the fronts hold `count` connections and the server none (the
            /health connections of `_ready` end in a front a moment after their clients
            closed them, and count until then: one more would be refused)."""
            deadline = time.monotonic() + 10
            while fronts.open_connections() != count or running.server.connections:
                assert time.monotonic() < deadline, fronts.open_connections()
                time.sleep(0.05)

        settle(0)
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(6)]
        settle(6)
        for _ in range(20):  # the whole refusal arrives, never a reset in its place
            extra = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            extra.request("POST", "/query", body=b"query=" + b"x" * 60_000,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
            answer = extra.getresponse()
            assert (answer.status, answer.read()) == (503, b"too many open connections\n")
            extra.close()
        idle.pop().close()
        deadline = time.monotonic() + 10
        while True:  # the front sees the close, and the server then takes one more
            try:
                assert _health(running)["status"] == "ok"
                break
            except (AssertionError, OSError, ValueError, http.client.HTTPException):
                assert time.monotonic() < deadline
                time.sleep(0.1)
        for sock in idle:
            sock.close()


def test_a_counter_a_front_writes_never_reads_lower_in_the_server() -> None:
    """The server reads each front's counters while the front writes them: a torn or
    zeroed read made it count thousands of connections open and refuse new ones."""
    slots = Slots(2)
    writer = subprocess.Popen(
        [sys.executable, "-c", "import sys; from graph.serve.channel import Slots\n"
         f"s = Slots(2, {slots.fd})\n"
         "for n in range(1, 400_001): s.set(1, 'ended', n)"],
        pass_fds=(slots.fd,), cwd=Path(__file__).resolve().parents[1])
    last, reads, lower = 0, 0, 0
    while writer.poll() is None:
        value = slots.get(1, "ended")
        lower += value < last
        last, reads = max(last, value), reads + 1
    assert writer.returncode == 0 and slots.get(1, "ended") == 400_000
    assert reads > 1000 and lower == 0, (reads, lower)
    assert slots.get(0, "ended") == 0


def test_a_front_that_dies_is_replaced(tmp_path: Path) -> None:
    build = write_build(tmp_path / "build")
    with served(build, Limits(workers=1, fronts=2)) as running:
        _ready(running, 2)
        victim = _fronts(running)[0]
        os.kill(victim.pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while True:
            try:  # answered meanwhile, by the server or the other front ...
                health = _health(running)
            except ConnectionResetError:  # ... but for a connection handed to the victim
                continue  # in the moment between its death and the server seeing it
            if health["fronts"] == 2 and health["front_restarts"] == 1:
                break
            assert time.monotonic() < deadline, health
            time.sleep(0.1)
        assert victim.pid not in {front.pid for front in _fronts(running)}
        conn = http.client.HTTPConnection("127.0.0.1", _port(running), timeout=10)
        conn.request("GET", _get(LOOKUP), headers={"Accept": JSON})
        assert b"State number 3" in conn.getresponse().read()
        conn.close()
