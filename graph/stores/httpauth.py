"""HTTP authentication for SPARQL endpoints, answered before a large body is sent.

A server that wants credentials answers a `PUT` of a whole named graph with 401 before
reading its body and closes the connection, so the client sees a broken pipe instead of
the challenge (Virtuoso's `/sparql-graph-crud-auth` does). So the challenge is fetched
once with a bodiless `GET`, and every request then carries its `Authorization` header up
front: HTTP Basic (RFC 7617) or Digest (RFC 7616: MD5 or SHA-256, `qop=auth`).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

Credentials = tuple[str, str]  # user, password
_PARAM = re.compile(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))')


class Authenticator:
    """Authorization headers for one endpoint and user, after one probe of its challenge."""

    def __init__(self, credentials: Credentials,
                 opener: Callable[[], urllib.request.OpenerDirector]) -> None:
        self.user, self.password = credentials
        self._opener = opener
        self._challenge: dict[str, str] | None = None
        self._scheme = ""
        self._count = 0

    def header(self, method: str, url: str, timeout: float) -> str:
        if not self._scheme:
            self._probe(url, timeout)
        if self._scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
            return f"Basic {token}"
        return self._digest(method, url)

    def _probe(self, url: str, timeout: float) -> None:
        request = urllib.request.Request(url, method="GET")
        try:
            with self._opener().open(request, timeout=timeout):
                pass
        except urllib.error.HTTPError as exc:
            offered = exc.headers.get_all("WWW-Authenticate") or []
            for value in offered:
                scheme, _, rest = value.partition(" ")
                if scheme.lower() == "digest":
                    self._scheme = "digest"
                    self._challenge = {m.group(1).lower(): m.group(2) if m.group(2) is not None
                                       else m.group(3) for m in _PARAM.finditer(rest)}
                    return
        self._scheme = "basic"  # no challenge (or a Basic one): send Basic

    def _digest(self, method: str, url: str) -> str:
        challenge = self._challenge or {}
        algorithm = challenge.get("algorithm", "MD5")
        digest: Callable[[str], str] = (
            (lambda text: hashlib.sha256(text.encode()).hexdigest())
            if algorithm.upper().startswith("SHA-256")
            else (lambda text: hashlib.md5(text.encode()).hexdigest()))  # MD5: RFC 7616 default
        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
        ha1 = digest(f"{self.user}:{realm}:{self.password}")
        ha2 = digest(f"{method}:{uri}")
        self._count += 1
        nc = f"{self._count:08x}"
        cnonce = os.urandom(8).hex()
        fields = {"username": self.user, "realm": realm, "nonce": nonce, "uri": uri,
                  "algorithm": algorithm}
        if "auth" in [q.strip() for q in challenge.get("qop", "").split(",")]:
            fields["response"] = digest(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            quoted = ", ".join(f'{k}="{v}"' for k, v in fields.items())
            header = f"Digest {quoted}, qop=auth, nc={nc}, cnonce=\"{cnonce}\""
        else:
            fields["response"] = digest(f"{ha1}:{nonce}:{ha2}")
            header = "Digest " + ", ".join(f'{k}="{v}"' for k, v in fields.items())
        if "opaque" in challenge:
            header += f", opaque=\"{challenge['opaque']}\""
        return header

    def stale(self) -> None:
        """The server refused the nonce: probe again before the next request."""
        self._scheme = ""
        self._count = 0
