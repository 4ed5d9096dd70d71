"""The query page of `rkg serve`: a form, the project's prefixes and the competency queries.

Everything the page uses is served from here (graph/serve/static/): no request goes to another
host, and the Content-Security-Policy says so to the browser. The examples are the query pack
(`queries/*.rq`) read as text when the server starts; the prefixes are graph/rdfio.py's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

STATIC = Path(__file__).with_name("static")
UI_CSP = (b"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
          b"img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
ASSETS = {"/": ("index.html", b"text/html; charset=utf-8"),
          "/index.html": ("index.html", b"text/html; charset=utf-8"),
          "/ui/app.js": ("app.js", b"text/javascript; charset=utf-8"),
          "/ui/style.css": ("style.css", b"text/css; charset=utf-8")}
_TITLE = re.compile(r"^#\s*title:\s*(.+)$", re.MULTILINE)


class Ui:
    def __init__(self, *, prefixes: dict[str, str], queries_dir: Path | None,
                 site: bool, token: bool) -> None:
        self.files = {path: ((STATIC / name).read_bytes(), kind)
                      for path, (name, kind) in ASSETS.items()}
        config = {"prefixes": prefixes, "examples": examples(queries_dir), "site": site,
                  "token": token}
        self.config = json.dumps(config, ensure_ascii=False, sort_keys=True).encode("utf-8")

    def asset(self, path: str) -> tuple[bytes, bytes] | None:
        """(content type, body) of a page file, or None."""
        if path == "/ui/config.json":
            return b"application/json", self.config
        found = self.files.get(path)
        return (found[1], found[0]) if found else None


def examples(queries_dir: Path | None) -> list[dict[str, Any]]:
    """Name, title and text of every pack query, sorted by name."""
    if queries_dir is None or not queries_dir.is_dir():
        return []
    found = []
    for path in sorted(queries_dir.glob("*.rq")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        title = _TITLE.search(text)
        found.append({"name": path.stem, "title": title.group(1).strip() if title else "",
                      "query": text})
    return found
