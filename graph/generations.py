"""Outputs published as one generation.

A build writes everything (graph, build record, inference, validation, site) into a fresh
folder `out/.generations/gen-*`, then switches the symbolic link `out/current` to it with
one atomic rename. The names users open (`out/graph.ttl`, `out/site/` ...) are fixed links
through `current`, so a reader, a crash, a kill or a full disk at any moment sees either the
last good build complete or the new one complete, never a mix; the next build removes what
a stopped one left. The cache (`out/.cache`) is shared by the generations.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["CURRENT", "OUTPUTS", "new_generation", "publish", "umask"]

GENERATIONS = ".generations"
CURRENT = "current"
# Every output of a build, as users and the other commands open it: out/<name>.
OUTPUTS = ("graph.ttl", "graph.trig", "build.json", "summary.txt", "identities.json",
           "review.json", "inferred.trig", "reasoning.txt", "validation.txt", "validation.json",
           "site")


def umask() -> int:
    """The process umask (read without changing it for longer than a moment)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_generation(out: Path) -> Path:
    """A fresh, empty generation folder under `out`, with the user's permissions."""
    folder = out / GENERATIONS
    folder.mkdir(parents=True, exist_ok=True)
    generation = Path(tempfile.mkdtemp(prefix="gen-", dir=folder))
    os.chmod(generation, 0o777 & ~umask())
    return generation


def publish(out: Path, generation: Path) -> None:
    """Make `generation` the current build of `out`: one atomic switch, then tidy up."""
    _sync_folder(generation)
    _replace_link(out / CURRENT, Path(GENERATIONS) / generation.name)
    for name in OUTPUTS:
        path = out / name
        if (generation / name).exists():
            if not (path.is_symlink() and os.readlink(path) == f"{CURRENT}/{name}"):
                _replace_link(path, Path(CURRENT) / name)
        elif path.is_symlink():
            path.unlink()  # not made by this build (--no-reason, --no-site)
    for old in (out / GENERATIONS).iterdir():
        if old.name != generation.name:
            shutil.rmtree(old, ignore_errors=True)


def _replace_link(path: Path, target: Path) -> None:
    """`path` becomes a link to `target` in one rename; a file or folder of the old layout
    (outputs written in place) is moved aside first."""
    tmp = path.with_name(f".{path.name}.link-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target)
    if path.is_dir() and not path.is_symlink():
        aside = path.with_name(f".{path.name}.old-{os.getpid()}")
        path.rename(aside)
        os.replace(tmp, path)
        shutil.rmtree(aside, ignore_errors=True)
    else:
        os.replace(tmp, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries, so the switch survives a power cut in order."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
