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
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "_t" in value:
        cls = _CLASSES[value["_t"]]
        kwargs = {k: _decode(v) for k, v in value.items() if k != "_t"}
        for f in dataclasses.fields(cls):
            if isinstance(kwargs.get(f.name), list):
                kwargs[f.name] = tuple(kwargs[f.name])
        return cls(**kwargs)
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def dumps(document: F.DocumentFacts) -> str:
    return json.dumps(_encode(document), ensure_ascii=False, sort_keys=True)


def loads(text: str) -> F.DocumentFacts:
    result = _decode(json.loads(text))
    if not isinstance(result, F.DocumentFacts):
        raise ValueError("not a DocumentFacts record")
    return result
