"""Shared, loaded-once resources for the pipeline components."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from graph.registry import Registry, load_registry


@lru_cache(maxsize=4)
def registry_for(reference_dir: str) -> Registry:
    """The registry at `reference_dir` ('' = the bundled one), loaded once per process."""
    return load_registry(Path(reference_dir) if reference_dir else None)
