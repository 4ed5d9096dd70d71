"""A rebuild extracts its few changed documents in a process that started loading spaCy
when the build began.

A rebuild after one edited document of 1,000 spent about 40 % of its graph stage importing
spaCy and loading the pipeline (model, entity ruler, registry) before extracting that one
document, all in the build process while the machine's other core idled. Nothing the build
does before extraction needs spaCy (the pipeline's version, which keys the caches, is read
from package metadata: graph/nlp/version.py): reading and hashing the corpus, detecting the
changed file's language, loading the registry and every unchanged document's record. So a
rebuild starts one worker process at once, which loads the pipeline (`_warm`) while the
build reads; the documents left to extract are then handed to it. The facts are those
`extract_or_reason` gives in the build process (it is what the worker runs).

Only where it can help: a core to spare (`jobs` >= 2), extraction on this machine, a rebuild
(the cache holds a previous build's graph files; a first build extracts every document with
`extract_many`'s processes), and a process that has not loaded the pipeline already (a
long-lived process, such as the test suite's, keeps its loaded pipeline). When more
documents changed than one process should extract (`extract_many` would start several), the
worker is stopped and `extract_many` runs as before.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path

from graph.buildcache import PER_WORKER, extract_many, extract_or_reason
from graph.facts import DocumentFacts, DocumentInfo


class WarmExtractor:
    """One worker process loading the pipeline from the start; `extract` has
    `process_documents`' `extract` signature."""

    def __init__(self, reference_dir: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, reference_dir),
                                       name="rkg-extract", daemon=True)
        self.process.start()
        self.extracted = 0  # documents this worker extracted
        theirs.close()  # the worker holds the only other end: EOF when it ends

    def extract(self, infos: Sequence[DocumentInfo], reference_dir: str, jobs: int
                ) -> Iterator[DocumentFacts | str]:
        if not infos or min(jobs, len(infos) // PER_WORKER) > 1:  # nothing, or many
            self.close()
            yield from extract_many(infos, reference_dir, jobs)
            return
        for info in infos:
            self.connection.send(info)
            try:
                facts = self.connection.recv()
            except EOFError:
                code = self.process.exitcode
                self.close()
                raise RuntimeError("the extraction process ended without a result "
                                   f"(exit code {code})") from None
            self.extracted += 1
            yield facts
        self.connection.send(None)  # done: the worker ends
        self.process.join()
        self.connection.close()

    def close(self) -> None:
        """Stop the worker, at once if it is still loading (nothing was left to extract, or
        the build failed); nothing if it has ended."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.connection.close()


def wanted(jobs: int, cache: Path) -> bool:
    """Whether a build with these `jobs` and this cache folder should start the worker
    (module docstring)."""
    return jobs >= 2 and (cache / "graphs").is_dir() and "graph.nlp.pipeline" not in sys.modules


def _serve(connection: Connection, reference_dir: str) -> None:
    """The worker: load the pipeline, then extract each document sent until None."""
    from graph.nlp.pipeline import build_nlp

    build_nlp(reference_dir)
    while (info := connection.recv()) is not None:
        connection.send(extract_or_reason(info, reference_dir))
    connection.close()
