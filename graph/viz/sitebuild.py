"""Writing a build's site into place (`build_site`): its key, the shelf of sites drawn
before, the published site linked whole when nothing it shows changed, the manifest of its
pages. Drawing one (graph/viz/site.py `SiteWriter`: networkx, numpy, pyvis, the templates)
is imported only when a site is drawn: a rebuild with nothing changed links the published
site without those imports (0.45 s of a 2 s rebuild at 1,000 documents)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from graph.executors import usable_cores
from graph.validation import TEXT_FILE, summary_line
from graph.viz import sitecache
from graph.viz.data import source_files


@dataclass(slots=True)  # one per page: 130,000 at 10,000 documents
class PageInfo:
    path: str
    title: str
    kind: str
    bytes: int = 0


@dataclass
class SiteResult:
    site: Path
    pages: list[PageInfo] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    reused: int = 0  # files linked from the published site (same bytes)
    drawn: int | None = None  # pages rendered (None: the site was linked whole)
    doc_graphs: tuple[int, int] = (0, 0)  # read from the store, from the cache (docunits.py)

    def summary(self) -> str:
        kinds: dict[str, int] = {}
        for page in self.pages:
            kinds[page.kind] = kinds.get(page.kind, 0) + 1
        largest = max(self.pages, key=lambda p: p.bytes, default=None)
        lines = [f"Wrote {self.site}/index.html: {self.files} files, "
                 f"{self.bytes / 1e6:.1f} MB, in {self.seconds:.1f} s.",
                 *([f"  {self.reused} files unchanged, linked from the published site"]
                   if self.reused else []),
                 *([f"  {self.drawn} of {len(self.pages)} pages drawn (the others showed "
                    "the same data as the published ones)"]
                   if self.drawn is not None and self.reused and self.drawn < len(self.pages)
                   else []),
                 *([f"  document graphs: {self.doc_graphs[0]} read from the store, "
                    f"{self.doc_graphs[1]} kept from the last build"]
                   if self.doc_graphs[1] else []),
                 "  pages: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))]
        if largest is not None:
            lines.append(f"  largest page: {largest.path} ({largest.bytes / 1e3:.0f} KB)")
        return "\n".join(lines)


def vis_network_files() -> tuple[Path, Path]:
    """vis-network's script and style sheet as shipped inside the pyvis package (found, not
    imported: importing pyvis imports networkx and numpy, 0.25 s)."""
    import importlib.util

    spec = importlib.util.find_spec("pyvis")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the pyvis package is not installed")
    lib = Path(spec.origin).resolve().parent / "templates" / "lib"
    for folder in sorted(lib.glob("vis-*"), reverse=True):
        js, css = folder / "vis-network.min.js", folder / "vis-network.css"
        if js.is_file() and css.is_file():
            return js, css
    raise FileNotFoundError(f"{lib}: no vis-network files in the pyvis package")


class ValidationSource(Protocol):
    """Where the index page's validation line comes from: `key()`, what the line is a
    function of (hashed into the site's key), `begin()`, called when the site is about to
    be drawn (not when the published one is linked whole), and `line()`, the line itself
    (asked only when the index is written, last: it may wait for a validation running
    since `begin`)."""

    def key(self) -> str: ...

    def begin(self) -> None: ...

    def line(self) -> str: ...


class ValidationFile:
    """validation.txt as it is in the build folder (the key: its bytes)."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir

    def key(self) -> str:
        return "file " + sitecache.file_key(self.outdir / TEXT_FILE)

    def begin(self) -> None:
        pass

    def line(self) -> str:
        return summary_line(self.outdir)


def build_site(outdir: Path, endpoint: str | None = None, previous: Path | None = None,
               shelf: Path | None = None, cache: Path | None = None,
               jobs: int | None = None, validation: ValidationSource | None = None
               ) -> SiteResult:
    """Write `outdir/site/` from the build in `outdir` (atomically: a failure keeps the old
    site). `endpoint`: the URL of a SPARQL endpoint serving the same graph (`rkg serve`), or
    a path relative to the site root; the header of every page links to it. `previous`: the
    published build's site, linked instead of drawn again when it was drawn from the same
    inputs (graph/viz/sitecache.py); otherwise its files that come out with the same bytes
    are linked, not written again. `shelf`: a folder keeping sites by their key (`rkg
    build` passes out/.sites); `outdir/site`, which must not exist, is then a link to the
    shelved site, drawn only when the shelf does not hold it. `cache`: a folder keeping
    what a later build may reuse (each document graph's answers, docunits.py; `rkg build`
    passes out/.cache/site). `jobs`: the processes it may run at once (default: the cores
    it may use); with two or more, the query pack is answered in a process of its own beside
    the pages (graph/viz/packrun.py). `validation`: where the index's validation line comes
    from (default: `outdir/validation.txt` as it is; `rkg build` passes its validation
    child, graph/validationjob.py)."""
    started = time.perf_counter()
    beside = (jobs if jobs is not None else usable_cores()) > 1
    outdir = Path(outdir)
    final = outdir / "site"
    validation = validation or ValidationFile(outdir)
    key = sitecache.site_key(endpoint, source_files(outdir), validation.key())
    written: SiteResult | None = None  # None: the site was linked whole
    if shelf is not None:
        site = sitecache.shelved(shelf, key)
        if site is None:
            shelf.mkdir(parents=True, exist_ok=True)
            drawn, written = _draw(outdir, endpoint, previous, key, into=shelf, cache=cache,
                                   beside=beside, validation=validation)
            site = shelf / key
            drawn.rename(site)
        sitecache.link_to_shelf(site, final)
    else:
        drawn, written = _draw(outdir, endpoint, previous, key, into=outdir, cache=cache,
                               beside=beside, validation=validation)
        _swap(drawn, final)
    result = SiteResult(final, pages=manifest_pages(final))
    if written is not None:
        result.reused, result.drawn = written.reused, written.drawn
        result.doc_graphs = written.doc_graphs
    result.files, result.bytes = sitecache.counts(final) or (0, 0)
    result.seconds = time.perf_counter() - started
    return result


def _draw(outdir: Path, endpoint: str | None, previous: Path | None, key: str,
          into: Path, cache: Path | None = None, beside: bool = False,
          validation: ValidationSource | None = None) -> tuple[Path, SiteResult | None]:
    """The site of the build in `outdir`, drawn (or linked from `previous` when its key is
    this one) into a new folder under `into`, stamped; removed again on any failure. With
    it, what drawing it did (files linked from the published site, pages rendered, document
    graphs read), or None when the published site was linked whole."""
    tmp = Path(tempfile.mkdtemp(prefix=".site-", suffix=".tmp", dir=into))
    written = None
    try:
        if previous is not None and sitecache.reusable(previous, key):
            sitecache.link_tree(previous, tmp)
        else:
            from graph.viz.data import open_graph
            from graph.viz.packrun import PackBeside
            from graph.viz.site import SiteWriter

            if validation is not None:
                validation.begin()
            with PackBeside(beside) as pack, open_graph(outdir, cache, pack.start) as data:
                written = SiteWriter(data, outdir, tmp, endpoint, previous, pack,
                                     validation).build()
        sitecache.stamp(tmp, key)
        os.chmod(tmp, 0o755)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp, written


MANIFEST = "manifest.json.gz"  # gzip (no time in it): 1.8 MB became 0.25 MB at 1,000 documents
MANIFEST_COLUMNS = ("path", "kind", "bytes", "title")


def manifest_pieces(pages: list[PageInfo]) -> Iterator[str]:
    """Every page (path, kind, bytes, title) in JSON, one page a line, as rows under the
    names of their columns (at 1,000 documents 14,000 lines, 2.4 MB with the names spelled
    out in each), in pieces: at 10,000 documents, 130,000 pages, not one string."""
    yield f'{{"columns": {json.dumps(MANIFEST_COLUMNS)}, "pages": [\n'
    for n, page in enumerate(pages):
        yield (",\n" if n else "") + json.dumps([getattr(page, c) for c in MANIFEST_COLUMNS],
                                                ensure_ascii=False)
    yield "\n]}\n"


def manifest_pages(site: Path) -> list[PageInfo]:
    """The pages `manifest_pieces` wrote into the site."""
    manifest = json.loads(gzip.decompress((site / MANIFEST).read_bytes()).decode("utf-8"))
    return [PageInfo(**dict(zip(manifest["columns"], row, strict=True)))
            for row in manifest["pages"]]


def _swap(new: Path, final: Path) -> None:
    if final.exists():
        old = final.with_name(f".site-old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        final.rename(old)
        new.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(final)
