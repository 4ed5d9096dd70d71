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

import json
import unicodedata
from array import array
from collections.abc import Iterator
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
    return json.loads("".join(index_json(items)))


def index_json(items: list[Entry]) -> Iterator[str]:
    """`build_index`'s JSON (keys sorted, no spaces), in pieces: the postings are kept as
    flat integer arrays and each term's entry is made when it is written, because at 10,000
    documents (280,000 entries) the nested dictionaries took over a gigabyte."""
    field_ids = {f: i for i, f in enumerate(FIELDS)}
    postings: dict[str, array[int]] = {}  # term -> (entry, field, count) triples, flat
    lengths: list[list[int]] = []
    average = [0.0] * len(FIELDS)
    for short, item in enumerate(items):
        row = []
        for name in FIELDS:
            fid = field_ids[name]
            tokens = tokenize(getattr(item, name))
            unique = len(set(tokens))
            row.append(unique)
            average[fid] = (average[fid] * short + unique) / (short + 1)
            counts: dict[str, int] = {}
            for token in tokens:
                term = token.lower()
                if term:
                    counts[term] = counts.get(term, 0) + 1
            for term, n in counts.items():
                postings.setdefault(term, array("q")).extend((short, fid, n))
        lengths.append(row)
    keys = sorted(str(n) for n in range(len(items)))  # JSON objects' keys, sorted as text

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    yield (f'{{"averageFieldLength":{dump(average)},"dirtCount":0,'
           f'"documentCount":{len(items)},"documentIds":{{')
    yield ",".join(f"{dump(k)}:{dump(items[int(k)].id)}" for k in keys)
    yield f'}},"fieldIds":{dump(field_ids)},"fieldLength":{{'
    yield ",".join(f"{dump(k)}:{dump(lengths[int(k)])}" for k in keys)
    yield '},"index":['
    first = True
    for term in sorted(postings):
        flat = postings.pop(term)
        fields: dict[str, dict[str, int]] = {}
        for n in range(0, len(flat), 3):
            fields.setdefault(str(flat[n + 1]), {})[str(flat[n])] = flat[n + 2]
        yield ("" if first else ",") + dump([term, fields])
        first = False
    yield f'],"nextId":{len(items)},"serializationVersion":2,"storedFields":{{'
    yield ",".join(f"{dump(k)}:" + dump({"href": items[int(k)].href,
                                         "kind": items[int(k)].kind,
                                         "sub": items[int(k)].sub,
                                         "title": items[int(k)].title}) for k in keys)
    yield "}}"


def options() -> dict[str, Any]:
    """The MiniSearch options the index was built with (loadJS needs the same)."""
    return {"fields": list(FIELDS), "storeFields": list(STORE)}
