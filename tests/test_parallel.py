"""`--jobs N`: extraction on N processes gives byte-identical outputs to one process."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

pytestmark = pytest.mark.slow


def test_parallel_jobs_do_not_change_the_output(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    generate(corpus, 7, seed=5)
    outs = {}
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(out), "--jobs",
                                          str(jobs), "--no-reason", "--no-site", "-q"])
        assert result.exit_code == 0, result.output
        outs[jobs] = out
    for name in ("graph.ttl", "graph.trig"):
        assert (outs[1] / name).read_bytes() == (outs[2] / name).read_bytes(), name
    cached = [sorted(p.name for p in (outs[j] / ".cache" / "facts").glob("*/*.json"))
              for j in (1, 2)]
    assert cached[0] == cached[1] and len(cached[0]) == 12
    for a, b in zip(*(sorted((outs[j] / ".cache" / "facts").glob("*/*.json")) for j in (1, 2)),
                    strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
