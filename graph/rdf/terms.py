"""Small helpers that turn plain values into rdflib terms (only the RDF stage makes terms)."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.facts import DateValue
from graph.vocab import concept as vocab_concept

Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]


def date_time(value: DateValue | str | None) -> Literal | None:
    """An ISO date of any precision as xsd:dateTime at its first instant (HermiT needs
    dateTime; the precision travels beside it)."""
    iso = value.iso if isinstance(value, DateValue) else value
    if not iso:
        return None
    parts = iso.split("-")
    year = parts[0]
    month = parts[1] if len(parts) > 1 else "01"
    day = parts[2] if len(parts) > 2 else "01"
    return Literal(f"{year}-{month}-{day}T00:00:00", datatype=XSD.dateTime)


def precision_of(iso: str | None) -> str | None:
    if not iso:
        return None
    return {1: "year", 2: "month", 3: "day"}[len(iso.split("-"))]


def concept(scheme: str, slug: str) -> URIRef:
    """A SKOS concept; an unknown slug fails loudly (checked against ontology/vocab/)."""
    return vocab_concept(scheme, slug)


def text(value: str) -> Literal:
    return Literal(value)


def integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def decimal(value: float) -> Literal:
    return Literal(f"{value:.2f}", datatype=XSD.decimal)
