"""`build_site(outdir)`: the offline HTML site of a build, in `outdir/site/`.

Pages: index.html (what the graph holds, the build record, the validation result, the
competency tables), graph.html (the whole graph), advocacy.html, one page per forced return
(returns/) and per actor (actors/), one per source document with its quotes marked (docs/),
and timeline.html. Every script and style sheet is a file in site/assets/ (vis-network is
copied from the pyvis package): the site loads nothing from the network and works from
file:// or any static host.

Safety: Jinja autoescapes every template; data for scripts is JSON inside
`<script type="application/json">` with `<`, `>` and `&` escaped, read with JSON.parse and put
in place with textContent; tooltips are plain strings, which vis-network shows as text.
The same graph gives a byte-identical site (seeded layouts, sorted output, no timestamps).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from graph.viz import competency
from graph.viz.data import REGISTRY, GraphData, Node, load
from graph.viz.details import doc_path, grouped_props, node_details, quote_dict
from graph.viz.network import EXACT_BETWEENNESS, Placed, place
from graph.viz.styles import GROUP_BY_KEY, GROUPS, STANCE_COLORS
from graph.viz.timeline import graph_link, timeline
from graph.viz.views import View, Views, category

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"
WHOLE_MAX_QUOTES = 8
EGO_MAX_QUOTES = 40


@dataclass
class PageInfo:
    path: str
    title: str
    kind: str
    nodes: int = 0
    edges: int = 0


@dataclass
class SiteResult:
    site: Path
    pages: list[PageInfo] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        views = [p for p in self.pages if p.nodes]
        whole = next((p for p in self.pages if p.kind == "whole"), None)
        lines = [f"Wrote {self.site}/index.html: {self.files} files, "
                 f"{self.bytes / 1e6:.1f} MB, in {self.seconds:.1f} s."]
        if whole is not None:
            lines.append(f"  whole graph: {whole.nodes} nodes, {whole.edges} edges")
        kinds: dict[str, int] = {}
        for page in views:
            kinds[page.kind] = kinds.get(page.kind, 0) + 1
        lines.append("  network views: " + ", ".join(f"{n} {k}" for k, n in sorted(
            kinds.items())))
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
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' survives."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return Markup(text)


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
    def __init__(self, data: GraphData, outdir: Path, target: Path) -> None:
        self.data = data
        self.outdir = outdir
        self.target = target
        self.env = environment()
        self.views = Views(data)
        self.returns = self.views.returns()
        self.actors = self.views.actors()
        self.advocacy = self.views.advocacy()
        self.pages: dict[str, str] = {}  # node IRI -> its page
        for view in self.returns + self.actors:
            assert view.focus is not None
            self.pages[view.focus] = view.path
        for doc in data.documents:
            self.pages.setdefault(doc, doc_path(doc))
        self.by_document: dict[str, list[Node]] = {}  # document -> nodes quoting it
        for node in data.nodes.values():
            for doc in sorted({q.doc for q in node.claims + node.mentions}):
                self.by_document.setdefault(doc, []).append(node)
        self.result = SiteResult(target)
        self.sources = [*sorted(data.documents), REGISTRY]

    # -- writing ---------------------------------------------------------------------------
    def write(self, path: str, template: str, **context: Any) -> None:
        depth = path.count("/")
        root = "../" * depth
        html = self.env.get_template(template).render(root=root, path=path, **context)
        out = self.target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")

    def link(self, iri: str, root: str = "") -> str:
        if iri in self.pages:
            return root + self.pages[iri]
        if iri in self.data.nodes:
            return root + graph_link(iri)
        return ""

    def copy_assets(self) -> None:
        assets = self.target / "assets"
        assets.mkdir(parents=True, exist_ok=True)
        js, css = vis_network_files()
        shutil.copyfile(js, assets / "vis-network.min.js")
        shutil.copyfile(css, assets / "vis-network.css")
        for item in sorted(ASSETS.iterdir()):
            if item.is_file() and item.suffix in (".js", ".css"):
                shutil.copyfile(item, assets / item.name)

    # -- network views ---------------------------------------------------------------------
    def network_page(self, view: View, template: str = "network.html", **extra: Any) -> None:
        placed = place(view, self.data)
        root = "../" * view.path.count("/")
        payload = self.payload(view, placed, root)
        self.write(view.path, template, view=view, payload=payload,
                   legend=payload["groups"], **extra)
        self.result.pages.append(PageInfo(view.path, view.title, view.kind, len(view.nodes),
                                          len(view.edges)))

    def payload(self, view: View, placed: Placed, root: str) -> dict[str, Any]:
        data = self.data
        index = {s: i for i, s in enumerate(self.sources)}
        max_quotes = WHOLE_MAX_QUOTES if view.kind == "whole" else EGO_MAX_QUOTES
        details = {}
        used_sources: set[str] = set()
        counts: dict[str, int] = {}
        for item in placed.nodes:
            node = data.nodes[item["id"]]
            item["grp"] = node.group
            item["cat"] = category(node)
            item["yr"] = node.year
            item["src"] = sorted(index[s] for s in node.sources if s in index)
            item["cm"] = placed.community.get(node.id, 0)
            used_sources.update(node.sources)
            counts[node.group] = counts.get(node.group, 0) + 1
            approx = "≈" if len(placed.nodes) > EXACT_BETWEENNESS else ""
            measures = (f"links in this view {placed.degree[node.id]} · betweenness "
                        f"{approx}{placed.betweenness[node.id]:.3f} · community "
                        f"{placed.community.get(node.id, 0) + 1}")
            details[node.id] = node_details(data, node, root, max_quotes=max_quotes,
                                            pages=self.pages, measures=measures)
        groups = [{"key": g.key, "label": g.label, "color": g.color, "shape": g.shape,
                   "count": counts[g.key]} for g in GROUPS if g.key in counts]
        sources = [{"index": index[s], "label": self._source_label(s)}
                   for s in self.sources if s in used_sources]
        years = sorted({item["yr"] for item in placed.nodes if item["yr"] is not None})
        return {"view": {"kind": view.kind, "title": view.title, "focus": view.focus or "",
                         "path": view.path},
                "nodes": placed.nodes, "edges": placed.edges, "options": placed.options,
                "details": details, "groups": groups, "sources": sources, "years": years,
                "stances": STANCE_COLORS if view.kind == "advocacy" else {}}

    def _source_label(self, source: str) -> str:
        if source == REGISTRY:
            return "Reference registry"
        doc = self.data.documents[source]
        return f"{doc.date or 'undated'} · {doc.file}"

    # -- pages -----------------------------------------------------------------------------
    def build(self) -> SiteResult:
        self.copy_assets()
        self.network_page(self.views.whole)
        self.network_page(self.advocacy, "network.html",
                          unaddressed=self._unaddressed())
        for view in self.returns:
            self.network_page(view, "return.html", **self._return_context(view))
        for view in self.actors:
            self.network_page(view, "actor.html", **self._actor_context(view))
        for doc in self.data.documents.values():
            self.write(doc_path(doc.id), "document.html", **self._document_context(doc.id))
        line = timeline(self.data, self.views.whole.nodes, self.pages)
        self.write("timeline.html", "timeline.html", timeline=line)
        self.write("index.html", "index.html", **self._index_context())
        manifest = {"pages": [vars(p) for p in self.result.pages]}
        (self.target / "manifest.json").write_text(
            json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return self.result

    def _statements_of(self, nodes: list[Node], root: str = "../") -> list[dict[str, Any]]:
        rows = []
        for act in sorted(nodes, key=lambda n: (n.date or "9999", n.label, n.id)):
            first = act.claims[0] if act.claims else None
            rows.append({
                "date": act.date or "", "label": act.label, "href": self.link(act.id, root),
                "speaker": self._names(act, "speaker") or (act.first("speakerText") or ""),
                "stance": self._names(act, "stance"),
                "addressee": self._names(act, "addressee")
                or (act.first("addresseeText") or ""),
                "topic": act.first("topic") or "",
                "quote": quote_dict(self.data, first, root) if first else None})
        return rows

    def _names(self, node: Node, local: str) -> str:
        iris = node.links.get("https://w3id.org/refoulement-kg/ontology#" + local, [])
        return ", ".join(self.data.label(i) for i in iris)

    def _return_context(self, view: View) -> dict[str, Any]:
        assert view.focus is not None
        event = self.data.nodes[view.focus]
        claims = [quote_dict(self.data, q, "../") for q in event.claims]
        docs = {q.doc for q in event.claims}
        statements = [self.data.nodes[i] for i in view.nodes
                      if self.data.nodes[i].group == "statement"]
        harms = list({n.id: n for d in sorted(docs) for n in self.by_document.get(d, [])
                      if n.group == "harm" and d in {q.doc for q in n.claims}}.values())
        return {"event": event, "claims": claims, "statements": self._statements_of(statements),
                "harms": sorted(harms, key=lambda n: n.label),
                "props": grouped_props(event),
                "roles": [(self.data.labels.get(p, p.rsplit("#", 1)[-1]),
                           [(self.data.label(t), self.link(t, "../")) for t in targets])
                          for p, targets in sorted(event.links.items())
                          if any(t in self.data.nodes for t in targets)]}

    def _actor_context(self, view: View) -> dict[str, Any]:
        assert view.focus is not None
        actor = self.data.nodes[view.focus]
        nodes = self.data.nodes
        acts = [nodes[i] for i in view.nodes if nodes[i].group == "statement"
                and (view.focus in nodes[i].links.get(
                    "https://w3id.org/refoulement-kg/ontology#speaker", [])
                     or view.focus in nodes[i].links.get(
                         "https://w3id.org/refoulement-kg/ontology#addressee", []))]
        events = sorted((nodes[i] for i in view.nodes
                         if category(nodes[i]) in ("event", "report")
                         and nodes[i].group != "statement"),
                        key=lambda n: (n.date or "9999", n.label, n.id))
        return {"actor": actor, "statements": self._statements_of(acts),
                "events": [(n.date or "", n.label, self.link(n.id, "../"),
                            GROUP_BY_KEY[n.group].label) for n in events],
                "mentions": [quote_dict(self.data, q, "../") for q in actor.mentions[:200]],
                "more_mentions": max(0, len(actor.mentions) - 200),
                "props": grouped_props(actor)}

    def _unaddressed(self) -> list[dict[str, Any]]:
        nodes = [self.data.nodes[i] for i in self.views.whole.nodes
                 if self.data.nodes[i].group == "statement"
                 and not self.data.nodes[i].links.get(
                     "https://w3id.org/refoulement-kg/ontology#addressee")]
        return self._statements_of(nodes, root="")

    def _document_context(self, iri: str) -> dict[str, Any]:
        doc = self.data.documents[iri]
        marks: list[tuple[int, int, str, str]] = []  # start, end, kind, anchor
        facts = []
        for node in self.by_document.get(iri, []):
            for quote in node.claims:
                if quote.doc == iri:
                    marks.append((quote.start, quote.end, "fact", quote.mention))
            for quote in node.mentions:
                if quote.doc == iri:
                    marks.append((quote.start, quote.end, "entity", quote.mention))
            if any(q.doc == iri for q in node.claims):
                first = min(q.start for q in node.claims if q.doc == iri)
                facts.append((first, node.label, GROUP_BY_KEY[node.group].label,
                              self.link(node.id, "../"), node.id))
        facts.sort()
        return {"doc": doc, "segments": segments(doc.text, marks),
                "facts": [(label, kind, href) for _s, label, kind, href, _i in facts],
                "creator": (self.data.label(doc.creator), self.link(doc.creator, "../"))
                if doc.creator else None}

    def _index_context(self) -> dict[str, Any]:
        data = self.data
        class_rows = [(data.labels.get(c) or c.rsplit("#", 1)[-1].rsplit("/", 1)[-1], c, n)
                      for c, n in data.class_counts.items()]
        validation = self.outdir / "validation.txt"
        answers = competency.Answers(data, self.link)
        tables = competency.pack_tables(self.outdir, data, self.link) or answers.tables()
        build_json = self.outdir / "build.json"
        problems: list[str] = []
        if build_json.is_file():
            try:
                problems = list(json.loads(build_json.read_text(encoding="utf-8"))
                                .get("problems", []))
            except (ValueError, OSError):
                problems = []
        return {
            "data": data, "documents": list(data.documents.values()),
            "class_rows": class_rows, "graph_sizes": sorted(data.graph_sizes.items()),
            "triples": sum(data.graph_sizes.values()), "build": data.build,
            "problems": problems,
            "validation": validation.read_text(encoding="utf-8", errors="replace")
            if validation.is_file() else None,
            "tables": tables, "pages": self.result.pages,
            "returns": [p for p in self.result.pages if p.kind == "return"],
            "actors": sorted((p for p in self.result.pages if p.kind == "actor"),
                             key=lambda p: p.title.lower()),
            "groups": GROUPS,
        }


def segments(text: str, marks: list[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """The text cut at every mark boundary; each piece knows which kinds cover it and which
    anchors start there (overlapping marks are fine)."""
    cuts = {0, len(text)}
    anchors: dict[int, list[str]] = {}
    for start, end, _kind, mention in marks:
        if 0 <= start <= end <= len(text):
            cuts.update((start, end))
            anchors.setdefault(start, []).append("m-" + mention.rsplit("/", 1)[-1])
    points = sorted(cuts)
    pieces = []
    for lo, hi in itertools.pairwise(points):
        kinds = sorted({k for s, e, k, _m in marks if s <= lo and hi <= e and s < e})
        pieces.append({"text": text[lo:hi], "kinds": kinds,
                       "anchors": sorted(set(anchors.get(lo, [])))})
    return pieces


def build_site(outdir: Path) -> SiteResult:
    """Write `outdir/site/` from the build in `outdir` (atomically: a failure keeps the old
    site)."""
    started = time.perf_counter()
    outdir = Path(outdir)
    data = load(outdir)
    final = outdir / "site"
    tmp = Path(tempfile.mkdtemp(prefix=".site-", suffix=".tmp", dir=outdir))
    try:
        writer = SiteWriter(data, outdir, tmp)
        result = writer.build()
        _swap(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    result.site = final
    files = [p for p in final.rglob("*") if p.is_file()]
    result.files = len(files)
    result.bytes = sum(p.stat().st_size for p in files)
    result.seconds = time.perf_counter() - started
    return result


def _swap(new: Path, final: Path) -> None:
    os.chmod(new, 0o755)
    if final.exists():
        old = final.with_name(f".site-old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        final.rename(old)
        new.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(final)
