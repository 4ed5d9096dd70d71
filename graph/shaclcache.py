"""The per-unit caches of graph/shaclstream.py, under out/.cache/validation/.

- `stream-index-KEY.npz`: pass 1's product per unit (its subjects' digests and class bits),
  by the digest of the unit's bytes; KEY hashes the shapes, the ontology, the code and the
  build's subClassOf axioms (which the class bits depend on). A unit whose bytes did not
  change is not parsed for the index.
- `stream-units-KEY.json`: pass 2's product per unit (its rows and distinct triples), by the
  digest of what it read (its bytes, the inferred statements about its subjects, the ontology
  files' subjects merged into it, KEY), with the class bits of every node outside it that it
  asked about: the result is reused while those bits are the same.
Each run writes back only the entries of its own units, so the files follow the build.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from graph.rdfio import write_text

Entry = tuple[np.ndarray, np.ndarray]


class StreamCache:
    """Both caches of one validation run (see the module docstring)."""

    def __init__(self, folder: Path, base_key: str) -> None:
        self.folder = folder
        self.base_key = base_key
        self.world_key = ""
        self.results: dict[str, Any] = {}
        self.kept: dict[str, Any] = {}

    @property
    def results_file(self) -> Path:
        return self.folder / f"stream-units-{self.base_key[:32]}.json"

    def index_file(self, world_key: str) -> Path:
        return self.folder / f"stream-index-{world_key[:32]}.npz"

    def load_index(self, world_key: str) -> dict[bytes, Entry]:
        """Pass 1's entries by unit digest (empty when none are cached for `world_key`)."""
        self.world_key = world_key
        path = self.index_file(world_key)
        if not path.is_file():
            return {}
        try:
            with np.load(path) as found:
                units, counts = found["units"], found["counts"]
                keys, masks = found["keys"], found["masks"]
        except (OSError, ValueError, KeyError):
            return {}
        out: dict[bytes, Entry] = {}
        at = 0
        for unit, count in zip(units.tolist(), counts.tolist(), strict=True):
            out[unit] = (keys[at:at + count], masks[at:at + count])
            at += count
        return out

    def save_index(self, entries: dict[bytes, Entry]) -> None:
        path = self.index_file(self.world_key)
        units = np.array(list(entries), dtype="S16")
        counts = np.array([len(k) for k, _m in entries.values()], dtype=np.int64)
        keys = np.concatenate([k for k, _m in entries.values()]) if entries else \
            np.zeros(0, dtype="S16")
        masks = np.concatenate([m for _k, m in entries.values()]) if entries else \
            np.zeros(0, dtype=np.int64)
        temporary = path.with_name(path.name + ".tmp.npz")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            np.savez(temporary, units=units, counts=counts, keys=keys, masks=masks)
            os.replace(temporary, path)
        except OSError:  # a read-only or full build folder: validate without caching
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            return
        for other in self.folder.glob("stream-index-*.npz"):
            if other != path:
                with contextlib.suppress(OSError):
                    other.unlink()

    def load_results(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            found = json.loads(self.results_file.read_text(encoding="utf-8"))
            if isinstance(found, dict):
                self.results = found

    def result(self, key: str) -> Any:
        return self.results.get(key)

    def keep(self, key: str, entry: Any) -> None:
        self.kept[key] = entry

    def save_results(self) -> None:
        with contextlib.suppress(OSError):
            write_text(self.results_file, json.dumps(self.kept, sort_keys=True))
