"""What the document graphs say, for the site: each document's record, and the claims and
entity mentions drawn from it, attached to the nodes they are about.

The rows come from docunits.py (asked graph by graph and kept by the graph's bytes); the
queries are constant SPARQL (no parameters) whose first variable is the graph.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pyoxigraph as ox

from graph.viz.docunits import DOC_GRAPH_PREFIX
from graph.viz.records import (
    ATTESTED_BY_NODE,
    DCTERMS,
    PREFIXES,
    Document,
    Node,
    Quote,
    Row,
    count_text,
    format_date,
    interned,
    rank,
    short_shared,
    tail,
    text_of,
)
from graph.viz.styles import RKG

# the claims drawn from each document graph, with their mentions and selectors (the
# document's own triples: its answer is kept per graph, docunits.py); a node's claims are
# those its rkg:attestedBy names (read with the node, nodes.py `_read_subject`)
Q_DOC_CLAIMS = PREFIXES + """SELECT ?g ?claim ?mention ?doc ?exact ?start ?end ?by ?rep ?status
       ?dateText ?words ?value ?min ?max ?place ?page WHERE { GRAPH ?g {
  ?claim prov:wasDerivedFrom ?mention .
  ?mention oa:hasSource ?doc ; oa:hasSelector ?q , ?pos .
  ?q a oa:TextQuoteSelector ; oa:exact ?exact .
  ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  OPTIONAL { ?claim rkg:claimedBy ?by }
  OPTIONAL { ?claim rkg:reportedBy ?rep }
  OPTIONAL { ?claim rkg:epistemicStatus ?status }
  OPTIONAL { ?claim rkg:dateText ?dateText }
  OPTIONAL { ?claim rkg:claimedPlace ?place }
  OPTIONAL { ?mention rkg:page ?page }
  OPTIONAL { ?claim rkg:claimedCount ?c . OPTIONAL { ?c rkg:wordsAsWritten ?words }
             OPTIONAL { ?c rkg:value ?value } OPTIONAL { ?c rkg:minValue ?min }
             OPTIONAL { ?c rkg:maxValue ?max } }
} FILTER(STRSTARTS(STR(?g), \"""" + DOC_GRAPH_PREFIX + """\")) }"""

Q_DOC_MENTIONS = PREFIXES + """SELECT ?g ?entity ?mention ?doc ?start ?end ?page WHERE {
  GRAPH ?g { ?mention rkg:refersTo ?entity ; oa:hasSource ?doc ; oa:hasSelector ?pos .
  ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  OPTIONAL { ?mention rkg:page ?page } }
  FILTER(STRSTARTS(STR(?g), \"""" + DOC_GRAPH_PREFIX + """\")) }"""

Q_DOCUMENTS = PREFIXES + """SELECT ?g ?doc ?p ?o WHERE {
  GRAPH ?g { ?doc a rkg:SourceDocument ; ?p ?o }
  FILTER(STRSTARTS(STR(?g), \"""" + DOC_GRAPH_PREFIX + """\")) }"""


DOCUMENT_FIELDS = {RKG + "fileName": "file", DCTERMS + "title": "title",
                   DCTERMS + "publisher": "publisher", DCTERMS + "creator": "creator",
                   RKG + "date": "date", DCTERMS + "type": "kind",
                   DCTERMS + "language": "language", RKG + "url": "url",
                   RKG + "sha256": "sha256", RKG + "text": "text"}
"""A document's properties in its graph, and the `Document` field each fills."""


def read_documents(rows: Iterator[tuple[str, list[Row]]], labels: dict[str, str]
               ) -> dict[str, Document]:
    """The documents, from each document graph's rows (doc, p, o), sorted: a property given
    twice takes the greater value."""
    docs: dict[str, Document] = {}
    precision: dict[str, str] = {}
    for graph, found in rows:
        for iri_, p_, o_ in found:
            iri, p, o = iri_ or "", p_ or "", o_ or ""
            doc = docs.setdefault(iri, Document(iri, graph))
            if p == RKG + "datePrecision":
                precision[iri] = o
            elif p in DOCUMENT_FIELDS:
                setattr(doc, DOCUMENT_FIELDS[p], o)
    for iri, doc in docs.items():
        if doc.date:
            doc.date = format_date(doc.date, precision.get(iri))
        if not doc.title:
            doc.title = labels.get(iri) or doc.file or tail(iri)
    return dict(sorted(docs.items(), key=lambda kv: (kv[1].date or "", kv[1].file)))


def page_number(value: str | None) -> int | None:
    return int(value) if value is not None else None


def add_claims(store: ox.Store, rows: Iterator[tuple[str, list[Row]]],
            nodes: dict[str, Node], sources: dict[str, set[str]]) -> None:
    """Each node's claims (rkg:attestedBy), each the least of the claim's rows in the
    document graphs (by every value, so the choice among a claim's two places, say, does
    not depend on the store)."""
    best: dict[str, Row] = {}
    for _graph, found in rows:
        for row in found:  # (claim, mention, doc, exact, start, end, by, rep, status, …)
            claim = row[0] or ""
            if claim not in best or rank(row) < rank(best[claim]):
                best[claim] = row
    found_pairs = ((text_of(q.subject), text_of(q.object))
                   for q in store.quads_for_pattern(None, ATTESTED_BY_NODE, None, None))
    pairs = sorted({(node, claim) for node, claim in found_pairs
                    if node in nodes and claim in best})
    for node_iri, claim in pairs:
        (_claim, mention, doc_iri, exact, start, end, by, rep, status, date_text, words,
         value, low, high, place, page) = best[claim]
        node = nodes[node_iri]
        doc = sys.intern(doc_iri or "")
        node.claims.append(Quote(
            doc=doc, mention=mention or "", start=int(start or 0), end=int(end or 0),
            text=exact or "", claimed_by=interned(by), reported_by=interned(rep),
            status=interned(tail(status)) if status is not None else None,
            date_text=short_shared(date_text), count_text=short_shared(words),
            place=interned(place),
            count_value=short_shared(count_text(None, value, low, high))
            if words is not None else None, page=page_number(page)))
        sources[node.id].add(doc)
    for node in nodes.values():
        node.claims.sort(key=lambda q: (q.doc, q.start, q.end, q.mention))


def add_mentions(rows: Iterator[tuple[str, list[Row]]], nodes: dict[str, Node],
              documents: dict[str, Document], sources: dict[str, set[str]]) -> None:
    """Each entity's mentions: one row for each (entity, mention), the least."""
    best: dict[tuple[str, str], Row] = {}
    for _graph, found in rows:
        for row in found:  # (entity, mention, doc, start, end, page)
            key = (row[0] or "", row[1] or "")
            if key[0] in nodes and (key not in best or rank(row) < rank(best[key])):
                best[key] = row
    for key in sorted(best):
        _entity, mention, doc_iri, start_text, end_text, page = best.pop(key)
        node = nodes[key[0]]
        doc = sys.intern(doc_iri or "")
        start, end = int(start_text or 0), int(end_text or 0)
        text = documents[doc].text if doc in documents else ""
        # the sentence around it is cut from the document when a page shows it (`context`),
        # not held for every mention of the corpus
        exact = short_shared(text[start:end]) if 0 <= start <= end <= len(text) else ""
        node.mentions.append(Quote(doc=doc, mention=mention or "", start=start, end=end,
                                   text=exact, in_context=True, page=page_number(page)))
        sources[node.id].add(doc)
    for node in nodes.values():
        node.mentions.sort(key=lambda q: (q.doc, q.start, q.end, q.mention))
