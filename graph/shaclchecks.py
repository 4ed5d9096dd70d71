"""The constraints of graph/shaclnative.py: each one pySHACL's rule, on the validator's keys.

A check is made once per constraint of a compiled shape (`CHECKS[kind](parameter)`) and
called with a focus node, its value nodes and the data; it returns the failures as
(constraint component, value key or None), as pySHACL's component would report them. Each
function names the pySHACL code it repeats; literals are inspected as rdflib terms (their
`ill_typed` flag, the Python type of their value, `compare_literal`), so the verdicts are
pySHACL's. Where pySHACL would stop, `Unsupported` is raised and the caller runs pySHACL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

if TYPE_CHECKING:
    from graph.shaclnative import Data, Shape

XSD_STRING = str(XSD.string)
XSD_INTEGER = str(XSD.integer)
NONE: list[str] = []
_NODE_KINDS = {"IRI": ("IRI", "IRIOrLiteral", "BlankNodeOrIRI"),
               "BlankNode": ("BlankNode", "BlankNodeOrLiteral", "BlankNodeOrIRI"),
               "Literal": ("Literal", "BlankNodeOrLiteral", "IRIOrLiteral")}
_ACTUAL_TYPES: dict[str, type | tuple[type, ...]] = {
    str(XSD.string): (str, bytes), str(RDF.langString): (str, bytes), str(XSD.integer): int,
    str(XSD.float): float, str(XSD.decimal): Decimal, str(XSD.boolean): bool,
    str(XSD.date): date, str(XSD.time): time, str(XSD.dateTime): datetime}

Failure = tuple[str, str | None]  # (constraint component, value key or None)
Check = Callable[[str, list[str], "Data"], list[Failure]]


class Unsupported(Exception):
    """The shapes or the data need something the native validator does not do: use
    pySHACL."""


_XSD_STRING_T, _LANG_T, _XSD_INTEGER_T = XSD.string, RDF.langString, XSD.integer


def failures(shape: Shape, focus: str, data: Data, found: dict[str, list[str]] | None
             ) -> list[Failure]:
    """Every failure of `shape`'s own constraints on `focus` (not its sh:property shapes),
    `found` the focus node's values. (Lists, not generators: ~1.4 M calls at 1,000
    documents.)"""
    values = [focus] if shape.path is None else (
        found.get(shape.path, NONE) if found is not None else NONE)
    if not values and shape.empty_passes:
        return []
    out: list[Failure] = []
    for check in shape.checks:
        failed = check(focus, values, data)
        if failed:
            out.extend(failed)
    return out


def conforms(shape: Shape, focus: str, data: Data) -> bool:
    values = [focus] if shape.path is None else data.objects(focus, shape.path)
    if not values and shape.empty_passes:
        return all(conforms(p, focus, data) for p in shape.properties)
    for check in shape.checks:
        if check(focus, values, data):
            return False
    return all(conforms(p, focus, data) for p in shape.properties)


def _min_count(n: int) -> Check:
    def check(_f: str, values: list[str], _d: Data) -> list[Failure]:
        return [("MinCountConstraintComponent", None)] if n and len(values) < n else []
    return check


def _max_count(n: int) -> Check:
    def check(_f: str, values: list[str], _d: Data) -> list[Failure]:
        return [("MaxCountConstraintComponent", None)] if len(values) > n else []
    return check


def _each(component: str, test: Callable[[Any, str, Data], bool]) -> Callable[[Any], Check]:
    """A check of each value node on its own: a result per failing value."""
    def make(arg: Any) -> Check:
        def check(_f: str, values: list[str], data: Data) -> list[Failure]:
            return [(component, v) for v in values if not test(arg, v, data)]
        return check
    return make


def _datatype(arg: tuple[URIRef, str], value: str, data: Data) -> bool:
    """pySHACL's DatatypeConstraintComponent.evaluate and _assert_actual_datatype."""
    if value[0] in "<_":
        return False
    dt, dt_text = arg
    raw = data.raw.get(value)
    if raw is not None and not raw.language:  # a plain string or a canonical integer
        wanted = raw.datatype.value
        if wanted in (XSD_STRING, XSD_INTEGER) and wanted == dt_text:
            return True
    v = data.term(value)
    if v.datatype == dt:
        return getattr(v, "ill_typed", None) is not True and _actual(v, dt)
    if dt == RDFS.Literal:
        return True
    if dt == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and dt == _XSD_STRING_T:
        return _actual(v, dt)
    return bool(dt == _LANG_T and v.language and _actual(v, dt))


def _actual(v: Literal, dt: Any) -> bool:
    wanted = _ACTUAL_TYPES.get(str(dt))
    return True if wanted is None else isinstance(v.value, wanted)


def _node_kind(kind: str, value: str, _d: Data) -> bool:
    actual = "IRI" if value[0] == "<" else "BlankNode" if value[0] == "_" else "Literal"
    return kind in _NODE_KINDS[actual]


def _class(cls: str, value: str, data: Data) -> bool:
    return value[0] in "<_" and data.is_instance(value, cls)


def _in(members: frozenset[str], value: str, _d: Data) -> bool:
    return value in members


def _string(value: str, data: Data) -> str:
    """pySHACL's StringBasedConstraintBase.value_node_to_string (the lexical form of a
    string, a language-tagged string or a canonical integer)."""
    raw = data.raw.get(value)
    if raw is not None:
        return str(raw.value)
    if value[0] == "<":
        return value[1:-1]
    v = data.term(value)
    if v.value is not None and v.datatype in (None, _LANG_T, _XSD_STRING_T):
        return str(v.value)
    return str(v)


def _pattern(matcher: re.Pattern[str], value: str, data: Data) -> bool:
    return value[0] != "_" and matcher.search(_string(value, data)) is not None


def _min_length(n: int, value: str, data: Data) -> bool:
    return n == 0 or (value[0] != "_" and len(_string(value, data)) >= n)


def _max_length(n: int, value: str, data: Data) -> bool:
    return value[0] != "_" and len(_string(value, data)) <= n


def _range(passes: Callable[[int], bool]
           ) -> Callable[[tuple[Literal, bool], str, Data], bool]:
    """pySHACL's value range components: literals only, strings with strings only (the
    bound comes with whether it is an xsd:integer)."""
    def test(arg: tuple[Literal, bool], value: str, data: Data) -> bool:
        from pyshacl.rdfutil.compare import compare_literal

        if value[0] in "<_":
            return False
        bound, whole = arg
        raw = data.raw.get(value)
        if whole and raw is not None and not raw.language and \
                raw.datatype.value == XSD_INTEGER:
            number = int(raw.value)  # two xsd:integers: rdflib compares the numbers
            return passes((number > bound.value) - (number < bound.value))
        v = data.term(value)
        if isinstance(bound.value, str) != isinstance(v.value, str):
            return False
        try:
            return passes(compare_literal(v, bound))
        except (TypeError, NotImplementedError):
            return False
    return test


def _less_or_equal(other: str) -> Check:
    """pySHACL's LessThanOrEqualsConstraintComponent._compare_ltoe."""
    def check(focus: str, values: list[str], data: Data) -> list[Failure]:
        out: list[Failure] = []
        for value in values:
            left, left_str = _comparable(value, data)
            for compare in data.objects(focus, other):
                right, right_str = _comparable(compare, data)
                try:
                    ok = left_str == right_str and left <= right
                except TypeError as error:  # pySHACL would stop on it: let it
                    raise Unsupported(f"cannot compare {value} and {compare}") from error
                if not ok:
                    out.append(("LessThanOrEqualsConstraintComponent", value))
        return out
    return check


def _comparable(key: str, data: Data) -> tuple[Any, bool]:
    if key[0] == "_":
        raise Unsupported("sh:lessThanOrEquals on a blank node (pySHACL stops)")
    term = data.term(key)
    if isinstance(term, URIRef):
        return str(term), True
    if isinstance(term.value, str):
        return term.value, True
    return term, False


def _has_value(hv: str) -> Check:
    def check(_f: str, values: list[str], _d: Data) -> list[Failure]:
        return [] if hv in values else [("HasValueConstraintComponent", None)]
    return check


def _or(members: list[Shape]) -> Check:
    def check(_f: str, values: list[str], data: Data) -> list[Failure]:
        return [("OrConstraintComponent", v) for v in values
                if not any(conforms(m, v, data) for m in members)]
    return check


def _qualified(arg: tuple[Shape, int | None, int | None]) -> Check:
    shape, low, high = arg

    def check(_f: str, values: list[str], data: Data) -> list[Failure]:
        if not values and (low is None or low < 1):
            return []
        passing = sum(1 for v in values if conforms(shape, v, data))
        out: list[Failure] = []
        if high is not None and passing > high:
            out.append(("QualifiedMaxCountConstraintComponent", None))
        if low is not None and passing < low:
            out.append(("QualifiedMinCountConstraintComponent", None))
        return out
    return check


CHECKS: dict[str, Callable[[Any], Check]] = {
    "MinCount": _min_count, "MaxCount": _max_count,
    "Datatype": _each("DatatypeConstraintComponent", _datatype),
    "NodeKind": _each("NodeKindConstraintComponent", _node_kind),
    "Class": _each("ClassConstraintComponent", _class),
    "In": _each("InConstraintComponent", _in),
    "Pattern": _each("PatternConstraintComponent", _pattern),
    "MinLength": _each("MinLengthConstraintComponent", _min_length),
    "MaxLength": _each("MaxLengthConstraintComponent", _max_length),
    "MinInclusive": _each("MinInclusiveConstraintComponent", _range(lambda c: c >= 0)),
    "MaxInclusive": _each("MaxInclusiveConstraintComponent", _range(lambda c: c <= 0)),
    "MinExclusive": _each("MinExclusiveConstraintComponent", _range(lambda c: c > 0)),
    "MaxExclusive": _each("MaxExclusiveConstraintComponent", _range(lambda c: c < 0)),
    "LessThanOrEquals": _less_or_equal, "HasValue": _has_value, "Or": _or,
    "Qualified": _qualified,
}
