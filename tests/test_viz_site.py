"""The offline site (graph/viz): pages, offline assets, escaping, determinism, CLI.

The browser checks (rendering, clicks, tooltips, no script from a hostile document) are in
test_viz_browser.py; these run without a browser.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import build_support
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.viz import build_site
from graph.viz.site import safe_url, script_json, segments
from graph.viz.sitebuild import manifest_pages
from tests.conftest import ROOT

HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_MD = "[see this](javascript:alert(2)) ![pixel](http://198.51.100.7/p.png) **loud**"
HOSTILE_TEX = r"$\input{/etc/passwd}$ \href{javascript:alert(3)}{here} \\write18{id}"


def script_payload(text: str) -> object:
    """The JSON inside a data script: rkgData("key", {...}); or window.NAME = {...};"""
    if text.startswith("rkgData("):
        return json.loads(text[text.index(",") + 1:text.rindex(")")])
    return json.loads(text[text.index("=") + 1:].strip().rstrip(";"))


def copy_build(build: Path, dest: Path) -> Path:
    """A private copy of a build folder (the site is written inside it)."""
    return build_support.copy_build(build, dest, ("graph.trig", "build.json"))


def hostile_corpus(folder: Path) -> Path:
    """A tiny corpus whose text and metadata try to run script in the site."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hostile.txt").write_text(
        "SEOUL - China forcibly repatriated 50 North Korean defectors to North Korea in "
        f"March 2023, activists said. {HOSTILE_IMG} was written here.\n\n"
        f"Human Rights Watch urged China to stop the repatriations {HOSTILE_SCRIPT} at once.\n",
        encoding="utf-8")
    (folder / "markup.md").write_text(
        "Russian border guards handed over 7 North Korean workers to North Korea in May 2022, "
        f"a monitor said {HOSTILE_MD} and {HOSTILE_TEX} in the same line.\n\n"
        f"Amnesty International urged Russia to stop the deportations {HOSTILE_TEX}.\n",
        encoding="utf-8")
    (folder / "sources.yaml").write_text(
        "documents:\n"
        "  - file: hostile.txt\n"
        f"    title: \"{HOSTILE_SCRIPT} & {HOSTILE_IMG}\"\n"
        f"    publisher: \"{HOSTILE_IMG}\"\n"
        "    kind: news_article\n"
        "    date: \"2023-04-01\"\n"
        "    url: \"javascript:alert(1)\"\n"
        "    language: en\n"
        "  - file: markup.md\n"
        "    title: '# Heading [x](javascript:alert(4)) $\\\\input{x}$'\n"
        "    publisher: '**Monitor** <b>'\n"
        "    kind: news_article\n"
        "    date: \"2022-06-01\"\n"
        "    language: en\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def site(sample_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = copy_build(sample_build, tmp_path_factory.mktemp("viz-site"))
    build_site(out)
    return out / "site"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from graph.builder import build_graph

    base = tmp_path_factory.mktemp("viz-hostile")
    out = base / "out"
    build_graph(hostile_corpus(base / "corpus"), out)
    build_site(out)
    return out / "site"


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_viz_site_has_every_view(site: Path) -> None:
    for name in ("index.html", "graph.html", "explore.html", "advocacy.html", "map.html",
                 "timeline.html", "questions.html", "manifest.json.gz", "data/map.js",
                 "data/s/top.js", "data/s/advocacy.js", "assets/search-index.js",
                 "assets/vis-network.min.js", "assets/explorer.js", "assets/site.js",
                 "assets/endpoint.js", "assets/vendor/minisearch/minisearch.js",
                 "assets/vendor/minisearch/LICENSE.txt",
                 "assets/vendor/world-atlas/countries-50m.js",
                 "assets/vendor/topojson-client/topojson-client.min.js"):
        assert (site / name).is_file(), name
    pages = manifest_pages(site)
    kinds = {p.kind for p in pages}
    assert {"summary", "explorer", "advocacy", "map", "index", "actors", "people", "places",
            "treaties", "resolutions", "returns", "events", "document", "timeline",
            "browse", "questions"} <= kinds
    returns = [p for p in pages if p.kind == "returns"]
    assert len(list((site / "returns").glob("*.html"))) == len(returns) >= 3
    assert len(list((site / "docs").glob("*.html"))) == 5
    # every page of a thing is reachable from a browse page
    browse = "".join(p.read_text(encoding="utf-8") for p in (site / "browse").glob("*.html"))
    for page in pages:
        assert (site / page.path).is_file()
        if page.kind in ("actors", "people", "places", "treaties", "resolutions", "laws",
                         "returns", "events", "document"):
            assert f'href="../{page.path}"' in browse, page.path
    assert len({p.path for p in pages}) == len(pages)  # no two things share a page


def test_viz_site_pages_are_named_by_readable_slugs(site: Path) -> None:
    for folder in ("actors", "places", "treaties", "returns", "events", "docs", "people"):
        for path in (site / folder).glob("*.html"):
            assert not re.search(r"[0-9a-f]{12}", path.stem), path
    assert (site / "actors" / "china.html").is_file()
    assert (site / "places" / "hunchun.html").is_file()
    assert (site / "treaties" / "refugee-convention-1951.html").is_file()
    assert (site / "returns" / "forced-return-by-china-2023-10-09.html").is_file()


def test_viz_site_pages_cite_their_iri_source_and_quote(site: Path) -> None:
    page = (site / "returns" / "forced-return-by-china-2023-10-09.html").read_text(
        encoding="utf-8")
    cite = page[page.index('<section class="cite">'):]
    cite = cite[:cite.index("</section>")]
    assert "https://w3id.org/refoulement-kg/id/forced-return/" in cite
    assert "<q>" in cite and "../docs/" in cite
    treaty = (site / "treaties" / "cat.html").read_text(encoding="utf-8")
    assert "Entry into force: <strong>1987-06-26</strong>" in treaty
    assert "Forced returns by states bound by it" in treaty
    place = (site / "places" / "hunchun.html").read_text(encoding="utf-8")
    assert "Forced returns through this place (1)" in place


def test_viz_site_loads_nothing_remote(site: Path) -> None:
    """Every script and style sheet is a local file; no CDN, no Bootstrap."""
    for path in html_files(site):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", text):
            assert "http://" not in tag and "https://" not in tag, (path, tag)
            assert "//" not in tag.split("src=")[-1][:3], (path, tag)
        assert "bootstrap" not in text.lower() and "cdnjs" not in text and "jsdelivr" not in text
    for path in (site / "assets").rglob("*.css"):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"url\(\s*['\"]?https?:", text), path
        assert "@import" not in text, path


def test_viz_site_index_summarises_and_links_onward(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    for heading in ("Latest events", "Latest documents", "Views", "Browse",
                    "Where sources disagree", "Review queue", "Legend"):
        assert heading in index, heading
    assert index.count("<tr>") < 60  # a summary, not every registry entry
    assert len(index.encode("utf-8")) < 40_000
    questions = (site / "questions.html").read_text(encoding="utf-8")
    assert questions.count('<section class="cq"') >= 5


def test_viz_site_pages_do_not_embed_the_corpus(site: Path) -> None:
    """Lists are cut, and the explorer's data are per node: no page carries the graph."""
    for page in manifest_pages(site):
        if page.kind not in ("document", "questions", "treaties"):
            assert page.bytes < 120_000, page
    china = (site / "data" / "n" / "actors" / "china.js").read_text(encoding="utf-8")
    assert china.startswith('rkgData("n/actors/china",')
    payload = json.loads(china[china.index(",") + 1:china.rindex(")")])
    assert len(payload["nb"]) <= 120 and payload["iri"] == "rkgd:state/china"


def test_viz_site_index_shows_validation_report(sample_build: Path, tmp_path: Path) -> None:
    out = copy_build(sample_build, tmp_path / "out")
    (out / "validation.txt").write_text("Conforms: True <b>not bold</b>\n", encoding="utf-8")
    build_site(out)
    index = (out / "site" / "index.html").read_text(encoding="utf-8")
    assert "Conforms: True" in index and "&lt;b&gt;not bold&lt;/b&gt;" in index


def test_viz_site_is_byte_identical_across_runs_and_hash_seeds(sample_build: Path,
                                                               tmp_path: Path) -> None:
    def digest(site: Path) -> dict[str, str]:
        return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(site.rglob("*")) if p.is_file()}

    sites = []
    for n, seed in enumerate(("1", "4242")):
        out = copy_build(sample_build, tmp_path / f"out{n}")
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                        "from graph.viz import build_site; build_site(Path(sys.argv[1]))",
                        str(out)], check=True, env=env, cwd=ROOT)
        sites.append(digest(out / "site"))
    assert sites[0] == sites[1]


def test_viz_site_escapes_hostile_text(hostile_site: Path) -> None:
    pages = html_files(hostile_site)
    assert pages
    seen_escaped = False
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert HOSTILE_IMG not in text, path
        assert HOSTILE_SCRIPT not in text, path
        assert not re.search(r"(href|src)\s*=\s*[\"']?\s*javascript:", text, re.I), path
        seen_escaped |= "&lt;img src=x onerror=alert(1)&gt;" in text
    # the data files of the scripts carry no '<' at all, yet hold the hostile text
    decoded = False
    for path in sorted(hostile_site.rglob("*.js")):
        if "vendor" in path.parts or (path.parent.name == "assets" and path.name not in (
                "search-index.js", "endpoint.js")):
            continue
        text = path.read_text(encoding="utf-8")
        assert "<" not in text and ">" not in text, path
        decoded |= HOSTILE_SCRIPT in json.dumps(script_payload(text), ensure_ascii=False)
    assert decoded
    assert seen_escaped


def test_viz_script_json_cannot_close_the_script() -> None:
    text = str(script_json({"t": "</script><script>alert(1)</script>&\u2028"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["t"] == "</script><script>alert(1)</script>&\u2028"


def test_viz_safe_url_keeps_only_http() -> None:
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("javascript:alert(1)") == ""
    assert safe_url("data:text/html,<script>") == ""


def test_viz_segments_handle_overlapping_marks() -> None:
    pieces = segments("abcdefgh", [(0, 6, "fact", "m/1"), (2, 4, "entity", "m/2")])
    assert "".join(p["text"] for p in pieces) == "abcdefgh"
    assert [p["kinds"] for p in pieces] == [["fact"], ["entity", "fact"], ["fact"], []]
    assert pieces[0]["anchors"] == ["m-1"] and pieces[1]["anchors"] == ["m-2"]


def test_viz_cli_writes_the_site(sample_build: Path, tmp_path: Path) -> None:
    out = copy_build(sample_build, tmp_path / "out")
    result = CliRunner().invoke(cli, ["viz", "--graph", str(out)])
    assert result.exit_code == 0, result.output
    assert "pages:" in result.output
    assert (out / "site" / "index.html").is_file()


def test_viz_cli_names_a_missing_build(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["viz", "--graph", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "no graph.trig" in result.output and "Traceback" not in result.output


def test_viz_failed_build_keeps_the_old_site(sample_build: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = copy_build(sample_build, tmp_path / "out")
    build_site(out)
    before = (out / "site" / "index.html").read_bytes()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("graph.viz.site.timeline", broken)
    with pytest.raises(RuntimeError):
        build_site(out)
    assert (out / "site" / "index.html").read_bytes() == before
    assert not list(out.glob(".site-*"))


def test_viz_site_endpoint_hook(sample_build: Path, tmp_path: Path) -> None:
    """`rkg viz --endpoint URL` writes assets/endpoint.js, which every page loads; without it
    the value is null and the header link stays hidden."""
    out = copy_build(sample_build, tmp_path / "out")
    result = CliRunner().invoke(cli, ["viz", "--graph", str(out), "--endpoint",
                                      "http://127.0.0.1:7878/query", "-q"])
    assert result.exit_code == 0, result.output
    hook = (out / "site" / "assets" / "endpoint.js").read_text(encoding="utf-8")
    assert hook == 'window.RKG_ENDPOINT = "http://127.0.0.1:7878/query";\n'
    for page in ("index.html", "places/hunchun.html"):
        text = (out / "site" / page).read_text(encoding="utf-8")
        assert "assets/endpoint.js" in text and "assets/site.js" in text  # makes the link
    build_site(out)
    assert (out / "site" / "assets" / "endpoint.js").read_text(
        encoding="utf-8") == "window.RKG_ENDPOINT = null;\n"


def _synthetic(out: Path, nodes: int) -> Path:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_viz", ROOT / "bench" / "viz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    module.synthetic_graph(out, nodes)
    return out


def _largest(site: Path) -> tuple[int, int, int]:
    """The largest page (a document's own text aside), the largest data file, and the
    largest page's share of the whole site in thousandths."""
    page = max(p.bytes for p in manifest_pages(site) if p.kind != "document")
    data = max(p.stat().st_size for p in (site / "data").rglob("*.js"))
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return page, data, page * 1000 // total


def test_viz_site_page_size_does_not_grow_with_the_graph(tmp_path: Path) -> None:
    """A graph twice as large gives pages and data files of about the same size: no view,
    list or explorer file embeds the whole graph (each is cut, paged or summarised); one
    that did would grow twofold. (Both graphs are past the largest cut, the 2,000 nodes of
    data/s/top.js.)"""
    small = build_site(_synthetic(tmp_path / "small", 2400)).site
    large = build_site(_synthetic(tmp_path / "large", 4800)).site
    s_page, s_data, _share = _largest(small)
    l_page, l_data, l_share = _largest(large)
    files = sum(1 for p in large.rglob("*") if p.is_file())
    assert files > 1.8 * sum(1 for p in small.rglob("*") if p.is_file())
    assert l_page < 1.3 * s_page, (s_page, l_page)
    assert l_data < 1.3 * s_data, (s_data, l_data)
    assert l_share < 10, l_share  # no page holds even 1 % of the site


def test_viz_site_redraws_no_page_whose_data_are_the_same(sample_build: Path,
                                                           tmp_path: Path) -> None:
    """A site whose key changed (here only the endpoint, which no page shows) links the
    page of every thing from the published site instead of rendering it, and equals a site
    drawn from scratch; a published site drawn by other code (its keys' code differs) is
    drawn again whole, though its unchanged data files are still linked."""
    import gzip

    from graph.viz.sitecache import KEYS, link_tree

    out = copy_build(sample_build, tmp_path / "out")
    first = build_site(out)
    published = tmp_path / "published"
    link_tree(out / "site", published)
    pages = len(first.pages)
    again = build_site(out, endpoint="../", previous=published)
    # only the pages of the whole graph are drawn every time (index, timeline, questions)
    assert again.drawn == 3 and pages > 100
    fresh = copy_build(sample_build, tmp_path / "fresh")
    assert build_site(fresh, endpoint="../").drawn == pages
    assert _tree(out / "site") == _tree(fresh / "site")
    linked = [p for p in (out / "site").rglob("*.html")
              if (published / p.relative_to(out / "site")).stat().st_ino == p.stat().st_ino]
    assert len(linked) == pages

    keys = gzip.decompress((published / KEYS).read_bytes()).decode("utf-8")
    other = tmp_path / "other-code"
    link_tree(published, other)
    (other / KEYS).unlink()
    (other / KEYS).write_bytes(gzip.compress(("0" * 64 + keys[64:]).encode("utf-8")))
    redrawn = build_site(out, endpoint="/query", previous=other)
    assert redrawn.drawn == pages
    assert (out / "site" / "data" / "n" / "actors" / "china.js").stat().st_ino == (
        published / "data" / "n" / "actors" / "china.js").stat().st_ino
    scratch = copy_build(sample_build, tmp_path / "scratch")
    build_site(scratch, endpoint="/query")
    assert _tree(out / "site") == _tree(scratch / "site")


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}
