"""The files of a site being drawn: each written, or linked from the published site when it
is the same (sitecache.py: a page whose data hash the same, a data file whose bytes do, a
drill-down laid out from the same nodes and links)."""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from graph.viz.explorer import Layout
from graph.viz.network import positions_for
from graph.viz.sitecache import PageKeys, content_key, data_key, hashed_key


class SiteFiles:
    """The folder `target` being filled, against the published site `previous` (or None)."""

    def __init__(self, target: Path, previous: Path | None) -> None:
        self.target = target
        self.previous = previous
        self.keys = PageKeys(previous)
        self.reused = 0  # files linked from the published site
        self._folders: set[str] = set()

    def published_page(self, path: str, key: str) -> int | None:
        """Link the published page `path` when it was drawn from data with this key (and
        the same code); its size, or None when it must be drawn."""
        return self.link_previous(path) if self.keys.same(path, key) else None

    def save_bytes(self, path: str, data: bytes, keyed: bool = False) -> None:
        """Write a file, or link the published one when its bytes are the same: known from
        its key without reading it (a data file), else compared (`keyed`: a page whose key,
        the data it was drawn from, has been recorded)."""
        if (not keyed and self.keys.same(path, content_key(data))
                and self.link_previous(path) is not None):
            return
        out = self.target_of(path)
        if self.previous is not None and (keyed or path not in self.keys.old) and _link_same(
                self.previous / path, out, data):
            self.reused += 1
            return
        with open(out, "wb") as handle:
            handle.write(data)

    def target_of(self, path: str) -> str:
        out = os.path.join(self.target, path)
        folder = os.path.dirname(out)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        return out

    def link_previous(self, path: str) -> int | None:
        """Link the published site's file in place; its size, or None when it cannot be."""
        if self.previous is None:
            return None
        out = self.target_of(path)
        try:  # strings, not Paths: a rebuild links 35,000 files at 1,000 documents
            os.link(os.path.join(self.previous, path), out)
            size = os.stat(out).st_size
        except OSError:
            return None
        self.reused += 1
        return size

    def save_pieces(self, path: str, parts: list[Iterable[str]]) -> None:
        """`save_bytes` for a text too large to hold twice, written (and hashed) as it
        comes."""
        out = self.target_of(path)
        h = hashlib.sha256()
        with open(out, "wb") as handle:
            for part in parts:
                for piece in part:
                    data = piece.encode("utf-8")
                    handle.write(data)
                    h.update(data)
        same = self.keys.same(path, hashed_key(h))
        if self.previous is not None and (same or (path not in self.keys.old and _same_file(
                self.previous / path, Path(out)))):
            linked = out + ".link"
            try:  # the published file in its place (what `save_bytes` does), else the copy stays
                os.link(self.previous / path, linked)
                os.replace(linked, out)
                self.reused += 1
            except OSError:
                Path(linked).unlink(missing_ok=True)

    def layout(self, path: str) -> Layout:
        """The layout of the drill-down in the data file `path`: the published file's when
        it was laid out from the same nodes and links (key `path#layout`), else computed."""
        def layout(members: list[str], pairs: list[tuple[str, str]]
                   ) -> dict[str, tuple[int, int]]:
            key = data_key("layout", members, pairs)
            if key is not None and self.keys.same(path + "#layout", key) and self.previous:
                old = _drill_positions(self.previous / path, members)
                if old is not None:
                    return old
            return positions_for(members, pairs)
        return layout


def _link_same(old: Path, new: str, data: bytes) -> bool:
    """Link `new` to the published file `old` when it holds exactly `data`: a rebuild writes
    only the files whose bytes changed, and generations share the rest (sitecache.py: a
    site's files are never written again once made)."""
    try:
        if old.stat().st_size != len(data) or old.read_bytes() != data:
            return False
        os.link(old, new)
    except OSError:
        return False
    return True


def _drill_positions(old: Path, members: list[str]) -> dict[str, tuple[int, int]] | None:
    """The positions in a published drill-down file (explorer.py `drill`: rows ending in x,
    y, in the order of `members`), or None when it does not hold as many nodes."""
    try:
        text = old.read_text(encoding="utf-8")
        rows = json.loads(text[text.index(",") + 1:text.rindex(")")])["nodes"]
    except (OSError, ValueError, KeyError):
        return None
    if len(rows) != len(members):
        return None
    return {iri: (row[6], row[7]) for iri, row in zip(members, rows, strict=True)}


def _same_file(old: Path, new: Path) -> bool:
    """Whether two files hold the same bytes (sizes first, then the contents in blocks)."""
    try:
        return filecmp.cmp(old, new, shallow=False)
    except OSError:
        return False
