"""Facts -> RDF quads with provenance (docs/rdf-model.md).

Each document's SourceDocument, Mentions and Claims go in its own named graph; canonical
fact nodes (linked across documents) and discovered entities go in the canonical graph; each
canonical node points with `rkg:attestedBy` to the claims of every sentence that states it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from graph import iris
from graph.curation import expand_iri
from graph.errors import ProvenanceError
from graph.facts import (
    DateValue,
    Detention,
    DocumentFacts,
    EntityMention,
    EntityRef,
    Evidence,
    Fact,
    ForcedReturn,
    HarmReport,
    PersonCount,
    PostHolding,
    Practice,
    ResolutionAdoption,
    SpeechAct,
    TreatyStatement,
    UPRReview,
    Visit,
)
from graph.linking import CanonicalReturn, link_returns
from graph.linking.stage import LinkStage
from graph.rdf.events import (
    concern_quads,
    curation_quads,
    event_iri,
    event_quads,
    once_per_fact,
)
from graph.rdf.terms import Quad, concept, date_time, decimal, integer, precision_of, text
from graph.readers.formats import page_of
from graph.vocab import OA, RKG

CHANNEL_CLASS = {"PublicStatement": RKG.PublicStatement, "JointStatement": RKG.JointStatement,
                 "Letter": RKG.Letter, "Briefing": RKG.Briefing,
                 "UPRRecommendation": RKG.UPRRecommendation,
                 "ResolutionText": RKG.ResolutionText, "NewsReport": RKG.NewsReport}
CONTEXT = 32  # characters of prefix/suffix on a quote selector


def entity_iri(ref: EntityRef) -> URIRef:
    return URIRef(iris.entity(ref.key, ref.type))


def kebab(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def claim_iri(fact: Fact) -> URIRef:
    return URIRef(iris.claim(type(fact).__name__, repr(fact)))


def mention_iri(evidence: Evidence) -> URIRef:
    return URIRef(iris.mention(evidence.doc_id, evidence.start, evidence.end,
                               evidence.extractor))


class QuadSink:
    """Collects quads for one named graph."""

    def __init__(self, graph: str) -> None:
        self.graph = URIRef(graph)
        self.quads: list[Quad] = []

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is None:
            return
        self.quads.append((s, p, o, self.graph))


# -- per document -------------------------------------------------------------------------
def document_quads(df: DocumentFacts) -> list[Quad]:
    """The document's own named graph: its metadata, every mention and every claim."""
    info = df.document
    out = QuadSink(iris.document_graph(info.doc_id))
    doc = URIRef(iris.document(info.doc_id))
    out.add(doc, RDF.type, RKG.SourceDocument)
    out.add(doc, RKG.fileName, text(info.file_name))
    out.add(doc, RKG.sha256, text(info.doc_id))
    out.add(doc, RKG.text, text(info.text))
    out.add(doc, RDFS.label, text(info.title or info.file_name))
    if info.title:
        out.add(doc, DCTERMS.title, text(info.title))
    if info.publisher:
        out.add(doc, DCTERMS.publisher, text(info.publisher))
    if df.publisher is not None:
        out.add(doc, DCTERMS.creator, entity_iri(df.publisher))
    if info.url:
        out.add(doc, RKG.url, Literal(info.url, datatype=XSD.anyURI))
    if info.kind:
        out.add(doc, DCTERMS.type, text(info.kind))
    out.add(doc, DCTERMS.language, text(info.language))
    out.add(doc, DCTERMS.format, text(info.media_type))
    _date(out, doc, info.date, RKG.date, RKG.datePrecision)
    seen_mentions: set[URIRef] = set()
    for m in df.mentions:
        _entity_mention(out, doc, info.text, m, seen_mentions, info.pages)
    for fact in df.facts:
        _claim(out, doc, info.text, fact, df.publisher, seen_mentions, info.pages)
    return out.quads


def _check_quote(text_: str, start: int, end: int, quote: str, where: str) -> None:
    if text_[start:end] != quote:
        raise ProvenanceError(
            f"{where}: quote {quote[:60]!r} is not verbatim at offsets {start}-{end}")


def _selectors(out: QuadSink, mention: URIRef, doc: URIRef, text_: str, start: int,
               end: int, pages: tuple[int, ...]) -> None:
    quote = URIRef(f"{mention}-quote")
    position = URIRef(f"{mention}-position")
    out.add(mention, OA.hasSource, doc)
    out.add(mention, OA.hasSelector, quote)
    out.add(mention, OA.hasSelector, position)
    out.add(quote, RDF.type, OA.TextQuoteSelector)
    out.add(quote, OA.exact, text(text_[start:end]))
    out.add(quote, OA.prefix, text(text_[max(0, start - CONTEXT):start]))
    out.add(quote, OA.suffix, text(text_[end:end + CONTEXT]))
    out.add(position, RDF.type, OA.TextPositionSelector)
    out.add(position, OA.start, integer(start))
    out.add(position, OA.end, integer(end))
    page = page_of(pages, start)
    if page is not None:  # a PDF: the page the quote begins on, so it can be cited
        out.add(mention, RKG.page, integer(page))


def _entity_mention(out: QuadSink, doc: URIRef, text_: str, m: EntityMention,
                    seen: set[URIRef], pages: tuple[int, ...] = ()) -> None:
    _check_quote(text_, m.start, m.end, m.surface, f"mention of {m.entity.label}")
    node = URIRef(iris.mention(m.evidence.doc_id, m.start, m.end, m.entity.key))
    if node in seen:
        return
    seen.add(node)
    out.add(node, RDF.type, RKG.Mention)
    out.add(node, RKG.refersTo, entity_iri(m.entity))
    out.add(node, RKG.surfaceForm, text(m.surface))
    out.add(node, RKG.extractor, text(m.evidence.extractor))
    _selectors(out, node, doc, text_, m.start, m.end, pages)


def _sentence_mention(out: QuadSink, doc: URIRef, text_: str, ev: Evidence,
                      seen: set[URIRef], pages: tuple[int, ...] = ()) -> URIRef:
    _check_quote(text_, ev.start, ev.end, ev.quote, f"evidence of {ev.extractor}")
    node = mention_iri(ev)
    if node not in seen:
        seen.add(node)
        out.add(node, RDF.type, RKG.Mention)
        out.add(node, RKG.extractor, text(ev.extractor))
        _selectors(out, node, doc, text_, ev.start, ev.end, pages)
    return node


def _claim(out: QuadSink, doc: URIRef, text_: str, fact: Fact, publisher: EntityRef | None,
           seen: set[URIRef], pages: tuple[int, ...] = ()) -> None:
    ev = fact.evidence
    mention = _sentence_mention(out, doc, text_, ev, seen, pages)
    node = claim_iri(fact)
    out.add(node, RDF.type, RKG.Claim)
    out.add(node, PROV.wasDerivedFrom, mention)
    out.add(node, RKG.extractor, text(ev.extractor))
    out.add(node, RKG.confidence, decimal(ev.confidence))
    status = getattr(fact, "status", "asserted")
    out.add(node, RKG.epistemicStatus, concept("epistemic-status", status))
    claimed_by = getattr(fact, "claimed_by", None)
    if claimed_by is not None:
        out.add(node, RKG.claimedBy, entity_iri(claimed_by))
        if publisher is not None:
            out.add(node, RKG.reportedBy, entity_iri(publisher))
    elif publisher is not None:
        out.add(node, RKG.claimedBy, entity_iri(publisher))
    date = getattr(fact, "date", None)
    if isinstance(date, DateValue):
        _date(out, node, date, RKG.claimedDate, RKG.claimedDatePrecision)
        if date.text:
            out.add(node, RKG.dateText, text(date.text))
    count = getattr(fact, "count", None)
    if isinstance(count, PersonCount):
        out.add(node, RKG.claimedCount, _count(out, count, node))
    if isinstance(fact, ForcedReturn):
        for place in fact.places:
            out.add(node, RKG.claimedPlace, entity_iri(place))


def _date(out: QuadSink, node: URIRef, date: DateValue, prop: URIRef, precision_prop: URIRef
          ) -> None:
    literal = date_time(date)
    if literal is None:
        return
    out.add(node, prop, literal)
    precision = date.precision or precision_of(date.iso)
    if precision:
        out.add(node, precision_prop, concept("date-precision", precision))


def _count(out: QuadSink, c: PersonCount, owner: URIRef) -> URIRef:
    """The count node of `owner` (a claim, event or fact): named by its owner too, so that
    it lives in its owner's graph only. Shared by content, the same words in a hundred
    documents made one node in a hundred graphs, and every pattern over the union of the
    graphs matched it a hundred times."""
    node = URIRef(iris.count(owner, c.value, c.min, c.max, c.qualifier, c.text))
    out.add(node, RDF.type, RKG.PersonCount)
    if c.value is not None:
        out.add(node, RKG.value, integer(c.value))
    if c.min is not None:
        out.add(node, RKG.minValue, integer(c.min))
    if c.max is not None:
        out.add(node, RKG.maxValue, integer(c.max))
    out.add(node, RKG.countQualifier, concept("count-qualifier", kebab(c.qualifier)))
    out.add(node, RKG.wordsAsWritten, text(c.text))
    return node


# -- canonical graph ----------------------------------------------------------------------
def canonical_quads(documents: Sequence[DocumentFacts]) -> list[Quad]:
    """Canonical facts linked across documents, and the entities no registry holds: the
    union of `document_canonical_quads` of each document and `linked_quads` of them all
    (the builder computes the first per document and caches it)."""
    returns = [f for df in documents for f in df.facts if isinstance(f, ForcedReturn)]
    refs = {ref for df in documents for ref in unregistered_refs(df)}
    quads = linked_quads(returns, refs)
    for df in documents:
        quads += document_canonical_quads(df)
    return quads


def document_canonical_quads(df: DocumentFacts) -> list[Quad]:
    """What one document alone puts in the canonical graph: the canonical node of each of
    its facts but forced returns (nodes are named by content, so the same fact from two
    documents is one node), and the entities it discovered (their labels aside)."""
    out = QuadSink(iris.graph("canonical"))
    for fact in df.facts:
        if not isinstance(fact, ForcedReturn):
            _canonical_fact(out, fact)
    doc = URIRef(iris.document(df.document.doc_id))
    for ref in sorted(unregistered_refs(df)):
        node = entity_iri(ref)
        out.add(node, RDF.type, _class(ref.type))
        out.add(node, RKG.reviewStatus, concept("review-status", "unreviewed"))
        out.add(node, RKG.discoveredIn, doc)
    return out.quads


def linked_quads(returns: Iterable[ForcedReturn], discovered: Iterable[EntityRef],
                 stage: LinkStage | None = None) -> list[Quad]:
    """What needs every document at once: forced returns linked into canonical events
    (graph/linking; `stage` when the build has linked them under researchers' decisions,
    which then go in too), and one label per discovered entity (the first of its
    references in sort order)."""
    out = QuadSink(iris.graph("canonical"))
    linked = stage.linked if stage is not None else link_returns(list(returns))
    claim = once_per_fact(claim_iri)  # an event's claims come up again in its links
    for event in linked.events:
        _canonical_return(out, event, claim)
        event_quads(out.add, event, claim)
    if stage is not None:
        curation_quads(out.add, stage, claim, lambda ref: URIRef(expand_iri(ref)))
        concern_quads(out.add, stage, fact_iri)
    labelled: set[URIRef] = set()
    for ref in sorted(set(discovered)):
        node = entity_iri(ref)
        if node not in labelled:
            labelled.add(node)
            out.add(node, RDFS.label, text(ref.label))
    return out.quads


def unregistered_refs(df: DocumentFacts) -> set[EntityRef]:
    """Every entity the document refers to (mentions, facts, publisher) that no registry
    holds."""
    refs = [m.entity for m in df.mentions]
    for fact in df.facts:
        for v in vars(fact).values():
            if isinstance(v, EntityRef):
                refs.append(v)
            elif isinstance(v, tuple):
                refs.extend(x for x in v if isinstance(x, EntityRef))
    if df.publisher is not None:
        refs.append(df.publisher)
    return {ref for ref in refs if not ref.registered}


def _canonical_return(out: QuadSink, event: CanonicalReturn,
                      claim: Callable[[Fact], URIRef] = claim_iri) -> None:
    node = event_iri(event.key)
    out.add(node, RDF.type, RKG.ForcedReturn if event.realised else RKG.UnrealisedReturn)
    for ref, prop in ((event.perpetrator, RKG.perpetrator), (event.origin, RKG.origin),
                      (event.destination, RKG.destination)):
        if ref is not None:
            out.add(node, prop, entity_iri(ref))
    for place in event.places:
        out.add(node, RKG.place, entity_iri(place))
    if event.count is not None:
        out.add(node, RKG.count, _count(out, event.count, node))
    _date(out, node, event.date, RKG.date, RKG.datePrecision)
    for m in event.members:
        out.add(node, RKG.attestedBy, claim(m))
        out.add(node, RKG.trigger, text(m.trigger))
        if m.returnees:
            out.add(node, RKG.returnees, text(m.returnees))
    out.add(node, RDFS.label, text(_return_label(event)))


def _return_label(event: CanonicalReturn) -> str:
    who = event.perpetrator.label if event.perpetrator else "unknown state"
    when = event.date.iso or "date unknown"
    if not event.realised:
        statuses = sorted({m.status for m in event.members})
        return f"Return by {who} reported as {' or '.join(statuses)}, not as done ({when})"
    return f"Forced return by {who} ({when})"


def fact_iri(fact: Fact) -> URIRef:
    """The canonical node of a fact other than a forced return (named by its content)."""
    kind, key, _class = _fact_identity(fact)
    return URIRef(iris.fact(kind, *key))


def _canonical_fact(out: QuadSink, fact: Fact) -> None:
    kind, key, rdf_type = _fact_identity(fact)
    node = URIRef(iris.fact(kind, *key))
    out.add(node, RDF.type, rdf_type)
    if isinstance(fact, SpeechAct):
        out.add(node, RDF.type, RKG.SpeechAct)  # also without inference
    out.add(node, RKG.attestedBy, claim_iri(fact))
    out.add(node, RDFS.label, text(_fact_label(fact)))
    if isinstance(fact, SpeechAct):
        if fact.speaker is not None:
            out.add(node, RKG.speaker, entity_iri(fact.speaker))
        out.add(node, RKG.speakerText, text(fact.speaker_text))
        if fact.addressee is not None:
            out.add(node, RKG.addressee, entity_iri(fact.addressee))
        if fact.addressee_text:
            out.add(node, RKG.addresseeText, text(fact.addressee_text))
        out.add(node, RKG.stance, concept("stance", kebab(fact.stance)))
        out.add(node, RKG.topic, text(fact.topic))
        _date(out, node, fact.date, RKG.date, RKG.datePrecision)
    elif isinstance(fact, TreatyStatement):
        out.add(node, RKG.treaty, entity_iri(fact.treaty))
        if fact.state is not None:
            out.add(node, RKG.actingState, entity_iri(fact.state))
        if fact.kind:
            out.add(node, RKG.actionKind, concept("treaty-action-kind", fact.kind))
        if fact.year is not None:
            out.add(node, RKG.statedYear, integer(fact.year))
        if fact.words:
            out.add(node, RKG.words, text(fact.words))
    elif isinstance(fact, ResolutionAdoption):
        out.add(node, RKG.adoptingBody, entity_iri(fact.body))
        if fact.resolution is not None:
            out.add(node, RKG.resolution, entity_iri(fact.resolution))
            res = entity_iri(fact.resolution)
            out.add(res, RDF.type, RKG.Resolution)
            out.add(res, RDFS.label, text(fact.resolution.label))
            out.add(res, RKG.reviewStatus, concept("review-status", "unreviewed"))
        _date(out, node, fact.date, RKG.date, RKG.datePrecision)
        out.add(node, RKG.description, text(fact.description))
        if fact.adoption_mode:
            out.add(node, RKG.adoptionMode, text(fact.adoption_mode))
        if fact.session:
            out.add(node, RKG.session, text(fact.session))
    elif isinstance(fact, UPRReview):
        out.add(node, RKG.stateUnderReview, entity_iri(fact.state_under_review))
        if fact.cycle is not None:
            out.add(node, RKG.cycle, integer(fact.cycle))
        _date(out, node, fact.date, RKG.date, RKG.datePrecision)
    elif isinstance(fact, PostHolding):
        out.add(node, RKG.holder, entity_iri(fact.person))
        out.add(node, RKG.roleName, text(fact.role))
        if fact.organization is not None:
            out.add(node, RKG.organization, entity_iri(fact.organization))
    elif isinstance(fact, HarmReport):
        out.add(node, RKG.harm, concept("harm-type", fact.harm))
        out.add(node, RKG.words, text(fact.words))
        if fact.source is not None:
            out.add(node, RKG.source, entity_iri(fact.source))
    elif isinstance(fact, Practice):
        if fact.actor is not None:
            out.add(node, RKG.actor, entity_iri(fact.actor))
        out.add(node, RKG.description, text(fact.description))
        since = date_time(fact.since)
        if since is not None:
            out.add(node, RKG.since, since)
    elif isinstance(fact, Detention):
        if fact.detainer is not None:
            out.add(node, RKG.detainer, entity_iri(fact.detainer))
        if fact.facility is not None:
            out.add(node, RKG.detentionFacility, entity_iri(fact.facility))
        for place in fact.places:
            out.add(node, RKG.place, entity_iri(place))
        if fact.count is not None:
            out.add(node, RKG.count, _count(out, fact.count, node))
        if fact.detainees:
            out.add(node, RKG.detainees, text(fact.detainees))
        _date(out, node, fact.date, RKG.date, RKG.datePrecision)
    elif isinstance(fact, Visit):
        out.add(node, RKG.visitor, entity_iri(fact.visitor))
        if fact.place is not None:
            out.add(node, RKG.place, entity_iri(fact.place))
        _date(out, node, fact.date, RKG.date, RKG.datePrecision)


STANCE_WORDS = {"urges": "urges", "calls_on": "calls on", "demands": "demands",
                "recommends": "recommends to", "condemns": "condemns", "welcomes": "welcomes",
                "commends": "commends", "expresses_concern": "expresses concern",
                "reports": "reports", "other": "states"}


def _fact_label(fact: Fact) -> str:
    """A readable one-line label for a canonical fact node."""
    if isinstance(fact, SpeechAct):
        speaker = fact.speaker.label if fact.speaker else fact.speaker_text
        target = _name(fact.addressee, fact.addressee_text)
        return " ".join(w for w in (speaker, STANCE_WORDS[fact.stance], target) if w)
    if isinstance(fact, TreatyStatement):
        who = fact.state.label if fact.state else "no party stated"
        return f"{fact.treaty.label}: {who} ({fact.words or 'mentioned'})"
    if isinstance(fact, ResolutionAdoption):
        return f"Adoption by {fact.body.label} ({fact.date.iso or 'date unknown'})"
    if isinstance(fact, UPRReview):
        return f"Universal Periodic Review of {fact.state_under_review.label}"
    if isinstance(fact, PostHolding):
        org = f" ({fact.organization.label})" if fact.organization else ""
        return f"{fact.person.label}: {fact.role}{org}"
    if isinstance(fact, HarmReport):
        source = f" according to {fact.source.label}" if fact.source else ""
        return f"Harm on return: {fact.harm.replace('-', ' ')}{source}"
    if isinstance(fact, Practice):
        who = fact.actor.label if fact.actor else "unknown actor"
        since = f" since {fact.since.iso}" if fact.since.iso else ""
        return f"Practice of {who}{since}"
    if isinstance(fact, Detention):
        who = fact.detainer.label if fact.detainer else "unknown authority"
        return f"Detention by {who} ({fact.date.iso or 'date unknown'})"
    if isinstance(fact, Visit):
        where = f" to {fact.place.label}" if fact.place else ""
        return f"Visit by {fact.visitor.label}{where} ({fact.date.iso or 'date unknown'})"
    return type(fact).__name__


def _name(ref: EntityRef | None, fallback: str | None) -> str:
    return ref.label if ref is not None else (fallback or "")


def _key(ref: EntityRef | None) -> str:
    return ref.key if ref is not None else ""


def _fact_identity(fact: Fact) -> tuple[str, tuple[object, ...], URIRef]:
    """(kind, content key, class): the same content from two documents is one node."""
    if isinstance(fact, SpeechAct):
        return ("SpeechAct", (_key(fact.speaker) or fact.speaker_text, fact.stance,
                              _key(fact.addressee) or fact.addressee_text, fact.date.iso,
                              fact.topic), CHANNEL_CLASS.get(fact.channel, RKG.SpeechAct))
    if isinstance(fact, TreatyStatement):
        # the year is part of what is stated: sources giving different years stay apart
        return ("TreatyStatement", (fact.treaty.key, _key(fact.state), fact.kind, fact.year),
                RKG.TreatyStatement)
    if isinstance(fact, ResolutionAdoption):
        return ("ResolutionAdoption", (fact.body.key, fact.date.iso, _key(fact.resolution)),
                RKG.ResolutionAdoption)
    if isinstance(fact, UPRReview):
        return ("UPRReview", (fact.state_under_review.key, fact.cycle), RKG.UPRReview)
    if isinstance(fact, PostHolding):
        return ("PostHolding", (fact.person.key, fact.role.casefold(),
                                _key(fact.organization)), RKG.Tenure)
    if isinstance(fact, HarmReport):
        # per document: each source's own wording stays on its own node
        return ("HarmReport", (fact.harm, _key(fact.source), fact.evidence.doc_id),
                RKG.HarmReport)
    if isinstance(fact, Practice):
        return ("Practice", (_key(fact.actor), fact.evidence.doc_id, fact.evidence.start),
                RKG.Practice)
    if isinstance(fact, Detention):
        return ("Detention", (fact.evidence.doc_id, fact.evidence.start, _key(fact.facility)),
                RKG.Detention)
    if isinstance(fact, Visit):
        return ("Visit", (fact.visitor.key, _key(fact.place), fact.date.iso), RKG.Visit)
    raise TypeError(f"no canonical identity for {type(fact).__name__}")


def _class(etype: str) -> URIRef:
    return URIRef(str(RKG) + etype) if etype in RKG_CLASS_NAMES else RKG.Organization


RKG_CLASS_NAMES = frozenset({
    "State", "GovernmentAgency", "NGO", "Coalition", "NationalHumanRightsInstitution",
    "IntergovernmentalOrganization", "UNPrincipalOrgan", "UNSubsidiaryBody", "UNOffice",
    "TreatyBody", "SpecialProcedure", "UNMechanism", "ExpertGroup", "MediaOrganization",
    "Person", "PersonGroup", "Settlement", "AdministrativeRegion", "BorderCrossing",
    "DetentionFacility", "Treaty", "LegalNorm", "DomesticLaw", "Resolution", "Place",
})
