"""The site's search index, built at build time: MiniSearch's own serialised form, written
compactly.

MiniSearch (npm `minisearch`, MIT, shipped in site/assets/) loads it with `loadJS` in the
browser once site.js has expanded the compact form, so nothing is indexed at page load. The
index is written here with MiniSearch's default tokenizer (split on Unicode separators and
punctuation, and on newlines) and its default term processing (lower case), and its
field-length bookkeeping, so that it is the same index MiniSearch would build from the same
entries (a browser test checks this).

Entries: every entity with a page (names and aliases), every event, every document (title,
publisher, file) and every quoted sentence behind a fact. The index is one asset file loaded
when the search box is first used; no page embeds it.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import sys
import unicodedata
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from graph.viz.data import GraphData
from graph.viz.details import class_label, quote_href
from graph.viz.views import category

FIELDS = ("title", "text")
STORE = ("kind", "title", "href", "sub")
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
RKG = "https://w3id.org/refoulement-kg/ontology#"
KINDS = ("entity", "event", "document", "quote")
QUOTE_MAX = 400
ROWS_PIECE = 2000  # entries' rows per piece of the index's JSON
TITLE_MAX = 160  # what a result shows of a quote (site.js); the rest is indexed, not stored


@dataclass(frozen=True, slots=True)  # 280,000 of them at 10,000 documents
class Entry:
    id: str  # its position in the index (site.js's `expand` numbers the rows)
    kind: str  # entity | event | document | quote
    title: str
    text: str
    href: str
    sub: str


def entries(data: GraphData, pages: dict[str, str]) -> list[Entry]:
    found: list[Entry] = []
    quoted: set[str] = set()
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
        found.append(Entry(str(len(found)), kind, node.label, " ".join(e for e in extra if e),
                           path, sub))
        for quote in node.claims:
            if quote.mention in quoted or quote.doc not in data.documents:
                continue
            quoted.add(quote.mention)
            doc = data.documents[quote.doc]
            title, rest = _split(quote.text[:QUOTE_MAX])
            found.append(Entry(str(len(found)), "quote", title, rest, quote_href(data, quote),
                               f"{doc.title} · {doc.date or 'undated'}"))
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
    return _separators().split(text)


@functools.cache
def _separators() -> re.Pattern[str]:
    """A regular expression of MiniSearch's separators: newlines and every character whose
    Unicode category (Python's `unicodedata`) is a separator (Z) or punctuation (P), as
    ranges. Made once: asking the category of every character of every entry took most of
    the search index's time (2.9 million calls at 1,000 documents)."""
    ranges: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if ch in "\n\r" or unicodedata.category(ch)[0] in "ZP":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return re.compile("[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "")
                                    for a, b in ranges) + "]+")


def build_index(items: list[Entry]) -> dict[str, Any]:
    """MiniSearch's serialisation (version 2) of an index of these entries: what site.js's
    `expand` makes of `compact_json` (tests compare the two)."""
    field_ids, postings, lengths, average = _postings(items)
    keys = [str(n) for n in range(len(items))]
    return {"averageFieldLength": average, "dirtCount": 0, "documentCount": len(items),
            "documentIds": {k: items[int(k)].id for k in keys}, "fieldIds": field_ids,
            "fieldLength": {k: list(lengths[int(k) * len(FIELDS):(int(k) + 1) * len(FIELDS)])
                            for k in keys},
            "index": [[term, _fields(postings[term])] for term in sorted(postings)],
            "nextId": len(items), "serializationVersion": 2,
            "storedFields": {k: {"href": items[int(k)].href, "kind": items[int(k)].kind,
                                 "sub": items[int(k)].sub, "title": items[int(k)].title}
                             for k in keys}}


def _postings(items: list[Entry]) -> tuple[dict[str, int], dict[str, array[int]],
                                           array[int], list[float]]:
    """MiniSearch's bookkeeping: field ids, each term's (entry, field, count) triples (flat
    arrays of 32-bit integers: at 10,000 documents, 280,000 entries, nested dictionaries
    took over a gigabyte, 64-bit ones 100 MB more), each entry's number of distinct terms
    per field (flat, entry after entry), and their running average."""
    field_ids = {f: i for i, f in enumerate(FIELDS)}
    postings: dict[str, array[int]] = {}
    lengths: array[int] = array("i")
    average = [0.0] * len(FIELDS)
    for short, item in enumerate(items):
        for name in FIELDS:
            fid = field_ids[name]
            tokens = tokenize(getattr(item, name))
            unique = len(set(tokens))
            lengths.append(unique)
            average[fid] = (average[fid] * short + unique) / (short + 1)
            counts: dict[str, int] = {}
            for token in tokens:
                term = token.lower()
                if term:
                    counts[term] = counts.get(term, 0) + 1
            for term, n in counts.items():
                postings.setdefault(term, array("i")).extend((short, fid, n))
    return field_ids, postings, lengths, average


def _fields(flat: array[int]) -> dict[str, dict[str, int]]:
    fields: dict[str, dict[str, int]] = {}
    for n in range(0, len(flat), 3):
        fields.setdefault(str(flat[n + 1]), {})[str(flat[n])] = flat[n + 2]
    return fields


def compact_json(items: list[Entry]) -> Iterator[str]:
    """The index in the compact form site.js expands into MiniSearch's (`build_index`), as
    JSON pieces (keys sorted, no spaces). Entries are rows, not objects with their keys and
    ids spelled out; a quote names its document's row instead of repeating its link, title
    and date; postings are (id step, count) pairs: 12.6 MB became 5.6 MB at 1,000
    documents."""
    field_ids, postings, lengths, average = _postings(items)
    yield (f'{{"average":{_dump(average)},"fieldIds":{_dump(field_ids)},'
           f'"lengths":{_dump(lengths.tolist())},"rows":[')
    del lengths
    documents = {item.href: n for n, item in enumerate(items) if item.kind == "document"}
    for start in range(0, len(items), ROWS_PIECE):  # not one string of every row
        yield ("," if start else "") + ",".join(
            _dump(_row(item, items, documents)) for item in items[start:start + ROWS_PIECE])
    yield '],"terms":['
    first = True
    for term in sorted(postings):
        flat = postings.pop(term)
        per_field: list[list[int]] = [[] for _ in FIELDS]
        last = [0] * len(FIELDS)
        for n in range(0, len(flat), 3):
            entry, fid, count = flat[n], flat[n + 1], flat[n + 2]
            step, last[fid] = entry - last[fid], entry
            per_field[fid].extend((-step - 1,) if count == 1 else (step, count))
        yield ("" if first else ",") + _dump([term, *per_field])
        first = False
    yield "]}"


def _row(item: Entry, items: list[Entry], documents: dict[str, int]) -> list[Any]:
    """An entry as site.js's `expand` reads it: [kind, title, link, sub], or a quote whose
    link and sub follow from its document's row as [title, that row, mark]."""
    page, _sep, mark = item.href.partition("#m-")
    doc = documents.get(page)
    if item.kind == "quote" and mark and doc is not None:
        source = items[doc]
        if item.sub == f"{source.title} · {source.sub.split(' · ')[0]}":
            return [item.title, doc, mark]
    return [KINDS.index(item.kind), item.title, item.href, item.sub]


def deflated(pieces: Iterable[str]) -> Iterator[str]:
    """The text of `pieces` (UTF-8) deflated (zlib's format, level 6: the same bytes on every
    run; level 9 took 0.9 CPU s instead of 0.16 for 4 % less) and written in base64, in
    pieces: site.js inflates it with the browser's DecompressionStream. A script may hold a
    string but a page opened from file:// cannot fetch a binary file; 5.7 MB of JSON became
    1.5 MB at 1,000 documents."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 15)
    pending = b""
    for piece in pieces:
        pending += packer.compress(piece.encode("utf-8"))
        whole = len(pending) - len(pending) % 3  # base64 of a multiple of 3 bytes stands alone
        if whole:
            yield base64.b64encode(pending[:whole]).decode("ascii")
            pending = pending[whole:]
    yield base64.b64encode(pending + packer.flush()).decode("ascii")


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def options() -> dict[str, Any]:
    """The MiniSearch options the index was built with (loadJS needs the same)."""
    return {"fields": list(FIELDS), "storeFields": list(STORE)}
