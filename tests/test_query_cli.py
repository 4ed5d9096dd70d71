"""`rkg query` and `rkg queries`: formats, clean errors (no tracebacks), refusals that never
reach the network."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.query import load_pack

pytestmark = pytest.mark.slow


class Counter(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def _count(self) -> None:
        Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[]}}')

    do_GET = do_POST = _count

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def listener() -> Iterator[str]:
    """A loopback HTTP server that counts the requests it receives."""
    Counter.hits = []
    server = HTTPServer(("127.0.0.1", 0), Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_query_cli_lists_the_pack() -> None:
    code, output = _run("queries")
    assert code == 0
    for name, query in load_pack().items():
        assert f"{name}" in output and query.title in output
    code, output = _run("queries", "--params")
    assert "--param perpetrator (iri, optional)" in output and "e.g. rkg query timeline" in output


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_query_cli_formats(sample_build: Path, store: str) -> None:
    base = ("query", "timeline", "--graph", str(sample_build), "--store", store,
            "--param", "perpetrator=rkgd:state/china", "--param", "from=2023-10")
    code, output = _run(*base, "--format", "json")
    assert code == 0
    data = json.loads(output)
    assert data["params"] == {"from": "2023-10-01T00:00:00", "perpetrator": "rkgd:state/china"}
    assert [row["when"] for row in data["rows"]] == ["2023-10-09"]
    code, output = _run(*base, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    # The event's count words from every report joined to it ("600", and a later report's
    # "hundreds" once linking joins that report to the same event).
    assert code == 0 and rows[0]["when"] == "2023-10-09"
    assert "600" in rows[0]["countWords"].split(" / ")
    code, output = _run(*base, "--format", "md")
    assert code == 0 and output.splitlines()[0].startswith("| when | precision |")
    code, output = _run(*base)
    assert code == 0 and "2023-10-09" in output and "Timeline of forced returns" in output


def test_query_cli_user_file_and_clean_errors(sample_build: Path, tmp_path: Path) -> None:
    mine = tmp_path / "count.rq"
    # the five sample documents (those with mentions; the registry files are documents too)
    mine.write_text("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a "
                    "<https://w3id.org/refoulement-kg/ontology#SourceDocument> . "
                    "?m <http://www.w3.org/ns/oa#hasSource> ?d }", encoding="utf-8")
    code, output = _run("query", str(mine), "--graph", str(sample_build), "-f", "json")
    assert code == 0 and json.loads(output)["rows"] == [{"n": 5}]
    cases = [
        (("query", "timeline", "--graph", str(tmp_path / "none")), "no graph.trig here"),
        (("query", "no-such", "--graph", str(sample_build)), "no query named 'no-such'"),
        (("query", "event-sources", "--graph", str(sample_build)), "missing parameter"),
        (("query", "timeline", "--graph", str(sample_build), "-p", "from=soon"),
         "is not a date"),
        (("query", "timeline", "--graph", str(sample_build), "-p", "oops"),
         "expected NAME=VALUE"),
    ]
    for args, message in cases:
        code, output = _run(*args)
        assert code == 1 and message in output and "Traceback" not in output, output


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_query_cli_refuses_service_load_and_updates_before_the_network(
        sample_build: Path, tmp_path: Path, listener: str, store: str) -> None:
    queries = {
        "service.rq": f"SELECT * WHERE {{ SERVICE <{listener}/sparql> {{ ?s ?p ?o }} }}",
        "from.rq": f"SELECT * FROM <{listener}/data.ttl> WHERE {{ ?s ?p ?o }}",
        "load.rq": f"LOAD <{listener}/data.ttl>",
        "update.rq": "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
    }
    for name, text in queries.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        code, output = _run("query", str(path), "--graph", str(sample_build), "--store", store)
        assert code == 1 and "refused" in output, output
    assert Counter.hits == []


def test_query_cli_validate_command(sample_build: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copy2(sample_build / "graph.trig", tmp_path / "graph.trig")
    code, output = _run("validate", "--graph", str(tmp_path), "--reason", "--no-owl",
                        "--limit", "2")
    assert code == 0
    assert output.startswith("Reasoning:") and "possible breach flags" in output
    assert "SHACL:" in output and (tmp_path / "validation.txt").is_file()
    code, output = _run("query", "possible-breaches", "--graph", str(tmp_path), "-f", "json")
    assert code == 0 and json.loads(output)["rows"]
    code, output = _run("validate", "--graph", str(tmp_path / "missing"))
    assert code == 1 and "no graph.trig here" in output
