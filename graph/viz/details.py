"""What a click on a node shows: its class, date, properties and the quotes behind it.

Plain dictionaries of strings, for the pages' JSON and templates. Nothing here is HTML: the
browser puts every string in place with `textContent`, and templates autoescape.
"""

from __future__ import annotations

from typing import Any

from graph.viz.data import REGISTRY, GraphData, Node, Quote, tail
from graph.viz.styles import GROUP_BY_KEY, RKG

MAX_PROPS = 40


def grouped_props(node: Node) -> list[list[str]]:
    """(label, values) with every value of one property on one line."""
    out: list[list[str]] = []
    for _p, label, value in node.props:
        if out and out[-1][0] == label:
            out[-1][1] += " · " + value
        else:
            out.append([label, value])
    return out


def doc_path(doc_iri: str) -> str:
    return f"docs/{tail(doc_iri)}.html"


def quote_href(quote: Quote) -> str:
    return f"{doc_path(quote.doc)}#m-{tail(quote.mention)}"


def class_label(data: GraphData, node: Node) -> str:
    return data.labels.get(RKG + node.rdf_class, node.rdf_class)


def quote_dict(data: GraphData, quote: Quote, root: str) -> dict[str, str]:
    doc = data.documents.get(quote.doc)
    notes = []
    if quote.status and quote.status != "asserted":
        notes.append(quote.status)
    if quote.reported_by:
        notes.append(f"relayed by {data.label(quote.reported_by)}")
    if quote.date_text:
        notes.append(f"date as written: “{quote.date_text}”")
    if quote.count_text:
        notes.append(f"count as written: “{quote.count_text}” ({quote.count_value})")
    if quote.place:
        notes.append(f"place: {data.label(quote.place)}")
    return {
        "text": quote.text, "before": quote.before, "after": quote.after,
        "doc": (doc.title if doc else tail(quote.doc)),
        "file": doc.file if doc else "",
        "href": root + quote_href(quote),
        "by": data.label(quote.claimed_by) if quote.claimed_by else "",
        "note": "; ".join(notes),
    }


def node_details(data: GraphData, node: Node, root: str, *, max_quotes: int,
                 pages: dict[str, str], measures: str = "") -> dict[str, Any]:
    """The details panel of one node (`root` leads from the page back to the site root)."""
    group = GROUP_BY_KEY[node.group]
    props = grouped_props(node)[:MAX_PROPS]
    quotes = node.claims + node.mentions
    links = []
    if node.id in pages:
        links.append(["Open its own view", root + pages[node.id]])
    if node.id in data.documents:
        links.append(["Read the document with its quotes marked", root + doc_path(node.id)])
    sources = sorted(s for s in node.sources if s in data.documents)
    for doc in sources[:12]:
        links.append([f"Source: {data.documents[doc].title}", root + doc_path(doc)])
    return {
        "label": node.label,
        "kind": class_label(data, node),
        "group": group.label,
        "iri": node.id,
        "date": node.date or "",
        "registry": REGISTRY in node.sources,
        "props": props,
        "quotes": [quote_dict(data, q, root) for q in quotes[:max_quotes]],
        "more": max(0, len(quotes) - max_quotes),
        "links": links,
        "measures": measures,
    }
