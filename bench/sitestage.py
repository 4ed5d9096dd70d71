"""The site stage alone: draw the site of a build folder and print its peak memory by phase.

    python bench/sitestage.py GENERATION [--cache DIR] [--previous SITE] [--jobs N]
    # GENERATION: a copy of "$(readlink -f OUT/current)"

Runs `graph.viz.build_site(GENERATION)` (it writes GENERATION/site, so give it a copy of a
build's generation, never the published one) while a thread samples the process's resident
memory (`/proc/self/status`) and the main thread's innermost `graph.viz` functions every
0.1 s. Prints the site's summary, then for each phase (the functions running) the highest
RSS seen and when, then CPU seconds, wall seconds and `ru_maxrss`. Linux only. It asserts
nothing: a benchmark, not a test (docs/site.md, "The site stage's memory").
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import threading
import time
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parent.parent
SAMPLE_SECONDS = 0.1


def resident_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


def phase(thread: int) -> str:
    """The project's functions on the thread's stack, outermost first, build_site itself
    left out. No frame outlives the call: a frame kept by the sampler would keep the main
    thread's objects alive (inflating the figures) and let some be freed on this thread,
    which pyoxigraph's query results refuse."""
    frame: FrameType | None = sys._current_frames().get(thread)
    names = []
    while frame is not None:
        if "/graph/" in frame.f_code.co_filename:
            names.append(f"{Path(frame.f_code.co_filename).stem}.{frame.f_code.co_name}")
        frame = frame.f_back
    return " > ".join(list(reversed(names))[1:4]) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("generation", type=Path, help="a copy of a build's generation folder")
    parser.add_argument("--cache", type=Path, help="the site's cache folder, as `rkg build` "
                        "passes OUT/.cache/site (default: none, every graph read from the store)")
    parser.add_argument("--previous", type=Path, help="the published site (a one-changed "
                        "rebuild: pages whose data are the same are linked from it)")
    parser.add_argument("--jobs", type=int, help="processes the site may run (default: its "
                        "cores; 2 or more answers the query pack in a process of its own)")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from graph.viz import build_site

    site = args.generation / "site"
    if site.is_symlink():
        site.unlink()
    shutil.rmtree(site, ignore_errors=True)
    main_thread = threading.main_thread().ident
    samples: list[tuple[float, int, str]] = []
    done = threading.Event()

    def sample() -> None:
        started = time.perf_counter()
        while not done.is_set():
            samples.append((time.perf_counter() - started, resident_mb(),
                            phase(main_thread or 0)))
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    cpu, wall = time.process_time(), time.perf_counter()
    sampler.start()
    result = build_site(args.generation, cache=args.cache, previous=args.previous,
                        jobs=args.jobs)
    done.set()
    sampler.join()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(result.summary())
    peaks: dict[str, tuple[int, float]] = {}
    for at, rss, where in samples:
        if rss > peaks.get(where, (0, 0.0))[0]:
            peaks[where] = (rss, at)
    for where, (rss, at) in sorted(peaks.items(), key=lambda kv: kv[1][1]):
        print(f"{at:8.1f} s {rss:6d} MB  {where}")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN)  # the query pack's process
    print(f"CPU {cpu:.1f} s (pack's process {child.ru_utime + child.ru_stime:.1f} s), "
          f"wall {wall:.1f} s, ru_maxrss {maxrss} MB")


if __name__ == "__main__":
    main()
