"""`rkg export` in every format against raw pyoxigraph on the same build: time and peak memory.

    python bench/exports.py BUILD_DIR [--repeat 3] [--formats ttl,trig,nq,jsonld,graphml,csv]

Each run is a fresh Python process (peak RSS is that process's `ru_maxrss`); ours and the raw
baseline run in turn, `--repeat` pairs; printed: the medians of wall and CPU time, and the
CPU ratio pair by pair (min / median / max), the figure that holds on a shared machine.
The raw baseline reads the same files (graph.trig, and
inferred.trig when up to date, as the export does) with `pyoxigraph.parse` and writes them
with `pyoxigraph.serialize`: Turtle (triples, unsorted, duplicates kept), TriG, N-Quads and
JSON-LD in the format itself; for GraphML and CSV, which pyoxigraph does not write,
N-Triples (the cheapest streamed write of the same data). A benchmark: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OURS = """
import resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from graph.exports import export
started, cpu = time.perf_counter(), time.process_time()
export(Path({build!r}), {fmt!r}, Path({out!r}))
print(time.perf_counter() - started, time.process_time() - cpu,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

RAW = """
import resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
import pyoxigraph as ox
from graph.exports import source_files
started, cpu = time.perf_counter(), time.process_time()
def quads():
    for path in source_files(Path({build!r})):
        yield from ox.parse(path=str(path), format=ox.RdfFormat.TRIG)
fmt = {fmt!r}
with open({out!r}, "wb") as handle:
    if fmt == "ttl":
        ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads()), handle,
                     ox.RdfFormat.TURTLE)
    elif fmt in ("graphml", "csv"):
        ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads()), handle,
                     ox.RdfFormat.N_TRIPLES)
    else:
        ox.serialize(quads(), handle, {{"trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS,
                                       "jsonld": ox.RdfFormat.JSON_LD}}[fmt])
print(time.perf_counter() - started, time.process_time() - cpu,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run(template: str, build: Path, fmt: str, out: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one export in a fresh process."""
    code = template.format(root=str(ROOT), build=str(build), fmt=fmt, out=str(out))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    seconds, cpu, rss_kb = done.stdout.split()[-3:]
    return float(seconds), float(cpu), int(rss_kb) / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="ttl,trig,nq,jsonld,graphml,csv")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from graph.exports import source_files

    sources = source_files(args.build)
    print(f"exports of {args.build} ({', '.join(p.name for p in sources)}), median of "
          f"{args.repeat} runs, each in a fresh process\n")
    # the two run in turn, and the ratio is taken pair by pair: on a shared machine the
    # load drifts between runs; CPU time is the steadier figure there
    print("| format | rkg export wall / CPU | peak RSS | raw pyoxigraph wall / CPU | peak RSS | "
          "wall ratio | CPU ratio per pair (min / median / max) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            out = Path(tmp) / (fmt if fmt == "csv" else f"export.{fmt}")
            ours, raw = [], []
            for _ in range(args.repeat):
                ours.append(run(OURS, args.build, fmt, out))
                raw.append(run(RAW, args.build, fmt, Path(tmp) / "raw.out"))
            ours_s = statistics.median(o[0] for o in ours)
            raw_s = statistics.median(r[0] for r in raw)
            ours_cpu = statistics.median(o[1] for o in ours)
            raw_cpu = statistics.median(r[1] for r in raw)
            ours_mb = max(o[2] for o in ours)
            raw_mb = max(r[2] for r in raw)
            pairs = sorted(o[1] / r[1] for o, r in zip(ours, raw, strict=True))
            figures[fmt] = {"ours_s": ours_s, "raw_s": raw_s, "ours_cpu": ours_cpu,
                            "raw_cpu": raw_cpu, "ours_mb": ours_mb, "raw_mb": raw_mb,
                            "cpu_ratios": pairs}
            print(f"| {fmt} | {ours_s:.2f} / {ours_cpu:.2f} s | {ours_mb:.0f} MB | "
                  f"{raw_s:.2f} / {raw_cpu:.2f} s | {raw_mb:.0f} MB | {ours_s / raw_s:.2f}x | "
                  f"{pairs[0]:.2f} / {statistics.median(pairs):.2f} / {pairs[-1]:.2f}x |",
                  flush=True)
    print("\n" + json.dumps(figures, sort_keys=True), file=sys.stderr)


if __name__ == "__main__":
    main()
