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
# The subset that types a name by itself ("Times", "Post", "Daily" need context): the word for
# "newspaper" in the languages whose papers news in English quotes by name.
MEDIA_NAME_WORDS = frozenset({
    "radio", "media", "news", "newspaper", "broadcasting", "tv", "television", "photo",
    "ilbo", "gazette", "magazine", "shimbun", "sinmun", "ribao", "nippo",
})
# Verbs whose subject is a publication when nothing else types it ("X reported").
PUBLISHING_VERBS = frozenset({"report", "publish", "broadcast", "quote", "air"})
# Words that make a capitalised name an event or a day, not an organisation.
EVENT_WORDS = frozenset({"games", "olympics", "day", "festival", "summit", "anniversary",
                         "affairs", "week", "year", "session", "cup", "expo"})
# Capitalised common nouns the statistical NER takes for organisations when alone.
GENERIC_CAPITALISED = frozenset({"state", "government", "party", "ministry", "department",
                                 "office", "agency", "country", "nation", "committee"})
# Prepositions after which an untyped name is a place ("detained in X", "near X").
PLACE_PREPOSITIONS = frozenset({"in", "near", "via", "through", "across", "outside"})
# Second halves of located forms: "Seoul-based", "Geneva-headquartered".
LOCATED_SUFFIXES = frozenset({"based", "headquartered", "registered", "born", "bred"})

AGENCY_WORDS = frozenset({
    "ministry", "bureau", "police", "department", "directorate", "administration",
    "prosecutor", "prosecutors", "army", "navy", "court", "parliament", "assembly",
    "senate", "congress", "cabinet", "embassy", "consulate", "service", "representatives",
    "lords", "commons", "force", "forces", "intelligence",
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
# Head nouns that end an organisation's name ("the Riverside Aid Network"): capitalised words
# before one of them name an organisation even where the statistical NER sees nothing.
ORG_HEADS = frozenset({
    "foundation", "institute", "center", "centre", "association", "union", "alliance",
    "coalition", "council", "network", "league", "society", "federation", "group",
    "organization", "organisation", "campaign", "movement", "initiative", "fund", "forum",
    "mission", "church", "partners",
})
# Class nouns that, right before a name, say the name is an organisation's ("the rights group
# Mountain Path"), whatever the statistical NER guessed from the name's words.
ORG_CLASS_NOUNS = frozenset({"group", "organisation", "organization", "ngo", "charity",
                             "coalition", "network", "nonprofit", "foundation"})

# Lower-case words allowed inside a proper name ("Committee for the Democratization of ...").
NAME_CONNECTORS = frozenset({"of", "for", "the", "and", "in", "on", "to", "against", "at",
                             "de", "du", "la", "&", "-", "'s", "’s", "with"})

# Titles and honorifics that precede a person's name.
TITLES = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "prof", "prof.",
                    "president", "minister", "ambassador", "chairperson", "chairman", "judge",
                    "rev", "rev.", "sen.", "senator", "rep.", "representative", "general",
                    "secretary", "spokesperson", "spokesman", "spokeswoman", "director"})

# A place, a level and a force make a local agency ("the Riverside provincial police").
FORCE_LEVELS = frozenset({"provincial", "district", "municipal", "city", "county", "local",
                          "regional", "state", "border", "national"})
FORCE_NOUNS = frozenset({"police", "gendarmerie", "militia"})

# Peerage titles that are part of the name they precede ("Lord Clarke of Hampstead").
PEERAGE_TITLES = frozenset({"lord", "lady", "baroness", "baron", "earl", "viscount",
                            "countess", "marquess"})

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
                        "korea", "print", "home", "earth", "south east", "south west",
                        "north east", "north west", "southeast", "northeast"})

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

# -- discourse (graph/extract/discourse.py) -------------------------------------------------
# Pronouns that stand for one person.
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
# Role nouns that, with "the", stand for a person named earlier ("the envoy said").
PERSON_ROLE_NOUNS = frozenset({
    "envoy", "rapporteur", "spokesman", "spokeswoman", "spokesperson", "ambassador",
    "minister", "governor", "judge", "lawyer", "director", "chairman", "chairwoman",
    "chairperson", "president", "pastor", "activist", "researcher", "commissioner",
    "official", "representative", "senator", "lawmaker", "professor", "chief", "head",
})
# Role nouns that, with "the" or a possessive, stand for an organisation named earlier.
ORG_ROLE_NOUNS = frozenset({
    "group", "expert", "organization", "organisation", "ngo", "coalition", "agency", "office",
    "ministry", "department", "committee", "commission", "council", "body", "court",
    "government", "authorities", "country",
})
# Titles before a name that name the institution the holder sits in, by its head noun.
TITLE_INSTITUTIONS: dict[str, tuple[str, ...]] = {  # most specific head noun first
    "judge": ("court", "tribunal"),
    "justice": ("court",),
    "representative": ("representatives", "congress"),
    "rep": ("representatives", "congress"),
    "congressman": ("representatives", "congress"),
    "congresswoman": ("representatives", "congress"),
    "senator": ("senate", "congress"),
    "sen": ("senate", "congress"),
    "lord": ("lords",),
    "baroness": ("lords",),
    "mp": ("commons", "parliament"),
}
# Posts that are mandates of a system of bodies ("the two rapporteurs").
MANDATE_NOUNS = frozenset({"rapporteur", "rapporteurs", "expert", "experts"})
# Posts that speak for whichever body the text is about ("spokesman X said the office...").
SPOKESPERSON_NOUNS = frozenset({"spokesman", "spokeswoman", "spokesperson"})
# Prepositions that introduce the topic of a post, not its employer ("researcher on Japan").
TOPIC_PREPOSITIONS = frozenset({"on", "about", "regarding", "concerning", "into"})
# Prepositions that introduce the employer of a post ("director of X", "researcher at X").
EMPLOYER_PREPOSITIONS = frozenset({"of", "at", "for", "with", "in", "from"})
# Verbs of a relative clause that tie a person to an organisation ("who works with X").
MEMBERSHIP_VERBS = frozenset({"work", "direct", "head", "lead", "run", "found", "represent",
                              "chair", "serve", "join", "belong", "volunteer"})
