"""Caches are keyed by what produced them: a change to extraction code or to a lexicon file
re-extracts, a change elsewhere does not, and nothing depends on a hand-kept version number.

The tests run a copy of the package (in a temporary folder) in a subprocess, so that they can
edit its source exactly as a developer would, without touching the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graph.fingerprint import code_fingerprint, data_files, module_closure

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = """Source: Test Wire
Date: 2024-03-05

Rights group urges China to halt returns

SEOUL, March 5 -- Human Rights Watch on Tuesday urged China to stop sending North Korean
refugees back across the border, saying that 40 people were repatriated last week.
"""


def copy_checkout(dest: Path) -> Path:
    """The package and the data folders beside it, as in a checkout."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("graph", "ontology", "queries"):
        shutil.copytree(ROOT / folder, dest / folder, ignore=ignore)
    return dest


def run(tree: Path, code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


FINGERPRINT = ("from graph.fingerprint import code_fingerprint; "
               "print(code_fingerprint(('graph.extract',)))")


def test_cache_keys_closure_holds_the_extractors_and_their_lexicons() -> None:
    names = {p.relative_to(ROOT / "graph").as_posix() for p in module_closure(("graph.extract",))}
    assert {"extract/speech.py", "extract/returns.py", "nlp/lexicon.py", "text/dates.py",
            "text/numbers.py", "facts.py"} <= names
    # Modules of later stages never key the facts.
    assert not any(n.startswith(("viz/", "cli/", "serve", "exports")) for n in names)
    lexicons = ROOT / "graph" / "lexicons"
    if lexicons.is_dir():
        assert set(data_files(module_closure(("graph.extract",)))) >= {
            f for f in lexicons.rglob("*") if f.is_file() and f.suffix in {".yaml", ".tsv"}}
    assert code_fingerprint(("graph.extract",)) == code_fingerprint(("graph.extract",))


def test_cache_keys_a_module_naming_the_package_root_keys_only_what_it_imports() -> None:
    """`from graph import iris` names the root, whose file re-exports the public API (the
    builder, the site, the server): the graph files and the reading cache must still be keyed
    by the modules they use, so that an edit to the site rebuilds no document's graph."""
    from graph import builder, readcache

    for roots in (builder.RDF_ROOTS, readcache.READING_ROOTS):
        names = {p.relative_to(ROOT / "graph").as_posix() for p in module_closure(roots)}
        assert "__init__.py" in names
        assert not any(n.startswith(("viz/", "serve/", "cli/")) for n in names), roots
    rdf = {p.relative_to(ROOT / "graph").as_posix() for p in module_closure(builder.RDF_ROOTS)}
    assert {"rdf/assemble.py", "graphfiles.py", "factcodec.py", "facts.py", "iris.py"} <= rdf


@pytest.mark.slow
def test_cache_keys_follow_code_and_lexicon_edits(tmp_path: Path) -> None:
    tree = copy_checkout(tmp_path / "checkout")
    before = run(tree, FINGERPRINT)
    # A later stage's module: extraction's key must not move.
    (tree / "graph" / "viz" / "site.py").write_text(
        (tree / "graph" / "viz" / "site.py").read_text() + "\n# edited\n")
    assert run(tree, FINGERPRINT) == before
    # One line of an extractor.
    speech = tree / "graph" / "extract" / "speech.py"
    speech.write_text(speech.read_text() + "\n# edited\n")
    after_code = run(tree, FINGERPRINT)
    assert after_code != before
    # A lexicon data file, added or edited.
    lexicons = tree / "graph" / "lexicons"
    lexicons.mkdir(exist_ok=True)
    (lexicons / "test-words.yaml").write_text("words: [returned]\n")
    after_lexicon = run(tree, FINGERPRINT)
    assert after_lexicon != after_code
    (lexicons / "test-words.yaml").write_text("words: [returned, expelled]\n")
    assert run(tree, FINGERPRINT) != after_lexicon


BUILD = """
import json, sys
from pathlib import Path
from graph.builder import build_graph
r = build_graph(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps({"reused": r.reused}))
"""


@pytest.mark.slow
def test_cache_keys_a_changed_extractor_re_extracts_on_rebuild(tmp_path: Path) -> None:
    tree = copy_checkout(tmp_path / "checkout")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "wire.txt").write_text(DOCUMENT)
    out = tmp_path / "out"
    script = tmp_path / "build.py"
    script.write_text(BUILD)

    def build() -> int:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        done = subprocess.run([sys.executable, str(script), str(corpus), str(out)], cwd=tree,
                              env=env, text=True, capture_output=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return int(done.stdout.strip().splitlines()[-1].split(":")[1].strip(" }"))

    def facts_keys() -> set[str]:
        return {p.name for p in (out / ".cache" / "facts").iterdir()}

    assert build() == 0
    first = facts_keys()
    assert build() == 1, "an unchanged rebuild reuses the cached facts"
    returns = tree / "graph" / "extract" / "returns.py"
    returns.write_text(returns.read_text() + "\n# a change to extraction code\n")
    assert build() == 0, "after an extraction change the document is extracted again"
    assert facts_keys() != first


def test_fingerprint_kept_by_package_content(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The closure's fingerprint is kept by the hash of the package's files: a second
    process reads it back, and it is the one computed by following the imports."""
    from graph import fingerprint

    monkeypatch.setenv("RKG_CACHE_DIR", str(tmp_path))
    roots = ("graph.rdf",)
    fresh = fingerprint._code_fingerprint(roots)
    assert fingerprint.code_fingerprint.__wrapped__(roots) == fresh
    kept = list((tmp_path / "fingerprints").glob("*.txt"))
    assert len(kept) == 1 and kept[0].read_text().strip() == fresh
    kept[0].write_text("stale\n")  # what is read back is the file named by the state
    assert fingerprint.code_fingerprint.__wrapped__(roots) == "stale"
    assert fingerprint.code_fingerprint.__wrapped__(("graph.viz",)) != fresh
