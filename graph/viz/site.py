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

import json
import shutil
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from graph.counts import asserted_triples, count_store
from graph.iris import DATA
from graph.viz import competency, search, sitecache
from graph.viz.data import GraphData, Node
from graph.viz.details import doc_path
from graph.viz.explorer import PREFIX, TOP_MAX, Explorer, legend
from graph.viz.geo import map_data
from graph.viz.network import vis_options
from graph.viz.packrun import PackBeside
from graph.viz.pages import Cut, PageFacts
from graph.viz.records import quotes_from
from graph.viz.segments import segments
from graph.viz.sitebuild import (
    MANIFEST,
    PageInfo,
    SiteResult,
    ValidationFile,
    ValidationSource,
    manifest_pieces,
    vis_network_files,
)
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


