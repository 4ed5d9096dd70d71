"""A persistent Oxigraph store in a folder, updated so that a killed build loses nothing.

Layout of `DIR` (`--store oxigraph:DIR`):

    DIR/current.json    which generation is the graph, and the digest of each named graph
    DIR/current         symbolic link to that generation (for `oxigraph serve --location`)
    DIR/gen-000007/     a complete pyoxigraph (RocksDB) store: the last committed build
    DIR/.lock           held while a build writes

Why generations: a RocksDB write is atomic per transaction, but a build replaces many graphs,
and a reader must never see half of them. So a build never writes into the current generation.
It makes the next one with `Store.backup` (a RocksDB checkpoint: hard links to the immutable
table files, so copying a large store costs almost nothing), replaces or drops named graphs
there, flushes it, and only then rewrites `current.json` (a temporary file renamed over it: the
commit point). A build killed at any moment before that rename leaves `current.json` pointing
at the last complete generation; the half-written one is removed by the next build. Older
generations are removed after the commit. Readers open the generation `current.json` names,
read-only.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset
from rdflib.query import Result

from graph.generations import remove_unpinned
from graph.stores.base import Bindings, GraphPayload, Manifest, StoreError, quads_of

POINTER = "current.json"
LINK = "current"
LOCK = ".lock"
_GENERATION = re.compile(r"gen-(\d{6})")


class OxigraphDirStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.spec = f"oxigraph:{self.root}"
        self._writer: ox.Store | None = None
        self._new: Path | None = None
        self._lock: int | None = None
        self._reader: ox.Store | None = None
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root}: not a folder (oxigraph:DIR needs a folder)")

    # -- reading ---------------------------------------------------------------------------
    def _pointer(self) -> dict[str, Any] | None:
        path = self.root / POINTER
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise StoreError(f"{path}: unreadable store pointer: {exc}") from exc
        if not isinstance(data, dict) or not _GENERATION.fullmatch(str(data.get("generation"))):
            raise StoreError(f"{path}: not a refoulement-kg store pointer")
        return data

    def current(self) -> Path | None:
        """The folder of the last committed generation, if any."""
        pointer = self._pointer()
        if pointer is None:
            return None
        path = self.root / pointer["generation"]
        if not path.is_dir():
            raise StoreError(f"{self.root / POINTER}: names {path}, which does not exist")
        return path

    def manifest(self) -> Manifest | None:
        pointer = self._pointer()
        if pointer is None or not isinstance(pointer.get("graphs"), dict):
            return None
        if not (self.root / pointer["generation"]).is_dir():
            return None  # the generation was deleted by hand: load everything again
        return {str(k): str(v) for k, v in pointer["graphs"].items()}

    def _read(self) -> ox.Store:
        if self._reader is None:
            path = self.current()
            if path is None:
                raise StoreError(f"{self.root}: no graph built into this store yet "
                                 f"(run 'rkg build --store {self.spec}')")
            try:
                self._reader = ox.Store.read_only(str(path))
            except OSError as exc:
                raise StoreError(f"{path}: cannot open the Oxigraph store: {exc}") from exc
        return self._reader

    def named_graphs(self) -> set[str]:
        return {g.value for g in self._read().named_graphs() if isinstance(g, ox.NamedNode)}

    def query(self, sparql: str, bindings: Bindings | None = None) -> Result:
        return self.dataset().query(sparql, initBindings=bindings or {})

    def dataset(self) -> Dataset:
        return Dataset(store=OxigraphStore(store=self._read()), default_union=True)

    @property
    def native(self) -> ox.Store:
        """The current generation as a read-only pyoxigraph store."""
        return self._read()

    # -- writing ---------------------------------------------------------------------------
    def _writing(self, *, copy: bool) -> ox.Store:
        if self._writer is not None:
            return self._writer
        self.root.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        pointer = self._pointer()
        current = self.root / pointer["generation"] if pointer else None
        if current is not None and not current.is_dir():
            current = None
        self._remove_generations(keep=current)
        number = int(pointer["generation"][4:]) + 1 if pointer else 1
        self._new = self.root / f"gen-{number:06d}"
        try:
            if copy and current is not None:
                ox.Store.read_only(str(current)).backup(str(self._new))
            self._writer = ox.Store(str(self._new))
        except OSError as exc:
            raise StoreError(f"{self._new}: cannot create the next generation: {exc}") from exc
        return self._writer

    def replace_graph(self, graph_iri: str, ntriples: bytes) -> None:
        store = self._writing(copy=True)
        node = ox.NamedNode(graph_iri)
        if store.contains_named_graph(node):
            store.remove_graph(node)
        store.extend(quads_of([(graph_iri, ntriples)]))

    def drop_graph(self, graph_iri: str) -> None:
        store = self._writing(copy=True)
        node = ox.NamedNode(graph_iri)
        if store.contains_named_graph(node):
            store.remove_graph(node)

    def load_all(self, graphs: Iterable[GraphPayload]) -> None:
        if self._writer is not None:
            self._writer.clear()
        self._writing(copy=False).bulk_extend(quads_of(graphs))

    def commit(self, manifest: Mapping[str, str]) -> None:
        if self._writer is None or self._new is None:
            return  # nothing written: the current generation stays
        try:
            self._writer.flush()
        except OSError as exc:
            raise StoreError(f"{self._new}: cannot flush the store: {exc}") from exc
        self._writer = None  # pyoxigraph closes the database when the object goes
        new = self._new
        self._new = None
        _fsync_tree(new)
        pointer = {"generation": new.name, "graphs": dict(sorted(manifest.items()))}
        tmp = self.root / f".{POINTER}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(pointer, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.root / POINTER)  # the commit point
        _fsync_dir(self.root)
        self._point_link(new.name)
        self._reader = None
        self._remove_generations(keep=new)
        self._release_lock()

    def close(self) -> None:
        """Discard uncommitted writes (the half-built generation) and release the lock."""
        self._reader = None
        if self._writer is not None:
            self._writer = None
        if self._new is not None:
            shutil.rmtree(self._new, ignore_errors=True)
            self._new = None
        self._release_lock()

    # -- housekeeping ----------------------------------------------------------------------
    def _take_lock(self) -> None:
        if self._lock is not None:
            return
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise StoreError(f"{self.root}: another build is writing this store") from exc
        self._lock = fd

    def _release_lock(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            os.close(self._lock)
            self._lock = None

    def _remove_generations(self, keep: Path | None) -> None:
        for path in self.root.iterdir():
            if _GENERATION.fullmatch(path.name) and (keep is None or path.name != keep.name):
                remove_unpinned(path)  # kept while `rkg serve --store` reads it

    def _point_link(self, name: str) -> None:
        tmp = self.root / f".{LINK}.tmp"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(name, tmp)
        os.replace(tmp, self.root / LINK)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    """RocksDB syncs its own writes on flush; the folder entries are synced here."""
    _fsync_dir(path)
    _fsync_dir(path.parent)
