"""Extraction quality on real documents, scored from the built graph, and the scorer port."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from graph.cli import cli
from graph.evaluate import CATEGORIES, load_gold, score
from graph.report import facts_report
from tests.conftest import CORPUS, EXTRA_GOLD, SEED_GOLD, SHARED

SCORER = SHARED / "tools" / "score_facts.py"


def _report(out: Path, tmp_path: Path) -> Path:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts_report(out)), encoding="utf-8")
    return path


def test_evaluate_seed_gold_overall_f1_at_least_090(sample_build: Path) -> None:
    scores = score(load_gold(SEED_GOLD), facts_report(sample_build))
    assert scores.overall >= 0.90, scores.table()


def test_evaluate_extra_gold_overall_f1_floor(extra_build: Path) -> None:
    """The independently written set (target 0.75; this floor guards against regressions)."""
    scores = score(load_gold(EXTRA_GOLD), facts_report(extra_build))
    assert scores.overall >= 0.70, scores.table()


def test_evaluate_agrees_with_the_shared_scorer(sample_build: Path, tmp_path: Path) -> None:
    assert SCORER.exists(), f"the shared scorer is expected at {SCORER}"
    pred = _report(sample_build, tmp_path)
    shared = json.loads(subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(SEED_GOLD), "--pred", str(pred), "--json"],
        check=True, capture_output=True, text=True).stdout)
    ours = score(load_gold(SEED_GOLD), json.loads(pred.read_text(encoding="utf-8")))
    for c in CATEGORIES:
        t = ours.tallies[c]
        assert (t.tp, t.pred, t.gold) == (shared[c]["tp"], shared[c]["pred"], shared[c]["gold"])
        assert round(t.prf()[2], 4) == shared[c]["f1"]
    assert round(ours.overall, 4) == shared["overall_f1"]


def test_evaluate_cli_prints_the_table(sample_build: Path) -> None:
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(SEED_GOLD), "--graph",
                                      str(sample_build)])
    assert result.exit_code == 0, result.output
    assert "statements_lenient" in result.output and "overall F1:" in result.output


def test_evaluate_cli_without_a_build_is_a_clean_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(SEED_GOLD), "--graph",
                                      str(tmp_path)])
    assert result.exit_code != 0
    assert "run 'rkg build' first" in result.output
    assert "Traceback" not in result.output


def test_export_facts_report_lists_every_document(sample_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "facts.json"
    result = CliRunner().invoke(cli, ["export", "--format", "facts", "--graph",
                                      str(sample_build), "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = {d["document"] for d in json.loads(out.read_text(encoding="utf-8"))["documents"]}
    assert names == set(load_gold(SEED_GOLD))


def test_evaluate_after_a_full_cli_build_ignores_inferred_classes(tmp_path: Path,
                                                                   sample_build: Path) -> None:
    """`rkg build` also writes inferred.trig (HermiT adds classes such as
    NonRefoulementBoundState): the report must describe what the documents say, unchanged."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(CORPUS), "--out", str(out), "--no-site",
                                      "--quiet", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert (out / "inferred.trig").exists()
    assert facts_report(out) == facts_report(sample_build)
