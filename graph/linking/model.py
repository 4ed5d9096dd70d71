"""What linking produces and what it needs to know: plain frozen dataclasses (no rdflib)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from graph.facts import UNREALISED, DateValue, EntityRef, ForcedReturn, PersonCount

PRECISION_RANK = {"year": 1, "month": 2, "day": 3}

# Statuses of a return that has not happened (or may not): a fear, a plan, a risk. Such a
# mention is never the same event as a return reported as done, whatever else agrees.
PROSPECTIVE_STATUSES = frozenset({"planned", "feared", "threatened", "risk", "at-risk",
                                  "imminent", "intended", "possible"}) | UNREALISED

# Step of a link: why two mentions are one event.
STEP_DOCUMENT = "document"  # two mentions in one document (headline, lead, recap)
STEP_CORPUS = "corpus"  # two documents' events, scored
STEP_CURATION = "curation"  # a researcher's same-event decision
STEP_YEAR = "year"  # a year-only report and the one event of that year it can be


@dataclass(frozen=True)
class Link:
    """One decision that joined two reports: the claims of a mention on either side (the
    earliest of each side), its score and the features that agreed or disagreed."""

    left: ForcedReturn
    right: ForcedReturn
    step: str
    score: float
    agreed: tuple[str, ...]
    disagreed: tuple[str, ...]
    decision: str | None = None  # the curation decision's id, for STEP_CURATION


@dataclass(frozen=True)
class Side:
    """What one claim says on a disputed feature ("about 70", "2019-05-14", "Riverton")."""

    claim: ForcedReturn
    value: str


@dataclass(frozen=True)
class Disagreement:
    kind: str  # count, date, place, perpetrator
    sides: tuple[Side, ...]


@dataclass(frozen=True)
class CanonicalReturn:
    key: str  # stable identity key (graph/linking/identity.py): the IRI is minted from it
    members: tuple[ForcedReturn, ...]
    perpetrator: EntityRef | None
    origin: EntityRef | None
    destination: EntityRef | None
    places: tuple[EntityRef, ...]
    count: PersonCount | None
    date: DateValue
    links: tuple[Link, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    replaces: tuple[str, ...] = ()  # keys of earlier identities this event now carries
    next_leg: str | None = None  # key of the onward return (A to B, then B to C)

    @property
    def realised(self) -> bool:
        """Some source says it happened (not only that it was planned, feared or denied):
        otherwise the event is an rkg:UnrealisedReturn, never a forced return."""
        return any(m.status not in UNREALISED for m in self.members)


@dataclass(frozen=True)
class SameEvent:
    """A researcher's decision that these mentions are one event (`mentions` are indices
    into the returns being linked)."""

    decision: str
    mentions: tuple[int, ...]


@dataclass(frozen=True)
class NotSameEvent:
    decision: str
    mentions: tuple[int, ...]


@dataclass(frozen=True)
class LinkContext:
    """What linking knows beyond the mentions: the place hierarchy of the registry (place
    key -> keys it lies in, states excluded) and its vague areas, each document's file name
    (for identities that survive edits), the identities of the previous build, and
    researchers' decisions."""

    containers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    file_names: Mapping[str, str] = field(default_factory=dict)
    history: Mapping[str, object] = field(default_factory=dict)
    same: tuple[SameEvent, ...] = ()
    apart: tuple[NotSameEvent, ...] = ()
    rejected: frozenset[int] = frozenset()  # mention indices a decision rejected
    # areas too vague to place a route (a border region straddling two states): like a
    # state, they neither agree nor disagree with another place
    vague: frozenset[str] = frozenset()
