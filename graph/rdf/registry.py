"""The reference registry as RDF (the `registry` named graph), and the ontology files."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from graph import iris
from graph.rdf.terms import Quad, concept, date_time, text
from graph.registry import Entry, Registry
from graph.vocab import RKG

ACTION_CLASS = {"signature": RKG.Signature, "ratification": RKG.Ratification,
                "accession": RKG.Accession, "succession": RKG.Succession}
REFERENCES = {  # type-specific key -> property, for keys that name another entry
    "capital": RKG.capital, "parent": RKG.parentBody, "located_in": RKG.locatedIn,
    "country": RKG.country, "nationality": RKG.nationality, "state": RKG.jurisdiction,
    "body": RKG.issuingBody, "enshrines": RKG.enshrines, "members": None,
}
DATES = {"established": RKG.established, "abolished": RKG.abolished,
         "adopted": RKG.adopted, "entry_into_force": RKG.entryIntoForce,
         "un_member_since": RKG.unMemberSince, "founded": RKG.established,
         "date": RKG.date}


# Who asserts what the registry records: its curators (reviewed, sourced entries).
CURATORS = URIRef(iris.entity("reference-registry-curators", "Organization"))


def registry_quads(registry: Registry) -> list[Quad]:
    g = URIRef(iris.graph("registry"))
    quads: list[Quad] = []

    def add(s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is not None:
            quads.append((s, p, o, g))

    add(CURATORS, RDF.type, RKG.Organization)
    add(CURATORS, RDFS.label, Literal("curators of the refoulement-kg reference registry",
                                      lang="en"))

    for entry in registry.entries:
        node = _iri(entry)
        add(node, RDF.type, URIRef(str(RKG) + entry.type))
        add(node, RDFS.label, Literal(entry.label, lang="en"))
        add(node, SKOS.prefLabel, Literal(entry.label, lang="en"))
        add(node, RKG.registryId, text(entry.id))
        add(node, RKG.reviewStatus, concept("review-status", "reviewed"))
        for alias in entry.aliases:
            add(node, SKOS.altLabel, Literal(alias, lang="en"))
        for metonym in entry.metonyms:
            add(node, RKG.metonym, Literal(metonym, lang="en"))
        if entry.description:
            add(node, SKOS.definition, Literal(entry.description, lang="en"))
        if entry.wikidata:
            add(node, RKG.wikidata, URIRef(iris.wikidata(entry.wikidata)))
        add(node, DCTERMS.source, text(f"ontology/reference/{entry.source_file}"))
        for extra_type in entry.extra.get("also_types", ()) or ():
            add(node, RDF.type, URIRef(str(RKG) + str(extra_type)))
        _type_specific(registry, entry, node, add)
    for name in sorted({e.source_file for e in registry.entries}):
        doc = URIRef(iris.DATA + f"registry/{name}")
        add(doc, RDF.type, RKG.SourceDocument)
        add(doc, RKG.fileName, text(f"ontology/reference/{name}"))
        path = registry.directory / name if registry.directory else None
        if path is not None and path.exists():
            add(doc, RKG.sha256, text(hashlib.sha256(path.read_bytes()).hexdigest()))
        add(doc, RDFS.label, Literal(f"reference registry: {name}", lang="en"))
    for action in registry.treaty_actions:
        node = URIRef(iris.treaty_action(action.state, action.treaty, action.kind))
        add(node, RDF.type, ACTION_CLASS.get(action.kind, RKG.TreatyAction))
        add(node, RKG.actingState, _iri(registry[action.state]))
        add(node, RKG.treaty, _iri(registry[action.treaty]))
        add(node, RKG.actionKind, concept("treaty-action-kind", action.kind))
        add(node, RKG.date, date_time(action.date))
        add(node, RKG.datePrecision, concept("date-precision", "day"))
        add(node, DCTERMS.source, text(action.source))
        add(node, RDFS.label, Literal(
            f"{registry[action.state].label}: {action.kind} of "
            f"{registry[action.treaty].label} ({action.date})", lang="en"))
    return quads


def _iri(entry: Entry) -> URIRef:
    return URIRef(iris.entity(entry.id, entry.type))


def _type_specific(registry: Registry, entry: Entry, node: URIRef, add: Any) -> None:
    extra = entry.extra or {}
    if entry.type == "State":
        territory = URIRef(iris.territory(entry.id))
        add(node, RKG.territory, territory)
        add(territory, RDF.type, RKG.Country)
        add(territory, RDFS.label, Literal(f"territory of {entry.label}", lang="en"))
        add(territory, RKG.territoryOf, node)
        for code_key, code_prop in (("iso2", RKG.iso2), ("iso3", RKG.iso3)):
            if extra.get(code_key):
                add(node, code_prop, text(str(extra[code_key])))
        for demonym in extra.get("demonyms", ()) or ():
            add(node, RKG.demonym, Literal(demonym, lang="en"))
    for key, prop in REFERENCES.items():
        value = extra.get(key)
        targets = value if isinstance(value, list | tuple) else ([value] if value else [])
        for target in targets:
            if not isinstance(target, str) or target not in registry:
                continue
            other = registry[target]
            if key == "members":
                add(_iri(other), RKG.memberOf, node)
                continue
            obj = _iri(other)
            if key == "located_in" and other.type == "State":
                obj = URIRef(iris.territory(other.id))
            chosen = RKG.parentTreaty if key == "parent" and entry.type == "Treaty" else prop
            if chosen is not None:
                add(node, chosen, obj)
    for key, prop in DATES.items():
        value = extra.get(key)
        if isinstance(value, str | int):
            add(node, prop, date_time(str(value)))
    coords = extra.get("coordinates")
    if isinstance(coords, list | tuple) and len(coords) == 2:
        add(node, RKG.lat, Literal(f"{float(coords[0]):.4f}", datatype=XSD.decimal))
        add(node, RKG.long, Literal(f"{float(coords[1]):.4f}", datatype=XSD.decimal))
    if extra.get("mandate"):
        add(node, RKG.mandate, Literal(str(extra["mandate"]), lang="en"))
    if extra.get("untc"):
        add(node, RKG.untcChapter, text(str(extra["untc"])))
    for i, post in enumerate(extra.get("posts", ()) or ()):
        if not isinstance(post, Mapping):
            continue
        tenure = URIRef(iris.fact("PostHolding", entry.id, i, post.get("post")))
        add(tenure, RDF.type, RKG.Tenure)
        add(tenure, RKG.holder, node)
        add(tenure, RKG.roleName, Literal(str(post.get("post", "")), lang="en"))
        org = post.get("organization")
        if isinstance(org, str) and org in registry:
            add(tenure, RKG.organization, _iri(registry[org]))
        for key, prop in (("start", RKG.startDate), ("end", RKG.endDate)):
            if post.get(key):
                add(tenure, prop, date_time(str(post[key])))
        add(tenure, RDFS.label, Literal(f"{entry.label}: {post.get('post', '')}", lang="en"))
        # registry facts are attested by the registry file itself
        claim = URIRef(iris.claim("registry", entry.id, i))
        add(tenure, RKG.attestedBy, claim)
        add(claim, RDF.type, RKG.Claim)
        add(claim, PROV.wasDerivedFrom, URIRef(iris.DATA + f"registry/{entry.source_file}"))
        add(claim, RKG.epistemicStatus, concept("epistemic-status", "asserted"))
        add(claim, RKG.extractor, text("rkg.registry.v1"))
        add(claim, RKG.claimedBy, CURATORS)
        add(claim, RKG.confidence, Literal("1.00", datatype=XSD.decimal))


def ontology_quads(ontology_dir: Path) -> list[Quad]:
    """rkg.ttl, the SKOS schemes and the alignments, in the `ontology` named graph
    (shapes stay out: they describe data, they are not data)."""
    g = URIRef(iris.graph("ontology"))
    graph = Graph()
    files = [ontology_dir / "rkg.ttl", ontology_dir / "align.ttl",
             *sorted((ontology_dir / "vocab").glob("*.ttl"))]
    for f in files:
        if f.exists():
            graph.parse(f, format="turtle")
    # OWL axioms need blank nodes; canonical labels keep the output byte-identical.
    canonical = to_canonical_graph(graph)
    return [(s, p, o, g) for s, p, o in canonical]  # type: ignore[misc]
