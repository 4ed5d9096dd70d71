"""Treaty parties stated or implied, and resolutions, on sentences written for these tests."""

from __future__ import annotations

import hashlib

import pytest

from graph.extract import extract_document
from graph.facts import DateValue, DocumentFacts, DocumentInfo, ResolutionAdoption, TreatyStatement


def run(text: str, date: str = "2016-06-10") -> DocumentFacts:
    precision = {1: "year", 2: "month", 3: "day"}[len(date.split("-"))]
    info = DocumentInfo(hashlib.sha256(text.encode()).hexdigest(), "t.txt", text,
                        date=DateValue(date, precision))
    return extract_document(info)


def parties(df: DocumentFacts) -> set[tuple[str, str, int | None]]:
    return {(f.treaty.label, f.state.label, f.year) for f in df.facts
            if isinstance(f, TreatyStatement) and f.state is not None}


def test_extract_legal_year_on_the_verb_of_becoming_a_party() -> None:
    found = parties(run("In 2012 Laos became a state party to the Convention against Torture."))
    assert any(s == "Laos" and y == 2012 for _t, s, y in found), found


def test_extract_legal_signing_clause_before_the_state() -> None:
    text = ("Having acceded to the Refugee Convention, the Thai Government cannot expel "
            "recognised refugees.")
    assert {s for _t, s, _y in parties(run(text))} == {"Thailand"}


def test_extract_legal_violation_implies_every_listed_treaty() -> None:
    text = ("By expelling them, Mongolia breaches the Convention against Torture, the "
            "Convention on the Rights of the Child and the Convention on the Reduction of "
            "Statelessness, the lawyer said.")
    found = {t for t, s, _y in parties(run(text)) if s == "Mongolia"}
    assert len(found) == 3, found


def test_extract_legal_unnamed_bilateral_agreement_with_both_parties_and_year() -> None:
    df = run("Laos signed a readmission agreement with Vietnam last month, officials said.")
    found = parties(df)
    states = {s for _t, s, _y in found}
    assert states == {"Laos", "Vietnam"}, found
    assert {y for _t, _s, y in found} == {2016}
    labels = {m.surface for m in df.mentions if m.entity.type == "Treaty"}
    assert "readmission agreement" in labels


def test_extract_legal_agreement_with_an_agency_gives_the_state_only() -> None:
    text = "The accord the refugee agency concluded with Thailand opens the camps to it."
    assert {s for _t, s, _y in parties(run(text))} == {"Thailand"}


def test_extract_legal_unnamed_agreement_without_parties_gives_no_row() -> None:
    assert parties(run("Several international treaties protect refugees.")) == set()


def test_extract_legal_treaty_body_state_party_and_the_convention() -> None:
    text = ("Committee against Torture: concluding observations on the fifth periodic "
            "report of Mongolia under the Convention against Torture\n\n"
            "The Committee urges the State party to abide by the Convention and to stop "
            "sending people back to places where torture awaits them.")
    assert ("Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or "
            "Punishment", "Mongolia", None) in parties(run(text))


def test_extract_legal_one_adoption_per_body_and_date() -> None:
    text = ("Assembly committee adopts rights resolution\n\n"
            "The Third Committee of the General Assembly adopted a resolution on the "
            "situation of human rights in Eritrea by consensus on Thursday. The resolution "
            "was adopted for the fifth year in a row.")
    adoptions = [f for f in run(text).facts if isinstance(f, ResolutionAdoption)]
    assert len({(a.body.key, a.date.iso) for a in adoptions}) == len(adoptions) == 1


def test_extract_legal_a_treaty_another_verb_cites_is_no_violated_treaty() -> None:
    text = ("Laos is violating the rights of refugees, the group said, citing the "
            "Convention against Torture.")
    assert parties(run(text)) == set()


@pytest.mark.parametrize(("text", "state", "year"), [
    ("As a state party to the Refugee Convention, Thailand must not return them.",
     "Thailand", None),
    ("Laos is bound by the Convention against Torture, which it acceded to in 2012.",
     "Laos", 2012),
    ("Mongolia joined the Convention against Torture in 2002.", "Mongolia", 2002),
    ("Vietnam, a signatory to the Convention against Torture, deported them anyway.",
     "Vietnam", None),
    ("The Convention against Torture and the Refugee Convention, both of which Laos has "
     "ratified, forbid such returns.", "Laos", None),
])
def test_extract_legal_stated_parties(text: str, state: str, year: int | None) -> None:
    found = parties(run(text))
    assert {s for _t, s, _y in found} == {state}, found
    if year is not None:
        assert year in {y for _t, _s, y in found}
