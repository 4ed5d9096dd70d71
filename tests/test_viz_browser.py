"""The site in a real browser: Debian's headless Chromium driven by playwright.

Each view is opened from file://, left to settle, and checked: no console error, no request
leaving the machine, the rendered node count equal to the graph's, a click that shows a node's
details and quotes, a plain-text tooltip, working filters and search; a hostile document runs
no script and shows its markup as text; a 2,000-node graph settles in seconds. Screenshots of
every view go to $RKG_SCREENSHOTS (default: <temp folder>/rkg-screenshots; never the user's out/).

These tests must run in CI: without /usr/bin/chromium or playwright they fail (not skip).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from graph.viz import build_site
from tests.conftest import ROOT
from tests.test_viz_site import HOSTILE_IMG, HOSTILE_SCRIPT, copy_build, hostile_corpus

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(os.environ.get("RKG_SCREENSHOTS")
                   or Path(tempfile.gettempdir(), "rkg-screenshots"))
SETTLE_LIMIT_MS = 20_000  # the 2,000-node graph settles in ~3.5 s here; CI machines vary


@dataclass
class Visit:
    page: Any
    errors: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def check_clean(self) -> None:
        assert not self.errors, self.errors
        assert not self.remote, f"requests left the machine: {self.remote}"
        assert not self.dialogs, f"a script ran: {self.dialogs}"


def _local(url: str) -> bool:
    return url.startswith(("file://", "data:", "about:", "http://127.0.0.1",
                           "http://localhost"))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
                    "(apt-get install -y chromium chromium-driver; .ci/run installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright package is missing: pip install -e '.[test]' "
                    "(never `playwright install`: the system chromium is used)")
    manager = sync_playwright().start()
    context = manager.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
        headless=True, args=CHROMIUM_ARGS, viewport={"width": 1500, "height": 950})
    try:
        yield context
    finally:
        context.close()
        manager.stop()


def visit(context: Any, path: Path, *, settle: bool = True) -> Visit:
    page = context.new_page()
    seen = Visit(page)
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    page.on("request", lambda r: None if _local(r.url) else seen.remote.append(r.url))

    def on_dialog(dialog: Any) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(path.as_uri(), wait_until="networkidle")
    if settle:
        page.wait_for_function("document.body.dataset.state === 'settled'",
                               timeout=SETTLE_LIMIT_MS * 3)
    return seen


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def node_point(page: Any, iri: str) -> tuple[float, float]:
    """Centre the view on a node and return its position on the page."""
    return tuple(page.evaluate("""(id) => {
        rkg.network.focus(id, {scale: 1.6, animation: false});
        const p = rkg.network.canvasToDOM(rkg.network.getPosition(id));
        const r = document.getElementById('network').getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    }""", iri))


@pytest.fixture(scope="module")
def site(sample_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = copy_build(sample_build, tmp_path_factory.mktemp("browser-site"))
    build_site(out)
    return out / "site"


def manifest(site: Path) -> dict[str, Any]:
    return json.loads((site / "manifest.json").read_text(encoding="utf-8"))


def sparql_count(graph: Path, query: str) -> int:
    store = ox.Store()
    store.bulk_load(path=str(graph), format=ox.RdfFormat.TRIG)
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return int(next(iter(result))[0].value)


def test_viz_browser_every_view_renders_offline(browser: Any, site: Path) -> None:
    pages = manifest(site)["pages"]
    chosen: dict[str, dict[str, Any] | None] = dict.fromkeys(
        ("whole", "advocacy", "return", "actor"))
    for page in pages:
        best = chosen.get(page["kind"], {})
        if page["kind"] in chosen and (best is None or page["nodes"] > best["nodes"]):
            chosen[page["kind"]] = page
    for kind, page in chosen.items():
        assert page is not None, kind
        seen = visit(browser, site / page["path"])
        seen.check_clean()
        rendered = seen.page.evaluate("rkg.network.body.nodeIndices.length")
        assert rendered == page["nodes"] == seen.page.evaluate("rkg.shown()"), kind
        edges = seen.page.evaluate("rkg.network.body.edgeIndices.length")
        assert edges == page["edges"], kind
        assert seen.page.evaluate("window.rkgSettledMs") < SETTLE_LIMIT_MS
        assert seen.page.evaluate("rkg.network.physics.physicsEnabled") is False
        shot(seen.page, kind)
        seen.page.close()
    for name, path in (("index", "index.html"), ("timeline", "timeline.html"),
                       ("document", next(p for p in sorted((site / "docs").iterdir())))):
        seen = visit(browser, site / path if isinstance(path, str) else path,
                     settle=name == "timeline")
        seen.check_clean()
        assert seen.page.evaluate("document.scripts.length") >= 0
        shot(seen.page, name)
        seen.page.close()


def test_viz_browser_whole_graph_counts_match_the_graph(browser: Any, site: Path,
                                                        sample_build: Path) -> None:
    seen = visit(browser, site / "graph.html")
    groups = seen.page.evaluate("""() => {
        const c = {}; rkg.nodes.forEach(n => { c[n.grp] = (c[n.grp] || 0) + 1; }); return c;
    }""")
    trig = sample_build / "graph.trig"
    prefix = "PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#>\n"
    assert groups["forced-return"] == sparql_count(
        trig, prefix + "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a rkg:ForcedReturn }")
    assert groups["document"] == sparql_count(
        trig, prefix + "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a rkg:SourceDocument ; "
        "rkg:text ?t }")
    assert groups["statement"] == sparql_count(
        trig, prefix + "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s rkg:stance ?x ; "
        "rkg:attestedBy ?c }")
    seen.check_clean()
    seen.page.close()


def test_viz_browser_click_shows_details_and_quotes(browser: Any, site: Path) -> None:
    page_info = max((p for p in manifest(site)["pages"] if p["kind"] == "return"),
                    key=lambda p: p["nodes"])
    seen = visit(browser, site / page_info["path"])
    page = seen.page
    focus = page.evaluate("rkg.data.view.focus")
    details = page.evaluate("(id) => rkg.data.details[id]", focus)
    page.evaluate("document.getElementById('details').textContent = ''")
    x, y = node_point(page, focus)
    page.mouse.move(x + 3, y + 3)
    page.mouse.move(x, y)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    text = tooltip.inner_text()
    assert details["label"] in text and "Click for details" in text
    assert "<br" not in text and "\n" in text  # plain text, one fact per line
    page.mouse.click(x, y)
    panel = page.locator("#details")
    assert panel.locator("h2").inner_text() == details["label"]
    quotes = panel.locator("blockquote.quote")
    assert quotes.count() == len(details["quotes"]) >= 1
    assert details["quotes"][0]["text"] in quotes.first.inner_text()
    assert panel.locator("a[href*='docs/']").count() >= 1
    shot(page, "details")
    seen.check_clean()
    page.close()


def test_viz_browser_filters_and_search(browser: Any, site: Path) -> None:
    seen = visit(browser, site / "graph.html")
    page = seen.page
    total = page.evaluate("rkg.shown()")
    page.uncheck("#hide-orphans")
    docs = page.evaluate("rkg.nodes.get({filter: n => n.grp === 'document'}).length")
    page.uncheck("#legend input[data-group='document']")
    assert page.evaluate("rkg.shown()") == total - docs
    page.check("#legend input[data-group='document']")
    assert page.evaluate("rkg.shown()") == total
    # period: only 2023 and later (undated nodes hidden too)
    page.select_option("#year-from", "2023")
    page.uncheck("#show-undated")
    early = page.evaluate("""rkg.nodes.get({filter: n => ['event', 'report', 'document']
        .includes(n.cat) && (n.yr === null || n.yr < 2023)}).length""")
    assert early > 0 and page.evaluate("rkg.shown()") == total - early
    # source: one document's nodes only
    page.click("#reset")
    page.select_option("#source", index=1)
    index = int(page.eval_on_selector("#source", "s => s.value"))
    assert page.evaluate("rkg.shown()") == page.evaluate(
        "(i) => rkg.nodes.get({filter: n => n.src.includes(i)}).length", index)
    page.click("#reset")
    page.fill("#search", "Hunchun")
    result = page.locator("#search-results button").first
    assert "Hunchun" in result.inner_text()
    result.click()
    assert page.locator("#details h2").inner_text() == "Hunchun"
    seen.check_clean()
    page.close()


def test_viz_browser_hostile_document_runs_no_script(browser: Any,
                                                     tmp_path_factory: pytest.TempPathFactory
                                                     ) -> None:
    from graph.builder import build_graph

    base = tmp_path_factory.mktemp("browser-hostile")
    out = base / "out"
    build_graph(hostile_corpus(base / "corpus"), out)
    site = build_site(out).site
    doc_page = next((site / "docs").iterdir())
    for path, settle in ((site / "index.html", False), (doc_page, False),
                         (site / "timeline.html", True), (site / "graph.html", True)):
        seen = visit(browser, path, settle=settle)
        page = seen.page
        page.wait_for_timeout(300)
        seen.check_clean()
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        assert page.evaluate("document.querySelectorAll('script:not([src])').length") <= 1
        if path == doc_page:
            body = page.inner_text("body")
            assert HOSTILE_IMG in body and HOSTILE_SCRIPT in body
            assert page.locator("a[href^='javascript']").count() == 0
            shot(page, "hostile-document")
        if path.name == "graph.html":
            doc = page.evaluate("rkg.nodes.get({filter: n => n.grp === 'document'})[0].id")
            x, y = node_point(page, doc)
            page.mouse.move(x + 3, y + 3)
            page.mouse.move(x, y)
            page.locator("div.vis-tooltip").wait_for(state="visible", timeout=5000)
            assert HOSTILE_SCRIPT in page.locator("div.vis-tooltip").inner_text()
            page.mouse.click(x, y)
            assert HOSTILE_SCRIPT in page.locator("#details h2").inner_text()
            page.wait_for_timeout(300)
            assert page.evaluate("document.querySelectorAll('img').length") == 0
            shot(page, "hostile-graph")
        assert not seen.dialogs
        page.close()


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_viz", ROOT / "bench" / "viz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_viz_browser_two_thousand_nodes_settle_in_seconds(
        browser: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("synthetic-2000")
    _bench().synthetic_graph(out, 2000)
    site = build_site(out).site
    whole = next(p for p in manifest(site)["pages"] if p["kind"] == "whole")
    assert 1800 <= whole["nodes"] <= 2300
    seen = visit(browser, site / "graph.html")
    settled = seen.page.evaluate("window.rkgSettledMs")
    assert settled < SETTLE_LIMIT_MS, f"the 2,000-node layout took {settled} ms"
    assert seen.page.evaluate("rkg.network.body.nodeIndices.length") == whole["nodes"]
    # still usable: a search and a click answer at once
    seen.page.fill("#search", "Forced return 1")
    seen.page.locator("#search-results button").first.click()
    assert seen.page.locator("#details h2").inner_text().startswith("Forced return 1")
    seen.check_clean()
    shot(seen.page, "synthetic-2000")
    print(f"2,000-node graph: {whole['nodes']} nodes, {whole['edges']} edges, "
          f"settled in {settled / 1000:.1f} s")
    seen.page.close()
