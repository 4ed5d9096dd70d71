"""`rkg serve`: a real read-only SPARQL endpoint; updates, LOAD and SERVICE never get through
(a loopback listener counts the requests that would have left the machine)."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from serve_support import RKG, ROOT

from graph.serve import free_port, prepare_store

pytestmark = pytest.mark.slow
JSON = "application/sparql-results+json"


class Counter(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def _count(self) -> None:
        Counter.hits.append(f"{self.command} {self.path}")
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
        self.send_response(200)
        self.send_header("Content-Type", JSON)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _count

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def listener() -> Iterator[str]:
    Counter.hits = []
    server = HTTPServer(("127.0.0.1", 0), Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def endpoint(sample_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`rkg serve` started as a user would, on a free port; stopped with SIGTERM."""
    out = tmp_path_factory.mktemp("served")
    shutil.copy2(sample_build / "graph.trig", out / "graph.trig")
    port = free_port()
    process = subprocess.Popen([*RKG, "serve", "--graph", str(out), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as response:
                assert response.status == 200
                break
        except (urllib.error.URLError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"rkg serve did not start: {output}")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=20)


def _post(url: str, data: bytes, content_type: str, accept: str = JSON) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": content_type, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _form(url: str, **fields: str) -> tuple[int, bytes]:
    return _post(url, urllib.parse.urlencode(fields).encode(),
                 "application/x-www-form-urlencoded")


def test_serve_answers_a_select_with_json(endpoint: str) -> None:
    query = ("SELECT ?label WHERE { <https://w3id.org/refoulement-kg/id/state/china> "
             "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    status, body = _form(endpoint + "/query", query=query)
    assert status == 200
    bindings = json.loads(body)["results"]["bindings"]
    assert [b["label"]["value"] for b in bindings] == ["China"]  # registry label
    get = endpoint + "/sparql?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(urllib.request.Request(get, headers={"Accept": JSON})) as r:
        assert json.loads(r.read())["results"]["bindings"][0]["label"]["xml:lang"] == "en"
    status, body = _post(endpoint + "/query", query.encode(), "application/sparql-query")
    assert status == 200 and b"China" in body


def test_serve_has_a_query_page_with_the_pack_as_examples(endpoint: str) -> None:
    with urllib.request.urlopen(endpoint + "/") as response:
        page = response.read().decode()
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert '<textarea id="query"' in page and "/ui/app.js" in page
    with urllib.request.urlopen(endpoint + "/ui/config.json") as response:
        config = json.loads(response.read())
    names = {example["name"] for example in config["examples"]}
    assert names == {path.stem for path in Path("queries").glob("*.rq")}
    assert config["prefixes"]["rkgd"] == "https://w3id.org/refoulement-kg/id/"


def test_serve_refuses_updates_load_and_service(endpoint: str, listener: str) -> None:
    update = f"INSERT DATA {{ <{listener}/a> <{listener}/b> <{listener}/c> }}"
    refusals = [
        _form(endpoint + "/update", update=update),
        _form(endpoint + "/query", update=update),
        _post(endpoint + "/query", update.encode(), "application/sparql-update"),
        _post(endpoint + "/update", f"LOAD <{listener}/data.ttl>".encode(),
              "application/sparql-update"),
        _form(endpoint + "/query", query=f"LOAD <{listener}/data.ttl>"),
        _form(endpoint + "/query",
              query=f"SELECT * WHERE {{ SERVICE <{listener}/sparql> {{ ?s ?p ?o }} }}"),
        _form(endpoint + "/sparql",
              query=f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE SILENT <{listener}/q> "
                    "{ ?s ?p ?o } } }"),
        _form(endpoint + "/query", query=f"SELECT * FROM <{listener}/g.ttl> WHERE {{ ?s ?p ?o }}"),
    ]
    for status, body in refusals:
        assert status == 403, body
        assert b"refused" in body
    assert Counter.hits == []
    # the graph is unchanged: nothing was inserted
    status, body = _form(endpoint + "/query",
                         query=f"ASK {{ <{listener}/a> ?p ?o }}")
    assert status == 200 and json.loads(body)["boolean"] is False


def test_serve_rejects_unparseable_and_other_methods(endpoint: str) -> None:
    status, body = _form(endpoint + "/query", query="SELECT ?s WHERE { ?s ")
    assert status == 400 and b"syntax error" in body
    for path, method in (("/store", "PUT"), ("/query", "DELETE"), ("/", "PATCH")):
        request = urllib.request.Request(endpoint + path, data=b"", method=method)
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(request)
        assert raised.value.code in (403, 405)


def test_serve_store_is_reused_until_the_build_changes(sample_build: Path,
                                                       tmp_path: Path) -> None:
    shutil.copy2(sample_build / "graph.trig", tmp_path / "graph.trig")
    store = prepare_store(tmp_path)
    stamp = (store / "rkg-source.json").read_text()
    touched = (tmp_path / "graph.trig").stat().st_mtime_ns
    marker = store / "marker"
    marker.write_text("x")
    assert prepare_store(tmp_path) == store and marker.exists()
    # touched but not changed: hashed again, not reloaded
    import os
    os.utime(tmp_path / "graph.trig", ns=(touched + 10**9, touched + 10**9))
    assert prepare_store(tmp_path) == store and marker.exists()
    (tmp_path / "graph.trig").write_bytes((tmp_path / "graph.trig").read_bytes() + b"\n")
    assert prepare_store(tmp_path) == store
    assert not marker.exists() and (store / "rkg-source.json").read_text() != stamp


def test_build_stages_load_the_serve_store_once(sample_build: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """`rkg build`'s stages after the graph load out/oxigraph/ (unless told not to); serving
    then opens it without loading anything."""
    from graph.cli.build_cmd import after_build
    from graph.serve import start
    from graph.serve import store as serve_store

    shutil.copy2(sample_build / "graph.trig", tmp_path / "graph.trig")
    lines = list(after_build(tmp_path, reason=False, site=False, serve_store=False))
    assert not (tmp_path / "oxigraph").exists() and not any("Serve store" in x for x in lines)
    lines = list(after_build(tmp_path, reason=False, site=False, serve_store=True))
    assert any(line.startswith("Serve store: ") for line in lines)
    assert (tmp_path / "oxigraph" / "rkg-source.json").is_file()

    def no_load(*args: object) -> None:
        raise AssertionError("the store was loaded again at serve time")

    monkeypatch.setattr(serve_store, "_load", no_load)
    endpoint = start(tmp_path, port=0)
    try:
        query = "ASK { ?s a <https://w3id.org/refoulement-kg/ontology#ForcedReturn> }"
        url = endpoint.query_url + "?" + urllib.parse.urlencode({"query": query})
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": JSON}),
                                    timeout=30) as response:
            assert json.loads(response.read())["boolean"] is True
    finally:
        endpoint.stop()


def test_serve_store_loads_beside_validation_and_waits_for_it(
        sample_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store loads in a thread while SHACL validates. The lines keep their order (store,
    then validation); when validation fails, the load has ended before the error reaches the
    caller (who removes the folder it writes into); a failed load is the build's error."""
    import graph.validation
    from graph.cli.build_cmd import after_build
    from graph.serve import store as serve_store

    shutil.copy2(sample_build / "graph.trig", tmp_path / "graph.trig")
    lines = list(after_build(tmp_path, reason=False, site=False, serve_store=True))
    stored = next(n for n, line in enumerate(lines) if line.startswith("Serve store: "))
    assert any("SHACL" in line or "conform" in line.lower() for line in lines[stored + 1:])

    real_load, real_validate = serve_store._load, graph.validation.validate
    seen: list[str] = []

    def slow_load(*args: object) -> None:
        seen.append(threading.current_thread().name)
        time.sleep(1.0)
        real_load(*args)  # type: ignore[arg-type]
        seen.append("loaded")

    def failing_validation(*args: object, **kwargs: object) -> None:
        raise RuntimeError("validation broke")

    def failing_load(*args: object) -> None:
        raise OSError("disk full")

    def rebuild_fails(load: object, validate: object, error: type[Exception], match: str
                      ) -> None:
        shutil.rmtree(tmp_path / "oxigraph")
        monkeypatch.setattr(serve_store, "_load", load)
        monkeypatch.setattr(graph.validation, "validate", validate)
        with pytest.raises(error, match=match):
            list(after_build(tmp_path, reason=False, site=False, serve_store=True))

    rebuild_fails(slow_load, failing_validation, RuntimeError, "validation broke")
    assert seen[0].startswith("serve-store") and seen[-1] == "loaded"
    rebuild_fails(failing_load, real_validate, OSError, "disk full")
