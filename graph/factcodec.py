"""DocumentFacts <-> JSON, so extracted facts can be cached per document and pipeline version.

Every dataclass is written as a mapping with a "_t" tag naming its class; decoding rebuilds
the same frozen objects (tuples stay tuples), so a cached document gives byte-identical RDF.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from graph import facts as F

_CLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (
        F.Evidence, F.EntityRef, F.EntityMention, F.DateValue, F.PersonCount,
        F.ForcedReturn, F.Detention, F.Visit, F.SpeechAct, F.TreatyStatement,
        F.ResolutionAdoption, F.UPRReview, F.PostHolding, F.HarmReport, F.Practice,
        F.DocumentInfo, F.DocumentFacts)
}


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"_t": type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = _encode(getattr(value, f.name))
        return out
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(record: dict[str, Any]) -> Any:
    """json object_hook: records come innermost first, so field values are already decoded;
    a tagged record becomes its dataclass, its lists tuples."""
    tag = record.pop("_t", None)
    if tag is None:
        return record
    for name, value in record.items():
        if type(value) is list:
            record[name] = tuple(value)
    return _CLASSES[tag](**record)


def dumps(document: F.DocumentFacts) -> str:
    return json.dumps(_encode(document), ensure_ascii=False, sort_keys=True)


def loads(text: str) -> F.DocumentFacts:
    result = json.loads(text, object_hook=_decode)
    if not isinstance(result, F.DocumentFacts):
        raise ValueError("not a DocumentFacts record")
    return result


def dumps_value(value: Any) -> str:
    """Any mix of these dataclasses, lists, dicts and plain values, as JSON."""
    return json.dumps(_encode(value), ensure_ascii=False, sort_keys=True)


def loads_value(text: str) -> Any:
    """The inverse of `dumps_value` (lists inside dataclasses come back as tuples)."""
    return json.loads(text, object_hook=_decode)
