"""One cache file of entries (bytes, or a mark for "no answer") by key, read by mapping it.

Inference keeps an entry per unit of a build (a document graph's premises, a focus group's
conclusions, a tier part's kept facts): 1,372 units at 1,000 documents, ten times that at
10,000. Holding them as one JSON object meant holding every entry in memory to read one; here
the file is a JSON index (one line: each key's offset and length in the data that follows,
or null for the mark) and the entries' bytes, and an entry is a slice of the mapped file.
Entries made by this run wait in a spill file until `save`, which writes the entries used or
made by this run (and no others) to a new file, renamed over the old one.
"""

from __future__ import annotations

import json
import mmap
import tempfile
from pathlib import Path
from typing import IO

from graph.rdfio import atomic_writer


class UnitFile:
    """Entries by key; `get` answers (known, bytes or None for the mark)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._index: dict[str, list[int] | None] | None = None
        self._data: mmap.mmap | None = None
        self._start = 0
        self._used: set[str] = set()
        self._spill: IO[bytes] | None = None
        self._new: dict[str, list[int] | None] = {}

    def get(self, key: str) -> tuple[bool, bytes | None]:
        if key in self._new:
            return True, self._spilled(self._new[key])
        index = self._open()
        if key not in index:
            return False, None
        self._used.add(key)
        place = index[key]
        if place is None or self._data is None:
            return True, None
        return True, self._data[self._start + place[0]:self._start + place[0] + place[1]]

    def put(self, key: str, data: bytes | None) -> None:
        if data is None:
            self._new[key] = None
            return
        if self._spill is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # open until `save` or `close` (it outlives this call)
            self._spill = tempfile.TemporaryFile(dir=self.path.parent)  # noqa: SIM115
        offset = self._spill.seek(0, 2)
        self._spill.write(data)
        self._new[key] = [offset, len(data)]

    def save(self) -> None:
        """Keep the entries this run used or made; nothing written if those are the file's."""
        index = self._open()
        if not self._new and self._used == set(index):
            self.close()
            return
        keys = sorted(self._used | set(self._new))
        out_index: dict[str, list[int] | None] = {}
        offset = 0
        for key in keys:
            place = self._new[key] if key in self._new else index[key]
            out_index[key] = None if place is None else [offset, place[1]]
            offset += 0 if place is None else place[1]
        with atomic_writer(self.path) as out:
            out.write(json.dumps(out_index, sort_keys=True).encode() + b"\n")
            for key in keys:
                found = self._spilled(self._new[key]) if key in self._new else self.get(key)[1]
                if found:
                    out.write(found)
        self.close()

    def release(self) -> None:
        """Drop the pages of the file read so far from this process (they stay in the page
        cache, read again on the next `get`): a reader going through every entry, as the
        site does, would otherwise hold the whole file resident until `save`."""
        if self._data is not None and hasattr(mmap, "MADV_DONTNEED"):
            self._data.madvise(mmap.MADV_DONTNEED)

    def close(self) -> None:
        """Forget this run's entries and unmap the file (a later `get` reads it again)."""
        if self._data is not None:
            self._data.close()
            self._data = None
        if self._spill is not None:
            self._spill.close()
            self._spill = None
        self._index, self._used, self._new = None, set(), {}

    def _spilled(self, place: list[int] | None) -> bytes | None:
        if place is None or self._spill is None:
            return None
        self._spill.seek(place[0])
        return self._spill.read(place[1])

    def _open(self) -> dict[str, list[int] | None]:
        if self._index is not None:
            return self._index
        self._index = {}
        try:
            with open(self.path, "rb") as handle:
                data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # no file, or an empty one
            return self._index
        end = data.find(b"\n")
        try:
            index = json.loads(data[:end]) if end >= 0 else None
        except ValueError:
            index = None
        if not isinstance(index, dict):
            data.close()
            return self._index
        self._index, self._data, self._start = index, data, end + 1
        return self._index
