"""Peak memory and time of loading a build's serve store (graph/serve/store.py), whole or in
pieces of a given size. Run each size in its own process under `/usr/bin/time -v`:

    /usr/bin/time -v python bench/storeload.py OUT 0          # each file whole
    /usr/bin/time -v python bench/storeload.py OUT 8388608    # pieces of 8 MB of TriG

OUT is a build folder (graph.trig, inferred.trig); the store is written to a temporary
folder beside this process and removed.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from graph.serve import store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("chunk", type=int, help="bytes of TriG per bulk load; 0: whole files")
    args = parser.parse_args()
    paths = store.inputs(args.out)
    target = Path(tempfile.mkdtemp(prefix="storeload-")) / "oxigraph"
    started = time.perf_counter()
    try:
        if args.chunk:
            store.CHUNK_BYTES = args.chunk
        store._load(paths, target, args.chunk > 0)
        print(f"{args.chunk or 'whole'}: {time.perf_counter() - started:.1f} s wall, "
              f"{', '.join(p.name for p in paths)}")
    finally:
        shutil.rmtree(target.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
