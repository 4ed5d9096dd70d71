"""The linking stage against a baseline commit, on the same synthetic corpus, alternately.

    python bench/linking.py [--documents 1000] [--baseline 2cf80a5] [--rounds 7]
                            [--work DIR] [--corpus DIR --out DIR]

The linking stage is what a build does between the documents' graph files and the union:
`link_stage` (forced returns linked into events under researchers' decisions; absent before
issue 11) plus `canonical_graph` (the linked quads written and merged with every document's
cached share of the canonical graph). Its goal (issue 11): at most 1.2x the time of the
commit before linking landed (2cf80a5).

Each side runs in a worker process of its own source tree (the baseline is extracted with
`git archive`), started once: it reads the corpus's cached records (extracting them first
when the cache has none; both trees share one output folder, whose caches are keyed by the
code that made them) and then times one stage run per request, in a fresh temporary folder
(no previous identities: a fresh build). Requests alternate between the two workers, the
order swapped every round, so that the load of a shared machine falls on both alike. Prints
each run, the medians, their ratio and the linked triples each side writes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
SEED = 7
BASELINE = "2cf80a5"  # the commit before linking landed (issue 11)

WORKER = r"""
import json, os, sys, tempfile, time
from pathlib import Path
import graph.builder as b
from graph import iris
from graph.buildcache import process_documents
from graph.nlp.version import pipeline_version
from graph.nlp.resources import registry_for
from graph.reading import read_corpus

corpus, out, jobs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
version = pipeline_version("")
graphs = out / ".cache" / "graphs" / iris.digest(version, b.rdf_code_fingerprint(), length=12)
records = process_documents(list(read_corpus(corpus).documents), out / ".cache" / "facts"
                            / iris.digest(version, length=12), graphs, "", jobs, None).records
registry = registry_for("")
print(json.dumps({"returns": sum(len(r.returns) for r in records)}), flush=True)
def cpu():  # this process and the `sort` it runs
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system
for line in sys.stdin:
    with tempfile.TemporaryDirectory(dir=out / ".cache") as tmp:
        started, cpu_started = time.perf_counter(), cpu()
        if hasattr(b, "link_stage"):
            stage = b.link_stage(corpus, Path(tmp), records, registry, None)
            b.canonical_graph(records, Path(tmp), stage)
        else:
            b.canonical_graph(records, Path(tmp))
        seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
        with open(Path(tmp) / "linked.nt", "rb") as handle:
            linked = sum(1 for _ in handle)
    print(json.dumps({"seconds": seconds, "cpu": cpu_seconds, "linked_triples": linked}),
          flush=True)
"""


class Worker:
    """One side: a process of `tree` that has loaded the records and times on request."""

    def __init__(self, name: str, tree: Path, corpus: Path, out: Path, jobs: int) -> None:
        self.name = name
        env = {**os.environ, "PYTHONPATH": str(tree)}
        self.proc = subprocess.Popen(
            ["nice", "-n", "10", sys.executable, "-c", WORKER, str(corpus), str(out),
             str(jobs)], cwd=tree, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True)
        self.info = self._answer()
        self.times: list[float] = []
        self.cpu: list[float] = []
        self.linked = 0

    def _answer(self) -> dict[str, float]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.name} worker stopped (its error is above)")
        return json.loads(line)  # type: ignore[no-any-return]

    def run(self) -> tuple[float, float]:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        answer = self._answer()
        self.times.append(answer["seconds"])
        self.cpu.append(answer["cpu"])
        self.linked = int(answer["linked_triples"])
        return answer["seconds"], answer["cpu"]

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def baseline_tree(commit: str, work: Path) -> Path:
    """The source of `commit`, extracted once into `work`."""
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", commit], check=True,
                         capture_output=True, text=True).stdout.strip()
    tree = work / f"tree-{sha[:12]}"
    if not (tree / "graph").is_dir():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", sha], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def head() -> str:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"],
                          capture_output=True, text=True, check=False)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain",
                            "--untracked-files=no", "--", "graph"], capture_output=True,
                           text=True, check=False).stdout
    return done.stdout.strip() + (" (with uncommitted changes under graph/)" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--baseline", default=BASELINE, help=f"commit (default {BASELINE})")
    parser.add_argument("--rounds", type=int, default=7, help="runs of each side (default 7)")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the corpus, the build caches and the baseline's "
                             "source (default: a temporary folder; reuse one to skip NLP)")
    parser.add_argument("--corpus", type=Path, default=None, help="an existing corpus")
    parser.add_argument("--out", type=Path, default=None,
                        help="an existing build folder of --corpus (its caches are used)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)),
                        help="extraction processes when the cache is empty")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="rkg-linkbench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus or work / f"corpus-{args.documents}"
    if args.corpus is None and not corpus.is_dir():
        from generate import generate

        generate(corpus, args.documents, seed=SEED)
    out = args.out or work / f"out-{corpus.name}"
    out.mkdir(parents=True, exist_ok=True)
    sides = [Worker("baseline", baseline_tree(args.baseline, work), corpus, out, args.jobs),
             Worker("this tree", ROOT, corpus, out, args.jobs)]
    print(f"# Linking stage: {head()} against {args.baseline}\n\n{corpus} "
          f"({sum(1 for _ in corpus.glob('*.txt'))} documents, "
          f"{int(sides[1].info['returns'])} forced-return mentions); each worker under "
          "`nice -n 10`; `link_stage` + `canonical_graph`, wall seconds (CPU seconds of the "
          "worker and its `sort`):\n")
    for n in range(args.rounds):
        order = sides if n % 2 == 0 else sides[::-1]
        row = {w.name: w.run() for w in order}
        print(f"round {n + 1}: " + ", ".join(
            f"{name} {wall:.2f} s ({cpu:.2f} s)" for name, (wall, cpu) in sorted(row.items())),
            flush=True)
    for w in sides:
        w.close()
    print("\n| side | wall, median | CPU, median | runs | linked triples |\n"
          "| --- | --- | --- | --- | --- |")
    for w in sides:
        print(f"| {w.name} | {statistics.median(w.times):.2f} s | "
              f"{statistics.median(w.cpu):.2f} s | {len(w.times)} | {w.linked:,} |")
    old, new = sides
    print(f"\nratio (this tree / baseline, medians): wall **"
          f"{statistics.median(new.times) / statistics.median(old.times):.2f}x**, CPU **"
          f"{statistics.median(new.cpu) / statistics.median(old.cpu):.2f}x** "
          "(goal: at most 1.2x; on a shared machine the CPU time is the steadier figure)")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
