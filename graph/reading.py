"""Reading: documents in, `DocumentInfo` out.

`read_corpus(folder)` reads every document of a corpus folder (`.txt`, `.md`, `.html`/`.htm`,
recursively, hidden files and folders skipped) with the metadata of its `sources.yaml`;
`read_document(path)` reads one file. The stored text is normalised once here, and every
offset downstream points into it; `doc_id` is the SHA-256 of that text.

Bad input never stops a corpus: a file that cannot be used becomes an `InputProblem` naming
the file and saying what was done, and the rest still reads. Policies:

- Binary files (a NUL byte) are skipped. So are empty files, files larger than `max_bytes`,
  anything that is not a regular file, links that lead outside the corpus folder, and files
  left with no text once markup and boilerplate are removed.
- Text is UTF-8 (a BOM is dropped; a UTF-16 BOM is honoured). Invalid UTF-8 is decoded, not
  skipped: one damaged byte in a long article should not cost the article, and the
  replacement character (U+FFFD) marks the spot in the stored text, so quotes stay
  verbatim. If the file holds no valid multi-byte UTF-8 sequence at all it is taken to be
  Windows-1252 (the usual legacy encoding of Western web pages; it keeps ’ and “ ” that
  replacement would lose). Either way a problem is recorded.
- Metadata: `sources.yaml` wins over a header block at the top of the file (`Source:`,
  `Date:`, `URL:`, `Title:`, `Publisher:`), which wins over a dateline in the first lines
  ("GENEVA (26 September 2023) -"), field by field. A malformed `sources.yaml` is reported
  and ignored; documents still read.

Nothing is fetched: HTML is parsed offline, links are never followed. Output is
deterministic (files in sorted order, no clock, no randomness).
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

from graph.errors import DependencyError, InputError
from graph.facts import UNKNOWN_DATE, DateValue, DocumentInfo
from graph.readcache import ReadCache
from graph.readers.decoding import decode
from graph.readers.formats import docx_text, join_pages, pdf_pages
from graph.readers.language import detect_language
from graph.readers.metadata import MetadataError, date_value, load_yaml, text_value
from graph.text.dates import find_dates, parse_date
from graph.text.sections import SECTION_CHARS, section_bounds

__all__ = [
    "BOILERPLATE_LINES",
    "DOCUMENT_SUFFIXES",
    "MAX_BYTES",
    "CorpusReading",
    "InputProblem",
    "read_corpus",
    "read_document",
]

MAX_BYTES = 20_000_000
MAX_SOURCES_BYTES = 5_000_000
MAX_FRONT_MATTER = 20_000
MAX_FIELD_CHARS = 2_000  # a title, publisher or URL longer than this is not one
# the most text one document may bring (about 2,000 pages): longer ones are read in sections
# (graph/text/sections.py: spaCy itself stops at 1,000,000), so this bounds time, not memory
MAX_CHARS = 4_000_000
LANGUAGE_NAMES = {"ko": "Korean", "zh": "Chinese", "ja": "Japanese", "ru": "Russian",
                  "fr": "French", "de": "German", "es": "Spanish", "vi": "Vietnamese",
                  "th": "Thai", "lo": "Lao", "mn": "Mongolian", "my": "Burmese"}
SOURCES_FILE = "sources.yaml"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_SUFFIXES = {".txt": "text/plain", ".md": "text/markdown", ".html": "text/html",
                     ".htm": "text/html", ".pdf": PDF, ".docx": DOCX}
METADATA_KEYS = ("file", "publisher", "kind", "date", "title", "language", "url")


@dataclass(frozen=True, order=True)
class InputProblem:
    """Something wrong with one input file, and what was done about it."""

    file: str  # path relative to the corpus folder, POSIX style
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


@dataclass(frozen=True)
class CorpusReading:
    documents: tuple[DocumentInfo, ...]  # sorted by file name
    problems: tuple[InputProblem, ...]


# --- boilerplate ----------------------------------------------------------------------------

# Site chrome that is never part of an article: (pattern, longest line it may match). A line
# is dropped only when the whole stripped line matches, case-insensitively, so a sentence that
# merely contains "share" or "print" stays.
BOILERPLATE_LINES: tuple[tuple[str, int], ...] = (
    (r"skip (?:to|navigation)(?: (?:the )?(?:main )?(?:content|navigation|menu))?", 40),
    # breadcrumbs: "HOME > Main Activities > Press Releases", "Home > News"
    (r"(?:[^>»›.!?]{1,40}\s(?:>|»|›)\s){2,8}[^>»›.!?]{1,60}", 200),
    (r"home\s(?:>|»|›)\s[^.!?]{1,150}", 160),
    (r"(?:scroll|back|return|go) to (?:the )?top(?: of (?:the )?page)?", 30),
    (r"top of page", 20),
    (r"most (?:viewed|read|popular|shared|emailed)(?: (?:stories|articles|news))?", 30),
    (r"(?:trending|popular)(?: now| stories| posts| articles)?", 30),
    (r"regions? ?/ ?countr(?:y|ies)", 30),
    (r"(?:related|more|recommended|latest)(?: (?:content|articles?|stories|news|posts|links|"
     r"reading|from [\w ]{1,30}))?", 40),
    (r"(?:read|see|show) (?:more|also|all)", 20),
    (r"get informed,? stay inspired", 30),
    (r"your tax[- ]deductible (?:gift|donation) .*", 160),
    (r"(?:donate|give|support us|support our work)(?: (?:now|today|here|online))?", 30),
    (r"make a (?:tax[- ]deductible )?(?:donation|gift)(?: (?:now|today))?", 40),
    (r"share(?: (?:this|the))?(?: (?:article|page|story|post|on \w+))?", 30),
    (r"(?:share on |tweet|email|e-mail|facebook|twitter|x|linkedin|whatsapp|telegram|"
     r"reddit|copy link|copy url)(?: \w+)?", 25),
    (r"print(?: (?:this )?(?:page|article|story))?", 25),
    (r"download(?: (?:the )?(?:pdf|file|report))?|pdf|file|files|attachments?", 30),
    (r"subscribe(?: (?:now|today|here))?(?: to (?:our|the) (?:\w+ )?newsletters?)?", 50),
    (r"sign up (?:for|to) (?:our|the) (?:\w+ )?newsletters?.*", 80),
    (r"(?:our |the )?newsletters?", 20),
    (r"follow us(?: on [\w ,&|]+)?|connect with us|stay connected", 80),
    (r".*\b(?:we use cookies|this (?:web)?site uses cookies|cookie (?:policy|settings|"
     r"preferences|notice)|accept (?:all )?cookies)\b.*", 400),
    (r"(?:(?:©|\(c\)|copyright)\s*)?(?:\d{4}[\s,–-]*)*.*\ball rights reserved\b.*", 160),
    (r"(?:©|\(c\)|copyright\s*(?:©|\(c\))?\s*\d{4}).{0,100}", 120),
    (r"(?:privacy(?: policy| notice)?|terms (?:of|and) (?:use|service|conditions)|"
     r"contact(?: us)?|about us|site ?map|accessibility|cookies|legal notice|imprint)", 30),
    (r"(?:main )?menu|search|navigation|toggle navigation|open menu|close(?: menu)?|home", 20),
    (r"advertisement|sponsored(?: content)?", 20),
    # a by-line of site chrome: "Analysis · Example Monitor · 6 min read"
    (r"(?:[^.!?]{0,60}\s[·|•]\s)?\d{1,3}\s*min(?:ute)?s?\.? read", 100),
)
_BOILERPLATE = tuple(
    (re.compile(pattern, re.IGNORECASE), limit) for pattern, limit in BOILERPLATE_LINES
)


def _is_boilerplate(line: str) -> bool:
    stripped = line.strip().strip("|:·•").strip()
    if not stripped:
        return False
    return any(len(stripped) <= limit and regex.fullmatch(stripped)
               for regex, limit in _BOILERPLATE)


# --- normalisation --------------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
# Unicode spaces (category Zs) other than the plain space, and the tab stays a tab.
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters that only get in the way of matching: C0/C1 controls (not \t \n),
# zero-width space, word joiner, BOMs inside the text, soft hyphen, bidi marks.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u200e\u200f\u2060\ufeff]"
)
_BLANK_RUNS = re.compile(r"\n{3,}")


def _normalise(text: str) -> str:
    """NFC, \\n line ends, plain spaces; quotes, apostrophes and dashes are left as written."""
    text = _LINE_BREAKS.sub("\n", text)
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text)


def _tidy(lines: list[str]) -> tuple[str, int]:
    """Strip trailing spaces, drop boilerplate lines, collapse blank runs; (text, dropped)."""
    kept = []
    dropped = 0
    for line in lines:
        line = line.rstrip()
        if _is_boilerplate(line):
            dropped += 1
            continue
        kept.append(line)
    text = _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip("\n")
    return (text + "\n" if text else ""), dropped


# --- metadata -------------------------------------------------------------------------------

_HEADER_KEYS = ("source", "date", "url", "title", "publisher")
_HEADER_LINE = re.compile(r"(?i)\s*(source|date|url|title|publisher)\s*:\s*(.*?)\s*")
_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_URL = re.compile(r"(?i)https?://\S+")
_DATELINE_SPLIT = re.compile(r"\s(?:—|–|--|-)\s|\)\s*(?:—|–|--|-)")


# YAML's spellings of null: the base loader keeps them as strings
_YAML_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


def _check_entry(entry: dict[Any, Any], label: str) -> tuple[dict[str, Any], list[str]]:
    """One `sources.yaml` entry (or a caller's metadata dict): known keys, each one bounded
    string, the date a valid DateValue; (clean fields, problems)."""
    clean: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in entry.items():
        if key == "file":
            continue
        if key not in METADATA_KEYS:
            problems.append(f"{label}: unknown key {_shown(key)}, ignored")
            continue
        if value is None or (isinstance(value, str) and value.strip() in _YAML_NULLS):
            continue
        if key == "date" and isinstance(value, DateValue):  # checked already
            clean[key] = value
            continue
        if isinstance(value, (date, int, float)) and not isinstance(value, bool):
            value = value.isoformat() if isinstance(value, date) else str(value)
        try:
            text = text_value(key, value)
            if text is not None:
                clean[key] = date_value(text) if key == "date" else text
        except MetadataError as exc:
            problems.append(f"{label}: {exc}, ignored")
    return clean, problems


def _shown(value: object, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d")


def _parse_date(text: str, reference: DateValue = UNKNOWN_DATE) -> DateValue | None:
    """A written date ("26 September 2023", "2023-10"), None if not one or implausible."""
    if _ISO_DATETIME.match(text.strip()):
        try:  # a time of day is not kept, but it must exist (no hour 25)
            datetime.fromisoformat(text.strip())
        except ValueError:
            return None
    try:
        value = parse_date(text, reference)
    except (ValueError, OverflowError, RecursionError):
        return None
    if value is None or not value.known or value.iso is None:
        return None
    try:
        date_value(value.iso)
    except MetadataError:
        return None
    return value


def _header(lines: list[str]) -> tuple[dict[str, str], int]:
    """A block of `Key: value` lines at the very top; (fields, number of lines it takes)."""
    fields: dict[str, str] = {}
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    start = i
    while i < len(lines):
        m = _HEADER_LINE.fullmatch(lines[i])
        if m is None:
            break
        fields.setdefault(m.group(1).lower(), m.group(2))
        i += 1
    if i == start:
        return {}, 0
    return fields, i


def _header_metadata(fields: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    meta: dict[str, Any] = {}
    notes: list[str] = []
    source = fields.get("source", "")
    if fields.get("title"):
        meta["title"] = fields["title"]
    if fields.get("url"):
        meta["url"] = fields["url"]
    elif _URL.fullmatch(source):
        meta["url"] = source
    if fields.get("publisher"):
        meta["publisher"] = fields["publisher"]
    elif source and not _URL.fullmatch(source):
        meta["publisher"] = source
    if fields.get("date"):
        value = _parse_date(fields["date"])
        if value is not None:
            meta["date"] = DateValue(value.iso, value.precision, fields["date"])
        else:
            notes.append(f"header Date {_shown(fields['date'])} not understood or implausible, "
                         "ignored")
    for key in ("title", "url", "publisher"):
        if key in meta and len(meta[key]) > MAX_FIELD_CHARS:
            notes.append(f"header {key.title()} longer than {MAX_FIELD_CHARS:,} characters, "
                         "ignored")
            del meta[key]
    return meta, notes


def _dateline(text: str) -> DateValue | None:
    """A dated dateline among the first lines: "GENEVA (26 September 2023) -"."""
    for line in [ln for ln in text.split("\n") if ln.strip()][:5]:
        m = _DATELINE_SPLIT.search(line, 0, 120)
        if m is None:
            continue
        head = line[:m.end()]
        try:
            found = find_dates(head)
        except (ValueError, OverflowError, RecursionError):
            continue
        for match in found:
            if (match.kind == "absolute" and match.value.precision in ("day", "month")
                    and match.value.iso is not None
                    and _parse_date(match.value.iso) is not None):
                return match.value
    return None


# --- markup ---------------------------------------------------------------------------------

class _TextParser(HTMLParser):
    """Plain text, <title> and first <h1> of an HTML page; never runs or fetches anything."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head", "nav",
                       "footer", "header", "aside", "form", "button", "iframe", "object",
                       "select", "textarea", "canvas", "math"})
    _BLOCK = frozenset({"p", "div", "br", "li", "ul", "ol", "tr", "table", "section",
                        "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
                        "pre", "hr", "dd", "dt", "figcaption", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: str | None = None
        self.h1: str | None = None
        self._capture: str | None = None
        self._captured: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP and tag != "head":
            self.skip += 1
        if tag in self._BLOCK:
            self.parts.append("\n")
        if tag in ("title", "h1") and self._capture is None:
            self._capture, self._captured = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and tag != "head" and self.skip:
            self.skip -= 1
        if tag in self._BLOCK:
            self.parts.append("\n")
        if tag == self._capture:
            value = " ".join("".join(self._captured).split()) or None
            if tag == "title" and self.title is None:
                self.title = value
            if tag == "h1" and self.h1 is None:
                self.h1 = value
            self._capture = None

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            self._captured.append(data)
        if not self.skip and self._capture != "title":
            self.parts.append(data)


def _main_text_extractor() -> Any:
    """trafilatura, imported on first use (it is slow to import). A broken install is an
    error, not a silent fall-back to tag text for every page (trafilatura 2.x does not import
    with lxml 6 unless lxml_html_clean is installed)."""
    try:
        import trafilatura
    except ImportError as exc:
        raise DependencyError(
            f"HTML documents need trafilatura, which cannot be imported ({exc}); reinstall "
            "refoulement-kg (pip install -e .) to get trafilatura and lxml_html_clean") from exc
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # we report, it need not
    return trafilatura


# <meta> tags that carry a page's metadata (Open Graph and article properties).
_HTML_META = {"article:published_time": "date", "og:url": "url"}
_META_TAG = re.compile(r"<meta\b[^>]*>", re.I)
_META_ATTR = re.compile(r"""\b(property|name|content)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def _html_meta(source: str) -> dict[str, Any]:
    """Date and URL from a page's <meta> tags (the date as a DateValue)."""
    found: dict[str, Any] = {}
    for tag in _META_TAG.findall(source[:200_000]):
        attrs = {m[0].lower(): html.unescape(m[1] or m[2]) for m in _META_ATTR.findall(tag)}
        key = _HTML_META.get((attrs.get("property") or attrs.get("name") or "").lower())
        value = (attrs.get("content") or "").strip()
        if key is None or not value or key in found or len(value) > MAX_FIELD_CHARS:
            continue
        if key == "date":
            try:
                day = date_value(value[:10])
            except MetadataError:
                continue
            found[key] = DateValue(day.iso, day.precision, value)
        else:
            found[key] = value
    return found


def _html_text(source: str) -> tuple[str, str | None, list[str]]:
    """Main text of an HTML page (trafilatura), its title, and notes."""
    parser = _TextParser()
    try:
        parser.feed(source)
        parser.close()
    except Exception:
        pass
    title = parser.h1 or parser.title
    notes: list[str] = []
    extracted: str | None = None
    trafilatura = _main_text_extractor()
    try:
        extracted = trafilatura.extract(
            source, include_comments=False, include_tables=False, include_images=False,
            include_links=False, favor_precision=True, deduplicate=False, with_metadata=False,
            output_format="txt",
        )
    except Exception as exc:
        notes.append(f"main-text extraction failed ({type(exc).__name__}); used plain tag text")
    if not extracted or not extracted.strip():
        if not notes:
            notes.append("no main text found by trafilatura; used plain tag text")
        extracted = html.unescape("".join(parser.parts))
    return extracted, title, notes


_MD_FENCE = re.compile(r"\s*(?:```|~~~).*")
_MD_RULE = re.compile(r"\s*(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})")
_MD_SETEXT = re.compile(r"\s*(?:=+|-+)\s*")
_MD_HEADING = re.compile(r"\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*")
_MD_REF_DEF = re.compile(r"\s{0,3}\[[^\]]+\]:\s*\S+.*")
_MD_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_MD_BULLET = re.compile(r"^(\s*)[-*+]\s+")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_MD_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_MD_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_MD_SCRIPT = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>")
_MD_EMPHASIS = (
    re.compile(r"(\*\*\*|___)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(?<![\w*])(\*)(?=\S)(.+?)(?<=\S)\*(?![\w*])"),
    re.compile(r"(?<![\w_])(_)(?=\S)(.+?)(?<=\S)_(?![\w_])"),
    re.compile(r"(~~)(?=\S)(.+?)(?<=\S)~~"),
)
_MD_CODE = re.compile(r"`([^`]+)`")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")
_MD_PARKED = re.compile("[\U000f0000-\U000f007f]")


def _markdown_text(source: str) -> tuple[str, str | None]:
    """Markdown to plain text: formatting characters go, words stay; (text, first heading)."""
    source = _MD_SCRIPT.sub("", source)
    out: list[str] = []
    title: str | None = None
    lines = source.split("\n")
    for i, line in enumerate(lines):
        if _MD_FENCE.fullmatch(line) or _MD_REF_DEF.fullmatch(line):
            continue
        if _MD_RULE.fullmatch(line) and line.strip():
            if not (out and out[-1].strip() and _MD_SETEXT.fullmatch(line)):
                out.append("")
            continue
        if _MD_SETEXT.fullmatch(line) and line.strip() and out and out[-1].strip():
            if title is None and line.strip().startswith("="):
                title = out[-1].strip()
            continue
        heading = _MD_HEADING.fullmatch(line)
        if heading is not None:
            line = heading.group(1)
            if title is None and lines[i].lstrip().startswith("# "):
                title = _md_inline(line).strip() or None
        line = _MD_QUOTE.sub("", line)
        line = _MD_BULLET.sub(r"\1", line)
        out.append(_md_inline(line))
    return "\n".join(out), title


def _md_inline(line: str) -> str:
    # Escaped characters ("\\*") are parked in the private-use plane while markup is removed.
    line = _MD_ESCAPE.sub(lambda m: chr(0xF0000 + ord(m.group(1))), line)
    line = _MD_IMAGE.sub("", line)
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_REF_LINK.sub(r"\1", line)
    line = _MD_AUTOLINK.sub(r"\1", line)
    line = _MD_TAG.sub("", line)
    line = _MD_CODE.sub(r"\1", line)
    for pattern in _MD_EMPHASIS:
        line = pattern.sub(r"\2", line)
    return _MD_PARKED.sub(lambda m: chr(ord(m.group()) - 0xF0000), line)


_FRONT_MATTER = re.compile(r"---\n(.*?)\n(?:---|\.\.\.)\n", re.DOTALL)


def _front_matter(text: str) -> tuple[dict[str, str], str, list[str]]:
    """YAML front matter of a Markdown file, as header fields; (fields, rest, problems)."""
    m = _FRONT_MATTER.match(text)
    if m is None:
        return {}, text, []
    if len(m.group(1)) > MAX_FRONT_MATTER:
        return {}, text[m.end():], [
            f"front matter longer than {MAX_FRONT_MATTER:,} characters, ignored"]
    try:
        data = load_yaml(m.group(1))
    except MetadataError as exc:
        return {}, text[m.end():], [f"front matter: {exc}; ignored"]
    if not isinstance(data, dict):
        return {}, text[m.end():], ["front matter is not a mapping, ignored"]
    fields: dict[str, str] = {}
    problems: list[str] = []
    for key, value in data.items():
        if str(key).lower() not in _HEADER_KEYS or value in (None, ""):
            continue
        if isinstance(value, str) and len(value) <= MAX_FIELD_CHARS:
            fields.setdefault(str(key).lower(), " ".join(value.split()))
        else:
            problems.append(f"front matter {key} is not one short value, ignored")
    return fields, text[m.end():], problems


# --- documents ------------------------------------------------------------------------------

def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


@dataclass
class _Content:
    """What one file gives before metadata is merged: stored text and the file's own
    metadata, with notes for the document and problems for the corpus report."""

    text: str
    title: str | None = None
    own: dict[str, Any] = field(default_factory=dict)
    pages: tuple[int, ...] = ()
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _file_bytes(path: Path, file_name: str, max_bytes: int) -> bytes:
    """The file's bytes after the checks that need no reading (kind, size)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(f"{file_name}: cannot read ({exc.strerror or exc}), skipped") from exc
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{file_name}: not a regular file, skipped")
    if info.st_size > max_bytes:
        raise InputError(f"{file_name}: larger than {max_bytes / 1_000_000:g} MB "
                         f"({_size(info.st_size)}), skipped")
    if info.st_size == 0:
        raise InputError(f"{file_name}: empty file, skipped")
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{file_name}: cannot read ({exc.strerror or exc}), skipped") from exc
    if len(data) > max_bytes:
        raise InputError(f"{file_name}: larger than {max_bytes / 1_000_000:g} MB, skipped")
    return data


def _tidied(text: str) -> str:
    return _tidy(_normalise(text).split("\n"))[0]


def _paged_content(path: Path, file_name: str) -> _Content:
    pages, notes, title = pdf_pages(path, file_name)
    text, starts = join_pages(pages, _tidied)
    return _Content(text, title, pages=starts, warnings=list(notes), problems=list(notes))


def _text_content(data: bytes, media_type: str, file_name: str) -> _Content:
    """Text, Markdown or HTML bytes: decoded, header or front matter read, markup removed."""
    raw, problems = decode(data, file_name)
    text = _normalise(raw)
    content = _Content("", warnings=list(problems), problems=problems)
    fields: dict[str, str] = {}
    if media_type == "text/markdown":
        fields, text, notes = _front_matter(text)
        content.warnings += notes
        content.problems += notes
    if media_type != "text/html" and not fields:
        lines = text.split("\n")
        fields, used = _header(lines)
        text = "\n".join(lines[used:])
    content.own, notes = _header_metadata(fields)
    content.warnings += notes
    content.problems += notes
    if media_type == "text/html":
        for key, value in _html_meta(text).items():
            content.own.setdefault(key, value)
        text, content.title, notes = _html_text(text)
        text = _normalise(text)
        content.warnings += notes
    elif media_type == "text/markdown":
        text, content.title = _markdown_text(text)
    content.text, dropped = _tidy(text.split("\n"))
    if dropped:
        content.warnings.append(
            f"removed {dropped} boilerplate line{'s' if dropped > 1 else ''}")
    return content


def _load(
    path: Path, metadata: dict[str, Any] | None, file_name: str, max_bytes: int,
    cache: ReadCache | None = None,
) -> tuple[DocumentInfo, list[str]]:
    """Read one document; (info, problems worth reporting at corpus level). With a `cache`
    (graph/readcache.py) a file read before with the same bytes and metadata is not parsed."""
    data = _file_bytes(path, file_name, max_bytes)
    if cache is not None:
        return cache.load(file_name, data, metadata,
                          lambda: _parse(path, data, metadata, file_name))
    return _parse(path, data, metadata, file_name)


def _parse(
    path: Path, data: bytes, metadata: dict[str, Any] | None, file_name: str
) -> tuple[DocumentInfo, list[str]]:
    media_type = DOCUMENT_SUFFIXES.get(path.suffix.lower(), "text/plain")
    if media_type == PDF:
        content = _paged_content(path, file_name)
    elif media_type == DOCX:
        raw, title = docx_text(path, file_name)
        content = _Content(_tidied(raw), title)
    else:
        content = _text_content(data, media_type, file_name)
    stored = content.text
    warnings, problems = content.warnings, content.problems
    if not stored.strip():
        raise InputError(f"{file_name}: no text left after removing markup and boilerplate, "
                         "skipped")
    if len(stored) > MAX_CHARS:
        raise InputError(f"{file_name}: {len(stored):,} characters of text, more than the "
                         f"{MAX_CHARS:,} one document may have, skipped")
    sections = len(section_bounds(stored))
    if sections > 1:
        warnings.append(f"long document ({len(stored):,} characters): read in {sections} "
                        f"sections of at most {SECTION_CHARS:,} characters")
    detected = detect_language(stored)
    if detected is not None and detected != "en":
        note = (f"written in {LANGUAGE_NAMES.get(detected, detected)} ({detected}), not "
                "English: facts are extracted from English text only, so few or none")
        warnings.append(note)
        problems.append(note)

    meta, notes = _check_entry(dict(metadata or {}), "metadata")
    warnings += notes
    own = content.own
    doc_date = meta.get("date") or own.get("date") or _dateline(stored) or UNKNOWN_DATE

    def pick(key: str, fallback: str | None = None) -> str | None:
        value = meta.get(key)
        if value is None or str(value).strip() == "":
            value = own.get(key, fallback)
        return str(value).strip() if value is not None else None

    document = DocumentInfo(
        doc_id=hashlib.sha256(stored.encode("utf-8")).hexdigest(),
        file_name=file_name,
        text=stored,
        title=pick("title", content.title),
        publisher=pick("publisher"),
        date=doc_date,
        url=pick("url"),
        kind=pick("kind"),
        language=pick("language") or detected or "en",
        media_type=media_type,
        warnings=tuple(warnings),
        pages=content.pages,
    )
    return document, problems


def read_document(
    path: Path,
    metadata: dict[str, Any] | None = None,
    *,
    file_name: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> DocumentInfo:
    """Read one document file.

    `metadata` is one `sources.yaml` entry (publisher, kind, date, title, language, url); its
    fields win over the file's own header block and dateline. `file_name` defaults to the
    file's name. Raises `InputError` (naming the file) for a file that cannot be used.
    """
    path = Path(path)
    document, _problems = _load(path, metadata, file_name or path.name, max_bytes)
    return document


def _sources(folder: Path, problems: list[InputProblem]) -> dict[str, dict[str, Any]]:
    """`sources.yaml` entries by file name; every fault becomes a problem."""
    path = folder / SOURCES_FILE
    if not path.is_file():
        return {}
    try:
        if path.stat().st_size > MAX_SOURCES_BYTES:
            problems.append(InputProblem(
                SOURCES_FILE, f"larger than {MAX_SOURCES_BYTES // 1_000_000} MB, ignored"))
            return {}
        data = load_yaml(path.read_text(encoding="utf-8-sig"))
    except MetadataError as exc:
        problems.append(InputProblem(SOURCES_FILE, f"{exc}; metadata ignored"))
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(InputProblem(SOURCES_FILE, f"cannot read ({exc}); metadata ignored"))
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        problems.append(InputProblem(
            SOURCES_FILE, "no 'documents:' list at the top level; metadata ignored"))
        return {}
    entries: dict[str, dict[str, Any]] = {}
    for number, entry in enumerate(data["documents"], start=1):
        label = f"sources.yaml entry {number}"
        if not isinstance(entry, dict):
            problems.append(InputProblem(SOURCES_FILE, f"{label} is not a mapping, ignored"))
            continue
        name = entry.get("file")
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_FIELD_CHARS:
            problems.append(InputProblem(SOURCES_FILE, f"{label} has no 'file' key, ignored"))
            continue
        name = PurePosixPath(name.strip()).as_posix()
        if name in entries:
            problems.append(InputProblem(
                SOURCES_FILE, f"{label} repeats {name!r}, ignored (the first entry is used)"))
            continue
        entries[name], notes = _check_entry(entry, label)
        problems += [InputProblem(name, note) for note in notes]
    return entries


def _printable(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 shown as \\xNN."""
    return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def _walk(folder: Path, problems: list[InputProblem]) -> list[tuple[str, Path]]:
    """Document files under `folder`, as (relative POSIX name, path), hidden ones skipped;
    what is there but cannot be a document becomes a problem."""
    found = []

    def unreadable(error: OSError) -> None:
        where = Path(error.filename or folder)
        name = where.relative_to(folder).as_posix() if where != folder else "."
        problems.append(InputProblem(_printable(name), f"folder cannot be read "
                                     f"({error.strerror or error}), skipped"))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        here = Path(root)
        for d in [d for d in dirs if not d.startswith(".") and (here / d).is_symlink()]:
            problems.append(InputProblem(_printable((here / d).relative_to(folder).as_posix()),
                                         "symbolic link to a folder, not followed"))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            path = here / name
            relative = path.relative_to(folder).as_posix()
            if name.startswith(".") or relative == SOURCES_FILE:
                continue
            try:
                relative.encode("utf-8")
            except UnicodeEncodeError:
                problems.append(InputProblem(_printable(relative),
                                             "file name is not valid UTF-8, skipped"))
                continue
            if path.suffix.lower() not in DOCUMENT_SUFFIXES:
                known = ", ".join(sorted(DOCUMENT_SUFFIXES))
                problems.append(InputProblem(relative, f"not a document format rkg reads "
                                             f"({known}), skipped"))
                continue
            found.append((relative, path))
    return sorted(found)


def _outside(path: Path, root: Path) -> str | None:
    """Why a symbolic link cannot be read as part of the corpus, or None."""
    if not path.is_symlink():
        return None
    try:
        target = Path(os.path.realpath(path, strict=True))
    except (OSError, RuntimeError):
        return "symbolic link that loops or leads nowhere, skipped"
    if not target.is_relative_to(root):
        return "symbolic link to a file outside the corpus folder, skipped"
    return None


def read_corpus(folder: Path, *, max_bytes: int = MAX_BYTES,
                cache: Path | None = None) -> CorpusReading:
    """Read every document under `folder` with the metadata of its `sources.yaml`.

    Raises `InputError` only if `folder` is not a readable folder; each bad file becomes an
    `InputProblem` and the rest still reads. `cache` (a folder: graph/readcache.py) keeps
    what each file gave, so unchanged files are hashed, not parsed, the next time.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: corpus folder not found")
    root = folder.resolve()
    problems: list[InputProblem] = []
    entries = _sources(folder, problems)
    documents: list[DocumentInfo] = []
    names: set[str] = set()
    files = _walk(folder, problems)
    reader = ReadCache(cache) if cache is not None else None
    for name, path in files:
        names.add(name)
        why = _outside(path, root)
        if why is not None:
            problems.append(InputProblem(name, why))
            continue
        try:
            document, notes = _load(path, entries.get(name), name, max_bytes, reader)
        except InputError as exc:
            problems.append(InputProblem(name, str(exc).removeprefix(f"{name}: ")))
            continue
        except DependencyError:
            raise
        except (Exception, RecursionError) as exc:  # a reader's bug must not stop the corpus
            problems.append(InputProblem(name, f"could not be read ({type(exc).__name__}: "
                                         f"{_shown(exc, 200)}), skipped"))
            continue
        documents.append(document)
        problems += [InputProblem(name, note) for note in notes]
    for name in entries:
        if name not in names:
            problems.append(InputProblem(
                SOURCES_FILE, f"entry for {name!r} names no document in the corpus, ignored"))
    if reader is not None:
        reader.prune()
    links = {name for name, path in files if path.is_symlink()}
    documents = _one_per_text(documents, entries, links, problems)
    return CorpusReading(tuple(documents), tuple(sorted(problems, key=_problem_order)))


def _one_per_text(documents: list[DocumentInfo], entries: dict[str, dict[str, Any]],
                  links: set[str], problems: list[InputProblem]) -> list[DocumentInfo]:
    """Files with the same text are one document (its id is the text's hash): the one with
    a sources.yaml entry, else a file rather than a link to it, else the first by name,
    keeps its metadata; each copy is named in the problems."""
    by_text: dict[str, list[DocumentInfo]] = {}
    for document in documents:
        by_text.setdefault(document.doc_id, []).append(document)
    kept = []
    for same in by_text.values():
        keep = min(same, key=lambda d: (d.file_name not in entries, d.file_name in links,
                                        d.file_name))
        kept.append(keep)
        for copy in same:
            if copy is not keep:
                problems.append(InputProblem(copy.file_name, (
                    f"same text as {keep.file_name!r}: read once, as {keep.file_name!r} "
                    "with its metadata")))
    return sorted(kept, key=lambda d: d.file_name)


def _problem_order(problem: InputProblem) -> tuple[int, str]:
    return (0 if problem.file == SOURCES_FILE else 1, problem.file)
