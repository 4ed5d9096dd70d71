"""The facts report (docs/evaluation.md), computed by SPARQL over a built graph.

Nothing here reads extraction results directly: every value comes from the graph the build
wrote (`out/graph.trig`), so the report measures what users can query.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from rdflib import Dataset
from rdflib.plugins.sparql import prepareQuery

from graph.registry import KNOWN_TYPES, evaluation_type
from graph.store import open_dataset

PREFIXES = """
PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

DOCUMENTS = prepareQuery(PREFIXES + """
SELECT ?doc ?file WHERE {
  ?doc a rkg:SourceDocument ; rkg:fileName ?file .
  FILTER(STRSTARTS(STR(?doc), "https://w3id.org/refoulement-kg/id/doc/"))  # not registry files
}""")

ENTITIES = prepareQuery(PREFIXES + """
SELECT ?doc ?entity ?label ?type ?surface WHERE {
  ?m a rkg:Mention ; rkg:refersTo ?entity ; rkg:surfaceForm ?surface ; oa:hasSource ?doc .
  ?entity a ?type .
  OPTIONAL { ?entity rdfs:label ?label }
  FILTER(STRSTARTS(STR(?type), "https://w3id.org/refoulement-kg/ontology#"))
}""")

# claims of a canonical node that come from one document
RETURNS = prepareQuery(PREFIXES + """
SELECT ?doc ?event ?claim ?perp ?origin ?dest ?date ?precision ?dateText
       ?value ?min ?max ?qualifier ?words ?place ?start WHERE {
  ?event a rkg:ForcedReturn ; rkg:attestedBy ?claim .
  ?claim prov:wasDerivedFrom ?m .
  ?m oa:hasSource ?doc ; oa:hasSelector ?pos . ?pos a oa:TextPositionSelector ; oa:start ?start .
  OPTIONAL { ?event rkg:perpetrator/rdfs:label ?perp }
  OPTIONAL { ?event rkg:origin/rdfs:label ?origin }
  OPTIONAL { ?event rkg:destination/rdfs:label ?dest }
  OPTIONAL { ?claim rkg:claimedDate ?date ; rkg:claimedDatePrecision ?precision }
  OPTIONAL { ?claim rkg:dateText ?dateText }
  OPTIONAL { ?claim rkg:claimedCount ?c . ?c rkg:wordsAsWritten ?words ;
                                          rkg:countQualifier ?qualifier .
             OPTIONAL { ?c rkg:value ?value } OPTIONAL { ?c rkg:minValue ?min }
             OPTIONAL { ?c rkg:maxValue ?max } }
  OPTIONAL { ?claim rkg:claimedPlace/rdfs:label ?place }
}""")

STATEMENTS = prepareQuery(PREFIXES + """
SELECT ?doc ?act ?speaker ?speakerText ?addressee ?addresseeText ?stance ?topic ?date
       ?precision WHERE {
  ?act rkg:stance ?stance ; rkg:speakerText ?speakerText ; rkg:topic ?topic ;
       rkg:attestedBy ?claim .
  ?claim prov:wasDerivedFrom/oa:hasSource ?doc .
  OPTIONAL { ?act rkg:speaker/rdfs:label ?speaker }
  OPTIONAL { ?act rkg:addressee/rdfs:label ?addressee }
  OPTIONAL { ?act rkg:addresseeText ?addresseeText }
  OPTIONAL { ?act rkg:date ?date ; rkg:datePrecision ?precision }
}""")

TREATIES = prepareQuery(PREFIXES + """
SELECT ?doc ?treaty ?state ?year WHERE {
  ?s a rkg:TreatyStatement ; rkg:treaty/rdfs:label ?treaty ; rkg:attestedBy ?claim .
  ?claim prov:wasDerivedFrom/oa:hasSource ?doc .
  OPTIONAL { ?s rkg:actingState/rdfs:label ?state }
  OPTIONAL { ?s rkg:statedYear ?year }
}""")

TENURES = prepareQuery(PREFIXES + """
SELECT ?doc ?person ?role ?org WHERE {
  ?t a rkg:Tenure ; rkg:holder/rdfs:label ?person ; rkg:roleName ?role ;
     rkg:attestedBy ?claim .
  ?claim prov:wasDerivedFrom/oa:hasSource ?doc .
  OPTIONAL { ?t rkg:organization/rdfs:label ?org }
}""")

RESOLUTIONS = prepareQuery(PREFIXES + """
SELECT ?doc ?body ?date ?precision ?description ?mode WHERE {
  ?r a rkg:ResolutionAdoption ; rkg:adoptingBody/rdfs:label ?body ;
     rkg:description ?description ; rkg:attestedBy ?claim .
  ?claim prov:wasDerivedFrom/oa:hasSource ?doc .
  OPTIONAL { ?r rkg:date ?date ; rkg:datePrecision ?precision }
  OPTIONAL { ?r rkg:adoptionMode ?mode }
}""")


def _rows(ds: Dataset, query: Any) -> list[Any]:
    """Result rows (typed loosely: rdflib's row type does not know the variable names)."""
    return list(ds.query(query))


def iso_date(value: Any, precision: Any) -> str:
    """xsd:dateTime + precision concept -> 'yyyy-mm-dd' / 'yyyy-mm' / 'yyyy'."""
    if value is None:
        return "unknown"
    text = str(value)
    kind = str(precision).rsplit("/", 1)[-1] if precision is not None else "day"
    return {"year": text[:4], "month": text[:7]}.get(kind, text[:10])


def number_as_written(value: Any, low: Any, high: Any, qualifier: Any) -> int | None:
    """The number the words state: 'at least ten' -> 10, 'more than 200' -> 200."""
    if value is not None:
        return int(value)
    kind = str(qualifier).rsplit("/", 1)[-1] if qualifier is not None else ""
    if kind == "at-least" and low is not None:
        return int(low)
    if kind == "more-than" and low is not None:
        return int(low) - 1
    if kind == "fewer-than" and high is not None:
        return int(high) + 1
    if kind == "at-most" and high is not None:
        return int(high)
    return None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def facts_report(outdir: Path, store: str = "oxigraph") -> dict[str, Any]:
    """The report of what the documents state: asserted facts only, never inferred ones."""
    return facts_report_from(open_dataset(outdir, store, inferred=False))


def facts_report_from(ds: Dataset) -> dict[str, Any]:
    docs = {str(r.doc): str(r.file) for r in _rows(ds, DOCUMENTS)}
    report: dict[str, dict[str, Any]] = {
        d: {"document": f, "entities": [], "repatriations": [], "statements": [],
            "treaties_mentioned": [], "people": [], "resolutions": []}
        for d, f in docs.items()}
    _entities(ds, report)
    _returns(ds, report)
    _statements(ds, report)
    _treaties(ds, report)
    _people(ds, report)
    _resolutions(ds, report)
    return {"documents": sorted(report.values(), key=lambda d: d["document"])}


def _entities(ds: Dataset, report: dict[str, dict[str, Any]]) -> None:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for r in _rows(ds, ENTITIES):
        key = (str(r.doc), str(r.entity))
        item = found.setdefault(key, {"label": None, "types": set(), "aliases": set()})
        if r.label is not None and (item["label"] is None or getattr(r.label, "language", None)):
            item["label"] = str(r.label)
        item["types"].add(str(r.type).rsplit("#", 1)[-1])
        item["aliases"].add(str(r.surface))
    for (doc, _entity), item in sorted(found.items()):
        types = item["types"]
        label = item["label"] or sorted(item["aliases"])[0]
        report[doc]["entities"].append({
            "name": label, "type": _eval_type(types),
            "aliases": sorted(a for a in item["aliases"] if a != label)})


def _eval_type(types: set[str]) -> str:
    """The most specific class, mapped onto the evaluation's types."""
    generic = {"Agent", "Organization", "Place", "IntergovernmentalBody", "UNBody", "Event"}
    known = {t for t in types if t in KNOWN_TYPES or t in generic}  # asserted classes only
    specific = sorted(t for t in known if t not in generic) or sorted(known)
    if "Country" in specific and len(specific) > 1:
        specific.remove("Country")
    return evaluation_type(specific[0])


def _returns(ds: Dataset, report: dict[str, dict[str, Any]]) -> None:
    events: dict[tuple[str, str], dict[str, Any]] = {}
    for r in _rows(ds, RETURNS):
        key = (str(r.doc), str(r.event))
        e = events.setdefault(key, {"perpetrator": _str(r.perp), "from": _str(r.origin),
                                    "to": _str(r.dest), "claims": {}, "places": set()})
        claim = e["claims"].setdefault(str(r.claim), {"start": int(r.start)})
        if r.date is not None:
            claim["date"] = iso_date(r.date, r.precision)
        if r.dateText is not None:
            claim["date_text"] = str(r.dateText)
        if r.words is not None:
            claim["number_text"] = str(r.words)
            claim["number"] = number_as_written(r.value, r.min, r.max, r.qualifier)
        if r.place is not None:
            e["places"].add(str(r.place))
    for (doc, _event), e in sorted(events.items(), key=lambda kv: (kv[0][0], min(
            c["start"] for c in kv[1]["claims"].values()))):
        claims = sorted(e["claims"].values(), key=lambda c: c["start"])
        dates = [c["date"] for c in claims if c.get("date")]
        date = max(dates, key=len) if dates else "unknown"
        dated: dict[str, Any] = next((c for c in claims if c.get("date") == date), {})
        numbers = [c for c in claims if c.get("number") is not None]
        counted = numbers[0] if numbers else next((c for c in claims if "number_text" in c), {})
        report[doc]["repatriations"].append({
            "date": date, "date_text": dated.get("date_text"),
            "perpetrator": e["perpetrator"], "from": e["from"], "to": e["to"],
            "number": counted.get("number"), "number_text": counted.get("number_text"),
            "places": sorted(e["places"])})


def _statements(ds: Dataset, report: dict[str, dict[str, Any]]) -> None:
    rows = {}
    for r in _rows(ds, STATEMENTS):
        key = (str(r.doc), str(r.act))
        rows[key] = {
            "speaker": _str(r.speaker) or str(r.speakerText),
            "addressee": _str(r.addressee) or _str(r.addresseeText),
            "kind": str(r.stance).rsplit("/", 1)[-1].replace("-", "_"),
            "topic": str(r.topic),
            "date": iso_date(r.date, r.precision) if r.date is not None else None}
    for (doc, _act), item in sorted(rows.items()):
        report[doc]["statements"].append(item)


def _treaties(ds: Dataset, report: dict[str, dict[str, Any]]) -> None:
    rows = set()
    for r in _rows(ds, TREATIES):
        rows.add((str(r.doc), str(r.treaty), _str(r.state),
                  int(r.year) if r.year is not None else None))
    by_doc: dict[str, dict[tuple[str, str | None], int | None]] = defaultdict(dict)
    for doc, treaty, state, year in sorted(rows, key=lambda x: (x[0], x[1], x[2] or "")):
        previous = by_doc[doc].get((treaty, state))
        by_doc[doc][(treaty, state)] = previous if previous is not None else year
    for doc, items in by_doc.items():
        with_party = {t for t, s in items if s is not None}
        for (treaty, state), year in sorted(items.items(), key=lambda kv: (kv[0][0],
                                                                          kv[0][1] or "")):
            if state is None and treaty in with_party:
                continue
            report[doc]["treaties_mentioned"].append(
                {"treaty": treaty, "state": state, "year_joined": year})


def _people(ds: Dataset, report: dict[str, dict[str, Any]]) -> None:
    roles: dict[tuple[str, str], tuple[str, str | None]] = {}
    for r in _rows(ds, TENURES):
        key = (str(r.doc), str(r.person))
        candidate = (str(r.role), _str(r.org))
        if key not in roles or (roles[key][1] is None and candidate[1] is not None):
            roles[key] = candidate
    for doc, item in report.items():
        for entity in item["entities"]:
            if entity["type"] != "Person":
                continue
            role, org = roles.get((doc, entity["name"]), (None, None))
            item["people"].append({"name": entity["name"], "role": role, "organization": org})


def _resolutions(ds: Dataset, report: dict[str, dict[str, Any]]) -> None:
    rows = set()
    for r in _rows(ds, RESOLUTIONS):
        rows.add((str(r.doc), str(r.body), iso_date(r.date, r.precision),
                  str(r.description), _str(r.mode)))
    for doc, body, date, description, mode in sorted(rows, key=lambda x: tuple(
            v or "" for v in x)):
        report[doc]["resolutions"].append({"body": body, "date": date,
                                           "description": description, "adoption": mode})
