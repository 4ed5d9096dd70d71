"""SHACL validation of a build with `ontology/shapes.ttl`: pySHACL's report.

The report is pySHACL's for the union of every named graph of the build (`graph.trig`, plus
`inferred.trig` when it is up to date), with the ontology as pySHACL's `ont_graph`. By
default graph/shaclnative.py computes it one unit at a time (graph/shaclstream.py: a
document graph, a piece of a shared graph; memory bounded by a unit), each unit's results
cached by the hash of what it read (graph/shaclcache.py), or in one pass over the build's
files when the files or shapes do not allow units; the whole report is cached by the hash
of those files. When the shapes leave its subset, or with RKG_SHACL_ENGINE=pyshacl, pySHACL
runs one unit at a time, each unit's results cached by the hash of its content, its context
and the shapes (graph/shaclunits.py). Either way a rebuild validates only the units that
changed, and memory is bounded by the largest unit, not by the corpus.
Inference is `none`: the shapes list subclasses and concepts explicitly and the build carries
the ontology's subclass axioms, so RDFS inference finds exactly the same results on the sample
while taking ~5x longer (measured: 0.9 s vs 4.7 s).

`validate(outdir)` writes `validation.txt` (for people) and `validation.json` (for programs,
sorted, byte-identical across runs: pySHACL's own report graph is full of blank nodes).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from graph.ontology import load_ontology_graph, load_shapes_graph
from graph.rdfio import write_text
from graph.reasoncache import file_digest
from graph.store import graph_file, inferred_file

if TYPE_CHECKING:  # pyoxigraph-based unit reading is imported only when validating
    from graph.shaclcache import StreamCache
    from graph.shaclunits import Batch, BuildIndex, ResultCache

TEXT_FILE = "validation.txt"
JSON_FILE = "validation.json"
VALIDATION_FILES = (TEXT_FILE, JSON_FILE)
INFERENCE = "none"
ENGINE_ENV = "RKG_SHACL_ENGINE"
ENGINES = ("native", "pyshacl")
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ShaclResult:
    """One SHACL result: severity, focus node, path, value, message and the shape's IRI."""

    severity: str
    focus: str
    path: str
    message: str
    value: str = ""
    shape: str = ""
    component: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"severity": self.severity, "focus": self.focus, "path": self.path,
                "message": self.message, "value": self.value, "shape": self.shape,
                "component": self.component}

    def line(self) -> str:
        where = f"{self.focus}" + (f" {self.path}" if self.path else "")
        value = f" (value {self.value})" if self.value and self.value != self.focus else ""
        return f"{self.severity}: {where}: {self.message}{value}"


@dataclass
class ValidationReport:
    """pySHACL's verdict on a build, with every result as a plain record."""

    conforms: bool
    results: list[ShaclResult]
    seconds: float
    triples: int
    inference: str = INFERENCE
    paths: list[Path] = field(default_factory=list)
    graphs: int = 0  # units validated one at a time (0: the union at once): graph/shaclunits
    graphs_validated: int = 0  # of them, validated now (the rest: results from the cache)
    engine: str = "pyshacl"  # or "native": graph/shaclnative.py

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def violations(self) -> int:
        return self.count("Violation")

    @property
    def warnings(self) -> int:
        return self.count("Warning")

    def summary(self, timing: bool = True) -> str:
        verdict = "conforms" if self.violations == 0 else "does not conform"
        took = f"{self.seconds:.1f} s, " if timing else ""
        return (f"SHACL: {verdict}: {self.violations} violations, {self.warnings} warnings, "
                f"{self.count('Info')} infos on {self.triples} triples "
                f"({took}inference {self.inference})")

    def lines(self, limit: int | None = None) -> list[str]:
        out = [self.summary()]
        if self.engine == "native":
            out.append("  by graph/shaclnative.py (the shapes' SHACL-Core subset, pySHACL's "
                       f"results; {ENGINE_ENV}=pyshacl runs pySHACL)")
        if self.graphs:
            out.append(f"  {self.graphs_validated} of {self.graphs} units (document graphs, "
                       "parts of the shared graphs) validated, the others' results reused")
        shown = [r for r in self.results if r.severity == "Violation"]
        for result in shown[:limit] if limit is not None else shown:
            out.append(f"  {result.line()}")
        if limit is not None and len(shown) > limit:
            out.append(f"  ... and {len(shown) - limit} more violations")
        for path in self.paths:
            out.append(f"  wrote {path}")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"conforms": self.violations == 0, "inference": self.inference,
                "triples": self.triples,
                "counts": {s: self.count(s) for s in ("Violation", "Warning", "Info")},
                "results": [r.as_dict() for r in self.results]}

    def text(self) -> str:
        lines = [self.summary(timing=False), ""]
        for severity in ("Violation", "Warning", "Info"):
            chosen = [r for r in self.results if r.severity == severity]
            if not chosen:
                continue
            lines.append(f"{severity}s ({len(chosen)}):")
            lines.extend(f"  {r.line()}" for r in chosen)
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


def _term(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return "_:blank"
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, Literal):
        return term.n3()
    return str(term)


def _path_text(report: Graph, path: Any) -> str:
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return str(path)
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{inverse}"
    return "(complex path)"


def _shape_name(report: Graph, shapes: Graph, shape: Any) -> str:
    """The shape's IRI; for an anonymous property shape, its node shape's IRI."""
    if isinstance(shape, URIRef):
        return str(shape)
    parent = shapes.value(None, SH.property, shape)
    return str(parent) if isinstance(parent, URIRef) else ""


def results_from(report: Graph, shapes: Graph) -> list[ShaclResult]:
    """pySHACL's report graph as sorted ShaclResult records."""
    return sort_results(result for _focus, result in focused_results(report, shapes))


def sort_results(results: Iterable[ShaclResult]) -> list[ShaclResult]:
    """Sorted on every field: results differing only in their component (a value both below
    sh:minInclusive and above sh:maxInclusive) keep one order across processes."""
    return sorted(set(results), key=lambda r: (_SEVERITY_ORDER.get(r.severity, 9), r.focus,
                                               r.path, r.message, r.value, r.shape,
                                               r.component))


def focused_results(report: Graph, shapes: Graph) -> Iterator[tuple[Any, ShaclResult]]:
    """(focus node as in the data graph, its ShaclResult) for every result of the report."""
    for node in report.subjects(SH.resultSeverity, None):
        severity = str(report.value(node, SH.resultSeverity)).rsplit("#", 1)[-1]
        message = report.value(node, SH.resultMessage)
        component = report.value(node, SH.sourceConstraintComponent)
        focus = report.value(node, SH.focusNode)
        yield focus, ShaclResult(
            severity=severity,
            focus=_term(focus),
            path=_path_text(report, report.value(node, SH.resultPath)),
            message=str(message) if message is not None else "",
            value=_term(report.value(node, SH.value)),
            shape=_shape_name(report, shapes, report.value(node, SH.sourceShape)),
            component=str(component).rsplit("#", 1)[-1] if component is not None else "")


def run_pyshacl(data: Graph, shapes: Graph, ontology: Graph, *, inference: str = INFERENCE,
                inplace: bool = False) -> Graph:
    """pySHACL's report graph for `data` (`inplace`: `data` may receive the ontology)."""
    from pyshacl import validate as shacl_validate

    _conforms, report, _text = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference=inference, inplace=inplace,
        advanced=False, allow_warnings=True, abort_on_first=False)
    return report


def validate_graph(data: Graph, *, inference: str = INFERENCE) -> ValidationReport:
    """Validate an rdflib graph against the shapes (ontology as pySHACL's ont_graph)."""
    shapes = load_shapes_graph()
    started = time.perf_counter()
    triples = len(data)
    results = results_from(run_pyshacl(data, shapes, load_ontology_graph(),
                                       inference=inference), shapes)
    return _report(results, time.perf_counter() - started, triples, inference)


def _report(results: list[ShaclResult], seconds: float, triples: int, inference: str
            ) -> ValidationReport:
    return ValidationReport(conforms=not any(r.severity == "Violation" for r in results),
                            results=results, seconds=seconds, triples=triples,
                            inference=inference)


def validate_by_unit(outdir: Path, inference: str, cache_dir: Path | None = None
                     ) -> ValidationReport | None:
    """The whole-graph report, from each unit's cached or fresh results (under `cache_dir`,
    default outdir/.cache); None when units cannot give the same report (then validate the
    union)."""
    from graph import shaclunits as su

    shapes = load_shapes_graph()
    if inference != "none" or not su.local_shapes(shapes):
        return None
    inferred = inferred_file(outdir)
    paths = [graph_file(outdir), *([inferred] if inferred else [])]
    cache = su.ResultCache((cache_dir or outdir / ".cache") / "validation")
    base = _base_key(inference)
    whole_key = "build-" + _digest(base, *(file_digest(p) for p in paths))
    hit = cache.get(whole_key)
    if isinstance(hit, dict):
        cache.prune(keep=hit.get("units", []))
        report = _report([ShaclResult(**r) for r in hit["results"]], 0.0, hit["triples"],
                         inference)
        report.graphs = len(hit.get("units", []))
        return report
    index = su.read_index(paths, inferred)
    if index.shared:
        return None
    plans = su.plan_units(index, base)
    results: list[ShaclResult] = []
    todo: dict[str, su.UnitWork] = {}
    for plan in plans:
        found = cache.get(plan.key)
        if isinstance(found, list):
            results.extend(ShaclResult(**r) for r in found)
        else:
            todo[plan.name] = plan
    if todo:
        ontology = load_ontology_graph()
        units = ((todo[name], triples) for name, triples in
                 su.unit_triples(paths, set(todo), index.contiguous))
        for batch in su.batches(units):
            results.extend(_validate_batch(batch, index, shapes, ontology, cache))
    report = _report(sort_results(results), 0.0, index.unique_triples, inference)
    report.graphs, report.graphs_validated = len(plans), len(todo)
    cache.put(whole_key, {"results": [r.as_dict() for r in report.results],
                          "triples": report.triples,
                          "units": [f"{p.key}.json" for p in plans]})
    cache.prune()
    return report


def _validate_batch(batch: Batch, index: BuildIndex, shapes: Graph, ontology: Graph,
                    cache: ResultCache) -> list[ShaclResult]:
    """Validate a batch of units at once; cache and return the results of their own
    subjects (a context node's results belong to its own unit)."""
    from graph.shaclunits import batch_graph

    owned: dict[str, list[ShaclResult]] = {plan.name: [] for plan, _t in batch}
    report = run_pyshacl(batch_graph(batch, index.subclass_lines), shapes, ontology,
                         inplace=True)
    for focus, result in focused_results(report, shapes):
        owner = index.home.get(focus.n3() if isinstance(focus, URIRef) else f"_:{focus}")
        if owner in owned:
            owned[owner].append(result)
    for plan, _triples in batch:
        cache.put(plan.key, [r.as_dict() for r in sort_results(owned[plan.name])])
    return [r for found in owned.values() for r in found]


def _base_key(inference: str) -> str:
    """What every unit's results depend on besides its data: shapes, ontology, pySHACL,
    this code."""
    from importlib.metadata import version

    from graph import shaclcache, shacllayout, shaclnative, shaclstream, shaclunits
    from graph.ontology import ontology_files, shapes_path

    files = [shapes_path(), *ontology_files(), Path(__file__), Path(shaclunits.__file__),
             Path(shaclnative.__file__), Path(shaclstream.__file__),
             Path(shacllayout.__file__), Path(shaclcache.__file__)]
    return _digest(inference, version("pyshacl"), version("rdflib"),
                   *(file_digest(f) for f in files))


def input_key() -> str:
    """What the report on a build depends on besides the build's graph files (graph.trig and
    an up-to-date inferred.trig, which the caller hashes): the shapes, the ontology, this
    code, pySHACL's and rdflib's versions, and the engine chosen. The same key and files
    give the same validation.txt (graph/validationjob.py: the site's key uses it, so the
    site need not wait for the report to know whether it changed)."""
    return _digest(_base_key(INFERENCE), engine_choice())


def summary_line(outdir: Path) -> str:
    """The first line of the build's validation.txt (its verdict and counts), or "" when
    there is none."""
    path = outdir / TEXT_FILE
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    return text.splitlines()[0] if text else ""


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:40]


def build_union(outdir: Path) -> Graph:
    """Every named graph of the build (and its up-to-date inferred graph) as one rdflib Graph."""
    from rdflib import Dataset

    ds = Dataset()
    paths = [graph_file(outdir)]
    extra = inferred_file(outdir)
    if extra is not None:
        paths.append(extra)
    for path in paths:
        ds.parse(path, format="trig")
    union = Graph()
    for s, p, o, _g in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def validate_native(outdir: Path, cached: bool = True, cache_dir: Path | None = None
                    ) -> ValidationReport | None:
    """The report from graph/shaclnative.py, cached under the hash of the build's files (and
    unit by unit: graph/shaclcache.py); None when the shapes or the data need pySHACL."""
    from graph import shaclnative as sn
    from graph.ontology import ontology_files
    from graph.shaclcache import StreamCache

    shapes = load_shapes_graph()
    try:
        program = sn.compile_shapes(shapes)
    except sn.Unsupported:
        return None
    inferred = inferred_file(outdir)
    paths = [graph_file(outdir), *([inferred] if inferred else [])]
    cache = _result_cache((cache_dir or outdir / ".cache") / "validation") if cached else None
    base = _base_key(INFERENCE)
    key = "native-" + _digest(base, *(file_digest(p) for p in paths))
    stream = StreamCache(cache.folder, base) if cache else None
    if cache and stream:  # the per-unit results stay for the next change
        cache.used.add(stream.results_file.name)
    hit = cache.get(key) if cache else None
    if isinstance(hit, dict):
        cache.prune()  # type: ignore[union-attr]
        report = _report([ShaclResult(**r) for r in hit["results"]], 0.0, hit["triples"],
                         INFERENCE)
        report.engine = "native"
        return report
    try:
        rows, triples, counts = _native_rows(paths, ontology_files(), program, stream)
    except sn.Unsupported:
        return None
    results = sort_results(ShaclResult(r.severity, r.focus, r.path, r.message, r.value,
                                       r.shape, r.component) for r in rows)
    report = _report(results, 0.0, triples, INFERENCE)
    report.graphs, report.graphs_validated = counts
    report.engine = "native"
    if cache:
        cache.put(key, {"results": [r.as_dict() for r in results], "triples": report.triples})
        cache.prune()
    return report


def _native_rows(paths: list[Path], ontology: list[Path], program: Any,
                 cache: StreamCache | None) -> tuple[list[Any], int, tuple[int, int]]:
    """graph/shaclnative.py's rows and triple count: unit by unit (graph/shaclstream.py,
    memory bounded by a unit, each unit's results cached) when the files and shapes allow
    it, else in one pass. Returns (rows, triples, (units, units validated now))."""
    from graph import shaclnative as sn
    from graph import shaclstream as ss

    base = sn.load([], ontology, program)  # (the units' text is tested as they are read)
    try:
        outcome = ss.validate_units(paths, base, program, cache)
        return outcome.rows, outcome.triples, (outcome.units, outcome.validated)
    except ss.Fallback:
        del base
    data = sn.load(paths, ontology, program)
    return list(sn.rows(program, data)), data.triples, (0, 0)


def _result_cache(folder: Path) -> ResultCache:
    from graph.shaclunits import ResultCache

    return ResultCache(folder)


def engine_choice(engine: str | None = None) -> str:
    """`native` (graph/shaclnative.py when the shapes allow it, else pySHACL) or `pyshacl`;
    the RKG_SHACL_ENGINE variable chooses when the caller does not."""
    chosen = engine or os.environ.get(ENGINE_ENV, "") or "native"
    if chosen not in ENGINES:
        raise ValueError(f"{ENGINE_ENV}: {chosen!r} is not one of {', '.join(ENGINES)}")
    return chosen


def validate(outdir: Path, *, inference: str = INFERENCE, write: bool = True,
             cached: bool = True, cache_dir: Path | None = None,
             engine: str | None = None) -> ValidationReport:
    """Validate the build in `outdir`; write validation.txt and validation.json there.

    With graph/shaclnative.py (unit by unit, see `_native_rows`; the whole build's results
    cached by the hash of its files) when `engine` is `native` (the default, see `engine_choice`),
    `inference` is `none` and the shapes stay in its subset. Otherwise pySHACL: per named
    graph with cached results (see the module docstring) unless `cached` is False,
    `inference` is not `none` or the shapes reach beyond a node's values' types: then the
    whole union at once, as pySHACL alone would. `cache_dir` (default outdir/.cache) holds
    the cached results: `rkg build` passes out/.cache, shared by its build generations."""
    started = time.perf_counter()
    report = None
    if inference == "none" and engine_choice(engine) == "native":
        report = validate_native(outdir, cached, cache_dir)
    if report is None and cached:
        report = validate_by_unit(outdir, inference, cache_dir)
    if report is None:
        report = validate_graph(build_union(outdir), inference=inference)
    report.seconds = time.perf_counter() - started
    if write:
        text_path, json_path = outdir / TEXT_FILE, outdir / JSON_FILE
        write_text(text_path, report.text())
        write_text(json_path, json.dumps(report.as_dict(), indent=2, ensure_ascii=False,
                                         sort_keys=True) + "\n")
        report.paths = [text_path, json_path]
    return report
