"""Facts of a long document, extracted one section at a time (graph/text/sections.py).

Each section is annotated and read by the extractors as a document of its own; its facts'
offsets are then moved by the section's start, so every quote is still the stored text of
the whole document at its offsets (checked below) and every fact cites the whole document.
A short document is one section: `extract_document` unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar

from graph.extract import extract_document
from graph.facts import DocumentFacts, DocumentInfo, EntityMention, Evidence
from graph.text.sections import section_bounds

T = TypeVar("T")


def extract_in_sections(info: DocumentInfo, reference_dir: str = "",
                        report: Callable[[str], None] | None = None) -> DocumentFacts:
    """The document's facts; `report` hears of each section of a long document."""
    bounds = section_bounds(info.text)
    if len(bounds) == 1:
        return extract_document(info, reference_dir)
    mentions: list[EntityMention] = []
    facts: list[Any] = []
    publisher = None
    pipeline = ""
    for n, (start, end) in enumerate(bounds, 1):
        if report is not None:
            report(f"{info.file_name}: section {n} of {len(bounds)} (characters "
                   f"{start:,} to {end:,} of {len(info.text):,})")
        part = extract_document(replace(info, text=info.text[start:end], pages=()),
                                reference_dir)
        mentions += (shifted(m, start) for m in part.mentions)
        facts += (shifted(f, start) for f in part.facts)
        publisher = publisher or part.publisher
        pipeline = part.pipeline
    for item in (*mentions, *facts):
        _check_quote(item, info.text)
    return DocumentFacts(info, tuple(mentions), tuple(facts), pipeline, publisher)


def shifted(value: T, by: int) -> T:
    """`value` (a fact, a mention, or anything inside one) with its offsets moved by `by`."""
    if isinstance(value, Evidence):
        return replace(value, start=value.start + by, end=value.end + by)
    if isinstance(value, tuple):
        return tuple(shifted(v, by) for v in value)  # type: ignore[return-value]
    if not is_dataclass(value) or isinstance(value, type):
        return value
    changes: dict[str, Any] = {}
    for f in fields(value):
        old = getattr(value, f.name)
        new = old + by if isinstance(value, EntityMention) and f.name in ("start", "end") \
            else shifted(old, by)
        if new is not old:
            changes[f.name] = new
    return replace(value, **changes) if changes else value


def _check_quote(item: object, text: str) -> None:
    """Every quote must still be the whole document's text at its offsets."""
    evidence = item.evidence if hasattr(item, "evidence") else None
    if isinstance(evidence, Evidence) and text[evidence.start:evidence.end] != evidence.quote:
        raise ValueError(f"a section's quote moved: {evidence.quote[:60]!r} is not the text "
                         f"at {evidence.start}-{evidence.end}")
    if isinstance(item, EntityMention) and text[item.start:item.end] != item.surface:
        raise ValueError(f"a section's mention moved: {item.surface!r}")
