"""A rebuild with nothing changed keeps the graph stage's outputs (same bytes, not rewritten);
outputs touched since the last build, or a changed document, make it write them again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.builder import build_graph

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("graph.trig", "graph.ttl", "build.json")


def _stamps(out: Path) -> dict[str, tuple[int, bytes]]:
    return {name: ((out / name).stat().st_mtime_ns, (out / name).read_bytes())
            for name in OUTPUTS}


@pytest.mark.slow
def test_rebuild_unchanged_keeps_outputs(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    out = tmp_path / "out"
    first = build_graph(corpus, out)
    before = _stamps(out)
    again = build_graph(corpus, out)
    assert _stamps(out) == before  # neither rewritten nor changed
    assert again.triples == first.triples and again.reused == len(first.documents)
    # the same summary, but for the time and the line on reused documents
    assert again.summary().splitlines()[2:] == first.summary().splitlines()[1:]
    # an output edited by hand is written again, with the same bytes as before
    (out / "graph.ttl").write_text("damaged\n", encoding="utf-8")
    build_graph(corpus, out)
    assert (out / "graph.ttl").read_bytes() == before["graph.ttl"][1]
    # a changed document changes the outputs
    doc = sorted(corpus.glob("*.txt"))[0]
    doc.write_text(doc.read_text(encoding="utf-8") + "\nOne more line of ours.\n",
                   encoding="utf-8")
    build_graph(corpus, out)
    assert (out / "graph.trig").read_bytes() != before["graph.trig"][1]
