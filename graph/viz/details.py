"""What a click on a node shows: its class, date, properties and the quotes behind it.

Plain dictionaries of strings, for the pages' JSON and templates. Nothing here is HTML: the
browser puts every string in place with `textContent`, and templates autoescape.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from graph.viz.data import GraphData, Node, Quote, context, tail
from graph.viz.styles import RKG

MAX_PROPS = 40
MAX_SLUG = 64


def grouped_props(node: Node) -> list[list[str]]:
    """(label, values) with every value of one property on one line."""
    out: list[list[str]] = []
    for _p, label, value in node.props:
        if out and out[-1][0] == label:
            out[-1][1] += " · " + value
        else:
            out.append([label, value])
    return out


@functools.lru_cache(maxsize=1 << 16)
def slugify(text: str) -> str:
    """ASCII, lower case, words joined by '-' (page names). Kept for the last 65,536 texts:
    a document's page name is asked for each of its quotes (160,000 times at 1,000
    documents, for 22,000 texts)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-") or "item"


def doc_slug(data: GraphData, doc_iri: str) -> str:
    """A document's page name: its file name (unique in a corpus), made a slug."""
    doc = data.documents.get(doc_iri)
    return slugify(doc.file if doc is not None and doc.file else tail(doc_iri))


def doc_path(data: GraphData, doc_iri: str) -> str:
    return f"docs/{doc_slug(data, doc_iri)}.html"


def quote_href(data: GraphData, quote: Quote) -> str:
    return f"{doc_path(data, quote.doc)}#m-{tail(quote.mention)}"


def class_label(data: GraphData, node: Node) -> str:
    return data.labels.get(RKG + node.rdf_class, node.rdf_class)


def quote_dict(data: GraphData, quote: Quote, root: str) -> dict[str, str]:
    doc = data.documents.get(quote.doc)
    before, after = context(data, quote)
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
        "text": quote.text, "before": before, "after": after,
        "doc": (doc.title if doc else tail(quote.doc))
        + (f", page {quote.page}" if quote.page is not None else ""),
        "file": doc.file if doc else "",
        "href": root + quote_href(data, quote),
        "by": data.label(quote.claimed_by) if quote.claimed_by else "",
        "note": "; ".join(notes),
    }
