"""Helpers shared by tests that work on copies of a build."""

from __future__ import annotations

import shutil
from pathlib import Path


def copy_build(src: Path, dst: Path) -> Path:
    """`dst` with copies of the build files validation reads (graph.trig, inferred.trig)."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("graph.trig", "inferred.trig"):
        if (src / name).exists():
            shutil.copy2(src / name, dst / name)
    return dst
