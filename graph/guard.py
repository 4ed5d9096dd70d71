"""What a user's SPARQL may ask of Oxigraph: nothing that leaves the machine or writes.

The check is made on the exact text the engine will run, with the engine's own lexical rules
(Oxigraph 0.5's `spargebra` grammar), and it is built so that it cannot be tricked by a
tokenizer that reads the text differently from the engine:

- **SERVICE** is the one construct through which a read query goes out to the network
  (PITFALLS.md). Oxigraph's parser is a PEG that matches keywords as any 7 characters equal to
  `SERVICE` ignoring ASCII case, with or without a boundary before the next token
  (`SERVICEex:x { ... }` is a SERVICE call), and decides by backtracking whether `<`, `'` or `#`
  open an IRI, a string or a comment. Rather than re-implement that grammar and hope to agree
  with it, the word is refused *anywhere* in the text: in names, IRIs, strings and comments too,
  in the text as sent and in the text with `\\uXXXX` escapes expanded (SPARQL 1.1 allows an
  engine to expand them before parsing; Oxigraph 0.5 has it behind a build flag). Without those
  seven letters in a row no SERVICE keyword can exist. A query that needs the word in a string
  writes `CONCAT("serv", "ice")`.
- **Updates** (INSERT, DELETE, LOAD, CLEAR, ...) never run: the endpoint and `rkg query` only
  call `Store.query`, whose parser accepts no update, on a store opened read-only. They are
  recognised here only to answer with a clear refusal rather than a syntax error.
- **FROM / FROM NAMED**: Oxigraph never fetches them (they name graphs of the store), and with
  the union default graph it ignores FROM; they are refused so that nobody believes they
  restricted a query that they did not restrict.

The tokenizer below follows Oxigraph's lexical rules (whitespace is space, tab, `\\n` and `\\r`
only; a `#` comment ends at `\\n` or `\\r`; strings with their escapes; `<...>` is an IRI only
when its content is IRI characters) and serves the refusals of updates and FROM, which are not
security boundaries. The SERVICE rule does not depend on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.errors import QueryError

MAX_QUERY_CHARS = 200_000
"""Longer queries are refused before any parsing (a query pack query is under 5,000)."""

UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                   "COPY", "WITH")
DATASET_KEYWORDS = ("FROM",)

_SERVICE = re.compile("service", re.IGNORECASE)
_FROM_LETTERS = re.compile("[Ff][Rr][Oo][Mm]")
"""A word that starts with FROM in any case (`value[:4].upper()`) holds these four ASCII
letters in a row: no other character upper-cases to F, R, O, M or a run of them
(tests/test_guard_fast.py checks every code point)."""
_PROLOGUE_WORDS = {"BASE": 1, "PREFIX": 2}
"""Prologue keywords, and how many tokens each one's declaration takes after it."""
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# Oxigraph 0.5 lexical rules (lib/spargebra/src/parser.rs, rules `_`, `comment`, STRING_*):
_TOKEN = re.compile(r"""
    (?P<ws>[ \t\n\r]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:''|')?(?:[^'\\]|\\.))*'''
              |\"\"\"(?:(?:\"\"|\")?(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'
              |"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\s(){}\[\],;.<>"'\#=!&|*/+^@-]*)
  | (?P<word>[^\s(){}\[\],;.<>"'\#=!&|*/+^@?$-]+)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


class QueryRefused(QueryError):
    """A query asks for something this project never does (update, LOAD, SERVICE, FROM)."""


def expand_codepoints(text: str) -> str:
    """`text` with SPARQL 1.1 `\\uXXXX` / `\\UXXXXXXXX` escapes replaced by their characters
    (what an engine that pre-processes escapes parses)."""

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _CODEPOINT.sub(char, text)


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) of each token, whitespace and comments included, in Oxigraph's lexical
    rules. `other` is any single character no other rule takes."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        yield kind, match.group()


def check_query(text: str, source: str = "<query>") -> None:
    """Refuse (QueryRefused) a query that could reach the network, write, or name a dataset.

    Nothing else is judged here: whether the query parses is the engine's business (it answers
    with a syntax error). Only as much of the text is tokenized as a verdict needs: the
    prologue and the first keyword for an update, and all of it for FROM only when the four
    letters are in the text (`_FROM_LETTERS`): an unseen lookup is judged in a few
    microseconds instead of a tokenization of its whole text.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(f"{source}: the query is longer than {MAX_QUERY_CHARS:,} characters")
    # without a backslash there is no escape to expand: the expanded text is the text
    for variant in (text, expand_codepoints(text)) if "\\" in text else (text,):
        found = _SERVICE.search(variant)
        if found:
            raise QueryRefused(
                f"{source}: SERVICE (a federated query to another endpoint) is refused: "
                "queries never leave this machine. The word is refused anywhere in the query, "
                f"in names, strings and comments too (found {found.group()!r} at character "
                f"{found.start()}); to match the word in a string, write CONCAT(\"serv\", "
                "\"ice\")")
    first = _first_operation(text)
    if first is not None and first.upper() in UPDATE_KEYWORDS:
        raise QueryRefused(f"{source}: updates ({first.upper()}: INSERT, DELETE, LOAD, CLEAR, "
                           "DROP...) are refused: the graph is read-only")
    if _FROM_LETTERS.search(text) is None:
        return  # no word can start with FROM (`_FROM_LETTERS`)
    for kind, value in tokens(text):
        if kind == "word" and value[:4].upper() in DATASET_KEYWORDS:
            raise QueryRefused(f"{source}: FROM / FROM NAMED is refused: the default graph is "
                               "the union of all graphs; use GRAPH <iri> { ... } to read one")


def _first_operation(text: str) -> str | None:
    """The first keyword after the prologue (BASE <iri>, PREFIX p: <iri>), reading only the
    tokens up to it."""
    words = ((kind, value) for kind, value in tokens(text) if kind not in ("ws", "comment"))
    for kind, value in words:
        if kind != "word":
            return None
        upper = value.upper()
        if upper in _PROLOGUE_WORDS:
            for _ in range(_PROLOGUE_WORDS[upper]):  # what the keyword declares
                next(words, None)
        else:
            return value
    return None
