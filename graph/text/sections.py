"""Where a long text is cut into sections that the NLP pipeline reads one at a time.

spaCy refuses texts over 1,000,000 characters (E088) and its memory grows with the text, so a
long document (a UN report, a book-length NGO study) is read in sections of at most
SECTION_CHARS characters, cut at a paragraph break (a blank line: headings stand on their
own paragraphs), else a line break, else a sentence end, else a space. The sections are
consecutive slices of the stored text, so joined they are the text itself and an offset in a
section plus the section's start is an offset into the whole document.
"""

from __future__ import annotations

SECTION_CHARS = 100_000
# where to cut, best first: after a blank line, a line break, a sentence end, a space
_BREAKS = ("\n\n", "\n", ". ", " ")


def section_bounds(text: str, size: int = SECTION_CHARS) -> list[tuple[int, int]]:
    """(start, end) of each section of `text`: consecutive, covering it, each at most `size`
    characters long."""
    bounds: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        end = _cut(text, start, start + size)
        bounds.append((start, end))
        start = end
    bounds.append((start, len(text)))
    return bounds


def _cut(text: str, start: int, limit: int) -> int:
    """The best place to end a section begun at `start`, at most `limit`: a break in the
    second half of the section, so no section is needlessly short."""
    low = start + (limit - start) // 2
    for mark in _BREAKS:
        found = text.rfind(mark, low, limit)
        if found >= 0 and found + len(mark) <= limit:
            return found + len(mark)
    return limit  # one unbroken run of characters: cut it where the size says
