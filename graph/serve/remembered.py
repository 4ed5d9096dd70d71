"""Answers remembered by the exact key they are a function of (a request head's bytes, a
query's text): programs send the same few requests again and again. Bounded by emptying when
full, which costs nothing per hit, unlike an LRU's bookkeeping on the hot path."""

from __future__ import annotations

from collections.abc import Sized
from typing import TypeVar

K = TypeVar("K", bound=Sized)
V = TypeVar("V")


class Remembered(dict[K, V]):
    """At most `entries` answers; keys longer than `longest` (when given) are not kept, so
    one long request cannot hold memory."""

    def __init__(self, entries: int, longest: int | None = None) -> None:
        super().__init__()
        self.entries = entries
        self.longest = longest

    def keep(self, key: K, value: V) -> V:
        """Remember `value` for `key` (emptying first when full); return `value`."""
        if self.longest is None or len(key) <= self.longest:
            if len(self) >= self.entries:
                self.clear()
            self[key] = value
        return value
