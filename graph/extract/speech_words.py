"""The word lists of `rkg.speech.v1` (language, not facts): kinds by trigger from the frames
file, and the small closed classes the speech reader tests words against."""

from __future__ import annotations

import re

from graph.extract.frames import ADJ_FRAMES, NOUN_FRAMES, VERB_FRAMES, load_frames

# Kinds by trigger, from the frames file (graph/lexicons/speech_frames.tsv).
VERB_KINDS = {lemma: f.kind for lemma, f in VERB_FRAMES.items() if not f.particles}
PARTICLE_LEMMAS = frozenset(f.lemma for f in load_frames() if f.pos == "verb" and f.particles)
PARTICLE_KINDS = {(f.lemma, p): f.kind for f in load_frames() if f.pos == "verb"
                  for p in f.particles if f.lemma != "call"}
NOUN_KINDS = {lemma: f.kind for lemma, f in NOUN_FRAMES.items()}
NOUN_KINDS.update({lemma + "s": kind for lemma, kind in list(NOUN_KINDS.items())})
CONCERN_WORDS = frozenset({w for w, f in ADJ_FRAMES.items() if f.kind == "expresses_concern"}
                          | {"concern"})
WELCOME_WORDS = frozenset({w for w, f in ADJ_FRAMES.items() if f.kind == "welcomes"}
                          | {"welcome", "welcomed", "welcomes"})
CONDEMN_LEMMAS = frozenset({"condemn", "denounce", "deplore", "breach", "violate", "flout",
                            "contravene"})
EXPRESS_VERBS = frozenset({"express", "voice", "raise", "convey", "share", "register",
                           "lodge", "file", "issue", "record", "reiterate", "reaffirm"})
APPEALS = frozenset({"urges", "calls_on", "demands", "recommends"})
LIST_ITEM = re.compile(r"^\(?[a-z]{1,3}\)\s")  # "(a) ", "b) ", "(iv) "
PARAGRAPH_NUMBER = re.compile(r"^\d{1,3}\.\s")  # "84. "
# Verbs whose plain object is no statement ("maintained a calm attitude", "denied entry").
BARE_OBJECT_LEMMAS = frozenset({"deny", "reject", "refuse", "dismiss", "maintain", "turn",
                                "say", "state", "tell", "add", "find", "answer", "respond",
                                "reply", "comment"})
# What a refusal or denial turns down ("rejected the request", "denied the report").
REFUSABLE_NOUNS = frozenset({"request", "claim", "report", "reports", "notice", "allegation",
                             "accusation", "call", "appeal", "plan", "proposal", "demand",
                             "offer", "suggestion", "charge", "application", "bid", "draft",
                             "resolution", "recommendation", "it", "this", "that"})
# Words that make a clause a call for action ("it is important that all states abide").
NEEDFUL_WORDS = frozenset({"important", "essential", "necessary", "vital", "crucial",
                           "imperative", "urgent"})
QUOTE_CLOSERS = frozenset({",", "”", '"', "’", "'"})
LETTER_NOUNS = frozenset({"letter", "communication", "petition", "communique"})
SEND_VERBS = frozenset({"send", "write", "address", "submit", "deliver", "transmit"})
# Verbs that only carry words: the reported clause decides the kind ("said X should ..." is an
# appeal, "claimed the ministry did nothing" a report or a criticism).
SAYING_LEMMAS = frozenset({"say", "state", "tell", "add", "argue", "insist", "note",
                           "stress", "emphasize", "emphasise", "maintain", "reply", "respond",
                           "answer", "explain", "comment", "claim", "assert", "allege",
                           "find"})
RESOLUTION_NOUNS = frozenset({"resolution", "draft", "text", "declaration"})
SPEECH_NOUNS = frozenset({"statement", "letter", "letters", "report", "appeal", "communique",
                          "communication", "declaration", "petition", "submission"})
# Warnings: what is warned of may be an accusation ("warned that X's acts amount to ...").
WARNING_LEMMAS = frozenset({"warn", "caution"})
# Verbs whose clause holds the party a criticism or concern is about.
CLAUSE_LEMMAS = SAYING_LEMMAS | WARNING_LEMMAS
# Words that make a harm a feared one ("likely", "at risk of", "could face").
LIKELIHOOD_WORDS = frozenset({"likely", "probably", "risk", "face", "faces", "facing",
                              "fear", "feared", "danger", "could", "may", "might", "would"})
# Verbs that blame their subject for not acting ("ignored the pleas", "neglected ...").
INACTION_VERBS = frozenset({"ignore", "neglect", "disregard"})
CONDEMN_OBJECTS = frozenset({"breach", "violation", "violations", "crime", "crimes",
                             "affront", "outrage"})
# What calling an act wrong names it ("called the returns inhumane").
CONDEMNING_WORDS = frozenset({"inhumane", "inhuman", "unlawful", "illegal", "cruel",
                              "unacceptable", "shameful", "barbaric", "outrageous", "appalling",
                              "deplorable", "atrocity", "abhorrent", "unconscionable"})
BREACH_VERBS = frozenset({"breach", "violate", "flout", "contravene"})
CONDEMN_VERBS = frozenset({"represent", "constitute", "amount", "be"})
TOPIC_PREPS = frozenset({"on", "about", "in", "regarding", "concerning", "over"})
APPEAL_MODALS = frozenset({"must", "should", "ought"})
MODAL_WORDS = frozenset({"must", "should", "ought", "would", "could", "may", "might", "will",
                         "shall", "can"})
# Generic addressees worth keeping as text ("all member states", "the international community")
AGENTIVE_NOUNS = frozenset({"community", "states", "countries", "nations", "governments",
                            "government", "authorities", "members", "parties", "organizations",
                            "organisations", "agencies", "groups", "leaders", "world",
                            "neighbours", "neighbors", "donors", "partners", "allies"})
# Heads of unnamed speakers worth keeping as text ("South Korean human rights groups").
GROUP_SPEAKERS = frozenset({"group", "activist", "lawmaker", "legislator", "official",
                            "organization", "organisation", "expert", "source", "advocate",
                            "coalition", "campaigner", "critic", "observer", "diplomat",
                            "researcher", "analyst", "witness", "defector", "resident",
                            "survivor", "relative", "lawyer", "agency", "ngo", "member", "worker",
                            "volunteer", "missionary", "journalist", "escapee"})
OFFICIAL_NOUNS = frozenset({"spokesman", "spokeswoman", "spokesperson", "official", "ministry",
                            "government", "diplomat", "envoy", "ambassador", "delegation",
                            "representative", "delegate", "minister", "authority"})
PRONOUN_ADDRESSEES = frozenset({"it", "them", "they", "him", "her"})
ANAPHOR_NOUNS = frozenset({"group", "organization", "organisation", "experts", "expert",
                           "coalition",
                           "ngo", "body", "agency", "rapporteur", "specialists", "council",
                           "committee", "commission", "office", "ministry", "government",
                           "professionals", "statement", "resolution"})
