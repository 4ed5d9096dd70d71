"""Facts: plain frozen dataclasses, the contract between extraction and RDF.

This module imports neither spaCy nor rdflib. Every fact carries an `Evidence` saying which
sentence of which document states it and which versioned extractor found it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Stances a speech act can take (SKOS scheme vocab/stance). The facts report uses the same words.
STANCES = (
    "urges", "calls_on", "demands", "recommends", "condemns", "welcomes", "commends",
    "expresses_concern", "reports", "other",
)
# Channels map onto SpeechAct subclasses in the ontology.
CHANNELS = ("PublicStatement", "JointStatement", "Letter", "Briefing", "UPRRecommendation",
            "ResolutionText", "NewsReport")
EPISTEMIC = ("asserted", "reported", "alleged", "planned", "feared", "denied")
# Statuses of a return that a source does not say happened: kept, never a forced return.
UNREALISED = frozenset({"planned", "feared", "denied"})
PRECISIONS = ("day", "month", "year")
COUNT_QUALIFIERS = ("exact", "approximately", "more_than", "at_least", "fewer_than", "at_most",
                    "range", "vague")
TREATY_ACTION_KINDS = ("signature", "ratification", "accession", "succession", "party")


@dataclass(frozen=True, order=True)
class Evidence:
    """Where a fact comes from: a sentence (character offsets into the stored text)."""

    doc_id: str  # SHA-256 of the stored document text
    start: int
    end: int
    quote: str  # == stored_text[start:end], checked when asserting
    extractor: str  # versioned id, e.g. "rkg.returns.v1"
    confidence: float = 0.8


@dataclass(frozen=True, order=True)
class EntityRef:
    """An entity: a registry entry (key = its slug) or one discovered in text."""

    key: str  # registry slug, or "new-<type>-<normalised-name>" for discovered ones
    label: str
    type: str  # ontology class local name (State, NGO, Person, Settlement, ...)
    registered: bool = True


@dataclass(frozen=True)
class EntityMention:
    entity: EntityRef
    surface: str  # == stored_text[start:end]
    start: int
    end: int
    evidence: Evidence  # the sentence it occurs in


@dataclass(frozen=True)
class DateValue:
    iso: str | None  # "2023-10-09", "2023-10", "2023" or None when unknown
    precision: str | None  # one of PRECISIONS, None when unknown
    text: str | None = None  # the words as written ("On the evening of Oct. 9")

    @property
    def known(self) -> bool:
        return self.iso is not None


UNKNOWN_DATE = DateValue(None, None, None)


@dataclass(frozen=True)
class PersonCount:
    value: int | None  # exact value when the text gives one
    min: int | None
    max: int | None
    qualifier: str  # one of COUNT_QUALIFIERS
    text: str  # the words as written ("a third of 90", "hundreds")


@dataclass(frozen=True)
class ForcedReturn:
    evidence: Evidence
    trigger: str
    perpetrator: EntityRef | None
    origin: EntityRef | None
    destination: EntityRef | None
    places: tuple[EntityRef, ...] = ()
    count: PersonCount | None = None
    returnees: str | None = None  # "North Korean defectors", "women and children"
    date: DateValue = UNKNOWN_DATE
    status: str = "asserted"  # one of EPISTEMIC
    claimed_by: EntityRef | None = None  # second-hand source ("DongA reported ...")


@dataclass(frozen=True)
class Detention:
    evidence: Evidence
    detainer: EntityRef | None
    facility: EntityRef | None
    places: tuple[EntityRef, ...] = ()
    count: PersonCount | None = None
    detainees: str | None = None
    date: DateValue = UNKNOWN_DATE
    status: str = "asserted"


@dataclass(frozen=True)
class Visit:
    evidence: Evidence
    visitor: EntityRef
    place: EntityRef | None
    date: DateValue = UNKNOWN_DATE


@dataclass(frozen=True)
class SpeechAct:
    evidence: Evidence
    speaker: EntityRef | None
    speaker_text: str  # as written, also for generic speakers ("the international community")
    stance: str  # one of STANCES
    topic: str
    addressee: EntityRef | None = None
    addressee_text: str | None = None
    channel: str = "PublicStatement"  # one of CHANNELS
    date: DateValue = UNKNOWN_DATE
    speaker_organization: EntityRef | None = None  # a spokesperson's organisation
    reported_by: EntityRef | None = None  # the medium that reports it ("According to Yonhap")


@dataclass(frozen=True)
class TreatyStatement:
    """A document's statement that a state is party/signatory to a treaty, or a bare mention."""

    evidence: Evidence
    treaty: EntityRef
    state: EntityRef | None  # None: the treaty is mentioned with no party stated
    kind: str | None = None  # one of TREATY_ACTION_KINDS, as the text words it
    year: int | None = None
    words: str | None = None  # "a signatory to", "has ratified", "a party to"


@dataclass(frozen=True)
class ResolutionAdoption:
    evidence: Evidence
    body: EntityRef
    date: DateValue = UNKNOWN_DATE
    resolution: EntityRef | None = None
    description: str = ""
    adoption_mode: str | None = None  # "by consensus without a vote", "by a vote of 30 to 3"
    session: str | None = None


@dataclass(frozen=True)
class UPRReview:
    evidence: Evidence
    state_under_review: EntityRef
    cycle: int | None = None
    date: DateValue = UNKNOWN_DATE


@dataclass(frozen=True)
class PostHolding:
    evidence: Evidence
    person: EntityRef
    role: str
    organization: EntityRef | None = None


@dataclass(frozen=True)
class HarmReport:
    """A source says returnees face a harm (torture, execution ...)."""

    evidence: Evidence
    harm: str  # concept slug in vocab/harm-type
    words: str  # as written
    source: EntityRef | None = None


@dataclass(frozen=True)
class Practice:
    """An ongoing practice or policy ("has been repatriating ... since 1998"): never an event."""

    evidence: Evidence
    actor: EntityRef | None
    description: str
    since: DateValue = UNKNOWN_DATE


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str  # SHA-256 of `text`
    file_name: str
    text: str  # the stored, normalised text all offsets point into
    title: str | None = None
    publisher: str | None = None
    date: DateValue = UNKNOWN_DATE
    url: str | None = None
    kind: str | None = None
    language: str = "en"
    media_type: str = "text/plain"
    warnings: tuple[str, ...] = ()
    # where each page starts in `text` (PDF): graph.readers.formats.page_of(pages, offset)
    pages: tuple[int, ...] = ()


Fact = (ForcedReturn | Detention | Visit | SpeechAct | TreatyStatement | ResolutionAdoption
        | UPRReview | PostHolding | HarmReport | Practice)


@dataclass(frozen=True)
class DocumentFacts:
    document: DocumentInfo
    mentions: tuple[EntityMention, ...] = ()
    facts: tuple[Fact, ...] = ()
    pipeline: str = ""  # pipeline version string that produced these facts
    publisher: EntityRef | None = None  # the document's publisher as an entity
    warnings: tuple[str, ...] = field(default=())
