"""Reasoning that follows the changes (graph/reasoning.py, graph/reasoncache.py): the
rules read only their premises, each unit of graph.trig parsed only when its bytes changed;
HermiT's input read part by part; an unchanged build's result reused whole."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from rdflib import Dataset, URIRef

from graph import trigblocks
from graph.native import native_store
from graph.ontology import HermitResult
from graph.owlfacts import KeptFacts, keep_facts, kept_facts
from graph.owlmodule import Signature
from graph.owltier import TierCache, file_tier, kept_tier
from graph.query import QueryDef, rules_dir
from graph.rdfio import (
    atomic_writer,
    write_text,
)
from graph.reasoncache import (
    HermitCache,
    PremiseCache,
    Premises,
    analyse_rules,
    code_digest,
    digest,
    file_digest,
    load_premises,
    premise_slice,
)
from graph.reasonrules import CANONICAL_GRAPH, RuleRun
from graph.reasonrun import Followed, ReasoningResult, reason_dataset, reason_native, write_inferred
from graph.rulegroups import RuleGroups
from graph.store import empty_dataset


def reason_followed(trig: Path, path: Path, folder: Path, rules: list[QueryDef], *,
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
        result = reason_native(ds, native, path, owl=owl, java=java, rules=rules,
                                followed=followed)
    else:
        result = reason_dataset(ds, owl=owl, java=java, rules=rules, hermit_cache=hermit,
                                canonical=followed.canonical)
        write_inferred(result.graph, path)
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


def whole_build_key(trig: Path, rules: list[QueryDef], owl: bool, java: str | None,
               store: str) -> str:
    """Everything the inferred graph depends on: the build, rules, ontology and code."""
    from importlib.metadata import version

    from graph import (
        owlfacts,
        owlmodule,
        owltier,
        reasoncache,
        reasoning,
        reasonowl,
        reasonrules,
        reasonrun,
        rulegroups,
    )
    from graph.ontology import ontology_files

    code = [Path(__file__), Path(reasoning.__file__), Path(reasonrules.__file__),
            Path(reasonowl.__file__), Path(reasonrun.__file__),
            Path(reasoncache.__file__), Path(owlmodule.__file__),
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


def reuse_result(cache_dir: Path, key: str, path: Path) -> ReasoningResult | None:
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


def keep_result(cache_dir: Path, key: str, path: Path, result: ReasoningResult,
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
