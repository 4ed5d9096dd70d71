"""The competency questions answered on the index page, as tables.

When the query pack (`queries/*.rq`, run by `graph.query`) is there, its parameter-free SELECT
queries are run and shown as they are. Otherwise (and for what the pack does not cover) the
prepared queries below answer the main questions of DESIGN.md. They are constants: nothing
is ever pasted into their text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.viz.data import PREFIXES, GraphData, format_date, tail
from graph.viz.packrun import ROWS_MAX, PackAnswer, answer_pack

log = logging.getLogger(__name__)
SEP = " | "


@dataclass
class Cell:
    text: str
    href: str = ""


@dataclass
class Table:
    id: str
    title: str
    question: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    source: str = ""  # the query that made it
    note: str = ""
    more: int = 0  # rows left out (a page shows at most ROWS_MAX)

    def cut(self) -> Table:
        self.more = max(0, len(self.rows) - ROWS_MAX)
        del self.rows[ROWS_MAX:]
        return self


RETURNS = PREFIXES + """
SELECT ?event ?date ?precision ?perp ?count
       (GROUP_CONCAT(DISTINCT STR(?place); separator=" | ") AS ?places)
       (COUNT(DISTINCT ?doc) AS ?sources)
       (GROUP_CONCAT(DISTINCT STR(?doc); separator=" | ") AS ?docs) WHERE {
  ?event a rkg:ForcedReturn ; rkg:attestedBy/prov:wasDerivedFrom/oa:hasSource ?doc .
  OPTIONAL { ?event rkg:date ?date OPTIONAL { ?event rkg:datePrecision ?precision } }
  OPTIONAL { ?event rkg:perpetrator ?perp }
  OPTIONAL { ?event rkg:place ?place }
  OPTIONAL { ?event rkg:count ?count }
} GROUP BY ?event ?date ?precision ?perp ?count ORDER BY ?date ?event"""

DISAGREEMENTS = PREFIXES + """
SELECT ?event ?doc ?by ?words ?dateText ?claimed WHERE {
  { SELECT ?event WHERE {
      ?event a rkg:ForcedReturn ; rkg:attestedBy ?c .
      OPTIONAL { ?c rkg:claimedCount/rkg:wordsAsWritten ?w }
      OPTIONAL { ?c rkg:claimedDate ?d }
    } GROUP BY ?event
    HAVING (COUNT(DISTINCT ?w) > 1 || COUNT(DISTINCT ?d) > 1) }
  ?event rkg:attestedBy ?claim . ?claim prov:wasDerivedFrom/oa:hasSource ?doc .
  OPTIONAL { ?claim rkg:claimedBy ?by }
  OPTIONAL { ?claim rkg:claimedCount/rkg:wordsAsWritten ?words }
  OPTIONAL { ?claim rkg:dateText ?dateText }
  OPTIONAL { ?claim rkg:claimedDate ?claimed }
} ORDER BY ?event ?doc ?words"""

TREATY_WORDS = PREFIXES + """
SELECT ?state ?treaty ?kind ?words ?doc
       (GROUP_CONCAT(DISTINCT CONCAT(STR(?untcKind), " ", SUBSTR(STR(?untcDate), 1, 10));
                     separator=" | ") AS ?untc) WHERE {
  ?s a rkg:TreatyStatement ; rkg:treaty ?treaty ; rkg:attestedBy ?claim .
  ?claim prov:wasDerivedFrom/oa:hasSource ?doc .
  OPTIONAL { ?s rkg:actingState ?state }
  OPTIONAL { ?s rkg:actionKind ?kind }
  OPTIONAL { ?s rkg:words ?words }
  OPTIONAL { ?ta a rkg:TreatyAction ; rkg:actingState ?state ; rkg:treaty ?treaty ;
                 rkg:actionKind ?untcKind ; rkg:date ?untcDate . }
} GROUP BY ?state ?treaty ?kind ?words ?doc ORDER BY ?state ?treaty ?doc"""

BINDING = PREFIXES + """
SELECT DISTINCT ?state ?treaty ?kind ?date WHERE {
  ?return a rkg:ForcedReturn ; rkg:perpetrator ?state .
  ?act a rkg:TreatyAction ; rkg:actingState ?state ; rkg:treaty ?treaty ;
       rkg:actionKind ?kind ; rkg:date ?date .
  ?treaty rkg:enshrines ?norm .
  FILTER(?norm = <https://w3id.org/refoulement-kg/id/norm/non-refoulement>)
} ORDER BY ?state ?date ?treaty"""

BOUND_RETURNS = PREFIXES + """
SELECT ?event ?date ?state ?treaty ?kind ?since WHERE {
  ?event a rkg:ForcedReturn ; rkg:perpetrator ?state ; rkg:date ?date .
  ?act a rkg:TreatyAction ; rkg:actingState ?state ; rkg:treaty ?treaty ;
       rkg:actionKind ?kind ; rkg:date ?since .
  ?treaty rkg:enshrines <https://w3id.org/refoulement-kg/id/norm/non-refoulement> .
  FILTER(STRAFTER(STR(?kind), "treaty-action-kind/") IN
         ("ratification", "accession", "succession", "acceptance", "approval"))
  FILTER(?since <= ?date)
} ORDER BY ?date ?event ?treaty"""

STATEMENTS = PREFIXES + """
SELECT ?act ?speaker ?speakerText ?stance ?addressee ?addresseeText ?topic ?date ?precision
       ?doc WHERE {
  ?act rkg:stance ?stance ; rkg:attestedBy/prov:wasDerivedFrom/oa:hasSource ?doc .
  OPTIONAL { ?act rkg:speaker ?speaker } OPTIONAL { ?act rkg:speakerText ?speakerText }
  OPTIONAL { ?act rkg:addressee ?addressee } OPTIONAL { ?act rkg:addresseeText ?addresseeText }
  OPTIONAL { ?act rkg:topic ?topic }
  OPTIONAL { ?act rkg:date ?date OPTIONAL { ?act rkg:datePrecision ?precision } }
} ORDER BY ?date ?speakerText ?act"""

POSTS = PREFIXES + """
SELECT ?tenure ?holder ?role ?org ?doc WHERE {
  ?tenure a rkg:Tenure ; rkg:holder ?holder ;
          rkg:attestedBy/prov:wasDerivedFrom/oa:hasSource ?doc .
  OPTIONAL { ?tenure rkg:roleName ?role } OPTIONAL { ?tenure rkg:organization ?org }
} ORDER BY ?holder ?role ?doc"""

HARMS = PREFIXES + """
SELECT ?harm ?source ?doc (GROUP_CONCAT(DISTINCT ?words; separator=" | ") AS ?said) WHERE {
  ?report a rkg:HarmReport ; rkg:harm ?harm ;
          rkg:attestedBy/prov:wasDerivedFrom/oa:hasSource ?doc .
  OPTIONAL { ?report rkg:source ?source } OPTIONAL { ?report rkg:words ?words }
} GROUP BY ?harm ?source ?doc ORDER BY ?harm ?doc"""


def _v(row: ox.QuerySolution, name: str) -> str:
    term = row[name]
    return term.value if term is not None else ""


class Answers:
    """Builds the tables; `link(iri)` gives the page of a node (relative to the site root)."""

    def __init__(self, data: GraphData, link: Callable[[str], str]) -> None:
        self.data = data
        self.link = link

    def rows(self, query: str) -> list[ox.QuerySolution]:
        result = self.data.store.query(query, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        return list(result)

    def cell(self, iri: str) -> Cell:
        if not iri:
            return Cell("")
        return Cell(self.data.label(iri), self.link(iri))

    def docs(self, iris: str) -> Cell:
        names = sorted(self.data.documents[d].file for d in iris.split(SEP)
                       if d in self.data.documents)
        return Cell(", ".join(names))

    def tables(self) -> list[Table]:
        return [t.cut() for t in (
            self.returns(), self.disagreements(), self.treaty_words(), self.binding(),
            self.bound_returns(), self.statements(), self.posts(), self.harms())]

    def returns(self) -> Table:
        t = Table("returns", "Forced returns", "What forced returns happened, when, where, "
                  "how many people, who returned them, and which sources say so?",
                  ["Return", "Date", "Returned by", "Places", "Count", "Sources"],
                  source=RETURNS)
        for r in self.rows(RETURNS):
            event = _v(r, "event")
            places = [self.data.label(p) for p in _v(r, "places").split(SEP) if p]
            count = _v(r, "count")
            count_text = next((value for p, _label, value in self.data.nodes[event].props
                               if p.endswith("#count")), "") if event in self.data.nodes \
                else ""
            t.rows.append([self.cell(event),
                           Cell(format_date(_v(r, "date"), _v(r, "precision") or None)
                                if _v(r, "date") else "unknown"),
                           self.cell(_v(r, "perp")), Cell(", ".join(sorted(places))),
                           Cell(count_text if count else ""),
                           Cell(f"{_v(r, 'sources')}: {self.docs(_v(r, 'docs')).text}")])
        return t

    def disagreements(self) -> Table:
        t = Table("disagreements", "Where sources disagree on a return",
                  "Where do sources disagree (“600” vs “hundreds” vs not specified)?",
                  ["Return", "Document", "Claimed by", "Count as written", "Date as written",
                   "Date read"], source=DISAGREEMENTS)
        for r in self.rows(DISAGREEMENTS):
            doc = self.data.documents.get(_v(r, "doc"))
            t.rows.append([self.cell(_v(r, "event")),
                           Cell(doc.file if doc else tail(_v(r, "doc")),
                                self.link(_v(r, "doc"))),
                           self.cell(_v(r, "by")), Cell(_v(r, "words") or "not specified"),
                           Cell(_v(r, "dateText")), Cell(_v(r, "claimed")[:10])])
        return t

    def treaty_words(self) -> Table:
        t = Table("treaty-words", "What documents say about treaties, beside the UNTC record",
                  "Where do sources disagree (“signatory” vs “party”)?",
                  ["State", "Treaty", "Document says", "Words", "Document",
                   "UNTC record"], source=TREATY_WORDS)
        for r in self.rows(TREATY_WORDS):
            doc = self.data.documents.get(_v(r, "doc"))
            t.rows.append([self.cell(_v(r, "state")), self.cell(_v(r, "treaty")),
                           Cell(tail(_v(r, "kind"))), Cell(_v(r, "words")),
                           Cell(doc.file if doc else "", self.link(_v(r, "doc"))),
                           Cell(", ".join(sorted(
                               f"{tail(x.split(' ')[0])} {x.split(' ')[-1]}"
                               for x in _v(r, "untc").split(SEP) if x)))])
        return t

    def binding(self) -> Table:
        t = Table("binding", "Non-refoulement treaties of the states that return people",
                  "Which treaties that enshrine non-refoulement bind each state, since when, "
                  "by which act?", ["State", "Treaty", "Act", "Date"], source=BINDING)
        for r in self.rows(BINDING):
            t.rows.append([self.cell(_v(r, "state")), self.cell(_v(r, "treaty")),
                           Cell(tail(_v(r, "kind"))), Cell(_v(r, "date")[:10])])
        return t

    def bound_returns(self) -> Table:
        t = Table("bound-returns", "Returns by a state already bound (flag for review)",
                  "Which returns were carried out by a state bound by a non-refoulement "
                  "treaty at that date?",
                  ["Return", "Date", "State", "Treaty", "Bound by", "Since"],
                  source=BOUND_RETURNS,
                  note="A flag for review, not a legal finding.")
        for r in self.rows(BOUND_RETURNS):
            t.rows.append([self.cell(_v(r, "event")), Cell(_v(r, "date")[:10]),
                           self.cell(_v(r, "state")), self.cell(_v(r, "treaty")),
                           Cell(tail(_v(r, "kind"))), Cell(_v(r, "since")[:10])])
        return t

    def statements(self) -> Table:
        t = Table("statements", "Who urged, condemned or welcomed whom",
                  "Who urged, condemned, welcomed or recommended what, to whom, and when?",
                  ["Date", "Speaker", "Stance", "Addressee", "Topic", "Document"],
                  source=STATEMENTS)
        seen = set()
        for r in self.rows(STATEMENTS):
            key = (_v(r, "act"), _v(r, "doc"))
            if key in seen:
                continue
            seen.add(key)
            speaker = self.cell(_v(r, "speaker")) if _v(r, "speaker") \
                else Cell(_v(r, "speakerText"))
            addressee = self.cell(_v(r, "addressee")) if _v(r, "addressee") \
                else Cell(_v(r, "addresseeText"))
            doc = self.data.documents.get(_v(r, "doc"))
            t.rows.append([Cell(format_date(_v(r, "date"), _v(r, "precision") or None)
                                if _v(r, "date") else ""),
                           speaker, Cell(tail(_v(r, "stance")).replace("-", " ")), addressee,
                           Cell(_v(r, "topic"), self.link(_v(r, "act"))),
                           Cell(doc.file if doc else "", self.link(_v(r, "doc")))])
        return t

    def posts(self) -> Table:
        t = Table("posts", "Who held which post", "Which people held which posts (Special "
                  "Rapporteur, NHRI chair, ambassador)?",
                  ["Person", "Post", "Organization", "Document"], source=POSTS)
        for r in self.rows(POSTS):
            doc = self.data.documents.get(_v(r, "doc"))
            t.rows.append([self.cell(_v(r, "holder")), Cell(_v(r, "role")),
                           self.cell(_v(r, "org")),
                           Cell(doc.file if doc else "", self.link(_v(r, "doc")))])
        return t

    def harms(self) -> Table:
        t = Table("harms", "Harms returnees face, by source",
                  "What harms do returnees face according to each source?",
                  ["Harm", "According to", "Words", "Document"], source=HARMS)
        for r in self.rows(HARMS):
            doc = self.data.documents.get(_v(r, "doc"))
            source = self.cell(_v(r, "source")) if _v(r, "source") else Cell(
                f"{doc.publisher} (publisher)" if doc and doc.publisher else "")
            t.rows.append([Cell(self.data.label(_v(r, "harm"))), source,
                           Cell(", ".join(sorted(set(_v(r, "said").split(SEP))))),
                           Cell(doc.file if doc else "", self.link(_v(r, "doc")))])
        return t


def pack_tables(data: GraphData, link: Callable[[str], str],
                answers: list[PackAnswer] | None = None) -> list[Table]:
    """The tables of the query pack's parameter-free SELECT queries (empty if no pack), from
    `answers` (packrun.PackBeside, a process of their own) or else asked here."""
    if answers is None:
        answers = answer_pack(data.store)
    tables = []
    for answer in answers:
        if answer.error:
            log.warning("query %s failed: %s", answer.name, answer.error)
            continue
        table = Table(f"pack-{answer.name}", answer.title, answer.question, answer.columns,
                      source=answer.text, note=f"queries/{answer.name}.rq")
        for record in answer.records:
            table.rows.append([_pack_cell(record[c], data, link) for c in answer.columns])
        table.more = answer.total - len(answer.records)
        tables.append(table)
    return tables


def _pack_cell(value: object, data: GraphData, link: Callable[[str], str]) -> Cell:
    if value is None:
        return Cell("")
    if isinstance(value, list):
        return Cell("; ".join(_pack_cell(v, data, link).text for v in value))
    if isinstance(value, bool):
        return Cell("true" if value else "false")
    text = str(value)
    if text.startswith(("http://", "https://")):
        return Cell(data.label(text), link(text))
    return Cell(text)
