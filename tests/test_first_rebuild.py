"""The first rebuild after a build from scratch (graph/unchanged.py): the identities.json
that build wrote is one of the next build's inputs, and when linking from it links the same
way (`LinkStage.settled`) the next build takes the published graph files as they are."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import graph.builder
from graph.builder import build_graph
from graph.cli import cli
from graph.unchanged import GRAPH_OUTPUTS
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


def _build(corpus: Path, out: Path) -> str:
    result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(out), "--jobs", "1",
                                      "--no-reason", "--no-site", "--no-serve-store"])
    assert result.exit_code == 0, result.output
    return result.output


def test_first_rebuild_takes_the_graph_files_when_identities_settled(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    assert "every input unchanged" not in _build(corpus, out)
    written = (out / "identities.json").read_bytes()
    assert "every input unchanged" in _build(corpus, out)

    # what it took is what the graph stage gives from that identities.json
    again = tmp_path / "again"
    again.mkdir()
    (again / "identities.json").write_bytes(written)
    result = build_graph(corpus, again, jobs=1)
    assert result.identities_settled
    for name in GRAPH_OUTPUTS:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_first_rebuild_runs_the_stage_when_identities_did_not_settle(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    real = graph.builder.link_stage

    def unsettled(*args: Any, **kwargs: Any) -> Any:
        stage = real(*args, **kwargs)
        object.__setattr__(stage, "settled", False)  # as if linking would still move
        return stage

    monkeypatch.setattr(graph.builder, "link_stage", unsettled)
    _build(corpus, out)
    assert "every input unchanged" not in _build(corpus, out)  # the record it read was new
    assert "every input unchanged" in _build(corpus, out)  # ... and is now the same
