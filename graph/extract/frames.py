"""Speech-act frames, kept as data in `graph/lexicons/speech_frames.tsv`.

Each frame says, for one trigger, which kind of act it is and where the party addressed
sits in the dependency parse; `graph.extract.speech` interprets the frames. Adding a wording
is adding a line to the data file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FRAMES_FILE = Path(__file__).resolve().parent.parent / "lexicons" / "speech_frames.tsv"
KINDS = frozenset({"urges", "calls_on", "demands", "recommends", "condemns", "welcomes",
                   "commends", "expresses_concern", "reports", "other"})
POS = frozenset({"verb", "noun", "adj"})


@dataclass(frozen=True)
class Frame:
    lemma: str
    pos: str
    particles: tuple[str, ...]
    kind: str
    addressee: tuple[str, ...]  # dobj | prep:<word> | clause
    negated: str  # drop | other
    modality: str  # drop | keep

    def addressee_preps(self) -> frozenset[str]:
        return frozenset(slot.split(":", 1)[1] for slot in self.addressee
                         if slot.startswith("prep:"))


class FrameError(ValueError):
    """A malformed line of the frames file (the message names the file and line)."""


@lru_cache(maxsize=4)
def load_frames(path: Path = FRAMES_FILE) -> tuple[Frame, ...]:
    frames: list[Frame] = []
    header_seen = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            header_seen = True
            continue
        if len(cells) != 7:
            raise FrameError(f"{path}:{number}: expected 7 tab-separated cells, "
                             f"found {len(cells)}")
        lemma, pos, particles, kind, addressee, negated, modality = (c.strip() for c in cells)
        if pos not in POS or kind not in KINDS or negated not in {"drop", "other"} \
                or modality not in {"drop", "keep"}:
            raise FrameError(f"{path}:{number}: unknown pos, kind, negation or modality "
                             f"in {line!r}")
        frames.append(Frame(lemma, pos, _cells(particles), kind, _cells(addressee), negated,
                            modality))
    return tuple(frames)


def _cells(text: str) -> tuple[str, ...]:
    return () if text == "-" else tuple(t.strip() for t in text.split(",") if t.strip())


def frames_by_lemma(pos: str) -> dict[str, Frame]:
    """The frames of one part of speech by lemma (a particle frame is kept under its lemma
    too: the code checks the particle)."""
    return {f.lemma: f for f in load_frames() if f.pos == pos}


VERB_FRAMES = frames_by_lemma("verb")
NOUN_FRAMES = frames_by_lemma("noun")
ADJ_FRAMES = frames_by_lemma("adj")


def _regular_forms(frames: dict[str, Frame]) -> dict[str, str]:
    """Regular inflections of each verb lemma ("hoped" -> "hope"), for the tagger's slips
    (the small model lemmatises "hoped" as "hop")."""
    forms: dict[str, str] = {}
    for lemma in frames:
        stem = lemma[:-1] if lemma.endswith("e") else lemma
        for form in (lemma + "s", lemma + "es", stem + "ed", stem + "ing", lemma + "d"):
            forms.setdefault(form, lemma)
    return forms


VERB_FORMS = _regular_forms(VERB_FRAMES)


def verb_lemma(lemma: str, word: str) -> str:
    """The frame lemma of a verb token: its own lemma if a frame has it, else the lemma its
    regular form points to (lower-case arguments)."""
    if lemma in VERB_FRAMES:
        return lemma
    return VERB_FORMS.get(word, lemma)
