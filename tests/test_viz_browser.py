"""The site in a real browser: Debian's headless Chromium driven by playwright.

One browser and one sample site per module. Every view is opened from file:// and checked: no
console error, no request leaving the machine; the explorer expands a node and its panel is
fully visible; no two drawn labels overlap (their rendered boxes); the search box finds a known
entity and a known quote, from an index written in Python that equals the one MiniSearch
builds itself; the map draws the sample's return arrows and clicks through to a return; a
hostile corpus (HTML, Markdown and LaTeX payloads) runs nothing and fetches nothing; a
2,000-node graph settles in seconds. Screenshots of every view go to $RKG_SCREENSHOTS, else to
a temporary folder (printed).

These tests must run in CI: without /usr/bin/chromium or playwright they fail (not skip).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from graph.viz import build_site
from graph.viz.search import entries
from graph.viz.sitebuild import manifest_pages
from tests.conftest import ROOT
from tests.test_viz_site import (
    HOSTILE_IMG,
    HOSTILE_SCRIPT,
    copy_build,
    hostile_corpus,
    script_payload,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SETTLE_LIMIT_MS = 20_000  # the 2,000 most connected nodes settle in a few seconds here
VIEWPORT = {"width": 1500, "height": 950}


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
    return url.startswith(("file://", "data:", "about:", "http://127.0.0.1:"))


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("RKG_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots in {folder}")
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
                    "(apt-get install -y chromium; .ci/run installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright package is missing: pip install -e '.[test]' "
                    "(never `playwright install`: the system chromium is used)")
    manager = sync_playwright().start()
    chromium = manager.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                       args=CHROMIUM_ARGS)
    context = chromium.new_context(viewport=VIEWPORT)
    try:
        yield context
    finally:
        context.close()
        chromium.close()
        manager.stop()


def visit(context: Any, path: Path, *, settle: bool = True, hash_: str = "") -> Visit:
    page = context.new_page()
    seen = Visit(page)
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    page.on("request", lambda r: None if _local(r.url) else seen.remote.append(r.url))

    def on_dialog(dialog: Any) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(path.as_uri() + hash_, wait_until="networkidle")
    if settle:
        wait_settled(page)
    return seen


def wait_settled(page: Any) -> None:
    page.wait_for_function("document.body.dataset.state === 'settled'",
                           timeout=SETTLE_LIMIT_MS * 3)


def overlapping(boxes: list[dict[str, float]]) -> list[tuple[str, str]]:
    clashes = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
                    and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]):
                clashes.append((a["id"], b["id"]))
    return clashes


def check_labels(page: Any) -> int:
    """The drawn labels' boxes: none overlaps another; returns how many there are."""
    page.evaluate("rkg.network.redraw()")
    page.wait_for_timeout(100)
    boxes = page.evaluate("rkg.labelBoxes()")
    assert not overlapping(boxes), overlapping(boxes)[:5]
    return len(boxes)


@pytest.fixture(scope="module")
def site(sample_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = copy_build(sample_build, tmp_path_factory.mktemp("browser-site"))
    build_site(out)
    return out / "site"


def test_viz_browser_every_view_renders_offline(browser: Any, site: Path,
                                                screenshots: Path) -> None:
    views = {"summary": "graph.html", "explorer": "explore.html", "advocacy": "advocacy.html",
             "map": "map.html", "return": "returns/forced-return-by-china-2023-10-09.html",
             "treaty": "treaties/refugee-convention-1951.html", "place": "places/hunchun.html",
             "actor": "actors/china.html", "year": "timeline/2023.html"}
    for name, path in views.items():
        seen = visit(browser, site / path)
        seen.check_clean()
        if name not in ("map", "year"):
            assert seen.page.evaluate("rkg.shown()") >= 2, name
            assert check_labels(seen.page) >= 2, name
            assert seen.page.locator("#legend .legend-item").count() >= 1, name
        seen.page.screenshot(path=str(screenshots / f"{name}.png"))
        seen.page.close()
    for name, path in (("index", "index.html"), ("timeline", "timeline.html"),
                       ("questions", "questions.html"),
                       ("document", "docs/2023-10-13-hrf-joint-statement-txt.html")):
        seen = visit(browser, site / path, settle=False)
        seen.page.wait_for_timeout(100)
        seen.check_clean()
        seen.page.screenshot(path=str(screenshots / f"{name}.png"))
        seen.page.close()


def test_viz_browser_explorer_expands_a_node_with_its_panel_visible(
        browser: Any, site: Path, screenshots: Path) -> None:
    seen = visit(browser, site / "explore.html", hash_="#actors/china")
    page = seen.page
    before = page.evaluate("rkg.nodes.length")
    assert page.locator("#details h2").inner_text() == "China"
    # a neighbour not yet expanded, with neighbours of its own beyond China
    target = page.evaluate("""() => rkg.nodes.getIds().find(id => id.startsWith('returns/')
                              && rkg.meta[id].n > 1)""")
    assert target
    page.evaluate("(id) => rkg.select(id)", target)
    page.wait_for_function(f"rkg.nodes.length > {before}", timeout=10_000)
    wait_settled(page)
    assert page.evaluate("rkg.nodes.length") > before
    label = page.evaluate("(id) => rkg.meta[id].l", target)
    heading = page.locator("#details h2")
    assert heading.inner_text() == label
    box = page.locator("#details").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"]
    assert page.evaluate("""() => { const h = document.querySelector('#details h2');
                            return h.scrollWidth <= h.clientWidth; }""")
    assert page.locator("#details a", has_text="Open its page").count() == 1
    # its quote's link and document title and its IRI, made whole again from the node's
    # compact file (explorer.py: the document named by its row, the IRI as rkgd:...)
    source = page.locator("#details blockquote footer a")
    href = source.get_attribute("href")
    assert href.startswith("docs/") and "#m-" in href and (site / href.split("#")[0]).is_file()
    assert source.inner_text().strip()
    assert page.locator("#details p.iri").inner_text().startswith(
        "https://w3id.org/refoulement-kg/id/forced-return/")
    check_labels(page)
    page.screenshot(path=str(screenshots / "explorer-expanded.png"))
    seen.check_clean()
    page.close()


def test_viz_browser_summary_drills_down(browser: Any, site: Path, screenshots: Path) -> None:
    seen = visit(browser, site / "graph.html")
    page = seen.page
    aggregates = page.evaluate("rkg.nodes.length")
    assert 5 <= aggregates <= 40
    page.evaluate("rkg.select('agg:statement')")
    page.locator("#details button.drill").click()
    page.wait_for_function("!rkg.nodes.get('agg:statement')")
    wait_settled(page)
    assert page.evaluate("rkg.nodes.length") == min(400, page.evaluate(
        "rkg.cfg.summary.group.nodes.find(n => n.id === 'statement').count"))
    check_labels(page)
    page.check("input[name=mode][value=community]")
    assert page.evaluate("rkg.nodes.getIds().every(id => id.startsWith('agg:'))")
    page.screenshot(path=str(screenshots / "summary-by-community.png"))
    seen.check_clean()
    page.close()


def test_viz_browser_search_finds_an_entity_and_a_quote(browser: Any, site: Path,
                                                        screenshots: Path) -> None:
    seen = visit(browser, site / "places" / "hunchun.html")
    page = seen.page
    page.fill("#site-search", "Hunchun")
    page.wait_for_selector("#site-search-results section[data-kind=entity] a")
    assert "Hunchun" in page.locator(
        "#site-search-results section[data-kind=entity] a").first.inner_text()
    # the index as site.js expanded it from the compact file
    stored = page.evaluate("rkgSearch.index().storedFields")
    quote = next(v["title"] for v in stored.values() if v["kind"] == "quote"
                 and "repatriat" in v["title"])
    words = " ".join(quote.split()[:8])
    page.fill("#site-search", words)
    page.wait_for_selector("#site-search-results section[data-kind=quote] a")
    found = page.locator("#site-search-results section[data-kind=quote] a").all_inner_texts()
    assert any(f.rstrip("…") and quote.startswith(f.rstrip("…")) for f in found), found
    page.screenshot(path=str(screenshots / "search.png"))
    page.locator("#site-search-results section[data-kind=quote] a").first.click()
    page.wait_for_load_state()
    assert "/docs/" in page.url and "#m-" in page.url
    seen.check_clean()
    page.close()


def test_viz_browser_search_index_equals_minisearchs_own(browser: Any, site: Path,
                                                         sample_build: Path) -> None:
    """The index written in Python is the one MiniSearch builds from the same entries."""
    from graph.viz.data import load
    from graph.viz.slugs import assign
    from graph.viz.views import Views

    data = load(sample_build)
    _slugs, pages = assign(data, Views(data).whole.nodes)
    docs = [{"id": e.id, "kind": e.kind, "title": e.title, "text": e.text, "href": e.href,
             "sub": e.sub} for e in entries(data, pages)]
    seen = visit(browser, site / "index.html", settle=False)
    same = seen.page.evaluate("""(docs) => new Promise(done => rkgSearch.load(() => {
        const ours = window.RKG_SEARCH;
        const theirs = new MiniSearch(ours.options);
        theirs.addAll(docs);
        const sorted = (v) => Array.isArray(v) ? v.map(sorted) : (v && typeof v === "object")
            ? Object.fromEntries(Object.keys(v).sort().map(k => [k, sorted(v[k])])) : v;
        const norm = (j) => { j.index.sort((a, b) => a[0] < b[0] ? -1 : 1);
                              return JSON.stringify(sorted(j)); };
        const a = norm(MiniSearch.loadJS(rkgSearch.index(), ours.options).toJSON());
        const b = norm(theirs.toJSON());
        let i = 0; while (i < a.length && a[i] === b[i]) { i++; }
        done([a === b, a.slice(Math.max(0, i - 200), i + 100),
              b.slice(Math.max(0, i - 200), i + 100)]);
    }))""", docs)
    assert same[0], same
    seen.check_clean()
    seen.page.close()


def test_viz_browser_map_draws_the_returns(browser: Any, site: Path, screenshots: Path) -> None:
    data = script_payload((site / "data" / "map.js").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data["arrows"]
    seen = visit(browser, site / "map.html")
    page = seen.page
    assert page.locator("#map path.arrow").count() == len(data["arrows"])
    assert page.locator("#map path.country").count() > 20
    assert page.locator("#map circle.place").count() == len(data["places"])
    located = page.locator("#map path.arrow:not(.unlocated)")
    assert located.count() >= 1
    # one return through several places is several arrows and one return, as on the index
    events = {e.get("h") or e["l"] for a in data["arrows"] for e in a["ev"]}
    status = page.locator("#map-status").inner_text()
    assert f"{len(data['arrows'])} arrows, {len(events)} forced returns shown" in status
    assert len(events) < sum(len(a["ev"]) for a in data["arrows"])
    page.select_option("#map-year", "2023")
    shown = page.locator("#map path.arrow").count()
    assert shown == sum(1 for a in data["arrows"] if a["y"] == "2023") >= 1
    page.locator("#map path.arrow").first.dispatch_event("click")
    link = page.locator("#map-details a").first
    assert "returns/" in (link.get_attribute("href") or "")
    page.screenshot(path=str(screenshots / "map-2023.png"))
    link.click()
    page.wait_for_load_state()
    assert "/returns/" in page.url
    seen.check_clean()
    page.close()


def test_viz_browser_hostile_documents_run_nothing(browser: Any, screenshots: Path,
                                                   tmp_path_factory: pytest.TempPathFactory
                                                   ) -> None:
    from graph.builder import build_graph

    base = tmp_path_factory.mktemp("browser-hostile")
    out = base / "out"
    build_graph(hostile_corpus(base / "corpus"), out)
    site = build_site(out).site
    docs = sorted((site / "docs").iterdir())
    assert len(docs) == 2
    for path in [site / "index.html", *docs, site / "timeline.html", site / "graph.html",
                 site / "explore.html", site / "map.html"]:
        settle = path.name in ("graph.html", "explore.html", "map.html")
        seen = visit(browser, path, settle=settle)
        page = seen.page
        page.fill("#site-search", "alert")
        page.wait_for_selector("#site-search-results a, #site-search-results p.none")
        page.wait_for_timeout(200)
        seen.check_clean()
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        assert page.locator("a[href^='javascript']").count() == 0
        if path in docs:
            body = page.inner_text("body")
            assert (HOSTILE_IMG in body and HOSTILE_SCRIPT in body) or "\\input" in body
            page.screenshot(path=str(screenshots / f"hostile-{path.stem}.png"))
        page.close()


def test_viz_browser_header_links_to_the_endpoint(browser: Any, site: Path,
                                                  tmp_path: Path) -> None:
    """The hook for `rkg serve`: a relative endpoint path in assets/endpoint.js shows the
    header link, resolved from any page's depth; none (the default) keeps it hidden."""
    import shutil

    seen = visit(browser, site / "index.html", settle=False)
    assert not seen.page.locator("#endpoint-link").is_visible()
    seen.page.close()
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "assets" / "endpoint.js").write_text('window.RKG_ENDPOINT = "../query";\n',
                                                 encoding="utf-8")
    seen = visit(browser, copy / "places" / "hunchun.html")
    link = seen.page.locator("#endpoint-link")
    assert link.is_visible()
    assert link.get_attribute("href") == "../../query"
    seen.check_clean()
    seen.page.close()


def test_viz_browser_site_served_by_rkg_serve(browser: Any, site: Path, sample_build: Path,
                                             tmp_path: Path) -> None:
    """Under `rkg serve` (the site at /site/, the query page at /, its Content-Security-
    Policy): the views run without a console error, search works, and the header links to
    the query page without any configuration."""
    import shutil

    from graph.serve import Limits, start

    build = copy_build(sample_build, tmp_path / "out")
    shutil.copytree(site, build / "site")
    endpoint = start(build, port=0, limits=Limits(workers=1))
    try:
        base = endpoint.url + "/site/"
        for path in ("graph.html", "map.html", "places/hunchun.html"):
            page = browser.new_page()
            seen = Visit(page)
            page.on("console", lambda m, s=seen: s.errors.append(m.text)
                    if m.type == "error" else None)
            page.on("pageerror", lambda e, s=seen: s.errors.append(str(e)))
            page.on("request", lambda r, s=seen: None if _local(r.url)
                    else s.remote.append(r.url))
            page.goto(base + path, wait_until="networkidle")
            wait_settled(page)
            link = page.locator("#endpoint-link")
            assert link.is_visible()
            assert page.evaluate("document.getElementById('endpoint-link').href") == \
                endpoint.url + "/"
            if path == "graph.html":
                page.fill("#site-search", "Hunchun")
                page.wait_for_selector("#site-search-results section[data-kind=entity] a")
            seen.check_clean()
            page.close()
    finally:
        endpoint.stop()


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_viz", ROOT / "bench" / "viz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_viz_browser_two_thousand_nodes_settle_in_seconds(
        browser: Any, screenshots: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("synthetic-2000")
    _bench().synthetic_graph(out, 2000)
    result = build_site(out)
    site = result.site
    largest = max(result.pages, key=lambda p: p.bytes)
    assert largest.bytes < 300_000, largest
    seen = visit(browser, site / "graph.html")
    page = seen.page
    summary_ms = page.evaluate("window.rkgSettledMs")
    page.evaluate("document.getElementById('show-top').click()")
    for _ in range(SETTLE_LIMIT_MS * 3 // 500):
        page.wait_for_timeout(500)
        if page.evaluate("rkg.nodes.length > 1000 && document.body.dataset.state === "
                         "'settled'"):
            break
    shown = page.evaluate("rkg.nodes.length")
    layout_ms = page.evaluate("window.rkgLastLayoutMs")
    assert 1800 <= shown <= 2000
    assert layout_ms < SETTLE_LIMIT_MS, f"the 2,000-node layout took {layout_ms} ms"
    labels = check_labels(page)
    # still usable: a click answers at once
    hub = page.evaluate("rkg.nodes.getIds()[0]")
    page.evaluate("(id) => rkg.select(id)", hub)
    page.wait_for_function("(id) => document.querySelector('#details h2') && "
                           "document.querySelector('#details h2').textContent === rkg.meta[id].l",
                           arg=hub)
    page.screenshot(path=str(screenshots / "synthetic-2000.png"))
    seen.check_clean()
    page.close()
    print(f"2,000-node graph: summary settled {summary_ms / 1000:.1f} s after opening; "
          f"{shown} most connected nodes laid out in {layout_ms / 1000:.1f} s with {labels} "
          f"labels; largest page {largest.path} {largest.bytes / 1000:.0f} KB; site "
          f"{result.files} files, {result.bytes / 1e6:.1f} MB")
    print("  page sizes (KB): " + ", ".join(
        f"{p.path} {p.bytes / 1000:.0f}" for p in manifest_pages(site)
        if p.path in ("index.html", "graph.html", "explore.html", "map.html",
                         "advocacy.html", "timeline.html", "questions.html")))
