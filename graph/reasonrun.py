"""Reasoning over one dataset (graph/reasoning.py): the rules, then HermiT, into its
inferred graph, and the inferred graph written as TriG; `ReasoningResult` says what ran."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, Dataset, Graph, URIRef

from graph.native import from_ox
from graph.ontology import HermitResult
from graph.query import QueryDef
from graph.rdfio import (
    TURTLE_PREFIXES,
    atomic_writer,
    sorted_unique,
    term_sort_key,
    to_ox,
    write_trig,
)
from graph.reasoncache import (
    HermitCache,
)
from graph.reasonowl import KeptTier, Tier, apply_hermit
from graph.reasonrules import (
    INFERRED_GRAPH,
    OX_INFERRED,
    RuleRun,
    apply_rules,
    describe_rules,
    inference_terms,
    load_rules,
)
from graph.rulegroups import RuleGroups


@dataclass
class ReasoningResult:
    """What reasoning did: rules, HermiT, the inferred graph and where it was written."""

    rules: list[RuleRun]
    hermit: HermitResult | None
    inferred_triples: int
    flags: int
    rounds: int
    seconds: float
    path: Path | None = None
    report_path: Path | None = None
    graph: Graph = field(default_factory=Graph, repr=False)
    # (parsed, all) units of graph.trig whose premises were read (the others' from the cache)
    units: tuple[int, int] | None = None
    tier_parts: tuple[int, int] | None = None  # the same for HermiT's canonical tier
    cache_files: set[str] = field(default_factory=set, repr=False)  # what this run used

    def lines(self) -> list[str]:
        out = [f"Reasoning: {self.inferred_triples} inferred triples in {self.seconds:.1f} s "
               f"({self.rounds} rounds of {len(self.rules)} rules); {self.flags} possible "
               "breach flags (for review, not legal findings)."]
        if self.units is not None:
            out.append(f"  premises: {self.units[0]} of {self.units[1]} units of graph.trig "
                       "parsed (document graphs, canonical pieces), the others' reused")
        for rule in self.rules:
            out.append(f"  rule {rule.name:20} +{rule.added:<6} {rule.seconds:.2f} s  "
                       f"{rule.title}")
            if rule.groups is not None:
                out.append(f"    {rule.groups[0]} of {rule.groups[1]} groups of focus nodes "
                           "evaluated, the others' conclusions reused")
        if self.tier_parts is not None:
            out.append(f"  HermiT's input: {self.tier_parts[0]} of {self.tier_parts[1]} parts "
                       "of the registry and canonical graphs read, the others' facts reused")
        if self.hermit is None:
            out.append("  OWL (HermiT): not run")
        else:
            out.append(f"  OWL (HermiT): {self.hermit.message}")
        if self.path is not None:
            out.append(f"  wrote {self.path}")
        return out


@dataclass
class Followed:
    """What reasoning that follows the changes reuses: HermiT's results, the focus groups'
    conclusions, and where the canonical tier comes from when the dataset does not hold it
    (its triples; what step 1 of HermiT's reduction keeps of them, part by part)."""

    hermit: HermitCache | None = None
    groups: RuleGroups | None = None
    canonical: Tier | None = None
    kept: KeptTier | None = None


def reason_dataset(ds: Dataset, *, owl: bool = True, java: str | None = None,
                   rules: list[QueryDef] | None = None, hermit_cache: HermitCache | None = None,
                   canonical: Tier | None = None) -> ReasoningResult:
    """Rules (and HermiT, if `owl`) over `ds`, in place; the inferred graph is returned too.
    `canonical`: the canonical tier's triples, when `ds` does not hold them all."""
    started = time.perf_counter()
    runs, rounds, hermit = _infer(ds, owl, java, rules,
                                  Followed(hermit_cache, canonical=canonical))
    snapshot = Graph()
    for triple in ds.graph(INFERRED_GRAPH):
        snapshot.add(triple)
    flags = len(set(snapshot.subjects(RDF.type, FLAG_CLASS)))
    return ReasoningResult(runs, hermit, len(snapshot), flags, rounds,
                           time.perf_counter() - started, graph=snapshot)


FLAG_CLASS = URIRef("https://w3id.org/refoulement-kg/inference#PossibleBreachFlag")


def _infer(ds: Dataset, owl: bool, java: str | None, rules: list[QueryDef] | None,
           followed: Followed) -> tuple[list[RuleRun], int, HermitResult | None]:
    """The rules, HermiT and the rules' descriptions, into `ds`'s inferred graph."""
    rules = load_rules() if rules is None else rules
    runs, rounds = apply_rules(ds, rules, groups=followed.groups)
    hermit = (apply_hermit(ds, java=java, cache=followed.hermit, canonical=followed.canonical,
                           kept=followed.kept) if owl else None)
    inferred = ds.graph(INFERRED_GRAPH)
    describe_rules(rules, inferred)
    for triple in inference_terms():
        inferred.add(triple)
    return runs, rounds, hermit


def reason_native(ds: Dataset, store: ox.Store, path: Path, *, owl: bool,
                   java: str | None, rules: list[QueryDef], followed: Followed
                   ) -> ReasoningResult:
    """`reason_dataset` and `write_inferred` on a pyoxigraph-backed `ds`, without copying
    the inferred graph into rdflib: at 10,000 documents (578,000 inferred triples) that
    copy and its sorting held 800 MB. Each triple still goes through rdflib's terms, as the
    Dataset hands them over, so inferred.trig is the same bytes."""
    started = time.perf_counter()
    runs, rounds, hermit = _infer(ds, owl, java, rules, followed)
    rows: dict[tuple[str, str, str], ox.Quad] = {}
    flags: set[str] = set()
    flag_type = (str(RDF.type), str(FLAG_CLASS))
    written = _WrittenTerms()
    for quad in store.quads_for_pattern(None, None, None, OX_INFERRED):
        (s_key, s), (p_key, p), (o_key, o) = (written[quad.subject], written[quad.predicate],
                                              written[quad.object])
        key = (s_key, p_key[1:], o_key)  # as triple_sort_key: a predicate is its IRI
        if key not in rows:
            rows[key] = ox.Quad(s, p, o, OX_INFERRED)
            if key[1:] == (flag_type[0], "\x00" + flag_type[1]):
                flags.add(s_key[1:])
    with atomic_writer(path) as out:
        ox.serialize((rows[key] for key in sorted(rows)), out, ox.RdfFormat.TRIG,
                     prefixes=TURTLE_PREFIXES)
    return ReasoningResult(runs, hermit, len(rows), len(flags), rounds,
                           time.perf_counter() - started)


class _WrittenTerms(dict[Any, tuple[str, Any]]):
    """pyoxigraph term -> its sort key and the term as written: each through rdflib's terms
    (`from_ox`, `to_ox`: rdflib normalises some literals) once, not once a triple."""

    def __missing__(self, term: Any) -> tuple[str, Any]:
        value = from_ox(term)
        found = (term_sort_key(value), to_ox(value))
        self[term] = found
        return found


def write_inferred(graph: Graph, path: Path) -> None:
    write_trig(sorted_unique((s, p, o, INFERRED_GRAPH) for s, p, o in graph), path)
