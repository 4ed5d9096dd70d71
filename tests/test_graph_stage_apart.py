"""A large build's graph stage runs in a process of its own (graph/cli/graphstage.py) and
gives what it gives in the build process: the same files, its progress, its errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import builder
from graph.cli import cli, graphstage
from tests.conftest import CORPUS

OUTPUTS = ("graph.trig", "graph.ttl", "build.json", "identities.json", "review.json",
           "inferred.trig", "validation.txt")


def _build(corpus: Path, out: Path, where: str, monkeypatch: pytest.MonkeyPatch,
           *extra: str) -> tuple[int, str]:
    monkeypatch.setenv(graphstage.ENV, where)
    result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(out), "--jobs", "1",
                                      "--no-site", *extra])
    return result.exit_code, result.output


@pytest.mark.slow
def test_graph_stage_apart_gives_the_same_build(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    code, here = _build(CORPUS, tmp_path / "here", "here", monkeypatch)
    assert code == 0, here
    code, apart = _build(CORPUS, tmp_path / "apart", "apart", monkeypatch)
    assert code == 0, apart
    assert "Built " in apart and "Reasoning: " in apart
    for name in OUTPUTS:
        assert ((tmp_path / "here" / name).read_bytes()
                == (tmp_path / "apart" / name).read_bytes()), name


def test_graph_stage_apart_runs_elsewhere_and_reports_progress(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text(
        "Border guards in Velmora Province returned nine people to their country on "
        "3 March 2019, the Tarsen Watch group said.\n", encoding="utf-8")

    def not_here(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the graph stage ran in the build process")

    monkeypatch.setattr(builder, "build_graph", not_here)  # the fresh process has its own
    seen: list[tuple[str, int, int]] = []
    result = graphstage.build_graph_apart(
        lambda name, n, total: seen.append((name, n, total)), corpus=corpus,
        out=tmp_path / "out", cache_dir=tmp_path / "cache")
    assert [doc.file_name for doc in result.documents] == ["note.txt"]
    assert (tmp_path / "out" / "graph.trig").is_file()
    assert seen and seen[-1][2] == 1 and "note.txt" in seen[-1][0]


def test_graph_stage_apart_errors_are_the_build_errors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, output = _build(empty, tmp_path / "out", "apart", monkeypatch)
    assert code != 0 and "Traceback" not in output
    (message,) = [line for line in output.splitlines() if line.startswith("Error:")]
    assert str(empty) in message


def test_graph_stage_apart_only_for_large_corpora(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(graphstage.ENV, raising=False)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    assert not graphstage.apart(corpus)
    for n in range(graphstage.APART_FROM):
        (corpus / f"copy-{n}.txt").write_text("A line.\n", encoding="utf-8")
    assert graphstage.apart(corpus)
    monkeypatch.setenv(graphstage.ENV, "here")
    assert not graphstage.apart(corpus)
