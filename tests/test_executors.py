"""Extraction on a Dask cluster (a LocalCluster of two worker processes, started here) gives
the same bytes as a local build: outputs and caches; bad executor specs are clean errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.builder import build_graph
from graph.errors import InputError
from graph.executors import check_executor

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster:
        yield cluster.scheduler_address


LOCAL_STAMPS = ("summary.txt",)  # wall time


def _tree(out: Path) -> dict[str, bytes]:
    """Every file of a build (outputs and caches), except what records when it ran."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in LOCAL_STAMPS}


@pytest.mark.slow
def test_executors_dask_build_is_byte_identical(scheduler: str, sample_build: Path,
                                                tmp_path: Path) -> None:
    out = tmp_path / "dask"
    result = build_graph(CORPUS, out, executor="dask://" + scheduler.removeprefix("tcp://"))
    assert result.reused == 0 and len(result.documents) == 5
    local = _tree(sample_build)
    remote = _tree(out)
    assert set(remote) == set(local)
    assert remote == local
    assert any(name.startswith(".cache/facts/") for name in remote)


def test_executors_refuse_bad_specs(tmp_path: Path) -> None:
    for spec in ("ray://x:1", "dask://", "dask", "celery"):
        with pytest.raises(InputError, match="--executor"):
            check_executor(spec)
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        build_graph(CORPUS, tmp_path / "out", executor="dask://127.0.0.1:9")
