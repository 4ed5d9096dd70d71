"""Our evaluator against the shared scorer `../shared/tools/score_facts.py`.

Not collected by a plain `python -m pytest` (the file name does not start with `test_`): the
repository must pass its tests with nothing beside it. `.ci/run` runs this file as a separate
step where `../shared` exists (`RKG_SHARED` points elsewhere); there, a missing scorer fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.evaluate import CATEGORIES, load_gold, score
from graph.report import facts_report
from tests.conftest import ROOT, SEED_GOLD

SHARED = Path(os.environ.get("RKG_SHARED", ROOT.parent / "shared"))
SCORER = SHARED / "tools" / "score_facts.py"
SCORING = ROOT / "tests" / "fixtures" / "scoring"


def _agree(gold: Path, pred: Path) -> None:
    assert SCORER.exists(), f"the shared scorer is expected at {SCORER}"
    theirs = json.loads(subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(gold), "--pred", str(pred), "--json"],
        check=True, capture_output=True, text=True).stdout)
    ours = score(load_gold(gold), json.loads(pred.read_text(encoding="utf-8")))
    for c in CATEGORIES:
        t = ours.tallies[c]
        assert (t.tp, t.pred, t.gold) == (theirs[c]["tp"], theirs[c]["pred"], theirs[c]["gold"])
        assert round(t.prf()[2], 4) == theirs[c]["f1"]
    assert round(ours.overall, 4) == theirs["overall_f1"]


def test_crosscheck_hand_made_fixtures() -> None:
    _agree(SCORING / "gold", SCORING / "pred.json")


@pytest.mark.slow
def test_crosscheck_sample_build(sample_build: Path, tmp_path: Path) -> None:
    pred = tmp_path / "facts.json"
    pred.write_text(json.dumps(facts_report(sample_build)), encoding="utf-8")
    _agree(SEED_GOLD, pred)
