"""Reasoning over a build: SPARQL rules and HermiT, into the named graph `rkgd:graph/inferred`.

Two tiers (DESIGN.md):

- Rules: the CONSTRUCT queries of `queries/rules/*.rq`, run in file-name order over the whole
  build until nothing new comes out: place containment (rkg:locatedIn transitive), parties to
  treaties (rkg:isPartyTo from consents to be bound, with the date they bind from),
  rkg:boundByNorm, and the possible-breach flags (a forced return by a state already bound by a
  treaty enshrining non-refoulement on the date of the return). Dates are compared only here.
- OWL: HermiT (graph.ontology.run_hermit, owlready2) in its own World on the ontology plus the
  canonical facts only (registry + canonical graph + the rules' rkg:isPartyTo), never mentions
  or selectors; owl:imports are stripped. Of those facts it reads only what can change its
  answer (graph/owlmodule.py, graph/owlfacts.py: a locality-based module, typing-only facts
  as class assertions, individuals with the same facts merged). Its new memberships of the
  ontology's defined classes are added. Without Java it is skipped with a message; the rules
  still run.

Every inferred triple is tied to the rule that made it: a triple added to an existing node is
reified as an `rdf:Statement` (IRI from a hash of rule and triple) with `prov:wasGeneratedBy`
the rule and `prov:wasDerivedFrom` its premises; a node minted by a rule (a flag) carries
`prov:wasGeneratedBy` itself. The rules are described in the graph (`rkgd:rule/{name}`).

`reason(outdir)` writes `outdir/inferred.trig` (sorted, byte-identical across runs) and
`outdir/reasoning.txt`; `post_build(outdir, reason)` is the hook `rkg build` calls. It follows
the changes (graph/reasoncache.py): the rules read only what their premises name, each unit of
graph.trig (a document graph, a piece of the canonical graph) is parsed for them only when its
bytes changed, a rule that splits by focus node runs only on the groups of focus nodes whose
input changed (graph/rulegroups.py), HermiT's input is read part by part with each part's
kept facts cached (graph/owltier.py) and HermiT runs only when that input changed, and an
unchanged build is not reasoned over again. reasoning.txt says how many of each were redone.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from graph import trigblocks
from graph.errors import QueryError
from graph.native import from_ox, native_store
from graph.ontology import HermitResult, load_ontology_graph, run_hermit
from graph.owlfacts import KeptFacts, keep_facts, kept_facts, reduce_kept
from graph.owlmodule import Signature, relevant_signature
from graph.owltier import TierCache, file_tier, kept_tier
from graph.query import QueryDef, load_query, rules_dir
from graph.rdfio import (
    TURTLE_PREFIXES,
    atomic_writer,
    sorted_unique,
    term_sort_key,
    to_ox,
    write_text,
    write_trig,
)
from graph.reasoncache import (
    HermitCache,
    PremiseCache,
    Premises,
    analyse_rules,
    code_digest,
    digest,
    file_digest,
    graph_digest,
    load_premises,
    premise_slice,
)
from graph.rulegroups import RuleGroups
from graph.store import INFERRED_FILE, dataset_from_trig, empty_dataset, graph_file, open_files
from graph.vocab import RKG, RKGD

INFERRED_GRAPH = URIRef(f"{RKGD}graph/inferred")
REGISTRY_GRAPH = URIRef(f"{RKGD}graph/registry")
CANONICAL_GRAPH = URIRef(f"{RKGD}graph/canonical")
RULE_BASE = f"{RKGD}rule/"
HERMIT_RULE = URIRef(f"{RULE_BASE}owl-hermit")
REPORT_FILE = "reasoning.txt"
MAX_ROUNDS = 10


@dataclass
class RuleRun:
    """One rule: its name, IRI, how many triples it added and how long it took (all rounds)."""

    name: str
    iri: URIRef
    title: str
    added: int = 0
    seconds: float = 0.0
    groups: tuple[int, int] | None = None  # (evaluated, all) focus groups (graph/rulegroups.py)


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


def load_rules(directory: Path | None = None) -> list[QueryDef]:
    """The CONSTRUCT rules of `queries/rules/` in file-name order."""
    folder = directory or rules_dir()
    rules = []
    for path in sorted(folder.glob("*.rq")):
        rule = load_query(path)
        if rule.form != "CONSTRUCT":
            raise QueryError(f"{path}: a rule must be a CONSTRUCT query, not {rule.form}")
        rules.append(rule)
    return rules


def rule_name(rule: QueryDef) -> str:
    """`02-is-party-to` -> `is-party-to` (the numeric prefix only orders the rules)."""
    stem = rule.name
    head, _, tail = stem.partition("-")
    return tail if head.isdigit() and tail else stem


def rule_iri(rule: QueryDef) -> URIRef:
    return URIRef(RULE_BASE + rule_name(rule))


def apply_rules(ds: Dataset, rules: list[QueryDef] | None = None,
                *, max_rounds: int = MAX_ROUNDS,
                groups: RuleGroups | None = None) -> tuple[list[RuleRun], int]:
    """Run the rules over `ds` until nothing new comes out; add results to the inferred graph.

    Returns one RuleRun per rule and the number of rounds. A rule whose CONSTRUCT template
    does not use its own IRI (`rkgd:rule/{name}`) is rejected: its triples would not be tied
    to it. With `groups` (and a pyoxigraph store), a rule that splits by focus node
    (graph/rulegroups.py) runs only on the groups whose input changed.
    """
    rules = load_rules() if rules is None else rules
    inferred = ds.graph(INFERRED_GRAPH)
    runs = [RuleRun(rule_name(r), rule_iri(r), r.title) for r in rules]
    for rule, run in zip(rules, runs, strict=True):
        if str(run.iri) not in rule.text:
            raise QueryError(f"{rule.source}: the rule must name itself as <{run.iri}> "
                             "(its triples are tied to it with prov:wasGeneratedBy)")
    store = native_store(ds)
    construct = _native_rule(store) if store is not None else _rdflib_rule(ds)
    if store is not None and groups is not None:
        construct = _grouped_rule(store, groups, rules, runs, construct)
    seen: set[Any] = (set(_native_inferred(store)) if store is not None
                         else set(inferred))
    rounds = 0
    for rounds in range(1, max_rounds + 1):  # noqa: B007 - rounds is reported
        new_in_round = 0
        for rule, run in zip(rules, runs, strict=True):
            started = time.perf_counter()
            fresh: list[Any] = []
            try:
                for triple in construct(rule.text):  # each once, in the order first given
                    if triple not in seen:
                        seen.add(triple)
                        fresh.append(triple)
            except Exception as exc:  # engine errors name the rule
                raise QueryError(f"{rule.source}: the rule failed: {type(exc).__name__}: "
                                 f"{exc}") from exc
            if store is not None:
                store.extend(ox.Quad(t.subject, t.predicate, t.object, _OX_INFERRED)
                             for t in fresh)
            else:
                for triple in fresh:
                    inferred.add(triple)
            run.added += len(fresh)
            run.seconds += time.perf_counter() - started
            new_in_round += len(fresh)
        if new_in_round == 0:
            break
    return runs, rounds


_OX_INFERRED = ox.NamedNode(str(INFERRED_GRAPH))


def _grouped_rule(store: ox.Store, groups: RuleGroups, rules: list[QueryDef],
                  runs: list[RuleRun], whole: Callable[[str], Iterable[Any]]
                  ) -> Callable[[str], Iterable[Any]]:
    """`whole`, but a rule with a focus (graph/rulegroups.py) is run group by group, each
    group's conclusions from `groups` when its input is unchanged."""
    focused = {rule.text: (run, groups.focus(rule.text)) for rule, run in zip(rules, runs,
                                                                            strict=True)}

    def construct(text: str) -> Iterable[Any]:
        run, focus = focused.get(text, (None, None))
        if run is None or focus is None:
            return whole(text)
        found = groups.conclusions(store, run.name, text, focus)
        if found is None:
            return whole(text)
        run.groups = (groups.evaluated[run.name], groups.groups[run.name])
        return found
    return construct


# the canonical tier's triples, when the dataset reasoned over does not hold them all
Tier = Callable[[], Iterable[tuple[Node, Node, Node]]]
# what step 1 of HermiT's reduction keeps of them (None: the reduction gives up)
KeptTier = Callable[[Signature], KeptFacts | None]


def _native_rule(store: ox.Store) -> Callable[[str], Iterable[Any]]:
    """A rule's triples straight from the pyoxigraph store under the Dataset (the union of
    its graphs as default graph, as the Dataset queries it): the same triples as through
    rdflib, without turning each into rdflib terms and back (most of the rules' time).
    Read as they come (`apply_rules` keeps each once): at 10,000 documents one rule gives
    half a million triples."""
    def construct(text: str) -> Iterable[Any]:
        result = store.query(text, use_default_graph_as_union=True)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError("a rule must be a CONSTRUCT query")
        return result
    return construct


def _rdflib_rule(ds: Dataset) -> Callable[[str], Iterable[Any]]:
    def construct(text: str) -> list[Any]:
        return list(ds.query(text).graph or [])
    return construct


def _native_inferred(store: ox.Store) -> Iterator[ox.Triple]:
    for quad in store.quads_for_pattern(None, None, None, _OX_INFERRED):
        yield quad.triple


def describe_rules(rules: Iterable[QueryDef], graph: Graph) -> None:
    """`rkgd:rule/{name}` a prov:Activity with its title, question and source file."""
    root = rules_dir().parent.parent
    for rule in rules:
        iri = rule_iri(rule)
        graph.add((iri, RDF.type, PROV.Activity))
        graph.add((iri, RDFS.label, Literal(f"rule: {rule.title or rule_name(rule)}",
                                            lang="en")))
        if rule.question:
            graph.add((iri, RDFS.comment, Literal(rule.question, lang="en")))
        if rule.path is not None:
            try:
                source = rule.path.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                source = rule.path.name
            graph.add((iri, DCTERMS.source, Literal(source)))
    graph.add((HERMIT_RULE, RDF.type, PROV.Activity))
    graph.add((HERMIT_RULE, RDFS.label, Literal(
        "rule: OWL 2 DL classification by HermiT (defined classes)", lang="en")))
    graph.add((HERMIT_RULE, RDFS.comment, Literal(
        "Memberships of the ontology's defined classes that HermiT infers from the ontology, "
        "the registry, the canonical facts and the rules' rkg:isPartyTo; dates play no part.",
        lang="en")))
    graph.add((HERMIT_RULE, DCTERMS.source, Literal("graph/reasoning.py")))


def inference_terms() -> Graph:
    """The declarations of the inferred graph's own terms (`queries/rules/inference.ttl`)."""
    graph = Graph()
    path = rules_dir() / "inference.ttl"
    if path.is_file():
        graph.parse(path, format="turtle")
    return graph


# ---------------------------------------------------------------------------------------------
# OWL tier
# ---------------------------------------------------------------------------------------------


def canonical_tier(ds: Dataset, tier: Tier | None = None) -> Graph:
    """Registry + canonical graph + the rules' rkg:isPartyTo: what HermiT sees (no mentions,
    claims or selectors); `tier` gives those triples when `ds` does not hold them all."""
    graph = Graph()
    for triple in (tier() if tier is not None else canonical_triples(ds)):
        graph.add(triple)
    return graph


def canonical_triples(ds: Dataset) -> Iterator[tuple[Node, Node, Node]]:
    """The canonical tier's triples as they come (a triple in two graphs comes twice)."""
    store = native_store(ds)
    if store is not None:  # straight from pyoxigraph, each distinct term converted once
        yield from _native_canonical(store)
        return
    for name in (REGISTRY_GRAPH, CANONICAL_GRAPH):
        yield from ds.graph(name)
    for state, treaty in ds.graph(INFERRED_GRAPH).subject_objects(RKG.isPartyTo):
        yield state, RKG.isPartyTo, treaty


def _native_canonical(store: ox.Store) -> Iterator[tuple[Node, Node, Node]]:
    from graph.native import TermCache

    cache = TermCache()

    def term(value: object) -> Node:
        return cast(Node, cache[value])  # plain RDF here: never None

    for name in (REGISTRY_GRAPH, CANONICAL_GRAPH):
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            yield term(quad.subject), term(quad.predicate), term(quad.object)
    party = ox.NamedNode(str(RKG.isPartyTo))
    for quad in store.quads_for_pattern(None, party, None, _OX_INFERRED):
        yield term(quad.subject), RKG.isPartyTo, term(quad.object)


def defined_classes(ontology: Graph) -> set[str]:
    """Classes with an owl:equivalentClass definition (what classification can add)."""
    return {str(c) for c in ontology.subjects(OWL.equivalentClass, None)
            if isinstance(c, URIRef)}


def reify(graph: Graph, triple: tuple[URIRef, URIRef, URIRef], rule: URIRef,
          premises: Iterable[URIRef] = ()) -> URIRef:
    """Add `triple` and its rdf:Statement (generated by `rule`, derived from `premises`)."""
    from graph.iris import digest

    subject, predicate, obj = triple
    node = URIRef(f"{RKGD}inference/{digest(rule, subject, predicate, obj)}")
    graph.add(triple)
    graph.add((node, RDF.type, RDF.Statement))
    graph.add((node, RDF.subject, subject))
    graph.add((node, RDF.predicate, predicate))
    graph.add((node, RDF.object, obj))
    graph.add((node, PROV.wasGeneratedBy, rule))
    for premise in premises:
        graph.add((node, PROV.wasDerivedFrom, premise))
    return node


def apply_hermit(ds: Dataset, *, java: str | None = None, cache: HermitCache | None = None,
                 reduce: bool = True, canonical: Tier | None = None,
                 kept: KeptTier | None = None) -> HermitResult:
    """Classify the canonical tier with HermiT; add defined-class memberships to the inferred
    graph, tied to `rkgd:rule/owl-hermit`. With `reduce`, HermiT reads only the facts that can
    change its answer (graph/owlfacts.py; the same memberships, tested). With a `cache`,
    HermiT is not run again on an input (facts, ontology, reasoner, Java) it has classified.
    `canonical` gives the canonical tier's triples when `ds` does not hold all of them;
    `kept`, what step 1 of the reduction keeps of them (graph/owltier.py)."""
    ontology = load_ontology_graph()
    wanted = defined_classes(ontology)
    tier = canonical or (lambda: canonical_triples(ds))
    reduced = None
    if reduce:
        signature = relevant_signature(ontology)
        facts = (kept(signature) if kept is not None
                 else kept_facts(keep_facts(tier(), signature)))
        reduced = reduce_kept(facts, signature, ontology) if facts is not None else None
    if reduced is not None:
        result = _classify(reduced.graph, ontology, java, cache)
        if _all_in_some(reduced.graph, result, wanted):
            # a defined class that holds for every individual would hold for dropped ones too
            reduced = None
    if reduced is None:  # not asked, or a fact the reduction does not handle
        result = _classify(canonical_tier(ds, canonical), ontology, java, cache)
    if result.consistent:
        types = reduced.expand(result.inferred_types) if reduced else result.inferred_types
        inferred = ds.graph(INFERRED_GRAPH)
        for individual, classes in sorted(types.items()):
            for cls in sorted(classes & wanted):
                reify(inferred, (URIRef(individual), RDF.type, URIRef(cls)), HERMIT_RULE)
    return result


def _classify(facts: Graph, ontology: Graph, java: str | None, cache: HermitCache | None
              ) -> HermitResult:
    key = _hermit_key(facts, java) if cache is not None else ""
    result = cache.get(key) if cache is not None else None
    if result is not None:
        result.message += "; input unchanged, not run again"
        return result
    result = run_hermit(facts, ontology=ontology, java=java)
    if cache is not None:
        cache.put(key, result)
    return result


def _all_in_some(facts: Graph, result: HermitResult, wanted: set[str]) -> bool:
    """Does some defined class hold for every individual HermiT saw (told or inferred)?"""
    if not result.consistent:
        return False
    individuals = set(facts.subjects(RDF.type, OWL.NamedIndividual))
    return any(individuals and all(
        cls in result.inferred_types.get(str(i), set()) or (i, RDF.type, URIRef(cls)) in facts
        for i in individuals) for cls in wanted)


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def _hermit_key(tier: Graph, java: str | None) -> str:
    from importlib.metadata import version

    from graph.ontology import ontology_files

    return digest(graph_digest(tier), code_digest(ontology_files()), version("owlready2"),
                  java or "")


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


def _reason_native(ds: Dataset, store: ox.Store, path: Path, *, owl: bool,
                   java: str | None, rules: list[QueryDef], followed: Followed
                   ) -> ReasoningResult:
    """`reason_dataset` and `_write_inferred` on a pyoxigraph-backed `ds`, without copying
    the inferred graph into rdflib: at 10,000 documents (578,000 inferred triples) that
    copy and its sorting held 800 MB. Each triple still goes through rdflib's terms, as the
    Dataset hands them over, so inferred.trig is the same bytes."""
    started = time.perf_counter()
    runs, rounds, hermit = _infer(ds, owl, java, rules, followed)
    rows: dict[tuple[str, str, str], ox.Quad] = {}
    flags: set[str] = set()
    flag_type = (str(RDF.type), str(FLAG_CLASS))
    written = _WrittenTerms()
    for quad in store.quads_for_pattern(None, None, None, _OX_INFERRED):
        (s_key, s), (p_key, p), (o_key, o) = (written[quad.subject], written[quad.predicate],
                                              written[quad.object])
        key = (s_key, p_key[1:], o_key)  # as triple_sort_key: a predicate is its IRI
        if key not in rows:
            rows[key] = ox.Quad(s, p, o, _OX_INFERRED)
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


def reason(outdir: Path, *, owl: bool = True, java: str | None = None,
           store: str = "oxigraph", cached: bool = True,
           cache_dir: Path | None = None) -> ReasoningResult:
    """Reason over the build in `outdir`; write `inferred.trig` and `reasoning.txt` there.

    The build's graph.trig is read afresh (any older inferred.trig is ignored and replaced).
    With `cached` (graph/reasoncache.py) the rules read only their premises' triples, HermiT
    runs only on a new input, and an unchanged graph.trig reuses the last result; the
    inferred graph is the same bytes either way. `cache_dir` (default outdir/.cache) is where
    the cache lives: `rkg build` passes out/.cache, shared by its build generations.
    """
    started = time.perf_counter()
    trig = graph_file(outdir)
    path = outdir / INFERRED_FILE
    reasoning_cache = (cache_dir or outdir / ".cache") / "reasoning"
    rules = load_rules()
    whole_key = _whole_key(trig, rules, owl, java, store) if cached else ""
    reused = _reuse(reasoning_cache, whole_key, path) if cached else None
    if reused is not None:
        result = reused
    elif cached:
        result = _reason_followed(trig, path, reasoning_cache, rules, owl=owl, java=java,
                                  store=store)
        _keep(reasoning_cache, whole_key, path, result, result.cache_files)
    else:
        result = reason_dataset(open_files([trig], store), owl=owl, java=java, rules=rules)
        _write_inferred(result.graph, path)
    result.path = path
    result.seconds = time.perf_counter() - started  # the whole stage, reading and hashing too
    result.report_path = outdir / REPORT_FILE
    write_text(result.report_path, "\n".join(result.lines()) + "\n")
    return result


def _reason_followed(trig: Path, path: Path, folder: Path, rules: list[QueryDef], *,
                     owl: bool, java: str | None, store: str) -> ReasoningResult:
    """`reason` with the caches of `folder`: each unit's premises, each focus group's
    conclusions, each tier part's kept facts, HermiT's results."""
    code = _unit_code()
    analysis, analysis_file = analyse_rules(rules, folder, code)
    premises = analysis.premises
    ds = empty_dataset(store)
    premise_cache = PremiseCache(folder, premises, code) if premises is not None else None
    sliced = _load_premises(ds, trig, premises, store, premise_cache)
    hermit, groups = HermitCache(folder), RuleGroups(folder, code, analysis.focus)
    followed = Followed(hermit, groups)
    tier = TierCache(folder, _tier_code(code))
    if sliced:
        followed.canonical = lambda: file_tier(trig, ds)
        followed.kept = lambda signature: _kept_tier(trig, ds, signature, tier)
    native = native_store(ds)
    if native is not None:
        result = _reason_native(ds, native, path, owl=owl, java=java, rules=rules,
                                followed=followed)
    else:
        result = reason_dataset(ds, owl=owl, java=java, rules=rules, hermit_cache=hermit,
                                canonical=followed.canonical)
        _write_inferred(result.graph, path)
    groups.save()
    result.cache_files = {*hermit.used, analysis_file.name, *groups.files()}
    if premise_cache is not None and sliced:
        premise_cache.save()
        result.cache_files.add(premise_cache.path.name)
        result.units = (premise_cache.misses, premise_cache.misses + premise_cache.hits)
    if tier.parts:
        tier.save()
        result.cache_files.add(tier.path.name)
        result.tier_parts = (tier.parsed, tier.parts)
    return result


def _kept_tier(trig: Path, ds: Dataset, signature: Signature, tier: TierCache
               ) -> KeptFacts | None:
    """`kept_tier`, or step 1 on the whole tier when a part holds a kept blank node."""
    try:
        return kept_tier(trig, ds, signature, tier)
    except trigblocks.LayoutError:
        tier.parts = 0
        return kept_facts(keep_facts(file_tier(trig, ds), signature))


def _tier_code(code: str) -> str:
    """What a tier part's kept facts depend on besides its bytes: the ontology (the
    signature), the reduction's code, rdflib and `code`."""
    from importlib.metadata import version

    from graph import owlfacts, owlmodule, owltier
    from graph.ontology import ontology_files

    return digest(code, code_digest([Path(owlfacts.__file__), Path(owlmodule.__file__),
                                     Path(owltier.__file__), *ontology_files()]),
                  version("rdflib"))


def _load_premises(ds: Dataset, trig: Path, premises: Premises | None, store: str,
                   cache: PremiseCache | None) -> bool:
    """What the rules can read in `trig` into `ds`: natively on pyoxigraph when the file
    is laid out in blocks (a third of the time of handing each quad to Python), the
    canonical graph then cut to the rules' premises too, and each unit's premises taken
    from `cache` when its bytes are unchanged. True in that case: HermiT must read the
    canonical tier from the file (graph/owltier.py), not from `ds`."""
    native = native_store(ds)
    if native is not None and premises is not None:
        try:
            load_premises(native, trig, premises, sliced=frozenset({str(CANONICAL_GRAPH)}),
                          cache=cache)
            return True
        except trigblocks.LayoutError:
            native.clear()
    ds.parse(data=premise_slice(trig, premises), format=_nquads_format(store))
    return False


def _nquads_format(store: str) -> str:
    return "ox-nquads" if store == "oxigraph" else "nquads"


def _write_inferred(graph: Graph, path: Path) -> None:
    write_trig(sorted_unique((s, p, o, INFERRED_GRAPH) for s, p, o in graph), path)


def _whole_key(trig: Path, rules: list[QueryDef], owl: bool, java: str | None,
               store: str) -> str:
    """Everything the inferred graph depends on: the build, rules, ontology and code."""
    from importlib.metadata import version

    from graph import owlfacts, owlmodule, owltier, reasoncache, rulegroups
    from graph.ontology import ontology_files

    code = [Path(__file__), Path(reasoncache.__file__), Path(owlmodule.__file__),
            Path(owlfacts.__file__), Path(rulegroups.__file__), Path(owltier.__file__),
            *ontology_files(),
            *(r.path for r in rules if r.path is not None), rules_dir() / "inference.ttl"]
    return digest(file_digest(trig), code_digest(p for p in code if p.is_file()),
                  *(r.text for r in rules), str(owl), java or "", store,
                  version("rdflib"), version("pyoxigraph"), version("owlready2"))


def _unit_code() -> str:
    """What the units' premises and the focus groups' conclusions depend on besides their
    input: the code that reads and evaluates them, and pyoxigraph."""
    from importlib.metadata import version

    from graph import reasoncache, rulegroups, unitfile

    return digest(code_digest([Path(reasoncache.__file__), Path(rulegroups.__file__),
                               Path(trigblocks.__file__), Path(unitfile.__file__)]),
                  version("pyoxigraph"))


def _reuse(cache_dir: Path, key: str, path: Path) -> ReasoningResult | None:
    """The cached result for `key`, its inferred graph written to `path` (newer than
    graph.trig, so that it counts as up to date)."""
    record, trig = cache_dir / f"{key}.json", cache_dir / f"{key}.trig"
    if not (record.is_file() and trig.is_file()):
        return None
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except ValueError:
        return None
    with atomic_writer(path) as out, open(trig, "rb") as cached:
        shutil.copyfileobj(cached, out)
    runs = [RuleRun(r["name"], URIRef(r["iri"]), r["title"], r["added"], 0.0)
            for r in data["rules"]]
    hermit = None
    if data["hermit"] is not None:
        hermit = HermitResult(data["hermit"]["consistent"], 0.0,
                              message=data["hermit"]["message"] + "; build unchanged, not run")
    return ReasoningResult(runs, hermit, data["inferred_triples"], data["flags"],
                           data["rounds"], 0.0)


def _keep(cache_dir: Path, key: str, path: Path, result: ReasoningResult,
          also_keep: set[str]) -> None:
    """Cache this result under `key`; forget older results and every other file but
    `also_keep` (HermiT's results and the units' premises this build used)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with atomic_writer(cache_dir / f"{key}.trig") as out, open(path, "rb") as made:
        shutil.copyfileobj(made, out)
    hermit = None if result.hermit is None else {
        "consistent": result.hermit.consistent, "message": result.hermit.message}
    write_text(cache_dir / f"{key}.json", json.dumps({
        "rules": [{"name": r.name, "iri": str(r.iri), "title": r.title, "added": r.added}
                  for r in result.rules],
        "hermit": hermit, "inferred_triples": result.inferred_triples,
        "flags": result.flags, "rounds": result.rounds}, sort_keys=True))
    keep = {f"{key}.json", f"{key}.trig", *also_keep}
    for other in cache_dir.iterdir():
        if other.name not in keep:
            other.unlink(missing_ok=True)


run_reasoning = reason
"""`reason` under a name that `post_build`'s `reason` flag does not shadow."""


def reason_trig(data: str, *, owl: bool = False, store: str = "memory") -> ReasoningResult:
    """Reason over TriG text (tests and fixtures); nothing is written."""
    return reason_dataset(dataset_from_trig(data, store), owl=owl)


def post_build(outdir: Path, reason: bool = True) -> list[str]:
    """The hook `rkg build` calls after writing graph.trig: reasoning, then SHACL validation.

    Returns lines for the build summary. With `reason=False` (`--no-reason`) inference is
    skipped and the inferred graph of an earlier build is removed, so that no stale inference
    is ever read as belonging to this build; validation still runs.
    """
    from graph.validation import validate

    if reason:
        lines = run_reasoning(outdir).lines()
    else:
        for name in (INFERRED_FILE, REPORT_FILE):
            (outdir / name).unlink(missing_ok=True)
        lines = ["Inference skipped (--no-reason)."]
    lines.extend(validate(outdir).lines(limit=10))
    return lines
