"""`rkg build` validates with SHACL in a process of its own, beside the site.

The site shows one line of the report (the verdict and counts on its index page), and its
key (graph/viz/sitecache.py) must say whether that line can have changed. The report is a
function of the build's graph files (which the key hashes already) and of the shapes, the
ontology and the validating code (`graph.validation.input_key`): the key hashes those, so
the site no longer waits for validation.txt. Validation (single-threaded Python, 35 s at
1,000 documents) then runs in this child while the site is drawn, on the other core of a
two-core machine, and the site waits for it only when it writes its index page, last.
The child writes validation.txt and validation.json as `validate` does in the build's own
process, and hands back the lines the build prints; a child that fails is the build's
error (nothing is published), with the child's last line of error as the reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from graph.childenv import package_environment
from graph.errors import RkgError, environment_problem

SHOWN = 10  # violations the build prints (all are in validation.txt)
FAILED = "SHACL validation"  # how a failure's message starts


class ValidationFailed(RkgError):
    """The SHACL validation child ended without a report (the message says why)."""


class ValidationJob:
    """`graph.validation.validate(out, cache_dir)` running in a child process."""

    def __init__(self, out: Path, cache_dir: Path | None = None) -> None:
        self.out, self.cache_dir = out, cache_dir
        self.process: subprocess.Popen[bytes] | None = None
        self._output: bytes | None = None  # the child's report lines (b"": it failed)
        self._error = ""

    def begin(self) -> None:
        """Start the child: the site is about to be drawn, and validates beside it."""
        if self.process is None:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "graph.validationjob", str(self.out),
                 *([str(self.cache_dir)] if self.cache_dir is not None else [])],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=package_environment())

    def key(self) -> str:
        """What the report is a function of besides the graph files (the site's key)."""
        from graph.validation import input_key

        return "inputs " + input_key()

    def line(self) -> str:
        """validation.txt's first line, once the child has written it."""
        from graph.validation import summary_line

        self._wait()
        return summary_line(self.out)

    def lines(self) -> list[str]:
        """The lines `rkg build` prints for the stage (as `validate(...).lines(SHOWN)`):
        the child's, or, when no site was drawn (the published one was linked whole), those
        of `validate` in this process (its report cached: a process would cost more)."""
        if self.process is None:
            from graph.validation import validate

            return validate(self.out, cache_dir=self.cache_dir).lines(limit=SHOWN)
        lines = json.loads(self._wait())
        return [str(line) for line in lines]

    def _wait(self) -> bytes:
        self.begin()
        assert self.process is not None
        if self._output is None:
            out, err = self.process.communicate()
            if self.process.returncode != 0:
                self._output = b""
                self._error = _reason(err, self.process.returncode)
            else:
                self._output = out
        if not self._output:
            raise ValidationFailed(self._error)
        return self._output

    def stop(self) -> None:
        """End the child (the build failed elsewhere) and wait for it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


def _reason(err: bytes, code: int) -> str:
    """The child's last line of error (`main` makes it the whole message), else its end."""
    lines = err.decode("utf-8", "replace").strip().splitlines()
    last = lines[-1] if lines else (f"the process ended with signal {-code}" if code < 0
                                    else f"exit status {code}")
    return last if last.startswith(FAILED) else f"{FAILED} failed: {last}"


def main(argv: Sequence[str]) -> None:
    from graph.validation import validate

    out, *cache = argv
    try:
        report = validate(Path(out), cache_dir=Path(cache[0]) if cache else None)
    except OSError as exc:  # as the build's own process says it (no space, read-only ...)
        sys.exit(str(environment_problem(exc, FAILED)))
    except Exception as exc:  # the reason, on the last line the build reads, as one line
        if not isinstance(exc, RkgError | ValueError):
            traceback.print_exc()  # a defect: its traceback before
        sys.exit(f"{FAILED} failed: {type(exc).__name__}: {' '.join(str(exc).split())}")
    sys.stdout.write(json.dumps(report.lines(limit=SHOWN)))


if __name__ == "__main__":
    main(sys.argv[1:])
