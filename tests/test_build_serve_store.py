"""A rebuild whose graph.trig and inferred.trig have the same bytes copies the published
build's serve store instead of loading it again (graph/cli/build_cmd.py); a changed graph
loads a new one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from graph.cli.build_cmd import reuse_serve_store
from graph.serve.store import STORE_DIR, prepare_store


def _files(store: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in store.iterdir() if p.suffix == ".sst"}


def test_serve_store_copied_when_the_build_is_the_same(sample_build: Path,
                                                       tmp_path: Path) -> None:
    published, same, changed = (tmp_path / name for name in ("published", "same", "changed"))
    for folder in (published, same, changed):
        folder.mkdir()
        shutil.copy2(sample_build / "graph.trig", folder / "graph.trig")
    prepare_store(published)
    made = _files(published / STORE_DIR)
    assert made

    assert reuse_serve_store(published, same)
    prepare_store(same)  # its stamp matches by content: nothing is loaded
    assert _files(same / STORE_DIR) == made
    copied = ox.Store.read_only(str(same / STORE_DIR))
    assert len(copied) == len(ox.Store.read_only(str(published / STORE_DIR))) > 1000
    del copied

    with open(changed / "graph.trig", "a", encoding="utf-8") as trig:
        trig.write("<https://example.org/g> { <https://example.org/a> "
                   "<https://example.org/b> <https://example.org/c> . }\n")
    assert not reuse_serve_store(published, changed)
    prepare_store(changed)
    fresh = ox.Store.read_only(str(changed / STORE_DIR))
    assert ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/b"),
                   ox.NamedNode("https://example.org/c"),
                   ox.NamedNode("https://example.org/g")) in fresh
