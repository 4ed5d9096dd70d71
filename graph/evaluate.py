"""Scoring a facts report against gold facts, by the rules of docs/evaluation.md.

The same matching rules as the project's shared scorer: names match after
normalisation through either side's aliases; matching is one-to-one, best pairs first; gold
items marked `optional` neither reward nor penalise. tests/test_evaluate.py checks the rules
on hand-worked fixtures; tests/crosscheck_shared_scorer.py (a separate CI step) that both
give the same figures.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HEADLINE = ("entities_typed", "repatriations", "statements_lenient", "treaty_parties", "people")
CATEGORIES = ("entities", "entities_typed", "repatriations", "statements_strict",
              "statements_lenient", "treaties", "treaty_parties", "people", "resolutions")
DETAILS = ("rep_number", "rep_date_exact", "rep_places", "people_org")
KIND_GROUPS = {
    "urges": "appeal", "calls_on": "appeal", "demands": "appeal", "recommends": "appeal",
    "condemns": "condemn", "welcomes": "approve", "commends": "approve",
    "expresses_concern": "concern", "reports": "report", "other": "other",
}
Item = dict[str, Any]


def norm(name: object) -> str:
    if name is None:
        return ""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ").replace("’", "'")
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


class Names:
    """Which surface names refer to which gold entity, within one document."""

    def __init__(self, gold_entities: Sequence[Item], pred_entities: Sequence[Item]) -> None:
        self.gold: dict[str, set[int]] = {}
        for i, ent in enumerate(gold_entities):
            for n in [ent.get("name"), *(ent.get("aliases") or [])]:
                if norm(n):
                    self.gold.setdefault(norm(n), set()).add(i)
        self.pred_aliases: dict[str, set[str]] = {}
        for ent in pred_entities:
            forms = {norm(n) for n in [ent.get("name"), *(ent.get("aliases") or [])] if norm(n)}
            for f in forms:
                self.pred_aliases.setdefault(f, set()).update(forms)

    def ids(self, name: object) -> set[int]:
        key = norm(name)
        if not key:
            return set()
        found = set(self.gold.get(key, set()))
        for alias in self.pred_aliases.get(key, ()):
            found |= self.gold.get(alias, set())
        return found

    def same(self, pred: object, gold: object) -> bool:
        if norm(pred) and norm(pred) == norm(gold):
            return True
        return bool(self.ids(pred) & self.ids(gold))


def dates_compatible(pred: object, gold: object) -> bool:
    p, g = str(pred or "unknown"), str(gold or "unknown")
    if "unknown" in (p, g):
        return True
    return p.startswith(g) or g.startswith(p)


@dataclass
class Tally:
    tp: int = 0
    pred: int = 0
    gold: int = 0

    def add(self, tp: int, pred: int, gold: int) -> None:
        self.tp += tp
        self.pred += pred
        self.gold += gold

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / self.pred if self.pred else (1.0 if not self.gold else 0.0)
        r = self.tp / self.gold if self.gold else (1.0 if not self.pred else 0.0)
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def greedy(preds: Sequence[Item], golds: Sequence[Item],
           score: Callable[[Item, Item], float | None]) -> list[tuple[Item, Item]]:
    pairs = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            s = score(p, g)
            if s is not None:
                pairs.append((s, i, j))
    pairs.sort(key=lambda t: -t[0])
    used_p: set[int] = set()
    used_g: set[int] = set()
    matched = []
    for _s, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            matched.append((preds[i], golds[j]))
    return matched


def counted(matched: list[tuple[Item, Item]], preds: Sequence[Item], golds: Sequence[Item]
            ) -> tuple[int, int, int]:
    opt_matched = sum(1 for _, g in matched if g.get("optional"))
    opt_gold = sum(1 for g in golds if g.get("optional"))
    return len(matched) - opt_matched, len(preds) - opt_matched, len(golds) - opt_gold


@dataclass
class Scores:
    tallies: dict[str, Tally] = field(default_factory=lambda: {c: Tally() for c in CATEGORIES})
    details: dict[str, Tally] = field(default_factory=lambda: {c: Tally() for c in DETAILS})
    per_document: dict[str, dict[str, float]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    @property
    def overall(self) -> float:
        return sum(self.tallies[c].prf()[2] for c in HEADLINE) / len(HEADLINE)

    def table(self) -> str:
        lines = [f"{'category':20} {'tp':>4} {'pred':>5} {'gold':>5} {'P':>6} {'R':>6} {'F1':>6}"]
        for c in CATEGORIES:
            t = self.tallies[c]
            p, r, f = t.prf()
            lines.append(f"{c:20} {t.tp:4} {t.pred:5} {t.gold:5} {p:6.3f} {r:6.3f} {f:6.3f}")
        d = {k: v.prf()[1] for k, v in self.details.items()}
        lines.append("of matched repatriations: number right {:.3f}, date exact {:.3f}, gold "
                     "places found {:.3f}".format(d["rep_number"], d["rep_date_exact"],
                                                  d["rep_places"]))
        lines.append(f"of matched people: organisation right {d['people_org']:.3f}")
        if self.missing:
            lines.append("documents with no prediction: " + ", ".join(self.missing))
        for name, row in self.per_document.items():
            lines.append(name + " " + " ".join(f"{k}={v}" for k, v in row.items()))
        lines.append(f"overall F1: {self.overall:.3f}")
        return "\n".join(lines)


def score_document(gold: Item, pred: Item, scores: Scores) -> None:
    t, x = scores.tallies, scores.details
    names = Names(gold.get("entities") or [], pred.get("entities") or [])
    ge, pe = gold.get("entities") or [], pred.get("entities") or []
    for key, typed in (("entities", False), ("entities_typed", True)):
        t[key].add(*counted(greedy(pe, ge, _entity_score(typed)), pe, ge))

    gr, pr = gold.get("repatriations") or [], pred.get("repatriations") or []

    def rep_score(p: Item, g: Item) -> float | None:
        if not names.same(p.get("perpetrator"), g.get("perpetrator")):
            return None
        if not dates_compatible(p.get("date"), g.get("date")):
            return None
        s = 1.0 + (0.5 if str(p.get("date")) == str(g.get("date")) else 0)
        return s + (0.5 if p.get("number") == g.get("number") else 0)

    m = greedy(pr, gr, rep_score)
    t["repatriations"].add(*counted(m, pr, gr))
    for p, g in m:
        x["rep_number"].add(int(p.get("number") == g.get("number")), 1, 1)
        x["rep_date_exact"].add(int(str(p.get("date")) == str(g.get("date"))), 1, 1)
        gplaces, pplaces = g.get("places") or [], p.get("places") or []
        hit = sum(1 for gp in gplaces if any(names.same(pp, gp) for pp in pplaces))
        x["rep_places"].add(hit, len(pplaces), len(gplaces))

    gs, ps = gold.get("statements") or [], pred.get("statements") or []
    for key, strict in (("statements_strict", True), ("statements_lenient", False)):
        t[key].add(*counted(greedy(ps, gs, _statement_score(names, strict)), ps, gs))

    gt, pt = gold.get("treaties_mentioned") or [], pred.get("treaties_mentioned") or []
    gtreaties = list({norm(r.get("treaty")): r for r in gt}.values())
    ptreaties = list({norm(r.get("treaty")): r for r in pt}.values())
    m = greedy(ptreaties, gtreaties,
               lambda p, g: 1.0 if names.same(p.get("treaty"), g.get("treaty")) else None)
    t["treaties"].add(len(m), len(ptreaties), len(gtreaties))
    gparty = [r for r in gt if r.get("state")]
    pparty = [r for r in pt if r.get("state")]
    m = greedy(pparty, gparty, lambda p, g: 1.0 if names.same(p.get("treaty"), g.get("treaty"))
               and names.same(p.get("state"), g.get("state")) else None)
    t["treaty_parties"].add(len(m), len(pparty), len(gparty))

    gp, pp = gold.get("people") or [], pred.get("people") or []
    m = greedy(pp, gp, lambda p, g: 1.0 if names.same(p.get("name"), g.get("name")) else None)
    t["people"].add(*counted(m, pp, gp))
    for p, g in m:
        ok = not g.get("organization") or names.same(p.get("organization"),
                                                     g.get("organization"))
        x["people_org"].add(int(ok), 1, 1)

    gres, pres = gold.get("resolutions") or [], pred.get("resolutions") or []
    m = greedy(pres, gres, lambda p, g: 1.0 if names.same(p.get("body"), g.get("body"))
               and dates_compatible(p.get("date"), g.get("date")) else None)
    t["resolutions"].add(*counted(m, pres, gres))


def _entity_score(typed: bool) -> Callable[[Item, Item], float | None]:
    def score(p: Item, g: Item) -> float | None:
        forms = [p.get("name"), *(p.get("aliases") or [])]
        gforms = {norm(n) for n in [g.get("name"), *(g.get("aliases") or [])]}
        if not any(norm(f) in gforms for f in forms if norm(f)):
            return None
        if typed and p.get("type") != g.get("type"):
            return None
        return 1.0
    return score


def _statement_score(names: Names, strict: bool) -> Callable[[Item, Item], float | None]:
    def score(p: Item, g: Item) -> float | None:
        speakers = [g.get("speaker"), g.get("speaker_org")]
        if not any(s and names.same(p.get("speaker"), s) for s in speakers):
            return None
        pk = str(p.get("kind"))
        gkinds = [g.get("kind"), *(g.get("kind_alt") or [])]
        if strict and pk not in gkinds:
            return None
        if not strict and KIND_GROUPS.get(pk, pk) not in {KIND_GROUPS.get(k, k)
                                                          for k in gkinds}:
            return None
        if g.get("addressee") and not names.same(p.get("addressee"), g.get("addressee")):
            return None
        return 1.0 + (0.5 if pk == g.get("kind") else 0)
    return score


def load_gold(folder: Path) -> dict[str, Item]:
    golds: dict[str, Item] = {}
    for f in sorted(folder.glob("*.y*ml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        name = data.get("document") or data.get("doc")
        if name:
            golds[Path(str(name)).name] = data
    return golds


def score(golds: dict[str, Item], report: dict[str, Any], per_document: bool = False
          ) -> Scores:
    preds = {Path(str(d.get("document", ""))).name: d
             for d in report.get("documents", []) if isinstance(d, dict)}
    scores = Scores()
    for name, gold in golds.items():
        pred = preds.get(name, {})
        score_document(gold, pred, scores)
        if per_document:
            alone = Scores()
            score_document(gold, pred, alone)
            scores.per_document[name] = {c: round(alone.tallies[c].prf()[2], 3)
                                         for c in CATEGORIES}
    scores.missing = sorted(set(golds) - set(preds))
    return scores
