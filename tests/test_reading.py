"""Reading documents: graph.reading (normalisation, metadata, markup, bad input)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
import yaml

from graph.errors import InputError
from graph.facts import UNKNOWN_DATE, DateValue
from graph.reading import (
    BOILERPLATE_LINES,
    CorpusReading,
    InputProblem,
    read_corpus,
    read_document,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

BODY = "Officials said the returns began on Monday and continued all week.\n"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def problems_for(reading: CorpusReading, name: str) -> list[str]:
    return [p.reason for p in reading.problems if p.file == name]


# --- the sample corpus ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus() -> CorpusReading:
    return read_corpus(CORPUS)


def sources_entries() -> list[dict[str, object]]:
    data = yaml.safe_load((CORPUS / "sources.yaml").read_text(encoding="utf-8"))
    return list(data["documents"])


def test_reading_sample_corpus_reads_every_document(corpus: CorpusReading) -> None:
    names = sorted(p.name for p in CORPUS.glob("*.txt"))
    assert [d.file_name for d in corpus.documents] == names
    assert corpus.problems == ()


@pytest.mark.parametrize("entry", sources_entries(), ids=lambda e: str(e["file"]))
def test_reading_sample_corpus_metadata_from_sources_yaml(
    corpus: CorpusReading, entry: dict[str, object]
) -> None:
    (document,) = [d for d in corpus.documents if d.file_name == entry["file"]]
    assert document.title == entry["title"]
    assert document.publisher == entry["publisher"]
    assert document.kind == entry["kind"]
    assert document.language == entry["language"]
    if entry["date"] is None:
        # no date in sources.yaml: only the file's own header or a dated dateline may give one
        assert document.date == UNKNOWN_DATE or document.date.known
    else:
        iso = str(entry["date"])
        precision = {4: "year", 7: "month", 10: "day"}[len(iso)]
        assert (document.date.iso, document.date.precision) == (iso, precision)


def test_reading_sample_corpus_ids_are_hashes_of_the_stored_text(corpus: CorpusReading) -> None:
    for document in corpus.documents:
        assert document.doc_id == hashlib.sha256(document.text.encode("utf-8")).hexdigest()
    assert len({d.doc_id for d in corpus.documents}) == len(corpus.documents)


@pytest.mark.parametrize(
    "line",
    ["Skip to main content", "scroll to top", "Most Viewed",
     "HOME > Main Activities > Press Releases", "Get Informed, Stay Inspired",
     "Region / Country", "File"],
)
def test_reading_sample_corpus_drops_site_chrome(corpus: CorpusReading, line: str) -> None:
    for document in corpus.documents:
        assert line not in document.text.split("\n")


def test_reading_sample_corpus_drops_donation_appeals(corpus: CorpusReading) -> None:
    for document in corpus.documents:
        lines = document.text.split("\n")
        assert not any(ln.startswith("Your tax deductible gift") for ln in lines)


def test_reading_sample_corpus_keeps_every_other_line(corpus: CorpusReading) -> None:
    """Nothing but boilerplate is lost, and quotes, apostrophes and dashes stay as written."""
    for document in corpus.documents:
        raw = (CORPUS / document.file_name).read_text(encoding="utf-8")
        stored = set(document.text.split("\n"))
        dropped = [ln for ln in raw.split("\n") if ln.strip() and ln.rstrip() not in stored]
        assert len(dropped) <= 6, dropped
        for char in "’‘“”—–":
            assert document.text.count(char) == raw.count(char)


def test_reading_sample_corpus_text_is_normalised(corpus: CorpusReading) -> None:
    for document in corpus.documents:
        text = document.text
        assert unicodedata.is_normalized("NFC", text)
        assert "\r" not in text and "\u00a0" not in text and "\n\n\n" not in text
        assert all(ln == ln.rstrip() for ln in text.split("\n"))
        assert text.endswith("\n") and not text.startswith("\n")


def test_reading_sample_corpus_is_stable(corpus: CorpusReading) -> None:
    again = read_corpus(CORPUS)
    assert again == corpus


def test_reading_hashes_do_not_depend_on_hash_seed() -> None:
    code = ("from pathlib import Path; from graph.reading import read_corpus; "
            f"print([d.doc_id for d in read_corpus(Path({str(CORPUS)!r})).documents])")
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(outputs) == 1


# --- bad input ------------------------------------------------------------------------------

def test_reading_binary_file_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, "good.txt", BODY)
    write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    reading = read_corpus(tmp_path)
    assert [d.file_name for d in reading.documents] == ["good.txt"]
    assert problems_for(reading, "image.txt") == ["binary file (NUL bytes), skipped"]


def test_reading_invalid_utf8_is_decoded_with_replacement(tmp_path: Path) -> None:
    data = "Caf\u00e9 owners said \u2018no\u2019. ".encode() + b"\xff\xfe bad. " + BODY.encode()
    write(tmp_path, "damaged.txt", data)
    reading = read_corpus(tmp_path)
    (document,) = reading.documents
    assert "\ufffd" in document.text and "\u2018no\u2019" in document.text
    (reason,) = problems_for(reading, "damaged.txt")
    offset = data.index(b"\xff")
    assert reason == f"not valid UTF-8 at byte {offset}; decoded with replacement characters"
    assert reason in document.warnings


def test_reading_windows_1252_is_recognised(tmp_path: Path) -> None:
    write(tmp_path, "legacy.txt", "The group\u2019s \u201cappeal\u201d failed.\n".encode("cp1252"))
    reading = read_corpus(tmp_path)
    (document,) = reading.documents
    assert document.text == "The group\u2019s \u201cappeal\u201d failed.\n"
    (reason,) = problems_for(reading, "legacy.txt")
    # charset-normalizer may name Windows-1250 or -1252: both decode these bytes alike
    assert "decoded as Windows-125" in reason and "charset-normalizer" in reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file, skipped"),
        (b"  \n\n\t \n", "no text left after removing markup and boilerplate, skipped"),
        (b"Skip to main content\nShare this\n", "no text left after removing markup and "
         "boilerplate, skipped"),
        (b"Title: Only a header\nDate: 2023-10-13\n", "no text left after removing markup and "
         "boilerplate, skipped"),
    ],
)
def test_reading_empty_files_are_skipped(tmp_path: Path, content: bytes, reason: str) -> None:
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "b.txt", content)
    reading = read_corpus(tmp_path)
    assert [d.file_name for d in reading.documents] == ["a.txt"]
    assert problems_for(reading, "b.txt") == [reason]


def test_reading_oversized_file_is_skipped_without_reading_it(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", BODY)
    with (tmp_path / "huge.txt").open("wb") as handle:
        handle.truncate(52_400_000)  # sparse: no 50 MB written to disk
    started = time.monotonic()
    reading = read_corpus(tmp_path)
    assert time.monotonic() - started < 5
    assert [d.file_name for d in reading.documents] == ["a.txt"]
    assert problems_for(reading, "huge.txt") == ["larger than 20 MB (52.4 MB), skipped"]


def test_reading_max_bytes_is_configurable(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "x" * 2000 + "\n")
    reading = read_corpus(tmp_path, max_bytes=1000)
    assert reading.documents == ()
    assert problems_for(reading, "a.txt") == ["larger than 0.001 MB (0.0 MB), skipped"]


def test_reading_read_document_raises_input_error_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "blob.txt", b"ab\x00cd")
    with pytest.raises(InputError, match=r"blob\.txt: binary file"):
        read_document(path)
    with pytest.raises(InputError, match=r"missing\.txt"):
        read_document(tmp_path / "missing.txt")


def test_reading_missing_corpus_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="corpus folder not found"):
        read_corpus(tmp_path / "nowhere")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_reading_named_pipe_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    write(tmp_path, "a.txt", BODY)
    reading = read_corpus(tmp_path)  # would block forever if the pipe were opened
    assert [d.file_name for d in reading.documents] == ["a.txt"]
    assert problems_for(reading, "pipe.txt") == ["not a regular file, skipped"]


def test_reading_links_outside_the_corpus_are_skipped(tmp_path: Path) -> None:
    outside = write(tmp_path, "secret.txt", "private words\n")
    corpus = tmp_path / "corpus"
    write(corpus, "a.txt", BODY)
    (corpus / "leak.txt").symlink_to(outside)
    write(corpus, "real.txt", BODY + "More.\n")
    (corpus / "alias.txt").symlink_to(corpus / "real.txt")
    reading = read_corpus(corpus)
    # the link inside the corpus has the same text as its target: one document, the file
    assert [d.file_name for d in reading.documents] == ["a.txt", "real.txt"]
    assert problems_for(reading, "leak.txt") == [
        "symbolic link to a file outside the corpus folder, skipped"]
    assert problems_for(reading, "alias.txt") == [
        "same text as 'real.txt': read once, as 'real.txt' with its metadata"]


def test_reading_hostile_html_is_harmless(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Page title</title><script>alert(1)</script>"
        "<style>body{display:none}</style></head><body>"
        "<nav>Skip to main content</nav><h1>Guards return detainees</h1>"
        "<p>Guards returned the detainees to the border on Monday, a monitor said today.</p>"
        "<img src=x onerror=alert(1)><p onclick=\"alert(2)\">The monitor counted the people "
        "and <script>document.write('injected')</script>wrote down every name it heard.</p>"
        "<footer>All rights reserved</footer></body></html>"
    )
    write(tmp_path, "page.html", page)
    (document,) = read_corpus(tmp_path).documents
    assert "Guards returned the detainees" in document.text
    for bad in ("alert", "onerror", "injected", "display:none", "<", "All rights reserved"):
        assert bad not in document.text
    assert document.title == "Guards return detainees"
    assert document.media_type == "text/html"


def test_reading_deeply_nested_html_does_not_hang(tmp_path: Path) -> None:
    depth = 60_000
    page = ("<html><body>" + "<div>" * depth + "<p>Words at the bottom of a very deep page "
            "are still words.</p>" + "</div>" * depth + "<b>" * depth + "</body></html>")
    write(tmp_path, "deep.htm", page)
    started = time.monotonic()
    reading = read_corpus(tmp_path)
    assert time.monotonic() - started < 30
    (document,) = reading.documents
    assert "Words at the bottom of a very deep page are still words." in document.text


def test_reading_html_title_falls_back_to_title_tag(tmp_path: Path) -> None:
    write(tmp_path, "t.html", "<html><head><title>Only a title</title></head><body><p>"
          + BODY + "</p></body></html>")
    (document,) = read_corpus(tmp_path).documents
    assert document.title == "Only a title"
    assert document.text == BODY


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("version: [1, 2\ndocuments: []\n", 2),
        ("documents:\n  - file: a.txt\n    title: \"unclosed\n", 4),
        ("documents:\n\t- file: a.txt\n", 2),
    ],
)
def test_reading_malformed_sources_yaml_is_reported(
    tmp_path: Path, content: str, line: int
) -> None:
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "sources.yaml", content)
    reading = read_corpus(tmp_path)
    assert [d.file_name for d in reading.documents] == ["a.txt"]
    (reason,) = problems_for(reading, "sources.yaml")
    assert reason.startswith("malformed YAML at line ")
    assert f"line {line} " in reason and reason.endswith("metadata ignored")


def test_reading_sources_yaml_entries_are_checked(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "b.txt", "Date: 2021-05-02\n\nB. " + BODY)
    write(tmp_path, "c.txt", "C. " + BODY)
    write(tmp_path, "sources.yaml", """\
# comment lines are fine
documents:
  - file: a.txt
    title: A title
    date: 2023-10-13
  - publisher: Nobody
  - file: b.txt
    date: "May 2021"
    titel: typo
  - file: a.txt
    title: Second entry
  - file: gone.txt
  - just a string
  - file: c.txt
    date: 2024
    publisher: [a, list]
    url: null
""")
    reading = read_corpus(tmp_path)
    a, b, c = reading.documents
    assert a.title == "A title" and a.date == DateValue("2023-10-13", "day", "2023-10-13")
    assert b.date.iso == "2021-05-02"  # the bad ISO date gives way to the header date
    assert c.date.iso == "2024" and c.date.precision == "year" and c.publisher is None
    assert problems_for(reading, "sources.yaml") == [
        "sources.yaml entry 2 has no 'file' key, ignored",
        "sources.yaml entry 4 repeats 'a.txt', ignored (the first entry is used)",
        "sources.yaml entry 6 is not a mapping, ignored",
        "entry for 'gone.txt' names no document in the corpus, ignored",
    ]
    assert problems_for(reading, "b.txt") == [
        "sources.yaml entry 3: date 'May 2021' is not ISO (yyyy, yyyy-mm or yyyy-mm-dd), "
        "ignored",
        "sources.yaml entry 3: unknown key 'titel', ignored",
    ]
    assert problems_for(reading, "c.txt") == [
        "sources.yaml entry 7: publisher is not a single value, ignored"]


@pytest.mark.parametrize("content", ["", "# only a comment\n", "documents:\n", "- a\n- b\n",
                                     "documents: 3\n"])
def test_reading_empty_or_odd_sources_yaml(tmp_path: Path, content: str) -> None:
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "sources.yaml", content)
    reading = read_corpus(tmp_path)
    assert [d.file_name for d in reading.documents] == ["a.txt"]
    assert all("no 'documents:' list" in p.reason for p in reading.problems)


# --- metadata from the file -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("written", "iso", "precision"),
    [("October 13, 2023", "2023-10-13", "day"), ("2023-10-13", "2023-10-13", "day"),
     ("13 Oct 2023", "2023-10-13", "day"), ("Oct. 13, 2023", "2023-10-13", "day"),
     ("2023-10", "2023-10", "month"), ("March 2019", "2019-03", "month"),
     ("2019", "2019", "year")],
)
def test_reading_header_block(tmp_path: Path, written: str, iso: str, precision: str) -> None:
    path = write(tmp_path, "h.txt", f"Source: Example Monitor\nDATE: {written}\n"
                 "url: https://example.org/a\nTitle:  A headline \n\n" + BODY)
    document = read_document(path)
    assert document.text == BODY  # the header is metadata, not text
    assert document.date == DateValue(iso, precision, written)
    assert document.publisher == "Example Monitor"
    assert document.url == "https://example.org/a"
    assert document.title == "A headline"


def test_reading_header_source_url_and_publisher(tmp_path: Path) -> None:
    path = write(tmp_path, "h.txt", "Source: https://example.org/x\nPublisher: Example Times\n"
                 + BODY)
    document = read_document(path)
    assert (document.url, document.publisher) == ("https://example.org/x", "Example Times")
    assert document.text == BODY


def test_reading_header_with_unreadable_date(tmp_path: Path) -> None:
    write(tmp_path, "h.txt", "Date: sometime soon\n" + BODY)
    reading = read_corpus(tmp_path)
    (document,) = reading.documents
    assert document.date == UNKNOWN_DATE and document.text == BODY
    assert problems_for(reading, "h.txt") == [
        "header Date 'sometime soon' not understood or implausible, ignored"]


def test_reading_header_only_at_the_very_top(tmp_path: Path) -> None:
    text = "A first paragraph.\nDate: 2023-10-13\n"
    document = read_document(write(tmp_path, "h.txt", text))
    assert document.text == text and document.date == UNKNOWN_DATE


@pytest.mark.parametrize(
    ("first_line", "iso"),
    [
        ("SEOUL, SOUTH KOREA (Oct. 13, 2023) — Officials met.", "2023-10-13"),
        ("(New York, March 3, 2012) – Officials met.", "2012-03-03"),
        ("GENEVA (26 September 2023) - Officials met.", "2023-09-26"),
        ("BANGKOK, June 2, 2019 -- Officials met.", "2019-06-02"),
        ("SEOUL, Feb. 21 (Yonhap) -- Officials met.", None),  # no year: not usable alone
        ("(New York) - Officials met.", None),
        ("Officials met in 2019 - and again later.", None),  # a year alone is no dateline
    ],
)
def test_reading_dateline(tmp_path: Path, first_line: str, iso: str | None) -> None:
    document = read_document(write(tmp_path, "d.txt", "A headline\n\n" + first_line + "\n"))
    assert document.date.iso == iso


def test_reading_metadata_precedence(tmp_path: Path) -> None:
    content = ("Date: 2022-02-02\nTitle: Header title\n\n"
               "GENEVA (3 March 2021) - Officials met.\n")
    both = write(tmp_path, "both.txt", content)
    assert read_document(both).date.iso == "2022-02-02"  # header over dateline
    meta = {"date": "2020-01", "title": "Metadata title", "publisher": "Example"}
    document = read_document(both, meta)
    assert document.date == DateValue("2020-01", "month", "2020-01")  # sources.yaml over header
    assert document.title == "Metadata title" and document.publisher == "Example"
    dateline = write(tmp_path, "dl.txt", "GENEVA (3 March 2021) - Officials met.\n")
    assert read_document(dateline).date.iso == "2021-03-03"


def test_reading_metadata_date_objects_from_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", BODY)
    document = read_document(path, yaml.safe_load("date: 2023-10-13"))
    assert document.date == DateValue("2023-10-13", "day", "2023-10-13")
    assert read_document(path, {"date": 2019}).date == DateValue("2019", "year", "2019")
    odd = read_document(path, {"date": "yesterday"})
    assert odd.date == UNKNOWN_DATE and any("not ISO" in w for w in odd.warnings)


# --- normalisation --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        (b"\xef\xbb\xbfWith a BOM.\n", "With a BOM.\n"),
        ("UTF-16 text \u2019quoted\u2019.\n".encode("utf-16"), "UTF-16 text \u2019quoted\u2019.\n"),
        (b"Windows\r\nline\r\nends\r\n", "Windows\nline\nends\n"),
        (b"Old Mac\rline ends", "Old Mac\nline ends\n"),
        ("non\u00a0breaking\u2009thin\u202fspaces\n".encode(), "non breaking thin spaces\n"),
        ("e\u0301 composed\n".encode(), "\u00e9 composed\n"),
        ("zero\u200bwidth and soft\u00adhyphen\n".encode(), "zerowidth and softhyphen\n"),
        (b"trailing   \nspaces\t\n", "trailing\nspaces\n"),
        (b"one\n\n\n\n\ntwo\n\nthree\n", "one\n\ntwo\n\nthree\n"),
        (b"\n\n\nleading and trailing blank lines\n\n\n", "leading and trailing blank lines\n"),
        ("quotes \u2018a\u2019 \u201cb\u201d -- dash \u2014 stay\n".encode(),
         "quotes \u2018a\u2019 \u201cb\u201d -- dash \u2014 stay\n"),
        (b"control\x07 chars\x1b go\n", "control chars go\n"),
        (b"\ttabs stay\n", "\ttabs stay\n"),
    ],
)
def test_reading_normalisation(tmp_path: Path, raw: bytes, stored: str) -> None:
    assert read_document(write(tmp_path, "n.txt", raw)).text == stored


@pytest.mark.parametrize(
    "line",
    [
        "Skip to main content", "Skip navigation", "HOME > Main Activities > Press Releases",
        "Home > News", "News » Asia » Korea", "scroll to top", "Back to top", "Most Viewed",
        "Most Read", "Region / Country", "Get Informed, Stay Inspired",
        "Your tax deductible gift can help stop abuses around the world.", "Donate now",
        "DONATE", "Share this", "Share this article", "Share:", "Share on Facebook",
        "Subscribe to our newsletter", "Subscribe", "Sign up for our weekly newsletter",
        "Print", "Print this page", "File", "Download PDF", "Related Content",
        "Related Stories", "Read more", "Follow us on Twitter, Facebook and Instagram",
        "We use cookies to improve your experience. By continuing you accept our cookie policy.",
        "Accept all cookies", "All rights reserved.", "© 2024 Example News Ltd.",
        "Copyright © 2023 Example. All rights reserved.", "Privacy Policy", "Contact us",
        "Terms of Use", "Menu", "Search", "Advertisement", "| Print |",
        "Analysis · Example Monitor · 6 min read", "4 min read",
    ],
)
def test_reading_boilerplate_lines_are_dropped(tmp_path: Path, line: str) -> None:
    document = read_document(write(tmp_path, "b.txt", f"{line}\n{BODY}{line}\n"))
    assert document.text == BODY
    assert document.warnings == ("removed 2 boilerplate lines",)


@pytest.mark.parametrize(
    "line",
    [
        "Activists urged members to share the report with diplomats.",
        "Share prices fell after the announcement.",
        "The ministry said it would print the names of the returnees.",
        "File photos showed the detention centre.",
        "Most viewed the decision as a breach of international law.",
        "Related talks are expected next month.",
        "Copyright law was not at issue.",
        "He said the search for the missing continued.",
        "Readers can donate to the fund, the group said.",
        "If the count is > 100 the figure is doubtful.",
        "The region / country distinction matters for the treaty body, she said.",
    ],
)
def test_reading_real_sentences_are_kept(tmp_path: Path, line: str) -> None:
    assert read_document(write(tmp_path, "k.txt", line + "\n")).text == line + "\n"


def test_reading_boilerplate_patterns_are_generic() -> None:
    for pattern, limit in BOILERPLATE_LINES:
        assert isinstance(pattern, str) and 0 < limit <= 400


# --- Markdown -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("# A heading\n\nBody text.\n", "A heading\n\nBody text.\n"),
        ("## Second level ##\nBody.\n", "Second level\nBody.\n"),
        ("Some **bold**, *italic*, __strong__ and _light_ words.\n",
         "Some bold, italic, strong and light words.\n"),
        ("A [linked phrase](https://example.org/a \"title\") here.\n", "A linked phrase here.\n"),
        ("An image ![alt text](pic.png) gone.\n", "An image  gone.\n"),
        ("A [reference link][1].\n\n[1]: https://example.org\n", "A reference link.\n"),
        ("snake_case_names and 2 * 3 * 4 stay.\n", "snake_case_names and 2 * 3 * 4 stay.\n"),
        ("> A quoted line.\n", "A quoted line.\n"),
        ("- first item\n* second item\n+ third item\n", "first item\nsecond item\nthird item\n"),
        ("1. numbered items keep their numbers\n", "1. numbered items keep their numbers\n"),
        ("Text\n\n---\n\nMore text\n", "Text\n\nMore text\n"),
        ("Title\n=====\n\nBody.\n", "Title\n\nBody.\n"),
        ("Inline `code` and \\*escaped\\* stars.\n", "Inline code and *escaped* stars.\n"),
        ("```\nfenced code\n```\n", "fenced code\n"),
        ("Words <b>in tags</b> and <script>alert(1)</script>after.\n",
         "Words in tags and after.\n"),
        ("The group\u2019s \u201creport\u201d \u2014 out.\n",
         "The group\u2019s \u201creport\u201d \u2014 out.\n"),
        ("<https://example.org/page>\n", "https://example.org/page\n"),
    ],
)
def test_reading_markdown(tmp_path: Path, markdown: str, text: str) -> None:
    document = read_document(write(tmp_path, "m.md", markdown))
    assert document.text == text
    assert document.media_type == "text/markdown"


def test_reading_markdown_header_and_title(tmp_path: Path) -> None:
    path = write(tmp_path, "m.md", "Source: Example Monitor\nDate: 2024-02-14\n\n"
                 "# The headline\n\n*Analysis · Example Monitor · 5 min read*\n\n" + BODY)
    document = read_document(path)
    assert document.title == "The headline"
    assert document.date == DateValue("2024-02-14", "day", "2024-02-14")
    assert document.text == "The headline\n\n" + BODY


def test_reading_markdown_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path, "m.md", "---\ntitle: Front title\ndate: 2022-01-05\n---\n" + BODY)
    document = read_document(path)
    assert (document.title, document.date.iso, document.text) == (
        "Front title", "2022-01-05", BODY)


# --- the folder -----------------------------------------------------------------------------

def test_reading_folder_walk(tmp_path: Path) -> None:
    write(tmp_path, "b.txt", "B. " + BODY)
    write(tmp_path, "a.md", "A. " + BODY)
    write(tmp_path, "sub/deeper/c.htm", f"<html><body><p>C. {BODY}</p></body></html>")
    write(tmp_path, "UPPER.TXT", "Upper. " + BODY)
    write(tmp_path, ".hidden.txt", BODY)
    write(tmp_path, ".git/d.txt", BODY)
    write(tmp_path, "sub/.cache/e.txt", BODY)
    write(tmp_path, "data.csv", "a,b\n")
    write(tmp_path, "README", "no suffix")
    reading = read_corpus(tmp_path)
    assert [d.file_name for d in reading.documents] == [
        "UPPER.TXT", "a.md", "b.txt", "sub/deeper/c.htm"]
    # what is not hidden and not a document is named, not passed over in silence
    assert [p.file for p in reading.problems] == ["README", "data.csv"]
    assert all("not a document format rkg reads" in p.reason for p in reading.problems)


def test_reading_sources_yaml_metadata_for_subfolders(tmp_path: Path) -> None:
    write(tmp_path, "sub/a.txt", BODY)
    write(tmp_path, "sources.yaml", "documents:\n  - file: sub/a.txt\n    title: Nested\n")
    (document,) = read_corpus(tmp_path).documents
    assert document.title == "Nested" and document.file_name == "sub/a.txt"


def test_reading_read_document_defaults(tmp_path: Path) -> None:
    document = read_document(write(tmp_path, "plain.txt", BODY))
    assert document.file_name == "plain.txt"
    assert (document.title, document.publisher, document.url, document.kind) == (
        None, None, None, None)
    assert document.language == "en" and document.media_type == "text/plain"
    assert document.warnings == ()
    named = read_document(tmp_path / "plain.txt", file_name="x/plain.txt")
    assert named.file_name == "x/plain.txt" and named.doc_id == document.doc_id


def test_reading_problem_str_names_the_file() -> None:
    assert str(InputProblem("a.txt", "empty file, skipped")) == "a.txt: empty file, skipped"
