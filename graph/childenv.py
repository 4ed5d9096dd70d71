"""The environment of a child process that runs this very package (`python -m graph.X`)."""

from __future__ import annotations

import os
from pathlib import Path


def package_environment() -> dict[str, str]:
    """This process's environment with the folder holding the `graph` package first on
    PYTHONPATH (a worktree, or a folder put on sys.path by hand, which the child would not
    search), unless it is a site-packages folder, which the child searches anyway and which
    must not come before the standard library."""
    import site

    root = Path(__file__).resolve().parent.parent
    sites = {Path(p).resolve() for p in (*site.getsitepackages(), site.getusersitepackages())}
    if root in sites:
        return dict(os.environ)
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(root) + (os.pathsep + path if path else "")}
