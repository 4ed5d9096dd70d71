"""The shortcuts that judge a query the server has not seen (graph/guard.py's `check_query`
reading only the tokens a verdict needs, graph/serve/plainlookup.py's one-expression lookup,
graph/serve/app.py's form decoding) against what they replace: the guard as it was (every
token of the text, kept below as the reference), the lookup parser (graph/serve/inline.py,
still the fallback) and `urllib.parse.unquote_plus`. Same verdicts, same messages, same forms,
same texts: on the guard's adversarial corpus, the lookup examples and thousands of generated
near-misses."""

from __future__ import annotations

import sys
import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_serve_guard import SEPARATORS, load_and_update_queries, service_queries
from test_serve_inline import LOOKUPS, NOT_LOOKUPS

from graph.guard import _SERVICE as SERVICE_WORD
from graph.guard import (
    DATASET_KEYWORDS,
    MAX_QUERY_CHARS,
    UPDATE_KEYWORDS,
    QueryRefused,
    check_query,
    expand_codepoints,
    tokens,
)
from graph.query import load_pack
from graph.serve.app import unquote_plus
from graph.serve.inline import _NotLookup, _Parser, _shape, lookup_shape
from graph.serve.plainlookup import plain_lookup

REMOTE = "http://127.0.0.1:9"


# -- the reference: the guard as it was before it read only the tokens it needs --------------

def _check_by_every_token(text: str, source: str = "<query>") -> None:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(f"{source}: the query is longer than {MAX_QUERY_CHARS:,} characters")
    for variant in (text, expand_codepoints(text)):
        found = SERVICE_WORD.search(variant)
        if found:
            raise QueryRefused(
                f"{source}: SERVICE (a federated query to another endpoint) is refused: "
                "queries never leave this machine. The word is refused anywhere in the query, "
                f"in names, strings and comments too (found {found.group()!r} at character "
                f"{found.start()}); to match the word in a string, write CONCAT(\"serv\", "
                "\"ice\")")
    words = [(kind, value) for kind, value in tokens(text) if kind not in ("ws", "comment")]
    first = _first_of_every_token(words)
    if first is not None and first.upper() in UPDATE_KEYWORDS:
        raise QueryRefused(f"{source}: updates ({first.upper()}: INSERT, DELETE, LOAD, CLEAR, "
                           "DROP...) are refused: the graph is read-only")
    for kind, value in words:
        if kind == "word" and value[:4].upper() in DATASET_KEYWORDS:
            raise QueryRefused(f"{source}: FROM / FROM NAMED is refused: the default graph is "
                               "the union of all graphs; use GRAPH <iri> { ... } to read one")


def _first_of_every_token(words: list[tuple[str, str]]) -> str | None:
    index = 0
    while index < len(words):
        kind, value = words[index]
        upper = value.upper()
        if kind == "word" and upper == "BASE":
            index += 2
        elif kind == "word" and upper == "PREFIX":
            index += 3
        elif kind == "word":
            return value
        else:
            return None
    return None


def _verdict(check: object, text: str) -> str:
    try:
        check(text)  # type: ignore[operator]
    except QueryRefused as exc:
        return str(exc)
    return ""


def _parsed(text: str) -> str | None:
    try:
        return _shape(_Parser(text))
    except _NotLookup:
        return None


def _corpus() -> list[str]:
    pack = [query.text for query in load_pack().values()]
    return service_queries(REMOTE) + load_and_update_queries(REMOTE) + LOOKUPS + \
        NOT_LOOKUPS + pack


# -- the guard --------------------------------------------------------------------------------

def test_only_ascii_letters_upper_case_into_from() -> None:
    """The FROM shortcut's premise: a word whose first four characters upper-case to FROM
    holds f, r, o, m in a row, in some case; no other character (ligatures, long s, dotless
    i...) upper-cases to any part of the word."""
    parts = {"FROM"[i:j] for i in range(4) for j in range(i, 5)}
    found = {chr(code) for code in range(sys.maxunicode + 1)
             if not 0xD800 <= code <= 0xDFFF and chr(code).upper() in parts}
    assert found == set("fromFROM")


def test_the_guard_gives_the_old_verdicts_on_the_adversarial_corpus() -> None:
    corpus = _corpus()
    refused = 0
    for text in corpus:
        verdict = _verdict(check_query, text)
        assert verdict == _verdict(_check_by_every_token, text), text
        refused += bool(verdict)
    assert refused > 1500  # the corpus is mostly refusals: the comparison covers them


_GUARD_PIECES = st.sampled_from([
    "SELECT", "select", "ASK", "CONSTRUCT", "DESCRIBE", "*", "WHERE", "{", "}", "?s", "?from",
    "$p", "?o", ".", ";", ",", "(", ")", "<http://e/a>", "<from>", "<a b>", "'from'",
    '"FROM"', '"""x"""', "#", "# FROM", "ex:", "ex:from", "from:x", "fromage:x", "BASE",
    "base", "PREFIX", "prefix", "PREFIXex:", "FROM", "from", "fRoM", "FROMex:g", "NAMED",
    "INSERT", "inſert", "ınsert", "DELETE", "LOAD", "load", "CLEAR", "DROP", "CREATE", "ADD",
    "MOVE", "COPY", "WITH", "wıth", "DATA", "SERVICE", "serv", "ice", "\\u0053ERVICE",
    "\\u0046ROM", "\\", "1", "@en", "^^", "ſelect", "ﬀrom", "ﬁ"])


@settings(max_examples=4000, deadline=None, derandomize=True)
@given(st.lists(st.tuples(_GUARD_PIECES, st.sampled_from(SEPARATORS)), max_size=12))
def test_the_guard_gives_the_old_verdicts_on_generated_queries(
        pieces: list[tuple[str, str]]) -> None:
    text = "".join(piece + sep for piece, sep in pieces)
    assert _verdict(check_query, text) == _verdict(_check_by_every_token, text)


# -- the lookup shape -------------------------------------------------------------------------

def test_the_plain_lookup_agrees_with_the_parser_on_the_corpus() -> None:
    for text in _corpus():
        form = plain_lookup(text)
        assert form is None or form == _parsed(text), text


def test_the_usual_lookups_take_the_plain_path() -> None:
    """Not vacuous: the one-pattern lookups of programs (and of bench/serve.py) are
    recognised without the parser."""
    usual = [LOOKUPS[0], LOOKUPS[1], LOOKUPS[2], LOOKUPS[4], LOOKUPS[5],
             'SELECT ?s WHERE { ?s <http://e/label> "a \\"quoted\\" name" }',
             "PREFIX e: <http://e/> prefix : <http://f/>\nSELECT DISTINCT ?o WHERE {\n"
             "  e:s a ?o .\n} LIMIT 10",
             "ask where{?s e:p e:}", "SELECT * { $s ?p 'x' }".replace("'x'", '"x"^^e:t')]
    for text in usual:
        assert plain_lookup(text) == _parsed(text) and plain_lookup(text) is not None, text


_SUBJECTS = ["?s", "$s", "<http://e/a>", "e:a", "e:", ":", "e:a_1", "?s2"]
_PREDICATES = ["?p", "<http://e/p>", "e:p", "a", "?s"]
_OBJECTS = ["?o", "$o", "?s", "<http://e/o>", "e:o", '"x"', '"x"@en', '"x"@en-US', '"x"^^e:t',
            '"x"^^<http://e/t>', '"a \\"b\\" c"', '""', '"é"@fr']
_GLUE = [" ", " ", " ", "  ", "\n", "\t", "\r\n", ""]
_ODD = ["?1", "?s?o", "<a b>", "<>", "e:a-b", "e:a.b", "e:é", "é:a", "_:b", "[]", "A", "5",
        "-1", '"x"@', '"x"@en-', '"x"^^a', '"x"^^?t', "'x'", '"""x"""', "(", ")", ".", ";",
        ",", "{", "}", "#c\n", "#", "'", '"', "@", "^", "-", "a", "ſ", "ı", "LIMIT", "DISTINCT",
        "FILTER", "OPTIONAL", "BASE <e>", "\r", "\u2028", "\x0b", "\u00a0", "\\u0041", "*",
        "WHERE", "SELECT", "ASK", "PREFIX", "$", "?", ":", "0123456789"]


@st.composite
def near_lookups(draw: st.DrawFn) -> str:
    """A lookup, or a query of one of the near shapes (several patterns, glued tokens), with
    at most a few characters inserted, removed or replaced."""
    words: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        words += [draw(st.sampled_from(["PREFIX", "prefix"])),
                  draw(st.sampled_from(["e:", ":", "ab_1:"])), "<http://e/>"]
    subject = draw(st.sampled_from(_SUBJECTS))
    patterns = [subject, draw(st.sampled_from(_PREDICATES)), draw(st.sampled_from(_OBJECTS))]
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        joint = draw(st.sampled_from([";", ",", ".", "."]))
        patterns += [joint] + ([draw(st.sampled_from([subject, *_SUBJECTS]))]
                               if joint == "." else []) + \
            ([draw(st.sampled_from(_PREDICATES))] if joint != "," else []) + \
            [draw(st.sampled_from(_OBJECTS))]
    variables = sorted({word for word in patterns if word[0] in "?$"})
    if draw(st.booleans()):
        words.append(draw(st.sampled_from(["SELECT", "select", "SeLeCt"])))
        if draw(st.booleans()):
            words.append(draw(st.sampled_from(["DISTINCT", "distinct"])))
        words += ["*"] if draw(st.booleans()) or not variables else \
            draw(st.lists(st.sampled_from([*variables, "?x"]), min_size=1, max_size=3,
                          unique=True))
    else:
        words.append(draw(st.sampled_from(["ASK", "ask"])))
    if draw(st.booleans()):
        words.append(draw(st.sampled_from(["WHERE", "where"])))
    words += ["{", *patterns] + (["."] if draw(st.booleans()) else []) + ["}"]
    if draw(st.booleans()):
        words += ["LIMIT", draw(st.sampled_from(["5", "10", "1234567890", "05"]))]
    text = "".join(word + draw(st.sampled_from(_GLUE)) for word in words)
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 3))
        text = text[:at] + draw(st.sampled_from(["", *_ODD])) + text[at + cut:]
    return text


@settings(max_examples=6000, deadline=None, derandomize=True)
@given(near_lookups())
def test_the_plain_lookup_agrees_with_the_parser_on_generated_near_lookups(text: str) -> None:
    form = plain_lookup(text)
    assert form is None or form == _parsed(text)
    assert lookup_shape(text) == _parsed(text)


def test_generated_near_lookups_take_both_paths() -> None:
    """Not vacuous: the generator makes lookups the plain path takes, lookups only the
    parser takes, and queries neither takes."""
    seen: set[tuple[bool, bool]] = set()

    @settings(max_examples=3000, deadline=None, derandomize=True)
    @given(near_lookups())
    def sort(text: str) -> None:
        seen.add((plain_lookup(text) is not None, _parsed(text) is not None))

    sort()
    assert seen == {(True, True), (False, True), (False, False)}


# -- form values ------------------------------------------------------------------------------

_FORM_CHARS = st.sampled_from([*"%+=&_ aZ09fFgG\r\n\t\x00\x7fé€",
                               "%20", "%2B", "%3D", "%25", "%C3%A9", "%e2%82%ac", "%ff", "%0",
                               "%0D%0A", "%3d", "%Ab", "%%", "%\r\n", "=\n", "=41"])


@settings(max_examples=4000, deadline=None, derandomize=True)
@given(st.lists(_FORM_CHARS, max_size=20).map("".join))
def test_form_values_decode_as_unquote_plus_decodes_them(value: str) -> None:
    assert unquote_plus(value) == urllib.parse.unquote_plus(value)


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(st.text(max_size=60))
def test_quoted_queries_come_back_whole(text: str) -> None:
    quoted = urllib.parse.quote_plus(text, safe="")
    assert unquote_plus(quoted) == urllib.parse.unquote_plus(quoted)
    assert unquote_plus(quoted) == text


@pytest.mark.parametrize("value", ["SELECT%20%3Fs", "a+b%2Bc", "%C3%A9t%C3%A9", "no-escape",
                                   "100%", "%zz", "a=b", "%E2%82"])
def test_form_value_examples(value: str) -> None:
    assert unquote_plus(value) == urllib.parse.unquote_plus(value)
