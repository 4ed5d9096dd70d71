"""Outputs are published as one generation: a build killed (SIGKILL) at eleven points across
its stages (each kill set off by what the build shows of its progress: a stage's message, a
file it writes, the JVM it starts), or run on a full disk or a read-only folder, leaves the
outputs byte-identical to the last good build, and the next build succeeds. Real builds
(`python -m graph build`) on a small tmpfs mounted for the test (the test runs as root, as
CI does)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest

from graph.generations import OUTPUTS, building
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.slow

EXTRA = ("Border guards in Laos returned eleven North Koreans to China in June 2022, "
         "an aid group said.\n")


def snapshot(out: Path) -> dict[str, str]:
    """Every output as users open it (through out/<name>): relative path -> SHA-256."""
    found: dict[str, str] = {}
    for name in OUTPUTS:
        path = out / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else (
            [path] if path.is_file() else [])
        for f in files:
            found[str(f.relative_to(out))] = hashlib.sha256(f.read_bytes()).hexdigest()
    return found


def build(corpus: Path, out: Path, *options: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "graph", "build", str(corpus), "--out", str(out), "--jobs", "1",
         *options],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, **kwargs)  # type: ignore[call-overload]


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    stdout, stderr = process.communicate(timeout=600)
    return process.returncode, stdout + stderr


class Watch:
    """What a running build shows: its stderr lines (read by a thread), the generation it is
    writing, the files it adds to the cache and the processes it starts."""

    def __init__(self, out: Path) -> None:
        """What `out` holds before the build starts (what earlier, killed builds left)."""
        self.out = out
        self.cache_before = set(_cache_files(out))
        self.generations_before = set(_generations(out))
        self.folders_before = set((out / ".cache").glob("*"))
        self.lines: list[str] = []

    def start(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.readers = [threading.Thread(target=self._read, args=(stream, keep), daemon=True)
                        for stream, keep in ((process.stderr, True), (process.stdout, False))]
        for reader in self.readers:
            reader.start()

    def _read(self, stream: IO[str] | None, keep: bool) -> None:
        for line in stream or ():
            if keep:
                self.lines.append(line)

    def generation(self) -> Path | None:
        new = [g for g in _generations(self.out) if g not in self.generations_before]
        return new[0] if new else None

    def new_cache_files(self, folder: str) -> bool:
        return any(f not in self.cache_before for f in _cache_files(self.out, folder))


def _generations(out: Path) -> list[Path]:
    folder = out / ".generations"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _cache_files(out: Path, folder: str = "") -> list[Path]:
    root = out / ".cache" / folder
    return [p for p in root.rglob("*") if p.is_file()] if root.is_dir() else []


Signal = Callable[[Watch], bool]


def said(marker: str) -> Signal:
    """The build printed `marker` (a stage starting) on stderr."""
    return lambda w: any(marker in line for line in w.lines)


def wrote(name: str) -> Signal:
    """The generation being written holds `name`."""
    return lambda w: (g := w.generation()) is not None and (g / name).exists()


def cached(folder: str) -> Signal:
    """A file the cache did not hold before appeared under out/.cache/`folder`."""
    return lambda w: w.new_cache_files(folder)


def work_folder(pattern: str, files: int = 0) -> Signal:
    """A temporary folder of the build (a glob under out/) exists, with at least `files`
    files in it."""
    def seen(w: Watch) -> bool:
        found = [f for f in w.out.glob(pattern) if f not in w.folders_before]
        g = w.generation()
        if g is not None:
            found += g.glob(pattern)
        return any(sum(1 for p in f.rglob("*") if p.is_file()) >= files for f in found)
    return seen


def child(command: str) -> Signal:
    """The build started a `command` process (HermiT's JVM)."""
    def seen(w: Watch) -> bool:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                name, rest = stat.read_text().rsplit(")", 1)
            except OSError:
                continue
            fields = rest.split()
            if name.endswith(f"({command}") and int(fields[3]) == w.process.pid:
                return True
        return False
    return seen


def kill_when(corpus: Path, out: Path, point: str, signal_: Signal) -> None:
    """Start a build and SIGKILL it, with every process it started, as soon as `signal_`
    shows it has reached `point`: no sleeps, so a slow or busy machine moves the kill with
    the build instead of past its end."""
    watch = Watch(out)
    process = build(corpus, out, start_new_session=True)
    watch.start(process)
    deadline = time.monotonic() + 600
    while not signal_(watch):
        # a kill after the build ended would test nothing (and its outputs are rightly new)
        assert process.poll() is None, f"the build ended before {point}"
        assert time.monotonic() < deadline, f"no sign of {point} in 600 s"
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL, f"the build ended before {point}"
    for reader in watch.readers:
        reader.join(timeout=60)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"this test mounts a tmpfs (root, as in CI): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def corpora(tmp_path: Path) -> tuple[Path, Path]:
    first = tmp_path / "first"
    shutil.copytree(CORPUS, first)
    second = tmp_path / "second"
    shutil.copytree(CORPUS, second)
    (second / "laos.txt").write_text(EXTRA, encoding="utf-8")
    return first, second


# in the order a build reaches them; each kill lands on what a build shows of its progress
KILL_POINTS: list[tuple[str, Signal]] = [
    ("reading (the new generation made)", lambda w: w.generation() is not None),
    ("NLP done for the new document", cached("facts")),
    ("the graph being assembled", work_folder(".cache/build-*")),
    ("graph.trig written, graph.ttl next", wrote("graph.trig")),
    ("the build record written", wrote("summary.txt")),
    ("the inference rules", said("Inference:")),
    ("HermiT running", child("java")),
    ("validation starting", said("SHACL validation")),
    ("validation units being cached", cached("validation")),
    ("the site begun", work_folder(".sites/.site-*.tmp")),
    ("the site half written", work_folder(".sites/.site-*.tmp", files=200)),
]


def test_fault_killed_full_disk_read_only(small_disk: Path, corpora: tuple[Path, Path]
                                          ) -> None:
    first, second = corpora
    out = small_disk / "out"
    code, log = finish(build(first, out))
    assert code == 0, log
    good = snapshot(out)
    assert "graph.ttl" in good and "site/index.html" in good and "validation.txt" in good

    for point, signal_ in KILL_POINTS:
        kill_when(second, out, point, signal_)
        assert snapshot(out) == good, point

    # what the killed builds left is swept when a build takes the folder (and no more)
    assert len(list((out / ".generations").iterdir())) > 1
    with building(out):
        pass
    assert len(list((out / ".generations").iterdir())) == 1
    assert not list((out / ".cache").glob("build-*"))
    # the half-drawn sites are gone from the shelf; the published one stays
    assert list((out / ".sites").iterdir()) == [(out / "site").resolve()]
    assert snapshot(out) == good

    # a full disk: fill what is left (the sweep above freed the killed builds' space, which
    # a build would otherwise free first), build, fail with one line, keep the outputs
    filler = small_disk / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 1_048_576)
                handle.flush()
        except OSError:
            pass
    code, log = finish(build(second, out))
    assert code != 0 and "no space left" in log and "Traceback" not in log, log
    assert snapshot(out) == good
    filler.unlink()

    # a read-only folder
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        code, log = finish(build(second, out))
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert code != 0 and "read-only" in log and "Traceback" not in log, log
    assert snapshot(out) == good

    # the next build succeeds, publishes the new corpus and leaves one generation
    code, log = finish(build(second, out))
    assert code == 0, log
    assert snapshot(out) != good
    assert "laos.txt" in (out / "build.json").read_text(encoding="utf-8")
    assert len(list((out / ".generations").iterdir())) == 1
    assert list((out / ".sites").iterdir()) == [(out / "site").resolve()]
    # what the killed builds left in the cache was swept away
    assert not list((out / ".cache").glob("build-*"))
    assert not [p for p in (out / ".cache").rglob(".*.tmp")]


@pytest.mark.parametrize("case", ["out-is-a-file", "cache-is-a-file", "trig-is-a-folder"])
def test_fault_environment_errors_are_one_line(tmp_path: Path, case: str) -> None:
    out = tmp_path / "out"
    if case == "out-is-a-file":
        out.write_text("x", encoding="utf-8")
    elif case == "cache-is-a-file":
        out.mkdir()
        (out / ".cache").write_text("x", encoding="utf-8")
    else:
        (out / "graph.trig").mkdir(parents=True)
    code, log = finish(build(CORPUS, out))
    assert code != 0 and "Traceback" not in log
    (message,) = [line for line in log.splitlines() if line.startswith("Error:")]
    assert str(out) in message


def test_fault_outputs_follow_the_umask(tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = build(CORPUS, out, "--no-reason", preexec_fn=lambda: os.umask(0o002))
    code, log = finish(process)
    assert code == 0, log
    for name in ("graph.ttl", "graph.trig", "build.json", "summary.txt", "validation.txt",
                 "site/index.html"):
        assert (out / name).resolve().stat().st_mode & 0o777 == 0o664, name
    assert (out / "current").resolve().stat().st_mode & 0o777 == 0o775


def test_fault_a_second_build_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    from graph.generations import building

    out = tmp_path / "out"
    with building(out):
        code, log = finish(build(CORPUS, out))
    assert code != 0 and "Traceback" not in log
    assert f"Error: another build is writing to {out}" in log
