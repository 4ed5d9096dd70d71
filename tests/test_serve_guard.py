"""The guard in front of Oxigraph (graph/guard.py) and the endpoint's refusals, tried the way an
attacker would: every SERVICE / LOAD / FROM / update spelling we know of, over every transport,
and a property-based fuzzer mixing them. A loopback listener counts the requests that would have
left the machine: it must see none.

The endpoint here runs WITHOUT the workers' network sandbox, so the guard alone must hold; the
sandbox is tested on its own below (it must hold alone too).
"""

from __future__ import annotations

import contextlib
import json
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serve_support import Counter, listening, request, served, transports, write_build

from graph.guard import QueryRefused, check_query, expand_codepoints, tokens
from graph.query import load_pack
from graph.serve import Endpoint, Limits
from graph.serve.pool import WORKER_SCRIPT

# Whitespace and comment terminators, including those Oxigraph does NOT treat as whitespace
# or line ends (U+2028, U+0085, VT, FF): a guard that treats them differently from the engine
# is exactly the bug this file hunts.
SEPARATORS = [" ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\u2028", "\u0085", "",
              "# c\r", "# c\n", "#\r\n", "# \u2028 x\n", "# \u0085 x\r", "#\x0c\n"]
SERVICE_WORDS = ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "service silent",
                 "SERVI\\u0043E", "\\u0053ERVICE", "SERVIC\\U00000045", "S\\u0045RVICE SILENT"]


def service_queries(remote: str) -> list[str]:
    """SELECT/ASK/CONSTRUCT/DESCRIBE with a SERVICE call hidden every way we know."""
    host = remote.removeprefix("http://")
    iris = [f"<{remote}/sparql>", f"<http:\\u002F\\u002F{host}/esc>",
            f"<http://{host}\\u002Fuesc>", "<sparql-rel>", "ex:sparql", "?svc"]
    prologue = f"BASE <{remote}/> PREFIX ex: <{remote}/> "
    bind = f"VALUES ?svc {{ <{remote}/values> }} "
    found = []
    for word in SERVICE_WORDS:
        for sep in SEPARATORS:
            for iri in iris:
                call = f"{word}{sep}{iri}{sep}{{ ?a ?b ?c }}"
                found.append(f"{prologue}SELECT * WHERE {{ {bind}?s ?p ?o #{sep}{call} }}")
                found.append(f"{prologue}SELECT * WHERE {{ {bind}?s ?p ?o #x\r{call}\n}}")
    wrappers = ["SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ {} }} }}",
                "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ {} }} }}",
                "SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ {} }} }}",
                "SELECT * WHERE {{ ?s ?p ?o MINUS {{ {} }} }}",
                "SELECT * WHERE {{ {{ SELECT * WHERE {{ {} }} }} }}",
                "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ {} }} }}",
                "SELECT * WHERE {{ GRAPH ?g {{ {} }} }}",
                "ASK {{ {} }}", "CONSTRUCT {{ ?a ?b ?c }} WHERE {{ {} }}",
                "DESCRIBE ?a WHERE {{ {} }}",
                "SELECT * WHERE {{ BIND(<{r}/bind> AS ?svc) {} }}"]
    for wrapper in wrappers:
        for call in ("SERVICE ?svc { ?a ?b ?c }", f"SERVICE <{remote}/nest> {{ ?a ?b ?c }}",
                     "SERVICEex:nest{?a ?b ?c}", "SERVICE<sparql-rel>{?a ?b ?c}"):
            found.append(prologue + wrapper.replace("{r}", remote).format(call))
    # the keyword glued to a prefixed name or hidden behind an expression the guard might
    # mistake for an IRI or a string
    found += [f"{prologue}SELECT * WHERE {{ ?s ?p ex:SERVICE<{remote}/glued>{{?a ?b ?c}} }}",
              f"{prologue}SELECT * WHERE {{ FILTER(1<'x>y') SERVICE <{remote}/str> "
              "{?a ?b ?c} FILTER('z'='z') }",
              f"{prologue}SELECT * WHERE {{ ?s ?p \"\"\"x\"\"\" . SERVICE <{remote}/long> "
              "{?a ?b ?c} }"]
    return found


def load_and_update_queries(remote: str) -> list[str]:
    found = []
    for word in ("LOAD", "load", "LoAd", "LOAD SILENT", "LO\\u0041D"):
        for sep in (" ", "\r", "# c\r", "\t"):
            found.append(f"{word}{sep}<{remote}/data.ttl>")
            found.append(f"PREFIX ex: <{remote}/>{sep}{word} <{remote}/d.ttl> INTO GRAPH ex:g")
    found += [f"INSERT DATA {{ <{remote}/a> <{remote}/b> <{remote}/c> }}",
              "DELETE WHERE { ?s ?p ?o }", "CLEAR ALL", "DROP DEFAULT",
              f"CREATE GRAPH <{remote}/g>", "ADD DEFAULT TO <urn:x>",
              f"WITH <{remote}/g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
              f"SELECT * {{ ?s ?p ?o }} ; LOAD <{remote}/after.ttl>"]
    for sep in (" ", "\r", "#c\r", "\n", ""):
        found += [f"SELECT * FROM{sep}<{remote}/g.ttl> WHERE {{ ?s ?p ?o }}",
                  f"SELECT * from{sep}named <{remote}/n.ttl> WHERE {{ ?s ?p ?o }}",
                  f"ASK FROM <{remote}/a.ttl> {{ ?s ?p ?o }}",
                  f"PREFIX ex: <{remote}/> SELECT * FROMex:g WHERE {{ ?s ?p ?o }}"]
    return found


@pytest.fixture(scope="module")
def unguarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """The endpoint with the workers' network sandbox OFF: only the guard stands."""
    build = write_build(tmp_path_factory.mktemp("guard-build"))
    with served(build, Limits(sandbox=False, timeout=10)) as endpoint:
        yield endpoint


# -- the guard on its own ----------------------------------------------------------------------

def test_guard_refuses_service_wherever_the_word_is() -> None:
    for text in ["SELECT * { SERVICE <http://x/> { ?a ?b ?c } }",
                 "SELECT * { ?s ?p ?o # \r SERVICE <http://x/> { ?a ?b ?c } }",
                 "SELECT * { SERVI\\u0043E <http://x/> { ?a ?b ?c } }",
                 "SELECT * { ?s ?p 'a service' }", "SELECT ?service { ?service ?p ?o }"]:
        with pytest.raises(QueryRefused, match="SERVICE"):
            check_query(text)
    check_query('SELECT * { ?s ?p ?o FILTER(CONTAINS(?o, CONCAT("serv", "ice"))) }')


def test_guard_follows_oxigraph_lexical_rules() -> None:
    kinds = [k for k, _ in tokens("SELECT # a\rWHERE\u2028 <a b> 'x\\'y' ?v")]
    # \r ends a comment; U+2028 is not whitespace; '<a b>' is no IRI (a space)
    assert kinds[:5] == ["word", "ws", "comment", "ws", "word"]
    assert "iri" not in kinds and "string" in kinds and "var" in kinds
    assert expand_codepoints("SERVI\\u0043E \\U0001F600") == "SERVICE \U0001F600"


def test_guard_refuses_updates_and_from_but_not_names_that_contain_them() -> None:
    for text in ["INSERT DATA { <a> <b> <c> }", "PREFIX x: <y> load <z>",
                 "SELECT * FROM <g> { ?s ?p ?o }", "SELECT * FROMex:g { ?s ?p ?o }"]:
        with pytest.raises(QueryRefused):
            check_query(text)
    check_query("SELECT ?fromDate ?loaded { ?s <p> ?fromDate ; <q> ?loaded }")


def test_every_pack_query_passes_the_guard() -> None:
    for name, query in load_pack().items():
        check_query(query.text, name)


# -- the corpus over every transport ----------------------------------------------------------

def test_adversarial_corpus_sends_nothing_anywhere(unguarded: Endpoint) -> None:
    with listening() as remote:
        corpus = service_queries(remote) + load_and_update_queries(remote)
        statuses: dict[int, int] = {}
        for query in corpus:
            for method, path, body, headers in transports(query):
                status, _, answer = request(unguarded, method, path, body, headers)
                statuses[status] = statuses.get(status, 0) + 1
                assert status in (400, 403), (status, query, answer[:200])
                assert b"LEAKED" not in answer
        update = f"INSERT DATA {{ <{remote}/a> <{remote}/b> <{remote}/c> }}"
        for method, path, body, headers in [
                ("POST", "/update", f"update={update}".encode(),
                 {"Content-Type": "application/x-www-form-urlencoded"}),
                ("POST", "/query", update.encode(), {"Content-Type": "application/sparql-update"}),
                ("GET", f"/query?update={update}", None, {}),
                ("POST", "/query", f"query=ASK{{}}&update={update}".encode(),
                 {"Content-Type": "application/x-www-form-urlencoded"})]:
            status, _, answer = request(unguarded, method, path.replace(" ", "%20"), body,
                                        headers)
            assert status == 403 and b"read-only" in answer
        assert Counter.hits == []
    assert len(corpus) > 1500 and statuses.get(403, 0) > 1500


def test_a_refused_query_leaves_the_graph_answering(unguarded: Endpoint) -> None:
    status, _, body = request(unguarded, "GET", "/query?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                              headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and json.loads(body)["boolean"] is True


# -- the property-based fuzzer ------------------------------------------------------------------

_pieces = st.sampled_from(["SELECT", "*", "WHERE", "{", "}", "?s", "?p", "?o", ".", "ASK",
                           "CONSTRUCT", "OPTIONAL", "FILTER", "EXISTS", "BIND", "VALUES",
                           "(", ")", "<", ">", "'", '"', '"""', "#", "ex:", "BASE", "PREFIX",
                           "LOAD", "FROM", "NAMED", "INSERT", "DATA", ";", "1", "AS", "?svc",
                           "GRAPH", "UNION", "MINUS"])


@st.composite
def hostile_queries(draw: st.DrawFn, remote: str) -> str:
    word = draw(st.sampled_from([*SERVICE_WORDS, "LOAD", "FROM"]))
    target = draw(st.sampled_from([f"<{remote}/fuzz>", "ex:fuzz", "?svc", "<fuzz-rel>",
                                   f"<{remote}\\u002Ffz>"]))
    sep = st.sampled_from(SEPARATORS)
    before = draw(st.lists(st.tuples(_pieces, sep), max_size=8))
    after = draw(st.lists(st.tuples(_pieces, sep), max_size=6))
    text = "".join(p + s for p, s in before)
    text += word + draw(sep) + target + draw(sep) + "{ ?a ?b ?c }" + draw(sep)
    text += "".join(p + s for p, s in after)
    prologue = f"BASE <{remote}/> PREFIX ex: <{remote}/> "
    return prologue + draw(st.sampled_from(["", "SELECT * WHERE { ", "ASK { "])) + text


@pytest.fixture(scope="module")
def fuzz_remote() -> Iterator[str]:
    with listening() as remote:
        yield remote


def test_fuzzed_queries_send_nothing_anywhere(unguarded: Endpoint, fuzz_remote: str) -> None:
    Counter.hits = []

    @settings(max_examples=150, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(query=hostile_queries(fuzz_remote), transport=st.integers(0, 5))
    def probe(query: str, transport: int) -> None:
        method, path, body, headers = transports(query)[transport]
        status, _, answer = request(unguarded, method, path, body, headers)
        assert status in (400, 403), (status, query)
        assert b"LEAKED" not in answer

    probe()
    assert Counter.hits == []


# -- the second line: the workers have no network ----------------------------------------------

def test_sandboxed_worker_cannot_reach_the_network_even_when_asked(tmp_path: Path) -> None:
    """The worker alone, given a SERVICE query directly (no guard): nothing leaves."""
    from graph.serve.store import prepare_store

    store = prepare_store(write_build(tmp_path / "b"))
    with listening() as remote:
        worker = subprocess.Popen([sys.executable, "-I", str(WORKER_SCRIPT), str(store)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert worker.stdin is not None and worker.stdout is not None
        try:
            ready = worker.stdout.read(5)
            info = json.loads(worker.stdout.read(struct.unpack(">I", ready[1:])[0]))
            if not info["sandbox"]:
                pytest.fail(f"no network namespace on this machine: {info['why_not']}")
            query = f"SELECT * {{ SERVICE <{remote}/direct> {{ ?a ?b ?c }} }}"
            body = json.dumps({"query": query, "accept": "", "max_bytes": 0}).encode()
            worker.stdin.write(struct.pack(">I", len(body)) + body)
            worker.stdin.flush()
            frames: list[tuple[bytes, bytes]] = []
            while not frames or frames[-1][0] not in (b"E", b"F"):
                head = worker.stdout.read(5)
                frames.append((head[:1], worker.stdout.read(struct.unpack(">I", head[1:])[0])))
        finally:
            worker.kill()
            worker.wait()
        assert frames[-1][0] == b"E" and b"unreachable" in frames[-1][1].lower()
        assert Counter.hits == []


def test_the_corpus_is_live_without_the_guard() -> None:
    """Run straight on pyoxigraph, hundreds of the corpus's queries do call the listener, so
    the zero above is the guard's doing (\\r-ended comments, escaped IRIs, nesting...)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")))
    with listening() as remote:
        for query in service_queries(remote):
            with contextlib.suppress(SyntaxError, OSError, RuntimeError):
                result = store.query(query)
                if not isinstance(result, ox.QueryBoolean):
                    list(result)
        paths = {hit.split()[1] for hit in Counter.hits}
    assert len(Counter.hits) > 300
    assert {"/sparql", "/esc", "/uesc", "/nest", "/sparql-rel", "/str"} <= paths
