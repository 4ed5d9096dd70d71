"""A real SPARQL endpoint: an Oxigraph server on a loopback port, started and stopped here.

The sample corpus is built into it with `rkg build --store sparql:…` (Graph Store Protocol),
and the query pack (every example of every query, parameters included) gives the same answers
on the endpoint (SPARQL Protocol) as on the in-memory store. Falls back to the facts report's
queries when no query pack exists.
"""

from __future__ import annotations

import json
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import RDF, Dataset

from graph.cli import cli
from graph.store import open_dataset
from graph.stores import SparqlEndpointStore, open_store
from graph.vocab import RKG

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`oxigraph serve` on 127.0.0.1 (union default graph, as docs/stores.md says); its URL."""
    binary = OXIGRAPH if OXIGRAPH.exists() else shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the oxigraph CLI (PyPI package `oxigraph`) is not installed")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    server = subprocess.Popen(
        [str(binary), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with opener.open(f"{url}/query?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if server.poll() is not None or time.monotonic() > deadline:
                    err = server.stderr.read().decode() if server.stderr else ""
                    pytest.fail(f"oxigraph serve did not start: {err}")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def build(corpus: Path, out: Path, store: str) -> str:
    result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(out), "--store", store,
                                      "--jobs", "1", "--no-reason", "--no-site"])
    assert result.exit_code == 0, result.output
    return result.output


def pack_cases() -> list[tuple[Any, dict[str, str]]]:
    """(query, parameters) for every example of every pack query."""
    try:
        from graph.query import load_pack, parse_param_options
        pack = load_pack()
    except Exception:  # no pack yet
        return []
    cases = []
    for query in pack.values():
        for example in query.examples:
            words = shlex.split(example)
            options = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "--param"]
            cases.append((query, parse_param_options(options)))
    return cases


def pack_answers(ds: Dataset) -> dict[str, Any]:
    from graph.query import cell_value, run_query

    answers: dict[str, Any] = {}
    for query, params in pack_cases():
        result = run_query(query, ds, params)
        key = f"{query.name} {json.dumps(params, sort_keys=True)}"
        if result.boolean is not None:
            answers[key] = result.boolean
            continue
        answers[key] = sorted(json.dumps([cell_value(t, c in query.lists)
                                          for c, t in zip(result.columns, row, strict=True)])
                              for row in result.rows)
    return answers


def report_answers(ds: Dataset) -> dict[str, Any]:
    """Fallback: the facts report's own queries, rows as sorted sets."""
    from graph import report

    answers = {}
    for name in ("DOCUMENTS", "ENTITIES", "RETURNS", "STATEMENTS", "TREATIES", "TENURES",
                 "RESOLUTIONS"):
        rows = ds.query(getattr(report, name))
        answers[name] = sorted(repr(tuple(map(str, row))) for row in rows)  # type: ignore[arg-type]
    return answers


def answers(ds: Dataset) -> dict[str, Any]:
    return pack_answers(ds) if pack_cases() else report_answers(ds)


def test_stores_sparql_endpoint_answers_like_the_memory_store(endpoint: str,
                                                              tmp_path: Path) -> None:
    spec = f"sparql:{endpoint}/query"
    out = tmp_path / "out"
    output = build(CORPUS, out, spec)
    assert f"store {spec}: loaded" in output

    store = open_store(spec, state_dir=out / ".cache" / "stores")
    assert isinstance(store, SparqlEndpointStore) and store.union_default_graph()
    expected = answers(open_dataset(out, inferred=False))
    assert expected and any(expected.values())
    assert answers(store.dataset()) == expected

    # the same build again: nothing to send
    output = build(CORPUS, out, spec)
    assert "0 named graphs replaced, 0 dropped" in output

    # a document removed: its graph dropped, canonical and build record replaced
    smaller = tmp_path / "corpus"
    shutil.copytree(CORPUS, smaller)
    sorted(smaller.glob("*.txt"))[0].unlink()
    output = build(smaller, out, spec)
    assert "2 named graphs replaced, 1 dropped" in output, output
    assert answers(store.dataset()) == answers(open_dataset(out, inferred=False))
    built = {q.graph_name.value for q in ox.parse(path=str(out / "graph.trig"),
                                                  format=ox.RdfFormat.TRIG)}
    assert store.named_graphs() == built


def test_stores_sparql_rebuilds_everything_after_an_interrupted_load(endpoint: str,
                                                                     tmp_path: Path) -> None:
    """A manifest left pending (a build killed while writing) makes the next build send
    every graph again, and graphs of ours the build lacks are dropped."""
    spec = f"sparql:{endpoint}/query"
    out = tmp_path / "out"
    build(CORPUS, out, spec)
    state = next((out / ".cache" / "stores").glob("*.json"))
    data = json.loads(state.read_text())
    data["pending"] = True
    state.write_text(json.dumps(data))
    store = open_store(spec, state_dir=out / ".cache" / "stores")
    stray = "https://w3id.org/refoulement-kg/id/graph/doc/0000000000000000"
    store.replace_graph(stray, f"<{stray}> <{RDF.type}> <{RKG.SourceDocument}> .\n".encode())
    assert stray in store.named_graphs()
    output = build(CORPUS, out, spec)
    assert f"store {spec}: loaded" in output
    assert stray not in store.named_graphs()
