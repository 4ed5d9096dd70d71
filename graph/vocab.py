"""The project's IRIs: ontology terms (RKG), Web Annotation (OA), data and SKOS namespaces.

This is the only module where ontology IRIs are spelled out. `RKG` fails loudly on a term that
`ontology/rkg.ttl` does not declare (`RKG.perpetrater` raises AttributeError);
tests/test_vocab.py fails when this list and rkg.ttl drift apart. SKOS concepts are reached
through `concept(scheme, slug)`, which checks the slug against `SCHEMES` (also tested against
`ontology/vocab/*.ttl`).
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/refoulement-kg/ontology"
"""The ontology's IRI (its header in rkg.ttl); terms live in `ONTOLOGY_IRI + "#"`."""

RKGD = Namespace("https://w3id.org/refoulement-kg/id/")
"""Data: `RKGD["state/china"]`, `RKGD["doc/3f2a..."]` (minted in graph/iris.py only)."""

RKGV = Namespace("https://w3id.org/refoulement-kg/vocab/")
"""SKOS schemes and concepts: `RKGV["stance"]` (scheme), `RKGV["stance/urges"]` (concept)."""


class RKG(DefinedNamespace):
    """Terms of the refoulement-kg ontology (ontology/rkg.ttl)."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # Classes
    Agent: URIRef
    Organization: URIRef
    State: URIRef
    GovernmentAgency: URIRef
    NGO: URIRef
    Coalition: URIRef
    NationalHumanRightsInstitution: URIRef
    IntergovernmentalBody: URIRef
    IntergovernmentalOrganization: URIRef
    UNBody: URIRef
    UNPrincipalOrgan: URIRef
    UNSubsidiaryBody: URIRef
    UNOffice: URIRef
    TreatyBody: URIRef
    SpecialProcedure: URIRef
    UNMechanism: URIRef
    ExpertGroup: URIRef
    MediaOrganization: URIRef
    Person: URIRef
    PersonGroup: URIRef
    Post: URIRef
    Tenure: URIRef
    Place: URIRef
    Country: URIRef
    Settlement: URIRef
    AdministrativeRegion: URIRef
    BorderCrossing: URIRef
    DetentionFacility: URIRef
    Event: URIRef
    Return: URIRef
    ForcedReturn: URIRef
    UnrealisedReturn: URIRef
    Detention: URIRef
    Visit: URIRef
    ResolutionAdoption: URIRef
    UPRReview: URIRef
    TreatyAction: URIRef
    Signature: URIRef
    Ratification: URIRef
    Accession: URIRef
    Succession: URIRef
    Acceptance: URIRef
    Approval: URIRef
    SpeechAct: URIRef
    PublicStatement: URIRef
    JointStatement: URIRef
    Letter: URIRef
    Briefing: URIRef
    UPRRecommendation: URIRef
    ResolutionText: URIRef
    NewsReport: URIRef
    Treaty: URIRef
    Resolution: URIRef
    DomesticLaw: URIRef
    LegalNorm: URIRef
    NonRefoulementNorm: URIRef
    NonRefoulementTreaty: URIRef
    NonRefoulementBoundState: URIRef
    ReturnByBoundStateFlag: URIRef
    TreatyStatement: URIRef
    HarmReport: URIRef
    Practice: URIRef
    PersonCount: URIRef
    SourceDocument: URIRef
    Mention: URIRef
    Claim: URIRef

    # Object properties
    perpetrator: URIRef
    origin: URIRef
    destination: URIRef
    place: URIRef
    count: URIRef
    datePrecision: URIRef
    detainer: URIRef
    detentionFacility: URIRef
    visitor: URIRef
    speaker: URIRef
    onBehalfOf: URIRef
    addressee: URIRef
    stance: URIRef
    actingState: URIRef
    treaty: URIRef
    actionKind: URIRef
    adoptingBody: URIRef
    resolution: URIRef
    issuingBody: URIRef
    stateUnderReview: URIRef
    holder: URIRef
    post: URIRef
    organization: URIRef
    postIn: URIRef
    harm: URIRef
    source: URIRef
    actor: URIRef
    countQualifier: URIRef
    attestedBy: URIRef
    refersTo: URIRef
    claimedBy: URIRef
    reportedBy: URIRef
    epistemicStatus: URIRef
    claimedCount: URIRef
    claimedDatePrecision: URIRef
    claimedPlace: URIRef
    discoveredIn: URIRef
    wikidata: URIRef
    reviewStatus: URIRef
    locatedIn: URIRef
    capital: URIRef
    territory: URIRef
    territoryOf: URIRef
    parentBody: URIRef
    memberOf: URIRef
    country: URIRef
    nationality: URIRef
    jurisdiction: URIRef
    enshrines: URIRef
    parentTreaty: URIRef
    isPartyTo: URIRef
    boundByNorm: URIRef

    # Datatype properties
    date: URIRef
    returnees: URIRef
    detainees: URIRef
    trigger: URIRef
    speakerText: URIRef
    addresseeText: URIRef
    topic: URIRef
    statedYear: URIRef
    words: URIRef
    adoptionMode: URIRef
    session: URIRef
    description: URIRef
    cycle: URIRef
    roleName: URIRef
    startDate: URIRef
    endDate: URIRef
    since: URIRef
    value: URIRef
    minValue: URIRef
    maxValue: URIRef
    wordsAsWritten: URIRef
    fileName: URIRef
    sha256: URIRef
    text: URIRef
    url: URIRef
    surfaceForm: URIRef
    page: URIRef
    extractor: URIRef
    confidence: URIRef
    claimedDate: URIRef
    dateText: URIRef
    registryId: URIRef
    metonym: URIRef
    lat: URIRef
    long: URIRef
    iso2: URIRef
    iso3: URIRef
    demonym: URIRef
    unMemberSince: URIRef
    established: URIRef
    abolished: URIRef
    mandate: URIRef
    adopted: URIRef
    entryIntoForce: URIRef
    untcChapter: URIRef

    # Linking and curation (docs/linking.md)
    EventLink: URIRef
    Disagreement: URIRef
    DisagreementSide: URIRef
    CurationDecision: URIRef
    linkedEvent: URIRef
    linksClaim: URIRef
    linkScore: URIRef
    linkStep: URIRef
    agreesOn: URIRef
    disagreesOn: URIRef
    disagreementAbout: URIRef
    disagreementKind: URIRef
    hasSide: URIRef
    sideClaim: URIRef
    sideValue: URIRef
    concerns: URIRef
    nextLeg: URIRef
    decision: URIRef
    decisionKind: URIRef
    decisionReason: URIRef
    decisionAuthor: URIRef


class OA(DefinedNamespace):
    """The Web Annotation terms the project uses (declared in ontology/align.ttl)."""

    _NS = Namespace("http://www.w3.org/ns/oa#")
    _fail = True

    SpecificResource: URIRef
    Selector: URIRef
    TextQuoteSelector: URIRef
    TextPositionSelector: URIRef
    hasSource: URIRef
    hasSelector: URIRef
    exact: URIRef
    prefix: URIRef
    suffix: URIRef
    start: URIRef
    end: URIRef


# SKOS schemes: scheme name -> concept slugs (kebab-case), as in ontology/vocab/{scheme}.ttl.
# Python-side values (graph/facts.py) use underscores; `concept()` accepts both spellings.
SCHEMES: dict[str, tuple[str, ...]] = {
    "stance": (
        "urges", "calls-on", "demands", "recommends", "condemns", "welcomes", "commends",
        "expresses-concern", "reports", "other",
        # groups (skos:broader of the stances above)
        "appeal", "condemn", "approve", "concern", "report",
    ),
    "harm-type": (
        "torture", "execution", "death-penalty", "forced-labour", "imprisonment",
        "political-prison-camp", "arbitrary-detention", "enforced-disappearance",
        "sexual-violence", "forced-abortion", "infanticide", "cruel-inhuman-treatment",
        "beating", "starvation", "persecution", "severe-punishment", "coercive-interrogation",
        "family-separation", "human-trafficking", "other",
    ),
    "treaty-action-kind": (
        "signature", "ratification", "acceptance", "approval", "accession", "succession", "party",
    ),
    "count-qualifier": (
        "exact", "approximately", "more-than", "at-least", "fewer-than", "at-most", "range",
        "vague",
    ),
    "date-precision": ("day", "month", "year"),
    "epistemic-status": ("asserted", "reported", "alleged", "planned", "feared", "denied"),
    "review-status": ("reviewed", "unreviewed"),
}


def slugify_value(value: str) -> str:
    """A facts-side value ("calls_on") as a concept slug ("calls-on")."""
    return value.strip().replace("_", "-")


def scheme(name: str) -> URIRef:
    """The IRI of a SKOS concept scheme: `scheme("stance")` -> `.../vocab/stance`."""
    if name not in SCHEMES:
        raise ValueError(f"unknown SKOS scheme {name!r}; known: {', '.join(sorted(SCHEMES))}")
    return RKGV[name]


def concept(scheme_name: str, slug: str) -> URIRef:
    """The IRI of a concept, checked: `concept("stance", "calls_on")` -> `.../stance/calls-on`.

    Raises ValueError naming the scheme and the slug when either is unknown.
    """
    known = SCHEMES.get(scheme_name)
    if known is None:
        raise ValueError(f"unknown SKOS scheme {scheme_name!r}; "
                         f"known: {', '.join(sorted(SCHEMES))}")
    kebab = slugify_value(slug)
    if kebab not in known:
        raise ValueError(f"{slug!r} is not a concept of the {scheme_name!r} scheme; "
                         f"known: {', '.join(known)}")
    return RKGV[f"{scheme_name}/{kebab}"]


def concept_slug(iri: str) -> tuple[str, str]:
    """The (scheme, slug) of a concept IRI; ValueError when it is not one of ours."""
    text = str(iri)
    if not text.startswith(str(RKGV)):
        raise ValueError(f"{text!r} is not a refoulement-kg SKOS concept")
    scheme_name, _, slug = text[len(str(RKGV)):].partition("/")
    if slug not in SCHEMES.get(scheme_name, ()):
        raise ValueError(f"{text!r} is not a concept of a known scheme")
    return scheme_name, slug
