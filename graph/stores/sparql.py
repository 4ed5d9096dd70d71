"""Any SPARQL 1.1 endpoint: Oxigraph server, Apache Jena Fuseki, GraphDB, Virtuoso.

Only the two W3C protocols are spoken, never a vendor's API:

- SPARQL 1.1 Protocol for queries: `POST` to the query URL with a URL-encoded `query=`
  body (the form every server takes: Virtuoso 7.2 never answers a direct
  `application/sparql-query` POST); results as SPARQL JSON (SELECT, ASK) or N-Triples
  (CONSTRUCT, DESCRIBE).
- SPARQL 1.1 Graph Store HTTP Protocol for writes: `PUT GSP?graph=IRI` with the graph as
  N-Triples replaces one named graph, `DELETE GSP?graph=IRI` drops it.

Spec: `sparql:QUERY_URL[,gsp=GSP_URL][,timeout=SECONDS]`. Without `gsp=`, the Graph Store URL
is the query URL with its last path segment replaced by `store` (Oxigraph's layout:
`http://host:7878/query` -> `http://host:7878/store`); docs/stores.md gives the URLs of Fuseki
and GraphDB and Virtuoso. A user name and password in the URL (`http://user:pw@host/...`) answer
the server's HTTP Basic or Digest challenge (Virtuoso's `/sparql-graph-crud-auth` asks for
Digest).

Endpoints take a build one named graph at a time, so a build killed midway can leave some
graphs new and some old (each PUT is atomic on the servers named above). The build record
graph (`rkgd:graph/build`) is written last, and the manifest of what was written is kept
beside the build (`out/.cache/stores/`), marked pending until the last write succeeded: the
next build rewrites everything when it finds it pending, and drops every graph of ours that
the new build does not have, so a re-run always repairs the endpoint.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.algebra import translateAlgebra
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.store import Store

from graph import iris
from graph.stores.base import Bindings, GraphPayload, Manifest, StoreError, with_values
from graph.stores.httpauth import Authenticator

DEFAULT_TIMEOUT = 60.0
OUR_GRAPHS = iris.DATA + "graph/"
# `GRAPH ?g { }` would be cheaper, but Virtuoso 7.2 answers it with no graph at all
NAMED_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples"


def parse_spec(rest: str) -> tuple[str, str, float]:
    """`QUERY_URL[,gsp=URL][,timeout=S]` -> (query URL, GSP URL, timeout)."""
    parts = rest.split(",")
    query_url = parts[0].strip()
    options: dict[str, str] = {}
    for part in parts[1:]:
        key, sep, value = part.partition("=")
        if not sep or key.strip() not in ("gsp", "timeout"):
            raise StoreError(f"sparql:{rest}: unknown option {part!r} "
                             "(known: gsp=URL, timeout=SECONDS)")
        options[key.strip()] = value.strip()
    parsed = urllib.parse.urlsplit(query_url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise StoreError(f"sparql:{rest}: the endpoint must be an http(s) URL")
    gsp = options.get("gsp") or urllib.parse.urlunsplit(parsed._replace(
        path=parsed.path.rsplit("/", 1)[0] + "/store", query="", fragment=""))
    try:
        timeout = float(options.get("timeout", DEFAULT_TIMEOUT))
    except ValueError as exc:
        raise StoreError(f"sparql:{rest}: timeout must be a number of seconds") from exc
    return query_url, gsp, timeout


class SparqlEndpointStore:
    def __init__(self, query_url: str, gsp_url: str, *, timeout: float = DEFAULT_TIMEOUT,
                 state_dir: Path | None = None) -> None:
        self.query_url, self._query_auth = _split_auth(query_url)
        self.gsp_url, self._gsp_auth = _split_auth(gsp_url)
        self.timeout = timeout
        self.spec = f"sparql:{self.query_url}"
        self._state = (state_dir / f"{iris.digest(self.query_url, self.gsp_url)}.json"
                       if state_dir is not None else None)
        self._pending = False

    # -- manifest, kept beside the build --------------------------------------------------
    def manifest(self) -> Manifest | None:
        if self._state is None or not self._state.is_file():
            return None
        try:
            data = json.loads(self._state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("pending") or data.get("endpoint") != self.query_url:
            return None
        graphs = data.get("graphs")
        if not isinstance(graphs, dict):
            return None
        # the endpoint may have been wiped or rebuilt by someone else since
        if set(graphs) - self.named_graphs():
            return None
        return {str(k): str(v) for k, v in graphs.items()}

    def _save_state(self, graphs: Mapping[str, str] | None, pending: bool) -> None:
        if self._state is None:
            return
        from graph.rdfio import write_text

        write_text(self._state, json.dumps({
            "endpoint": self.query_url, "gsp": self.gsp_url, "pending": pending,
            "graphs": dict(sorted((graphs or {}).items()))}, indent=1, sort_keys=True) + "\n")

    def _begin(self) -> None:
        if not self._pending:
            self._save_state(None, pending=True)
            self._pending = True

    # -- writing (Graph Store Protocol) -----------------------------------------------------
    def replace_graph(self, graph_iri: str, ntriples: bytes) -> None:
        self._begin()
        self._request("PUT", self._gsp(graph_iri), ntriples,
                      {"Content-Type": "application/n-triples"}, self._gsp_auth)

    def drop_graph(self, graph_iri: str) -> None:
        self._begin()
        self._request("DELETE", self._gsp(graph_iri), None, {}, self._gsp_auth,
                      missing_ok=True)

    def load_all(self, graphs: Iterable[GraphPayload]) -> None:
        """Every graph of ours replaced; graphs under rkgd:graph/ not in `graphs` dropped."""
        self._begin()
        written: set[str] = set()
        for g, ntriples in graphs:
            self.replace_graph(g, ntriples)
            written.add(g)
        for g in sorted(self.named_graphs()):
            if g.startswith(OUR_GRAPHS) and g not in written:
                self.drop_graph(g)

    def commit(self, manifest: Mapping[str, str]) -> None:
        if self._pending or self.manifest() != dict(manifest):
            self._save_state(manifest, pending=False)
        self._pending = False

    def close(self) -> None:
        self._pending = False

    def _gsp(self, graph_iri: str) -> str:
        sep = "&" if "?" in self.gsp_url else "?"
        return f"{self.gsp_url}{sep}{urllib.parse.urlencode({'graph': graph_iri})}"

    # -- reading (SPARQL Protocol) ---------------------------------------------------------
    def named_graphs(self) -> set[str]:
        result = self.query(NAMED_GRAPHS)
        return {str(row[0]) for row in result if isinstance(row, tuple) and row[0] is not None}

    def query(self, sparql: str, bindings: Bindings | None = None) -> Result:
        text = with_values(sparql, bindings)
        # ask for the answer of the query's form: Virtuoso answers a CONSTRUCT as SPARQL
        # JSON bindings of ?s ?p ?o when that is the first type accepted
        accept = (f"{GRAPH_ACCEPT}, text/turtle;q=0.9" if _graph_form(text)
                  else f"{SELECT_ACCEPT}, {GRAPH_ACCEPT};q=0.9, text/turtle;q=0.8")
        body, content_type = self._request(
            "POST", self.query_url, urllib.parse.urlencode({"query": text}).encode("ascii"),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
            self._query_auth)
        return _parse_result(body, content_type, self.query_url)

    def dataset(self) -> Dataset:
        """An rdflib Dataset whose queries run on the endpoint (prepared ones too)."""
        return Dataset(store=EndpointRdflibStore(self), default_union=True)

    def union_default_graph(self) -> bool:
        """Whether the endpoint's default graph is the union of its named graphs."""
        probe = "ASK { ?s ?p ?o }"
        named = self.query("ASK { GRAPH ?g { ?s ?p ?o } }").askAnswer
        return bool(self.query(probe).askAnswer) or not named

    # -- HTTP --------------------------------------------------------------------------------
    def _request(self, method: str, url: str, body: bytes | None, headers: dict[str, str],
                 auth: Authenticator | None, *, missing_ok: bool = False,
                 retry: bool = True) -> tuple[bytes, str]:
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        if auth is not None:
            request.add_header("Authorization", auth.header(method, url, self.timeout))
        try:
            with _opener(url).open(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            if missing_ok and exc.code == 404:
                return b"", ""
            if exc.code == 401 and auth is not None and retry:  # e.g. a stale Digest nonce
                auth.stale()
                return self._request(method, url, body, headers, auth, missing_ok=missing_ok,
                                     retry=False)
            detail = exc.read()[:300].decode("utf-8", "replace").strip()
            raise StoreError(f"{method} {url}: HTTP {exc.code} {exc.reason}"
                             + (f": {detail}" if detail else "")) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"{method} {url}: cannot reach the endpoint: {reason}") from exc


def _graph_form(sparql: str) -> bool:
    """Whether the query (after its prologue and comments) is a CONSTRUCT or DESCRIBE."""
    for line in sparql.splitlines():
        words = line.split("#", 1)[0].split()
        while len(words) >= 2 and words[0].upper() in ("PREFIX", "BASE"):
            words = words[3:] if words[0].upper() == "PREFIX" else words[2:]
        if words:
            return words[0].upper().startswith(("CONSTRUCT", "DESCRIBE"))
    return False


def _split_auth(url: str) -> tuple[str, Authenticator | None]:
    """(URL without user info, an Authenticator for its user and password, or None)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    bare = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return bare, Authenticator((user, password), lambda: _opener(bare))


def _opener(url: str) -> urllib.request.OpenerDirector:
    """No proxy for loopback addresses (a proxy from the environment must not see them)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host in ("localhost", "::1") or host.startswith("127."):
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def _parse_result(body: bytes, content_type: str, url: str) -> Result:
    kind = content_type.split(";")[0].strip().lower()
    try:
        if kind in (SELECT_ACCEPT, "application/json"):
            result = Result.parse(io.BytesIO(body), format="json")
            if result.type == "SELECT":
                result.bindings = [{v: _typed(t) for v, t in row.items()}
                                   for row in result.bindings]
            return result
        if kind in (GRAPH_ACCEPT, "text/plain", "text/turtle", "application/x-turtle"):
            parsed = Graph()
            parsed.parse(data=body.decode("utf-8"),
                         format="nt" if kind != "text/turtle" else "turtle")
            graph = Graph()
            for s, p, o in parsed:
                graph.add((s, p, _typed(o)))
            result = Result("CONSTRUCT")
            result.graph = graph
            return result
    except Exception as exc:  # a malformed answer from the server
        raise StoreError(f"{url}: cannot read the endpoint's answer ({kind}): {exc}") from exc
    raise StoreError(f"{url}: unexpected answer type {content_type!r}")


def _typed(term: Any) -> Any:
    """A simple literal as xsd:string, as RDF 1.1 says and the local Oxigraph stores give it."""
    if isinstance(term, Literal) and term.datatype is None and not term.language:
        return Literal(str(term), datatype=XSD.string)
    return term


class EndpointRdflibStore(Store):
    """rdflib's view of the endpoint: queries go to it whole; triple patterns become SELECTs.

    Prepared queries (rdflib `Query` objects) are turned back into SPARQL text first, so code
    written for the local stores (graph.report) runs unchanged against an endpoint.
    """

    context_aware = True
    graph_aware = True

    def __init__(self, endpoint: SparqlEndpointStore) -> None:
        super().__init__()
        self.endpoint = endpoint

    def query(self, query: Query | str, initNs: Mapping[str, Any],
              initBindings: Mapping[str, Any], queryGraph: str,
              **kwargs: Any) -> Result:
        text = query if isinstance(query, str) else translateAlgebra(query)
        text = _with_prefixes(text, initNs)
        return self.endpoint.query(text, {str(k): v for k, v in initBindings.items()})

    def triples(self, triple_pattern: Any, context: Any = None
                ) -> Iterator[tuple[tuple[Any, Any, Any], Iterator[Any]]]:
        s, p, o = triple_pattern
        names = ("s", "p", "o")
        bound = {n: t for n, t in zip(names, (s, p, o), strict=True) if t is not None}
        result = self.endpoint.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", bound)
        for row in result:
            assert isinstance(row, tuple)
            yield (row[0], row[1], row[2]), iter(())

    def __len__(self, context: Any = None) -> int:
        result = self.endpoint.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        for row in result:
            assert isinstance(row, tuple)
            return int(str(row[0]))
        return 0

    def contexts(self, triple: Any = None) -> Iterator[Any]:  # type: ignore[override]
        for g in sorted(self.endpoint.named_graphs()):
            yield Graph(identifier=URIRef(g))


def _with_prefixes(text: str, namespaces: Mapping[str, Any]) -> str:
    """PREFIX lines for the namespaces rdflib passes that the query uses but does not declare."""
    declared = {m.lower() for m in _declared(text)}
    lines = [f"PREFIX {prefix}: <{ns}>" for prefix, ns in sorted(namespaces.items())
             if prefix.lower() not in declared and f"{prefix}:" in text]
    return "\n".join([*lines, text]) if lines else text


def _declared(text: str) -> Iterator[str]:
    for line in text.splitlines():
        words = line.strip().split()
        if len(words) >= 2 and words[0].upper() == "PREFIX":
            yield words[1].rstrip(":")

