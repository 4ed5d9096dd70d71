"""`rkg build` writes graph.ttl in a process of its own, beside inference.

graph.ttl is the sorted union of the build's named graphs as Turtle (graph/graphfiles.py).
Merging the graph files is done by GNU sort in C and gives the number of triples the summary
and build.json report; re-serialising the merged 1.07 M lines as Turtle (1,000 documents) is
pyoxigraph's writer fed from Python, a second or more of one core, and nothing after the
graph stage reads graph.ttl: inference, SHACL, the serve store and the site read graph.trig.
So the graph stage leaves the merged union in the generation (`UNION`) and the build hands it
to a child process that writes graph.ttl while the build infers (a single-threaded stage on
a two-core machine); the build waits for it before publishing the generation, so a published
graph.ttl is always complete and the bytes are those `write_turtle` writes (the same
function, `graphfiles.turtle_from_union`).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from graph.childenv import package_environment
from graph.errors import EnvironmentProblem

UNION = ".graph-union.nt"  # in the build generation, removed once graph.ttl is written


class TurtleJob:
    """graph.ttl being written from `union` by a child process."""

    def __init__(self, union: Path, ttl: Path) -> None:
        self.union, self.ttl = union, ttl
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graph.turtlejob", str(union), str(ttl)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env=package_environment())

    def wait(self) -> None:
        """Return when graph.ttl is written; raise when the child failed."""
        _out, err = self.process.communicate()
        self.union.unlink(missing_ok=True)
        if self.process.returncode != 0:
            lines = err.decode("utf-8", "replace").strip().splitlines()
            raise EnvironmentProblem(f"writing {self.ttl} failed: "
                                     f"{lines[-1] if lines else self.process.returncode}")

    def stop(self) -> None:
        """End the child (the build failed elsewhere) and wait for it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()
        self.union.unlink(missing_ok=True)


def main(argv: Sequence[str]) -> None:
    from graph.graphfiles import turtle_from_union

    union, ttl = argv
    turtle_from_union(Path(union), Path(ttl))


if __name__ == "__main__":
    main(sys.argv[1:])
