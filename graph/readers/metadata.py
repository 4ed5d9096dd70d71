"""Metadata values, loaded as plain strings and validated before anything uses them.

YAML (`sources.yaml`, Markdown front matter) is parsed with PyYAML's base loader: every
scalar stays a string, nothing is constructed (an unquoted `2023-02-30` is not a failed
`date()` call), and a document with aliases, deep nesting or too many nodes is refused
before it is composed, so an alias bomb is never expanded. Values are then checked: one
string each, of bounded length, dates ISO and plausible.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml

from graph.facts import DateValue

__all__ = ["MetadataError", "date_value", "load_yaml", "text_value"]

MAX_DEPTH = 6
MAX_NODES = 200_000
MAX_VALUE_CHARS = 2_000
# A document about refoulement dated before 1900 or after 2100 is a typo or a test of the
# parser: kept out of the timeline, reported.
YEARS = range(1900, 2101)
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class MetadataError(ValueError):
    """A metadata file or value that cannot be used (the message says why)."""


def load_yaml(text: str) -> Any:
    """Strings, lists and mappings of `text`; `MetadataError` for what is malformed or
    unbounded (aliases, nesting deeper than MAX_DEPTH, more than MAX_NODES nodes)."""
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=yaml.BaseLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise MetadataError("YAML anchors and aliases are not allowed in metadata")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise MetadataError(f"nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            if isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    raise MetadataError(f"more than {MAX_NODES:,} values")
        return yaml.load(text, Loader=yaml.BaseLoader)  # BaseLoader: strings only
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        what = getattr(exc, "problem", None) or type(exc).__name__
        raise MetadataError(f"malformed YAML{where} ({what})") from exc


def text_value(key: str, value: Any) -> str | None:
    """One metadata string, stripped; None if empty. `MetadataError` if not one bounded
    string."""
    if not isinstance(value, str):
        raise MetadataError(f"{key} is not a single value")
    value = " ".join(value.split())
    if len(value) > MAX_VALUE_CHARS:
        raise MetadataError(f"{key} is longer than {MAX_VALUE_CHARS:,} characters")
    return value or None


def date_value(text: str) -> DateValue:
    """An ISO date (yyyy, yyyy-mm, yyyy-mm-dd) that exists and lies within YEARS."""
    m = _ISO.fullmatch(text.strip())
    if m is None:
        raise MetadataError(f"date {_shown(text)} is not ISO (yyyy, yyyy-mm or yyyy-mm-dd)")
    year, month, day = (int(g) if g else None for g in m.groups())
    assert year is not None
    if year not in YEARS:
        raise MetadataError(f"date {_shown(text)} is outside {YEARS[0]}-{YEARS[-1]}")
    try:
        date(year, month or 1, day or 1)
    except ValueError as exc:
        raise MetadataError(f"date {_shown(text)} does not exist ({exc})") from None
    precision = "day" if day else "month" if month else "year"
    return DateValue(m.group(0), precision, text.strip())


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")
