"""What reading a document gave, cached by its bytes, so an unchanged file costs a hash.

Reading a file normalises its text, strips markup and boilerplate, parses its header and
dateline and detects its language (graph/reading.py): at 1,000 documents about 2.4 s of
every rebuild, 1.5 s of it loading and running the language identifier, for documents
that did not change. The result (the `DocumentInfo` and the problems worth reporting) is
kept under `out/.cache/reading/<code>/`, one JSON file per document, named by the hash of
everything it was made from: the file's name and bytes, its `sources.yaml` entry, the
source of the reading code (graph/fingerprint.py) and the versions of the libraries it
calls (decoding, HTML, PDF, Word, YAML, the language identifier and its model). Anything
else (a changed file, entry or reader) is a miss and is read again; only successes are
kept, so a bad file is always read and reported afresh. A build keeps the entries of its
own documents and removes the rest.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph import factcodec
from graph.facts import DocumentInfo

# the distributions whose behaviour the reading code depends on (py3langid ships its model)
READER_LIBRARIES = ("charset-normalizer", "trafilatura", "lxml", "lxml_html_clean", "pypdf",
                    "python-docx", "PyYAML", "py3langid")
READING_ROOTS = ("graph.reading",)

Loaded = tuple[DocumentInfo, list[str]]  # the document and the problems it brings


class ReadCache:
    """The reading cache of one build (module docstring); `folder` is out/.cache/reading."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / reader_fingerprint()[:16]
        self.used: set[str] = set()

    def load(self, file_name: str, data: bytes, metadata: dict[str, Any] | None,
             parse: Callable[[], Loaded]) -> Loaded:
        """`parse()`'s answer for this file, from the cache when its inputs were read before."""
        name = f"{_entry_key(file_name, data, metadata)}.json"
        self.used.add(name)
        path = self.folder / name
        found = _read(path)
        if found is not None:
            return found
        document, problems = parse()
        self.folder.mkdir(parents=True, exist_ok=True)
        _write(path, factcodec.dumps_value({"document": document, "problems": list(problems)}))
        return document, problems

    def prune(self) -> None:
        """Forget the entries this build did not use, and those of other reading code."""
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name not in self.used:
                    path.unlink(missing_ok=True)
        if self.folder.parent.is_dir():
            import shutil

            for other in self.folder.parent.iterdir():
                if other.is_dir() and other != self.folder:
                    shutil.rmtree(other, ignore_errors=True)


def reader_fingerprint() -> str:
    """The reading code's source and its libraries' versions."""
    from importlib.metadata import PackageNotFoundError, version

    from graph.fingerprint import code_fingerprint

    parts = [code_fingerprint(READING_ROOTS)]
    for name in READER_LIBRARIES:
        try:
            parts.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name}=none")
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _entry_key(file_name: str, data: bytes, metadata: dict[str, Any] | None) -> str:
    h = hashlib.sha256(file_name.encode("utf-8") + b"\0")
    h.update(json.dumps(metadata, sort_keys=True, default=repr).encode("utf-8") + b"\0")
    h.update(hashlib.sha256(data).digest())
    return h.hexdigest()[:40]


def _write(path: Path, text: str) -> None:
    """Written beside and renamed: a reader never sees half an entry."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _read(path: Path) -> Loaded | None:
    try:
        value = factcodec.loads_value(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    document = value.get("document") if isinstance(value, dict) else None
    problems = value.get("problems") if isinstance(value, dict) else None
    if not isinstance(document, DocumentInfo) or not isinstance(problems, list):
        return None
    return document, [str(p) for p in problems]
