"""The site's search index, built at build time in MiniSearch's own serialised form.

MiniSearch (npm `minisearch`, MIT, shipped in site/assets/) loads it with `loadJS` in the
browser, so nothing is indexed at page load. The index is written here with MiniSearch's
default tokenizer (split on Unicode separators and punctuation, and on newlines) and its
default term processing (lower case), and its field-length bookkeeping, so that it is the same
index MiniSearch would build from the same entries (a browser test checks this).

Entries: every entity with a page (names and aliases), every event, every document (title,
publisher, file) and every quoted sentence behind a fact. The index is one asset file loaded
when the search box is first used; no page embeds it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from graph.viz.data import GraphData, tail
from graph.viz.details import class_label, quote_href
from graph.viz.views import category

FIELDS = ("title", "text")
STORE = ("kind", "title", "href", "sub")
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
RKG = "https://w3id.org/refoulement-kg/ontology#"
KINDS = ("entity", "event", "document", "quote")
QUOTE_MAX = 400
TITLE_MAX = 160  # what a result shows of a quote (site.js); the rest is indexed, not stored


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str  # entity | event | document | quote
    title: str
    text: str
    href: str
    sub: str


def entries(data: GraphData, pages: dict[str, str]) -> list[Entry]:
    found: list[Entry] = []
    quoted: set[str] = set()
    keys: set[str] = set()
    for iri, path in sorted(pages.items()):
        node = data.nodes[iri]
        cat = category(node)
        kind = {"document": "document", "event": "event", "report": "event"}.get(cat, "entity")
        extra = [*node.literals.get(SKOS_ALT, [])]
        if kind == "document":
            doc = data.documents[iri]
            extra += [doc.publisher, doc.file]
            sub = f"{doc.date or 'undated'} · {doc.publisher}"
        else:
            extra += [node.first("topic") or "", node.first("description") or ""]
            sub = class_label(data, node) + (f" · {node.date}" if node.date else "")
        found.append(Entry(path, kind, node.label, " ".join(e for e in extra if e), path, sub))
        for quote in node.claims:
            if quote.mention in quoted or quote.doc not in data.documents:
                continue
            quoted.add(quote.mention)
            doc = data.documents[quote.doc]
            key = "q:" + tail(quote.mention)  # mention IRIs end in a hash of their own
            title, rest = _split(quote.text[:QUOTE_MAX])
            found.append(Entry(key if key not in keys else "q:" + quote.mention, "quote",
                               title, rest, quote_href(data, quote),
                               f"{doc.title} · {doc.date or 'undated'}"))
            keys.add(found[-1].id)
    return found


def _split(text: str) -> tuple[str, str]:
    """A quote as a stored title of at most TITLE_MAX characters, cut between words, and the
    rest, indexed only."""
    if len(text) <= TITLE_MAX:
        return text, ""
    cut = text.rfind(" ", 0, TITLE_MAX)
    cut = cut if cut > 0 else TITLE_MAX
    return text[:cut] + "…", text[cut:]


def tokenize(text: str) -> list[str]:
    """MiniSearch's default: split on /[\\n\\r\\p{Z}\\p{P}]+/u (JavaScript's String.split)."""
    tokens: list[str] = []
    current: list[str] = []
    in_sep = False
    for ch in text:
        sep = ch in "\n\r" or unicodedata.category(ch)[0] in "ZP"
        if sep:
            if not in_sep:
                tokens.append("".join(current))
                current = []
            in_sep = True
        else:
            current.append(ch)
            in_sep = False
    tokens.append("".join(current))
    return tokens


def build_index(items: list[Entry]) -> dict[str, Any]:
    """MiniSearch's serialisation (version 2) of an index of these entries."""
    field_ids = {f: i for i, f in enumerate(FIELDS)}
    index: dict[str, dict[int, dict[int, int]]] = {}
    field_length: dict[str, list[int]] = {}
    stored: dict[str, dict[str, str]] = {}
    document_ids: dict[str, str] = {}
    average = [0.0] * len(FIELDS)
    for short, item in enumerate(items):
        document_ids[str(short)] = item.id
        stored[str(short)] = {"kind": item.kind, "title": item.title, "href": item.href,
                              "sub": item.sub}
        lengths = []
        for name in FIELDS:
            fid = field_ids[name]
            tokens = tokenize(getattr(item, name))
            unique = len(set(tokens))
            lengths.append(unique)
            average[fid] = (average[fid] * short + unique) / (short + 1)
            for token in tokens:
                term = token.lower()
                if not term:
                    continue
                freqs = index.setdefault(term, {}).setdefault(fid, {})
                freqs[short] = freqs.get(short, 0) + 1
        field_length[str(short)] = lengths
    return {
        "documentCount": len(items), "nextId": len(items), "documentIds": document_ids,
        "fieldIds": field_ids, "fieldLength": field_length, "averageFieldLength": average,
        "storedFields": stored, "dirtCount": 0,
        "index": [[term, {str(f): {str(d): n for d, n in docs.items()}
                          for f, docs in fields.items()}]
                  for term, fields in sorted(index.items())],
        "serializationVersion": 2,
    }


def options() -> dict[str, Any]:
    """The MiniSearch options the index was built with (loadJS needs the same)."""
    return {"fields": list(FIELDS), "storeFields": list(STORE)}
