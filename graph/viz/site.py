"""`build_site(outdir)`: the offline HTML site of a build, in `outdir/site/`.

Pages (docs/site.md): index.html (a summary that links onward), graph.html (the whole graph
summarised by type, community or year, with drill-down), explore.html (the explorer, from any
node), advocacy.html, map.html, timeline.html with one page per year, questions.html (the
competency tables), browse/ (every page of a kind, paged), and one page per thing a user may
look up, named by a readable slug: actors/, people/, places/, treaties/, resolutions/, laws/,
returns/, events/, docs/. A search box on every page searches a MiniSearch index built here.

No page embeds data that grows with the corpus: lists are cut at a fixed length, the explorer
loads one node's neighbourhood at a time from data/n/, the summary's drill-downs from data/s/,
the map its (aggregated) arrows from data/map.js and the search box its index from
assets/search-index.js, all on demand. Every script and style sheet is a file in site/assets/
(vis-network from the pyvis package; MiniSearch, topojson-client and the Natural Earth basemap
from npm, under assets/vendor/): the site loads nothing from the network.

Safety: Jinja autoescapes every template; data for scripts is JSON with '<', '>' and '&'
escaped, read with JSON.parse or as a script literal and put in place with textContent;
tooltips are plain strings. The same graph gives a byte-identical site.
"""

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
from typing import Any, Protocol

import jinja2
from markupsafe import Markup

from graph.counts import asserted_triples, count_store
from graph.executors import usable_cores
from graph.iris import DATA
from graph.validation import TEXT_FILE, summary_line
from graph.viz import competency, search, sitecache
from graph.viz.data import GraphData, Node, open_graph, source_files
from graph.viz.details import doc_path
from graph.viz.explorer import PREFIX, TOP_MAX, Explorer, legend
from graph.viz.geo import map_data
from graph.viz.network import vis_options
from graph.viz.packrun import PackBeside
from graph.viz.pages import Cut, PageFacts
from graph.viz.records import quotes_from
from graph.viz.segments import segments
from graph.viz.sitecache import data_key
from graph.viz.sitefiles import SiteFiles
from graph.viz.slugs import FOLDERS, assign
from graph.viz.styles import GROUP_BY_KEY, GROUPS, STANCE_COLORS
from graph.viz.timeline import timeline
from graph.viz.views import Views

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"
BROWSE_PAGE = 200  # entries per browse page
YEAR_PAGE = 300  # timeline items per page
LATEST = 12
EXPLORER_NODES = 100  # the explorer's default options are vis_options(EXPLORER_NODES)
FOLDER_TITLES = {"actors": "Actors (states, UN bodies, NGOs, institutions, agencies, media)",
                 "people": "People", "places": "Places", "treaties": "Treaties",
                 "resolutions": "Resolutions", "laws": "Legal norms and domestic laws",
                 "returns": "Forced returns", "events": "Other events and statements",
                 "docs": "Source documents"}


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
    """vis-network's script and style sheet as shipped inside the pyvis package."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib"
    for folder in sorted(lib.glob("vis-*"), reverse=True):
        js, css = folder / "vis-network.min.js", folder / "vis-network.css"
        if js.is_file() and css.is_file():
            return js, css
    raise FileNotFoundError(f"{lib}: no vis-network files in the pyvis package")


def script_json(value: Any) -> Markup:
    """JSON safe inside <script>: no '<', '>' or '&' survives, nor a line separator."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(_escape(text))


def _escape(text: str) -> str:
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def data_script(key: str, value: Any) -> str:
    """A data file the explorer loads with a <script> tag (works from file://)."""
    return f"rkgData({script_json(key)},{script_json(value)});\n"


def safe_url(url: str) -> str:
    """Only http(s) links leave the site; anything else (javascript:, data:) is dropped."""
    return url if url.lower().startswith(("http://", "https://")) else ""


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["script_json"] = script_json
    env.filters["safe_url"] = safe_url
    return env


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


class SiteWriter:
    def __init__(self, data: GraphData, outdir: Path, target: Path,
                 endpoint: str | None = None, previous: Path | None = None,
                 pack: PackBeside | None = None,
                 validation: ValidationSource | None = None) -> None:
        self.data = data
        self.validation = validation or ValidationFile(outdir)
        self.pack = pack  # the query pack's answers, when a process of their own asks them
        self.files = SiteFiles(target, previous)  # written, or linked from the published site
        self.endpoint = endpoint
        self.outdir = outdir
        self.target = target
        self.env = environment()
        self.views = Views(data)
        self.shown = self.views.whole.nodes
        self.slugs, self.pages = assign(data, self.shown)
        self.explorer = Explorer(data, self.views.whole, self.slugs, self.pages)
        # the explorer's links hold the edges now: the graph's and the whole view's go
        data.edges.clear()
        self.views.whole.edges.clear()
        self.facts = PageFacts(data, self.shown, self.pages)
        data.close_store()  # read again only for the competency tables and the index
        self._by_doc = quotes_by_doc(data)
        self.advocacy_notes: list[str] = []
        self.result = SiteResult(target)
        self.drawn = 0  # pages rendered

    # -- writing ---------------------------------------------------------------------------
    def write(self, path: str, template: str, kind: str, sitewide: bool = False,
              **context: Any) -> None:
        """Render a page, unless the published site holds it drawn from the same data (its
        key, sitecache.PageKeys): then that file is linked instead. `sitewide`: a page of
        the whole graph, which changes with any document: drawn without hashing its data."""
        title = str(context.get("title", path))
        key = None if sitewide else data_key(template, path, context)
        size = self.files.published_page(path, key) if key is not None else None
        if size is not None:
            self.result.pages.append(PageInfo(path, title, kind, bytes=size))
            return
        root = "../" * path.count("/")
        html = self.env.get_template(template).render(
            root=root, path=path, **context).encode("utf-8")
        self.drawn += 1
        self.files.save_bytes(path, html, keyed=key is not None)
        self.result.pages.append(PageInfo(path, title, kind, bytes=len(html)))

    def _save(self, path: str, text: str) -> None:
        self.files.save_bytes(path, text.encode("utf-8"))

    def link(self, iri: str) -> str:
        return self.pages.get(iri, "")

    def copy_assets(self) -> None:
        assets = self.target / "assets"
        assets.mkdir(parents=True, exist_ok=True)
        js, css = vis_network_files()
        shutil.copyfile(js, assets / "vis-network.min.js")
        shutil.copyfile(css, assets / "vis-network.css")
        for item in sorted(ASSETS.iterdir()):
            if item.is_file() and item.suffix in (".js", ".css"):
                shutil.copyfile(item, assets / item.name)
        vendor = ASSETS / "vendor"
        for item in sorted(vendor.rglob("*")):
            if item.is_file() and item.suffix != ".json":
                dest = assets / "vendor" / item.relative_to(vendor)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(item, dest)
        # the legend and the explorer's default options, shared by every page with a graph
        (assets / "graph-config.js").write_text(
            f"window.RKG_LEGEND = {script_json(legend())};\n"
            f"window.RKG_OPTIONS = {script_json(vis_options(EXPLORER_NODES))};\n"
            f"window.RKG_PREFIXES = {script_json({PREFIX[:-1]: DATA})};\n",
            encoding="utf-8")
        # the hook for `rkg serve` (docs/site.md): the header links to this endpoint
        (assets / "endpoint.js").write_text(
            f"window.RKG_ENDPOINT = {script_json(self.endpoint)};\n", encoding="utf-8")
        # the basemap as a script (a page from file:// cannot fetch a .json file)
        world = (vendor / "world-atlas" / "countries-50m.json").read_text(encoding="utf-8")
        (assets / "vendor" / "world-atlas" / "countries-50m.js").write_text(
            "window.RKG_WORLD = " + world.strip() + ";\n", encoding="utf-8")

    # -- data files ------------------------------------------------------------------------
    def write_data(self) -> None:
        for iri in self.shown:
            slug = self.slugs[iri]
            self._save(f"data/n/{slug}.js", data_script("n/" + slug,
                                                         self.explorer.fragment(iri)))
        for mode, groups in self.explorer.aggregates().items():
            for key, members in groups.items():
                path = f"data/s/{mode}-{key}.js"
                self._save(path, data_script(f"s/{mode}-{key}", self.explorer.drill(
                    members[:400], layout=self.files.layout(path))))
        self._save("data/s/top.js", data_script("s/top", self.explorer.drill(
            self.explorer.top(), layout=self.files.layout("data/s/top.js"))))
        self._save("data/s/advocacy.js", data_script("s/advocacy", self._advocacy()))
        events = [i for i in self.shown if self.data.nodes[i].group == "forced-return"]
        self._save("data/map.js", data_script("map", map_data(self.data, events,
                                                              self.pages)))
        entries = search.entries(self.data, self.pages)
        # written in pieces (search.compact_json, deflated): at 10,000 documents the JSON is
        # tens of MB, and a string of it and its bytes as much again
        self.files.save_pieces("assets/search-index.js", [
            ['window.RKG_SEARCH = {"options":', str(script_json(search.options())),
             ',"deflated":"'], search.deflated(search.compact_json(entries)), ['"};\n']])

    def _advocacy(self) -> dict[str, Any]:
        view = self.views.advocacy()
        self.advocacy_notes = view.notes
        return self.explorer.drill([i for i in view.nodes if i in self.slugs], view.edges,
                                   layout=self.files.layout("data/s/advocacy.js"))

    # -- pages -----------------------------------------------------------------------------
    def build(self) -> SiteResult:
        self.copy_assets()
        self.write_data()
        summary = self.explorer.summary()
        self.write("graph.html", "summary.html", "summary", title="The whole graph, summarised",
                   payload={"summary": summary, "options": vis_options(40),
                            "top": min(TOP_MAX, len(self.shown))})
        self.write("explore.html", "explore.html", "explorer", title="Explorer",
                   payload={"start": self.slugs.get(self._default_start(), "")})
        self.write("advocacy.html", "explore.html", "advocacy",
                   title="Advocacy network: who urged, called on, condemned or welcomed whom",
                   payload={"drill": "s/advocacy", "stances": STANCE_COLORS},
                   notes=self.advocacy_notes)
        self.write("map.html", "map.html", "map", title="Map of forced returns")
        # what only the data files and the views above read goes before the pages: the
        # explorer's links of every node (about 120 MB at 10,000 documents) and the views
        del self.explorer, self.views
        for iri, path in sorted(self.pages.items()):
            self.entity_page(iri, path)
        del self.facts, self._by_doc  # the pages' indexes, before the competency tables
        self.write_timeline()
        self.write_browse()
        self.data.drop_page_details()
        answers = self.pack.answers() if self.pack is not None else None
        tables = competency.pack_tables(self.data, self.link, answers) or competency.Answers(
            self.data, self.link).tables()
        self.write("questions.html", "questions.html", "questions", sitewide=True,
                   title="Competency questions", tables=tables)
        self.write("index.html", "index.html", "index", sitewide=True, title="Index",
                   **self._index(tables))
        self.files.save_bytes(MANIFEST, sitecache.gzipped(manifest_pieces(self.result.pages)))
        self.files.keys.write(self.target)
        self.result.drawn, self.result.reused = self.drawn, self.files.reused
        self.result.doc_graphs = self.data.doc_graphs
        return self.result

    def _default_start(self) -> str:
        returns = [i for i in self.shown if self.data.nodes[i].group == "forced-return"]
        pool = returns or self.shown
        return max(pool, key=lambda i: (self.explorer.degree[i], i)) if pool else ""

    def entity_page(self, iri: str, path: str) -> None:
        node = self.data.nodes[iri]
        root = "../" * path.count("/")
        ctx = self.facts.context(node, root)
        explore = {"start": self.slugs[iri], "embedded": True}
        if node.group == "document":
            self.write(path, "document.html", "document", title=node.label, ctx=ctx,
                       payload=explore, **self._document(iri, root))
        else:
            self.write(path, "entity.html", FOLDERS[node.group], title=node.label, ctx=ctx,
                       payload=explore)

    def _document(self, iri: str, root: str) -> dict[str, Any]:
        doc = self.data.documents[iri]
        marks: list[tuple[int, int, str, str]] = []
        facts = []
        for node in self._by_doc.get(iri, []):
            claims = quotes_from(node.claims, iri)
            mentions = quotes_from(node.mentions, iri)
            for quote in claims:
                marks.append((quote.start, quote.end, "fact", quote.mention))
            for quote in mentions:
                marks.append((quote.start, quote.end, "entity", quote.mention))
            if claims and node.id in self.slugs:
                href = self.pages.get(node.id)
                facts.append((min(q.start for q in claims), node.label,
                              GROUP_BY_KEY[node.group].label, root + href if href else ""))
        facts.sort()
        creator = None
        if doc.creator:
            href = self.pages.get(doc.creator)
            creator = (self.data.label(doc.creator), root + href if href else "")
        return {"doc": doc, "segments": segments(doc.text, marks),
                "facts": [(label, kind, href) for _s, label, kind, href in facts],
                "creator": creator}

    def write_timeline(self) -> None:
        line = timeline(self.data, self.shown, self.pages)
        chunks: list[tuple[str, str, list[Any]]] = []  # (year, path, items)
        for year in line.years:
            for n, start in enumerate(range(0, len(year.items), YEAR_PAGE)):
                suffix = f"-{n + 1}" if n else ""
                chunks.append((year.year, f"timeline/{year.year}{suffix}.html",
                               year.items[start:start + YEAR_PAGE]))
        for n, start in enumerate(range(0, len(line.undated), YEAR_PAGE)):
            chunks.append(("undated", f"timeline/undated{f'-{n + 1}' if n else ''}.html",
                           line.undated[start:start + YEAR_PAGE]))
        pages_of: dict[str, list[str]] = {}
        for key, path, _items in chunks:
            pages_of.setdefault(key, []).append(path)
        for key, path, items in chunks:
            self.write(path, "timeline_year.html", "timeline", title=f"Timeline: {key}",
                       groups=line.groups, shown=line.shown_by_default, year=key, items=items,
                       siblings=pages_of[key])
        self.write("timeline.html", "timeline.html", "timeline", title="Timeline",
                   sitewide=True, timeline=line, pages_of=pages_of)

    def write_browse(self) -> None:
        by_folder: dict[str, list[str]] = {}
        for iri, path in self.pages.items():
            by_folder.setdefault(path.split("/", 1)[0], []).append(iri)
        self.folders = []
        for folder, members in sorted(by_folder.items()):
            members.sort(key=lambda i: (self.data.label(i).lower(), i))
            paths = [f"browse/{folder}{f'-{n + 1}' if n else ''}.html"
                     for n in range(0, (len(members) + BROWSE_PAGE - 1) // BROWSE_PAGE)]
            for n, path in enumerate(paths):
                chunk = members[n * BROWSE_PAGE:(n + 1) * BROWSE_PAGE]
                rows = [(self.data.label(i), "../" + self.pages[i],
                         GROUP_BY_KEY[self.data.nodes[i].group].label,
                         self.data.nodes[i].date or "") for i in chunk]
                self.write(path, "browse.html", "browse",
                           title=f"{FOLDER_TITLES.get(folder, folder)} ({len(members)})",
                           rows=rows, siblings=paths, current=path)
            self.folders.append((FOLDER_TITLES.get(folder, folder), paths[0], len(members)))

    def _index(self, tables: list[competency.Table]) -> dict[str, Any]:
        data = self.data
        numbers = count_store(data.store)  # the build summary's numbers (graph/counts.py)
        counts = [(c.label, c.nodes, c.reports) for c in numbers.rows
                  if c.nodes or c.kind in ("SourceDocument", "ForcedReturn")]
        events = sorted((i for i in self.shown if data.nodes[i].date and data.nodes[i].group
                         in ("forced-return", "detention", "statement", "resolution-adoption",
                             "review", "visit")),
                        key=lambda i: (data.nodes[i].date or "", i), reverse=True)[:LATEST]
        latest = [(data.nodes[i].date, data.nodes[i].label, self.pages.get(i, ""),
                   GROUP_BY_KEY[data.nodes[i].group].label) for i in events]
        by_id = {t.id: t for t in tables}
        docs = sorted(data.documents.values(), key=lambda d: (d.date or "", d.file),
                      reverse=True)
        return {"counts": counts, "latest": latest, "folders": self.folders,
                "disagreements": _preview(by_id.get("pack-disagreements")
                                          or by_id.get("disagreements")),
                "review": _preview(by_id.get("pack-review-queue")),
                "triples": asserted_triples(data.store, self.outdir),
                "documents": Cut.of([(d.date or "", d.title, self.pages.get(d.id) or
                                      doc_path(data, d.id), d.publisher) for d in docs], 10),
                "validation": self.validation.line(), "groups": GROUPS}


def quotes_by_doc(data: GraphData) -> dict[str, list[Node]]:
    """document IRI -> the nodes quoted in it (claims or mentions), in the graph's order:
    built once, so a document's page does not scan every node of the graph. Only the nodes:
    their quotes from the document are picked when its page is drawn (lists of them for
    every document were 80 MB at 10,000 documents)."""
    out: dict[str, list[Node]] = {}
    for node in data.nodes.values():
        for doc in sorted({q.doc for q in node.claims} | {q.doc for q in node.mentions}):
            out.setdefault(doc, []).append(node)
    return out


def _preview(table: competency.Table | None, rows: int = 8) -> dict[str, Any] | None:
    if table is None:
        return None
    total = len(table.rows) + table.more
    return {"table": table, "rows": table.rows[:rows], "total": total}


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
