"""Helpers shared by tests that work on copies of a build."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path


def copy_build(src: Path, dst: Path,
               names: Sequence[str] = ("graph.trig", "inferred.trig")) -> Path:
    """`dst` with copies of the build files `names` that `src` has (by default what
    validation reads; the site tests take graph.trig and build.json). Timestamps are kept,
    so an inferred.trig stays newer than its graph.trig."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in names:
        if (src / name).exists():
            shutil.copy2(src / name, dst / name)
    return dst
