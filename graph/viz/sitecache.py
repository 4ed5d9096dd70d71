"""A rebuild's site is the published one when nothing it shows can have changed.

The site is a function of the build's graph.trig and inferred.trig, its SHACL verdict (the
index quotes validation.txt's first line: `rkg build` hashes what the report is a function
of, graph/validationjob.py, so that the site need not wait for it), the SPARQL endpoint it
links to, the query pack (questions.html), and the code and files that draw it. `site_key`
hashes all of them (the whole `graph` package's code, the templates and assets, pyvis'
vis-network files, the library versions), and the site records its key in `site/.rkg-source`;
when the published site's key is the new build's, the new generation's site is made of hard
links to its files (a copy on another file system), which takes a fraction of a second
instead of re-rendering thousands of pages. Any doubt (no key, another key, a file that
cannot be linked) renders the site as before.

`rkg build` goes further: it keeps each site it draws on a shelf (`out/.sites/<key>/`) and
the generation's `site` is a relative symbolic link to it, so a rebuild whose site key is
unchanged links one name instead of tens of thousands of files (a site of 1,000 documents
has about 35,000), and removing the replaced generation no longer deletes them either.
`graph.generations` owns the shelf and removes the sites no generation links to.

When the key changed (a document was edited), the site is drawn again, but a page is drawn
only when what it shows changed: every file of a site has a key in `site/.rkg-pages`
(`PageKeys`), either the hash of the data its template was given (a page: it is linked from
the published site, not rendered, when the new data hash the same and the code that renders
them is the same) or the hash of its bytes (a data file: linked when the new bytes hash the
same, without reading the old file). The layouts of the summary's drill-downs are keyed by
their members and links, and taken from the published file when those are the same.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import stat
import zlib
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from importlib import metadata
from itertools import chain
from pathlib import Path
from typing import Any

STAMP = ".rkg-source"
KEYS = ".rkg-pages"  # every file's key (PageKeys), gzipped
PACKAGE = Path(__file__).resolve().parent.parent  # graph/


def site_key(endpoint: str | None, sources: list[Path], validation: str) -> str:
    """Everything a build's site depends on, hashed. `sources`: the graph files it reads
    (graph.trig, and inferred.trig when up to date); `validation`: what the validation line
    of its index is a function of (graph/viz/site.py, `ValidationSource.key`)."""
    h = hashlib.sha256()
    _add(h, f"endpoint={endpoint!r}".encode())
    _add(h, code_key().encode())
    for path in sources:
        _add(h, path.name.encode())
        _add_file(h, path)
    _add(h, b"validation")
    _add(h, validation.encode())
    return h.hexdigest()


def file_key(path: Path) -> str:
    """The hash of a file's bytes, or "none" when there is no such file."""
    if not path.is_file():
        return "none"
    h = hashlib.sha256()
    _add_file(h, path)
    return h.hexdigest()


def code_key() -> str:
    """The code, templates, assets, query pack and library versions that draw a site."""
    from graph.query import query_dir
    from graph.viz.sitebuild import vis_network_files

    h = hashlib.sha256()
    for name in ("jinja2", "pyoxigraph", "pyvis", "rdflib", "markupsafe"):
        _add(h, f"{name}={_version(name)}".encode())
    pack = query_dir()
    vis = vis_network_files()
    # each file named by its path under its own folder, not where the tree is installed: a
    # checkout elsewhere (another worktree, a copied build) draws the same site
    code = [(PACKAGE, path) for path in sorted(PACKAGE.rglob("*.py"))] + [
        (PACKAGE, p) for p in sorted(p for folder in ("viz/templates", "viz/assets")
                                     for p in (PACKAGE / folder).rglob("*") if p.is_file())] + [
        (pack, p) for p in sorted(pack.glob("*.rq") if pack.is_dir() else [])] + [
        (path.parent.parent, path) for path in vis]
    for root, path in code:
        _add(h, path.relative_to(root).as_posix().encode())
        _add_file(h, path)
    return h.hexdigest()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def _add(h: hashlib._Hash, part: bytes) -> None:
    h.update(len(part).to_bytes(8, "big"))
    h.update(part)


def _add_file(h: hashlib._Hash, path: Path) -> None:
    inner = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            inner.update(block)
    _add(h, inner.digest())


def reusable(previous: Path | None, key: str) -> bool:
    """Whether the site folder `previous` was drawn from inputs with this key."""
    return previous is not None and _stamp(previous)[:1] == [key]


def stamp(site: Path, key: str) -> tuple[int, int]:
    """Write the site's key, with its number of files and their bytes (the stamp left out),
    so that a site taken from the shelf is summarised without walking it."""
    files = sizes = 0  # os.walk, not Path.rglob: a third of the time over 35,000 files
    for folder, _dirs, names in os.walk(site):
        for name in names:
            found = os.stat(os.path.join(folder, name))
            if stat.S_ISREG(found.st_mode) and name not in (STAMP, KEYS):
                files, sizes = files + 1, sizes + found.st_size
    counts = (files, sizes)
    (site / STAMP).write_text(f"{key}\n{counts[0]} {counts[1]}\n", encoding="utf-8")
    return counts


def counts(site: Path) -> tuple[int, int] | None:
    """The number of files and bytes that `stamp` recorded (None for an older stamp)."""
    lines = _stamp(site)
    numbers = lines[1].split() if len(lines) > 1 else []
    if len(numbers) != 2 or not all(n.isdigit() for n in numbers):
        return None
    return int(numbers[0]), int(numbers[1])


def _stamp(site: Path) -> list[str]:
    try:
        return (site / STAMP).read_text(encoding="utf-8").split("\n")
    except OSError:
        return []


def shelved(shelf: Path, key: str) -> Path | None:
    """The site drawn from inputs with this key, if the shelf holds it whole (a site is
    put on the shelf by one rename once it is complete and stamped)."""
    site = shelf / key
    return site if reusable(site, key) and counts(site) is not None else None


def link_to_shelf(site: Path, final: Path) -> None:
    """`final` (which must not exist) becomes a relative symbolic link to the shelved
    `site`, so the output folder can be moved whole."""
    final.symlink_to(os.path.relpath(site, final.parent), target_is_directory=True)


def link_tree(source: Path, target: Path) -> None:
    """`target` (which must not exist) with `source`'s folders and hard links to its files
    (copies where linking fails). The site's files are never written again once made: a
    build renders a new site into a new folder."""
    for folder, dirs, files in os.walk(source):
        here = Path(folder)
        into = target / here.relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        os.chmod(into, here.stat().st_mode & 0o777)
        dirs.sort()
        for name in sorted(files):
            try:
                os.link(here / name, into / name)
            except OSError:
                shutil.copy2(here / name, into / name)


class PageKeys:
    """The key of every file of a site being drawn, and those of the published site.

    A page's key is "i" and the hash of the data its template is given (`data_key`), valid
    only with the same code (the file records `code_key`); so is a layout's (its nodes and
    links, under the path of its file + "#layout"); a data file's is "c" and the hash of its
    bytes (`content_key`), valid whatever the code."""

    def __init__(self, previous: Path | None) -> None:
        self.code = code_key()
        self.old: dict[str, str] = {}
        self.new: dict[str, str] = {}
        if previous is not None:
            self.old = _read_keys(previous, self.code)

    def same(self, path: str, key: str) -> bool:
        """Record `key` for `path`; whether the published site had the same one."""
        self.new[path] = key
        return self.old.get(path) == key

    def write(self, site: Path) -> None:
        (site / KEYS).write_bytes(gzipped(chain([f"{self.code}\n"], (
            f"{self.new[path]} {path}\n" for path in sorted(self.new)))))


def gzipped(pieces: Iterable[str]) -> bytes:
    """The text of `pieces` (UTF-8) gzipped, without a time: the bytes of
    `gzip.compress(text, 9, mtime=0)`, compressed as the pieces come (not one string of
    the keys of a site's 300,000 files at 10,000 documents, then its bytes)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    out = [packer.compress(piece.encode("utf-8")) for piece in pieces]
    out.append(packer.flush())
    return b"".join(out)


def _read_keys(site: Path, code: str) -> dict[str, str]:
    """A site's keys; its pages' only when it was drawn by the same code."""
    try:
        text = gzip.decompress((site / KEYS).read_bytes()).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError):
        return {}
    first, _sep, rest = text.partition("\n")
    keys = {}
    for line in rest.splitlines():
        key, _sep, path = line.partition(" ")
        if key.startswith("c") or first == code:
            keys[path] = key
    return keys


def content_key(data: bytes) -> str:
    return hashed_key(hashlib.sha256(data))


def hashed_key(h: hashlib._Hash) -> str:
    """`content_key` of the bytes `h` was given (a file hashed as it is written)."""
    return "c" + h.hexdigest()[:16]


def data_key(*parts: Any) -> str | None:
    """The hash of what a template is given (dataclasses by their fields, sets sorted), or
    None when it holds something this cannot spell out (the page is then drawn)."""
    try:
        text = json.dumps(parts, default=_plain, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    return "i" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    kind = type(value)
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = (kind.__name__, *(f.name for f in fields(value)))
    if names is not None:
        return [names[0], *(getattr(value, name) for name in names[1:])]
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"no plain form for {type(value).__name__}")
