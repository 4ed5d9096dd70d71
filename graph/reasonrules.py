"""The rules tier of reasoning (graph/reasoning.py): the CONSTRUCT queries of
`queries/rules/`, run until nothing new comes out, each inferred triple tied to its rule
(reified with `reify`), and the rules described in the inferred graph."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from graph.errors import QueryError
from graph.native import native_store
from graph.query import QueryDef, load_query, rules_dir
from graph.rulegroups import RuleGroups
from graph.vocab import RKGD

INFERRED_GRAPH = URIRef(f"{RKGD}graph/inferred")
REGISTRY_GRAPH = URIRef(f"{RKGD}graph/registry")
CANONICAL_GRAPH = URIRef(f"{RKGD}graph/canonical")
RULE_BASE = f"{RKGD}rule/"
HERMIT_RULE = URIRef(f"{RULE_BASE}owl-hermit")
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
                store.extend(ox.Quad(t.subject, t.predicate, t.object, OX_INFERRED)
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


OX_INFERRED = ox.NamedNode(str(INFERRED_GRAPH))


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
    for quad in store.quads_for_pattern(None, None, None, OX_INFERRED):
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
