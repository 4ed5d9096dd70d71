"""Who `rkg serve` answers, and what stands behind it: Host and Origin checks (DNS rebinding,
cross-site requests), the token, security headers, no third-party request from the page, no
engine on any port, and the health check."""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from serve_support import JSON, request, served, write_build

from graph.serve import Endpoint, Limits

ASK = "/query?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    build = write_build(tmp_path_factory.mktemp("access-build"))
    (build / "site").mkdir()
    (build / "site" / "index.html").write_text("<!doctype html><title>site</title>\n")
    with served(build, Limits(workers=1)) as running:
        yield running


@pytest.fixture(scope="module")
def with_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    build = write_build(tmp_path_factory.mktemp("token-build"))
    with served(build, Limits(workers=1), token="s3cret-token",
                allow_hosts=("kg.example.org",)) as running:
        yield running


def _port(endpoint: Endpoint) -> int:
    return int(endpoint.url.rsplit(":", 1)[1])


def test_foreign_host_names_are_refused(endpoint: Endpoint) -> None:
    port = _port(endpoint)
    for host in (f"attacker.example:{port}", "attacker.example", f"localhost.evil.net:{port}",
                 f"127.0.0.1:{port + 1}", ""):
        status, _, body = request(endpoint, "GET", ASK, headers={"Host": host})
        assert status in (400, 403), host
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "127.0.0.1"):
        status, _, body = request(endpoint, "GET", ASK, headers={"Host": host, "Accept": JSON})
        assert status == 200 and json.loads(body)["boolean"] is True, host


def test_cross_site_pages_cannot_run_queries(endpoint: Endpoint) -> None:
    port = _port(endpoint)
    for headers in ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"},
                    {"Sec-Fetch-Site": "same-site"},
                    {"Origin": "http://attacker.example"},
                    {"Origin": f"http://localhost:{port + 1}"},
                    {"Origin": "null"}):
        status, _, body = request(endpoint, "GET", ASK, headers=headers)
        assert status == 403 and b"another site" in body, headers
        status, _, _ = request(endpoint, "POST", "/query", b"query=ASK%7B%7D", {
            **headers, "Content-Type": "application/x-www-form-urlencoded"})
        assert status == 403
    same = {"Sec-Fetch-Site": "same-origin", "Origin": f"http://127.0.0.1:{port}",
            "Accept": JSON}
    assert request(endpoint, "GET", ASK, headers=same)[0] == 200
    # a link from elsewhere still opens the page itself
    status, _, page = request(endpoint, "GET", "/", headers={"Sec-Fetch-Site": "cross-site",
                                                             "Sec-Fetch-Mode": "navigate"})
    assert status == 200 and b"<textarea" in page


def test_the_page_has_security_headers_and_asks_nothing_of_other_hosts(
        endpoint: Endpoint) -> None:
    for path in ("/", "/ui/app.js", "/ui/style.css"):
        status, headers, body = request(endpoint, "GET", path)
        assert status == 200
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "connect-src 'self'" in csp and "script-src 'self'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        # no URL of another host in anything the browser loads or runs
        assert not re.search(rb"(?:https?:)?//[a-z0-9]", body.replace(b"://", b"")), path
        assert not re.search(rb"https?://", body), path
    status, headers, body = request(endpoint, "GET", ASK, headers={"Accept": JSON})
    assert headers["cache-control"] == "no-store" and headers["x-content-type-options"]


def test_query_answers_carry_the_headers_that_protect_a_browser_and_no_more(
        endpoint: Endpoint) -> None:
    """nosniff and CORP on every query answer (a front's lookup, a worker's whole answer, a
    worker's streamed one), no-store, a CSP only where a browser renders the answer as a
    document (XML); the page's other headers (framing, referrer, Server) are left off."""
    def url(query: str) -> str:
        return "/query?" + urllib.parse.urlencode({"query": query})

    def health() -> dict[str, int]:
        return json.loads(request(endpoint, "GET", "/health")[2])  # type: ignore[no-any-return]

    looked_up = health()["lookups_in_server"]
    answers = [(ASK, accept, xml) for accept, xml in (
        (JSON, False), ("application/sparql-results+xml", True))]
    answers += [(url("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), accept, xml)
                for accept, xml in ((JSON, False), ("text/csv", False),
                                    ("application/sparql-results+xml", True))]
    answers += [(url("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"), accept, xml)
                for accept, xml in (("text/turtle", False), ("application/rdf+xml", True))]
    streamed = url("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")  # 6,400 rows: over 64 KB
    answers.append((streamed, JSON, False))
    for path, accept, xml in answers:
        status, headers, body = request(endpoint, "GET", path, headers={"Accept": accept})
        assert status == 200 and body, (path, accept)
        assert headers["content-type"].startswith(accept), (path, accept)
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["cross-origin-resource-policy"] == "same-origin"
        assert headers["cache-control"] == "no-store"
        if xml:
            assert headers["content-security-policy"] == "default-src 'none'; " \
                                                         "frame-ancestors 'none'"
        else:
            assert "content-security-policy" not in headers, (path, accept)
        for page_only in ("x-frame-options", "referrer-policy", "server", "vary"):
            assert page_only not in headers, (path, accept, page_only)
        assert ("transfer-encoding" in headers) == (path == streamed), path
    assert health()["lookups_in_server"] == looked_up + 2  # the two ASKs: lookups


def test_the_page_links_back_to_the_site(endpoint: Endpoint) -> None:
    _, _, config = request(endpoint, "GET", "/ui/config.json")
    assert json.loads(config)["site"] is True
    status, headers, body = request(endpoint, "GET", "/site/index.html")
    assert status == 200 and b"<title>site</title>" in body
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    for sneaky in ("/site/../graph.trig", "/site/%2e%2e/graph.trig", "/site/..%2fgraph.trig"):
        assert request(endpoint, "GET", sneaky)[0] == 404


def test_no_engine_listens_anywhere(endpoint: Endpoint) -> None:
    """The workers talk to the server through pipes: no socket at all, let alone a port."""
    me = psutil.Process(os.getpid())
    workers = [c for c in me.children() if "worker.py" in " ".join(c.cmdline())]
    assert workers
    for worker in workers:
        fds = os.listdir(f"/proc/{worker.pid}/fd")
        links = [os.readlink(f"/proc/{worker.pid}/fd/{fd}") for fd in fds]
        assert not [link for link in links if link.startswith("socket:")], links
    listening = [c for c in me.net_connections("tcp") if c.status == psutil.CONN_LISTEN]
    assert [c.laddr.port for c in listening] == [_port(endpoint)]


def test_health_answers_without_running_a_query(endpoint: Endpoint) -> None:
    status, headers, body = request(endpoint, "GET", "/health")
    health = json.loads(body)
    assert status == 200 and health["status"] == "ok" and health["sandbox"] is True
    assert health["workers"] >= 1 and headers["content-type"] == "application/json"


def test_the_token_guards_queries_but_not_the_page(with_token: Endpoint) -> None:
    assert request(with_token, "GET", ASK)[0] == 401
    assert request(with_token, "GET", ASK, headers={"Authorization": "Bearer wrong"})[0] == 401
    status, _, body = request(with_token, "GET", ASK, headers={
        "Authorization": "Bearer s3cret-token", "Accept": JSON})
    assert status == 200 and json.loads(body)["boolean"] is True
    assert request(with_token, "GET", "/")[0] == 200
    assert request(with_token, "GET", "/health")[0] == 200
    # the name given with --allow-host, as a reverse proxy forwards it
    status, _, _ = request(with_token, "GET", ASK, headers={
        "Host": "kg.example.org", "Authorization": "Bearer s3cret-token"})
    assert status == 200


def test_serve_command_help_documents_deployment_options() -> None:
    from click.testing import CliRunner

    from graph.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--help"])
    for option in ("--host", "--allow-host", "--token", "--timeout", "--max-result-mb",
                   "--max-heavy", "--store", "Example: rkg serve"):
        assert option in result.output




def test_serve_a_prepared_store_without_loading_anything(tmp_path: Path) -> None:
    """`--store DIR`: the workers open the store as it is; the build folder is not read."""
    from graph.serve.store import prepare_store

    store = prepare_store(write_build(tmp_path / "built"))
    (tmp_path / "built" / "graph.trig").unlink()  # nothing left to load from
    stamp = (store / "rkg-source.json").read_bytes()
    with served(tmp_path / "elsewhere", Limits(workers=1), store=store) as running:
        status, _, body = request(running, "GET", ASK, headers={"Accept": JSON})
        assert status == 200 and json.loads(body)["boolean"] is True
    assert (store / "rkg-source.json").read_bytes() == stamp
