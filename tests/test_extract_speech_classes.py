"""Statement classes found on the development set (session 4), each shown by sentences
written for these tests; none is copied from a corpus."""

from __future__ import annotations

from test_extract_discourse import acts, run, spans

from graph.facts import SpeechAct
from graph.registry import load_registry

HEADLINE = "Refugee returns reported\n\n"


def test_a_capital_owns_its_ministry_and_the_bare_name_is_that_ministry() -> None:
    found = spans(HEADLINE + "Tokyo's Foreign Ministry declined to comment on Friday. "
                  "Reporters later asked the Foreign Ministry about the flights.")
    assert found["Tokyo's Foreign Ministry"] == "GovernmentAgency"
    table = [(a.speaker.label if a.speaker else None) for a in run(
        HEADLINE + "Tokyo's Foreign Ministry said the flights had left. The Foreign Ministry "
        "rejected the claim as false, saying it had made every effort.").facts
        if isinstance(a, SpeechAct)]
    assert set(table) == {"Ministry of Foreign Affairs of Japan"}


def test_a_participle_clause_dates_the_act_it_introduces() -> None:
    text = (HEADLINE + "The Riverside Aid Network said the raids began in May. Speaking to "
            "reporters on March 3, an official of the Riverside Aid Network said the families "
            "were handed over at night.")
    dates = sorted(a.date.iso or "" for a in run(text).facts if isinstance(a, SpeechAct))
    assert dates == ["2014-03-03", "2014-05-31"]


def test_capitalised_words_before_an_organisation_head_name_an_organisation() -> None:
    text = HEADLINE + "The Lakeview Shelter Network said the border guards sent them back."
    assert spans(text)["Lakeview Shelter Network"] in {"NGO", "Coalition"}
    assert acts(text) == [("Lakeview Shelter Network", None, "reports")]


def test_a_name_the_parser_has_in_a_sentence_start_is_not_a_new_organisation() -> None:
    # one capitalised word before the head at a sentence start is too weak alone
    text = HEADLINE + "Group leaders met on Monday. The families said the guards had left."
    assert "Group" not in spans(text)


def test_said_it_hoped_is_the_appeal_alone_not_also_a_report() -> None:
    text = HEADLINE + "The Riverside Aid Network said on Monday that it hoped Laos would free "\
        "the families."
    assert acts(text) == [("Riverside Aid Network", "Laos", "urges")]


def test_replied_and_claimed_carry_words_whose_clause_decides_the_kind() -> None:
    text = (HEADLINE + 'Asked about the flights, Mia Tan replied: "They come for work, not '
            'for asylum." The Lakeview Shelter Network claimed that the guards had sent 40 '
            "people back.")
    found = acts(text)
    assert ("Mia Tan", None, "other") in found
    assert ("Lakeview Shelter Network", None, "reports") in found


def test_a_refusal_without_addressee_survives_beside_one_that_names_a_party() -> None:
    text = (HEADLINE + "Spokesman Wu Jin rejected the request from Laos. Wu said that "
            "foreign media were stirring up the issue.")
    found = acts(text)
    assert ("Wu Jin", "Laos", "other") in found
    assert ("Wu Jin", None, "other") in found


def test_saying_a_party_did_nothing_is_criticism_of_that_party() -> None:
    assert acts(HEADLINE + "Mia Tan, who runs a shelter in Bangkok, said Laos's Foreign "
                "Ministry has done nothing for the families.") == [("Mia Tan", "Laos",
                                                                   "condemns")]
    assert acts(HEADLINE + "Mia Tan said the Thai government had failed to protect the "
                "families.") == [("Mia Tan", "Thailand", "condemns")]


def test_a_finding_of_crimes_by_a_state_condemns_that_state() -> None:
    text = (HEADLINE + "The Lakeview Shelter Network found that the returnees were victims of "
            "grave crimes by the Chinese authorities.")
    assert ("Lakeview Shelter Network", "China", "condemns") in acts(text)


def test_a_warning_that_help_amounts_to_complicity_is_a_condemnation() -> None:
    text = (HEADLINE + "The Lakeview Shelter Network warned that the aid Laos gives the "
            "border guards might amount to complicity in crimes against humanity.")
    assert ("Lakeview Shelter Network", "Laos", "condemns") in acts(text)


def test_found_guilty_is_a_verdict_not_a_statement() -> None:
    text = HEADLINE + "On Monday Ren Bo was found guilty and sent to a labour camp."
    assert acts(text) == []


def test_a_harm_the_speaker_fears_is_concern_not_a_report() -> None:
    assert acts(HEADLINE + "Mia Tan said the families could face torture in prison camps "
                "if they were sent back.") == [("Mia Tan", None, "expresses_concern")]
    assert acts(HEADLINE + "Mia Tan said the families were tortured after they were sent "
                "back.") == [("Mia Tan", None, "reports")]


def test_a_view_with_a_harm_as_its_reason_is_no_concern() -> None:
    found = acts(HEADLINE + "Mia Tan said the families ought to be treated as refugees, since "
                 "those sent back may be tortured.")
    assert all(kind != "expresses_concern" for _, _, kind in found)


def test_a_fronted_participle_names_whom_the_critics_criticised() -> None:
    text = (HEADLINE + "Criticised by rights groups for its long delay, the UN refugee agency "
            "said on Monday it would open an office in Laos. Twenty rights groups said "
            "the agency must speak out.")
    agency = load_registry()["unhcr"].label  # the agency the alias resolves to
    found = acts(text)
    assert ("Twenty rights groups", agency, "condemns") in found
    assert ("Twenty rights groups", agency, "urges") in found
    assert all(speaker != "rights groups" for speaker, _, _ in found)


def test_a_headlines_unnamed_actor_is_the_bodys_organisation() -> None:
    assert acts("Rights group urges Laos to halt deportations\n\nThe Lakeview Shelter "
                "Network on Tuesday urged Laos to stop the deportations.") == [
        ("Lakeview Shelter Network", "Laos", "urges")]
    found = acts("Rights group slams Laos over deportations\n\nThe Lakeview Shelter Network "
                 "on Tuesday said the deportations must stop.")
    assert ("Lakeview Shelter Network", "Laos", "condemns") in found
    assert all(speaker != "Rights group" for speaker, _, _ in found)


def test_a_speaker_saying_it_does_something_keeps_the_act_without_addressee() -> None:
    text = HEADLINE + "Tokyo's foreign ministry said it was making diplomatic efforts."
    assert spans(text)["Tokyo's foreign ministry"] == "GovernmentAgency"
    assert acts(text) == [("Ministry of Foreign Affairs of Japan", None, "other")]


def test_a_protest_to_a_state_addresses_it_and_bare_plural_critics_speak() -> None:
    assert acts(HEADLINE + "The Japanese government protested to the Chinese government over the "
                "handling of the case.") == [("Japan", "China", "condemns")]
    assert acts(HEADLINE + "Activists have long criticized Beijing for treating the escapees "
                "as illegal migrants.") == [("Activists", "China", "condemns")]


def test_calling_an_act_a_wrong_condemns_it() -> None:
    assert acts(HEADLINE + 'Human Rights Watch called the deportations "a grave violation '
                'of international law."') == [("Human Rights Watch", None, "condemns")]
    assert acts(HEADLINE + "Human Rights Watch called the shelter a safe place.") == []


def test_him_after_a_named_person_is_that_person_and_the_concerned_is_no_addressee() -> None:
    assert acts(HEADLINE + "In a letter to Chinese President Xi Jinping, the Lakeview Shelter "
                "Network asked him to halt the returns.") == [
        ("Lakeview Shelter Network", "Xi Jinping", "urges")]
    assert acts(HEADLINE + "The United States is deeply concerned by reports that China "
                "returned the group, a State Department spokesperson said.") == [
        ("United States Department of State", "China", "expresses_concern")]
