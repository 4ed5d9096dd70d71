"""Floors for the returns, treaty and resolution categories, scored from built graphs.

Each floor sits just under what the builder reached when it was set, so a regression in one
category fails here even when the mean holds. Dev: `tests/fixtures/dev` (30 real articles);
samples: `corpus/`; extras: `tests/fixtures/extra`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.evaluate import Scores, load_gold, score
from graph.report import facts_report
from tests.conftest import DEV_GOLD, EXTRA_GOLD, SEED_GOLD

# category (or matched-return detail) -> floor
DEV_FLOORS = {"repatriations": 0.95, "treaties": 0.95, "treaty_parties": 0.95,
              "resolutions": 0.95, "rep_number": 0.97, "rep_date_exact": 0.88,
              "rep_places": 0.60}
SAMPLE_FLOORS = {"repatriations": 0.95, "treaties": 0.95, "treaty_parties": 0.95,
                 "resolutions": 0.95, "rep_number": 0.95, "rep_date_exact": 0.95,
                 "rep_places": 0.60}
EXTRA_FLOORS = {"repatriations": 0.95, "treaties": 0.95, "treaty_parties": 0.95,
                "resolutions": 0.75, "rep_number": 0.95, "rep_date_exact": 0.95,
                "rep_places": 0.70}


def _failures(scores: Scores, floors: dict[str, float]) -> list[str]:
    found = {c: t.prf()[2] for c, t in scores.tallies.items()}
    found.update({c: t.prf()[1] for c, t in scores.details.items()})
    return [f"{c} {found[c]:.3f} < {floor}" for c, floor in floors.items()
            if found[c] < floor]


@pytest.mark.slow
def test_quality_dev_returns_treaties_resolutions_floors(dev_build: Path) -> None:
    scores = score(load_gold(DEV_GOLD), facts_report(dev_build))
    assert not _failures(scores, DEV_FLOORS), scores.table()


@pytest.mark.slow
def test_quality_samples_returns_treaties_resolutions_floors(sample_build: Path) -> None:
    scores = score(load_gold(SEED_GOLD), facts_report(sample_build))
    assert not _failures(scores, SAMPLE_FLOORS), scores.table()


@pytest.mark.slow
def test_quality_extras_returns_treaties_resolutions_floors(extra_build: Path) -> None:
    scores = score(load_gold(EXTRA_GOLD), facts_report(extra_build))
    assert not _failures(scores, EXTRA_FLOORS), scores.table()


@pytest.mark.slow
def test_quality_dev_unrealised_returns_stay_out_of_the_facts_report(dev_build: Path) -> None:
    """Planned, feared and denied returns are in the graph, not among the repatriations."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(dev_build / "graph.trig"), format=ox.RdfFormat.TRIG)
    rows = list(store.query(
        "PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#> "
        "SELECT DISTINCT ?status WHERE { ?e a rkg:UnrealisedReturn ; "
        "rkg:attestedBy/rkg:epistemicStatus ?status }", use_default_graph_as_union=True))
    statuses = {str(r["status"].value).rsplit("/", 1)[-1] for r in rows}
    assert statuses and statuses <= {"planned", "feared", "denied"}, statuses
    realised = list(store.query(
        "PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#> "
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX oa: <http://www.w3.org/ns/oa#> "
        "SELECT DISTINCT ?e ?doc WHERE { ?e a rkg:ForcedReturn ; "
        "rkg:attestedBy/prov:wasDerivedFrom/oa:hasSource ?doc }",
        use_default_graph_as_union=True))
    report = facts_report(dev_build)
    listed = sum(len(d["repatriations"]) for d in report["documents"])
    assert listed == len(realised)  # one row per forced return and document, no other
