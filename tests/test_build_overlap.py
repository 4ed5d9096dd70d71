"""`rkg build` overlaps its stages after the graph (graph/cli/build_cmd.py `after_build`):
the serve store loads graph.trig while inference runs and adds inferred.trig after it, and
SHACL validates in a child process (graph/validationjob.py) while the site is drawn. What
it writes is what the stages run one after the other write: the store holds the quads of
the files loaded in one go (its stamp that of such a load), validation.txt and .json are
those `validate` writes in the build's own process, the site is the one drawn from the
finished validation.txt, for a build from scratch and for a rebuild with one document
edited and one removed. A validation child that fails is the build's error, with its
reason, and nothing is published.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.ontology import ENV_VAR, ontology_dir
from graph.serve.store import STAMP_FILE, current_store, prepare_store
from graph.validation import validate
from graph.viz import build_site
from tests.conftest import CORPUS
from tests.test_build_serve_store import _content, _same

# the site's key (.rkg-source) hashes validation's inputs in a build and validation.txt's
# bytes when the site is drawn from a finished build: the rest must be the same bytes
KEYED = (".rkg-source",)


def _build(corpus: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(out), "--jobs", "1"])
    return result.exit_code, result.output


def _samples_built(tmp_path: Path) -> tuple[Path, Path, str]:
    """A copy of the sample corpus built into tmp_path/out: the corpus, out, the output."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    code, output = _build(corpus, out)
    assert code == 0, output
    return corpus, out, output


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in KEYED}


def _sequential(out: Path, into: Path) -> Path:
    """The build's graph files in `into`, then each stage after the graph on its own and in
    turn, in this process: the store loaded in one go, validation, the site."""
    into.mkdir()
    for name in ("graph.trig", "inferred.trig"):
        shutil.copy2(out / name, into / name)  # (times kept: inferred.trig is up to date)
    prepare_store(into)
    validate(into, cache_dir=into / ".cache")
    build_site(into)
    return into


def _same_as_sequential(out: Path, sequential: Path) -> None:
    # every quad and graph name, blank nodes up to renaming (a load names them afresh)
    assert _same((out / "oxigraph").resolve(), sequential / "oxigraph")
    stamp = json.loads((out / "oxigraph" / STAMP_FILE).read_text(encoding="utf-8"))
    alone = json.loads((sequential / "oxigraph" / STAMP_FILE).read_text(encoding="utf-8"))
    assert stamp["sha256"] == alone["sha256"] and stamp["graphs"] == alone["graphs"]
    assert "graph-part" not in stamp
    assert current_store(out) is not None  # rkg serve and the site take it as it is
    for name in ("validation.txt", "validation.json"):
        assert (out / name).read_bytes() == (sequential / name).read_bytes(), name
    assert _tree(out / "site") == _tree(sequential / "site")
    index = (out / "site" / "index.html").read_text(encoding="utf-8")
    verdict = (out / "validation.txt").read_text(encoding="utf-8").splitlines()[0]
    assert verdict.startswith("SHACL: ") and verdict.split(" (")[0] in index


def test_overlapped_build_equals_the_stages_in_turn(tmp_path: Path) -> None:
    corpus, out, output = _samples_built(tmp_path)
    # the store was loaded in two parts: graph.trig while inference ran, then inferred.trig
    assert output.index("Loading the store") < output.index("Inference: ")
    assert output.index("Serve store: ") < output.index("SHACL: ") < output.index("Wrote ")
    _same_as_sequential(out, _sequential(out, tmp_path / "fresh"))

    # a rebuild: its part starts from the published store (graph.trig's graphs patched,
    # the others kept), then inferred.trig's graph is patched and the removed one goes
    documents = sorted(corpus.glob("*.txt"))
    with open(documents[0], "a", encoding="utf-8") as text:
        text.write("\n\nThe monitors of the Tarvel Valley office published a second "
                   "update on Tuesday.\n")
    documents[-1].unlink()
    published = _content((out / "oxigraph").resolve())[:2]
    code, output = _build(corpus, out)
    assert code == 0, output
    assert _content((out / "oxigraph").resolve())[:2] != published
    _same_as_sequential(out, _sequential(out, tmp_path / "changed"))


def test_a_large_graph_runs_the_stages_in_turn(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Above `OVERLAP_UP_TO` (here every graph) nothing overlaps, so the peaks do not add
    up: the store loads after inference, SHACL validates in the build's process before the
    site; what is written is the same."""
    from graph.cli import build_cmd

    monkeypatch.setattr(build_cmd, "OVERLAP_UP_TO", 0)
    _corpus, out, output = _samples_built(tmp_path)
    assert output.index("Inference: ") < output.index("Loading the store")
    assert "SHACL validation (pySHACL's report, cached) ..." in output
    assert "beside the site" not in output
    assert output.index("SHACL: ") < output.index("Writing the offline site")
    _same_as_sequential(out, _sequential(out, tmp_path / "fresh"))


def _children() -> list[str]:
    """The command lines of this process's living children."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.append((entry / "cmdline").read_text().replace("\0", " "))
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_a_failing_validation_child_fails_the_build_and_publishes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, out, output = _samples_built(tmp_path)
    before = {name: (out / name).read_bytes() for name in ("graph.trig", "validation.txt")}
    site = (out / "site").resolve()

    # shapes that cannot be read: inference (the ontology) works, validation cannot
    ontology = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), ontology)
    (ontology / "shapes.ttl").write_text("@prefix sh: <broken\n", encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(ontology))
    with open(sorted(corpus.glob("*.txt"))[0], "a", encoding="utf-8") as text:
        text.write("\n\nThe office published a third update on Monday.\n")
    code, output = _build(corpus, out)
    assert code != 0
    reason = output.strip().splitlines()[-1]
    assert reason.startswith("Error: SHACL validation failed: ValueError: "), output
    assert f"{ontology / 'shapes.ttl'}: cannot parse Turtle" in reason
    assert "Traceback" not in output
    # the published build is the last good one, whole; no generation or site left behind
    assert {name: (out / name).read_bytes() for name in before} == before
    assert (out / "site").resolve() == site and site.is_dir()
    assert [p.name for p in (out / ".sites").iterdir()] == [site.name]
    assert [p.name for p in (out / ".generations").iterdir()] == [
        (out / "current").resolve().name]
    assert not [c for c in _children() if "graph.validationjob" in c]
