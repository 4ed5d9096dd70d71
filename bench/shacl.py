"""SHACL validation of one build by graph/shaclnative.py and by pySHACL: time, memory, bytes.

    python bench/shacl.py BUILD_DIR [--engines native,pyshacl] [--cache-dir DIR]

Each engine validates a copy of the build's graph.trig and inferred.trig (modification times
kept, so inferred.trig stays up to date) in a fresh Python process, writing validation.txt
and validation.json there; printed per engine: wall and CPU seconds, peak RSS, the report's
summary, then whether the written files are byte-identical (`cmp`). `--cache-dir` gives
each engine a copy of that cache folder (e.g. a previous build's `.cache`: pySHACL then
revalidates only the units that changed, and so does the native validator, unit by unit:
graph/shaclstream.py). A benchmark: it asserts nothing.
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
FILES = ("graph.trig", "inferred.trig")
REPORTS = ("validation.txt", "validation.json")

RUN = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from graph.validation import validate
wall, cpu = time.perf_counter(), time.process_time()
report = validate(Path({out!r}), engine={engine!r}, cache_dir={cache!r} and Path({cache!r}))
print(json.dumps({{"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "engine": report.engine, "summary": report.summary(timing=False),
                  "units": f"{{report.graphs_validated}}/{{report.graphs}} units"}}))
"""


def run(build: Path, engine: str, work: Path, cache: Path | None) -> dict[str, object]:
    out = work / engine
    out.mkdir()
    for name in FILES:
        if (build / name).exists():
            shutil.copy2(build / name, out / name)
    cache_copy = ""
    if cache is not None:
        cache_copy = str(work / f"{engine}-cache")
        shutil.copytree(cache, cache_copy)
    code = RUN.format(root=str(ROOT), out=str(out), engine=engine, cache=cache_copy)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("--engines", default="native,pyshacl")
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-shacl-") as tmp:
        work = Path(tmp)
        for engine in engines:
            figures = run(args.build, engine, work, args.cache_dir)
            print(f"{engine:8} wall {figures['wall']:7.1f} s  CPU {figures['cpu']:7.1f} s  "
                  f"peak RSS {figures['rss_mb']:6.0f} MB  ({figures['engine']}, "
                  f"{figures['units']} validated) "
                  f"{figures['summary']}")
        if len(engines) > 1:
            first, *others = engines
            for other in others:
                same = all(filecmp.cmp(work / first / n, work / other / n, shallow=False)
                           for n in REPORTS)
                print(f"{first} and {other}: validation.txt and validation.json "
                      f"{'byte-identical' if same else 'DIFFER'}")


if __name__ == "__main__":
    main()
