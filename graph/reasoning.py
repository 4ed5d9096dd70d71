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

The parts live beside this entry point: graph/reasonrules.py (the rules tier, the inferred
graph's IRIs, `reify`), graph/reasonowl.py (the OWL tier), graph/reasonrun.py (one dataset
reasoned over and written) and graph/reasonfollow.py (the path that follows the changes).
"""

from __future__ import annotations

import time
from pathlib import Path

from graph.rdfio import (
    write_text,
)
from graph.reasonfollow import keep_result, reason_followed, reuse_result, whole_build_key
from graph.reasonowl import apply_hermit, canonical_tier, canonical_triples, defined_classes
from graph.reasonrules import (
    CANONICAL_GRAPH,
    HERMIT_RULE,
    INFERRED_GRAPH,
    REGISTRY_GRAPH,
    RULE_BASE,
    RuleRun,
    apply_rules,
    load_rules,
    reify,
    rule_iri,
    rule_name,
)
from graph.reasonrun import FLAG_CLASS, ReasoningResult, reason_dataset, write_inferred
from graph.store import INFERRED_FILE, dataset_from_trig, graph_file, open_files

__all__ = [
    "CANONICAL_GRAPH", "FLAG_CLASS", "HERMIT_RULE", "INFERRED_FILE", "INFERRED_GRAPH",
    "REGISTRY_GRAPH", "REPORT_FILE", "RULE_BASE", "ReasoningResult", "RuleRun", "apply_hermit",
    "apply_rules", "canonical_tier", "canonical_triples", "defined_classes", "load_rules",
    "post_build", "reason", "reason_dataset", "reason_trig", "reify", "rule_iri", "rule_name",
    "run_reasoning",
]

REPORT_FILE = "reasoning.txt"


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
    whole_key = whole_build_key(trig, rules, owl, java, store) if cached else ""
    reused = reuse_result(reasoning_cache, whole_key, path) if cached else None
    if reused is not None:
        result = reused
    elif cached:
        result = reason_followed(trig, path, reasoning_cache, rules, owl=owl, java=java,
                                  store=store)
        keep_result(reasoning_cache, whole_key, path, result, result.cache_files)
    else:
        result = reason_dataset(open_files([trig], store), owl=owl, java=java, rules=rules)
        write_inferred(result.graph, path)
    result.path = path
    result.seconds = time.perf_counter() - started  # the whole stage, reading and hashing too
    result.report_path = outdir / REPORT_FILE
    write_text(result.report_path, "\n".join(result.lines()) + "\n")
    return result


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
