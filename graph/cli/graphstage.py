"""The graph stage of a large `rkg build` runs in a process of its own.

Whatever the graph stage frees, the process keeps much of it: at 10,000 documents the build
process held 1.28 GB after the stage, and still 0.64 GB after handing freed memory back
(`graph.builder.release_memory`), and the stages after it (inference, the serve store,
validation, the site) add their own peak on top. Run in a fresh process that ends with
the stage, the graph stage's heap is gone when inference starts, so a build's peak is the
largest stage's, not their sum.

A fresh interpreter costs a second or two (imports), so a corpus of fewer than
`APART_FROM` documents keeps the stage in the build process. `RKG_GRAPH_PROCESS=apart` or
`=here` decides for every corpus (the tests use both).

The stage's progress reaches the parent's progress bar, its result (a picklable
`BuildResult`) and its errors (the project's errors and OSError, which carry a message)
come back as if it had run here.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from graph.builder import BuildResult

APART_FROM = 500  # documents
ENV = "RKG_GRAPH_PROCESS"

Progress = Callable[[str, int, int], None]


def apart(corpus: Path) -> bool:
    """Whether the graph stage of a build of `corpus` runs in its own process."""
    choice = os.environ.get(ENV, "").strip().lower()
    if choice in ("apart", "here"):
        return choice == "apart"
    if not corpus.is_dir():
        return False
    return sum(1 for _path in itertools.islice(corpus.rglob("*"), APART_FROM)) >= APART_FROM


def build_graph_apart(progress: Progress | None, **options: Any) -> BuildResult:
    """`graph.builder.build_graph(**options)` in a fresh process (module docstring)."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_stage, args=(sender, options, progress is not None),
                              name="rkg-graph-stage")
    process.start()
    sender.close()  # the child holds the only writing end: EOF when it ends
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                process.join()
                raise RuntimeError("the graph stage's process ended without a result "
                                   f"(exit code {process.exitcode})") from None
            if kind == "progress" and progress is not None:
                progress(*payload)
            elif kind == "error":
                raise payload
            elif kind == "result":
                return payload
    finally:
        receiver.close()
        process.join()


def _stage(sender: Connection, options: dict[str, Any], with_progress: bool) -> None:
    from graph.builder import build_graph

    def progress(name: str, n: int, total: int) -> None:
        sender.send(("progress", (name, n, total)))

    try:
        result = build_graph(progress=progress if with_progress else None, **options)
        sender.send(("result", result))
    except BaseException as exc:  # every error the stage raises reaches the parent
        try:
            sender.send(("error", exc))
        except Exception:  # an exception that cannot be pickled: its message
            sender.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        sender.close()
