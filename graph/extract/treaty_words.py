"""Treaty-party words, kept as data in `graph/lexicons/treaty_party_words.tsv`.

Each word says which act it states (party, signature, ratification, accession), the part of
speech it must have, and how the state is found (`claim`, `violation`, `obligation`,
`binding`), or that it cancels the party words in its complement (`cancels`);
`graph.extract.legal` interprets them over the dependency parse. A new wording is a new line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

WORDS_FILE = Path(__file__).resolve().parent.parent / "lexicons" / "treaty_party_words.tsv"
KINDS = frozenset({"party", "signature", "ratification", "accession"})
POS = frozenset({"verb", "noun", "any"})
ROLES = frozenset({"claim", "violation", "obligation", "binding", "cancels"})


@dataclass(frozen=True)
class PartyWord:
    word: str
    kind: str
    pos: str
    role: str

    def fits(self, tag: str) -> bool:
        """The word's part of speech as tagged fits the line."""
        if self.pos == "verb":
            return tag.startswith("VB")
        if self.pos == "noun":
            return tag.startswith("NN")
        return True


class PartyWordError(ValueError):
    """A malformed line of the words file (the message names the file and line)."""


@lru_cache(maxsize=4)
def party_words(path: Path = WORDS_FILE) -> dict[str, PartyWord]:
    words: dict[str, PartyWord] = {}
    header_seen = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) != 4 or cells[1] not in KINDS or cells[2] not in POS \
                or cells[3] not in ROLES:
            raise PartyWordError(f"{path}:{number}: expected word, kind, pos and role "
                                 f"(tab-separated, known values) in {line!r}")
        word = PartyWord(*cells)
        if word.word in words:
            raise PartyWordError(f"{path}:{number}: {word.word!r} is listed twice")
        words[word.word] = word
    return words
