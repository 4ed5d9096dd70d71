"""Binary document formats: PDF (pypdf) and Word .docx (python-docx), to plain text.

A PDF keeps its pages: the text of each page is tidied on its own and the pages are joined
with a blank line, so the offset where each page starts in the stored text is known
(`DocumentInfo.pages`) and a quote can cite its page (`page_of`). Lines that a PDF broke
inside a sentence are joined again. A PDF without a text layer (a scan) is reported, not
read as an empty document. Both formats are bounded before parsing: page count, the
unpacked size of a .docx and no XML entity declarations in it.
"""

from __future__ import annotations

import re
import zipfile
from bisect import bisect_right
from collections.abc import Callable
from pathlib import Path

from graph.errors import InputError

__all__ = ["MAX_PAGES", "docx_text", "join_pages", "page_of", "pdf_pages"]

MAX_PAGES = 2_000
MAX_DOCX_UNPACKED = 200_000_000
# A line ending like this continues a sentence on the next line (a PDF breaks lines where
# the page did, not where the author did).
_CONTINUES = re.compile(r"[\w,;\u2019'\")\]-]$")
_STARTS_LOWER = re.compile(r"^[a-z0-9(\u2018\u201c\"']")


def pdf_pages(path: Path, name: str) -> tuple[list[str], list[str], str | None]:
    """The text of each page (reflowed), notes, and the document title if it has one."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    notes: list[str] = []
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name}: encrypted PDF, skipped")
        count = len(reader.pages)
        if count > MAX_PAGES:
            notes.append(f"{count:,} pages: only the first {MAX_PAGES:,} read")
        pages = [_reflow(page.extract_text() or "")
                 for page in list(reader.pages)[:MAX_PAGES]]
        title = reader.metadata.title if reader.metadata is not None else None
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError,
            RecursionError, ZeroDivisionError) as exc:
        raise InputError(f"{name}: unreadable PDF ({type(exc).__name__}: "
                         f"{str(exc)[:120]}), skipped") from exc
    if not any(p.strip() for p in pages):
        raise InputError(f"{name}: PDF with no text layer (a scan? run OCR first), skipped")
    blank = [str(i) for i, p in enumerate(pages, 1) if not p.strip()]
    if blank:
        notes.append(f"page{'s' if len(blank) > 1 else ''} {', '.join(blank)} without "
                     "text (scanned?)")
    return pages, notes, str(title).strip() if title and str(title).strip() else None


def _reflow(text: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if (out and out[-1].strip() and stripped and _CONTINUES.search(out[-1].rstrip())
                and _STARTS_LOWER.match(stripped)):
            out[-1] = out[-1].rstrip() + " " + stripped
        else:
            out.append(line)
    return "\n".join(out)


def join_pages(pages: list[str], tidy: Callable[[str], str]) -> tuple[str, tuple[int, ...]]:
    """Pages tidied one by one and joined by a blank line; (text, start offset of each)."""
    text = ""
    starts: list[int] = []
    for page in pages:
        body = tidy(page)
        if text and body:
            text += "\n"
        starts.append(len(text))
        text += body
    return text, tuple(starts)


def page_of(pages: tuple[int, ...], offset: int) -> int | None:
    """The 1-based page holding `offset` in the stored text (None: not a paged document)."""
    if not pages:
        return None
    return bisect_right(pages, offset)


def docx_text(path: Path, name: str) -> tuple[str, str | None]:
    """The paragraphs (and table cells) of a Word .docx, one per line; (text, title)."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_DOCX_UNPACKED:
                raise InputError(f"{name}: .docx unpacks to {unpacked / 1e6:,.0f} MB, "
                                 "skipped")
            for member in archive.infolist():
                if member.filename.endswith(".xml"):
                    with archive.open(member) as handle:
                        if b"<!ENTITY" in handle.read(64_000):
                            raise InputError(f"{name}: .docx with XML entity declarations, "
                                             "skipped")
        from docx import Document

        document = Document(str(path))
    except InputError:
        raise
    except Exception as exc:  # python-docx raises many kinds on a damaged file
        raise InputError(f"{name}: unreadable .docx ({type(exc).__name__}: "
                         f"{str(exc)[:120]}), skipped") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    title = (document.core_properties.title or "").strip() or None
    return "\n\n".join(lines), title
