"""Shared fixtures: the sample corpus built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED_GOLD = ROOT / "tests" / "fixtures" / "gold"
EXTRA_CORPUS = ROOT / "tests" / "fixtures" / "extra" / "corpus"
EXTRA_GOLD = ROOT / "tests" / "fixtures" / "extra" / "gold"
DEV_CORPUS = ROOT / "tests" / "fixtures" / "dev" / "corpus"
DEV_GOLD = ROOT / "tests" / "fixtures" / "dev" / "gold"


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample corpus, built once: the output folder (graph.trig, graph.ttl ...)."""
    from graph.builder import build_graph

    out = tmp_path_factory.mktemp("sample-build")
    build_graph(CORPUS, out)
    return out


@pytest.fixture(scope="session")
def extra_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The second, independently annotated fixture set, built once."""
    from graph.builder import build_graph

    out = tmp_path_factory.mktemp("extra-build")
    build_graph(EXTRA_CORPUS, out)
    return out


@pytest.fixture(scope="session")
def dev_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 30-article development set (real articles, tests/fixtures/dev), built once."""
    from graph.builder import build_graph

    out = tmp_path_factory.mktemp("dev-build")
    build_graph(DEV_CORPUS, out)
    return out
