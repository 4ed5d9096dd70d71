"""Inference unit by unit: after one document of a corpus is edited, a rebuild reads the
premises of the units that changed and runs the possible-breach rule on the groups of
returns that changed, and its inferred graph is, byte for byte, a from-scratch run's."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from graph.builder import build_graph
from graph.reasoning import INFERRED_FILE, REPORT_FILE, ReasoningResult, reason
from graph.rulegroups import rule_focus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import edit, generate  # noqa: E402

PREFIXES = """PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#>
PREFIX ex: <https://example.org/>
"""


def _breach(result: ReasoningResult) -> tuple[int, int]:
    run = next(r for r in result.rules if r.name == "possible-breach")
    assert run.groups is not None, "possible-breach ran whole, not group by group"
    return run.groups


def _from_scratch(out: Path, scratch: Path) -> bytes:
    scratch.mkdir()
    shutil.copy2(out / "graph.trig", scratch / "graph.trig")
    reason(scratch, cached=False)
    return (scratch / INFERRED_FILE).read_bytes()


@pytest.mark.slow
def test_reasoning_units_rebuild_after_one_edit_equals_from_scratch(tmp_path: Path) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    generate(corpus, 12, seed=5)
    build_graph(corpus, out)
    first = reason(out)
    assert first.units is not None and first.units[0] == first.units[1]  # nothing cached
    evaluated, groups = _breach(first)
    assert evaluated == groups > 1 and first.flags > 0
    before = (out / INFERRED_FILE).read_bytes()

    # one document gains a return, told in words of our own
    edit(sorted(corpus.glob("*.txt"))[5],
         note="Chinese border guards sent back 14 North Korean defectors on Monday.")
    build_graph(corpus, out)
    again = reason(out)
    after = (out / INFERRED_FILE).read_bytes()
    assert after != before  # the edit reached the inferred graph
    assert after == _from_scratch(out, tmp_path / "scratch")

    # the cache was used: most units' premises and most groups' conclusions reused
    assert again.units is not None
    parsed, units = again.units
    assert 1 <= parsed < units / 2
    evaluated, groups = _breach(again)
    assert 1 <= evaluated < groups
    report = (out / REPORT_FILE).read_text(encoding="utf-8")
    assert f"premises: {parsed} of {units} units of graph.trig parsed" in report
    assert f"{evaluated} of {groups} groups of focus nodes evaluated" in report


def test_reasoning_units_focus_of_the_breach_rule() -> None:
    from graph.reasoning import load_rules

    rules = {r.name: r for r in load_rules()}
    focus = rule_focus(rules["04-possible-breach"].text)
    assert focus is not None
    assert (focus.variable, focus.cls) == ("return", "https://w3id.org/refoulement-kg/"
                                                     "ontology#ForcedReturn")
    # the treaty actions are read through the patterns every solution matches
    acting = {("https://w3id.org/refoulement-kg/ontology#actingState", ""),
              ("https://w3id.org/refoulement-kg/ontology#treaty", "")}
    assert any(acting <= guard for guard in focus.guards)
    # aggregates and sub-selects (is-party-to), property paths (located-in): run whole
    assert rule_focus(rules["02-is-party-to"].text) is None
    assert rule_focus(rules["01-located-in"].text) is None


@pytest.mark.parametrize("where", [
    "?x a ex:Thing ; ex:p ?y . { SELECT ?y (COUNT(*) AS ?n) WHERE { ?y ex:q ?z } GROUP BY ?y }",
    "?x a ex:Thing ; ex:p ?y . MINUS { ?y ex:q ?z }",
    "?x a ex:Thing . { ?x ex:p ?y } UNION { ?x ex:q ?y }",
    "?x a ex:Thing ; ex:p/ex:q ?y .",
    "?x ex:p ?y .",  # no typed variable to split by
])
def test_reasoning_units_no_focus_where_the_split_is_not_shown(where: str) -> None:
    assert rule_focus(f"{PREFIXES}CONSTRUCT {{ ?x ex:r ?y }} WHERE {{ {where} }}") is None


def test_reasoning_units_optional_reads_are_guarded() -> None:
    focus = rule_focus(f"""{PREFIXES}CONSTRUCT {{ ?x ex:r ?l }} WHERE {{
        ?x a ex:Thing ; ex:by ?s . ?s a ex:Owner .
        OPTIONAL {{ ?s ex:label ?l }}
        OPTIONAL {{ ?other ex:note ?l }}
        FILTER NOT EXISTS {{ ?s ex:hidden ex:yes }} }}""")
    assert focus is not None and focus.variable == "x"
    owner = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://example.org/Owner")
    assert frozenset({owner, ("https://example.org/label", "")}) in focus.guards
    assert frozenset({owner, ("https://example.org/hidden", "")}) in focus.guards
    # a variable bound only inside OPTIONAL: every subject with that predicate is context
    assert frozenset({("https://example.org/note", "")}) in focus.guards


def test_reasoning_units_premises_of_a_filter_with_two_patterns() -> None:
    from graph.query import QueryDef
    from graph.reasoncache import rule_premises

    text = (f"{PREFIXES}CONSTRUCT {{ ?x ex:r ?y }} WHERE {{ ?x a ex:Thing ; ex:p ?y "
            "FILTER NOT EXISTS { ?y ex:q ?z ; ex:s ?w } }")
    premises = rule_premises([QueryDef("two", None, text, "CONSTRUCT")])
    assert premises is not None
    assert {"https://example.org/q", "https://example.org/s"} <= premises.predicates
