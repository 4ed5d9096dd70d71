"""Evidence packs: a brief on one state's forced returns for a UPR or CAT submission.

Everything comes from the query pack (`queries/*.rq`) run on the built graph with bound
parameters: `timeline` (the returns), `event-sources` (what each source says of each return,
with its sentence and offsets), `disagreements`, `state-treaties` and `returns-treaty-status`
(the treaty status at each date), `possible-breaches` (flags with their premises), `statements`
and `evidence` (who urged what of the state), `documents` and `state`. Every figure carries a
footnote: a numbered source with the exact quote. Written as Markdown, HTML (escaped by Jinja)
or PDF (the HTML printed by headless Chromium). Document text is never markup: it is escaped
for HTML, and Markdown and LaTeX control characters are backslash-escaped in Markdown.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import RkgError
from graph.query import QueryResult, resolve, run_query

DATA = "https://w3id.org/refoulement-kg/id/"
FORMATS = ("md", "html", "pdf")
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


class PackError(RkgError):
    """The pack cannot be written (unknown state, bad period, no browser for PDF)."""


@dataclass
class Source:
    """One footnote: a sentence of a document (offsets when the query gives them)."""

    number: int
    file: str
    quote: str
    start: int | None = None
    end: int | None = None
    title: str = ""
    publisher: str = ""
    published: str = ""
    document: str = ""  # its IRI


@dataclass
class SourceSays:
    note: int
    claimed_by: str
    count: str
    date: str
    status: str


@dataclass
class Return:
    event: str
    when: str
    count_min: Any
    count_max: Any
    count_words: str
    places: list[str]
    destinations: list[str]
    sources: int
    says: list[SourceSays] = field(default_factory=list)


@dataclass
class Pack:
    state: str
    name: str
    period: tuple[str, str]
    returns: list[Return] = field(default_factory=list)
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    treaties: list[dict[str, Any]] = field(default_factory=list)
    status: list[dict[str, Any]] = field(default_factory=list)
    breaches: list[dict[str, Any]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    def places(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for ret in self.returns:
            for place in ret.places:
                counts[place] = counts.get(place, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


class _Notes:
    """Numbers sources in order of first use; one number per (document, sentence)."""

    def __init__(self, documents: Mapping[str, Mapping[str, Any]]) -> None:
        self.documents = documents
        self.by_key: dict[tuple[str, str], Source] = {}

    def note(self, file: str, quote: str, start: Any = None, end: Any = None) -> int:
        key = (file, quote)
        if key not in self.by_key:
            doc = self.documents.get(file, {})
            self.by_key[key] = Source(
                len(self.by_key) + 1, file, quote, int(start) if start is not None else None,
                int(end) if end is not None else None, str(doc.get("title") or ""),
                str(doc.get("publisherName") or ""), str(doc.get("published") or ""),
                str(doc.get("doc") or ""))
        return self.by_key[key].number


def state_iri(text: str) -> str:
    """`china`, `rkgd:state/china` or the full IRI."""
    if text.startswith(("http://", "https://")):
        return text
    if text.startswith("rkgd:"):
        return DATA + text[len("rkgd:"):]
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return DATA + "state/" + slug


def _run(ds: Any, name: str, **params: str | None) -> QueryResult:
    return run_query(resolve(name), ds, {k: v for k, v in params.items() if v})


def build_pack(ds: Any, state: str, start: str | None = None, end: str | None = None) -> Pack:
    """The brief's content for `state` (an IRI) between the years or dates `start`, `end`."""
    found = _run(ds, "state", state=state).records()
    if not found:
        raise PackError(f"{state}: not a state of this graph (try the registry id, e.g. "
                        "`china`, `russia`, `rkgd:state/laos`)")
    pack = Pack(state, str(found[0]["name"]), (start or "", end or ""))
    documents = {str(r["document"]): r for r in _run(ds, "documents").records()}
    notes = _Notes(documents)
    rows = _run(ds, "timeline", perpetrator=state, **{"from": start, "until": end}).records()
    events = set()
    for row in rows:
        event = str(row["event"])
        events.add(event)
        ret = Return(event, str(row["when"]), row["countMin"], row["countMax"],
                     str(row["countWords"] or ""), list(row["places"] or []),
                     list(row["destinations"] or []), int(row["sources"]))
        for said in _run(ds, "event-sources", event=event).records():
            ret.says.append(SourceSays(
                notes.note(str(said["document"]), str(said["quote"]), said["start"],
                           said["end"]),
                str(said["claimedBy"] or ""), str(said["countWords"] or "not specified"),
                str(said["claimedDate"] or said["dateText"] or "not specified"),
                str(said["status"] or "")))
        pack.returns.append(ret)
    for row in _run(ds, "disagreements").records():
        if row["subject"] in events or (row["type"] == "treaty-status" and row["state"] == state):
            entry = dict(row)
            entry["note"] = (notes.note(str(row["source"]), str(row["quote"]))
                             if row["quote"] else None)
            pack.disagreements.append(entry)
    pack.treaties = [dict(r) for r in _run(ds, "state-treaties", state=state).records()]
    pack.status = [dict(r) for r in _run(ds, "returns-treaty-status", state=state).records()
                   if r["event"] in events]
    pack.breaches = [dict(r) for r in _run(ds, "possible-breaches", state=state).records()
                     if r["return"] in events]
    statements = _run(ds, "statements", addressee=state,
                      **{"from": start, "until": end}).records()
    for row in statements:
        entry = dict(row)
        entry["notes"] = [notes.note(str(ev["document"]), str(ev["quote"]), ev["start"],
                                     ev["end"])
                          for ev in _run(ds, "evidence", node=str(row["act"])).records()
                          if ev["how"] == "attested" and ev["quote"]]
        pack.statements.append(entry)
    pack.sources = sorted(notes.by_key.values(), key=lambda s: s.number)
    return pack


# -- Markdown ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>$~^&])")


def md(text: Any) -> str:
    """Document text as inert Markdown: every Markdown, HTML and LaTeX control character is
    backslash-escaped, and line breaks become spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text if text is not None else "").split()))


def _count(ret: Return) -> str:
    if ret.count_min is None:
        return "not specified"
    if ret.count_max is None:
        return f"at least {ret.count_min}"
    if ret.count_min == ret.count_max:
        return str(ret.count_min)
    return f"{ret.count_min}–{ret.count_max}"


def _fn(numbers: list[int] | int) -> str:
    items = [numbers] if isinstance(numbers, int) else numbers
    return "".join(f"[^{n}]" for n in items)


def to_markdown(pack: Pack) -> str:
    out = [f"# Forced returns by {md(pack.name)}: evidence brief", ""]
    period = " to ".join(p for p in pack.period if p) or "all dates"
    out += [f"State: {md(pack.name)} (`{pack.state}`). Period: {md(period)}. Built from the "
            "refoulement-kg graph; every figure is footnoted with the exact words of its "
            "source. Possible-breach flags are prompts for review, not legal findings.", ""]
    out += ["## 1. Forced returns, as each source counts them", ""]
    out += ["| # | when | count (consistent range) | source says: count | date | claimed by "
            "| places |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for i, ret in enumerate(pack.returns, 1):
        for j, say in enumerate(ret.says):
            head = (f"{i} | {md(ret.when)} | {md(_count(ret))}" if j == 0 else " |  | ")
            out.append(f"| {head} | {md(say.count)}{_fn(say.note)} | {md(say.date)} | "
                       f"{md(say.claimed_by)} | "
                       f"{md(', '.join(ret.places)) if j == 0 else ''} |")
    out += ["", "## 2. Where the sources disagree", ""]
    if pack.disagreements:
        out += ["| kind | about | source | value | words |", "| --- | --- | --- | --- | --- |"]
        for row in pack.disagreements:
            note = _fn(row["note"]) if row.get("note") else ""
            out.append(f"| {md(row['type'])} | {md(row['about'])} | {md(row['source'])} | "
                       f"{md(row['value'])}{note} | {md(row['words'] or '')} |")
    else:
        out.append("No disagreement among the sources on these returns.")
    out += ["", "## 3. Places", ""]
    out += [f"- {md(place)}: {n} return{'s' if n != 1 else ''}" for place, n in pack.places()]
    if not pack.places():
        out.append("No place is named by the sources.")
    out += ["", f"## 4. Treaty status of {md(pack.name)} (UN Treaty Collection records)", "",
            "| treaty | act | date | signature | entry into force | bound since | "
            "non-refoulement |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for t in pack.treaties:
        out.append(f"| {md(t['treatyName'])} | {md(t['consentKind'] or '')} | "
                   f"{md(t['consentDate'] or '')} | {md(t['signatureDate'] or '')} | "
                   f"{md(t['entryIntoForce'] or '')} | {md(t['boundSince'] or 'not bound')} | "
                   f"{'yes' if t['nonRefoulement'] else 'no'} |")
    out += ["", "### At the date of each return", "",
            "| return | treaty | act | act date | bound since | bound at the time |",
            "| --- | --- | --- | --- | --- | --- |"]
    for s in pack.status:
        out.append(f"| {md(s['returnWhen'])} | {md(s['treatyName'])} | {md(s['act'])} | "
                   f"{md(s['actDate'])} | {md(s['boundSince'])} | {md(s['boundAtReturn'])} |")
    out += ["", "## 5. Possible breaches of non-refoulement (flags for review)", ""]
    for b in pack.breaches:
        out.append(f"- Return of {md(b['returnWhen'])}: {md(pack.name)} bound by "
                   f"{md(b['treatyName'])} since {md(b['boundSince'])} ({md(b['act'])} of "
                   f"{md(b['actDate'])}); reported by {b['sources']} source"
                   f"{'s' if b['sources'] != 1 else ''}. Premises: the return's date and "
                   "perpetrator (section 1) and the treaty record (section 4).")
    if not pack.breaches:
        out.append("No flag (the graph's inferred flags are needed: build without --no-reason).")
    out += ["", f"## 6. Who urged what of {md(pack.name)}, and when", ""]
    for s in pack.statements:
        out.append(f"- {md(s['when'])}: {md(s['speakerName'] or 'unnamed')} "
                   f"({md(s['stanceName'])}, {md(s['channelName'])}): "
                   f"{md(s['topic'] or '')}{_fn(s['notes'])}")
    if not pack.statements:
        out.append("None in the sources.")
    out += ["", "## Sources", ""]
    for src in pack.sources:
        where = f", characters {src.start}–{src.end}" if src.start is not None else ""
        out.append(f"[^{src.number}]: {md(src.title or src.file)} ({md(src.publisher)}, "
                   f"{md(src.published)}; file {md(src.file)}{where}): “{md(src.quote)}”")
    return "\n".join(out) + "\n"


# -- HTML and PDF --------------------------------------------------------------------------

def to_html(pack: Pack) -> str:
    from graph.viz.site import environment

    return environment().get_template("pack.html").render(
        pack=pack, count=_count, period=" to ".join(p for p in pack.period if p) or "all dates")


def chromium() -> str:
    for name in CHROMIUM:
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists()
                                       else None)
        if found:
            return found
    raise PackError("PDF needs headless Chromium (apt-get install chromium); "
                    "write --format html or md instead")


def to_pdf(pack: Pack, out: Path) -> None:
    """The HTML brief printed by headless Chromium (no network: the page loads nothing)."""
    with tempfile.TemporaryDirectory(prefix="rkg-pack-") as tmp:
        page = Path(tmp) / "brief.html"
        page.write_text(to_html(pack), encoding="utf-8")
        done = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
             f"--print-to-pdf={out}", page.as_uri()],
            capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0 or not out.is_file():
            raise PackError(f"Chromium could not print {out}: {done.stderr.strip()[-400:]}")


def write_pack(pack: Pack, fmt: str, out: Path) -> None:
    if fmt not in FORMATS:
        raise PackError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "pdf":
        to_pdf(pack, out)
        return
    text = to_markdown(pack) if fmt == "md" else to_html(pack)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
