"""The verdict of the SPARQL safety check (graph.query.check_safe), cached per query text.

rdflib's SPARQL parser (pyparsing) takes about half a second on a pack query: most of what
`rkg query` costs on a small build. The check's outcome for a text that passed (its form and
projected variables) is kept in a small JSON file named by the hash of the text, rdflib's
version and the source of graph/query.py and of graph/guard.py (which the check calls), under
`$RKG_CACHE_DIR` (default `~/.cache/refoulement-kg/queries`). Refused or broken queries are
never cached: they are parsed each time, so their messages stay exact. An unwritable cache
is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

Verdict = tuple[str, list[str] | None]  # query form, projected variables (None: all)


def cache_dir() -> Path:
    env = os.environ.get("RKG_CACHE_DIR")
    base = Path(env) if env else Path.home() / ".cache" / "refoulement-kg"
    return base / "queries"


def _key(text: str) -> str:
    from importlib import import_module
    from importlib.metadata import version

    h = hashlib.sha256(text.encode("utf-8"))
    h.update(version("rdflib").encode())
    # check_safe's module and the guard it calls (import_module: `graph.query` is also the
    # name of a function of the package's API)
    for name in ("graph.query", "graph.guard"):
        h.update(Path(str(import_module(name).__file__)).read_bytes())
    return h.hexdigest()[:40]


def checked(text: str, check: Callable[[], Verdict]) -> Verdict:
    """`check()` (which raises on an unsafe or broken query), or its cached verdict."""
    try:
        path = cache_dir() / f"{_key(text)}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["form"]), data["projected"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    form, projected = check()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"form": form, "projected": projected}), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    return form, projected
