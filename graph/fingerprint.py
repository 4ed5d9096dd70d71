"""Fingerprints of the code and data that produce a cached artefact.

A cache is valid only while everything that made it is unchanged. Rather than a hand-kept
version number (which nobody remembers to bump), a cache key hashes the source of every
module of this package that the producing entry points import, followed transitively through
their `graph.*` imports, every data file that sits beside those modules, and everything under
`graph/lexicons/` (where word lists and frame tables belong). Adding a module, editing a word
list or changing one line of an extractor therefore changes the key by itself.
"""

from __future__ import annotations

import ast
import hashlib
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

PACKAGE = "graph"
# Files beside the modules that are data, not code: lexicons, frame tables, patterns.
DATA_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".tsv", ".csv", ".txt"})
# The folder of the package where language data files (word lists, frames) live; it is part
# of every code fingerprint, whichever module reads it.
LEXICON_DIR = "lexicons"


def _module_file(name: str) -> Path | None:
    """The source file of module `name` of this package, found on disk without importing it
    (importing would run spaCy and friends; a name that is an attribute, not a module, has no
    file)."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = _package_dir().joinpath(*parts[1:])
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(path: Path, module: str) -> set[str]:
    """Absolute names of the `graph.*` modules that `module` (at `path`) imports, including
    imports inside functions (the lazy ones count too: they run when the module is used)."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    is_package = path.name == "__init__.py"
    base = module.split(".") if is_package else module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parent = ".".join(base[: len(base) - node.level + 1])
                stem = f"{parent}.{node.module}" if node.module else parent
            else:
                stem = node.module or ""
            names.add(stem)
            # `from graph.nlp import lexicon` imports a module named by the alias.
            names.update(f"{stem}.{alias.name}" for alias in node.names)
    return {n for n in names if n == PACKAGE or n.startswith(PACKAGE + ".")}


def module_closure(roots: Iterable[str]) -> tuple[Path, ...]:
    """Every source file of this package reachable from `roots` through imports, sorted.

    Parent packages' `__init__` files are included (they run first) but their own imports are
    not followed: the package root re-exports a public API that has nothing to do with, say,
    extraction, and following it would tie every cache to every module. Nor is the root's
    when a module names it (`from graph import iris`): until December 2026 that tied the
    graph files' key to the whole package, so any edit (to the site, say) rebuilt every
    document's graph files."""
    files: dict[str, Path] = {}
    followed: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in followed:
            continue
        path = _module_file(name)
        if path is None:
            continue
        followed.add(name)
        files[name] = path
        parts = name.split(".")
        for i in range(1, len(parts)):
            parent = ".".join(parts[:i])
            parent_file = _module_file(parent)
            if parent_file is not None:
                files.setdefault(parent, parent_file)
        if name != PACKAGE:  # `from graph import iris` names the root: its file counts,
            # but its re-exports of the whole public API are not what the importer uses
            pending.extend(_imported_names(path, name) - followed)
    return tuple(sorted(set(files.values())))


def data_files(modules: Iterable[Path]) -> tuple[Path, ...]:
    """Data files beside the given modules, and every file under the package's lexicons."""
    beside = {f for m in modules for f in m.parent.iterdir() if f.suffix in DATA_SUFFIXES}
    lexicons = _package_dir() / LEXICON_DIR
    under = set(lexicons.rglob("*")) if lexicons.is_dir() else set()
    return tuple(sorted(f for f in beside | under
                        if f.is_file() and "__pycache__" not in f.parts))


@lru_cache(maxsize=8)
def code_fingerprint(roots: tuple[str, ...]) -> str:
    """SHA-256 over the path (relative to the package) and bytes of each module reachable from
    `roots` and each data file beside them.

    Following the imports parses every module (about a second, on every build): the answer is
    kept under `$RKG_CACHE_DIR` (default ~/.cache/refoulement-kg/fingerprints), named by the
    hash of `roots` and of the path and bytes of every source and data file of the package,
    which is all the answer depends on (hashing them takes milliseconds). An unwritable cache
    is simply not used."""
    path = _fingerprint_cache() / f"{_package_state(roots)}.txt"
    try:
        return path.read_text(encoding="ascii").strip()
    except OSError:
        pass
    found = _code_fingerprint(roots)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(found + "\n", encoding="ascii")
        os.replace(tmp, path)
    except OSError:
        pass
    return found


def _fingerprint_cache() -> Path:
    env = os.environ.get("RKG_CACHE_DIR")
    base = Path(env) if env else Path.home() / ".cache" / "refoulement-kg"
    return base / "fingerprints"


def _package_state(roots: tuple[str, ...]) -> str:
    """Hash of `roots` and every source and data file of the package (paths and bytes)."""
    package_dir = _package_dir()
    h = hashlib.sha256("\0".join(roots).encode() + b"\0\0")
    for path in sorted(package_dir.rglob("*")):
        if (path.suffix in DATA_SUFFIXES or path.suffix == ".py") and path.is_file() \
                and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(package_dir)).encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:40]


def _code_fingerprint(roots: tuple[str, ...]) -> str:
    modules = module_closure(roots)
    package_dir = _package_dir()
    h = hashlib.sha256()
    for path in (*modules, *data_files(modules)):
        h.update(str(path.relative_to(package_dir)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


@lru_cache(maxsize=1)
def _package_dir() -> Path:
    return Path(__file__).resolve().parent
