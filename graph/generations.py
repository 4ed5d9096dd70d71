"""Outputs published as one generation.

A build writes everything (graph, build record, inference, validation, site) into a fresh
folder `out/.generations/gen-*`, then switches the symbolic link `out/current` to it with
one atomic rename. The names users open (`out/graph.ttl`, `out/site/` ...) are fixed links
through `current`, so a reader, a crash, a kill or a full disk at any moment sees either the
last good build complete or the new one complete, never a mix; the next build removes what
a stopped one left. The cache (`out/.cache`) is shared by the generations, and so is the
shelf of sites (`out/.sites/<key>/`, graph/viz/sitecache.py): a generation's `site` is a
link into it, and a shelved site no generation links to is removed with the generations.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.errors import EnvironmentProblem

__all__ = ["CURRENT", "OUTPUTS", "SITES", "Pin", "building", "generation_of", "new_generation",
           "publish", "remove_unpinned", "umask"]

LOCK = ".lock"

GENERATIONS = ".generations"
SITES = ".sites"  # the shelf of sites, by key
CURRENT = "current"
# Every output of a build, as users and the other commands open it: out/<name>.
OUTPUTS = ("graph.ttl", "graph.trig", "build.json", "summary.txt", "identities.json",
           "review.json", "inferred.trig", "reasoning.txt", "validation.txt", "validation.json",
           "site", "oxigraph")  # oxigraph: the store `rkg serve` reads


def umask() -> int:
    """The process umask (read without changing it for longer than a moment)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def building(out: Path) -> Iterator[None]:
    """Hold `out` for one build: a second build into the same folder is refused (it would
    remove this one's work), and what a killed build left behind is removed first."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise EnvironmentProblem(f"another build is writing to {out}: wait for it to "
                                     "end") from None
        _sweep(out)
        yield


def _sweep(out: Path) -> None:
    """Temporary files and folders of builds that were stopped (kill, power cut): the
    cache's work folders and half-written files, and unpublished generations."""
    cache = out / ".cache"
    if cache.is_dir():
        for leftover in cache.glob("build-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        for tmp in cache.rglob(".*.tmp"):
            if tmp.is_file():
                tmp.unlink(missing_ok=True)
    for aside in out.glob(".*.old-*"):
        remove_unpinned(aside)  # a folder of the old layout that a server still read
    current = os.readlink(out / CURRENT) if (out / CURRENT).is_symlink() else ""
    if (out / GENERATIONS).is_dir():
        for old in (out / GENERATIONS).iterdir():
            if Path(GENERATIONS) / old.name != Path(current):
                remove_unpinned(old)
    _tidy_sites(out)


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
            remove_unpinned(old)
    _tidy_sites(out)


def _tidy_sites(out: Path) -> None:
    """Remove the shelved sites that no remaining generation links to (replaced ones, and
    what a stopped build left on the shelf); a generation a server pins keeps its site."""
    shelf = out / SITES
    if not shelf.is_dir():
        return
    generations = out / GENERATIONS
    kept = {(g / "site").resolve() for g in generations.iterdir()
            if (g / "site").is_symlink()} if generations.is_dir() else set()
    for entry in sorted(shelf.iterdir()):
        if entry.resolve() in kept:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


class Pin:
    """A shared lock on a folder a build may remove (a generation): while it is held, builds
    leave the folder in place. Released by `release()` or when the process ends."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fd: int | None = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            # a build is removing it right now
            os.close(self._fd)
            self._fd = None
            raise FileNotFoundError(f"{folder} is being removed") from None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor releases the lock
            self._fd = None


def remove_unpinned(folder: Path) -> bool:
    """Remove `folder` unless a reader pins it (`Pin`); True when it was removed. The
    exclusive lock is held while removing, so no reader can pin it half-removed."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except NotADirectoryError:
        folder.unlink(missing_ok=True)
        return True
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        shutil.rmtree(folder, ignore_errors=True)
        return True
    except BlockingIOError:
        return False  # a running `rkg serve` reads it; a later build removes it
    finally:
        os.close(fd)


def generation_of(path: Path) -> Path | None:
    """The generation folder (`out/.generations/gen-*`) that `path` resolves into, if any."""
    real = path.resolve()
    for folder in (real, *real.parents):
        if folder.parent.name == GENERATIONS:
            return folder
    return None


def _replace_link(path: Path, target: Path) -> None:
    """`path` becomes a link to `target` in one rename; a file or folder of the old layout
    (outputs written in place, or the store the first `rkg serve` of a `--no-serve-store`
    build loaded into `out/oxigraph/`) is moved aside first, and removed unless a reader
    pins it (a running `rkg serve` pins the store folder it reads: the next build removes
    it, in `_sweep`)."""
    tmp = path.with_name(f".{path.name}.link-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target)
    if path.is_dir() and not path.is_symlink():
        aside = path.with_name(f".{path.name}.old-{os.getpid()}")
        path.rename(aside)
        os.replace(tmp, path)
        remove_unpinned(aside)
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
