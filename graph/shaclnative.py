"""SHACL validation of a build without pySHACL, for the SHACL-Core subset the shapes use.

pySHACL checks ~7,000 triples per CPU second; a 1,000-document build holds 1.1 M. This module
reads the build's TriG files (and the ontology, which pySHACL mixes into the data graph as its
`ont_graph`) once with pyoxigraph, keeps for each subject only the values of the predicates
the shapes read (their paths, targets and rdf:type / rdfs:subClassOf), and evaluates each
shape on its focus nodes in plain Python. Each constraint repeats pySHACL's own rule (the
comments name the pySHACL function), on rdflib terms for the values it inspects, so the
report is the one pySHACL gives: same focus nodes, paths, values, source shapes, components,
severities and messages (tests/test_validation_native.py compares both on real builds and on
builds damaged so that every constraint in the shapes fires).

`compile_shapes` reads the shapes graph and raises `Unsupported` when a shape uses anything
outside the subset (another constraint or target, a non-IRI path, a reporting shape without
exactly one sh:message, a literal in sh:in...): the caller then runs pySHACL. Values that
pySHACL cannot compare (a blank node under sh:lessThanOrEquals) raise `Unsupported` too.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH

from graph.shaclchecks import CHECKS, NONE, XSD_INTEGER, Check, Unsupported, failures
from graph.shaclunits import to_rdflib

RDF_TYPE = f"<{RDF.type}>"
SUBCLASS_OF = f"<{RDFS.subClassOf}>"
_INTEGER_END = f'"^^<{XSD_INTEGER}>'
_CANONICAL_INTEGER = re.compile(r"0|-?[1-9][0-9]*")  # rdflib writes these back unchanged
_NS = str(SH)

# sh: predicates a shape may carry (beyond these: pySHACL).
_SUPPORTED = frozenset(_NS + name for name in (
    "targetClass", "targetSubjectsOf", "property", "path", "message", "severity", "name",
    "description", "order", "group", "minCount", "maxCount", "datatype", "nodeKind", "class",
    "in", "hasValue", "pattern", "flags", "minLength", "maxLength", "minInclusive",
    "maxInclusive", "minExclusive", "maxExclusive", "lessThanOrEquals", "or",
    "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount"))


@dataclass
class Shape:
    """A node shape (path None) or property shape, compiled."""

    node: Any
    path: str | None  # the path predicate in N-Triples form
    name: str  # the report's shape: its IRI, or its node shape's for an anonymous one
    severity: str
    message: str
    constraints: list[tuple[str, Any]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    target_classes: list[str] = field(default_factory=list)
    target_subjects_of: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)  # the constraints as functions
    empty_passes: bool = True  # no value nodes: no failure (no count, hasValue, qualified)


@dataclass
class Program:
    """The compiled shapes: those with targets, and every predicate they read."""

    shapes: list[Shape]
    predicates: set[str]


# --------------------------------------------------------------------------- compiling


def compile_shapes(shapes: Graph) -> Program:
    """The shapes graph as a Program; `Unsupported` when it leaves the subset."""
    for s, p, o in shapes:
        if str(p).startswith(_NS) and str(p) not in _SUPPORTED:
            raise Unsupported(f"{p} on {s}")
        if p == RDF.type and o in (RDFS.Class, OWL.Class):
            raise Unsupported(f"implicit class target {s}")
    compiler = _Compiler(shapes)
    roots = {s for p in (SH.targetClass, SH.targetSubjectsOf) for s in shapes.subjects(p, None)}
    compiled = [compiler.shape(node, reporting=True) for node in sorted(roots, key=str)]
    return Program(compiled, compiler.predicates)


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.predicates = {RDF_TYPE, SUBCLASS_OF}

    def one(self, node: Any, pred: URIRef) -> Any:
        values = list(self.g.objects(node, pred))
        if len(values) > 1:
            raise Unsupported(f"{len(values)} values of {pred} on {node}")
        return values[0] if values else None

    def iri(self, term: Any) -> str:
        if not isinstance(term, URIRef):
            raise Unsupported(f"{term} is not an IRI")
        self.predicates.add(f"<{term}>")
        return f"<{term}>"

    def shape(self, node: Any, reporting: bool, parent: Any = None) -> Shape:
        path = self.one(node, SH.path)
        severity = self.one(node, SH.severity) or SH.Violation
        message = self.one(node, SH.message)
        if parent is None:  # as graph.validation._shape_name finds it
            parent = self.g.value(None, SH.property, node)
        name = str(node) if isinstance(node, URIRef) else (
            str(parent) if isinstance(parent, URIRef) else "")
        shape = Shape(node, self.iri(path) if path is not None else None, name,
                      str(severity).rsplit("#", 1)[-1], str(message) if message else "")
        shape.target_classes = [self.iri(c) for c in self.g.objects(node, SH.targetClass)]
        shape.target_subjects_of = [self.iri(p) for p in self.g.objects(node, SH.targetSubjectsOf)]
        self.constraints(shape)
        shape.checks = [CHECKS[kind](arg) for kind, arg in shape.constraints]
        shape.empty_passes = path is None or not any(
            kind in ("MinCount", "HasValue", "Qualified") for kind, _a in shape.constraints)
        if reporting and shape.constraints and not isinstance(message, Literal):
            raise Unsupported(f"{node} has no single sh:message (pySHACL writes its own)")
        for child in sorted(self.g.objects(node, SH.property), key=str):
            if path is not None:
                raise Unsupported(f"sh:property on the property shape {node}")
            if isinstance(child, BNode) and len(set(self.g.subjects(SH.property, child))) != 1:
                raise Unsupported(f"{child} is the property of several shapes")
            shape.properties.append(self.shape(child, reporting, parent=node))
        return shape

    def constraints(self, shape: Shape) -> None:
        g, node, add = self.g, shape.node, shape.constraints.append
        for pred, kind in ((SH.minCount, "MinCount"), (SH.maxCount, "MaxCount"),
                           (SH.minLength, "MinLength"), (SH.maxLength, "MaxLength")):
            value = self.one(node, pred)
            if value is not None:
                if shape.path is None and kind.endswith("Count"):
                    raise Unsupported(f"{kind} on the node shape {node}")
                add((kind, int(value.value)))
        for dt in g.objects(node, SH.datatype):
            add(("Datatype", (dt, str(dt))))
        for node_kind in g.objects(node, SH.nodeKind):
            add(("NodeKind", str(node_kind).rsplit("#", 1)[-1]))
        for cls in g.objects(node, SH["class"]):
            add(("Class", self.iri(cls)))
        for name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            for bound in g.objects(node, SH[name]):
                if not isinstance(bound, Literal):
                    raise Unsupported(f"sh:{name} {bound}")
                whole = str(bound.datatype) == XSD_INTEGER and type(bound.value) is int
                add((name[0].upper() + name[1:], (bound, whole)))
        for other in g.objects(node, SH.lessThanOrEquals):
            if shape.path is None:
                raise Unsupported(f"sh:lessThanOrEquals on the node shape {node}")
            add(("LessThanOrEquals", self.iri(other)))
        self.value_sets(shape)
        self.nested(shape)

    def value_sets(self, shape: Shape) -> None:
        g, node = self.g, shape.node
        for items in g.objects(node, SH["in"]):
            members = list(Collection(g, items))
            if not all(isinstance(m, URIRef) for m in members):
                raise Unsupported(f"sh:in with a literal or blank node on {node}")
            shape.constraints.append(("In", frozenset(f"<{m}>" for m in members)))
        for value in g.objects(node, SH.hasValue):
            if not isinstance(value, URIRef):
                raise Unsupported(f"sh:hasValue {value}")
            shape.constraints.append(("HasValue", f"<{value}>"))
        patterns = list(g.objects(node, SH.pattern))
        flags = self.one(node, SH.flags)
        re_flags = 0
        if flags is not None:  # pySHACL's PatternConstraintComponent reads i and m only
            re_flags |= (re.I if "i" in str(flags).lower() else 0)
            re_flags |= (re.M if "m" in str(flags).lower() else 0)
        for pattern in patterns:
            if not isinstance(pattern, Literal):
                raise Unsupported(f"sh:pattern {pattern}")
            text = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 \
                else str(pattern)
            shape.constraints.append(("Pattern", re.compile(text, re_flags)))

    def nested(self, shape: Shape) -> None:
        g, node = self.g, shape.node
        for items in g.objects(node, SH["or"]):
            members = [self.shape(m, reporting=False) for m in set(Collection(g, items))]
            if not members:
                raise Unsupported(f"empty sh:or on {node}")
            shape.constraints.append(("Or", members))
        for qvs in g.objects(node, SH.qualifiedValueShape):
            low, high = self.one(node, SH.qualifiedMinCount), self.one(node, SH.qualifiedMaxCount)
            if shape.path is None:
                raise Unsupported(f"sh:qualifiedValueShape on the node shape {node}")
            shape.constraints.append(("Qualified", (
                self.shape(qvs, reporting=False),
                int(low.value) if low is not None else None,
                int(high.value) if high is not None else None)))


# --------------------------------------------------------------------------- the data


class Data:
    """The values the shapes read, per subject, from the build's files and the ontology.

    Nodes are keys: an IRI or a blank node in N-Triples form (blank nodes scoped to their
    file, as rdflib parses each file), a literal as pyoxigraph writes it, except typed
    non-string literals, normalised as rdflib normalises them ("01"^^xsd:integer is "1":
    one value, one triple)."""

    def __init__(self, predicates: set[str], targets: Iterable[str] = ()) -> None:
        self.wanted = predicates
        self.subjects_of: dict[str, set[str]] = {p: set() for p in targets}
        self.values: dict[str, dict[str, list[str]]] = {}
        self.raw: dict[str, Any] = {}  # key -> pyoxigraph literal (of the wanted predicates)
        self.literals: dict[str, Literal] = {}  # key -> rdflib literal, made when read
        self._typed: dict[str, str] = {}  # pyoxigraph text of a typed literal -> key
        self._supers: dict[str, frozenset[str]] = {}
        self._instances: dict[str, set[str]] | None = None
        self.unread: set[int] = set()  # hashes of the triples the shapes do not read
        self.read_triples = 0
        self._wanted_terms = {ox.NamedNode(p[1:-1]) for p in predicates}

    def read(self, paths: Sequence[Path], fmt: ox.RdfFormat, count: bool, scope: str) -> None:
        """Every triple of `paths`; `count`: these triples make the report's triple count
        (read after the counted ones, the others only add what they do not repeat).
        One loop, no calls per triple but for literals: 1.1 M triples at 1,000 documents.
        A triple the shapes read is counted when it joins its subject's values (which hold
        each value once); one they do not read is counted in a set of hashes, of pyoxigraph
        terms unless a blank node or a literal needs the key's scoping or normalising."""
        for number, path in enumerate(paths):
            self.read_quads(ox.parse(path=path, format=fmt, lenient=True),
                            f"_:{scope}{number}x", count)

    def read_quads(self, quads: Iterable[Any], prefix: str, count: bool) -> None:
        """`read` of one file's quads, its blank nodes' keys starting with `prefix`."""
        values, unread, key = self.values, self.unread, self._key
        wanted = self._wanted_terms
        subjects_of = self.subjects_of
        literal, blank = ox.Literal, ox.BlankNode
        added = 0
        for subject, predicate, obj, _graph in quads:
            read = predicate in wanted
            if not read and count and type(obj) is not literal and \
                    type(obj) is not blank and type(subject) is not blank:
                unread.add(hash((subject, predicate, obj)))
                continue
            s, p = str(subject), str(predicate)
            if s[0] == "_":
                s = prefix + subject.value
            if type(obj) is literal:
                o = key(obj, read)
            else:
                o = str(obj)
                if o[0] == "_":
                    o = prefix + obj.value
            if not read:
                if count:
                    unread.add(hash((s, p, o)))
                continue
            if p in subjects_of:
                subjects_of[p].add(s)
            found = values.get(s)
            if found is None:
                values[s] = {p: [o]}
                added += 1
                continue
            objects = found.get(p)
            if objects is None:
                found[p] = [o]
                added += 1
            elif o not in objects:
                objects.append(o)
                added += 1
        if count:
            self.read_triples += added

    @property
    def triples(self) -> int:
        """Distinct triples of the counted files (the report's triple count)."""
        return self.read_triples + len(self.unread)

    def _key(self, literal: ox.Literal, keep: bool) -> str:
        text = str(literal)
        end = text[-1]
        if end == '"' or end != ">" or (  # a plain string, a language tag, an integer:
                text.endswith(_INTEGER_END) and _CANONICAL_INTEGER.fullmatch(literal.value)):
            if keep:
                self.raw[text] = literal
            return text
        key = self._typed.get(text)
        if key is None:
            term = to_rdflib(literal)
            key = self._typed[text] = term.n3()
            self.literals.setdefault(key, term)
        return key

    def objects(self, subject: str, pred: str) -> list[str]:
        found = self.values.get(subject)
        return found.get(pred, NONE) if found is not None else NONE

    def supers(self, cls: str) -> frozenset[str]:
        """`cls` and its superclasses through rdfs:subClassOf (pySHACL's transitive_objects)."""
        found = self._supers.get(cls)
        if found is None:
            seen, todo = {cls}, [cls]
            while todo:
                for parent in self.objects(todo.pop(), SUBCLASS_OF):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            found = self._supers[cls] = frozenset(seen)
        return found

    def is_instance(self, node: str, cls: str) -> bool:
        return any(cls in self.supers(t) for t in self.objects(node, RDF_TYPE))

    def instances(self, cls: str) -> set[str]:
        """The nodes typed `cls` or one of its subclasses (an index made once)."""
        if self._instances is None:
            index: dict[str, set[str]] = {}
            for subject, values in self.values.items():
                for t in values.get(RDF_TYPE, ()):
                    for parent in self.supers(t):
                        index.setdefault(parent, set()).add(subject)
            self._instances = index
        return self._instances.get(cls, set())

    def term(self, key: str) -> Any:
        if key[0] == "<":
            return URIRef(key[1:-1])
        if key[0] == "_":
            return BNode(key[2:])
        term = self.literals.get(key)
        if term is None:
            term = self.literals[key] = to_rdflib(self.raw[key])
        return term

    def text(self, key: str | None) -> str:
        """graph.validation._term of the key's term: an IRI bare, any blank node `_:blank`,
        a literal as rdflib writes it."""
        if key is None:
            return ""
        if key[0] == "<":
            return key[1:-1]
        return "_:blank" if key[0] == "_" else self.term(key).n3()


# Literals rdflib tells apart and pyoxigraph does not: an explicit ^^xsd:string ("a" and
# "a"^^xsd:string are two rdflib terms, one RDF 1.1 term) and a language tag with a capital
# letter (pyoxigraph lowercases tags, rdflib keeps them as written). Found anywhere in the
# files (a quote of such text too), the caller runs pySHACL.
_RDFLIB_ONLY = re.compile(rb'\^\^\S*string\b|"@[A-Za-z0-9-]*[A-Z]')


def rdflib_only_text(text: bytes) -> bool:
    """True when `text` may hold a literal rdflib would keep apart (see _RDFLIB_ONLY)."""
    return _RDFLIB_ONLY.search(text) is not None


def rdflib_only_literals(path: Path) -> bool:
    """True when `path` may hold a literal rdflib would keep apart (see _RDFLIB_ONLY).
    Read in chunks cut after a newline (the pattern holds no newline), not mapped: a mapped
    file's pages would count in the process's memory (475 MB at 10,000 documents)."""
    chunk_size = 1 << 23
    rest = b""
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(chunk_size)
            if not chunk:
                return _RDFLIB_ONLY.search(rest) is not None
            text = rest + chunk
            cut = text.rfind(b"\n") + 1
            if _RDFLIB_ONLY.search(text, 0, cut) is not None:
                return True
            rest = text[cut:]


def load(paths: Sequence[Path], ontology: Sequence[Path], program: Program) -> Data:
    """The values the shapes read from `paths` and the ontology files; `Unsupported` when
    their literals need rdflib's distinctions."""
    for path in [*paths, *ontology]:
        if rdflib_only_literals(path):
            raise Unsupported(f"{path} has an explicit xsd:string or a capitalised language tag")
    data = Data(program.predicates, {p for shape in program.shapes
                                     for p in shape.target_subjects_of})
    data.read(paths, ox.RdfFormat.TRIG, True, "d")
    data.read(ontology, ox.RdfFormat.TURTLE, False, "o")
    return data


# --------------------------------------------------------------------------- evaluating


def focus_nodes(shape: Shape, data: Data) -> set[str]:
    """pySHACL's Shape.focus_nodes for sh:targetClass (with subclasses) and
    sh:targetSubjectsOf."""
    found: set[str] = set()
    for cls in shape.target_classes:
        found.update(data.instances(cls))
    for pred in shape.target_subjects_of:
        found.update(data.subjects_of.get(pred, ()))
    return found


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Row:
    """One result, in graph.validation.ShaclResult's fields and text forms."""

    severity: str
    focus: str
    path: str
    message: str
    value: str
    shape: str
    component: str


def rows(program: Program, data: Data, only: Container[str] | None = None) -> list[Row]:
    """Every result of every shape with targets on its focus nodes (those in `only`, when
    given)."""
    out: list[Row] = []
    for shape in program.shapes:
        for focus in focus_nodes(shape, data):
            if only is None or focus in only:
                _collect(shape, focus, data, data.values.get(focus), out)
    return out


def _collect(shape: Shape, focus: str, data: Data, found: dict[str, list[str]] | None,
             out: list[Row]) -> None:
    for component, value in failures(shape, focus, data, found):
        out.append(Row(shape.severity, data.text(focus), data.text(shape.path), shape.message,
                       data.text(value), shape.name, component))
    for prop in shape.properties:
        # most optional properties are absent: skip them without a call
        if prop.empty_passes and not prop.properties and (
                found is None or prop.path not in found):
            continue
        _collect(prop, focus, data, found, out)
