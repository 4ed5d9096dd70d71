"""A real Virtuoso open source server (Debian `virtuoso-opensource`), started here on loopback
ports from a copy of the packaged virtuoso.ini, as a `--store sparql:` target: the build's
named graphs arrive whole through the Graph Store Protocol (`/sparql-graph-crud-auth`, HTTP
Digest), a rebuild rewrites only the graphs that changed and drops removed documents'."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from graph.cli import cli
from graph.rdfio import to_ox
from graph.stores import open_store
from tests.test_stores_sparql import free_port

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PACKAGED_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"

pytestmark = pytest.mark.slow


def virtuoso_ini(folder: Path, sql_port: int, http_port: int) -> Path:
    """The packaged configuration with the database in `folder` and loopback ports."""
    text = PACKAGED_INI.read_text(encoding="utf-8")
    text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{folder}/")
    text = re.sub(r"(?m)^ServerPort\s*=\s*1111\b.*$", f"ServerPort = {sql_port}", text)
    text = re.sub(r"(?m)^ServerPort\s*=\s*8890\b.*$", f"ServerPort = 127.0.0.1:{http_port}",
                  text)
    text = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", "ResultSetMaxRows = 1000000", text)
    ini = folder / "virtuoso.ini"
    ini.write_text(text, encoding="utf-8")
    return ini


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`virtuoso-t` in the foreground on free loopback ports; the store spec for it."""
    binary = shutil.which("virtuoso-t")
    if binary is None or not PACKAGED_INI.is_file():
        pytest.fail("Virtuoso is not installed: apt-get install virtuoso-opensource "
                    "(.ci/run does)")
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    ini = virtuoso_ini(folder, free_port(), http_port)
    server = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{http_port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with opener.open(f"{url}/sparql?query=ASK%7B%7D", timeout=5):
                    break
            except (urllib.error.URLError, OSError):
                if server.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "virtuoso.log")
                    pytest.fail("Virtuoso did not start: " + (
                        log.read_text(errors="replace")[-2000:] if log.exists() else ""))
                time.sleep(0.5)
        yield f"sparql:{url}/sparql,gsp=http://dba:dba@127.0.0.1:{http_port}/sparql-graph-crud-auth"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def build(corpus: Path, out: Path, store: str) -> str:
    result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(out), "--store", store,
                                      "--jobs", "1", "--no-reason", "--no-site", "--quiet"])
    assert result.exit_code == 0, result.output
    return (out / "summary.txt").read_text(encoding="utf-8")


def _line(triple: ox.Triple) -> str:
    """A triple with blank nodes unnamed and decimals canonical (Virtuoso writes 0.60 as
    0.6 and names blank nodes itself)."""
    terms = []
    for term in (triple.subject, triple.predicate, triple.object):
        if isinstance(term, ox.BlankNode):
            terms.append("_:b")
        elif isinstance(term, ox.Literal) and term.datatype.value == DECIMAL:
            terms.append(f"{Decimal(term.value).normalize()}^^decimal")
        else:
            terms.append(str(term))
    return " ".join(terms)


def local_graphs(out: Path) -> dict[str, Counter[str]]:
    graphs: dict[str, Counter[str]] = {}
    for quad in ox.parse(path=out / "graph.trig", format=ox.RdfFormat.TRIG):
        graphs.setdefault(quad.graph_name.value, Counter())[_line(quad.triple)] += 1
    return graphs


def assert_store_holds(spec: str, out: Path) -> None:
    store = open_store(spec)
    expected = local_graphs(out)
    ours = {g for g in store.named_graphs() if g.startswith("https://w3id.org/refoulement-kg/")}
    assert ours == set(expected)
    for graph, lines in expected.items():
        result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                             {"g": rdflib.URIRef(graph)})
        assert result.graph is not None
        remote = Counter(_line(ox.Triple(to_ox(s), to_ox(p), to_ox(o)))
                         for s, p, o in result.graph)
        assert remote == lines, graph


def test_stores_virtuoso_holds_the_build_and_follows_changes(virtuoso: str,
                                                             tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    summary = build(corpus, out, virtuoso)
    assert "loaded 9 named graphs" in summary
    assert_store_holds(virtuoso, out)
    assert "0 named graphs replaced, 0 dropped, 9 unchanged" in build(corpus, out, virtuoso)
    # one document changed: its graph, the canonical graph and the build record only
    changed = sorted(corpus.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA closing line of ours.\n",
                       encoding="utf-8")
    assert "3 named graphs replaced, 1 dropped, 6 unchanged" in build(corpus, out, virtuoso)
    assert_store_holds(virtuoso, out)
    # one document removed: its graph dropped
    sorted(corpus.glob("*.txt"))[-1].unlink()
    assert "1 dropped" in build(corpus, out, virtuoso)
    assert_store_holds(virtuoso, out)
