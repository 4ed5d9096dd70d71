"""Lookups answered in the server process (graph/serve/inline.py): which queries qualify, that
their answers are the workers' answers byte for byte, and that a lookup over its budget or
over the endpoint's size limit is handed to a worker, whose limits still hold."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_support import DATA, JSON, RDFS_LABEL, request, served, write_build

from graph.serve import Endpoint, Limits
from graph.serve.inline import lookup_shape

LOOKUPS = [
    f"SELECT ?p ?o WHERE {{ <{DATA}state/s0003> ?p ?o }}",
    f'SELECT ?s WHERE {{ ?s <{RDFS_LABEL}> "State number 7"@en }}',
    f"ASK {{ <{DATA}state/s0003> ?p ?o }}",
    f"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT DISTINCT ?l ?r WHERE {{ "
    f"<{DATA}state/s0004> rdfs:label ?l ; <{DATA}rank> ?r . }} LIMIT 3",
    f'select * {{ ?s <{DATA}rank> "12"^^<http://www.w3.org/2001/XMLSchema#integer> }}',
    f"SELECT ?s ?o {{ ?s <{DATA}rank> ?o }}",
]
NOT_LOOKUPS = [
    "SELECT ?s WHERE { ?s ?p ?s }",  # a variable twice: a scan that may output nothing
    "SELECT ?s WHERE { ?s ?p ?o . ?o ?q ?r }",  # a join of two scans
    f"SELECT ?s WHERE {{ <{DATA}a> ?p ?o . <{DATA}b> ?q ?r }}",  # two subjects
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s",
    "SELECT DISTINCT ?p WHERE { ?s ?p ?o }",  # few rows written after a long scan
    "SELECT ?s WHERE { ?s ?p ?o } OFFSET 5",
    "SELECT ?s WHERE { ?s ?p ?o FILTER(?o > 3) }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s <http://e/p>/<http://e/q> ?o }",
    "SELECT ?s WHERE { ?s <http://e/p>* ?o }",
    "SELECT ?s WHERE { ?s <http://e/p>? ?o }",
    "SELECT ?s WHERE { ?s ^<http://e/p> ?o }",
    "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?s WHERE { OPTIONAL { ?s ?p ?o } }",
    "SELECT ?s WHERE { ?s ?p [] }",
    "SELECT ?s WHERE { ?s ?p ?o # a comment\n }",
    "SELECT ?s WHERE { e:s ?p e:x.e:s ?q ?o }",  # one prefixed name to the engine
    "SELECT ?s WHERE { ?s ?p 5 }",
    "BASE <http://e/> SELECT ?s WHERE { <s> ?p ?o }",
    "DESCRIBE <http://e/s>",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { <http://e/a> }",
    "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }",
]


@pytest.mark.parametrize("query", LOOKUPS)
def test_lookups_have_the_lookup_shape(query: str) -> None:
    assert lookup_shape(query) is not None


@pytest.mark.parametrize("query", NOT_LOOKUPS)
def test_other_queries_do_not(query: str) -> None:
    assert lookup_shape(query) is None


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Endpoint, Endpoint]]:
    build = write_build(tmp_path_factory.mktemp("inline-build"), things=400)
    with served(build, Limits(max_bytes=24_000)) as inline, \
            served(build, Limits(max_bytes=24_000, inline=False)) as workers:
        yield inline, workers


def _ask(endpoint: Endpoint, query: str, accept: str = JSON) -> tuple[int, bytes]:
    status, _headers, body = request(endpoint, "GET", "/query?" + urllib.parse.urlencode(
        {"query": query}), headers={"Accept": accept})
    return status, body


def _health(endpoint: Endpoint) -> dict[str, int]:
    return json.loads(request(endpoint, "GET", "/health")[2])  # type: ignore[no-any-return]


@pytest.mark.parametrize("accept", [JSON, "text/csv", "text/tab-separated-values",
                                    "application/sparql-results+xml"])
def test_lookups_are_answered_in_the_server_as_a_worker_answers_them(
        endpoints: tuple[Endpoint, Endpoint], accept: str) -> None:
    inline, workers = endpoints
    before = _health(inline)["lookups_in_server"]
    for query in LOOKUPS[:-1]:
        ours, theirs = _ask(inline, query, accept), _ask(workers, query, accept)
        assert ours[0] == theirs[0] == 200
        assert ours[1] == theirs[1], query
    assert _health(inline)["lookups_in_server"] == before + len(LOOKUPS) - 1
    assert "lookups_in_server" not in _health(workers)


def test_a_lookup_over_the_size_limit_goes_to_a_worker_which_refuses_it(
        endpoints: tuple[Endpoint, Endpoint]) -> None:
    inline, _workers = endpoints
    before = _health(inline)["lookups_handed_to_workers"]
    status, body = _ask(inline, LOOKUPS[-1])  # 400 rows: more than 24,000 bytes of JSON
    assert status == 413 and b"larger than the limit" in body
    assert _health(inline)["lookups_handed_to_workers"] == before + 1


def test_errors_of_lookups_are_the_workers_errors(endpoints: tuple[Endpoint, Endpoint]) -> None:
    inline, workers = endpoints
    undeclared = "SELECT ?s WHERE { ?s nope:p ?o }"  # the lookup shape, an unknown prefix
    assert lookup_shape(undeclared) is not None
    ours, theirs = _ask(inline, undeclared), _ask(workers, undeclared)
    assert ours[0] == theirs[0] == 400 and ours[1] == theirs[1]
    assert _ask(inline, LOOKUPS[0], "image/png")[0] == 406


def test_lookups_on_lookup_threads_give_the_same_answers(
        endpoints: tuple[Endpoint, Endpoint], tmp_path: Path) -> None:
    _inline, workers = endpoints
    build = write_build(tmp_path / "build", things=400)
    with served(build, Limits(max_bytes=24_000, lookup_threads=2)) as on_threads:
        for query in LOOKUPS:
            assert _ask(on_threads, query) == _ask(workers, query), query
        health = _health(on_threads)
        assert health["lookups_in_server"] == len(LOOKUPS) - 1
        assert health["lookups_handed_to_workers"] == 1


def test_the_cpu_budget_counts_from_the_second_buffer_and_stops_long_answers(
        endpoints: tuple[Endpoint, Endpoint], monkeypatch: pytest.MonkeyPatch) -> None:
    """With no CPU time allowed at all, a one-buffer answer is still made here (no clock is
    read before a second buffer), and a many-buffer one is handed on."""
    inline, _workers = endpoints
    assert inline.app is not None and inline.app.inline is not None
    import graph.serve.inline as module

    monkeypatch.setattr(module, "INLINE_SECONDS", 0.0)
    store = module.Inline(inline.app.inline.path)  # no size limit of the endpoint's
    try:
        small = store.answer(LOOKUPS[0], JSON)
        assert small is not None and b"State number 3" in small[1]
        assert len(small[1]) < 8192
        assert store.answer(LOOKUPS[-1], JSON) is None  # 400 rows: several buffers
        monkeypatch.setattr(module, "INLINE_SECONDS", 60.0)
        whole = store.answer(LOOKUPS[-1], JSON)
        assert whole is not None and len(json.loads(whole[1])["results"]["bindings"]) == 400
    finally:
        store.close()
