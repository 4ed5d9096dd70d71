"""Bytes to text: a byte-order mark, else UTF-8, else the encoding charset-normalizer detects.

UTF-8 with a few damaged bytes stays UTF-8 (one bad byte should not cost a long article):
the replacement character (U+FFFD) marks each spot in the stored text, so quotes stay
verbatim. A file with no valid multi-byte UTF-8 at all is some other encoding (Windows-1252,
UTF-16 without a BOM, EUC-KR, GB18030, Shift-JIS ...): charset-normalizer, a maintained
detector, names it. Bytes that decode to no readable text are binary.
"""

from __future__ import annotations

import re
import unicodedata

from charset_normalizer import from_bytes

from graph.errors import InputError

__all__ = ["decode"]

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\xfe\xff", "utf-16-be"))
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Detection reads a sample: enough for any encoding to show, fast on a 20 MB file.
SAMPLE_BYTES = 200_000
MIN_READABLE = 0.95  # share of characters that are not control characters
MAX_STRAY_CONTROLS = 16  # a few stray control characters are damage, not a binary file


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """`data` as text, and notes saying what was done about bytes that were not UTF-8.
    Raises `InputError` (naming `name`) for binary or undecodable data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), []
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: not valid {encoding.upper()} at byte "
                                 f"{exc.start + len(bom)}, skipped") from exc
    where = "not UTF-8"
    if b"\x00" not in data:  # NUL bytes are valid UTF-8 but mean UTF-16/32 or binary
        try:
            return _readable(data.decode("utf-8"), name), []
        except UnicodeDecodeError as exc:
            where = f"not valid UTF-8 at byte {exc.start}"
        if _mostly_utf8(data):
            return _readable(data.decode("utf-8", errors="replace"), name), [
                f"{where}; decoded with replacement characters"]
    best = from_bytes(data[:SAMPLE_BYTES]).best()
    if best is None or best.encoding is None:
        why = " (NUL bytes)" if b"\x00" in data else ""
        raise InputError(f"{name}: binary file{why}, skipped")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        text = data.decode(best.encoding, errors="replace")
    return _readable(text, name), [
        f"{where}; decoded as {_label(best.encoding)} (detected by charset-normalizer)"]


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few damaged bytes (not another encoding whose bytes happen to form some
    UTF-8 sequences): at most one byte in fifty outside valid sequences."""
    if _UTF8_MULTIBYTE.search(data) is None:
        return False
    bad = data.decode("utf-8", errors="replace").count("\ufffd")
    non_ascii = sum(1 for byte in data if byte >= 0x80)
    return bad <= max(3, non_ascii // 50)


def _readable(text: str, name: str) -> str:
    """`text` unless it is mostly control characters (a binary file that happens to decode)."""
    sample = text[:SAMPLE_BYTES]
    if "\x00" in sample:
        raise InputError(f"{name}: binary file (NUL bytes), skipped")
    if sample:
        odd = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f")
        if odd > MAX_STRAY_CONTROLS and odd / len(sample) > 1 - MIN_READABLE:
            raise InputError(f"{name}: binary file (control characters), skipped")
    return text


def _label(encoding: str) -> str:
    names = {"cp1252": "Windows-1252", "cp1250": "Windows-1250", "utf_16_le": "UTF-16LE",
             "utf_16_be": "UTF-16BE", "cp949": "EUC-KR/CP949", "gb18030": "GB18030",
             "cp932": "Shift-JIS/CP932", "latin_1": "Latin-1"}
    return names.get(encoding, encoding)
