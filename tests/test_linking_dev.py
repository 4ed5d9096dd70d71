"""Linking on the development set (tests/fixtures/dev, 30 real articles reworded).

Its README names the documents that report one event: 08 and 09 (Vietnam returns three to
China, April 2019), 11, 12, 14 and 30 (the October 2023 wave), 04 and 05 (the early-2012
returns, 31 against forty-one). Whether two of them *can* link depends on what extraction
gives each report: a perpetrator, and a date or place in common. So the test checks the
linker, not extraction: every same-event pair whose extracted reports share an anchor and
do not conflict is linked, no two documents of different events are linked, and the pairs
that fail are printed with the reason extraction gives (see docs/linking.md).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from graph import factcodec
from graph.builder import build_graph
from graph.facts import ForcedReturn
from graph.linking import LinkContext
from graph.linking.features import compare, profile
from graph.linking.stage import place_containers
from graph.registry import load_registry
from tests.test_linking_fixtures import event_files, linked_pairs

DEV = Path(__file__).parent / "fixtures" / "dev" / "corpus"
SAME_EVENT = {"vietnam-2019": ("08", "09"), "october-2023": ("11", "12", "14", "30"),
              "early-2012": ("04", "05")}


@pytest.fixture(scope="module")
def dev_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dev") / "out"
    build_graph(DEV, out)
    return out


def returns_by_doc(out: Path) -> dict[str, list[ForcedReturn]]:
    found: dict[str, list[ForcedReturn]] = {}
    for path in sorted((out / ".cache" / "facts").glob("*/*.json")):
        df = factcodec.loads(path.read_text(encoding="utf-8"))
        found[df.document.file_name[:2]] = [f for f in df.facts if isinstance(f, ForcedReturn)]
    return found


def test_linking_dev_same_event_reports_link_when_extraction_allows(dev_build: Path) -> None:
    containers = place_containers(load_registry())
    returns = returns_by_doc(dev_build)
    predicted = {frozenset(name[:2] for name in pair)
                 for pair in linked_pairs(event_files(dev_build))}
    gold = {frozenset(p) for docs in SAME_EVENT.values()
            for p in itertools.combinations(docs, 2)}
    assert predicted <= gold, f"documents of different events linked: {predicted - gold}"
    context = LinkContext(containers)
    report = []
    for pair in sorted(gold, key=sorted):
        a, b = sorted(pair)
        best = max((compare(profile([x], context.containers), profile([y], context.containers))
                    for x in returns.get(a, []) for y in returns.get(b, [])),
                   key=lambda c: (c.compatible, c.score), default=None)
        anchored = best is not None and best.compatible and best.score >= 1.5 and bool(
            {"date-day", "date-month", "date-year", "place"} & set(best.agreed))
        why = ("linked" if pair in predicted else
               "no return extracted" if best is None else
               "conflicting extraction (perpetrator, destination, date or status)"
               if not best.compatible else
               f"score {best.score} below the threshold on what was extracted "
               f"(agreed: {', '.join(best.agreed)}; disagreed: {', '.join(best.disagreed)})"
               if not anchored else "share an anchor, not linked")
        report.append(f"{a}-{b}: {why}")
        if anchored:
            assert pair in predicted, f"{a}-{b} share an anchor but are not linked"
    print("\ndev same-event pairs:\n  " + "\n  ".join(report))
