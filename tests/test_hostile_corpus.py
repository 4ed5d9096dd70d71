"""A hostile corpus: the five samples mixed with more than forty kinds of bad input.

Every bad file is named with its reason (in summary.txt and build.json), nothing crashes,
and the samples' facts are exactly those of a clean build. Inputs are made in a temporary
folder; the 50 MB file is sparse (made in no time, never read)."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import iris
from graph.builder import build_graph
from graph.errors import InputError
from graph.reading import read_corpus
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow

PROSE = ("Lawyers for the family said the transfer happened at night and that nobody was "
         "told where the men were taken.")
NESTED = "[" * 5000 + "]" * 5000
ALIAS_BOMB = ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
              "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c]\n"
              "title: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n")
XML_BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
            '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>')


def front(meta: str) -> str:
    return f"---\n{meta}\n---\n{PROSE} (front matter: {len(meta)}, {zlib.crc32(meta.encode())})\n"


def sparse(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        handle.truncate(size)


def docx_with_entities(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", XML_BOMB + "<Types/>")
        archive.writestr("word/document.xml", XML_BOMB + "<w:document>&lol4;</w:document>")


# name -> (how to make it, a word of the reason it must be reported with, or None: reads)
Maker = Callable[[Path], None]


def text(content: str | bytes) -> Maker:
    def make(path: Path) -> None:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return make


def link(target: str) -> Maker:
    return lambda path: path.symlink_to(target)


KINDS: dict[str, tuple[Maker, str | None]] = {
    "binary.txt": (text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8),
                   "binary"),
    "nul-in-middle.txt": (text(f"{PROSE}\x00\x00\x00{PROSE}".encode()), "binary"),
    "random-bytes.txt": (text(bytes((i * 7919) % 256 for i in range(5000))), "binary"),
    "invalid-utf8.txt": (text(PROSE.encode() + b" \xff\xfe\xfd " + PROSE.encode()),
                         "not valid UTF-8"),
    "damaged-utf8.txt": (text(f"Caf\u00e9 \u2018{PROSE}\u2019".encode() + b" \xff "
                              + f"\u201c{PROSE}\u201d".encode()), "replacement characters"),
    "utf16-bom.txt": (text((PROSE + " (UTF-16 with BOM)").encode("utf-16")), None),
    "utf16-no-bom.txt": (text((PROSE + " (UTF-16 without BOM)").encode("utf-16-le")),
                         "UTF-16"),
    "windows-1252.txt": (text(f"The group\u2019s \u201cappeal\u201d: {PROSE}".encode("cp1252")),
                         "charset-normalizer"),
    "empty.txt": (text(b""), "empty file"),
    "whitespace.txt": (text(" \n\t\n   \n"), "no text left"),
    "huge-50mb.txt": (lambda p: sparse(p, 50_000_000), "larger than 20 MB"),
    "one-line-5mb.txt": (text("word " * 1_000_000), "more than the 4,000,000"),
    # over a million characters is read in sections (tests/test_long_documents.py); over
    # four million is more than one document may bring
    "long-4.7m-chars.md": (text((PROSE + "\n") * 40_000), "more than the 4,000,000"),
    "fifo.txt": (lambda p: os.mkfifo(p), "not a regular file"),
    "link-outside.txt": (link("/etc/hostname"), "outside the corpus"),
    "loop-a.txt": (link("loop-b.txt"), "loops or leads nowhere"),
    "loop-b.txt": (link("loop-a.txt"), "loops or leads nowhere"),
    "self-loop.txt": (link("self-loop.txt"), "loops or leads nowhere"),
    "dangling.txt": (link("no-such-file.txt"), "loops or leads nowhere"),
    "link-to-sample.txt": (link("2024-yonhap-upr-china.txt"), "same text as"),
    "00-copy-of-sample.txt": (lambda p: shutil.copy(CORPUS / "2024-yonhap-upr-china.txt", p),
                              "same text as"),
    "space in name.txt": (text(PROSE + " (space)"), None),
    "quote'and\"name.txt": (text(PROSE + " (quotes)"), None),
    "new\nline.txt": (text(PROSE + " (newline)"), None),
    "-leading-dash.txt": (text(PROSE + " (dash)"), None),
    "ünïcødé-名前.txt": (text(PROSE + " (unicode name)"), None),
    "script.html": (text("<html><body><script>document.write('INJECTED')</script>"
                         f"<p>{PROSE} (html with script)</p><p>{PROSE}</p>"
                         "<img src=x onerror=alert(1)></body></html>"), None),
    "only-script.html": (text("<html><script>var a = 1;</script></html>"), "no text left"),
    "xml-bomb.html": (text(XML_BOMB + f"<html><body><p>&lol4; {PROSE}</p></body></html>"),
                      None),
    "broken-markup.html": (text(f"<p><b><i>{PROSE} <div <<<>>> </td></tr><p"), None),
    "deep-nesting.html": (text("<div>" * 20_000 + PROSE + "</div>" * 20_000), None),
    "yaml-alias-bomb.md": (text(front(ALIAS_BOMB)), "aliases are not allowed"),
    "yaml-deep-nesting.md": (text(front("title: " + NESTED)), "front matter"),
    "front-impossible-date.md": (text(front("date: 2023-02-30")), "implausible"),
    "front-month-13.md": (text(front("date: 2023-13-01")), "implausible"),
    "front-hour-25.md": (text(front("date: 2023-01-01T25:00:00")), "implausible"),
    "front-5000-digits.md": (text(front("date: " + "9" * 5000)), "front matter date"),
    "front-huge-title.md": (text(front("title: " + "x" * 30_000)), "front matter"),
    "front-malformed.md": (text(front("title: [unclosed")), "malformed YAML"),
    "header-year-9999.txt": (text(f"Date: 9999-12-31\n\n{PROSE} (year 9999)\n"),
                             "implausible"),
    "header-year-0.txt": (text(f"Date: 0000-01-01\n\n{PROSE} (year 0)\n"), "implausible"),
    "header-huge-title.txt": (text(f"Title: {'t' * 5000}\n\n{PROSE} (long title)\n"),
                              "longer than"),
    "absurd-dates-in-text.txt": (text(f"On 31 December 9999 and on 0 January 0, {PROSE}\n"),
                                 None),
    "korean.txt": (text("중국 당국은 탈북민 가족을 새벽에 강을 건너 돌려보냈다고 인권 단체가 "
                        "밝혔다.\n"), "Korean"),
    "chinese.txt": (text("人权组织说，边境警察在黎明前把一家四口遣返过河。\n" * 2), "Chinese"),
    "euc-kr.txt": (text("중국 당국은 탈북민 가족을 새벽에 돌려보냈다고 단체가 "
                        "밝혔다.\n".encode("euc-kr")), "Korean"),
    "fake.pdf": (text(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF"), "PDF"),
    "not-a-zip.docx": (text(b"PK\x03\x04 truncated"), "unreadable .docx"),
    "entity-bomb.docx": (docx_with_entities, "entity"),
    "image.jpg": (text(b"\xff\xd8\xff\xe0 JFIF"), "not a document format"),
    "README": (text("no suffix"), "not a document format"),
}


def make_hostile_corpus(folder: Path) -> None:
    shutil.copytree(CORPUS, folder)
    for name, (make, _reason) in KINDS.items():
        make(folder / name)
    bad_name = os.fsencode(folder) + b"/bad-\xff-name.txt"
    with open(bad_name, "wb") as handle:
        handle.write(PROSE.encode())
    (folder / "sub").mkdir()
    (folder / "sub" / "nested.md").write_text(f"# Nested\n\n{PROSE} (nested)\n",
                                             encoding="utf-8")
    (folder / "linked-folder").symlink_to(folder / "sub")
    # sources.yaml: the samples' entries kept, hostile entries added
    sources = (CORPUS / "sources.yaml").read_text(encoding="utf-8")
    sources += f"""
  - file: header-year-0.txt
    date: "2023-02-30"
    titel: a typo
  - file: space in name.txt
    date: {"9" * 5000}
    title: {"y" * 3000}
  - file: -leading-dash.txt
    publisher: [a, list]
  - file: missing.txt
"""
    (folder / "sources.yaml").write_text(sources, encoding="utf-8")


EXTRA_REASONS = {
    "bad-\\xff-name.txt": "not valid UTF-8",
    "linked-folder": "not followed",
    "missing.txt": "names no document",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    make_hostile_corpus(corpus)
    out = root / "out"
    build_graph(corpus, out, jobs=1)
    return corpus, out


def test_hostile_corpus_has_forty_kinds() -> None:
    assert len(KINDS) + len(EXTRA_REASONS) + 4 >= 40  # + 4 kinds of bad sources.yaml entry


def test_hostile_every_bad_file_is_named_with_its_reason(hostile: tuple[Path, Path]) -> None:
    _corpus, out = hostile
    record = json.loads((out / "build.json").read_text(encoding="utf-8"))
    reasons: dict[str, list[str]] = {}
    for problem in record["input_problems"]:
        reasons.setdefault(problem["file"], []).append(problem["reason"])
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    expected = {name: reason for name, (_make, reason) in KINDS.items() if reason}
    for name, word in expected.items():
        assert any(word in r for r in reasons.get(name, [])), (name, reasons.get(name))
        assert f"{name}: " in summary or f"{name!r}" in summary, name
    assert any("not valid UTF-8" in r for r in reasons["bad-\\xff-name.txt"])
    assert any("not followed" in r for r in reasons["linked-folder"])
    sources = reasons["sources.yaml"]
    assert any("'missing.txt' names no document" in r for r in sources)
    assert any("does not exist" in r for r in reasons["header-year-0.txt"])
    assert any("unknown key 'titel'" in r for r in reasons["header-year-0.txt"])
    assert any("date is longer than 2,000" in r for r in reasons["space in name.txt"])
    assert any("title is longer than 2,000" in r for r in reasons["space in name.txt"])
    assert any("not a single value" in r for r in reasons["-leading-dash.txt"])


def test_hostile_readable_oddities_are_documents(hostile: tuple[Path, Path]) -> None:
    _corpus, out = hostile
    record = json.loads((out / "build.json").read_text(encoding="utf-8"))
    built = {d["file"] for d in record["documents"]}
    readable = {name for name, (_make, reason) in KINDS.items()
                if reason is None or reason in ("replacement characters", "UTF-16",
                                                "not valid UTF-8",
                                                "charset-normalizer", "implausible",
                                                "longer than", "Korean", "Chinese",
                                                "aliases are not allowed", "front matter",
                                                "malformed YAML")}
    assert readable <= built, readable - built
    assert "sub/nested.md" in built
    assert not built & {"binary.txt", "empty.txt", "fifo.txt", "00-copy-of-sample.txt",
                        "link-to-sample.txt", "huge-50mb.txt", "fake.pdf"}


def _document_graphs(trig: Path, doc_ids: set[str]) -> dict[str, set[str]]:
    names = {iris.document_graph(d): d for d in doc_ids}
    graphs: dict[str, set[str]] = {d: set() for d in doc_ids}
    for quad in ox.parse(path=trig, format=ox.RdfFormat.TRIG):
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        if name in names:
            graphs[names[name]].add(str(ox.Quad(quad.subject, quad.predicate, quad.object)))
    return graphs


def test_hostile_samples_facts_identical_to_a_clean_build(
        hostile: tuple[Path, Path], sample_build: Path) -> None:
    _corpus, out = hostile
    samples = {d.doc_id for d in read_corpus(CORPUS).documents}
    clean = _document_graphs(sample_build / "graph.trig", samples)
    mixed = _document_graphs(out / "graph.trig", samples)
    assert all(clean.values()) and mixed == clean
    record = json.loads((out / "build.json").read_text(encoding="utf-8"))
    clean_record = json.loads((sample_build / "build.json").read_text(encoding="utf-8"))
    assert [d for d in record["documents"] if d["sha256"] in samples] == \
        clean_record["documents"]


def test_hostile_strict_fails_naming_the_files(hostile: tuple[Path, Path],
                                               tmp_path: Path) -> None:
    corpus, _out = hostile
    with pytest.raises(InputError, match=r"strict build: \d+ bad input file\(s\): .*README"):
        build_graph(corpus, tmp_path / "strict-out", strict=True)
    assert not (tmp_path / "strict-out" / "graph.ttl").exists()


def test_hostile_sources_yaml_alias_bomb_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PROSE + "\n", encoding="utf-8")
    (tmp_path / "sources.yaml").write_text(
        ALIAS_BOMB + "documents:\n  - file: a.txt\n    title: *d\n", encoding="utf-8")
    reading = read_corpus(tmp_path)
    assert [d.file_name for d in reading.documents] == ["a.txt"]
    assert reading.documents[0].title is None
    (problem,) = reading.problems
    assert problem.file == "sources.yaml" and "aliases are not allowed" in problem.reason


def test_hostile_sources_yaml_deep_nesting_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PROSE + "\n", encoding="utf-8")
    (tmp_path / "sources.yaml").write_text(f"documents: {NESTED}\n", encoding="utf-8")
    (problem,) = read_corpus(tmp_path).problems
    assert "nested more than" in problem.reason


def test_hostile_empty_corpus_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no documents"):
        build_graph(tmp_path / "empty", tmp_path / "out")
    only_bad = tmp_path / "bad"
    only_bad.mkdir()
    (only_bad / "x.txt").write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputError, match=r"no readable document; x.txt: binary"):
        build_graph(only_bad, tmp_path / "out")
