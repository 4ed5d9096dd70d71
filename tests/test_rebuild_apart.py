"""A rebuild by `rkg build` in a process of its own (as users run it) gives the bytes of a
build from scratch, with its two paths that only a fresh process takes: the changed
documents extracted by a worker that loaded spaCy while the build read
(graph/extractworker.py), and graph.ttl written by a child process while the build infers
(graph/turtlejob.py).

The sample corpus is built, then one document is edited, one added and one removed, and
the rebuild's every output equals that of a build from scratch of the same corpus.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS, ROOT

FILES = ("graph.trig", "graph.ttl", "inferred.trig", "validation.txt", "validation.json",
         "review.json", "build.json")


def _build(corpus: Path, out: Path) -> str:
    """`python -m graph build` with two jobs (the worker needs a core to spare); its
    summary.txt."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "graph", "build", str(corpus), "--out",
                           str(out), "--jobs", "2", "--no-site", "--quiet"],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return (out / "summary.txt").read_text(encoding="utf-8")


def test_rebuild_apart_equals_a_build_from_scratch(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    summary = _build(corpus, out)
    assert "extracted by a process" not in summary  # a first build: extract_many's way

    documents = sorted(corpus.glob("*.txt"))
    with open(documents[0], "a", encoding="utf-8") as text:
        text.write("\n\nThe monitors of the Tarvel Valley office published a second "
                   "update on Tuesday.\n")
    added = corpus / "2024-added-copy.txt"
    added.write_text(documents[1].read_text(encoding="utf-8")
                     + "\n\nThe coalition repeated its appeal on Friday.\n", encoding="utf-8")
    documents[-1].unlink()
    summary = _build(corpus, out)
    assert "2 documents extracted by a process that loaded spaCy" in summary, summary
    assert not list((out / "current").glob(".graph-union*"))  # the Turtle job's input

    fresh = tmp_path / "fresh"
    _build(corpus, fresh)
    for name in FILES:
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name
