"""Language knowledge the NLP stage uses: word lists, never facts about the world.

Which states, organisations and places exist lives in `ontology/reference/`; this module only
knows English: which nouns denote a government, which words make an organisation a newspaper,
which verbs report speech, and so on.
"""

from __future__ import annotations

# Nouns that, after a demonym ("Chinese authorities"), denote the state as an actor.
GOVERNMENT_NOUNS = frozenset({
    "authorities", "authority", "officials", "official", "government", "governments",
    "police", "regime", "administration", "border guards", "guards", "security forces",
    "border police", "security police", "public security", "troops", "soldiers", "navy",
    "coast guard", "immigration officials", "immigration authorities", "embassy",
    "security officials", "state", "leadership", "diplomats", "delegation",
})

# Words that type an unknown organisation name (checked on the name's own words).
MEDIA_WORDS = frozenset({
    "radio", "media", "news", "newspaper", "times", "daily", "post", "herald", "tribune",
    "broadcasting", "broadcast", "tv", "television", "photo", "press", "journal", "ilbo",
    "gazette", "network", "channel", "magazine", "wire", "agency",
})
AGENCY_WORDS = frozenset({
    "ministry", "bureau", "police", "department", "directorate", "administration",
    "prosecutor", "prosecutors", "army", "navy", "court", "parliament", "assembly",
    "senate", "congress", "cabinet", "embassy", "consulate", "service",
})
NHRI_WORDS = ("human rights commission", "commission of human rights",
              "national human rights", "ombudsman", "human rights council of")
UN_PREFIXES = ("united nations", "un ", "u.n. ")
FACILITY_WORDS = frozenset({
    "prison", "camp", "jail", "gaol", "detention", "kyohwaso", "kwanliso", "centre", "center",
    "penitentiary", "facility",
})
FACILITY_REQUIRED = frozenset({"prison", "camp", "jail", "detention", "kyohwaso", "kwanliso",
                               "penitentiary"})
REGION_WORDS = frozenset({"province", "prefecture", "county", "region", "district",
                          "oblast", "krai", "state"})
ORG_WORDS = frozenset({
    "foundation", "institute", "center", "centre", "association", "union", "alliance",
    "coalition", "council", "committee", "network", "watch", "international", "league",
    "society", "federation", "solidarity", "group", "organization", "organisation",
    "campaign", "corporation", "incorporated", "inc", "academy", "movement", "initiative",
    "project", "fund", "trust", "forum", "citizens", "lawyers", "fighters", "friends",
    "mission", "church", "partners", "commission", "agency", "office", "university",
})
COALITION_WORDS = frozenset({"coalition", "alliance", "network"})

# Lower-case words allowed inside a proper name ("Committee for the Democratization of ...").
NAME_CONNECTORS = frozenset({"of", "for", "the", "and", "in", "on", "to", "against", "at",
                             "de", "du", "la", "&", "-", "'s", "’s", "with"})

# Titles and honorifics that precede a person's name.
TITLES = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "prof", "prof.",
                    "president", "minister", "ambassador", "chairperson", "chairman", "judge",
                    "rev", "rev.", "sen.", "senator", "rep.", "representative", "general",
                    "secretary", "spokesperson", "spokesman", "spokeswoman", "director"})

# Prepositions after which a capital city is a location, not its government.
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "to", "from", "near", "through", "into", "via",
                                   "outside", "inside", "around", "across", "toward",
                                   "towards", "between"})
MOTION_VERBS = frozenset({"visit", "travel", "arrive", "leave", "reach", "flee", "fly",
                          "enter", "return", "move", "go", "come", "escape", "cross"})

# Nouns for the people who are returned or detained: one list, in graph/text/numbers.py
# (PERSON_NOUNS, PERSON_NOUNS_SINGULAR), since counting people needs it before any parse.

# Nouns for messages: "sent a letter to Beijing" addresses a government, not a city.
MESSAGE_NOUNS = frozenset({"letter", "message", "note", "appeal", "request", "communication",
                           "complaint", "petition", "plea", "statement", "report"})

# Capitalised words the statistical NER takes for places, which are not places by themselves.
NOT_PLACES = frozenset({"north", "south", "east", "west", "states", "the north", "the south",
                        "korea", "print", "home"})

# Nouns that make a span a title or post ("UN Special Rapporteur"), not a name.
ROLE_NOUNS = frozenset({
    "director", "rapporteur", "minister", "ambassador", "chairperson", "chairman",
    "chairwoman", "chair", "spokesperson", "spokesman", "spokeswoman", "president",
    "secretary", "secretary-general", "head", "chief", "envoy", "commissioner", "researcher",
    "founder", "member", "official", "expert", "representative", "coordinator", "leader",
    "advocate", "lawmaker", "legislator", "senator", "deputy", "counsel", "analyst",
    "professor", "photographer", "editor", "correspondent", "reporter", "activist",
    "lawyer", "attorney", "judge", "investigator", "officer", "manager", "fellow",
    "executive", "adviser", "advisor", "consul", "diplomat", "vice", "premier", "king",
    "general", "commander", "governor", "mayor", "campaigner", "pastor", "missionary",
    "defector", "author", "scholar",
})
