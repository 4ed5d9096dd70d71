"""How each class of node looks: one legend entry per group, with colour, shape and category.

Groups are few on purpose (a legend of 60 classes helps nobody); the most specific rkg: class
is still shown in every tooltip and details panel.
"""

from __future__ import annotations

from dataclasses import dataclass

RKG = "https://w3id.org/refoulement-kg/ontology#"


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    category: str  # actor | event | legal | place | document | report
    color: str
    shape: str


GROUPS: tuple[Group, ...] = (
    Group("state", "State", "actor", "#d62728", "dot"),
    Group("un", "UN or intergovernmental body", "actor", "#1f77b4", "dot"),
    Group("ngo", "NGO or coalition", "actor", "#2ca02c", "dot"),
    Group("nhri", "National human rights institution", "actor", "#17becf", "dot"),
    Group("agency", "Government agency", "actor", "#8c564b", "dot"),
    Group("media", "Media organization", "actor", "#7f7f7f", "dot"),
    Group("person", "Person", "actor", "#9467bd", "dot"),
    Group("forced-return", "Forced return", "event", "#a50026", "star"),
    Group("detention", "Detention", "event", "#f46d43", "diamond"),
    Group("statement", "Statement (speech act)", "event", "#e6ab02", "diamond"),
    Group("resolution-adoption", "Resolution adoption", "event", "#6a3d9a", "diamond"),
    Group("review", "UPR review", "event", "#1b9e77", "diamond"),
    Group("visit", "Visit", "event", "#66a61e", "diamond"),
    Group("treaty-action", "Treaty action (UNTC)", "event", "#a6cee3", "diamond"),
    Group("treaty-statement", "Treaty statement (in a document)", "event", "#b2df8a",
          "triangleDown"),
    Group("tenure", "Post held", "event", "#cab2d6", "triangleDown"),
    Group("treaty", "Treaty", "legal", "#e7298a", "square"),
    Group("resolution", "Resolution", "legal", "#fb9a99", "square"),
    Group("law", "Legal norm or domestic law", "legal", "#c51b7d", "square"),
    Group("place", "Place", "place", "#4d9221", "triangle"),
    Group("facility", "Detention facility or border crossing", "place", "#7f3b08", "triangle"),
    Group("document", "Source document", "document", "#404040", "hexagon"),
    Group("harm", "Harm reported", "report", "#fdb863", "triangleDown"),
    Group("practice", "Practice reported", "report", "#b35806", "triangleDown"),
)
GROUP_BY_KEY = {g.key: g for g in GROUPS}

# most specific rkg: class (local name) -> group key; order of preference when a node has
# several classes is the order of CLASS_GROUP.
CLASS_GROUP: dict[str, str] = {
    "ForcedReturn": "forced-return",
    "Detention": "detention",
    "Visit": "visit",
    "UPRReview": "review",
    "ResolutionAdoption": "resolution-adoption",
    "PublicStatement": "statement", "JointStatement": "statement", "Letter": "statement",
    "Briefing": "statement", "UPRRecommendation": "statement", "ResolutionText": "statement",
    "NewsReport": "statement", "SpeechAct": "statement",
    "Signature": "treaty-action", "Ratification": "treaty-action",
    "Accession": "treaty-action", "Succession": "treaty-action",
    "Acceptance": "treaty-action", "Approval": "treaty-action", "TreatyAction": "treaty-action",
    "TreatyStatement": "treaty-statement",
    "Tenure": "tenure",
    "HarmReport": "harm",
    "Practice": "practice",
    "SourceDocument": "document",
    "Treaty": "treaty",
    "Resolution": "resolution",
    "LegalNorm": "law", "NonRefoulementNorm": "law", "DomesticLaw": "law",
    "NationalHumanRightsInstitution": "nhri",
    "MediaOrganization": "media",
    "GovernmentAgency": "agency",
    "NGO": "ngo", "Coalition": "ngo",
    "UNPrincipalOrgan": "un", "UNSubsidiaryBody": "un", "UNOffice": "un", "TreatyBody": "un",
    "SpecialProcedure": "un", "UNMechanism": "un", "ExpertGroup": "un", "UNBody": "un",
    "IntergovernmentalOrganization": "un", "IntergovernmentalBody": "un",
    "State": "state",
    "Person": "person", "PersonGroup": "person",
    "DetentionFacility": "facility", "BorderCrossing": "facility",
    "Settlement": "place", "AdministrativeRegion": "place", "Country": "place", "Place": "place",
    "Organization": "ngo", "Agent": "ngo",
}
CLASS_ORDER = {name: i for i, name in enumerate(CLASS_GROUP)}

# colours of advocacy edges by stance (last path segment of rkgv:stance/…)
STANCE_COLORS = {
    "urges": "#d95f02", "calls-on": "#d95f02", "demands": "#b2182b",
    "condemns": "#b2182b", "expresses-concern": "#7570b3", "recommends": "#1f78b4",
    "welcomes": "#1b9e77", "commends": "#1b9e77",
}
DEFAULT_EDGE_COLOR = "#9a9a9a"


def group_of(classes: set[str]) -> Group | None:
    """The legend group of a node from its rkg: classes (local names), or None if not shown."""
    known = sorted((c for c in classes if c in CLASS_GROUP), key=CLASS_ORDER.__getitem__)
    return GROUP_BY_KEY[CLASS_GROUP[known[0]]] if known else None


def specific_class(classes: set[str]) -> str:
    known = sorted((c for c in classes if c in CLASS_GROUP), key=CLASS_ORDER.__getitem__)
    return known[0] if known else (sorted(classes)[0] if classes else "Resource")
