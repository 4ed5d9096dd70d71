"""Page names: stable, readable slugs instead of hashes.

Registry entities already have readable IRIs (`…/id/state/china`), so their slug is the IRI's
last segment; documents are named by their file; events and other minted facts (whose IRIs end
in a content hash) by their label. When two pages of one folder would share a slug, every one
of them gets the first characters of its IRI's last segment as a suffix, so a slug never
depends on the order in which nodes are met; when those collide too (long minted IRIs cut at
the slug's length), the first characters of the IRI's hash.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

from graph.viz.data import GraphData, Node, tail
from graph.viz.details import doc_slug, slugify
from graph.viz.styles import GROUP_BY_KEY

HASH_TAIL = re.compile(r"^[0-9a-f]{12,}$")

# the folder of each legend group's pages (groups absent here get no page of their own)
FOLDERS: dict[str, str] = {
    "state": "actors", "un": "actors", "ngo": "actors", "nhri": "actors", "agency": "actors",
    "media": "actors", "person": "people",
    "forced-return": "returns", "detention": "events", "statement": "events",
    "resolution-adoption": "events", "review": "events", "visit": "events",
    "treaty-statement": "events",
    "treaty": "treaties", "resolution": "resolutions", "law": "laws",
    "place": "places", "facility": "places",
    "document": "docs",
}


def base_slug(data: GraphData, node: Node) -> str:
    if node.id in data.documents:
        return doc_slug(data, node.id)
    last = tail(node.id)
    if not HASH_TAIL.match(last) and re.fullmatch(r"[A-Za-z0-9._-]+", last):
        return slugify(last)
    return slugify(node.label)


def assign(data: GraphData, node_ids: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(IRI -> slug for every given node, IRI -> page path for the nodes that get a page).

    Slugs are unique over all given nodes (they name the explorer's data files too)."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for iri in sorted(node_ids):
        node = data.nodes[iri]
        folder = FOLDERS.get(node.group, GROUP_BY_KEY[node.group].category)
        wanted[folder + "/" + base_slug(data, node)].append(iri)
    slugs: dict[str, str] = {}
    for key, members in wanted.items():
        short = {f"{key}-{_suffix(iri)}" for iri in members}
        for iri in members:
            if len(members) == 1:
                slugs[iri] = key
            elif len(short) == len(members):
                slugs[iri] = f"{key}-{_suffix(iri)}"
            else:  # the short suffixes collide too: the IRI's hash (its last segment, made a
                # slug, is cut at MAX_SLUG and may collide as well)
                slugs[iri] = f"{key}-{hashlib.sha256(iri.encode()).hexdigest()[:8]}"
    pages = {iri: slug + ".html" for iri, slug in slugs.items()
             if data.nodes[iri].group in FOLDERS}
    return slugs, pages


def _suffix(iri: str) -> str:
    return slugify(tail(iri))[:6] or "x"
