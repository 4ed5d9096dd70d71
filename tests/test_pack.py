"""Evidence packs (`rkg pack`): figures agree with the query pack, every footnote is a verbatim
sentence of its source, hostile document text stays inert, PDF through headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.pack import Pack, build_pack, md, to_html, to_markdown
from graph.query import resolve, run_query
from graph.store import open_dataset
from tests.test_viz_site import HOSTILE_IMG, HOSTILE_MD, HOSTILE_SCRIPT, HOSTILE_TEX, hostile_corpus

CHINA = "https://w3id.org/refoulement-kg/id/state/china"
TEXTS = """PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#>
SELECT ?file ?text WHERE { ?doc a rkg:SourceDocument ; rkg:fileName ?file ; rkg:text ?text }"""


@pytest.fixture(scope="module", params=["sample", "dev"])
def build(request: pytest.FixtureRequest) -> Path:
    """The sample build and the 30-article development set's build."""
    return Path(request.getfixturevalue(f"{request.param}_build"))


@pytest.fixture(scope="module")
def dataset(build: Path) -> Any:
    return open_dataset(build)


@pytest.fixture(scope="module")
def pack(dataset: Any) -> Pack:
    return build_pack(dataset, CHINA)


def texts(build: Path) -> dict[str, str]:
    store = ox.Store()
    store.bulk_load(path=str(build / "graph.trig"), format=ox.RdfFormat.TRIG)
    rows = store.query(TEXTS, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return {r["file"].value: r["text"].value for r in rows}


def test_pack_figures_agree_with_timeline_and_treaty_status(pack: Pack, dataset: Any) -> None:
    timeline = run_query(resolve("timeline"), dataset, {"perpetrator": "rkgd:state/china"})
    rows = timeline.records()
    assert len(rows) == len(pack.returns) >= 3
    for row, ret in zip(rows, pack.returns, strict=True):
        assert str(row["event"]) == ret.event
        assert (row["when"], row["countMin"], row["countMax"], row["sources"]) == (
            ret.when, ret.count_min, ret.count_max, ret.sources)
        assert len(ret.says) == row["claims"]
    status = run_query(resolve("returns-treaty-status"), dataset,
                       {"state": "rkgd:state/china"}).records()
    assert [dict(r) for r in status] == pack.status and pack.status
    text = to_markdown(pack)
    for ret in pack.returns:
        for say in ret.says:
            assert f"{md(say.count)}[^{say.note}]" in text
    html = to_html(pack)
    assert html.count("<tr>") >= len(pack.returns) + len(pack.status)


def test_pack_every_footnote_is_verbatim_in_its_source(pack: Pack, build: Path) -> None:
    docs = texts(build)
    assert pack.sources
    for source in pack.sources:
        text = docs[source.file]
        if source.start is not None and source.end is not None:
            assert text[source.start:source.end] == source.quote, source
        else:
            assert source.quote in text, source
    markdown = to_markdown(pack)
    used = {int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", markdown)}
    defined = {int(n) for n in re.findall(r"^\[\^(\d+)\]:", markdown, re.M)}
    assert used == defined == {s.number for s in pack.sources}


def test_pack_period_limits_returns_and_statements(dataset: Any, pack: Pack) -> None:
    recent = build_pack(dataset, CHINA, "2023", "2023")
    assert recent.returns and len(recent.returns) < len(pack.returns)
    assert all(r.when.startswith("2023") for r in recent.returns)
    assert all(s["when"].startswith("2023") for s in recent.statements)


@pytest.mark.slow
def test_pack_cli_writes_md_html_and_pdf(sample_build: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt in ("md", "html", "pdf"):
        out = tmp_path / f"china.{fmt}"
        result = runner.invoke(cli, ["pack", "--state", "china", "--graph", str(sample_build),
                                     "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.is_file() and out.stat().st_size > 1000
    assert (tmp_path / "china.pdf").read_bytes().startswith(b"%PDF")
    assert "## Sources" in (tmp_path / "china.md").read_text(encoding="utf-8")


def test_pack_cli_names_an_unknown_state(sample_build: Path) -> None:
    result = CliRunner().invoke(cli, ["pack", "--state", "atlantis", "--graph",
                                      str(sample_build)])
    assert result.exit_code == 1
    assert "not a state of this graph" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_pack_keeps_hostile_text_inert(tmp_path: Path) -> None:
    from graph.builder import build_graph

    out = tmp_path / "out"
    build_graph(hostile_corpus(tmp_path / "corpus"), out)
    ds = open_dataset(out)
    packs = [build_pack(ds, CHINA), build_pack(ds, "https://w3id.org/refoulement-kg/id/state/"
                                                   "russia")]
    quoted = " ".join(s.quote for p in packs for s in p.sources)
    assert "alert(1)" in quoted or "\\input" in quoted  # the payloads reach the brief ...
    for p in packs:
        markdown = to_markdown(p)
        html = to_html(p)
        # ... as text: no raw HTML, no live Markdown link or image, no LaTeX command
        for raw in (HOSTILE_IMG, HOSTILE_SCRIPT, "](javascript", "![", "$\\input"):
            assert raw not in markdown, raw
        assert not re.search(r"(?<!\\)\$", markdown)
        assert HOSTILE_IMG not in html and HOSTILE_SCRIPT not in html
        assert "<img" not in html and "javascript:" not in html.split("<body>")[0]
        assert not re.search(r"""href=["']?javascript""", html)
    assert HOSTILE_MD and HOSTILE_TEX
