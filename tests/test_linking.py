"""Linking across documents: regressions found by SHACL on a 1,000-document synthetic build."""

from __future__ import annotations

from pathlib import Path

from graph.builder import build_graph
from graph.facts import PersonCount
from graph.linking import consistent_count
from graph.validation import validate


def test_linking_disagreeing_open_counts_give_an_open_span_not_min_above_max() -> None:
    up_to_40 = PersonCount(None, None, 40, "range", "up to 40")
    at_least_300 = PersonCount(None, 300, None, "range", "at least 300")
    merged = consistent_count([up_to_40, at_least_300])
    assert merged is not None and (merged.min, merged.max) == (None, None)
    assert merged.qualifier == "vague"
    # closed disagreements still give the widest closed span
    fifty, sixty = (PersonCount(n, n, n, "exact", str(n)) for n in (50, 60))
    merged = consistent_count([fifty, sixty])
    assert merged is not None and (merged.min, merged.max, merged.value) == (50, 60, None)


def test_linking_sources_disagreeing_on_counts_and_treaty_years_build_a_conforming_graph(
        tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Title: First report\nDate: 2023-10-12\n\n"
        "Chinese authorities forcibly repatriated up to 40 North Koreans on October 9, 2023.\n"
        "Mongolia ratified the Convention against Torture in 2002.\n", encoding="utf-8")
    (corpus / "b.txt").write_text(
        "Title: Second report\nDate: 2023-10-13\n\n"
        "China forcibly returned at least 300 North Korean defectors on October 9, 2023.\n"
        "Mongolia ratified the Convention against Torture in 2003.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = build_graph(corpus, out)
    assert result.fact_counts.get("ForcedReturn") == 2
    assert result.fact_counts.get("TreatyStatement") == 2
    report = validate(out, write=False)
    assert report.violations == 0, report.lines()
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "rkg:statedYear 2002" in ttl and "rkg:statedYear 2003" in ttl
