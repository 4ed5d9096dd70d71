"""The query page of `rkg serve` in a real browser (Debian's headless Chromium, playwright):
it opens with the project's prefixes and the pack's queries as examples, runs a query and
shows its rows, shows a refusal as an error, and asks nothing of any other host; no console
error (so no Content-Security-Policy violation either)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serve_support import served, write_build

from graph.query import load_pack
from graph.serve import Endpoint, Limits

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    build = write_build(tmp_path_factory.mktemp("browser-build"))
    with served(build, Limits(workers=1)) as running:
        yield running


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing (apt-get install -y chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    context = manager.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
        headless=True, args=CHROMIUM_ARGS)
    try:
        yield context
    finally:
        context.close()
        manager.stop()


def test_the_query_page_runs_queries_and_stays_on_this_host(endpoint: Endpoint,
                                                             browser: Any) -> None:
    page = browser.new_page()
    errors: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    page.goto(endpoint.url + "/", wait_until="networkidle")
    editor = page.locator("#query")
    assert "PREFIX rkgd: <https://w3id.org/refoulement-kg/id/>" in editor.input_value()
    names = page.locator("#examples option").evaluate_all("(os) => os.map(o => o.value)")
    assert set(load_pack()) <= set(names)
    page.select_option("#examples", "timeline")
    assert "# title: Timeline" in editor.input_value()

    editor.fill('SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> '
                '?label FILTER(STRSTARTS(?label, "State number 1")) } ORDER BY ?label')
    page.click("#run")
    page.wait_for_selector("#results table")
    cells = page.locator("#results td").all_inner_texts()
    assert "State number 1 @en" in cells and "State number 19 @en" in cells
    assert "rows" in page.locator("#status").inner_text()

    editor.fill("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    page.click("#run")
    page.wait_for_selector("#status.error")  # (the page's CSP forbids playwright's eval)
    assert "403" in page.locator("#status").inner_text()
    errors = [e for e in errors if "403" not in e]  # the refusal itself is logged
    assert not errors, errors
    assert hosts == {endpoint.url.split("/")[2]}, hosts
