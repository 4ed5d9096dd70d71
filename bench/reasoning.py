"""Inference of one build by one or more source trees: CPU, wall, peak RSS, the same bytes?

    python bench/reasoning.py BUILD_DIR [--cache-dir DIR] [--trees A,B] [--repeat N]

Each run copies the build's graph.trig (and, with `--cache-dir`, that folder as the copy's
`.cache`, e.g. the `.cache` of the build made before an edit: what a rebuild would find) into
a fresh folder and times `graph.reasoning.reason` there in a fresh Python process whose
`graph` package comes from the tree given (default: this one; `--trees /work/main,.`
compares two checkouts on the same files), alternating trees `--repeat` times. Printed per
run: CPU and wall seconds of `reason` alone, the process's peak RSS and the units and groups
reasoning.txt says were redone; then whether every tree wrote the same inferred.trig
(`cmp`). A benchmark: it asserts nothing.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RUN = """
import json, resource, sys, time
sys.path.insert(0, {tree!r})
from pathlib import Path
from graph.reasoning import reason
wall, cpu = time.perf_counter(), time.process_time()
result = reason(Path({out!r}))
print(json.dumps({{"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
REDONE = ("premises:", "groups of focus nodes", "HermiT's input:", "OWL (HermiT)")


def run(build: Path, tree: Path, out: Path, cache: Path | None) -> dict[str, object]:
    out.mkdir(parents=True)
    shutil.copy2(build / "graph.trig", out / "graph.trig")
    if cache is not None:
        shutil.copytree(cache, out / ".cache")
    code = RUN.format(tree=str(tree), out=str(out))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=tree)
    figures = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    report = (out / "reasoning.txt").read_text(encoding="utf-8").splitlines()
    figures["redone"] = "; ".join(line.strip() for line in report
                                  if any(mark in line for mark in REDONE))
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--trees", default=str(ROOT))
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    trees = [Path(t).resolve() for t in args.trees.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-reasoning-") as tmp:
        outs: list[Path] = []
        for turn in range(args.repeat):
            for number, tree in enumerate(trees):
                out = Path(tmp) / f"{turn}-{number}"
                figures = run(args.build, tree, out, args.cache_dir)
                outs.append(out)
                print(f"{tree}  CPU {figures['cpu']:6.2f} s  wall {figures['wall']:6.2f} s  "
                      f"peak RSS {figures['rss_mb']:5.0f} MB  {figures['redone']}")
        first = outs[0] / "inferred.trig"
        same = all(filecmp.cmp(first, o / "inferred.trig", shallow=False) for o in outs[1:])
        print(f"inferred.trig {'byte-identical' if same else 'DIFFERS'} across the "
              f"{len(outs)} runs")


if __name__ == "__main__":
    main()
