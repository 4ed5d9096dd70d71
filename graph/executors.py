"""Where document extraction runs: local processes (`--jobs`) or a Dask cluster.

`rkg build --executor dask://HOST:PORT` sends each document to the Dask scheduler at that
address; its workers run `graph.buildcache.extract_or_reason` and send the facts back (or,
for a document the NLP stage fails on, the reason, which the build reports and skips).
Everything else (caches, graph files, outputs) stays on the machine running `rkg build`, so a
cluster build writes the same bytes as a local one. Dask rather than Ray: extraction is a plain map
of a picklable function over picklable documents, which is what `distributed` does with the
least machinery (a scheduler and workers started with two commands, no object store or
actor model), it is pure Python on PyPI, and `LocalCluster` lets tests run a real scheduler
with real worker processes (docs/scale.md tells how to run one).

Workers must run the same code, model and registry: each result carries the pipeline version
it was made with (code, lexicons, registry, model), and a result from another version stops
the build with a message naming the worker's version, instead of mixing outputs.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from graph.errors import InputError
from graph.facts import DocumentFacts, DocumentInfo

LOCAL = "local"
DASK_PREFIX = "dask://"
IN_FLIGHT_PER_WORKER = 4  # documents queued per worker: bounded memory, workers kept busy
CONNECT_SECONDS = 10  # a scheduler that does not answer by then is reported

Extract = Callable[[Sequence[DocumentInfo], str, int], Iterator[DocumentFacts | str]]


def check_executor(spec: str) -> None:
    """Refuse an executor spec that names nothing we can run (before any work is done)."""
    if spec == LOCAL:
        return
    if spec.startswith(DASK_PREFIX) and ":" in spec[len(DASK_PREFIX):]:
        _require_distributed()
        return
    raise InputError(f"--executor {spec!r}: expected 'local' or 'dask://HOST:PORT' "
                     "(a Dask scheduler; docs/scale.md)")


def extractor(spec: str) -> Extract | None:
    """The extraction map for `spec`; None for the local default (graph.buildcache's
    process pool, `--jobs`)."""
    check_executor(spec)
    if spec == LOCAL:
        return None
    address = "tcp://" + spec[len(DASK_PREFIX):]

    def extract(infos: Sequence[DocumentInfo], reference_dir: str, _jobs: int
                ) -> Iterator[DocumentFacts | str]:
        return dask_extract(address, infos, reference_dir)

    return extract


def _require_distributed() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise InputError("--executor dask://... needs Dask: pip install "
                         "'refoulement-kg[dask]'") from exc


def dask_extract(address: str, infos: Sequence[DocumentInfo], reference_dir: str
                 ) -> Iterator[DocumentFacts | str]:
    """extract_or_reason over `infos` on the Dask cluster at `address`, yielded in input
    order (so the build is the same whatever the cluster); a string is why a document
    failed, as in a local build."""
    if not infos:
        return
    from distributed import Client

    from graph.nlp.version import pipeline_version

    expected = pipeline_version(reference_dir)
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except OSError as exc:
        raise InputError(f"--executor dask://{address[len('tcp://'):]}: cannot reach the "
                         f"Dask scheduler: {exc}") from exc
    with client:
        workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
        window: deque[Any] = deque()
        pending = iter(infos)
        for info in pending:
            window.append(_submit(client, info, reference_dir))
            if len(window) >= workers * IN_FLIGHT_PER_WORKER:
                break
        while window:
            facts = window.popleft().result()
            # a failed document's reason carries no pipeline version to check
            if not isinstance(facts, str) and facts.pipeline != expected:
                raise InputError(
                    f"a Dask worker extracted {facts.document.file_name} with pipeline "
                    f"{facts.pipeline}, not this build's {expected}: install the same "
                    "refoulement-kg, model and registry on every worker (docs/scale.md)")
            yield facts
            following = next(pending, None)
            if following is not None:
                window.append(_submit(client, following, reference_dir))


def _submit(client: Any, info: DocumentInfo, reference_dir: str) -> Any:
    from graph.buildcache import extract_or_reason

    return client.submit(extract_or_reason, info, reference_dir, key=f"extract-{info.doc_id}",
                         pure=False)


def usable_cores() -> int:
    """The cores this process may run on (the default number of processes for local work)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
