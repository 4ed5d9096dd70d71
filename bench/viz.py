"""Benchmark the site: file sizes, build time, and load/settle times in headless Chromium.

    python bench/viz.py [--nodes 2000] [--runs 3] [--keep DIR]

Measures two graphs: the sample corpus (built with `rkg build`) and a synthetic graph of
about --nodes nodes in the whole-graph view, written straight as RDF following
docs/rdf-model.md (documents with text, mentions, claims, canonical events, actors, places,
treaties and treaty actions), so the site code runs on it exactly as on a real build. For
each view kind it prints the HTML size and, over --runs page loads, the median time until the
page is loaded (network idle) and until the layout has settled (physics switched off).

Needs Debian's chromium (/usr/bin/chromium) and the playwright package (no `playwright
install`: the system browser is used).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
RKG = "https://w3id.org/refoulement-kg/ontology#"
DATA = "https://w3id.org/refoulement-kg/id/"
VOCAB = "https://w3id.org/refoulement-kg/vocab/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

STANCES = ("urges", "calls-on", "condemns", "welcomes", "expresses-concern", "recommends")
ACT_CLASSES = ("PublicStatement", "JointStatement", "Letter", "Briefing")


@dataclass
class _Doc:
    iri: str
    graph: str
    sha: str
    year: int
    publisher: str
    text: list[str] = field(default_factory=list)
    length: int = 0


class _Quads:
    def __init__(self) -> None:
        self.quads: set[ox.Quad] = set()

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | str, g: str) -> None:
        obj = ox.NamedNode(o) if isinstance(o, str) else o
        self.quads.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), obj, ox.NamedNode(g)))


def _lit(value: object, datatype: str | None = None) -> ox.Literal:
    if datatype:
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))
    return ox.Literal(str(value))


def synthetic_graph(out: Path, nodes: int = 2000, seed: int = 7) -> Path:
    """Write out/graph.trig: a graph whose whole view has about `nodes` nodes."""
    rng = random.Random(seed)
    q = _Quads()
    reg, can = DATA + "graph/registry", DATA + "graph/canonical"
    scale = nodes / 1940  # calibrated: the whole view holds about `nodes` nodes
    n_docs, n_states, n_orgs = max(3, int(90 * scale)), max(3, int(40 * scale)), int(330 * scale)
    n_bodies, n_people, n_places = int(50 * scale), int(160 * scale), int(260 * scale)
    n_returns, n_detentions, n_acts = int(170 * scale), int(80 * scale), int(560 * scale)
    n_adoptions, n_reviews = int(40 * scale), int(20 * scale)

    def entity(kind: str, cls: str, i: int, label: str, graph: str = reg) -> str:
        iri = f"{DATA}{kind}/syn-{kind}-{i}"
        q.add(iri, RDF_TYPE, RKG + cls, graph)
        q.add(iri, RDFS_LABEL, ox.Literal(label, language="en"), graph)
        return iri

    states = [entity("state", "State", i, f"State {i}") for i in range(n_states)]
    countries = []
    for i, state in enumerate(states):
        country = entity("place", "Country", 10_000 + i, f"Territory of State {i}")
        q.add(state, RKG + "territory", country, reg)
        countries.append(country)
    orgs = [entity("org", rng.choice(("NGO", "NGO", "Coalition", "MediaOrganization",
                                      "NationalHumanRightsInstitution")), i,
                   f"Organisation {i}") for i in range(n_orgs)]
    bodies = [entity("body", rng.choice(("UNSubsidiaryBody", "SpecialProcedure",
                                         "TreatyBody", "UNOffice")), i, f"UN body {i}")
              for i in range(n_bodies)]
    people = [entity("person", "Person", i, f"Person {i}") for i in range(n_people)]
    regions = [entity("place", "AdministrativeRegion", i, f"Province {i}")
               for i in range(max(2, n_places // 10))]
    for region in regions:
        q.add(region, RKG + "locatedIn", rng.choice(countries), reg)
    places = [entity("place", rng.choice(("Settlement", "Settlement", "BorderCrossing",
                                          "DetentionFacility")), 1000 + i, f"Place {i}")
              for i in range(n_places - len(regions))]
    for place in places:
        q.add(place, RKG + "locatedIn", rng.choice(regions), reg)
    norm = entity("norm", "LegalNorm", 0, "Non-refoulement (synthetic)")
    treaties = [entity("treaty", "Treaty", i, f"Treaty {i}") for i in range(10)]
    for treaty in treaties[:6]:
        q.add(treaty, RKG + "enshrines", norm, reg)
    for i, state in enumerate(states[:max(2, n_states // 3)]):
        for t, treaty in enumerate(treaties):
            if rng.random() < 0.5:
                kind = rng.choice(("ratification", "accession", "signature"))
                act = f"{DATA}treaty-action/syn-{i}-{t}-{kind}"
                q.add(act, RDF_TYPE, RKG + kind.capitalize(), reg)
                q.add(act, RKG + "actingState", state, reg)
                q.add(act, RKG + "treaty", treaty, reg)
                q.add(act, RKG + "actionKind", f"{VOCAB}treaty-action-kind/{kind}", reg)
                q.add(act, RKG + "date", _lit(f"{rng.randint(1960, 2015)}-01-01T00:00:00",
                                              "dateTime"), reg)
    actors = states + orgs + bodies + people

    # documents: text assembled sentence by sentence, so every quote sits at its offsets
    docs = []
    for d in range(n_docs):
        sha = hashlib.sha256(f"synthetic document {d}".encode()).hexdigest()
        docs.append(_Doc(f"{DATA}doc/{sha[:16]}", f"{DATA}graph/doc/{sha[:16]}", sha,
                         rng.randint(2000, 2024), rng.choice(orgs)))

    def sentence(doc: _Doc, text: str) -> tuple[int, int]:
        start = doc.length
        doc.text.append(text)
        doc.length += len(text) + 1
        return start, start + len(text)

    def mention(doc: _Doc, text: str, refers: str | None = None) -> str:
        start, end = sentence(doc, text)
        m = f"{DATA}mention/syn-{doc.sha[:12]}-{start}"
        g = doc.graph
        q.add(m, RDF_TYPE, RKG + "Mention", g)
        q.add(m, OA + "hasSource", doc.iri, g)
        q.add(m, OA + "hasSelector", m + "/quote", g)
        q.add(m, OA + "hasSelector", m + "/position", g)
        q.add(m + "/quote", RDF_TYPE, OA + "TextQuoteSelector", g)
        q.add(m + "/quote", OA + "exact", _lit(text), g)
        q.add(m + "/position", RDF_TYPE, OA + "TextPositionSelector", g)
        q.add(m + "/position", OA + "start", _lit(start, "integer"), g)
        q.add(m + "/position", OA + "end", _lit(end, "integer"), g)
        if refers:
            q.add(m, RKG + "refersTo", refers, g)
            q.add(m, RKG + "surfaceForm", _lit(text), g)
        return m

    def attest(node: str, text: str, count: int = 1) -> None:
        for doc in rng.sample(docs, k=min(count, len(docs))):
            m = mention(doc, text)
            claim = f"{DATA}claim/syn-{hashlib.sha256((node + m).encode()).hexdigest()[:16]}"
            g = doc.graph
            q.add(claim, RDF_TYPE, RKG + "Claim", g)
            q.add(claim, PROV + "wasDerivedFrom", m, g)
            q.add(claim, RKG + "claimedBy", doc.publisher, g)
            q.add(node, RKG + "attestedBy", claim, can)

    def dated(node: str) -> None:
        if rng.random() < 0.85:
            year, month = rng.randint(1998, 2024), rng.randint(1, 12)
            q.add(node, RKG + "date", _lit(f"{year}-{month:02d}-01T00:00:00", "dateTime"), can)
            q.add(node, RKG + "datePrecision", f"{VOCAB}date-precision/month", can)

    for i in range(n_returns):
        node = f"{DATA}forced-return/syn-{i}"
        perp = rng.choice(states[:5])
        q.add(node, RDF_TYPE, RKG + "ForcedReturn", can)
        q.add(node, RDFS_LABEL, _lit(f"Forced return {i}"), can)
        q.add(node, RKG + "perpetrator", perp, can)
        q.add(node, RKG + "destination", states[0], can)
        for place in rng.sample(places, k=rng.randint(1, 3)):
            q.add(node, RKG + "place", place, can)
        dated(node)
        attest(node, f"Authorities returned {rng.randint(2, 600)} people (event {i}).",
               rng.randint(1, 3))
    for i in range(n_detentions):
        node = f"{DATA}detention/syn-{i}"
        q.add(node, RDF_TYPE, RKG + "Detention", can)
        q.add(node, RKG + "detainer", rng.choice(states[:5]), can)
        q.add(node, RKG + "detentionFacility", rng.choice(places), can)
        dated(node)
        attest(node, f"They were held in a detention centre (detention {i}).")
    for i in range(n_acts):
        node = f"{DATA}speech-act/syn-{i}"
        speaker, addressee = rng.sample(actors, k=2)
        stance = rng.choice(STANCES)
        q.add(node, RDF_TYPE, RKG + rng.choice(ACT_CLASSES), can)
        q.add(node, RDFS_LABEL, _lit(f"Statement {i} ({stance})"), can)
        q.add(node, RKG + "speaker", speaker, can)
        q.add(node, RKG + "addressee", addressee, can)
        q.add(node, RKG + "stance", f"{VOCAB}stance/{stance}", can)
        q.add(node, RKG + "topic", _lit(f"to stop forced returns (statement {i})"), can)
        dated(node)
        attest(node, f"A speaker {stance.replace('-', ' ')} an addressee (statement {i}).")
    for i in range(n_adoptions):
        node = f"{DATA}resolution-adoption/syn-{i}"
        q.add(node, RDF_TYPE, RKG + "ResolutionAdoption", can)
        q.add(node, RKG + "adoptingBody", rng.choice(bodies or states), can)
        q.add(node, RKG + "resolution", entity("resolution", "Resolution", i,
                                               f"Resolution {i}", can), can)
        dated(node)
        attest(node, f"The body adopted a resolution (resolution {i}).")
    for i in range(n_reviews):
        node = f"{DATA}upr-review/syn-{i}"
        q.add(node, RDF_TYPE, RKG + "UPRReview", can)
        q.add(node, RKG + "stateUnderReview", rng.choice(states), can)
        dated(node)
        attest(node, f"The state was reviewed (review {i}).")
    # every actor and place is named somewhere, as entity mentions
    for target in actors + places + treaties:
        for doc in rng.sample(docs, k=rng.randint(1, 2)):
            mention(doc, f"Name of {target.rsplit('/', 1)[-1]}", refers=target)
    for doc in docs:
        g, iri = doc.graph, doc.iri
        q.add(iri, RDF_TYPE, RKG + "SourceDocument", g)
        q.add(iri, RKG + "fileName", _lit(f"synthetic-{doc.sha[-4:]}.txt"), g)
        q.add(iri, DCT + "title", _lit(f"Synthetic report {doc.sha[-4:]}"), g)
        q.add(iri, DCT + "publisher", _lit("Synthetic publisher"), g)
        q.add(iri, DCT + "creator", doc.publisher, g)
        q.add(iri, RKG + "date", _lit(f"{doc.year}-01-01T00:00:00", "dateTime"), g)
        q.add(iri, RKG + "datePrecision", f"{VOCAB}date-precision/year", g)
        q.add(iri, RKG + "sha256", _lit(doc.sha), g)
        q.add(iri, RKG + "text", _lit("\n".join(doc.text)), g)
    out.mkdir(parents=True, exist_ok=True)
    ordered = sorted(q.quads, key=lambda x: (str(x.graph_name), str(x.subject),
                                             str(x.predicate), str(x.object)))
    path = out / "graph.trig"
    ox.serialize(ordered, str(path), ox.RdfFormat.TRIG)
    return path


def _browser() -> tuple[Any, Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    manager = sync_playwright().start()
    context = manager.chromium.launch_persistent_context(
        tempfile.mkdtemp(prefix="rkg-bench-chromium-"), executable_path=CHROMIUM,
        headless=True, args=CHROMIUM_ARGS, viewport={"width": 1500, "height": 950})
    return manager, context


def time_page(context: Any, url: str, runs: int) -> tuple[float, float, float]:
    """Medians, in seconds, by the page's own clock: from navigation start to the page's
    `load` event, to the layout having settled (physics off), and the layout alone."""
    loads, settles, layouts = [], [], []
    for _ in range(runs):
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_function("document.body.dataset.state === 'settled'", timeout=120_000)
        timing = page.evaluate("""() => {
            const nav = performance.getEntriesByType('navigation')[0];
            return [nav.loadEventEnd, window.rkgSettledMs, window.rkgLayoutMs]; }""")
        loads.append(timing[0] / 1000)
        settles.append(timing[1] / 1000)
        layouts.append(timing[2] / 1000)
        page.close()
    return statistics.median(loads), statistics.median(settles), statistics.median(layouts)


def measure(label: str, outdir: Path, runs: int, context: Any) -> None:
    from graph.viz import build_site

    started = time.perf_counter()
    result = build_site(outdir)
    built = time.perf_counter() - started
    site = result.site
    print(f"\n## {label}: site built in {built:.1f} s, {result.files} files, "
          f"{result.bytes / 1e6:.1f} MB")
    pages: dict[str, list[Any]] = {p.kind: [] for p in result.pages}
    for p in result.pages:
        pages[p.kind].append(p)
    print("times from navigation start (median of runs): load = the load event, settled = "
          "physics off; layout = settling alone")
    print(f"{'view':<34}{'HTML KB':>9}{'load s':>8}{'settled s':>10}{'layout s':>9}")
    for kind in ("summary", "explorer", "advocacy", "returns", "actors", "places"):
        if kind not in pages:
            continue
        page = max(pages[kind], key=lambda p: p.bytes)  # the largest of its kind
        load, settle, layout = time_page(context, (site / page.path).as_uri(), runs)
        name = kind if len(pages[kind]) == 1 else f"{kind} (largest of {len(pages[kind])})"
        print(f"{name:<34}{page.bytes / 1024:>9.0f}{load:>8.2f}{settle:>10.2f}{layout:>9.2f}")
    tops = []
    for _ in range(runs):
        page = context.new_page()
        page.goto((site / "graph.html").as_uri(), wait_until="load")
        page.wait_for_function("document.body.dataset.state === 'settled'", timeout=120_000)
        page.evaluate("document.getElementById('show-top').click()")
        page.wait_for_function("rkg.nodes.length > 1 && !rkg.nodes.getIds()[0].startsWith("
                               "'agg:') && document.body.dataset.state === 'settled'",
                               timeout=300_000, polling=500)
        tops.append((page.evaluate("rkg.nodes.length"),
                     page.evaluate("window.rkgLastLayoutMs") / 1000))
        page.close()
    print(f"{'most connected nodes (' + str(tops[0][0]) + ')':<34}{'':>9}{'':>8}{'':>10}"
          f"{statistics.median(t[1] for t in tops):>9.2f}")
    largest = max(result.pages, key=lambda p: p.bytes)
    print(f"largest page: {largest.path} ({largest.bytes / 1024:.0f} KB)")
    assets = sum(p.stat().st_size for p in (site / "assets").rglob("*") if p.is_file()) / 1024
    print(f"shared assets (vis-network, MiniSearch, basemap, scripts, search index): "
          f"{assets:.0f} KB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="Keep the outputs here.")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="rkg-bench-viz-"))
    sys.path.insert(0, str(REPO))
    from graph.builder import build_graph

    sample = work / "sample"
    started = time.perf_counter()
    build_graph(REPO / "corpus", sample)
    print(f"sample corpus built in {time.perf_counter() - started:.1f} s")
    synthetic = work / "synthetic"
    started = time.perf_counter()
    synthetic_graph(synthetic, args.nodes)
    print(f"synthetic graph ({args.nodes} nodes asked) written in "
          f"{time.perf_counter() - started:.1f} s")
    manager, context = _browser()
    try:
        measure("sample corpus", sample, args.runs, context)
        measure(f"synthetic graph (~{args.nodes} nodes)", synthetic, args.runs, context)
    finally:
        context.close()
        manager.stop()


if __name__ == "__main__":
    main()
