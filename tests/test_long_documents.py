"""Long documents (issue 12): a text over spaCy's 1,000,000 characters is read in sections,
its facts found in every section, with offsets into the whole stored text."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.facts import EntityMention, EntityRef, Evidence
from graph.sectioned import shifted
from graph.text.sections import SECTION_CHARS, section_bounds

RKG = "https://w3id.org/refoulement-kg/ontology#"
OA = "http://www.w3.org/ns/oa#"

# fresh sentences (invented wording); one stated return near the start, one past the
# millionth character, both far from any section's edge
EARLY = "Chinese police deported nine North Korean women to North Korea on 4 February 2020."
LATE = "Laos sent back eleven North Korean refugees to China in the spring of 2017."


def filler(n: int) -> str:
    return (f"Paragraph {n} of the garden society's minutes notes that the hedges along the "
            f"western path were trimmed and that volunteer number {n % 97} repainted the "
            "wooden benches before the autumn fair.")


def long_text(chars: int) -> str:
    paragraphs = ["Title: Minutes of a very long year", "Date: 2021-06-01", "",
                  filler(0), EARLY]
    n = 1
    while sum(len(p) + 2 for p in paragraphs) < chars:
        paragraphs.append(filler(n))
        n += 1
    paragraphs += [LATE, filler(n + 1)]
    return "\n\n".join(paragraphs) + "\n"


def test_sections_cover_the_text_and_cut_at_paragraphs() -> None:
    text = "\n\n".join(filler(n) for n in range(40))
    bounds = section_bounds(text, size=1000)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in pairwise(bounds))
    assert all(0 < end - start <= 1000 for start, end in bounds)
    assert all(text[start - 2:start] == "\n\n" for start, _end in bounds[1:])
    assert "".join(text[a:b] for a, b in bounds) == text


def test_sections_cut_unbroken_text_at_the_size() -> None:
    text = "x" * 2500
    assert section_bounds(text, size=1000) == [(0, 1000), (1000, 2000), (2000, 2500)]
    assert section_bounds("short text") == [(0, 10)]
    line = "word " * 700  # no line break: cut after a space
    assert all(line[end - 1] == " " for _start, end in section_bounds(line, size=1000)[:-1])


def test_shifted_moves_every_offset_of_a_mention() -> None:
    evidence = Evidence("d", 5, 20, "a quoted sentence", "rkg.test.v1")
    mention = EntityMention(EntityRef("laos", "Laos", "State"), "Laos", 7, 11, evidence)
    moved = shifted(mention, 1000)
    assert (moved.start, moved.end) == (1007, 1011)
    assert (moved.evidence.start, moved.evidence.end) == (1005, 1020)
    assert moved.evidence.quote == evidence.quote and moved.entity == mention.entity


def test_long_document_is_built_in_sections_with_verbatim_quotes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from graph.builder import build_graph

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = long_text(1_050_000)
    (corpus / "long-minutes.txt").write_text(text, encoding="utf-8")
    result = build_graph(corpus, tmp_path / "out")
    assert result.problems == []
    sections = len(section_bounds(text)) - 1  # about; the header lines are not stored
    progress = capsys.readouterr().err
    assert f"long-minutes.txt: section {sections} of" in progress
    assert "section 1 of" in progress

    store = ox.Store()
    store.bulk_load(path=str(tmp_path / "out" / "graph.trig"), format=ox.RdfFormat.TRIG)
    stored = next(str(q.object.value) for q in store.quads_for_pattern(
        None, ox.NamedNode(RKG + "text"), None, None))
    assert len(stored) > 1_000_000 > SECTION_CHARS
    quotes = {}
    for row in store.query(f"""PREFIX oa: <{OA}> PREFIX rkg: <{RKG}>
            PREFIX prov: <http://www.w3.org/ns/prov#>
            SELECT ?start ?end ?exact WHERE {{ ?event a rkg:ForcedReturn ;
              rkg:attestedBy/prov:wasDerivedFrom/oa:hasSelector ?q , ?pos .
              ?q oa:exact ?exact . ?pos oa:start ?start ; oa:end ?end }}""",
            use_default_graph_as_union=True):
        start, end = int(row["start"].value), int(row["end"].value)
        assert stored[start:end] == row["exact"].value  # verbatim at whole-document offsets
        quotes[row["exact"].value] = start
    assert quotes.get(EARLY, 10**9) < SECTION_CHARS
    assert quotes.get(LATE, 0) > 1_000_000
    assert stored.index(LATE) == quotes[LATE]
    assert result.counts.get("ForcedReturn").reports == 2
    summary = (tmp_path / "out" / "summary.txt").read_text(encoding="utf-8")
    assert "skipped" not in summary
