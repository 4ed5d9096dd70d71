"""Outputs are published as one generation: a build killed (SIGKILL) at ten points across
its stages, or run on a full disk or a read-only folder, leaves the outputs byte-identical
to the last good build, and the next build succeeds. Real builds (`python -m graph build`)
on a small tmpfs mounted for the test (the test runs as root, as CI does)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

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


def kill_at(corpus: Path, out: Path, marker: str | None, delay: float) -> None:
    """Start a build, wait for `marker` on its stderr (a stage starting) and `delay`
    seconds more, then SIGKILL it."""
    process = build(corpus, out)
    assert process.stderr is not None
    if marker is not None:
        for line in process.stderr:
            if marker in line:
                break
    time.sleep(delay)
    # a kill after the build ended would test nothing (and its outputs are rightly new)
    assert process.poll() is None, f"the build ended before the kill at {marker} + {delay} s"
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)


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


KILL_POINTS = [
    (None, 0.5), (None, 2.0), (None, 4.0),          # reading, NLP, graph files
    ("Inference", 0.2), ("Inference", 3.0),         # SPARQL rules, HermiT
    # validation and the site take about a second each on this corpus once inference and
    # validation are cached (graph/shaclunits.py): the kills must land before the build ends
    ("SHACL", 0.1), ("SHACL", 0.3),                 # validation
    ("offline site", 0.1), ("offline site", 0.4),   # site pages
    ("offline site", 0.7),                          # site finishing, or the switch
]


def test_fault_killed_full_disk_read_only(small_disk: Path, corpora: tuple[Path, Path]
                                          ) -> None:
    first, second = corpora
    out = small_disk / "out"
    code, log = finish(build(first, out))
    assert code == 0, log
    good = snapshot(out)
    assert "graph.ttl" in good and "site/index.html" in good and "validation.txt" in good

    for marker, delay in KILL_POINTS:
        kill_at(second, out, marker, delay)
        assert snapshot(out) == good, (marker, delay)

    # what the killed builds left is swept when a build takes the folder (and no more)
    assert len(list((out / ".generations").iterdir())) > 1
    with building(out):
        pass
    assert len(list((out / ".generations").iterdir())) == 1
    assert not list((out / ".cache").glob("build-*"))
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
