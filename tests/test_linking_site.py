"""Disagreements on the site's event pages (graph/viz): the development set built, its site
written, each event page read back, and one opened in headless Chromium.

What the reports of an event disagree on (docs/linking.md, "Disagreements") must show on that
event's page, each side with its source and its sentence, exactly as `rkg query
disagreements` lists them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from graph.query import load_pack, run_query
from graph.store import open_dataset
from graph.viz import build_site
from tests.test_viz_browser import browser, visit  # noqa: F401  (the browser fixture)
from tests.test_viz_site import copy_build

DEV_CORPUS = Path(__file__).parent / "fixtures" / "dev" / "corpus"
KINDS = ("count", "date", "place", "perpetrator")
SECTION = re.compile(r'<section id="disagreements">(.*?)</section>', re.S)
ROW = re.compile(r'<tr data-kind="([^"]*)" data-source="([^"]*)"><td>[^<]*</td><td>([^<]*)'
                 r'</td>.*?<q>(.*?)</q></td></tr>', re.S)
TITLE = re.compile(r"<h1>(.*?)</h1>", re.S)


@pytest.fixture(scope="module")
def site(dev_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = copy_build(dev_build, tmp_path_factory.mktemp("linking-site"))
    build_site(out)
    return out / "site"


def page_rows(site: Path) -> dict[Path, set[tuple[str, str, str, str, str]]]:
    """Each event page with a disagreements section -> (event, kind, source, value, quote)."""
    found: dict[Path, set[tuple[str, str, str, str, str]]] = {}
    for page in sorted((site / "returns").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        section = SECTION.search(text)
        if section is None:
            continue
        title = TITLE.search(text)
        assert title is not None
        found[page] = {(html.unescape(title.group(1)), kind, html.unescape(source),
                        html.unescape(value), html.unescape(quote))
                       for kind, source, value, quote in ROW.findall(section.group(1))}
    return found


def test_linking_site_event_pages_show_every_disagreement_with_source_and_quote(
        dev_build: Path, site: Path) -> None:
    """The rows of the event pages are the rows of `rkg query disagreements` (counts, dates,
    places, perpetrators), and each quote is verbatim in the document it names."""
    queried = {(str(r["about"]), str(r["type"]), str(r["source"]), str(r["value"]),
                str(r["quote"]))
               for kind in KINDS
               for r in run_query(load_pack()["disagreements"], open_dataset(dev_build),
                                  {"kind": kind}).records()}
    pages = page_rows(site)
    shown = set().union(*pages.values()) if pages else set()
    assert queried, "the development set has disagreements (04 and 05: 31 against 41)"
    assert shown == queried
    for rows in pages.values():
        assert len({(kind, value) for _e, kind, _s, value, _q in rows}) > 1  # two sides
        for _event, _kind, source, _value, quote in rows:
            assert quote in (DEV_CORPUS / source).read_text(encoding="utf-8")
    # a report of 31 and one of forty-one, joined as one event of 2012, on one page
    count_values = {value for rows in pages.values() for _e, kind, _s, value, _q in rows
                    if kind == "count"}
    assert {"31", "forty-one"} <= count_values


def test_linking_site_disagreements_render_and_lead_to_the_sources(
        browser: Any, site: Path) -> None:  # noqa: F811
    page_path = next(iter(page_rows(site)))
    seen = visit(browser, page_path, settle=False)
    page = seen.page
    table = page.locator("#disagreements table")
    assert table.is_visible()
    rows = table.locator("tbody tr")
    assert rows.count() >= 2
    link = rows.first.locator("a").first
    target = link.get_attribute("href")
    assert target and "#m-" in target
    link.click()
    page.wait_for_load_state()
    anchor = target.split("#", 1)[1]
    assert page.locator(f"#{anchor}").count() == 1  # the sentence is marked in the document
    seen.check_clean()
    page.close()
