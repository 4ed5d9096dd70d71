"""The per-document work of a build, cached, so that a rebuild redoes only what changed.

For each document the build keeps, under `out/.cache/`:

- `facts/<pipeline>/<doc>.json`: its extracted facts (the NLP stage), reused while its text
  and metadata and the pipeline version are unchanged;
- `graphs/<pipeline+RDF code>/<doc>-<metadata>.*`: what the facts become: its named graph
  (`.nt`, `.trig`: graph/graphfiles.py), its share of the canonical graph (`.canon.nt`), and
  a small record (`.json`) of what linking across documents, the build record and the
  summary need (its forced returns, the entities it discovered, counts). The record is
  written last: its presence means the other files are complete.

A rebuild reads only the records of unchanged documents, never their facts, so memory and
time grow with what the build must link across documents, not with everything extracted.
"""

from __future__ import annotations

import multiprocessing
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from graph import factcodec, iris
from graph.facts import DocumentFacts, DocumentInfo, EntityRef, ForcedReturn, SpeechAct
from graph.graphfiles import NamedGraphFile, write_graph_file, write_ntriples
from graph.rdf.assemble import document_canonical_quads, document_quads, unregistered_refs
from graph.rdfio import write_text

Progress = Callable[[str, int, int], None]
PER_WORKER = 4  # documents per extraction process, at least


@dataclass(frozen=True)
class DocumentRecord:
    """What a build keeps of a document once its graph files are written."""

    file_name: str
    doc_id: str
    stem: Path  # graph files: stem.nt, stem.trig, stem.canon.nt, stem.json
    pipeline: str
    facts: int
    mentions: int
    fact_counts: tuple[tuple[str, int], ...]
    new_entity_keys: tuple[str, ...]  # keys of mentioned entities no registry holds
    returns: tuple[ForcedReturn, ...]  # linked across documents
    discovered: tuple[EntityRef, ...]  # labelled across documents
    statements: tuple[SpeechAct, ...] = ()  # linked to the returns they concern

    @property
    def graph(self) -> NamedGraphFile:
        return NamedGraphFile(iris.document_graph(self.doc_id), self.stem.with_suffix(".nt"))

    @property
    def canonical_part(self) -> Path:
        return self.stem.with_suffix(".canon.nt")

    def files(self) -> list[Path]:
        return [self.stem.with_suffix(s) for s in (".nt", ".trig", ".canon.nt", ".json")]


@dataclass(frozen=True)
class DocumentWork:
    records: list[DocumentRecord]  # in corpus order
    reused: int  # documents whose facts came from the cache (no NLP)
    failed: tuple[tuple[str, str], ...] = ()  # (file name, reason): the NLP stage failed


def process_documents(infos: Sequence[DocumentInfo], facts_dir: Path, graphs_dir: Path,
                      reference_dir: str, jobs: int, progress: Progress | None,
                      extract: Callable[[Sequence[DocumentInfo], str, int],
                                        Iterator[DocumentFacts | str]] | None = None
                      ) -> DocumentWork:
    """Every document's record: from its graph files when they are there, else from its
    cached facts, else from the NLP stage (`extract`, default: `jobs` local processes;
    graph/executors.py)."""
    records: dict[str, DocumentRecord] = {}
    todo: list[DocumentInfo] = []
    reused = 0
    for info in infos:
        stem = graphs_dir / document_stem(info)
        record = read_record(stem)
        if record is not None:
            records[info.doc_id] = record
            reused += 1
            continue
        df = read_cached_facts(facts_dir, info)
        if df is not None:
            records[info.doc_id] = write_document_files(df, stem)
            reused += 1
            continue
        todo.append(info)
    failed: list[tuple[str, str]] = []
    results = (extract or extract_many)(todo, reference_dir, jobs)
    for n, (info, extracted) in enumerate(zip(todo, results, strict=True), 1):
        if progress is not None:
            progress(info.file_name, n, len(todo))
        if isinstance(extracted, str):
            failed.append((info.file_name, extracted))
            continue
        facts_dir.mkdir(parents=True, exist_ok=True)
        write_text(facts_dir / f"{info.doc_id[:32]}.json", factcodec.dumps(extracted))
        records[info.doc_id] = write_document_files(extracted,
                                                    graphs_dir / document_stem(info))
    prune_facts(facts_dir, infos)
    return DocumentWork([records[i.doc_id] for i in infos if i.doc_id in records], reused,
                        tuple(failed))


def document_stem(info: DocumentInfo) -> str:
    """Its text's hash and its metadata's: a changed title or date is a changed document."""
    return f"{info.doc_id[:32]}-{iris.digest(repr(info), length=16)}"


def read_cached_facts(facts_dir: Path, info: DocumentInfo) -> DocumentFacts | None:
    cached = facts_dir / f"{info.doc_id[:32]}.json"
    if not cached.exists():
        return None
    try:
        df = factcodec.loads(cached.read_text(encoding="utf-8"))
    except (ValueError, KeyError, TypeError):
        return None
    return df if df.document == info else None


def write_document_files(df: DocumentFacts, stem: Path) -> DocumentRecord:
    info = df.document
    write_graph_file(iris.document_graph(info.doc_id), document_quads(df),
                     stem.with_suffix(".nt"))
    write_ntriples(iris.graph("canonical"), document_canonical_quads(df),
                   stem.with_suffix(".canon.nt"))
    counts = Counter(type(f).__name__ for f in df.facts)
    record = DocumentRecord(
        info.file_name, info.doc_id, stem, df.pipeline, len(df.facts), len(df.mentions),
        tuple(sorted(counts.items())),
        tuple(sorted({m.entity.key for m in df.mentions if not m.entity.registered})),
        tuple(f for f in df.facts if isinstance(f, ForcedReturn)),
        tuple(sorted(unregistered_refs(df))),
        tuple(f for f in df.facts if isinstance(f, SpeechAct)))
    write_text(stem.with_suffix(".json"), factcodec.dumps_value({
        "file_name": record.file_name, "doc_id": record.doc_id, "pipeline": record.pipeline,
        "facts": record.facts, "mentions": record.mentions,
        "fact_counts": [list(c) for c in record.fact_counts],
        "new_entity_keys": list(record.new_entity_keys), "returns": list(record.returns),
        "discovered": list(record.discovered), "statements": list(record.statements)}))
    return record


def read_record(stem: Path) -> DocumentRecord | None:
    """The record at `stem` if it and the files it describes are all there."""
    path = stem.with_suffix(".json")
    if not path.exists() or not all(p.exists() for p in (
            stem.with_suffix(".nt"), stem.with_suffix(".trig"), stem.with_suffix(".canon.nt"))):
        return None
    try:
        data = factcodec.loads_value(path.read_text(encoding="utf-8"))
        return DocumentRecord(
            data["file_name"], data["doc_id"], stem, data["pipeline"], data["facts"],
            data["mentions"], tuple((k, n) for k, n in data["fact_counts"]),
            tuple(data["new_entity_keys"]), tuple(data["returns"]), tuple(data["discovered"]),
            tuple(data["statements"]))
    except (ValueError, KeyError, TypeError):
        return None


def extract_or_reason(info: DocumentInfo, reference_dir: str = "") -> DocumentFacts | str:
    """The document's facts, or why the NLP stage failed on it: one document that breaks a
    component (an absurd date, a pathological sentence) must not stop the corpus."""
    from graph.sectioned import extract_in_sections

    try:  # a long document is read in sections, each reported (graph/sectioned.py)
        return extract_in_sections(info, reference_dir, _report_section)
    except (Exception, RecursionError) as exc:
        text = " ".join(str(exc).split())
        return (f"facts could not be extracted ({type(exc).__name__}: "
                f"{text[:200] + '…' if len(text) > 200 else text}), skipped")


def _report_section(line: str) -> None:
    print(f"  reading {line}", file=sys.stderr, flush=True)


def extract_many(infos: Sequence[DocumentInfo], reference_dir: str, jobs: int
                 ) -> Iterator[DocumentFacts | str]:
    """extract_document over `infos`, on up to `jobs` processes, yielded in input order (so
    the output is the same whatever `jobs` is). Workers fork from a server that has already
    imported spaCy; each loads the model once, so a process is worth it only for several
    documents (PER_WORKER)."""
    workers = min(jobs, len(infos) // PER_WORKER)
    if workers <= 1:
        for info in infos:
            yield extract_or_reason(info, reference_dir)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["graph.extract"])
    chunk = max(1, min(8, len(infos) // (workers * 8)))
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from pool.map(partial(extract_or_reason, reference_dir=reference_dir), infos,
                            chunksize=chunk)


def prune_facts(facts_dir: Path, infos: Sequence[DocumentInfo]) -> None:
    """Forget the facts of documents no longer in the corpus, and of older pipelines."""
    keep = {f"{info.doc_id[:32]}.json" for info in infos}
    if facts_dir.is_dir():
        for path in facts_dir.glob("*.json"):
            if path.name not in keep:
                path.unlink(missing_ok=True)
    _remove_siblings(facts_dir)


def prune_graph_files(graphs_dir: Path, keep: Sequence[Path]) -> None:
    """Forget graph files of this build's predecessors (and of older pipelines or code)."""
    names = {p.name for p in keep}
    if graphs_dir.is_dir():
        for path in graphs_dir.iterdir():
            if path.name not in names:
                path.unlink(missing_ok=True)
    _remove_siblings(graphs_dir)


def _remove_siblings(folder: Path) -> None:
    if folder.parent.is_dir():
        for other in folder.parent.iterdir():
            if other.is_dir() and other != folder:
                shutil.rmtree(other, ignore_errors=True)


def records_json(records: Sequence[DocumentRecord]) -> list[dict[str, object]]:
    return [{"file": r.file_name, "sha256": r.doc_id, "facts": r.facts,
             "mentions": r.mentions} for r in records]
