"""The Oxigraph store `rkg serve` reads: made once per build, opened read-only by the workers.

`prepare_store(outdir)` keeps `outdir/oxigraph/` holding graph.trig (and an up-to-date
inferred.trig). Its stamp records each input's size, modification time and SHA-256: when size
and time are unchanged the store is used as it is, without reading the inputs (a start takes
well under a second whatever the graph's size); when they changed, the inputs are hashed, and
only if their content changed is the store loaded again, into a temporary folder renamed into
place (a failed load leaves the last good store). `rkg build` can call it right after writing
the graph, so that the load happens once per build, in the build; `rkg serve --store DIR`
instead reads a store that a build keeps itself (`rkg build --store oxigraph:DIR`).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from graph.errors import RkgError
from graph.store import graph_file, inferred_file

STORE_DIR = "oxigraph"
STAMP_FILE = "rkg-source.json"


class ServeError(RkgError):
    """The endpoint cannot be prepared or started (the message says why)."""


def inputs(outdir: Path) -> list[Path]:
    """graph.trig, and inferred.trig when it is up to date (what `graph.store` loads)."""
    extra = inferred_file(outdir)
    return [graph_file(outdir)] + ([extra] if extra is not None else [])


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def _quick(paths: list[Path]) -> dict[str, list[int]]:
    return {path.name: [path.stat().st_size, path.stat().st_mtime_ns] for path in paths}


def _read_stamp(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def prepare_store(outdir: Path, location: Path | None = None) -> Path:
    """The store folder for the build in `outdir`, loaded if (and only if) its inputs'
    content changed since it was made."""
    target = location or outdir / STORE_DIR
    paths = inputs(outdir)
    stamp_path = target / STAMP_FILE
    stamp = _read_stamp(stamp_path)
    quick = _quick(paths)
    if stamp.get("quick") == quick:
        return target
    digests = {path.name: _sha256(path) for path in paths}
    if stamp.get("sha256") == digests:
        _write_stamp(stamp_path, quick, digests)
        return target
    _load(paths, target)
    _write_stamp(stamp_path, quick, digests)
    return target


def _write_stamp(path: Path, quick: dict[str, list[int]], digests: dict[str, str]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"quick": quick, "sha256": digests}, sort_keys=True),
                   encoding="utf-8")
    tmp.replace(path)


def _load(paths: list[Path], target: Path) -> None:
    import pyoxigraph as ox

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        store = ox.Store(str(tmp))
        for path in paths:
            try:
                store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
            except (SyntaxError, ValueError, OSError) as exc:
                raise ServeError(f"{path}: cannot load the graph into the store: {exc}"
                                 ) from exc
        store.flush()
        del store
        gc.collect()  # the RocksDB handle closes when the Store object goes
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            if old.exists():
                shutil.rmtree(old)
            target.rename(old)
        tmp.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def build_store(location: Path) -> Path:
    """A store a build keeps (`rkg build --store oxigraph:DIR`): its current generation, or
    `location` itself when it is a plain Oxigraph store folder."""
    if (location / "current.json").is_file():
        from graph.stores import OxigraphDirStore, StoreError

        try:
            current = OxigraphDirStore(location).current()
        except StoreError as exc:
            raise ServeError(str(exc)) from exc
        if current is None:
            raise ServeError(f"{location}: the store holds no committed build yet")
        return current
    if not location.is_dir():
        raise ServeError(f"{location}: no such store folder")
    with contextlib.suppress(OSError):
        if not any(location.iterdir()):
            raise ServeError(f"{location}: the store folder is empty")
    return location
