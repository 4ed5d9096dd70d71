"""What `rkg serve` remembers between requests to answer repeated lookups with less CPU: request
heads parsed once per exact head, one-field forms decoded once per exact body, the guard's
verdict and the lookup shape once per exact text (graph/serve/http.py, graph/serve/app.py).
Each is a function of those bytes alone, so a request that differs in one byte, or comes
again, gets the same decision as a fresh one: here, exact request bytes sent on raw
sockets, each one repeated, and twins differing only in a header or in the body."""

from __future__ import annotations

import json
import socket
import urllib.parse
from collections.abc import Iterator

import pytest
from serve_support import DATA, JSON, RDFS_LABEL, served, write_build

from graph.serve import Endpoint, Limits
from graph.serve.http import parse_head

LOOKUP = f'SELECT ?s WHERE {{ ?s <{RDFS_LABEL}> "State number 7"@en }}'
SERVICE = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    build = write_build(tmp_path_factory.mktemp("remembered-build"))
    with served(build, Limits(workers=1)) as running:
        yield running


def _port(endpoint: Endpoint) -> int:
    return int(endpoint.url.rsplit(":", 1)[1])


def _form(query: str, host: str, content_type: str = "application/x-www-form-urlencoded",
          extra: str = "") -> bytes:
    body = urllib.parse.urlencode({"query": query}).encode()
    return (f"POST /query HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n"
            f"Accept: {JSON}\r\n{extra}Content-Length: {len(body)}\r\n\r\n").encode() + body


def _exchange(endpoint: Endpoint, raw: bytes, times: int = 3) -> list[tuple[int, bytes]]:
    """Send the same bytes `times` times on one keep-alive connection: (status, body) each."""
    answers = []
    with socket.create_connection(("127.0.0.1", _port(endpoint)), timeout=30) as sock:
        reader = sock.makefile("rb")
        for _ in range(times):
            sock.sendall(raw)
            status = int(reader.readline().split()[1])
            length = 0
            while (line := reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            answers.append((status, reader.read(length)))
    return answers


def test_a_repeated_lookup_gets_the_same_answer(endpoint: Endpoint) -> None:
    host = f"127.0.0.1:{_port(endpoint)}"
    answers = _exchange(endpoint, _form(LOOKUP, host), times=5)
    assert len(set(answers)) == 1
    status, body = answers[0]
    assert status == 200
    assert [row["s"]["value"] for row in json.loads(body)["results"]["bindings"]] == \
        [f"{DATA}state/s0007"]


def test_twins_of_a_remembered_request_are_judged_on_their_own(endpoint: Endpoint) -> None:
    port = _port(endpoint)
    good = _form(LOOKUP, f"127.0.0.1:{port}")
    assert {status for status, _ in _exchange(endpoint, good)} == {200}
    # the same body under another head: a foreign Host, a cross-site page, an update type
    for twin in (_form(LOOKUP, f"attacker.example:{port}"),
                 _form(LOOKUP, f"127.0.0.1:{port}", extra="Sec-Fetch-Site: cross-site\r\n"),
                 _form(LOOKUP, f"127.0.0.1:{port}", extra="Origin: http://attacker.example\r\n"),
                 _form(LOOKUP, f"127.0.0.1:{port}", content_type="application/sparql-update")):
        assert {status for status, _ in _exchange(endpoint, twin)} == {403}, twin[:120]
    # the same head length, another body: a SERVICE the guard refuses every time
    refused = _form(SERVICE, f"127.0.0.1:{port}")
    answers = _exchange(endpoint, refused)
    assert {status for status, _ in answers} == {403}
    assert all(b"SERVICE" in body for _, body in answers)
    assert {status for status, _ in _exchange(endpoint, good)} == {200}


def test_parsed_heads_are_the_same_remembered_or_not() -> None:
    head = (b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost:1\r\n"
            b"Accept: text/csv\r\nConnection: close")
    first, again = parse_head(head), parse_head(bytes(head))
    assert first == again
    assert (first.method, first.target, first.keep_alive, first.length) == \
        ("GET", "/query?query=ASK%7B%7D", False, 0)
    assert dict(first.headers) == {"host": "localhost:1", "accept": "text/csv",
                                   "connection": "close"}
    with pytest.raises(ValueError, match="repeated Host"):
        parse_head(head + b"\r\nHost: localhost:2")
    for _ in range(2):  # a bad head is refused every time, never remembered as good
        with pytest.raises(ValueError, match="chunked"):
            parse_head(b"POST /query HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked")
