"""A rebuild's site is the published one when nothing it shows can have changed.

The site is a function of the build's graph.trig and inferred.trig, its validation.txt (the
index quotes it), the SPARQL endpoint it links to, the query pack (questions.html), and the
code and files that draw it. `site_key` hashes all of them (the whole `graph` package's code,
the templates and assets, pyvis' vis-network files, the library versions), and the site
records its key in `site/.rkg-source`; when the published site's key is the new build's, the
new generation's site is made of hard links to its files (a copy on another file system),
which takes a fraction of a second instead of re-rendering thousands of pages. Any doubt
(no key, another key, a file that cannot be linked) renders the site as before.

`rkg build` goes further: it keeps each site it draws on a shelf (`out/.sites/<key>/`) and
the generation's `site` is a relative symbolic link to it, so a rebuild whose site key is
unchanged links one name instead of tens of thousands of files (a site of 1,000 documents
has about 35,000), and removing the replaced generation no longer deletes them either.
`graph.generations` owns the shelf and removes the sites no generation links to.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from importlib import metadata
from pathlib import Path

STAMP = ".rkg-source"
PACKAGE = Path(__file__).resolve().parent.parent  # graph/


def site_key(outdir: Path, endpoint: str | None, sources: list[Path]) -> str:
    """Everything the site of the build in `outdir` depends on, hashed. `sources`: the
    graph files it reads (graph.trig, and inferred.trig when up to date)."""
    from graph.query import query_dir
    from graph.viz.site import vis_network_files

    h = hashlib.sha256()
    _add(h, f"endpoint={endpoint!r}".encode())
    for name in ("jinja2", "pyoxigraph", "pyvis", "rdflib", "markupsafe"):
        _add(h, f"{name}={_version(name)}".encode())
    for path in sources:
        _add(h, path.name.encode())
        _add_file(h, path)
    validation = outdir / "validation.txt"
    _add(h, b"validation")
    if validation.is_file():
        _add_file(h, validation)
    pack = query_dir()
    code = sorted(PACKAGE.rglob("*.py")) + sorted(
        p for folder in ("viz/templates", "viz/assets") for p in (PACKAGE / folder).rglob("*")
        if p.is_file()) + sorted(pack.glob("*.rq") if pack.is_dir() else []) + list(
        vis_network_files())
    for path in code:
        _add(h, str(path).encode())
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
    files = [p for p in site.rglob("*") if p.is_file() and p.name != STAMP]
    counts = (len(files), sum(p.stat().st_size for p in files))
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
