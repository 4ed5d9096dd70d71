"""graph.store: a build opens on both stores; an inferred graph older than the build is left
out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.errors import NotBuiltError
from graph.store import INFERRED_FILE, dataset_from_trig, inferred_file, open_dataset

BUILD = """
<https://w3id.org/refoulement-kg/id/graph/canonical> {
  <http://example.org/a> <http://example.org/p> "x" .
}
"""
INFERRED = """
<https://w3id.org/refoulement-kg/id/graph/inferred> {
  <http://example.org/a> <http://example.org/q> "y" .
}
"""
ASK = 'ASK { <http://example.org/a> <http://example.org/q> "y" }'


def _write(path: Path, trig: str) -> None:
    dataset_from_trig(trig, "memory").serialize(path, format="trig")


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_store_opens_build_and_fresh_inferred_graph(tmp_path: Path, store: str) -> None:
    _write(tmp_path / "graph.trig", BUILD)
    _write(tmp_path / INFERRED_FILE, INFERRED)
    ds = open_dataset(tmp_path, store)
    assert ds.query('ASK { <http://example.org/a> <http://example.org/p> "x" }').askAnswer
    assert ds.query(ASK).askAnswer
    assert not open_dataset(tmp_path, store, inferred=False).query(ASK).askAnswer


def test_store_leaves_out_a_stale_inferred_graph(tmp_path: Path) -> None:
    _write(tmp_path / INFERRED_FILE, INFERRED)
    _write(tmp_path / "graph.trig", BUILD)
    old = (tmp_path / "graph.trig").stat().st_mtime_ns - 5_000_000_000
    os.utime(tmp_path / INFERRED_FILE, ns=(old, old))
    assert inferred_file(tmp_path) is None
    assert not open_dataset(tmp_path, "memory").query(ASK).askAnswer


def test_store_errors_name_the_folder(tmp_path: Path) -> None:
    with pytest.raises(NotBuiltError, match=f"{tmp_path}: no graph.trig here"):
        open_dataset(tmp_path)
    _write(tmp_path / "graph.trig", BUILD)
    with pytest.raises(ValueError, match="unknown store 'mysql'"):
        open_dataset(tmp_path, "mysql")
