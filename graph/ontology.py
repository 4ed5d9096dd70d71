"""The ontology: where its files are, loading them, and reasoning over them with HermiT.

`ontology/` sits at the repository root beside `graph/` (override with `RKG_ONTOLOGY_DIR`):
`rkg.ttl` (the OWL source), `align.ttl` (alignments, declared not imported), `vocab/*.ttl`
(SKOS schemes) and `shapes.ttl` (SHACL). Reasoning runs HermiT through owlready2 in a fresh
`World`, on a copy of the graph with every `owl:imports` stripped, so nothing is ever fetched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, SKOS, Graph, URIRef

from graph.datafiles import data_dir
from graph.vocab import ONTOLOGY_IRI, RKG, RKGV

ENV_VAR = "RKG_ONTOLOGY_DIR"

_RKG_NS = str(RKG)
# Classes of OWL/RDF(S) itself: typing something with one of these declares it, it is not an
# individual of a domain class.
_BUILTIN_PREFIXES = (str(OWL), str(RDF), "http://www.w3.org/2000/01/rdf-schema#")


def ontology_dir() -> Path:
    """The ontology folder: `$RKG_ONTOLOGY_DIR` if set, else `<repo>/ontology`."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser().resolve()
    return data_dir("ontology")


def ontology_files() -> list[Path]:
    """The files that make up the ontology: rkg.ttl, align.ttl and vocab/*.ttl (sorted)."""
    root = ontology_dir()
    files = [root / "rkg.ttl", root / "align.ttl", *sorted((root / "vocab").glob("*.ttl"))]
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"ontology file(s) not found: {', '.join(missing)} "
                                f"(set {ENV_VAR} to the folder holding rkg.ttl)")
    return files


def shapes_path() -> Path:
    """The SHACL shapes file, `ontology/shapes.ttl`."""
    return ontology_dir() / "shapes.ttl"


def _parse(graph: Graph, path: Path) -> None:
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise ValueError(f"{path}: cannot parse Turtle: {exc}") from exc


def load_ontology_graph() -> Graph:
    """rkg.ttl + align.ttl + vocab/*.ttl in one rdflib graph (no owl:imports are followed)."""
    graph = Graph()
    for path in ontology_files():
        _parse(graph, path)
    _bind_prefixes(graph)
    return graph


def load_shapes_graph() -> Graph:
    """The SHACL shapes graph (`ontology/shapes.ttl`)."""
    graph = Graph()
    _parse(graph, shapes_path())
    _bind_prefixes(graph)
    return graph


def _bind_prefixes(graph: Graph) -> None:
    graph.bind("rkg", _RKG_NS)
    graph.bind("rkgv", str(RKGV))
    graph.bind("skos", str(SKOS))


def scheme_labels(scheme: str) -> dict[str, tuple[str, ...]]:
    """Concept slug -> (prefLabel, *altLabels) of one SKOS scheme, as plain strings.

    For extractors that need the word forms of a scheme (e.g. `scheme_labels("harm-type")`)
    without handling rdflib terms. Labels are sorted after the prefLabel, for determinism.
    """
    path = ontology_dir() / "vocab" / f"{scheme}.ttl"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no SKOS scheme named {scheme!r}")
    graph = Graph()
    _parse(graph, path)
    prefix = f"{RKGV}{scheme}/"
    labels: dict[str, tuple[str, ...]] = {}
    for concept in sorted(set(graph.subjects(RDF.type, SKOS.Concept)), key=str):
        if not str(concept).startswith(prefix):
            continue
        slug = str(concept)[len(prefix):]
        pref = [str(o) for o in graph.objects(concept, SKOS.prefLabel)]
        alts = sorted(str(o) for o in graph.objects(concept, SKOS.altLabel))
        labels[slug] = (*pref[:1], *alts)
    return labels


# ---------------------------------------------------------------------------------------------
# Reasoning
# ---------------------------------------------------------------------------------------------


@dataclass
class HermitResult:
    """What HermiT said: consistency, time taken, and the classes it inferred per individual.

    `consistent` is None when the check could not run (`skipped`, e.g. no Java) or failed for
    another reason (`message` says why); `inferred_types` maps an individual's IRI to the named
    classes it belongs to after reasoning but not before (superclasses included).
    """

    consistent: bool | None
    seconds: float
    inferred_types: dict[str, set[str]] = field(default_factory=dict)
    message: str = ""
    skipped: bool = False
    individuals: int = 0

    def types_of(self, iri: str | URIRef) -> set[str]:
        return self.inferred_types.get(str(iri), set())


def _reasoning_graph(ontology: Graph, extra: Graph | None) -> Graph:
    """Ontology + extra individuals, minus owl:imports and any other ontology header."""
    graph = Graph()
    for part in (ontology, extra) if extra is not None else (ontology,):
        for triple in part:
            graph.add(triple)
    graph.remove((None, OWL.imports, None))
    for header in list(graph.subjects(RDF.type, OWL.Ontology)):
        if str(header) != ONTOLOGY_IRI:
            graph.remove((header, RDF.type, OWL.Ontology))
    # OWL 2 DL declarations of the individuals (owlready2 lists only owl:NamedIndividual ones).
    for individual in graph_individuals(graph):
        graph.add((individual, RDF.type, OWL.NamedIndividual))
    return graph


def _named_types(individual: Any, thing_class: Any) -> set[str]:
    return {str(c.iri) for c in individual.INDIRECT_is_a if isinstance(c, thing_class)}


HEAP_ENV = "RKG_HERMIT_HEAP_MB"
# HermiT's Java heap at most (owlready2 asks for 2,000 MB): on its reduced input HermiT used
# 122 MB at 1,000 documents (docs/scale.md); a build that needs more says so in reasoning.txt.
HERMIT_HEAP_MB = 1024


def hermit_heap_mb() -> int:
    """The Java heap HermiT may use, in MB: $RKG_HERMIT_HEAP_MB, else HERMIT_HEAP_MB."""
    try:
        return max(64, int(os.environ.get(HEAP_ENV, HERMIT_HEAP_MB)))
    except ValueError:
        return HERMIT_HEAP_MB


def run_hermit(extra: Graph | None = None, *, ontology: Graph | None = None,
               java: str | None = None) -> HermitResult:
    """Check ontology + `extra` (canonical facts, registry...) with HermiT; never raises.

    `ontology` defaults to `load_ontology_graph()`; `java` overrides owlready2's Java command.
    HermiT needs OWL 2 DL datatypes: dates must be xsd:dateTime (xsd:date and gYear are
    rejected, and the result then says so with `consistent=None`).
    """
    import owlready2

    started = time.perf_counter()
    java_exe = java or owlready2.JAVA_EXE
    if shutil.which(java_exe) is None:
        return HermitResult(None, 0.0, message=f"HermiT skipped: Java not found ({java_exe!r} is "
                                               "not on PATH); install Java 11+ to reason",
                            skipped=True)
    graph = _reasoning_graph(ontology if ontology is not None else load_ontology_graph(), extra)
    with tempfile.TemporaryDirectory(prefix="rkg-hermit-") as tmp:
        path = Path(tmp) / "ontology.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            with path.open("rb") as handle:
                world.get_ontology(ONTOLOGY_IRI).load(fileobj=handle, format="ntriples",
                                                      only_local=True)
            individuals: list[Any] = list(world.individuals())
            before = {ind.iri: _named_types(ind, owlready2.ThingClass) for ind in individuals}
            previous_java = owlready2.JAVA_EXE
            previous_heap = owlready2.reasoning.JAVA_MEMORY
            owlready2.JAVA_EXE = java_exe
            owlready2.reasoning.JAVA_MEMORY = hermit_heap_mb()
            try:
                owlready2.sync_reasoner(world, infer_property_values=False, debug=0)
            finally:
                owlready2.JAVA_EXE = previous_java
                owlready2.reasoning.JAVA_MEMORY = previous_heap
        except owlready2.OwlReadyInconsistentOntologyError:
            return HermitResult(False, time.perf_counter() - started,
                                message="HermiT: the ontology with these facts is inconsistent",
                                individuals=len(graph_individuals(graph)))
        except Exception as exc:  # Java errors, unsupported datatypes, parse failures
            lines = str(exc).strip().splitlines()
            detail = " ".join(line.strip() for line in lines[:6])
            hint = (" (dates must be xsd:dateTime; xsd:date and xsd:gYear are not OWL 2 "
                    "datatypes)" if "UnsupportedDatatype" in detail else
                    f" (Java heap: {HEAP_ENV} MB, now {hermit_heap_mb()})"
                    if "OutOfMemory" in detail else "")
            return HermitResult(None, time.perf_counter() - started,
                                message=f"HermiT failed{hint}: {type(exc).__name__}: {detail}")
        inferred: dict[str, set[str]] = {}
        reasoned: list[Any] = list(world.individuals())
        for ind in reasoned:
            new = _named_types(ind, owlready2.ThingClass) - before.get(ind.iri, set())
            if new:
                inferred[ind.iri] = new
        count = len(before)
        world.close()
    seconds = time.perf_counter() - started
    return HermitResult(True, seconds, inferred,
                        message=f"HermiT: consistent ({count} individuals, {seconds:.1f} s)",
                        individuals=count)


def graph_individuals(graph: Graph) -> set[URIRef]:
    """IRIs typed with a class that is not an OWL/RDF(S) built-in (i.e. individuals)."""
    found: set[URIRef] = set()
    for subject, cls in graph.subject_objects(RDF.type):
        if isinstance(subject, URIRef) and (
                cls == OWL.NamedIndividual or not str(cls).startswith(_BUILTIN_PREFIXES)):
            found.add(subject)
    return found


# ---------------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------------


@dataclass
class OntologySummary:
    """Counts of the ontology's terms, plus the HermiT result (None when not asked)."""

    version: str
    triples: int
    classes: int
    object_properties: int
    datatype_properties: int
    individuals: int
    concept_schemes: int
    concepts: int
    external_terms: int
    hermit: HermitResult | None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {key: value for key, value in self.__dict__.items()
                                if key != "hermit"}
        if self.hermit is not None:
            data["hermit"] = {"consistent": self.hermit.consistent,
                              "seconds": round(self.hermit.seconds, 2),
                              "skipped": self.hermit.skipped,
                              "message": self.hermit.message}
        return data

    def lines(self) -> list[str]:
        out = [
            f"ontology        {ONTOLOGY_IRI} (version {self.version})",
            f"files           {ontology_dir()}",
            f"triples         {self.triples}",
            f"classes         {self.classes}",
            f"object props    {self.object_properties}",
            f"datatype props  {self.datatype_properties}",
            f"individuals     {self.individuals}",
            f"SKOS schemes    {self.concept_schemes} ({self.concepts} concepts)",
            f"external terms  {self.external_terms} (declared in align.ttl, not imported)",
        ]
        if self.hermit is not None:
            out.append(f"reasoner        {self.hermit.message}")
        return out


def _rkg_terms(graph: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(_RKG_NS)}


def _external_terms(graph: Graph, kinds: Iterable[URIRef]) -> set[URIRef]:
    return {s for kind in kinds for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and not str(s).startswith(_RKG_NS)}


def ontology_summary(reason: bool = True) -> OntologySummary:
    """Count classes, properties, individuals and SKOS concepts; run HermiT if `reason`."""
    graph = load_ontology_graph()
    version = graph.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo)
    return OntologySummary(
        version=str(version) if version is not None else "unknown",
        triples=len(graph),
        classes=len(_rkg_terms(graph, OWL.Class)),
        object_properties=len(_rkg_terms(graph, OWL.ObjectProperty)),
        datatype_properties=len(_rkg_terms(graph, OWL.DatatypeProperty)),
        individuals=len(graph_individuals(graph)),
        concept_schemes=len(set(graph.subjects(RDF.type, SKOS.ConceptScheme))),
        concepts=len(set(graph.subjects(RDF.type, SKOS.Concept))),
        external_terms=len(_external_terms(
            graph, (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty))),
        hermit=run_hermit(ontology=graph) if reason else None,
    )
