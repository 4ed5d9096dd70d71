"""`--store oxigraph:DIR`: the graph survives the process that built it, and a build killed
with SIGKILL while writing the store leaves the last complete graph queryable."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.builder import build_graph

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
RKG = Path(sys.executable).parent / "rkg"
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

pytestmark = pytest.mark.slow

# A reader in a fresh process: a few answers from the store, as JSON.
READER = """
import json, sys
from graph.stores import open_store
store = open_store(sys.argv[1])
def rows(q):
    return sorted("|".join(map(str, r)) for r in store.query(q))
print(json.dumps({
    "documents": rows("PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#> "
                      "SELECT ?f WHERE { ?d a rkg:SourceDocument ; rkg:fileName ?f }"),
    "graphs": sorted(store.named_graphs()),
    "triples": rows("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
}))
"""


def read_store(spec: str) -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", READER, spec], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    answers: dict[str, list[str]] = json.loads(done.stdout)
    return answers


def expected_from(out: Path) -> dict[str, list[str]]:
    """The same answers from a build's graph.trig on the memory store."""
    from graph.stores import MemoryStore

    store = MemoryStore([out / "graph.trig"])

    def rows(q: str) -> list[str]:
        return sorted("|".join(map(str, r)) for r in store.query(q))  # type: ignore[arg-type]

    return {
        "documents": rows("SELECT ?f WHERE { ?d a <https://w3id.org/refoulement-kg/ontology#"
                          "SourceDocument> ; <https://w3id.org/refoulement-kg/ontology#"
                          "fileName> ?f }"),
        "graphs": sorted(store.named_graphs()),
        "triples": rows("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
    }


def test_stores_oxigraph_dir_survives_restart_and_sigkill(tmp_path: Path) -> None:
    store = tmp_path / "store"
    spec = f"oxigraph:{store}"
    out = tmp_path / "out"

    # 1. a complete build, in its own process; read back by another process
    done = subprocess.run([str(RKG), "build", str(CORPUS), "--out", str(out), "--store", spec,
                           "--jobs", "1", "--no-reason", "--no-site", "-q"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    first = expected_from(out)
    assert "2024-yonhap-upr-china.txt" in first["documents"]
    assert read_store(spec) == first

    # 2. a different corpus whose facts are already cached, so the killed build reaches the
    #    store quickly; SIGKILL as soon as it starts writing the next generation
    other = tmp_path / "other"
    generate(other, 12, seed=3)
    scratch = tmp_path / "scratch"
    build_graph(other, scratch)
    second = expected_from(scratch)
    shutil.copytree(scratch / ".cache", out / ".cache", dirs_exist_ok=True)
    build = subprocess.Popen([str(RKG), "build", str(other), "--out", str(out), "--store", spec,
                              "--jobs", "1", "--no-reason", "--no-site", "-q"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not (store / "gen-000002").exists():
        assert build.poll() is None, "the build ended before it was killed"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    assert build.returncode == -signal.SIGKILL
    assert json.loads((store / "current.json").read_text())["generation"] == "gen-000001"
    assert read_store(spec) == first  # the last complete graph, whole

    # 3. the next build cleans up the half-written generation and commits the new graph
    done = subprocess.run([str(RKG), "build", str(other), "--out", str(out), "--store", spec,
                           "--jobs", "1", "--no-reason", "--no-site", "-q"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert read_store(spec) == second
    assert sorted(p.name for p in store.glob("gen-*")) == ["gen-000002"]
    assert os.readlink(store / "current") == "gen-000002"
