"""The usual lookup recognised by one regular expression, for queries the server has not seen.

`lookup_shape` (graph/serve/inline.py) reads a query with graph/guard.py's tokenizer and a
small parser: about 12 microseconds for a 100-character lookup, most of a lookup's Python
cost when the text is new (programs that look up many nodes send texts the server has never
seen). The commonest lookup, one triple pattern

    [PREFIX p: <iri>]... SELECT [DISTINCT] ?v...|* [WHERE] { s p o [.] } [LIMIT n]
    [PREFIX p: <iri>]... ASK [WHERE] { s p o [.] }

is recognised here by one `fullmatch` (about a microsecond). It accepts only texts the
parser accepts, with the same form, and leaves everything else to the parser:

- each term is spelled as the parser's token rules read it: a variable or a word (prefixed
  name, keyword, language tag, number) is always followed by a character that ends that
  token (whitespace, `{`, `}`, `.`) or by the end of the text, so the expression's terms are
  the tokenizer's tokens; keywords are ASCII letters in any case (the parser compares
  `value.upper()`, which also turns `ſ` into `S`: such texts go to the parser);
- only ASCII whitespace (space, tab, CR, LF) separates tokens, no comment, no `'` string,
  no long string, no number;
- a variable twice in the pattern, or DISTINCT over part of its variables, goes to the
  parser (which refuses them).

tests/test_guard_fast.py compares the two on the lookups, the refused shapes and the guard's
adversarial corpus, and on thousands of generated near-lookups.
"""

from __future__ import annotations

import re

_WS = r"[ \t\n\r]"
_VAR = r"[?$][A-Za-z_][A-Za-z0-9_]*"
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_PNAME = r"[A-Za-z][A-Za-z0-9_]*:[A-Za-z0-9_]+|[A-Za-z]*:"
_LITERAL = (r'"(?:[^"\\\n\r]|\\.)*"'
            rf"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:{_IRI}|{_PNAME}))?")
_CONST = rf"{_VAR}|{_IRI}|{_PNAME}"

_PLAIN_LOOKUP = re.compile(rf"""
    {_WS}*
    (?:[Pp][Rr][Ee][Ff][Ii][Xx] {_WS}+ (?:[A-Za-z][A-Za-z0-9_]*:|:) {_WS}* {_IRI} {_WS}*)*
    (?:
        (?P<select>[Ss][Ee][Ll][Ee][Cc][Tt]) {_WS}+
        (?P<distinct>[Dd][Ii][Ss][Tt][Ii][Nn][Cc][Tt] {_WS}+)?
        (?:\* | (?P<projected>{_VAR}(?:{_WS}+{_VAR})*))
      | [Aa][Ss][Kk]
    )
    (?:{_WS}+ [Ww][Hh][Ee][Rr][Ee])?
    {_WS}* \{{ {_WS}*
    (?P<s>{_CONST}) {_WS}+ (?P<p>{_CONST}|a) {_WS}+ (?P<o>{_CONST}|{_LITERAL})
    {_WS}* (?:\. {_WS}*)? \}}
    (?P<limit>{_WS}* [Ll][Ii][Mm][Ii][Tt] {_WS}+ [0-9]{{1,9}})?
    {_WS}*
""", re.VERBOSE)


def plain_lookup(text: str) -> str | None:
    """'select' or 'ask' when `text` is a one-pattern lookup spelled plainly (module
    docstring); None when this expression cannot tell (the parser decides)."""
    found = _PLAIN_LOOKUP.fullmatch(text)
    if found is None:
        return None
    names = [term[1:] for term in found.group("s", "p", "o") if term[0] in "?$"]
    if len(set(names)) != len(names):
        return None  # a variable twice: the parser refuses it
    if found["select"] is None:
        return None if found["limit"] else "ask"
    projected = found["projected"]
    if found["distinct"] and projected is not None and \
            {name[1:] for name in re.split(_WS + "+", projected)} < set(names):
        return None  # DISTINCT over part of the variables: the parser refuses it
    return "select"
