"""A rebuild gives the bytes of a build from scratch, however much it reused.

`rkg build` on the sample, then again unchanged (the serve store's table files and the
site's files are links to the published ones; from the second rebuild the graph files too),
then with one document changed and one
removed: every output, the site and the serve store's content equal those of a from-scratch
build of the same corpus in another folder, and the site drawn from the serve store is the
one drawn from the files.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from graph.cli import cli
from graph.viz import build_site
from graph.viz.details import slugify
from tests.conftest import CORPUS

# (reasoning.txt and summary.txt say how long the stages took; identities.json keeps the
# identities of documents no longer in the corpus, on purpose)
FILES = ("graph.trig", "graph.ttl", "inferred.trig", "validation.txt", "validation.json",
         "review.json", "build.json")


def _build(corpus: Path, out: Path) -> str:
    result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return result.output


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*")
            if p.is_file()}


def _quads(out: Path) -> list[str]:
    """The serve store's quads without blank nodes (a load names those afresh)."""
    store = ox.Store.read_only(str((out / "oxigraph").resolve()))
    try:
        return sorted(str(q) for q in store
                      if not any(isinstance(t, ox.BlankNode)
                                 for t in (q.subject, q.object)))
    finally:
        del store


def _same_outputs(one: Path, other: Path) -> None:
    for name in FILES:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name
    assert _tree(one / "site") == _tree(other / "site")
    assert _quads(one) == _quads(other)


def test_rebuilds_equal_a_build_from_scratch(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    _build(corpus, out)
    site, store = _inodes(out / "site"), _inodes(out / "oxigraph")
    shelved = (out / "site").resolve()

    output = _build(corpus, out)  # nothing changed
    assert "Reasoning: " in output
    assert _inodes(out / "site") == site  # the published files, linked
    # ... as one link to the shelved site, which is the only one on the shelf
    assert (out / "site").resolve() == shelved
    assert list((out / ".sites").iterdir()) == [shelved]
    tables = {name: ino for name, ino in store.items() if name.endswith(".sst")}
    assert tables and all(_inodes(out / "oxigraph").get(n) == i for n, i in tables.items())
    # the first rebuild took the published graph files too: linking again from the
    # identities.json the first build wrote links the same way (tests/test_first_rebuild.py)
    assert "every input unchanged" in output
    graph = (out / "graph.trig").stat().st_ino
    output = _build(corpus, out)
    assert "every input unchanged" in output and (out / "graph.trig").stat().st_ino == graph

    documents = sorted(corpus.glob("*.txt"))
    with open(documents[0], "a", encoding="utf-8") as text:
        text.write("\n\nThe monitors of the Tarvel Valley office published a second "
                   "update on Tuesday.\n")
    documents[-1].unlink()
    output = _build(corpus, out)
    assert "every input unchanged" not in output
    assert _inodes(out / "site") != site
    # the replaced site left the shelf with the generation that linked to it
    assert not shelved.exists() and len(list((out / ".sites").iterdir())) == 1
    # the pages that came out the same are the published files, linked; the changed
    # document's page was written anew
    now = _inodes(out / "site")
    assert any(now[name] == site.get(name) for name in now if name.endswith(".html"))
    assert "files unchanged, linked from the published site" in output
    # ... and only the pages whose data changed were rendered (graph/viz/sitecache.py)
    drawn = re.search(r"(\d+) of (\d+) pages drawn", output)
    assert drawn and 0 < int(drawn[1]) < int(drawn[2]) / 2, output
    # ... and of the document graphs only the edited one was read from the store, the
    # others' records, claims and mentions from the cache (graph/viz/docunits.py)
    assert re.search(r"document graphs: 1 read from the store, [1-9]\d* kept", output), output
    changed = next(name for name in now if name.startswith("docs/")
                   and name[5:-5] == slugify(documents[0].name))
    assert now[changed] != site[changed]
    fresh = tmp_path / "fresh"
    _build(corpus, fresh)
    _same_outputs(out, fresh)

    # the site drawn from the serve store (read-only) is the one drawn from the files
    bare = tmp_path / "bare"
    bare.mkdir()
    for name in FILES:
        shutil.copy2(fresh / name, bare / name)
    build_site(bare)
    assert not (bare / "oxigraph").exists()
    # (but for its key, .rkg-source: a build's hashes what validation is a function of,
    # this one validation.txt's bytes: graph/validationjob.py)
    drawn, built = _tree(bare / "site"), _tree(fresh / "site")
    del drawn[".rkg-source"], built[".rkg-source"]
    assert drawn == built
