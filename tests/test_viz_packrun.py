"""The query pack answered in a process of its own (graph/viz/packrun.py) gives the site's own
answers: the same rows, counts and failures, and so the same questions.html and index.html;
a process that cannot answer leaves the site to answer the pack itself."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.serve.store import prepare_store
from graph.viz import build_site
from graph.viz.packrun import ENV, ROWS_MAX, PackBeside, answer_pack
from tests.conftest import CORPUS


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_the_process_answers_the_pack_as_the_site_would(dev_build: Path,
                                                        tmp_path: Path) -> None:
    store = prepare_store(dev_build, location=tmp_path / "oxigraph")
    here = [asdict(a) for a in answer_pack(ox.Store.read_only(str(store)))]
    with PackBeside(True) as beside:
        beside.start(store)
        answers = beside.answers()
    assert answers is not None, "the process gave no answers"
    assert [asdict(a) for a in answers] == here
    # a real pack: tables with rows, one cut at the rows a page shows and counted beyond
    assert len(here) >= 10 and not any(a["error"] for a in here)
    assert any(a["total"] > ROWS_MAX == len(a["records"]) for a in here)


def test_the_process_ends_before_its_answers_are_asked_for(dev_build: Path,
                                                          tmp_path: Path) -> None:
    """Its memory is gone once it has answered, not held until the site reaches
    questions.html: the answers are more than a pipe holds, so a process writing them to
    the site through a pipe would still be waiting (with its memory) when the site asks."""
    store = prepare_store(dev_build, location=tmp_path / "oxigraph")
    here = [asdict(a) for a in answer_pack(ox.Store.read_only(str(store)))]
    assert len(json.dumps(here).encode()) > 1 << 16, "a pipe would hold these: proves nothing"
    with PackBeside(True) as beside:
        beside.start(store)
        assert beside.process is not None
        deadline = time.monotonic() + 300
        while beside.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert beside.process.returncode == 0, "the process is still waiting to hand over"
        answers = beside.answers()
    assert answers is not None and [asdict(a) for a in answers] == here


def test_a_process_that_cannot_answer_leaves_it_to_the_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    with PackBeside(True) as beside:
        beside.start(tmp_path / "no-store-here")
        assert beside.process is not None
        assert beside.answers() is None
    with PackBeside(False) as off:
        off.start(tmp_path / "no-store-here")
        assert off.process is None and off.answers() is None
    # the environment decides over the site's choice
    monkeypatch.setenv(ENV, "here")
    assert not PackBeside(True).enabled
    monkeypatch.setenv(ENV, "apart")
    assert PackBeside(False).enabled


def test_an_edited_rebuild_with_the_pack_beside_equals_a_draw_from_scratch(
        tmp_path: Path) -> None:
    """`rkg build --jobs 2` (the pack beside the pages, the published site and the document
    graphs' cache reused) after one document changed: the site is the one drawn from
    scratch, in one process, from the same build."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    _build(corpus, out)
    with open(sorted(corpus.glob("*.txt"))[1], "a", encoding="utf-8") as text:
        text.write("\n\nThe office of the Tarvel Valley monitors repeated its appeal on "
                   "Friday.\n")
    output = _build(corpus, out)
    assert "pages drawn" in output and "document graphs: 1 read from the store" in output
    generation = (out / "current").resolve()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    for name in ("graph.trig", "graph.ttl", "inferred.trig", "validation.txt",
                 "validation.json", "review.json", "build.json"):
        shutil.copy2(generation / name, fresh / name)
    build_site(fresh, jobs=1)
    # (but for its key, .rkg-source: a build's hashes what validation is a function of,
    # this one validation.txt's bytes: graph/validationjob.py)
    drawn, built = _tree(fresh / "site"), _tree(out / "site")
    del drawn[".rkg-source"], built[".rkg-source"]
    assert built == drawn


def _build(corpus: Path, out: Path) -> str:
    result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    return result.output
