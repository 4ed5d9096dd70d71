"""The nodes' quads, their labels and counts read from the blocks of the build's files
(graph.trig, inferred.trig) instead of the on-disk store that holds them.

The store answers a node's subject lookup at about 16 µs a quad (Oxigraph decodes every term
through RocksDB); pyoxigraph parses the same TriG at about 2 µs a quad. The files are cut
into named-graph blocks (graph/trigblocks.py) and of each block only the statements about a
node, or which may hold a label (they hold "abel"), are parsed; then the statements about
the counts the nodes link to. Of a document graph that is its document's record: its
claims, mentions and selectors, most of the graph, are not parsed, nor the inferred
graph's types of them.

What is read must be what the store gives, term for term. A subject's quads are the same
(the store holds exactly these files: `graph.serve.store.current_store`), but the store
keeps some literals in a canonical form (Oxigraph encodes xsd:integer, xsd:decimal, dates…
as values: "0.60" reads back "0.6"): every literal whose datatype is not xsd:string is
put through an in-memory Oxigraph store, which encodes terms as the on-disk one does, and
a node holding one that comes back different is read from the store instead; labels or
counts holding one are all asked of the store. Blank nodes are never a node, a link or a
literal (`Raw.take` skips them); a label or a count that is one sends the labels or the
counts to the store. A file not cut into blocks, or prefixes that could hide a label's
predicate, and nothing is read from the blocks.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph import trigblocks
from graph.viz.nodes import Literal, Raw, Term, best_labels
from graph.viz.records import (
    ONTOLOGY_GRAPH,
    RDF_TYPE,
    RDFS_LABEL,
    RKG,
    SKOS_PREF,
    count_text,
    text_of,
)

LABELS = (RDFS_LABEL, SKOS_PREF)
STRING = "http://www.w3.org/2001/XMLSchema#string"
PERSON_COUNT = RKG + "PersonCount"
COUNT_PARTS = {RKG + "wordsAsWritten": 0, RKG + "value": 1, RKG + "minValue": 2,
               RKG + "maxValue": 3}  # as `nodes.Q_COUNTS` asks them


@dataclass
class NodeBlocks:
    """What the blocks say: each node's quads (`raws`), the labels and the count texts
    (None when they must be asked of the store), and how many nodes were left to it."""

    raws: dict[str, Raw]
    labels: dict[str, str] | None
    counts: dict[str, str] | None
    to_store: int = 0


@dataclass
class _Found:
    """Quads gathered over the blocks, before their literals are checked."""

    raws: dict[str, Raw]
    labels: list[tuple[Term, str, Term]] = field(default_factory=list)
    counts: dict[str, list[set[Term]]] = field(default_factory=dict)  # c -> its four parts
    typed_counts: set[str] = field(default_factory=set)


def read(sources: list[Path], iris: list[str]) -> NodeBlocks | None:
    """The quads of the nodes `iris`, the labels and the counts, from the files `sources`
    (the store's files, in the store's order); None when the files are not cut in blocks."""
    try:
        found = _gather(sources, iris)
    except (trigblocks.LayoutError, SyntaxError, ValueError, OSError):
        return None
    if found is None:
        return None
    stored = _stored_forms(_literals(found))
    to_store = [iri for iri, raw in found.raws.items()
                if any(_differs(_literal(lit), stored) for lit in raw.literals
                       if lit[2] != STRING)]
    for iri in to_store:
        del found.raws[iri]
    return NodeBlocks(found.raws, _labels(found, stored), _counts(found, stored), len(to_store))


def _gather(sources: list[Path], iris: list[str]) -> _Found | None:
    """Every statement about a node, or that may hold a label; then every statement about
    a count a node links to (known once the nodes are read)."""
    found = _Found({iri: Raw() for iri in iris})
    for path in sources:
        if not _labels_visible(trigblocks.prefix_names(trigblocks.prefix_lines(path))):
            return None
    _read_statements(found, sources, set(iris), labels=True)
    _read_statements(found, sources, _linked_counts(found), labels=False)
    return found


def _read_statements(found: _Found, sources: list[Path], wanted: set[str],
                     labels: bool) -> None:
    for path in sources:
        prefixes = trigblocks.prefix_lines(path)
        names = trigblocks.prefix_names(prefixes)
        subjects = _subjects(names, wanted)
        for block in trigblocks.blocks(path):
            text = _statements_about(block, names, subjects, wanted, labels)
            if text:
                _take(found, ox.parse(prefixes + text, format=ox.RdfFormat.TRIG))


def _labels_visible(names: dict[str, str]) -> bool:
    """Whether every way the files can write rdfs:label and skos:prefLabel holds "abel"
    (what `_statements_about` looks for): a namespace ending inside the word would hide it."""
    return all(not iri.startswith(ns) or b"abel" in iri[len(ns):].encode()
               for iri in LABELS for ns in names.values())


def _statements_about(block: trigblocks.Block, names: dict[str, str],
                      subjects: re.Pattern[bytes], wanted: set[str], labels: bool) -> bytes:
    """The block with only the statements whose subject is in `wanted` or, with `labels`,
    which may hold a label (empty when there are none). `subjects` finds the statements
    whose subject is written in full or with a prefix whose namespace begins a wanted IRI:
    the others (most of a document graph: its claims, mentions and selectors) are not
    looked at."""
    text = block.text
    spans: dict[int, int] = {}
    for match in subjects.finditer(text):
        if trigblocks.name_iri(match.group(1).decode(), names) in wanted:
            span = trigblocks.statement_at(text, match.end())
            if span is not None:
                spans[span[0]] = span[1]
    at = text.find(b"abel") if labels else -1
    while at >= 0:
        span = trigblocks.statement_at(text, at)
        if span is not None:
            spans[span[0]] = span[1]
            at = span[1]
        at = text.find(b"abel", at + 1)
    if not spans:
        return b""
    opening = text[:text.index(b"\n") + 1]
    return opening + b"".join(text[start:end] for start, end in sorted(spans.items())) \
        + b"}\n"


def _subjects(names: dict[str, str], wanted: set[str]) -> re.Pattern[bytes]:
    """`trigblocks.subjects_pattern` for the prefixes whose namespace begins an IRI of
    `wanted` (a sorted list is searched once per prefix)."""
    ordered = sorted(wanted)
    useful = []
    for name, ns in names.items():
        at = bisect.bisect_left(ordered, ns)
        if at < len(ordered) and ordered[at].startswith(ns):
            useful.append(name)
    return trigblocks.subjects_pattern(useful)


def _take(found: _Found, quads: Iterator[ox.Quad]) -> None:
    for q in quads:
        s, p, o, graph = q.subject, q.predicate.value, q.object, q.graph_name
        if not isinstance(s, ox.NamedNode) or not isinstance(graph, ox.NamedNode):
            continue  # a blank subject is never a node, a label or a count the readers ask
        # the labels and counts are asked of every graph, the ontology's too
        if p in LABELS:
            found.labels.append((s, p, o))
        elif p in COUNT_PARTS:
            found.counts.setdefault(s.value, [set(), set(), set(), set()])[
                COUNT_PARTS[p]].add(o)
        elif p == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value == PERSON_COUNT:
            found.typed_counts.add(s.value)
        raw = found.raws.get(s.value)
        if raw is not None and graph.value != ONTOLOGY_GRAPH:
            raw.take(p, o, graph.value)


def _linked_counts(found: _Found) -> set[str]:
    return {o for raw in found.raws.values() for p, o, _ in raw.links if p == RKG + "count"}


def _literals(found: _Found) -> set[ox.Literal]:
    """Every literal read whose stored form could differ (not an xsd:string)."""
    out: set[ox.Literal] = set()
    for raw in found.raws.values():
        out.update(_literal(lit) for lit in raw.literals if lit[2] != STRING)
    out.update(o for _s, _p, o in found.labels if isinstance(o, ox.Literal))
    for parts in found.counts.values():
        out.update(o for part in parts for o in part if isinstance(o, ox.Literal))
    return {lit for lit in out if lit.datatype.value != STRING}


def _stored_forms(literals: set[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """Each literal as an Oxigraph store gives it back: an in-memory store encodes terms
    as the on-disk one does (value-encoded datatypes come back in their canonical form)."""
    store = ox.Store()
    ordered = list(literals)
    p = ox.NamedNode(RKG + "value")
    store.extend(ox.Quad(ox.NamedNode(f"urn:rkg:literal:{at}"), p, lit)
                 for at, lit in enumerate(ordered))
    out: dict[ox.Literal, ox.Literal] = {}
    for q in store.quads_for_pattern(None, p, None, None):
        assert isinstance(q.object, ox.Literal)
        out[ordered[int(text_of(q.subject).rsplit(":", 1)[1])]] = q.object
    return out


def _literal(lit: Literal) -> ox.Literal:
    _p, value, datatype, language = lit
    if language is not None:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype))


def _differs(term: Term, stored: dict[ox.Literal, ox.Literal]) -> bool:
    """Whether the store gives `term` otherwise (a literal stored in another form; a blank
    node, named per store)."""
    if isinstance(term, ox.Literal):
        back = stored.get(term, term)
        return back.value != term.value or back.datatype != term.datatype \
            or back.language != term.language
    return not isinstance(term, ox.NamedNode)


def _labels(found: _Found, stored: dict[ox.Literal, ox.Literal]) -> dict[str, str] | None:
    if any(_differs(o, stored) for _s, _p, o in found.labels):
        return None
    return best_labels(found.labels)


def _counts(found: _Found, stored: dict[ox.Literal, ox.Literal]) -> dict[str, str] | None:
    """Each count a node links to as `nodes.Q_COUNTS` reads it, when the blocks answer it
    as the store would: one value at most for each part (the query gives a row per
    combination, and the last one would win), none stored in another form."""
    out: dict[str, str] = {}
    for c in _linked_counts(found):
        if c not in found.typed_counts:
            continue  # no row: the page shows the IRI's tail, as with the store
        parts = found.counts.get(c, [set(), set(), set(), set()])
        if any(len(part) > 1 for part in parts) or any(
                _differs(o, stored) for part in parts for o in part):
            return None
        words, value, low, high = (next((text_of(o) for o in part), None) for part in parts)
        out[c] = count_text(words, value, low, high)
    return out
