"""HermiT's canonical tier read from graph.trig part by part, what step 1 keeps of each part
cached (graph/owlfacts.py).

The tier is the registry graph, the canonical graph and the rules' rkg:isPartyTo
(graph/reasoning.py). Reading all of it as rdflib terms and filtering it (step 1 of the
reduction) took about a second at 1,000 documents on every build whose graph.trig changed,
though an edit changes a few of its subjects. Step 1 decides fact by fact, so it is run on
each *part* (the registry block; the canonical block cut between subjects, as the rules'
premises are, `trigblocks.subject_pieces`) and its answer kept by the digest of the part's
bytes, the file's prefixes, the ontology and the code: the facts kept (N-Triples of the
terms as parsed, so they read back as the same rdflib terms) or "give up" (a schema fact or
a value outside its range: `keep_facts` gives None and HermiT reads every fact). A kept
fact with a blank node, whose label a part's parse names apart from the others', raises
LayoutError: the caller reads the tier whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.term import Node

from graph import trigblocks
from graph.native import TermCache
from graph.owlfacts import KeptFacts, keep_facts
from graph.owlmodule import Signature
from graph.reasoncache import PIECE_MARK, digest
from graph.unitfile import UnitFile
from graph.vocab import RKG, RKGD

REGISTRY = f"{RKGD}graph/registry"
CANONICAL = f"{RKGD}graph/canonical"
INFERRED = URIRef(f"{RKGD}graph/inferred")
Fact = tuple[Node, Node, Node]


def file_tier(trig: Path, ds: Dataset) -> Iterator[Fact]:
    """The tier's triples with the registry and canonical graphs read from `trig`'s blocks
    (each parsed whole: its blank nodes stay one) and the rules' rkg:isPartyTo from `ds`."""
    cache = TermCache()
    prefixes = trigblocks.prefix_lines(trig)
    texts: dict[str, list[bytes]] = {REGISTRY: [], CANONICAL: []}
    for block in trigblocks.blocks(trig):  # one pass: each block's bytes are a copy
        if block.iri in texts:
            texts[block.iri].append(block.text)
    for name in (REGISTRY, CANONICAL):  # the registry first
        for text in texts.pop(name):
            for quad in ox.parse(prefixes + text, format=ox.RdfFormat.TRIG, lenient=True):
                yield (cast(Node, cache[quad.subject]), cast(Node, cache[quad.predicate]),
                       cast(Node, cache[quad.object]))
    yield from _party(ds)


def _party(ds: Dataset) -> Iterator[Fact]:
    for state, treaty in ds.graph(INFERRED).subject_objects(RKG.isPartyTo):
        yield state, RKG.isPartyTo, treaty


class TierCache:
    """Step 1's answer for each part of the tier, by its digest, in one file
    (graph/unitfile.py) whose name carries the code and ontology digest, holding the last
    build's parts. `parsed` and `parts` count the parts read from graph.trig and all parts."""

    def __init__(self, folder: Path, code: str) -> None:
        self.file = UnitFile(folder / f"tier-{code}.bin")
        self.path = self.file.path
        self.parsed = 0
        self.parts = 0

    def get(self, key: str) -> tuple[bool, bytes | None]:
        self.parts += 1
        return self.file.get(key)

    def put(self, key: str, kept: bytes | None) -> None:
        self.parsed += 1
        self.file.put(key, kept)

    def save(self) -> None:
        self.file.save()


def kept_tier(trig: Path, ds: Dataset, signature: Signature, cache: TierCache
              ) -> KeptFacts | None:
    """`keep_facts(file_tier(trig, ds), signature)`, part by part, each part's answer from
    `cache` when its bytes are unchanged (module docstring), as the N-Triples text of the
    terms (graph/owlfacts.py: steps 2 and 3 read that, not rdflib terms)."""
    prefixes = trigblocks.prefix_lines(trig)
    scope = digest(prefixes)
    blocks: dict[str, list[trigblocks.Block]] = {REGISTRY: [], CANONICAL: []}
    for block in trigblocks.blocks(trig):
        if block.iri in blocks:
            blocks[block.iri].append(block)
    parts = chain((b.text for b in blocks[REGISTRY]),  # the registry first, as file_tier
                  (piece for b in blocks[CANONICAL]
                   for piece in trigblocks.subject_pieces(b, PIECE_MARK)))
    terms = TermCache()
    kept = KeptFacts()
    for text in parts:
        key = digest(scope, text)
        known, lines = cache.get(key)
        if not known:
            lines = _keep_part(prefixes + text, signature, terms)
            cache.put(key, lines)
        if lines is None:
            return None
        kept.add_lines(lines)
    party = keep_facts(_party(ds), signature)
    if party is None:
        return None
    kept.add(party)
    return kept


def _keep_part(text: bytes, signature: Signature, terms: TermCache) -> bytes | None:
    """What step 1 keeps of one part, as N-Triples of the parsed terms; None: give up."""
    quads = list(ox.parse(text, format=ox.RdfFormat.TRIG, lenient=True))
    facts = [(cast(Node, terms[q.subject]), cast(Node, terms[q.predicate]),
              cast(Node, terms[q.object])) for q in quads]
    kept = keep_facts(facts, signature)
    if kept is None:
        return None
    wanted = set(kept)
    lines: list[str] = []
    for quad, fact in zip(quads, facts, strict=True):
        if fact in wanted:
            if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
                raise trigblocks.LayoutError("a blank node in a kept fact of a tier part")
            lines.append(f"{quad.triple} .\n")
    return "".join(lines).encode()
