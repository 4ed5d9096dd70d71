"""What surrounds an event, on fresh documents built with the real pipeline: the contents of
each resolution credited to that resolution only (`rkg query resolutions`), and statements
linked to the event they concern (`rkg:concerns`). Every sentence here is invented."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from graph.builder import build_graph
from graph.query import load_pack, run_query
from graph.store import open_dataset

DOCUMENTS = {
    "two-resolutions.txt": """Title: Assembly adopts two texts on Korea
Date: 2025-12-20
Source: Harbour Policy Review

The UN General Assembly on 18 December 2025 adopted resolution 80/171 on the situation of \
human rights in North Korea. In that resolution, the General Assembly urged North Korea to \
release all political prisoners.

The Assembly also adopted resolution 80/190 on humanitarian workers on 19 December 2025. In \
it, the General Assembly called on all member states to protect aid convoys.
""",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("context")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCUMENTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    out = root / "out"
    build_graph(corpus, out)
    return out


def store_of(out: Path) -> Store:
    store = Store()
    store.load(path=str(out / "graph.trig"), format=RdfFormat.TRIG)
    return store


@pytest.mark.parametrize("engine", ["oxigraph", "memory"])
def test_linking_resolution_contents_belong_to_their_resolution_only(built: Path,
                                                                      engine: str) -> None:
    rows = run_query(load_pack()["resolutions"],
                     open_dataset(built, store=engine), {}).records()
    said = {(str(r["resolutionName"]), str(r["stanceName"]), str(r["says"])) for r in rows
            if r["says"]}
    first = next(name for name, _s, _w in said if "80/171" in name)
    second = next(name for name, _s, _w in said if "80/190" in name)
    assert {(name, stance) for name, stance, _w in said} == {(first, "urges"),
                                                           (second, "calls-on")}
    assert any("political prisoners" in words for name, _s, words in said if name == first)
    assert any("aid convoys" in words for name, _s, words in said if name == second)
