"""The reading cache (graph/readcache.py): a rebuild parses only the files whose bytes or
metadata changed, and its outputs are those of a build that parsed everything."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import graph.reading
from graph import readcache
from graph.builder import build_graph
from graph.fingerprint import module_closure
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow

CHANGED = "2024-yonhap-upr-china.txt"
RETITLED = "2023-10-13-hrf-joint-statement.txt"
# written for this test, about no real event
ADDED_SENTENCE = ("\n\nA regional rights network said on Thursday that it had asked the border "
                  "authorities to stop sending detained escapees back.\n")


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """File names the reader parses (rather than taking from the cache)."""
    calls: list[str] = []
    parse: Callable[..., Any] = graph.reading._parse

    def counting(path: Path, data: bytes, metadata: Any, file_name: str) -> Any:
        calls.append(file_name)
        return parse(path, data, metadata, file_name)

    monkeypatch.setattr(graph.reading, "_parse", counting)
    return calls


def _outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes()
            for name in ("graph.trig", "graph.ttl", "build.json", "review.json")}


def test_reading_cache_parses_only_changed_files(tmp_path: Path, parsed: list[str]) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    build_graph(corpus, out, jobs=1)
    assert len(parsed) == 5

    parsed.clear()
    before = _outputs(out)
    build_graph(corpus, out, jobs=1)
    assert parsed == []
    assert _outputs(out) == before

    # one file's text changed, another's sources.yaml entry: those two are parsed again
    with open(corpus / CHANGED, "a", encoding="utf-8") as handle:
        handle.write(ADDED_SENTENCE)
    sources = corpus / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    assert f"- file: {RETITLED}\n" in text
    sources.write_text(text.replace(f"- file: {RETITLED}\n",
                                    f"- file: {RETITLED}\n    url: https://example.org/a\n"),
                       encoding="utf-8")
    history = (out / "identities.json").read_bytes()
    parsed.clear()
    build_graph(corpus, out, jobs=1)
    assert sorted(parsed) == sorted([CHANGED, RETITLED])
    assert b"https://example.org/a" in (out / "graph.trig").read_bytes()

    # the same outputs as a build that read every file (no cache, the same identity record)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "identities.json").write_bytes(history)
    parsed.clear()
    build_graph(corpus, fresh, jobs=1)
    assert len(parsed) == 5
    assert _outputs(out) == _outputs(fresh)
    cached = list((out / ".cache" / "reading").glob("*/*.json"))
    assert len(cached) == 5  # the entries of the old text and metadata are gone


def test_reading_cache_follows_the_reading_code(tmp_path: Path, parsed: list[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    build_graph(corpus, out, jobs=1)
    reading_code = {p.relative_to(CORPUS.parent / "graph").as_posix()
                    for p in module_closure(readcache.READING_ROOTS)}
    assert {"reading.py", "readers/language.py", "readers/decoding.py"} <= reading_code
    first = {p.parent.name for p in (out / ".cache" / "reading").glob("*/*.json")}
    # other reading code (or another version of a reader library): nothing is reused
    monkeypatch.setattr(readcache, "reader_fingerprint", lambda: "0" * 64)
    parsed.clear()
    build_graph(corpus, out, jobs=1)
    assert len(parsed) == 5
    assert {p.parent.name for p in (out / ".cache" / "reading").glob("*/*.json")} == \
        {"0" * 16} != first
