"""graph/shaclnative.py one unit at a time: memory bounded by a unit, not by the corpus.

The whole-build pass of graph/shaclnative.py holds every subject's values at once (5.2 GB at
10,000 documents). Here the build's files are cut into *units*, read one at a time: each
named-graph block of graph.trig (a document graph is one unit), pieces of the canonical and
inferred graphs (graph/shacllayout.py), and the ontology files (pySHACL's `ont_graph`, mixed
into the data graph). graph/shaclcache.py keeps each unit's products between builds.

Pass 1 reads each unit for its subjects: a 16-byte digest of each, its unit, and the bitmask
of the `sh:class` classes it is an instance of (its rdf:type triples, closed under the
build's rdfs:subClassOf axioms, read first from the units whose text says subClassOf); kept in
numpy arrays (~30 bytes a subject). A subject asserted in two units (the build mints each
subject in one graph) stops the pass: the caller runs the whole-build pass.
Pass 2 validates each unit with the inferred graph's statements about its subjects and the
ontology files' values of its subjects; a value node outside the unit answers `sh:class`
from its bitmask. Why that is the whole-build report: every shape reaches a focus node's own
values, and their rdf:type only through `sh:class` (checked by `local_program`: a shape nested
under a property shape reads no path), so a focus node's results depend on its own triples,
wherever they are, and on its values' types; the triple count is each unit's distinct
triples, summed (units hold disjoint subjects).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pyoxigraph as ox

from graph.shacllayout import (
    ASSERTED,
    INFERRED,
    ONTOLOGY,
    Fallback,
    Layout,
    Unit,
    read_layout,
    scope,
    unit_text,
)
from graph.shaclnative import (
    RDF_TYPE,
    SUBCLASS_OF,
    Data,
    Program,
    Row,
    Shape,
    Unsupported,
    rdflib_only_text,
    rows,
)

if TYPE_CHECKING:
    from graph.shaclcache import StreamCache

_RDF_TYPE_TERM = ox.NamedNode(RDF_TYPE[1:-1])


def local_program(program: Program) -> bool:
    """True when no shape under a property shape reads a path (its value nodes' own values
    would then be needed)."""
    def nested(shape: Shape) -> list[Shape]:
        out: list[Shape] = []
        for kind, arg in shape.constraints:
            if kind == "Or":
                out.extend(arg)
            elif kind == "Qualified":
                out.append(arg[0])
        return out

    def flat(shape: Shape) -> bool:
        return shape.path is None and not shape.properties and all(
            flat(n) for n in nested(shape))

    def ok(shape: Shape) -> bool:
        if shape.path is not None and not all(flat(n) for n in nested(shape)):
            return False
        return all(ok(p) for p in shape.properties) and all(ok(n) for n in nested(shape))

    return all(ok(shape) for shape in program.shapes)


def class_names(program: Program) -> list[str]:
    """Every class a `sh:class` constraint names, anywhere in the shapes."""
    found: set[str] = set()

    def visit(shape: Shape) -> None:
        for kind, arg in shape.constraints:
            if kind == "Class":
                found.add(arg)
            elif kind == "Or":
                for member in arg:
                    visit(member)
            elif kind == "Qualified":
                visit(arg[0])
        for prop in shape.properties:
            visit(prop)

    for shape in program.shapes:
        visit(shape)
    return sorted(found)


# --------------------------------------------------------------------------- the layout


def digest(key: str) -> bytes:
    return hashlib.blake2b(key.encode(), digest_size=16).digest()


class World:
    """What every unit sees of the others: the subClassOf closure, and per subject its home
    unit and the `sh:class` classes it is an instance of (as bits)."""

    def __init__(self, program: Program, parents: dict[str, list[str]]) -> None:
        classes = class_names(program)
        if len(classes) > 62:
            raise Fallback("more sh:class classes than bits")
        self.bit = {c: 1 << i for i, c in enumerate(classes)}
        self.parents = parents
        self._supers: dict[str, frozenset[str]] = {}
        self._masks: dict[str, int] = {}
        self.keys = np.zeros(0, dtype="S16")
        self.masks = np.zeros(0, dtype=np.int64)
        self.homes = np.zeros(0, dtype=np.int64)

    def supers(self, cls: str) -> frozenset[str]:
        """graph.shaclnative.Data.supers over the whole build's subClassOf axioms."""
        found = self._supers.get(cls)
        if found is None:
            seen, todo = {cls}, [cls]
            while todo:
                for parent in self.parents.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            found = self._supers[cls] = frozenset(seen)
        return found

    def type_mask(self, cls: str) -> int:
        found = self._masks.get(cls)
        if found is None:
            found = self._masks[cls] = sum(self.bit[c] for c in self.supers(cls)
                                           if c in self.bit)
        return found

    def index(self, entries: list[tuple[np.ndarray, np.ndarray, int, int]]) -> None:
        """The subjects of every unit: (digests, masks, unit number, kind), emptied here;
        Fallback when a subject is asserted in two units (or in two inferred pieces)."""
        if not entries:
            return
        keys = np.concatenate([e[0] for e in entries])
        masks = np.concatenate([e[1] for e in entries])
        units = np.concatenate([np.full(len(e[0]), e[2], dtype=np.int32) for e in entries])
        kinds = np.concatenate([np.full(len(e[0]), e[3], dtype=np.int8) for e in entries])
        entries.clear()
        # the entries come kind by kind: a stable sort by key keeps each key's kinds in order
        order = np.argsort(keys, kind="stable") if (np.diff(kinds) >= 0).all() else \
            np.lexsort((kinds, keys))
        keys = keys[order]
        masks = masks[order]
        units = units[order]
        kinds = kinds[order]
        del order
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        starts = np.flatnonzero(first)
        del first
        for kind in (ASSERTED, INFERRED):
            if (np.add.reduceat((kinds == kind).astype(np.int32), starts) > 1).any():
                raise Fallback("a subject in two units")
        self.keys = keys[starts]
        self.masks = np.bitwise_or.reduceat(masks, starts)
        self.homes = units[starts]

    def masks_of(self, nodes: Sequence[str]) -> np.ndarray:
        """The class bits of each node (-1: no subject)."""
        return self._of(nodes, self.masks)

    def homes_of(self, nodes: Sequence[str]) -> np.ndarray:
        """The home unit of each node (-1: no subject)."""
        return self._of(nodes, self.homes)

    def _of(self, nodes: Sequence[str], column: np.ndarray) -> np.ndarray:
        if not len(self.keys) or not nodes:
            return np.full(len(nodes), -1, dtype=np.int64)
        wanted = np.frombuffer(b"".join(digest(n) for n in nodes), dtype="S16")
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        return np.where(self.keys[at] == wanted, column[at], -1)


class UnitData(Data):
    """One unit's values; `sh:class` on a node outside it answered by the World."""

    def __init__(self, program: Program, world: World) -> None:
        super().__init__(program.predicates, {p for shape in program.shapes
                                              for p in shape.target_subjects_of})
        self.world = world
        self.asked: dict[str, int] = {}  # node outside the unit -> its class bits (-1: none)

    def supers(self, cls: str) -> frozenset[str]:
        return self.world.supers(cls)

    def is_instance(self, node: str, cls: str) -> bool:
        found = self.values.get(node)
        if found is not None:
            return any(cls in self.world.supers(t) for t in found.get(RDF_TYPE, ()))
        bit = self.world.bit.get(cls)
        if bit is None:  # only sh:class asks
            raise Fallback(f"an instance test of {cls}")
        mask = self.asked.get(node)
        if mask is None:
            mask = self.asked[node] = int(self.world.masks_of([node])[0])
        return mask >= 0 and bool(mask & bit)

    def merge(self, base: Data, subject: str) -> None:
        """The ontology files' values of `subject` (read after the counted ones, uncounted)."""
        for pred, objects in base.values.get(subject, {}).items():
            mine = self.values.setdefault(subject, {}).setdefault(pred, [])
            for o in objects:
                if o not in mine:
                    mine.append(o)
                    if o in base.raw:
                        self.raw.setdefault(o, base.raw[o])
                    if o in base.literals:
                        self.literals.setdefault(o, base.literals[o])
        for pred, subjects in self.subjects_of.items():
            if subject in base.subjects_of.get(pred, ()):
                subjects.add(subject)

    def term(self, key: str) -> Any:
        if key[0] not in "<_" and key not in self.literals and key not in self.raw:
            raise Fallback(f"a literal of no unit: {key}")
        return super().term(key)


# --------------------------------------------------------------------------- the passes


def _subjects(text: bytes, scope: str, world: World) -> tuple[np.ndarray, np.ndarray]:
    """Pass 1 on one unit: its subjects' digests and class bits."""
    masks: dict[str, int] = {}
    for subject, predicate, obj, _graph in ox.parse(text, format=ox.RdfFormat.TRIG,
                                                    lenient=True):
        key = str(subject)
        if key[0] == "_":
            key = scope + subject.value
        bits = masks.get(key, 0)
        if predicate == _RDF_TYPE_TERM and type(obj) is not ox.Literal:
            o = str(obj)
            bits |= world.type_mask(scope + obj.value if o[0] == "_" else o)
        masks[key] = bits
    return _arrays(masks)


def _arrays(masks: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    keys = np.frombuffer(b"".join(digest(k) for k in masks), dtype="S16") if masks else \
        np.zeros(0, dtype="S16")
    return keys, np.fromiter(masks.values(), dtype=np.int64, count=len(masks))


@dataclass
class Outcome:
    rows: list[Row]
    triples: int
    units: int  # units, the ontology files' counted as one
    indexed: int = 0  # of them, read in pass 1 (the others: their index entry cached)
    validated: int = 0  # of them, validated (the others: their results cached)


def validate_units(paths: Sequence[Path], base: Data, program: Program,
                   cache: StreamCache | None = None) -> Outcome:
    """The whole-build rows and triple count, unit by unit (Fallback: use the whole pass)."""
    if not local_program(program):
        raise Fallback("a shape reads a value node's own values")
    layout = read_layout(paths)
    handles = [open(p, "rb") for p in paths]  # noqa: SIM115 (closed below)
    try:
        digests, parents = _digests(layout, handles, base)
        world = World(program, parents)
        world_key = _digest_of((cache.base_key if cache else "").encode(),
                               repr(sorted((k, sorted(v)) for k, v in parents.items())).encode())
        cached = cache.load_index(world_key) if cache else {}
        entries, fresh = [], {}
        for unit in layout.units:
            found = cached.get(digests[unit.number])
            if found is None:  # (a cached unit passed this test when it was read)
                text = unit_text(layout, unit, handles)
                if rdflib_only_text(text):
                    raise Unsupported("an explicit xsd:string or a capitalised language tag")
                found = _subjects(text, scope(unit), world)
            fresh[digests[unit.number]] = found
            entries.append((*found, unit.number, unit.kind))
        indexed = len(layout.units) - sum(1 for d in digests if d in cached)
        if cache and indexed:
            cache.save_index(fresh)
        del cached, fresh
        base_masks = {s: 0 for s in base.values}
        for s, values in base.values.items():
            for t in values.get(RDF_TYPE, ()):
                base_masks[s] |= world.type_mask(t)
        ontology_unit = len(layout.units)
        entries.append((*_arrays(base_masks), ontology_unit, ONTOLOGY))
        world.index(entries)
        del entries
        outcome = _pass_two(Pass(layout, handles, world, base, program, cache, world_key),
                            digests)
        outcome.indexed = indexed
        return outcome
    finally:
        for handle in handles:
            handle.close()


def _digest_of(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def _digests(layout: Layout, handles: Sequence[IO[bytes]], base: Data
             ) -> tuple[list[bytes], dict[str, list[str]]]:
    """Each unit's digest (its kind and bytes), and every rdfs:subClassOf axiom of the build
    and the ontology files (only the units whose text says subClassOf are parsed)."""
    parents: dict[str, list[str]] = defaultdict(list)
    for subject, values in base.values.items():
        parents[subject].extend(values.get(SUBCLASS_OF, ()))
    digests = []
    for unit in layout.units:
        text = unit_text(layout, unit, handles)
        digests.append(hashlib.sha256(bytes([unit.kind]) + text).digest()[:16])
        if b"subClassOf" not in text:
            continue
        found = Data({SUBCLASS_OF})
        found.read_quads(ox.parse(text, format=ox.RdfFormat.TRIG, lenient=True),
                         scope(unit), False)
        for subject, values in found.values.items():
            parents[subject].extend(values.get(SUBCLASS_OF, ()))
    return digests, {k: v for k, v in parents.items() if v}


@dataclass
class Pass:
    """What pass 2 reads and where it keeps its results."""

    layout: Layout
    handles: Sequence[IO[bytes]]
    world: World
    base: Data
    program: Program
    cache: StreamCache | None
    world_key: str


def _pass_two(run: Pass, digests: list[bytes]) -> Outcome:
    layout, world = run.layout, run.world
    routed: dict[int, list[tuple[int, int]]] = defaultdict(list)
    homes = world.homes_of([key for _s, _e, key in layout.statements])
    if (homes < 0).any():
        raise Fallback("an inferred subject not indexed")
    for (start, end, _key), home in zip(layout.statements, homes.tolist(), strict=True):
        routed[home].append((start, end))
    merged: dict[int, list[str]] = defaultdict(list)
    subjects = sorted(run.base.values)
    for subject, home in zip(subjects, world.homes_of(subjects).tolist(), strict=True):
        if home >= 0:
            merged[home].append(subject)
    if run.cache:
        run.cache.load_results()
    outcome = Outcome([], 0, len(layout.units) + 1)
    inferred_opening = next((u.opening for u in layout.units if u.kind == INFERRED), b"")
    for unit in [*layout.units, None]:
        number = unit.number if unit is not None else len(layout.units)
        spans = routed.get(number, [])
        extra = unit_text(layout, Unit(-1, INFERRED, inferred_opening, 0, 0), run.handles,
                          spans) if spans else b""
        own = digests[number] if unit is not None and unit.kind == ASSERTED else b""
        key = _digest_of(run.world_key.encode(), own, extra,
                         _stable(merged.get(number, ())).encode())
        found = _reuse(run, key)
        if found is None:
            found = _validate(run, unit, extra, merged.get(number, []))
            outcome.validated += 1
        if run.cache:
            run.cache.keep(key, found)
        outcome.rows.extend(Row(*r) for r in found[0])
        outcome.triples += found[1]
    if run.cache:
        run.cache.save_results()
    return outcome


def _reuse(run: Pass, key: str) -> Any:
    """The cached [rows, triples, asked] of a unit, while the nodes it asked about have the
    class bits they had."""
    found = run.cache.result(key) if run.cache else None
    if not isinstance(found, list) or len(found) != 3:
        return None
    asked: dict[str, int] = found[2]
    if asked and run.world.masks_of(list(asked)).tolist() != list(asked.values()):
        return None
    return found


def _validate(run: Pass, unit: Unit | None, extra: bytes, merged: list[str]) -> list[Any]:
    """[rows, triples, asked] of one unit (None: the ontology files' own subjects)."""
    data = UnitData(run.program, run.world)
    if unit is not None and unit.kind == ASSERTED:
        data.read_quads(ox.parse(unit_text(run.layout, unit, run.handles),
                                 format=ox.RdfFormat.TRIG, lenient=True), "_:d0x", True)
    if extra:
        data.read_quads(ox.parse(extra, format=ox.RdfFormat.TRIG, lenient=True), "_:d1x",
                        True)
    for subject in merged:
        data.merge(run.base, subject)
    found = rows(run.program, data, set(merged) if unit is None else None)
    asked = {node: bits for node, bits in data.asked.items() if not node.startswith(_FILES)}
    return [[list(r.__dict__.values()) for r in found], data.triples, asked]


_FILES = "_:o"  # the ontology files' blank nodes: labels new on each parse, fixed by base_key


def _stable(subjects: Sequence[str]) -> str:
    """The subjects of the ontology files a unit holds, as a cache key: the ontology files'
    blank nodes by their number (their labels change from parse to parse, their content is
    in the base key)."""
    named = [s for s in subjects if not s.startswith(_FILES)]
    return "\n".join(named) + f"\n{len(subjects) - len(named)}"
