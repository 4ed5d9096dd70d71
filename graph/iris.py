"""Minting IRIs: the one place instance IRIs are made (deterministic, no blank nodes).

Registry entries get their slug; extracted nodes get a hash of their content, so the same
inputs always give the same IRIs.
"""

from __future__ import annotations

import hashlib

DATA = "https://w3id.org/refoulement-kg/id/"
VOCAB = "https://w3id.org/refoulement-kg/vocab/"
WIKIDATA = "http://www.wikidata.org/entity/"

# Registry types -> the path segment of their IRIs.
KIND_OF_TYPE = {
    "State": "state",
    "Country": "place",
    "Person": "person", "PersonGroup": "group",
    "Treaty": "treaty", "LegalNorm": "norm", "DomesticLaw": "law", "Resolution": "resolution",
    "Settlement": "place", "AdministrativeRegion": "place", "BorderCrossing": "place",
    "DetentionFacility": "place", "Place": "place",
    "UNPrincipalOrgan": "body", "UNSubsidiaryBody": "body", "UNOffice": "body",
    "TreatyBody": "body", "SpecialProcedure": "body", "UNMechanism": "body",
    "ExpertGroup": "body", "IntergovernmentalOrganization": "body",
}
FACT_KINDS = {
    "ForcedReturn": "forced-return", "Detention": "detention", "Visit": "visit",
    "SpeechAct": "speech-act", "TreatyStatement": "treaty-statement",
    "ResolutionAdoption": "resolution-adoption", "UPRReview": "upr-review",
    "PostHolding": "tenure", "HarmReport": "harm-report", "Practice": "practice",
    "EventLink": "event-link", "Disagreement": "disagreement", "CurationDecision": "decision",
}


def digest(*parts: object, length: int = 16) -> str:
    """A short, stable hash of the parts (joined with a separator no part contains)."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def entity(key: str, etype: str) -> str:
    kind = KIND_OF_TYPE.get(etype, "org")
    return f"{DATA}{kind}/{key}"


def territory(state_key: str) -> str:
    return f"{DATA}place/{state_key}"


def document(doc_id: str) -> str:
    return f"{DATA}doc/{doc_id[:16]}"


def document_graph(doc_id: str) -> str:
    return f"{DATA}graph/doc/{doc_id[:16]}"


def graph(name: str) -> str:
    """Named graphs: ontology, registry, canonical, inferred, build."""
    return f"{DATA}graph/{name}"


def mention(doc_id: str, start: int, end: int, extractor: str) -> str:
    return f"{DATA}mention/{digest(doc_id, start, end, extractor)}"


def claim(*parts: object) -> str:
    return f"{DATA}claim/{digest(*parts)}"


def fact(kind: str, *parts: object) -> str:
    return f"{DATA}{FACT_KINDS[kind]}/{digest(kind, *parts)}"


def count(*parts: object) -> str:
    return f"{DATA}count/{digest(*parts)}"


def treaty_action(state: str, treaty: str, kind: str) -> str:
    return f"{DATA}treaty-action/{state}-{treaty}-{kind}"


def post(key: str) -> str:
    return f"{DATA}post/{key}"


def build(fingerprint: str) -> str:
    return f"{DATA}build/{fingerprint[:16]}"


def concept(scheme: str, slug: str) -> str:
    return f"{VOCAB}{scheme}/{slug}"


def wikidata(qid: str) -> str:
    return f"{WIKIDATA}{qid}"
