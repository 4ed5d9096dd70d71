"""A build whose every input is unchanged takes the published build's graph files as they are.

Even when no document changed, the graph stage imports spaCy, loads the language identifier
and the registry, links and writes graph.trig and graph.ttl again: seconds, where the rest of
an unchanged rebuild takes a fraction of one. What the stage reads is known and small to
hash: the corpus folder (every file: documents, sources.yaml, curation.yaml), the curation
file named on the command line, the published identities.json (linking keeps event
identities from it), the ontology, reference and query folders (and the folders the
RKG_*_DIR variables name instead), the package's code and data files, the versions of Python
and of the libraries build.json lists, and the options that change the output (--strict).
Their hash is written beside the outputs (`.graph-inputs` in the build generation); when the
published build's hash is the new one, its graph files are hard-linked into the new
generation instead of being built again.

Only a build into the default `memory` store can take the shortcut (another store is kept
in step by the graph stage itself). The previous build's identities.json is one of the
inputs (linking keeps event identities from it), and a build usually writes a different one
than it read (a build from scratch reads none). When linking again from the record it wrote
would give the same keys, the same record and the same event decisions (the linking stage
checks this: `LinkStage.settled`), the key recorded is the one computed with the written
record, so the next build of the same inputs takes the shortcut; otherwise the key of what
it read, and the next build runs the stage (its identities settle) before the shortcut
applies.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

KEY_FILE = ".graph-inputs"
# what the graph stage writes (summary.txt is written afresh: it says how the build went)
GRAPH_OUTPUTS = ("graph.trig", "graph.ttl", "build.json", "identities.json", "review.json")
_ENV_DIRS = ("RKG_ONTOLOGY_DIR", "RKG_REFERENCE_DIR", "RKG_QUERIES_DIR")


class Inputs:
    """Everything the graph stage of `rkg build CORPUS` reads (module docstring), hashed
    once; `published` is the output folder whose identities.json linking reads. The
    identities are hashed last, in `key`: a build asks for the key twice (before the stage,
    and with the identities it wrote), and the rest is not read again."""

    def __init__(self, corpus: Path, published: Path, reference: Path | None,
                 curation_file: Path | None, strict: bool) -> None:
        from graph.builder import software_versions
        from graph.datafiles import data_dir
        from graph.fingerprint import _package_state

        self.published = published
        h = hashlib.sha256(b"rkg graph inputs 2\0")
        _text(h, f"python={sys.version}; strict={strict}")
        for name, version in sorted(software_versions().items()):
            _text(h, f"{name}={version}")
        _text(h, "code=" + _package_state(("graph",)))
        _tree(h, "corpus", corpus, skip=published)
        _file(h, "curation", curation_file)
        _tree(h, "reference", reference)
        for name in ("ontology", "queries"):
            _tree(h, name, data_dir(name))
        for variable in _ENV_DIRS:
            value = os.environ.get(variable)
            _text(h, f"{variable}={value}")
            _tree(h, variable, Path(value) if value else None)
        self._hash = h

    def key(self, identities: Path | None = None) -> str:
        """The key with `identities` (default: the published identities.json) as the
        identities linking reads."""
        h = self._hash.copy()
        _file(h, "identities", identities or self.published / "identities.json")
        return h.hexdigest()


def _text(h: hashlib._Hash, text: str) -> None:
    data = text.encode("utf-8")
    h.update(len(data).to_bytes(8, "big") + data)


def _file(h: hashlib._Hash, label: str, path: Path | None) -> None:
    if path is None or not path.is_file():
        _text(h, f"{label}: none")
        return
    _text(h, f"{label}: {hashlib.sha256(path.read_bytes()).hexdigest()}")


def _tree(h: hashlib._Hash, label: str, folder: Path | None, skip: Path | None = None) -> None:
    """Every file under `folder` (relative path and content; symbolic links followed),
    except under `skip` (the output folder, when it is inside the corpus)."""
    if folder is None or not folder.exists():
        _text(h, f"{label}: none")
        return
    if folder.is_file():
        _file(h, label, folder)
        return
    skipped = skip.resolve() if skip is not None else None
    for path in sorted(folder.rglob("*")):
        if skipped is not None and path.resolve().is_relative_to(skipped):
            continue
        if path.is_file():
            _file(h, f"{label}/{path.relative_to(folder)}", path)


def reuse(published: Path, generation: Path, key: str) -> bool:
    """Hard-link the published build's graph files into `generation` when they were made
    from inputs with this `key`; False (nothing linked) otherwise."""
    current = published / "current"
    try:
        if (current / KEY_FILE).read_text(encoding="ascii").strip() != key:
            return False
    except OSError:
        return False
    if not all((current / name).is_file() for name in (*GRAPH_OUTPUTS, "summary.txt")):
        return False
    for name in GRAPH_OUTPUTS:
        _link(current / name, generation / name)
    record(generation, key)
    return True


def record(generation: Path, key: str) -> None:
    (generation / KEY_FILE).write_text(key + "\n", encoding="ascii")


def _link(source: Path, target: Path) -> None:
    import shutil

    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
