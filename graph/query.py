"""The query pack: loading `queries/*.rq`, reading their headers, binding typed parameters,
refusing unsafe SPARQL, running queries and formatting their results.

A pack query is one SPARQL 1.1 query per file with its prefixes inline, opening with a comment
header (docs/queries.md):

    # title: Timeline of forced returns
    # question: What forced returns happened, when, ...?
    # param: perpetrator (iri, optional) -- the state that returned them
    # param: from (date, default 2000) -- returns on or after this date
    # lists: places
    # example: rkg query timeline --param perpetrator=rkgd:state/china

Parameters are bound as RDF terms through `initBindings`, never pasted into the query text.
Oxigraph (through oxrdflib) substitutes a bound variable only in the outer query and only when
it is projected, and evaluates BOUND() on a substituted variable as false; rdflib pre-binds it
everywhere. Pack queries are therefore written so that both agree: every parameter is in the
SELECT clause, is used outside sub-queries, and optional filters use COALESCE, never BOUND
(checked on load; tests/test_query_pack.py runs the whole pack on both stores).

User queries (`rkg query FILE`) pass `check_safe` first: updates, LOAD, SERVICE and FROM are
refused before any engine sees them (both engines would fetch; PITFALLS.md), by
graph/guard.py on the text as Oxigraph reads it and by rdflib's parse for rdflib.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.term import Identifier

from graph import native, querycheck
from graph.datafiles import data_dir
from graph.errors import QueryError
from graph.guard import QueryRefused, check_query
from graph.rdfio import PREFIXES

ENV_VAR = "RKG_QUERIES_DIR"
FORMATS = ("table", "csv", "json", "md")
LIST_SEPARATOR = " | "
"""Separator of GROUP_CONCAT in columns that a header lists under `lists:`."""

PARAM_TYPES = ("iri", "string", "integer", "decimal", "boolean", "date", "date-end",
               "dateTime")
_HEADER_KEYS = ("title", "question", "param", "lists", "example", "needs", "note")


# ---------------------------------------------------------------------------------------------
# Locating and loading the pack
# ---------------------------------------------------------------------------------------------


def query_dir() -> Path:
    """The query pack folder: `$RKG_QUERIES_DIR` if set, else `<repo>/queries`."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser().resolve()
    return data_dir("queries")


def rules_dir() -> Path:
    """The inference rules, `queries/rules/*.rq` (CONSTRUCT queries run in file-name order)."""
    return query_dir() / "rules"


@dataclass(frozen=True)
class Param:
    """One parameter of a query: `name (type, optional | default VALUE) -- description`."""

    name: str
    type: str
    description: str = ""
    default: str | None = None
    optional: bool = False

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    def signature(self) -> str:
        if self.default is not None:
            return f"{self.name} ({self.type}, default {self.default})"
        return f"{self.name} ({self.type}{', optional' if self.optional else ''})"


@dataclass(frozen=True)
class QueryDef:
    """A query file and what its header says about it."""

    name: str
    path: Path | None
    text: str
    form: str
    title: str = ""
    question: str = ""
    params: tuple[Param, ...] = ()
    lists: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    prefixes: Mapping[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return str(self.path) if self.path is not None else f"<{self.name}>"

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def load_pack(directory: Path | None = None) -> dict[str, QueryDef]:
    """Every `*.rq` of the pack folder (not `rules/`), by name (the file stem), sorted."""
    folder = directory or query_dir()
    if not folder.is_dir():
        raise QueryError(f"{folder}: no query pack here (set {ENV_VAR} to the queries folder)")
    return {path.stem: load_query(path) for path in sorted(folder.glob("*.rq"))}


def resolve(name_or_file: str, directory: Path | None = None) -> QueryDef:
    """A pack query by name (`timeline`) or a query file (`my.rq`, `queries/timeline.rq`)."""
    candidate = Path(name_or_file)
    if name_or_file.endswith(".rq") or os.sep in name_or_file or candidate.is_file():
        if not candidate.is_file():
            raise QueryError(f"{name_or_file}: no such query file")
        return load_query(candidate)
    folder = directory or query_dir()
    path = folder / f"{name_or_file}.rq"
    if not path.is_file():
        names = ", ".join(sorted(load_pack(folder))) or "none"
        raise QueryError(f"no query named {name_or_file!r} in {folder} (known: {names}; "
                         "or pass a .rq file)")
    return load_query(path)


def load_query(path: Path) -> QueryDef:
    """Read a query file: header, syntax (file:line:column on error), safety, parameters."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query: {exc}") from exc
    return parse_query_text(text, name=path.stem, path=path)


def parse_query_text(text: str, *, name: str = "query", path: Path | None = None) -> QueryDef:
    """A QueryDef from query text (see `load_query`)."""
    source = str(path) if path is not None else f"<{name}>"
    header = _parse_header(text, source)
    form, projected = querycheck.checked(text, lambda: _form_and_projection(text, source))
    params = tuple(_parse_param(line, source) for line in header.get("param", []))
    seen: set[str] = set()
    for param in params:
        if param.name in seen:
            raise QueryError(f"{source}: parameter {param.name!r} is declared twice")
        seen.add(param.name)
    for param in params:
        if re.search(rf"(?i)\bAS\s+\?{param.name}\b", text):
            raise QueryError(f"{source}: parameter ?{param.name} must not be assigned (AS "
                             f"?{param.name}): engines disagree on re-binding a bound variable")
        if form == "SELECT" and projected is not None and param.name not in projected:
            raise QueryError(
                f"{source}: parameter ?{param.name} must be in the SELECT clause (Oxigraph "
                "binds only projected variables)")
        if form != "SELECT":
            raise QueryError(f"{source}: only SELECT queries take parameters")
    lists = tuple(item.strip() for line in header.get("lists", []) for item in line.split(",")
                  if item.strip())
    if lists and projected is not None:
        for column in lists:
            if column not in projected:
                raise QueryError(f"{source}: 'lists: {column}' names no projected column")
    needs = tuple(item.strip() for line in header.get("needs", []) for item in line.split(",")
                  if item.strip())
    query_def = QueryDef(
        name=name, path=path, text=text, form=form,
        title=" ".join(header.get("title", [])), question=" ".join(header.get("question", [])),
        params=params, lists=lists, examples=tuple(header.get("example", [])), needs=needs,
        notes=tuple(header.get("note", [])), prefixes=_declared_prefixes(text))
    for param in params:
        if param.default is not None:
            try:
                bind_value(query_def, param, param.default)
            except QueryError as exc:
                raise QueryError(f"{source}: bad default for parameter {param.name}: "
                                 f"{exc}") from exc
    return query_def


def _parse_header(text: str, source: str) -> dict[str, list[str]]:
    """`# key: value` lines at the top; indented comment lines continue the previous value."""
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        body = stripped[1:]
        match = re.match(r"\s?([a-z]+):\s*(.*)$", body)
        if match and match.group(1) in _HEADER_KEYS:
            current = fields.setdefault(match.group(1), [])
            current.append(match.group(2).strip())
        elif body.strip() == "":
            current = None
        elif current is not None and body.startswith("  "):
            current[-1] = f"{current[-1]} {body.strip()}".strip()
        else:
            current = None
    return fields


_PARAM_RE = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<spec>[^)]*)\)\s*"
                       r"(?:(?:--|—|-)\s*(?P<desc>.*))?$")


def _parse_param(line: str, source: str) -> Param:
    match = _PARAM_RE.match(line.strip())
    if not match:
        raise QueryError(f"{source}: bad 'param:' header line {line!r}; expected "
                         "'name (type, optional | default VALUE) -- description'")
    parts = [part.strip() for part in match.group("spec").split(",")]
    kind = parts[0]
    if kind not in PARAM_TYPES:
        raise QueryError(f"{source}: parameter {match.group('name')!r} has unknown type "
                         f"{kind!r} (known: {', '.join(PARAM_TYPES)})")
    default: str | None = None
    optional = False
    for part in parts[1:]:
        if part == "optional":
            optional = True
        elif part.startswith("default "):
            default = part[len("default "):].strip()
        elif part != "required":
            raise QueryError(f"{source}: parameter {match.group('name')!r}: cannot read "
                             f"{part!r} (expected 'optional', 'required' or 'default VALUE')")
    return Param(match.group("name"), kind, (match.group("desc") or "").strip(), default,
                 optional)


def _declared_prefixes(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(
        r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", text) if m.group(1)}


# ---------------------------------------------------------------------------------------------
# Safety: nothing that writes, loads or leaves the machine
# ---------------------------------------------------------------------------------------------

_ESCAPE_RE = re.compile(r"\\[uU]")
_FORBIDDEN_NODES = {
    "ServiceGraphPattern": "SERVICE (federated query to another endpoint)",
    "Load": "LOAD (fetching a document)",
}


def check_safe(text: str, source: str = "<query>") -> Any:
    """Parse `text` as a SPARQL 1.1 query and refuse anything unsafe; return rdflib's parse.

    Refused (QueryRefused): updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE...), SERVICE,
    FROM / FROM NAMED (rdflib fetches them), and \\u escapes (rdflib expands them before
    parsing and Oxigraph does not, so the two would read different queries). A query that does
    not parse raises QueryError naming `source`, the line and the column.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    check_query(text, source)  # what Oxigraph would run (graph/guard.py)
    if _ESCAPE_RE.search(text):
        raise QueryRefused(f"{source}: \\u escape sequences are refused (engines disagree on "
                           "them); write the character itself")
    try:
        parsed = parseQuery(text)
    except ParseBaseException as exc:
        try:
            parseUpdate(text)
        except ParseBaseException:
            raise QueryError(f"{source}:{exc.lineno}:{exc.col}: SPARQL syntax error: "
                             f"{exc.msg} (near {exc.line.strip()[:80]!r})") from exc
        except Exception:  # rdflib raises assorted errors on odd updates
            pass
        raise QueryRefused(f"{source}: updates (INSERT, DELETE, LOAD, CLEAR, DROP...) are "
                           "refused: the graph is read-only") from exc
    except Exception as exc:  # rdflib's parser raises assorted types
        raise QueryError(f"{source}: SPARQL syntax error: {exc}") from exc
    found = _forbidden(parsed)
    if found:
        raise QueryRefused(f"{source}: {found} is refused: queries never leave this machine")
    return parsed


def _forbidden(node: Any, depth: int = 0) -> str | None:
    from rdflib.plugins.sparql.parserutils import CompValue

    if depth > 500:
        return "a query nested this deep"
    if isinstance(node, CompValue):
        if node.name in _FORBIDDEN_NODES:
            return _FORBIDDEN_NODES[node.name]
        if node.name == "DatasetClause":
            return "FROM / FROM NAMED (use GRAPH; rdflib would fetch the IRI)"
        for value in dict.values(node):
            found = _forbidden(value, depth + 1)
            if found:
                return found
    elif isinstance(node, (list, tuple)):
        for item in node:
            found = _forbidden(item, depth + 1)
            if found:
                return found
    elif hasattr(node, "asList") and not isinstance(node, (str, bytes)):
        return _forbidden(list(node), depth + 1)
    return None


def _query_form(parsed: Any) -> str:
    name = str(parsed[1].name)
    return {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
            "DescribeQuery": "DESCRIBE"}.get(name, name)


def _form_and_projection(text: str, source: str) -> tuple[str, list[str] | None]:
    parsed = check_safe(text, source)
    return _query_form(parsed), _projection(parsed)


def _projection(parsed: Any) -> list[str] | None:
    """Projected variable names of a SELECT (None for SELECT * or other forms)."""
    query = parsed[1]
    # SELECT * has no "projection" key, and CompValue.get returns the key's name for a
    # missing key: test membership
    if query.name != "SelectQuery" or "projection" not in query:
        return None
    names = []
    for item in query["projection"]:
        # CompValue.get returns the key itself when it is missing: test membership instead
        key = "var" if "var" in item else "evar" if "evar" in item else None
        if key is not None:
            names.append(str(item[key]))
    return names


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------

_IRI_BAD = re.compile(r'[\s<>"{}|^`\\]')


def bind_params(query: QueryDef, raw: Mapping[str, str]) -> dict[str, Identifier]:
    """Typed RDF terms for the parameters: given values, else defaults; errors name the query."""
    unknown = sorted(set(raw) - {p.name for p in query.params})
    if unknown:
        known = ", ".join(p.signature() for p in query.params) or "none"
        raise QueryError(f"{query.name}: unknown parameter(s) {', '.join(unknown)} "
                         f"(this query takes: {known})")
    bindings: dict[str, Identifier] = {}
    missing = []
    for param in query.params:
        value = raw.get(param.name, param.default)
        if value is None:
            if param.required:
                missing.append(param)
            continue
        bindings[param.name] = bind_value(query, param, value)
    if missing:
        wanted = " ".join(f"--param {p.name}=<{p.type}>" for p in missing)
        described = "; ".join(f"{p.name}: {p.description}" for p in missing if p.description)
        raise QueryError(f"{query.name}: missing parameter(s): {wanted}"
                         + (f" ({described})" if described else ""))
    return bindings


def bind_value(query: QueryDef, param: Param, value: str) -> Identifier:
    """One parameter value as an RDF term of the parameter's type (QueryError if ill-typed)."""
    where = f"{query.name}: parameter {param.name} ({param.type})"
    text = value.strip()
    if param.type == "iri":
        return URIRef(_expand_iri(text, query, where))
    if param.type == "string":
        return Literal(value)
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise QueryError(f"{where}: {value!r} is not an integer")
        return Literal(int(text), datatype=XSD.integer)
    if param.type == "decimal":
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise QueryError(f"{where}: {value!r} is not a decimal number") from exc
        if not number.is_finite():
            raise QueryError(f"{where}: {value!r} is not a finite number")
        return Literal(number, datatype=XSD.decimal)
    if param.type == "boolean":
        if text.lower() not in ("true", "false"):
            raise QueryError(f"{where}: {value!r} is not true or false")
        return Literal(text.lower() == "true", datatype=XSD.boolean)
    if param.type in ("date", "date-end"):
        return Literal(_period_start(text, where, end=param.type == "date-end"),
                       datatype=XSD.dateTime)
    if param.type == "dateTime":
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise QueryError(f"{where}: {value!r} is not an ISO date-time "
                             "(yyyy-mm-ddThh:mm:ss)") from exc
        return Literal(moment.strftime("%Y-%m-%dT%H:%M:%S"), datatype=XSD.dateTime)
    raise QueryError(f"{where}: unknown type")  # pragma: no cover - checked on load


def _expand_iri(text: str, query: QueryDef, where: str) -> str:
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, colon, local = text.partition(":")
    if colon and not local.startswith("//"):
        namespaces = {**PREFIXES, **query.prefixes}
        if prefix in namespaces:
            text = namespaces[prefix] + local
        elif prefix not in ("http", "https", "urn", "mailto"):
            raise QueryError(f"{where}: unknown prefix {prefix!r} in {text!r} (known: "
                             f"{', '.join(sorted(namespaces))})")
    if ":" not in text or _IRI_BAD.search(text):
        raise QueryError(f"{where}: {text!r} is not an IRI; write it in full "
                         "(https://w3id.org/refoulement-kg/id/state/china) or with a prefix "
                         "(rkgd:state/china)")
    return text


def _period_start(text: str, where: str, *, end: bool) -> str:
    """'2023' / '2023-10' / '2023-10-09' -> the first instant of that period (or of the next
    period, for `end`), as an xsd:dateTime lexical form."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not match:
        raise QueryError(f"{where}: {text!r} is not a date (yyyy, yyyy-mm or yyyy-mm-dd)")
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        start = date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise QueryError(f"{where}: {text!r} is not a valid date: {exc}") from exc
    if end:
        if day:
            start = date.fromordinal(start.toordinal() + 1)
        elif month:
            start = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        else:
            start = date(start.year + 1, 1, 1)
    return f"{start.isoformat()}T00:00:00"


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


@dataclass
class QueryResult:
    """Columns and rows (rdflib terms or None), plus what was asked and how long it took."""

    query: QueryDef
    columns: list[str]
    rows: list[tuple[Identifier | None, ...]]
    bindings: dict[str, Identifier]
    seconds: float
    boolean: bool | None = None
    total: int | None = None  # rows of the whole answer, when `rows` holds only the first

    @property
    def output_columns(self) -> list[str]:
        """The columns shown: parameters are echoed once above the table, not in every row."""
        hidden = {p.name for p in self.query.params}
        return [c for c in self.columns if c not in hidden]

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain JSON values (lists for `lists:` columns)."""
        shown = self.output_columns
        index = {c: i for i, c in enumerate(self.columns)}
        return [{c: cell_value(row[index[c]], c in self.query.lists) for c in shown}
                for row in self.rows]

    def params_text(self) -> dict[str, str]:
        return {name: term_text(term) for name, term in sorted(self.bindings.items())}


def run_query(query: QueryDef, ds: Dataset, params: Mapping[str, str] | None = None
              ) -> QueryResult:
    """Bind `params` (strings, typed by the header) and run `query` on `ds`."""
    return run_bound(query, ds, bind_params(query, params or {}))


def run_head(query: QueryDef, ds: Dataset, limit: int) -> QueryResult:
    """A SELECT `query` without parameters on `ds`, its first `limit` rows as terms and the
    number of all of them in `total` (for a page that shows the first rows and counts the
    others: on the native path the others are counted, not converted)."""
    store = native.native_store(ds)
    if store is None or query.form != "SELECT":
        result = run_query(query, ds)
        return replace(result, rows=result.rows[:limit], total=len(result.rows))
    return _run_native(query, ds, store, bind_params(query, {}), limit=limit)


def run_bound(query: QueryDef, ds: Dataset, bindings: dict[str, Identifier]) -> QueryResult:
    """Run `query` on `ds` with parameters already bound as RDF terms (`bind_params`).

    On a Dataset over oxrdflib (`graph.store.open_dataset`), the query goes straight to the
    pyoxigraph store underneath (graph/native.py: same answers, rows converted once per
    distinct term); on any other Dataset, through rdflib's `Dataset.query`.
    """
    store = native.native_store(ds)
    if store is not None:
        return _run_native(query, ds, store, bindings)
    started = time.perf_counter()
    try:
        result = ds.query(query.text, initBindings=bindings)
        if result.type == "ASK":
            return QueryResult(query, ["answer"], [], bindings,
                               time.perf_counter() - started, boolean=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            graph = result.graph
            triples = sorted(graph if graph is not None else [], key=_triple_key)
            rows: list[tuple[Identifier | None, ...]] = [
                tuple(_clean(term) for term in t) for t in triples]
            return QueryResult(query, ["subject", "predicate", "object"], rows, bindings,
                               time.perf_counter() - started)
        columns = [str(v) for v in (result.vars or [])]
        rows = [tuple(_clean(row[i]) for i in range(len(columns)))  # type: ignore[index]
                for row in result]
    except QueryError:
        raise
    except Exception as exc:  # engine errors (type errors, timeouts...)
        raise QueryError(f"{query.source}: the query failed: {type(exc).__name__}: {exc}"
                         ) from exc
    return QueryResult(query, columns, rows, bindings, time.perf_counter() - started)


def _run_native(query: QueryDef, ds: Dataset, store: Any, bindings: dict[str, Identifier],
                limit: int | None = None) -> QueryResult:
    """`query` on the pyoxigraph `store` under `ds`; a SELECT's first `limit` rows only (all
    counted in `total`) when a limit is given."""
    started = time.perf_counter()
    try:
        result = native.query(store, ds, query.text, bindings)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(query, ["answer"], [], bindings,
                               time.perf_counter() - started, boolean=bool(result))
        if isinstance(result, ox.QueryTriples):
            rows = sorted(native.graph_triples(result), key=_triple_key)
            return QueryResult(query, ["subject", "predicate", "object"], rows, bindings,
                               time.perf_counter() - started)
        columns, rows, total = native.select_rows(result, limit)
    except Exception as exc:  # engine errors (syntax, type errors, timeouts...)
        raise QueryError(f"{query.source}: the query failed: {type(exc).__name__}: {exc}"
                         ) from exc
    return QueryResult(query, columns, rows, bindings, time.perf_counter() - started,
                       total=total if limit is not None else None)


def _clean(term: Any) -> Identifier | None:
    return term if isinstance(term, (URIRef, Literal, BNode)) else None


def _triple_key(triple: Sequence[Any]) -> tuple[str, ...]:
    return tuple(term_text(t, compact=False) for t in triple)


# ---------------------------------------------------------------------------------------------
# Values and formatting
# ---------------------------------------------------------------------------------------------

_NUMERIC = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.nonNegativeInteger,
            XSD.positiveInteger}


def compact_iri(iri: str) -> str:
    """`https://w3id.org/refoulement-kg/id/state/china` -> `rkgd:state/china`."""
    best, name = "", ""
    for prefix, namespace in PREFIXES.items():
        if prefix and iri.startswith(namespace) and len(namespace) > len(best):
            best, name = namespace, prefix
    return f"{name}:{iri[len(best):]}" if best else iri


def term_text(term: Identifier | None, compact: bool = True) -> str:
    """A term as text: IRIs compacted, literals by their (canonical) lexical form."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return compact_iri(str(term)) if compact else str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        if term.datatype == XSD.decimal:
            try:
                number = Decimal(str(term))
                text = format(number.normalize(), "f")
                return text if "." not in text else text.rstrip("0").rstrip(".")
            except InvalidOperation:
                return str(term)
        if term.datatype == XSD.boolean:
            return "true" if term.toPython() is True else "false"
        return str(term)
    return str(term)


def cell_value(term: Identifier | None, is_list: bool = False) -> Any:
    """A JSON value: int for integers, bool, full IRIs, sorted lists for `lists:` columns."""
    if term is None:
        return [] if is_list else None
    if is_list:
        return sorted({item.strip() for item in str(term).split(LIST_SEPARATOR)
                       if item.strip()})
    if isinstance(term, Literal):
        if term.datatype in _NUMERIC:
            try:
                return int(str(term))
            except ValueError:
                return str(term)
        if term.datatype == XSD.boolean:
            return term.toPython() is True
        return term_text(term)
    return str(term)


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_display(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return compact_iri(value)
    return str(value)


def format_result(result: QueryResult, fmt: str = "table", max_width: int = 60) -> str:
    """The result as `table` (aligned text), `md`, `csv` or `json` (deterministic)."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r} (choose one of {', '.join(FORMATS)})")
    if result.boolean is not None:
        if fmt == "json":
            return json.dumps({"query": result.query.name, "params": result.params_text(),
                               "answer": result.boolean}, ensure_ascii=False, indent=2)
        return "true" if result.boolean else "false"
    records = result.records()
    columns = result.output_columns
    if fmt == "json":
        return json.dumps({"query": result.query.name, "params": result.params_text(),
                           "columns": columns, "rows": records}, ensure_ascii=False, indent=2)
    cells = [[_display(rec[c]) for c in columns] for rec in records]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for rec in records:
            writer.writerow([_csv_cell(rec[c]) for c in columns])
        return out.getvalue().rstrip("\n")
    if fmt == "md":
        def esc(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")
        lines = ["| " + " | ".join(columns) + " |", "|" + "|".join(" --- " for _ in columns)
                 + "|"]
        lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells]
        return "\n".join(lines)
    return _text_table(columns, cells, max_width)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _text_table(columns: list[str], cells: list[list[str]], max_width: int) -> str:
    def cut(text: str) -> str:
        text = text.replace("\n", " ")
        if max_width and len(text) > max_width:
            return text[:max_width - 1] + "…"
        return text

    rows = [[cut(c) for c in row] for row in cells]
    widths = [max([len(col)] + [len(row[i]) for row in rows]) for i, col in enumerate(columns)]
    lines = ["  ".join(col.ljust(w) for col, w in zip(columns, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in rows]
    return "\n".join(lines)


def describe_pack(pack: Mapping[str, QueryDef]) -> list[tuple[str, str]]:
    """(name, title) of every query, for `rkg queries`."""
    return [(name, q.title or "(no title)") for name, q in sorted(pack.items())]


def parse_param_options(options: Iterable[str]) -> dict[str, str]:
    """`["k=v", ...]` from the command line -> {k: v} (QueryError on a malformed option)."""
    params: dict[str, str] = {}
    for option in options:
        key, eq, value = option.partition("=")
        if not eq or not key.strip():
            raise QueryError(f"--param {option!r}: expected NAME=VALUE")
        if key.strip() in params:
            raise QueryError(f"--param {key.strip()} is given twice")
        params[key.strip()] = value
    return params


def rows_as_variables(result: QueryResult) -> list[dict[Variable, Identifier | None]]:
    """Rows keyed by rdflib Variables (for callers that want terms, e.g. tests)."""
    return [{Variable(c): row[i] for i, c in enumerate(result.columns)} for row in result.rows]


def render_pack_docs(pack: Mapping[str, QueryDef], ds: Dataset, *, max_rows: int = 6,
                     max_cell: int = 70) -> str:
    """Markdown for every pack query: question, parameters, examples and the real output of
    its first example on `ds` (docs/queries.md is generated from the sample build)."""
    parts = []
    for name, query in sorted(pack.items()):
        lines = [f"### `{name}` — {query.title}", "", query.question, ""]
        if query.params:
            lines += ["| parameter | type | default | meaning |", "| --- | --- | --- | --- |"]
            for p in query.params:
                default = p.default or ("required" if p.required else "(none)")
                lines.append(f"| `{p.name}` | {p.type} | {default} | {p.description} |")
            lines.append("")
        for note in query.notes:
            lines += [note[:1].upper() + note[1:], ""]
        example = query.examples[0] if query.examples else f"rkg query {name}"
        words = example.split()
        params = dict(words[i + 1].split("=", 1) for i, w in enumerate(words)
                      if w == "--param")
        result = run_query(query, ds, params)
        records = result.records()
        columns = result.output_columns
        lines += ["```", f"$ {example} --format md", "```", ""]
        lines.append("| " + " | ".join(columns) + " |")
        lines.append("|" + "|".join(" --- " for _ in columns) + "|")
        for record in records[:max_rows]:
            cells = []
            for column in columns:
                text = _display(record[column]).replace("|", "\\|").replace("\n", " ")
                cells.append(text if len(text) <= max_cell else text[:max_cell - 1] + "…")
            lines.append("| " + " | ".join(cells) + " |")
        if len(records) > max_rows:
            lines += ["", f"({len(records) - max_rows} more rows)"]
        if not records:
            lines.append("| " + " | ".join("" for _ in columns) + " |")
            lines += ["", "(no rows on the sample)"]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"
