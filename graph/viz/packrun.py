"""The query pack's answers for questions.html, asked in a process of their own beside the site.

questions.html shows the first rows of each parameter-free SELECT query of the pack
(`queries/*.rq`) and counts the others (competency.pack_tables). At 1,000 documents those 17
queries cost about 8 CPU s of Oxigraph, a third of a rebuild's site stage after one document
changed, and nothing of them can be kept from the last build: every query joins the
canonical graph, which changes with any document, and the page shows each query's text, so
the queries cannot be rewritten without changing the page. pyoxigraph holds the GIL while it
evaluates a query, so a thread would not run them beside the pages; a process does:
`PackBeside.start` starts one (`python -m graph.viz.packrun STORE`) as soon as the site's
on-disk store is chosen; it opens the same store read-only (RocksDB takes any number of
read-only readers), answers every query with `answer_pack`, as the site's own process would,
and writes the rows a page shows as plain JSON values (`QueryResult.records`), with the
number of all rows, to its standard output (an unnamed file: the process ends, and its
memory is gone, as soon as it has answered). The site takes them when it
reaches questions.html. Same store, same queries, same engine, same code: the same rows in
the same order (tests/test_viz_packrun.py compares both ways). Whatever goes wrong with the
process (it cannot start, dies, or fails), the site answers the pack itself, as before.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import pyoxigraph as ox

log = logging.getLogger(__name__)
PACKAGE = Path(__file__).resolve().parent.parent  # graph/
ENV = "RKG_SITE_PACK"  # "apart" or "here": overrides the site's choice (build_site's jobs)
ROWS_MAX = 50  # rows a table of questions.html shows (the others are counted)

# the competency questions of DESIGN.md first, in its order; any other query after them
PACK_ORDER = ("timeline", "disagreements", "returns-treaty-status", "possible-breaches",
              "state-treaties", "statements", "network", "joint-statements", "resolutions",
              "upr", "people", "harms", "places", "practices")


@dataclass
class PackAnswer:
    """One query's answer as questions.html shows it: the first rows (`records`: column ->
    a plain JSON value) and the number of all of them; or why the query failed."""

    name: str
    title: str
    question: str
    text: str
    columns: list[str] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    error: str = ""


def answer_pack(store: ox.Store) -> list[PackAnswer]:
    """Every parameter-free SELECT query of the pack on `store` (union of its graphs), in
    questions.html's order; empty when there is no pack."""
    try:
        from graph.query import load_pack, run_head
    except ImportError:
        return []
    try:
        queries = load_pack()
    except Exception as exc:
        log.warning("query pack not used: %s", exc)
        return []
    runnable = sorted((q for q in queries.values()
                       if q.form == "SELECT" and not any(p.required for p in q.params)),
                      key=lambda q: (PACK_ORDER.index(q.name) if q.name in PACK_ORDER
                                     else len(PACK_ORDER), q.name))
    if not runnable:
        return []
    from oxrdflib import OxigraphStore
    from rdflib import Dataset

    ds = Dataset(store=OxigraphStore(store=store), default_union=True)
    answers = []
    for q in runnable:
        answer = PackAnswer(q.name, q.title or q.name, q.question, q.text)
        try:
            # only the rows a page shows are made terms and values (the pack's answers run
            # to 11,000 rows at 1,000 documents); the others are counted
            shown = run_head(q, ds, ROWS_MAX)
        except Exception as exc:
            answer.error = str(exc)
        else:
            answer.columns, answer.records = shown.output_columns, shown.records()
            answer.total = shown.total if shown.total is not None else len(shown.rows)
        answers.append(answer)
    return answers


class PackBeside:
    """The pack answered in a process of its own (module docstring). `enabled`: whether to
    start one at all (not on one core: the pages would wait for it as long); the
    environment's RKG_SITE_PACK, "apart" or "here", decides instead when it is set (the
    process holds about 140 MB at 1,000 documents beside the site's own memory)."""

    def __init__(self, enabled: bool) -> None:
        choice = os.environ.get(ENV, "").strip().lower()
        self.enabled = choice == "apart" if choice in ("apart", "here") else enabled
        self.process: subprocess.Popen[bytes] | None = None
        self.output: IO[bytes] | None = None

    def start(self, store: Path) -> None:
        """Answer the pack on the on-disk store at `store` (opened read-only) from now on,
        with this very code: it runs in the folder holding the package, which comes first on
        its path (`python -m` puts the working folder first). A child
        process of its own (`python -m`), not multiprocessing's: that imports the parent's
        main script again, which a script without a `__main__` guard would run again."""
        if not self.enabled or self.process is not None:
            return
        from graph.childenv import package_environment
        from graph.query import ENV_VAR  # a pack folder named relative to this one's cwd

        env = package_environment()
        if env.get(ENV_VAR):
            env[ENV_VAR] = str(Path(env[ENV_VAR]).expanduser().resolve())
        # its answers go to an unnamed file, not a pipe: through a pipe the process waited,
        # with all its memory (460 MB at 10,000 documents), until the site read them at
        # questions.html, and was still alive at the site's own peak
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(store.resolve())],
                stdin=subprocess.DEVNULL, stdout=self.output, env=env, cwd=PACKAGE.parent)
        except OSError as exc:
            self.close()
            log.warning("the query pack is answered in the site's process: %s", exc)

    def answers(self) -> list[PackAnswer] | None:
        """The process's answers (waiting for them), or None when none was started or it
        gave none (the caller then answers the pack itself)."""
        if self.process is None:
            return None
        try:
            failed = self.process.wait() != 0
            answers = None
            if not failed and self.output is not None:
                self.output.seek(0)
                answers = [PackAnswer(**item) for item in json.load(self.output)]
        except (OSError, ValueError, TypeError) as exc:
            failed, answers = True, None
            log.warning("the query pack's process gave no answers: %s", exc)
        finally:
            self.close()
        if failed:
            log.warning("the query pack is answered in the site's process")
        return answers

    def close(self) -> None:
        """Stop the process if it still runs (the site failed, or was drawn without it)."""
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
        output, self.output = self.output, None
        if output is not None:
            output.close()

    def __enter__(self) -> PackBeside:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def main(argv: list[str] | None = None) -> None:
    """`python -m graph.viz.packrun STORE`: the pack's answers on the store, as JSON."""
    (store,) = argv if argv is not None else sys.argv[1:]
    answers = answer_pack(ox.Store.read_only(store))
    sys.stdout.write(json.dumps([asdict(answer) for answer in answers]))


if __name__ == "__main__":
    main()
