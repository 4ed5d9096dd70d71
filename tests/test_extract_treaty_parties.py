"""Treaty parties stated or implied, in wordings of news, NGO releases and UN texts.

Every sentence here is written for these tests (real treaty names and states, invented
wording). Each case says which (treaty, state) rows the text states or clearly implies, and
the year of joining where given; a case with no rows must give none (negation, appeals,
hypotheticals, bare mentions).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from graph.extract import extract_document
from graph.extract.treaty_words import PartyWordError, party_words
from graph.facts import DateValue, DocumentFacts, DocumentInfo, TreatyStatement

REF = "Convention relating to the Status of Refugees"
PROT = "Protocol relating to the Status of Refugees"
CAT = "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment"
ICCPR = "International Covenant on Civil and Political Rights"
ICESCR = "International Covenant on Economic, Social and Cultural Rights"
CRC = "Convention on the Rights of the Child"
CEDAW = "Convention on the Elimination of All Forms of Discrimination against Women"

Row = tuple[str, str] | tuple[str, str, int]


def run(text: str) -> DocumentFacts:
    info = DocumentInfo(hashlib.sha256(text.encode()).hexdigest(), "t.txt", text,
                        date=DateValue("2016-06-10", "day"))
    return extract_document(info)


def check(text: str, expected: set[Row]) -> None:
    found = {(f.treaty.label, f.state.label, f.year) for f in run(text).facts
             if isinstance(f, TreatyStatement) and f.state is not None}
    assert {(t, s) for t, s, _y in found} == {row[:2] for row in expected}, found
    for row in expected:
        if len(row) == 3:
            assert row in found, (row, found)


STATED = [
    ("Kazakhstan is a party to the Convention against Torture.", {(CAT, "Kazakhstan")}),
    ("Uzbekistan is a state party to the International Covenant on Civil and Political "
     "Rights.", {(ICCPR, "Uzbekistan")}),
    ("Nepal is a signatory of the Convention on the Rights of the Child.", {(CRC, "Nepal")}),
    ("Mongolia ratified the Convention against Torture in 2002.", {(CAT, "Mongolia", 2002)}),
    ("Cambodia acceded to the 1951 Refugee Convention in 1992, officials noted.",
     {(REF, "Cambodia", 1992)}),
    ("In 1988, Vietnam joined the Convention against Torture.", {(CAT, "Vietnam", 1988)}),
    ("Laos became a party to the ICCPR in 2009.", {(ICCPR, "Laos", 2009)}),
    ("Vietnam became party to the Convention against Torture on 5 February 2015.",
     {(CAT, "Vietnam", 2015)}),
    ("Laos acceded in 2012 to the Convention against Torture.", {(CAT, "Laos", 2012)}),
    ("In October 1988, Vietnam ratified the Convention against Torture.",
     {(CAT, "Vietnam", 1988)}),
    ("Mongolia has been a party to the CRC since 1990.", {(CRC, "Mongolia", 1990)}),
    ("Vietnam's accession to the Convention against Torture in 2015 was welcomed.",
     {(CAT, "Vietnam", 2015)}),
    ("Kazakhstan's ratification of the ICCPR in 2006 was a milestone.",
     {(ICCPR, "Kazakhstan", 2006)}),
    ("Malaysia has signed but not ratified the Convention against Torture.",
     {(CAT, "Malaysia")}),
    ("Mongolia is also a signatory to the Convention against Torture.", {(CAT, "Mongolia")}),
    ("Kenya is among the states that have ratified the Convention against Torture.",
     {(CAT, "Kenya")}),
    ("Kenya, unlike Somalia, is a party to the Refugee Convention.", {(REF, "Kenya")}),
    ("Officials in India said Nepal had joined the Convention against Torture in 1991 and "
     "Bhutan had not.", {(CAT, "Nepal", 1991)}),
    ("Vietnam ratified the Convention against Torture in 2015; Laos has not.",
     {(CAT, "Vietnam", 2015)}),
    ("Laos is one of 140 signatories to the Refugee Convention.", {(REF, "Laos")}),
    ("Laos, which is among the signatories of the Convention against Torture, deported "
     "them.", {(CAT, "Laos")}),
    ("Laos, a party to the Convention against Torture, did not return them.", {(CAT, "Laos")}),
    ("Vietnam, a member of ASEAN and a party to the Convention against Torture, deported "
     "them.", {(CAT, "Vietnam")}),
    ("The 1951 convention, which Cambodia signed, protects them.", {(REF, "Cambodia")}),
    ("Countries that have ratified the Convention against Torture, such as Thailand, must not "
     "return anyone.", {(CAT, "Thailand")}),
    ("Critics say Laos, as a member of the Refugee Convention, cannot return them.",
     {(REF, "Laos")}),
    ("Vietnam, a member of the Human Rights Council, is bound by the Convention against "
     "Torture.", {(CAT, "Vietnam")}),
    ("Thailand is obligated under international law, including the Refugee Convention, to "
     "protect them.", {(REF, "Thailand")}),
    ("States parties to the Refugee Convention, including Kenya, must protect refugees.",
     {(REF, "Kenya")}),
    ("Thailand violates refugee convention, says UN", {(REF, "Thailand")}),
    ("Laos, which has signed and ratified the Convention against Torture, deported them.",
     {(CAT, "Laos")}),
    ("Lawmakers pressed Laos to respect its duties as a state party to the Refugee "
     "Convention and its Protocol.", {(REF, "Laos"), (PROT, "Laos")}),
    ("As a state party to the Convention against Torture, Nepal is covered by the ban on "
     "torture.", {(CAT, "Nepal")}),
]

RELATIVE_AND_POSSESSIVE = [
    ("The ban is written into the Convention against Torture and the ICCPR, both of which "
     "Nepal has ratified.", {(CAT, "Nepal"), (ICCPR, "Nepal")}),
    ("The returns breach the Refugee Convention, to which Kenya is a party.", {(REF, "Kenya")}),
    ("Malaysia, which is bound by the Convention on the Rights of the Child, detained the "
     "boys.", {(CRC, "Malaysia")}),
    ("Vietnam, which ratified the Convention against Torture in 2015, still deports people.",
     {(CAT, "Vietnam", 2015)}),
    ("The Convention against Torture, to which Mongolia acceded in 2002, bans such returns.",
     {(CAT, "Mongolia", 2002)}),
    ("The refugee convention, which Cambodia signed in 1992, protects the families.",
     {(REF, "Cambodia", 1992)}),
    ("Under CEDAW, which Laos ratified in 1981, the women are protected.",
     {(CEDAW, "Laos", 1981)}),
    ("The envoy from Laos said Cambodia, which ratified the Refugee Convention in 1992, should "
     "protect the group.", {(REF, "Cambodia", 1992)}),
    ("Human Rights Watch urged Thailand, which is a party to the Convention against Torture, "
     "to halt the returns to Laos.", {(CAT, "Thailand")}),
    ("Thailand's status as a party to the Convention against Torture was raised.",
     {(CAT, "Thailand")}),
]

OBLIGATIONS_AND_VIOLATIONS = [
    ("Indonesia, which has obligations under the Convention against Torture, deported the "
     "men.", {(CAT, "Indonesia")}),
    ("Mongolia's obligations under the Convention against Torture forbid the transfer.",
     {(CAT, "Mongolia")}),
    ("Activists said Vietnam acted in violation of its obligations under the Convention "
     "against Torture.", {(CAT, "Vietnam")}),
    ("Thailand must honour its obligations under the Convention against Torture, the group "
     "said.", {(CAT, "Thailand")}),
    ("By sending them back, Laos would violate its commitments under the ICCPR.",
     {(ICCPR, "Laos")}),
    ("Human Rights Watch urged Thailand to honour its obligations under the Convention "
     "against Torture and not send the men to Laos.", {(CAT, "Thailand")}),
    ("Nepal's treaty obligations under the Convention against Torture are binding.",
     {(CAT, "Nepal")}),
    ("Kenya has an obligation under the Refugee Convention to protect them.", {(REF, "Kenya")}),
    ("India said Thailand is obliged under the Convention against Torture to stop the "
     "deportations.", {(CAT, "Thailand")}),
    ("The deportations contravene the Convention against Torture, which Vietnam ratified in "
     "2015.", {(CAT, "Vietnam", 2015)}),
    ("As a signatory to the Refugee Convention, Mongolia must protect the group.",
     {(REF, "Mongolia")}),
    ("Indonesia, despite being a party to the Convention against Torture, returned the men.",
     {(CAT, "Indonesia")}),
    ("Japan, a signatory nation to the Refugee Convention, sent them to South Korea.",
     {(REF, "Japan")}),
]

LISTS_PASSIVES_AND_GROUPS = [
    ("Japan is party to the Refugee Convention and its Protocol.",
     {(REF, "Japan"), (PROT, "Japan")}),
    ("Kenya is party to the 1951 Refugee Convention, the Convention against Torture and the "
     "ICCPR.", {(REF, "Kenya"), (CAT, "Kenya"), (ICCPR, "Kenya")}),
    ("Sri Lanka is a state party to the ICCPR and the ICESCR.",
     {(ICCPR, "Sri Lanka"), (ICESCR, "Sri Lanka")}),
    ("Cambodia is a party to the Convention relating to the Status of Refugees and its 1967 "
     "Protocol.", {(REF, "Cambodia"), (PROT, "Cambodia")}),
    ("As a State party to the Convention against Torture, the ICCPR and the Refugee "
     "Convention, Thailand must not return them.",
     {(CAT, "Thailand"), (ICCPR, "Thailand"), (REF, "Thailand")}),
    ("Indonesia has ratified several core treaties, including the ICCPR and the Convention "
     "against Torture.", {(ICCPR, "Indonesia"), (CAT, "Indonesia")}),
    ("The Convention against Torture, ratified by Nepal in 1991, was cited by India.",
     {(CAT, "Nepal", 1991)}),
    ("India noted that the Convention on the Rights of the Child was ratified by both Laos "
     "and Vietnam.", {(CRC, "Laos"), (CRC, "Vietnam")}),
    ("Both Laos and Vietnam are parties to the Convention on the Rights of the Child.",
     {(CRC, "Laos"), (CRC, "Vietnam")}),
    ("Laos and Vietnam, both signatories to the Convention on the Rights of the Child, "
     "returned the children.", {(CRC, "Laos"), (CRC, "Vietnam")}),
    ("Cambodia signed the Convention against Torture in 1992 and ratified it in 1992, the "
     "envoy from Laos said.", {(CAT, "Cambodia", 1992)}),
]

ANAPHORS_AND_ALIASES = [
    ("The 1951 Refugee Convention forbids such returns. Cambodia acceded to the convention "
     "in 1992.", {(REF, "Cambodia", 1992)}),
    ("Rights groups cite the Convention against Torture. Nepal has been bound by the treaty "
     "since 1991.", {(CAT, "Nepal", 1991)}),
    ("The International Covenant on Civil and Political Rights guarantees the right to "
     "leave. Laos ratified the covenant in 2009.", {(ICCPR, "Laos", 2009)}),
    ("Thailand is a party to the UN Convention Against Torture.", {(CAT, "Thailand")}),
    ("Nepal is a signatory to the U.N. refugee convention.", {(REF, "Nepal")}),
    ("Vietnam has ratified the UN torture convention.", {(CAT, "Vietnam")}),
    ("Laos is a party to the anti-torture convention.", {(CAT, "Laos")}),
    ("Mongolia is a party to the 1951 U.N. convention on refugees.", {(REF, "Mongolia")}),
]

TREATY_BODIES = [
    ("Concluding observations on the second periodic report of Mongolia\n\nThe Committee "
     "recalls that the State party is bound by the Convention against Torture.",
     {(CAT, "Mongolia")}),
    ("Concluding observations on the initial report of Laos\n\nThe Committee reminds the "
     "State party of its obligations under the International Covenant on Civil and "
     "Political Rights.", {(ICCPR, "Laos")}),
    ("Concluding observations on the fourth periodic report of Mongolia\n\nThe Committee "
     "reminds the State party that the Convention on the Rights of the Child obliges it to "
     "protect every child, including children from Laos.", {(CRC, "Mongolia")}),
    ("Committee against Torture\nConcluding observations on Nepal\n\nThe Committee reminds "
     "the State party of its obligations under the Convention against Torture.",
     {(CAT, "Nepal")}),
    ("Human Rights Committee: concluding observations on the report submitted by Laos\n\n"
     "The Committee is concerned that the State party, although bound by the International "
     "Covenant on Civil and Political Rights, returns asylum seekers.", {(ICCPR, "Laos")}),
    ("The Committee considered Mongolia's second periodic report at its meeting.\n\nThe "
     "State party should respect its obligations under the Convention on the Rights of the "
     "Child.", {(CRC, "Mongolia")}),
    ("Committee on the Rights of the Child\nConcluding observations on the combined fifth and "
     "sixth periodic reports of Vietnam\n\nThe Committee recommends that the State party "
     "ratify the Convention relating to the Status of Refugees.", set()),
]

METONYMS_PRONOUNS_AND_BINDING = [
    ("Beijing, which acceded to the Refugee Convention in 1982, sends them back.",
     {(REF, "China", 1982)}),
    ("The Chinese government is a signatory to the Refugee Convention.", {(REF, "China")}),
    ("Mongolia detains the women. It is a party to the Convention against Torture.",
     {(CAT, "Mongolia")}),
    ("Laos detains the women, although it is a party to the Convention against Torture.",
     {(CAT, "Laos")}),
    ("Thailand urged Laos to abide by the Refugee Convention, to which it is a party.",
     {(REF, "Laos")}),
    ("Vietnamese authorities, who are bound by the Convention against Torture, returned them "
     "to Laos.", {(CAT, "Vietnam")}),
    ("Forced repatriation violates Thailand's obligations under the Refugee Convention, the "
     "activist said.", {(REF, "Thailand")}),
    ("Returning them would breach Nepal's duties as a party to the Convention against "
     "Torture.", {(CAT, "Nepal")}),
    ("The Refugee Convention obliges Laos not to return refugees.", {(REF, "Laos")}),
    ("The Convention against Torture, which binds Vietnam, forbids the returns.",
     {(CAT, "Vietnam")}),
    ("The Refugee Convention, of which Cambodia is a signatory, protects them.",
     {(REF, "Cambodia")}),
    ("Thailand is not a party to the Refugee Convention, while Cambodia acceded to it in "
     "1992.", {(REF, "Cambodia", 1992)}),
    ("Nepal acceded to the Convention against Torture in 1991 and to the ICCPR the same "
     "year.", {(CAT, "Nepal", 1991), (ICCPR, "Nepal")}),
]

NO_PARTY = [
    "Myanmar has not ratified the Refugee Convention.",
    "Myanmar is not a party to the Refugee Convention.",
    "The group urged Malaysia to ratify the Refugee Convention.",
    "Malaysia has yet to sign the Refugee Convention.",
    "Were Laos to ratify the Convention against Torture, it would have to stop the returns.",
    "Thailand has never acceded to the Refugee Convention.",
    "Pakistan is not a signatory to the 1951 Refugee Convention or its 1967 Protocol.",
    "Malaysia is one of the few countries that have not signed the Refugee Convention.",
    "Thailand should accede to the Refugee Convention, the rapporteur said.",
    "Human Rights Watch called on Thailand to respect the Refugee Convention.",
    "The Refugee Convention is clear. Malaysia has never signed the convention.",
    "Laos has refused to ratify the Refugee Convention.",
    "Thailand has not signed the 1951 Refugee Convention, nor its 1967 Protocol.",
    "If Malaysia ratified the Refugee Convention, the refugees could work.",
    "The group wants Indonesia to accede to the Refugee Convention.",
    "Activists pressed Laos to become a party to the Convention against Torture.",
    "Laos could sign the Refugee Convention next year.",
    "Thailand is considering joining the Refugee Convention.",
    "Malaysia, a non-signatory to the Refugee Convention, detains refugees.",
    "Non-party states such as Malaysia are not bound by the Refugee Convention.",
    "Laos told Thailand that it had no obligations under the Refugee Convention.",
    "The Refugee Convention, which Thailand has not signed, was discussed in Laos.",
    "The obligations of states under the Refugee Convention are clear.",
    "The agency's duties under the Refugee Convention include supervision.",
    "The Convention against Torture prohibits returning anyone to torture.",
    "Experts cited the Convention against Torture in their letter.",
    "The Refugee Convention was adopted in 1951.",
    "UNHCR supervises the application of the Refugee Convention in Thailand.",
    "The Committee urges the State party to ratify the Convention against Torture without "
    "delay.",
    "The treaty, which Laos ratified in 2012, bans torture.",
    "The Refugee Convention requires states to protect refugees.",
    "The Refugee Convention would oblige Malaysia to protect them.",
    "The Convention against Torture, signed in 1984, bans returns to Laos.",
    "Laos signed a trade deal with Thailand on Friday, and critics cited the Refugee "
    "Convention.",
    "The Workers' Party of Korea rejects the Convention against Torture.",
    "Laos is a party to the dispute, lawyers said, citing the Convention against Torture.",
    "Thailand joined the talks after activists invoked the Refugee Convention.",
    "Laos signed the statement, which quoted the Convention against Torture.",
    "The ruling party in Laos praised the Convention on the Rights of the Child.",
    "Nepal, a third party in the case, referred to the Convention against Torture.",
    "Laos is not among the signatories of the Refugee Convention.",
    "Laos, which never signed the Refugee Convention, deported them.",
    "Neither Laos nor Myanmar is a party to the Refugee Convention.",
    "Laos is not yet a party to the Refugee Convention.",
    "Laos has yet to become a party to the Convention against Torture.",
    "Laos refuses to be bound by the Refugee Convention.",
    "Laos, which denies being bound by the Refugee Convention, deported them.",
    "Laos claims it is not bound by the Refugee Convention.",
    "The Refugee Convention, signed by 145 countries, does not bind Thailand.",
    "The Refugee Convention, ratified by most countries in Europe, is ignored in Laos.",
    "Under the Refugee Convention, refugees in Thailand cannot be returned.",
    "Thailand's immigration law ignores the Refugee Convention.",
    "Thailand said the Refugee Convention, which it has not signed, does not apply.",
    "Laos, a member of ASEAN, cited the Convention against Torture.",
    "Amnesty said the Refugee Convention, to which most Asian states are party, protects "
    "people fleeing Laos.",
    "Many countries have ratified the Convention against Torture, but Laos has not.",
    "Members of the Committee against Torture asked Laos about the Convention against "
    "Torture.",
]


@pytest.mark.parametrize(("text", "expected"), STATED)
def test_treaty_parties_stated(text: str, expected: set[Row]) -> None:
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), RELATIVE_AND_POSSESSIVE)
def test_treaty_parties_relative_and_possessive(text: str, expected: set[Row]) -> None:
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), OBLIGATIONS_AND_VIOLATIONS)
def test_treaty_parties_implied_by_obligations_and_violations(text: str,
                                                              expected: set[Row]) -> None:
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), LISTS_PASSIVES_AND_GROUPS)
def test_treaty_parties_lists_passives_and_groups(text: str, expected: set[Row]) -> None:
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), ANAPHORS_AND_ALIASES)
def test_treaty_parties_anaphors_and_aliases(text: str, expected: set[Row]) -> None:
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), METONYMS_PRONOUNS_AND_BINDING)
def test_treaty_parties_metonyms_pronouns_and_binding(text: str, expected: set[Row]) -> None:
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), TREATY_BODIES)
def test_treaty_parties_in_treaty_body_texts(text: str, expected: set[Row]) -> None:
    check(text, expected)


@pytest.mark.parametrize("text", NO_PARTY)
def test_treaty_parties_none_when_not_stated(text: str) -> None:
    check(text, set())


def test_treaty_parties_two_names_joined_by_and_stay_two_treaties() -> None:
    df = run("The Convention against Torture and the ICCPR forbid such returns.")
    treaties = {m.entity.label for m in df.mentions if m.entity.type == "Treaty"}
    assert treaties == {CAT, ICCPR}
    assert not any(" and the " in m.surface for m in df.mentions)


def test_treaty_parties_mention_without_party_is_recorded() -> None:
    facts = [f for f in run("Experts cited the Convention against Torture.").facts
             if isinstance(f, TreatyStatement)]
    assert [(f.treaty.label, f.state) for f in facts] == [(CAT, None)]


def test_treaty_party_words_file_rejects_a_malformed_line(tmp_path: Path) -> None:
    bad = tmp_path / "words.tsv"
    bad.write_text("word\tkind\tpos\trole\nratified\tratification\tverb\n", encoding="utf-8")
    with pytest.raises(PartyWordError, match=r"words\.tsv:2"):
        party_words(bad)
    unknown = tmp_path / "unknown.tsv"
    unknown.write_text("word\tkind\tpos\trole\nratified\tapproval\tverb\tclaim\n",
                       encoding="utf-8")
    with pytest.raises(PartyWordError, match=r"unknown\.tsv:2"):
        party_words(unknown)


def test_treaty_party_words_file_is_read() -> None:
    words = party_words()
    assert words["acceded"].kind == "accession" and words["acceded"].role == "claim"
    assert words["denies"].role == "cancels" and words["recommends"].role == "cancels"
    assert words["obligations"].role == "obligation"
    assert words["breaching"].role == "violation" and words["breaching"].pos == "verb"
