"""Which store `rkg serve` reads while builds come and go.

A build writes a new generation (graph/generations.py: `out/.generations/gen-*`, holding its
own `oxigraph/` store) and removes the old ones. A running server must neither lose the store
it has open nor keep serving an old build for ever:

- it opens the store by its *resolved* folder (inside one generation, never through the
  `out/current` link, which a build switches) and *pins* that generation (a shared lock the
  builder respects: it leaves a pinned generation for a later build to remove);
- it looks, at most once a second and only when a query comes, whether the build's current
  store is another folder that is ready (stamped for the current graph files: nothing to
  load); then it pins that one, switches to it (new workers open it; running queries finish
  on the old one) and unpins the old one once no worker reads it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

from graph.generations import Pin, generation_of

CHECK_EVERY = 1.0
"""Seconds between two looks for a newer build (a look is a few stat calls)."""


def _pin(store: Path) -> Pin | None:
    """A pin on the folder a build would remove to drop `store` (its generation, or the
    store folder itself for a store a build keeps: `rkg build --store oxigraph:DIR`)."""
    try:
        return Pin(generation_of(store) or store)
    except OSError:
        return None


class Served:
    """The store folder being served, pinned; `find` says which one is current now (resolved,
    or None when none is ready)."""

    def __init__(self, find: Callable[[], Path | None], first: Path) -> None:
        self.find = find
        self.path = first.resolve()
        self.pins: dict[Path, Pin] = {}
        pin = _pin(self.path)
        if pin is not None:
            self.pins[self.path] = pin
        self.next_check = time.monotonic() + CHECK_EVERY

    def newer(self) -> Path | None:
        """The folder of a newer ready store, pinned, when there is one (else None)."""
        now = time.monotonic()
        if now < self.next_check:
            return None
        self.next_check = now + CHECK_EVERY
        try:
            found = self.find()
        except Exception:  # a build halfway through its switch: look again later
            return None
        if found is None or found == self.path:
            return None
        pin = _pin(found)
        with contextlib.suppress(Exception):
            if self.find() != found:  # switched again while pinning: look again later
                if pin is not None:
                    pin.release()
                return None
        if pin is not None:
            self.pins[found] = pin
        self.path = found
        return found

    def release_unused(self, in_use: Callable[[Path], bool]) -> None:
        """Unpin the old stores nothing reads any more (a later build removes them)."""
        for path in list(self.pins):
            if path != self.path and not in_use(path):
                self.pins.pop(path).release()

    def close(self) -> None:
        for pin in self.pins.values():
            pin.release()
        self.pins.clear()


def graph_store_finder(outdir: Path) -> Callable[[], Path | None]:
    """The current build's serve store in `outdir` when it is ready (no load needed)."""
    from graph.serve.store import current_store

    def find() -> Path | None:
        store = current_store(outdir)
        return store.resolve() if store is not None else None

    return find


def kept_store_finder(location: Path) -> Callable[[], Path | None]:
    """The current generation of a store a build keeps (`--store oxigraph:DIR`)."""
    from graph.serve.store import build_store

    def find() -> Path | None:
        return build_store(location).resolve()

    return find
