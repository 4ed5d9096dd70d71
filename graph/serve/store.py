"""The Oxigraph store `rkg serve` reads: made once per build, opened read-only by the workers.

`prepare_store(outdir)` keeps `outdir/oxigraph/` holding graph.trig (and an up-to-date
inferred.trig). Its stamp records each input's size, modification time and SHA-256: when size
and time are unchanged the store is used as it is, without reading the inputs (a start takes
well under a second whatever the graph's size); when they changed, the inputs are hashed, and
only if their content changed is the store made again, in a temporary folder renamed into
place (a failed load leaves the last good store). `rkg build` calls it right after inference,
so that the load happens once per build, in the build, and passes the published build's
store: the new one starts as a clone of it (table files hard-linked) with only the changed
named graphs patched (stamp: each graph's digest), or is that clone when nothing changed. A
fresh load goes in pieces of CHUNK_BYTES (graph/trigblocks.py) to bound the loader's memory.
`rkg serve --store DIR` instead reads a store that a build keeps itself
(`rkg build --store oxigraph:DIR`).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph import trigblocks
from graph.errors import RkgError
from graph.store import graph_file, inferred_file

STORE_DIR = "oxigraph"
STAMP_FILE = "rkg-source.json"
PART = "graph-part"  # a stamp's mark of a store of graph.trig alone (prepare_graph_part)
# TriG bytes per bulk load (about 180,000 quads): given a whole file the loader buffers a
# million quads per thread (1.0 GB at 1,000 documents); in 8 MB pieces 290 MB, for 10 % more
# CPU (4 MB: 190 MB, 25 % more). Measured in bench/README.md section 5.
CHUNK_BYTES = 8 << 20


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


def prepare_store(outdir: Path, location: Path | None = None,
                  previous: Path | None = None) -> Path:
    """The store folder for the build in `outdir`, loaded if (and only if) its inputs'
    content changed since it was made. `previous` (the published build's store, when there
    is one) is where a changed build starts from: its files are hard-linked and only the
    named graphs whose bytes changed are loaded again. A store `prepare_graph_part` left
    in the folder is where this one starts from: only inferred.trig's graphs (and graphs
    gone from the build) are then brought up to date."""
    target = location or outdir / STORE_DIR
    paths = inputs(outdir)
    stamp_path = target / STAMP_FILE
    stamp = _read_stamp(stamp_path)
    part = stamp.get(PART) is True and isinstance(stamp.get("graphs"), dict)
    quick = _quick(paths)
    if not part and stamp.get("quick") == quick:
        return target
    digests = {path.name: _sha256(path) for path in paths}
    if not part and stamp.get("sha256") == digests:
        _write_stamp(stamp_path, quick, digests, stamp.get("graphs"))
        return target
    before = _read_stamp(previous / STAMP_FILE) if previous is not None else {}
    if previous is not None and before.get("sha256") == digests:
        _replace(target, previous)  # the same bytes: the same store
        _write_stamp(stamp_path, quick, digests, before.get("graphs"))
        return target
    graphs = graph_digests(paths)
    if part and graphs is not None:
        if stamp["graphs"] != graphs:  # else it holds exactly these graphs already
            # the part's stamp holds the hashes of the published files its other graphs
            # came from (beside `previous`): a changed graph of theirs is patched
            _update(target, stamp, graphs, paths, target, published=previous)
    elif previous is not None and isinstance(before.get("graphs"), dict) and graphs is not None:
        _update(previous, before, graphs, paths, target)
    else:
        _load(paths, target, graphs is not None)
    _write_stamp(stamp_path, quick, digests, graphs)
    return target


def prepare_graph_part(outdir: Path, previous: Path | None = None) -> bool:
    """The store of graph.trig alone, made while inference writes inferred.trig (Oxigraph's
    loader lets go of the GIL: on two cores it runs beside inference's Python and HermiT's
    Java); `prepare_store` then only adds inferred.trig. From `previous` (the published
    store), graph.trig's changed graphs are brought up to date and every other graph is
    kept as it is (inferred.trig's, and graphs the build no longer has: `prepare_store`
    removes those), so its stamp records their digests and the published files' hashes.
    False, with nothing done, when graph.trig is the published one (`prepare_store` then
    clones or updates the published store) or is not cut into blocks (`prepare_store` then
    loads everything at once)."""
    target = outdir / STORE_DIR
    path = graph_file(outdir)
    before = _read_stamp(previous / STAMP_FILE) if previous is not None else {}
    digests = {path.name: _sha256(path)}
    if isinstance(before.get("sha256"), dict) and before["sha256"].get(path.name) == digests[
            path.name]:
        return False  # the published graph.trig: `prepare_store` starts from its store
    graphs = graph_digests([path])
    if graphs is None:
        return False
    old = before.get("graphs")
    if previous is not None and isinstance(old, dict) and isinstance(before.get("sha256"), dict):
        kept = {iri: digest for iri, digest in old.items() if iri not in graphs}
        _update(previous, before, {**graphs, **kept}, [path], target)
        graphs, digests = {**graphs, **kept}, {**before["sha256"], **digests}
    else:
        _load([path], target, True)
    data: dict[str, Any] = {"quick": {}, "sha256": digests, "graphs": graphs, PART: True}
    _write_json(target / STAMP_FILE, data)
    return True


def graph_digests(paths: list[Path]) -> dict[str, str] | None:
    """Each named graph's digest (of its TriG block) in `paths`; None when a file is not
    cut into blocks (graph/trigblocks.py) or a graph is in two files."""
    found: dict[str, str] = {}
    try:
        for path in paths:
            for block in trigblocks.blocks(path):
                if block.iri in found:
                    return None
                found[block.iri] = block.digest()
    except trigblocks.LayoutError:
        return None
    return found


def current_store(outdir: Path, location: Path | None = None) -> Path | None:
    """The store folder when it holds exactly the build's current files (their sizes and
    times are those it was made from), else None; nothing is loaded or hashed."""
    target = location or outdir / STORE_DIR
    paths = inputs(outdir)
    if not all(path.is_file() for path in paths):
        return None
    return target if _read_stamp(target / STAMP_FILE).get("quick") == _quick(paths) else None


def _write_stamp(path: Path, quick: dict[str, list[int]], digests: dict[str, str],
                 graphs: dict[str, str] | None) -> None:
    data: dict[str, Any] = {"quick": quick, "sha256": digests}
    if graphs is not None:
        data["graphs"] = graphs
    _write_json(path, data)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def _load(paths: list[Path], target: Path, in_blocks: bool) -> None:
    """A fresh store from `paths`: in pieces of about CHUNK_BYTES of TriG when the files
    are cut into blocks, else each file whole."""

    with _new_store(target) as store:
        for path in paths:
            if in_blocks:
                prefixes = trigblocks.prefix_lines(path)
                for chunk in trigblocks.chunks(prefixes, trigblocks.blocks(path), CHUNK_BYTES):
                    _bulk_load(store, path, chunk)
            else:
                _bulk_load(store, path, None)
        # one sorted run per column instead of a table per loaded piece: at 10,000 documents
        # 137 tables became 55 and a lookup by subject (what the site does per node) took
        # 127 µs instead of 785 µs, for 19 CPU s of compaction and 52 MB
        store.optimize()


def _update(previous: Path, before: dict[str, Any], after: dict[str, str], paths: list[Path],
            target: Path, published: Path | None = None) -> None:
    """`previous`'s store with the named graphs that differ between the digests in the
    stamp `before` (what it holds) and `after` brought up to date: a graph gone is removed;
    a changed graph is patched statement by statement when the published file it was loaded
    from is still there (`_patch`: one edited document changes a few subjects of the
    canonical graph, whose removal whole took 1 GB), else removed and loaded again. The
    published files are those beside `published` (default: `previous`)."""
    import pyoxigraph as ox

    graphs = before["graphs"]
    changed = {iri for iri, digest in after.items() if graphs.get(iri) != digest}
    gone = set(graphs) - set(after)
    with _new_store(target, previous) as store:
        for iri in sorted(gone):
            store.remove_graph(ox.NamedNode(iri))
        for path in paths:
            old = _published_blocks(published or previous, path.name, before, changed)
            prefixes = trigblocks.prefix_lines(path)
            reload: list[trigblocks.Block] = []
            for block in trigblocks.blocks(path):
                if block.iri not in changed:
                    continue
                if block.iri in old and _patch(store, old[block.iri], block, prefixes):
                    continue
                if block.iri in graphs:
                    store.remove_graph(ox.NamedNode(block.iri))
                reload.append(block)
            for chunk in trigblocks.chunks(prefixes, reload, CHUNK_BYTES):
                _bulk_load(store, path, chunk)


def _published_blocks(previous: Path, name: str, before: dict[str, Any], wanted: set[str]
                      ) -> dict[str, tuple[bytes, trigblocks.Block]]:
    """The blocks of `wanted` graphs (with the file's prefix lines) in the file `name`
    beside the published store, if it is the very file the store was loaded from."""
    path = previous.resolve().parent / name
    sha = before.get("sha256", {}).get(name)
    if not path.is_file() or sha is None or _sha256(path) != sha:
        return {}
    prefixes = trigblocks.prefix_lines(path)
    try:
        return {b.iri: (prefixes, b) for b in trigblocks.blocks(path) if b.iri in wanted}
    except trigblocks.LayoutError:
        return {}


def _patch(store: Any, old: tuple[bytes, trigblocks.Block], new: trigblocks.Block,
           prefixes: bytes) -> bool:
    """Turn graph `old` into `new` in `store` by statements: the quads of the subjects'
    statements only in the old block are removed, those only in the new one added (each
    triple is written once per graph, in one statement, so the others are untouched).
    False, with nothing done, when a changed statement has a blank node (the store names
    blank nodes afresh, so they cannot be matched)."""
    import pyoxigraph as ox

    old_prefixes, old_block = old
    before, after = _statements(old_block.text), _statements(new.text)
    kept_before, kept_after = set(before), set(after)
    removed = [s for s in before if s not in kept_after]
    added = [s for s in after if s not in kept_before]
    if any(b"_:" in s for s in (*removed, *added)):
        return False
    head = old_block.text[:old_block.text.index(b"\n") + 1]
    for quad in ox.parse(old_prefixes + head + b"".join(removed) + b"}\n",
                         format=ox.RdfFormat.TRIG, lenient=True):
        store.remove(quad)
    if added:
        head = new.text[:new.text.index(b"\n") + 1]
        store.extend(ox.parse(prefixes + head + b"".join(added) + b"}\n",
                              format=ox.RdfFormat.TRIG, lenient=True))
    return True


def _statements(block: bytes) -> list[bytes]:
    """A block's statements: each from a line indented once (the subject) to the next."""
    found: list[bytes] = []
    for line in block.splitlines(keepends=True)[1:-1]:
        if line[1:2] != b"\t" or not found:
            found.append(line)
        else:
            found[-1] += line
    return found


def _bulk_load(store: Any, path: Path, chunk: bytes | None) -> None:
    """Load `chunk` (a piece of `path`), or `path` whole when None."""
    import pyoxigraph as ox

    try:
        if chunk is None:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG, lenient=True)
        else:
            store.bulk_load(chunk, format=ox.RdfFormat.TRIG, lenient=True)
    except (SyntaxError, ValueError, OSError) as exc:
        raise ServeError(f"{path}: cannot load the graph into the store: {exc}") from exc


@contextlib.contextmanager
def _new_store(target: Path, start: Path | None = None) -> Iterator[Any]:
    """An open store in a temporary folder beside `target` (a clone of the closed store
    `start` if given), renamed into place once the block ends without error (a failed
    load leaves the last good store)."""
    import pyoxigraph as ox

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        if start is not None:
            clone(start, tmp)
        store = ox.Store(str(tmp))
        yield store
        store.flush()
        del store
        gc.collect()  # the RocksDB handle closes when the Store object goes
        (tmp / STAMP_FILE).unlink(missing_ok=True)
        _swap(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _replace(target: Path, previous: Path) -> None:
    """`target` becomes a clone of the closed store `previous`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        clone(previous, tmp)
        _swap(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _swap(tmp: Path, target: Path) -> None:
    """Rename the finished store `tmp` to `target`, replacing what was there."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def clone(store: Path, into: Path) -> None:
    """Copy the closed store `store` into the empty folder `into`: its table files (.sst,
    never written again once made) hard-linked when on the same file system, the rest
    (manifest, options, logs, which RocksDB rewrites) copied."""
    for item in store.iterdir():
        if not item.is_file():
            continue
        if item.suffix == ".sst":
            try:
                os.link(item, into / item.name)
                continue
            except OSError:  # another file system, or no hard links: copy
                pass
        shutil.copy2(item, into / item.name)


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
