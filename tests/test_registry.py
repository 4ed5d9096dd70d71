"""Tests of the reference registry: the real data (ontology/reference) and the loader's checks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from graph.errors import RegistryError
from graph.registry import (
    KNOWN_TYPES,
    PLACE_TYPES,
    Registry,
    default_reference_dir,
    evaluation_type,
    load_registry,
)

EVALUATION_TYPES = {
    "State", "NGO", "NationalHumanRightsInstitution", "UNBody", "IntergovernmentalOrganization",
    "GovernmentAgency", "MediaOrganization", "Person", "Treaty", "Resolution", "LegalPrinciple",
    "Place", "DetentionFacility", "Law",
}

# Canonical names the evaluation uses, with their evaluation types.
CANONICAL = {
    "China": "State",
    "Democratic People's Republic of Korea": "State",
    "Republic of Korea": "State",
    "United States": "State",
    "United Nations": "IntergovernmentalOrganization",
    "United Nations General Assembly": "UNBody",
    "United Nations Human Rights Council": "UNBody",
    "United Nations Commission on Human Rights": "UNBody",
    "United Nations Security Council": "UNBody",
    "Office of the United Nations High Commissioner for Refugees": "UNBody",
    "Office of the United Nations High Commissioner for Human Rights": "UNBody",
    "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment":
        "Treaty",
    "Convention relating to the Status of Refugees": "Treaty",
    "Protocol relating to the Status of Refugees": "Treaty",
    "Convention on the Elimination of All Forms of Discrimination against Women": "Treaty",
    "Convention on the Rights of the Child": "Treaty",
    "principle of non-refoulement": "LegalPrinciple",
    "Special Rapporteur on the situation of human rights in the Democratic People's Republic "
    "of Korea": "UNBody",
    "Universal Periodic Review": "UNBody",
    "Special Procedures of the Human Rights Council": "UNBody",
    "United Nations human rights experts": "UNBody",
    "Secretary-General of the United Nations": "UNBody",
    "United Nations Human Rights Committee": "UNBody",
    "United Nations Office at Geneva": "UNBody",
    "National Human Rights Commission of Korea": "NationalHumanRightsInstitution",
    "Human Rights Watch": "NGO",
    "Human Rights Foundation": "NGO",
    "NGO Council for North Korean Human Rights": "NGO",
    "Public Security Bureau": "GovernmentAgency",
    "Yonhap News Agency": "MediaOrganization",
    "Dong-A Ilbo": "MediaOrganization",
    "UN Photo": "MediaOrganization",
    "Unification Media Group": "MediaOrganization",
    "Free North Korea Radio": "MediaOrganization",
    "North Korea Reform Radio": "MediaOrganization",
    "Law on Rejecting Reactionary Ideology and Culture": "Law",
    "Dabei Prison": "DetentionFacility",
    "China-North Korea border region": "Place",
    "Jilin Province": "Place",
    "Geneva": "Place",
    "Seoul": "Place",
}

# Surface forms that must lead to one entry (as alias or metonym).
ALIASES = {
    "North Korea": "north-korea", "DPRK": "north-korea", "D.P.R.K.": "north-korea",
    "South Korea": "south-korea", "ROK": "south-korea", "PRC": "china", "U.S.": "united-states",
    "USA": "united-states", "United States of America": "united-states",
    "America": "united-states", "UN": "united-nations", "U.N.": "united-nations",
    "UN General Assembly": "unga", "U.N. General Assembly": "unga", "UNGA": "unga",
    "UNHCR": "unhcr", "UN refugee agency": "unhcr", "U.N. High Commissioner for Refugees": "unhcr",
    "UN High Commissioner for Human Rights": "ohchr", "OHCHR": "ohchr",
    "Secretary General of the United Nations": "un-secretary-general",
    "U.N. office in Geneva": "unog", "UPR": "upr", "universal periodic review": "upr",
    "Special Procedures": "special-procedures", "UN experts": "un-human-rights-experts",
    "U.N. experts": "un-human-rights-experts", "experts on human rights": "un-human-rights-experts",
    "special rapporteur on North Korea": "sr-dprk",
    "special rapporteur on human rights in North Korea": "sr-dprk",
    "Special Rapporteur on the situation on human rights in the Democratic People's Republic "
    "of Korea": "sr-dprk",
    "UN Special Rapporteur on the situation of human rights in North Korea": "sr-dprk",
    "1951 Refugee Convention": "refugee-convention-1951",
    "UN Refugee Convention": "refugee-convention-1951",
    "1951 Convention on Refugees": "refugee-convention-1951",
    "1967 Protocol": "refugee-protocol-1967", "Convention against Torture": "cat",
    "non-refoulement": "non-refoulement", "right of non-refoulement": "non-refoulement",
    "UN Human Rights Committee": "human-rights-committee", "NHRCK": "nhrck",
    "HRF": "human-rights-foundation",
    "LiNK": "liberty-in-north-korea", "NANK": "nank", "Hanbyun": "hanbyun",
    "DongA": "dong-a-ilbo", "DongA newspaper": "dong-a-ilbo", "Yonhap": "yonhap",
    "Jilin province": "jilin-province", "Bowibu": "dprk-ministry-of-state-security",
    "Chinese Foreign Ministry": "china-ministry-of-foreign-affairs",
    "Unification Ministry": "rok-ministry-of-unification",
}

METONYMS = {"Beijing": "china", "Pyongyang": "north-korea", "Seoul": "south-korea",
            "Moscow": "russia", "Washington": "united-states", "Vientiane": "laos",
            "Hanoi": "vietnam", "Bangkok": "thailand", "Tokyo": "japan"}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def _forms(registry: Registry) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for form, entry_id, _ in registry.surface_forms():
        out[form].add(entry_id)
    return out


# ---------------------------------------------------------------------- the real registry


def test_registry_default_dir_is_repo_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RKG_REFERENCE_DIR", raising=False)
    expected = Path(__file__).resolve().parent.parent / "ontology" / "reference"
    assert default_reference_dir() == expected


def test_registry_counts_by_type_have_lower_bounds(registry: Registry) -> None:
    counts = Counter(evaluation_type(e.type) for e in registry)
    assert counts["State"] >= 60
    assert counts["Place"] >= 150
    assert counts["DetentionFacility"] >= 15
    assert counts["UNBody"] >= 45
    assert counts["IntergovernmentalOrganization"] >= 8
    assert counts["NGO"] >= 50
    assert counts["NationalHumanRightsInstitution"] >= 8
    assert counts["MediaOrganization"] >= 30
    assert counts["GovernmentAgency"] >= 25
    assert counts["Person"] >= 80
    assert counts["Treaty"] >= 15
    assert counts["LegalPrinciple"] >= 5
    assert counts["Law"] >= 6
    assert counts["Resolution"] >= 8
    assert len(registry) >= 600
    assert len(registry.treaty_actions) >= 200


def test_registry_entries_sorted_and_typed(registry: Registry) -> None:
    ids = [e.id for e in registry.entries]
    assert ids == sorted(ids)
    for e in registry:
        assert e.type in KNOWN_TYPES
        assert e.description
        assert e.source_file.endswith(".yaml")
    assert {evaluation_type(t) for t in KNOWN_TYPES} <= EVALUATION_TYPES


@pytest.mark.parametrize(("label", "eval_type"), sorted(CANONICAL.items()))
def test_registry_canonical_label_exists(registry: Registry, label: str, eval_type: str) -> None:
    matches = [e for e in registry if e.label == label]
    assert matches, f"no entry labelled {label!r}"
    assert eval_type in {evaluation_type(e.type) for e in matches}


def test_registry_aliases_and_metonyms_resolve(registry: Registry) -> None:
    forms = _forms(registry)
    folded: dict[str, set[str]] = defaultdict(set)
    for form, ids in forms.items():
        folded[form.casefold()] |= ids
    for form, entry_id in ALIASES.items():
        assert entry_id in folded.get(form.casefold(), set()), form
    metonyms = {(f, i) for f, i, is_metonym in registry.surface_forms() if is_metonym}
    for form, state in METONYMS.items():
        assert (form, state) in metonyms, form
        entry = registry[state]
        assert form in entry.ambiguous, f"{state} must list {form} as ambiguous"
        # the same name is also the capital city, a place
        assert any(registry[i].type == "Settlement" for i in forms[form]), form


def test_registry_korea_alone_is_not_a_name(registry: Registry) -> None:
    assert "korea" not in {f.casefold() for f in _forms(registry)}


def test_registry_surface_forms_typographic_and_unmatched(registry: Registry) -> None:
    forms = _forms(registry)
    assert "north-korea" in forms["Democratic People\u2019s Republic of Korea"]
    assert "sino-korean-friendship-bridge" in forms["China-North Korea Friendship Bridge"]
    # general legal notions are kept for reasoning but not matched in text
    assert "prohibition-of-torture" in registry
    assert not any("prohibition-of-torture" in ids for ids in forms.values())
    assert registry.surface_forms() == sorted(registry.surface_forms())


def test_registry_case_sensitive_forms(registry: Registry) -> None:
    forms = registry.case_sensitive_forms()
    assert {"Open Doors", "Crossing Borders", "No Fence"} <= forms
    assert "China" not in forms and "Amnesty" not in {f for f, _, _ in registry.surface_forms()}


def test_registry_demonyms(registry: Registry) -> None:
    demonyms = registry.demonyms()
    assert demonyms["Chinese"] == "china"
    assert demonyms["North Korean"] == "north-korea"
    assert demonyms["South Korean"] == "south-korea"
    assert demonyms["Russian"] == "russia"
    assert all(registry[s].type == "State" for s in demonyms.values())


def test_registry_no_same_type_alias_clash(registry: Registry) -> None:
    claims: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in registry:
        for form in {n.casefold() for n in (e.label, *e.aliases, *e.metonyms)}:
            claims[(e.type, form)].append(e.id)
    for (etype, form), ids in claims.items():
        if len(ids) > 1:
            for i in ids:
                assert form in {a.casefold() for a in registry[i].ambiguous}, (etype, form, ids)


def test_registry_located_in_chains_end_at_a_state(registry: Registry) -> None:
    for e in registry:
        if e.type not in PLACE_TYPES:
            continue
        if e.get("located_in") is None:
            assert e.get("connects"), f"{e.id} has neither located_in nor connects"
            continue
        chain = registry.located_in_chain(e.id)
        assert chain and registry[chain[-1]].type == "State", (e.id, chain)
        assert all(registry[c].type in PLACE_TYPES for c in chain[:-1]), (e.id, chain)
    assert registry.located_in_chain("hunchun") == ("yanbian", "jilin-province", "china")
    assert registry.state_of("dabei-prison") == "china"
    assert registry.state_of("kwanliso-15") == "north-korea"


def test_registry_places_have_coordinates(registry: Registry) -> None:
    for e in registry.by_type("Settlement", "DetentionFacility", "BorderCrossing"):
        lat, lon = e.get("coordinates")
        assert -90 <= lat <= 90 and -180 <= lon <= 180


def test_registry_capitals_resolve(registry: Registry) -> None:
    states = registry.by_type("State")
    assert len([s for s in states if s.get("capital")]) >= 60
    for state in states:
        capital = state.get("capital")
        if capital is None:
            continue
        place = registry[capital]
        assert place.type == "Settlement"
        assert place.get("located_in") == state.id
        assert len(state.get("iso2")) == 2 and len(state.get("iso3")) == 3


def test_registry_treaty_actions_complete(registry: Registry) -> None:
    seen = set()
    for action in registry.treaty_actions:
        assert registry[action.state].type == "State"
        treaty = registry[action.treaty]
        assert treaty.type == "Treaty"
        assert action.kind in {"signature", "ratification", "accession", "succession",
                               "acceptance", "approval"}
        assert len(action.date) == 10 and action.date[4] == "-" and action.date[7] == "-"
        assert action.source
        # nothing is signed or joined before the treaty was adopted
        assert action.date >= treaty.get("adopted"), action
        seen.add((action.state, action.treaty, action.kind))
    for state, treaty, _ in seen:
        sig = registry.actions_for(state, treaty)
        dates = {a.kind: a.date for a in sig}
        if "signature" in dates and "ratification" in dates:
            assert dates["signature"] <= dates["ratification"], (state, treaty)


def test_registry_known_treaty_facts(registry: Registry) -> None:
    def kinds(state: str, treaty: str) -> dict[str, str]:
        return {a.kind: a.date for a in registry.actions_for(state, treaty)}

    assert kinds("china", "refugee-convention-1951") == {"accession": "1982-09-24"}
    assert kinds("china", "refugee-protocol-1967") == {"accession": "1982-09-24"}
    assert kinds("china", "cat") == {"signature": "1986-12-12", "ratification": "1988-10-04"}
    assert kinds("north-korea", "iccpr") == {"accession": "1981-09-14"}
    assert kinds("south-korea", "refugee-convention-1951") == {"accession": "1992-12-03"}
    assert registry.actions_for("north-korea", "refugee-convention-1951") == ()
    enshrining = {e.id for e in registry.by_type("Treaty")
                  if "non-refoulement" in e.get("enshrines", ())}
    assert {"refugee-convention-1951", "refugee-protocol-1967", "cat", "iccpr",
            "icpped"} <= enshrining


def test_registry_posts_reference_bodies(registry: Registry) -> None:
    holders = []
    for person in registry.by_type("Person"):
        for post in person.get("posts", ()):
            if post.get("organization") == "sr-dprk":
                holders.append((post["start"], person.id))
    assert [p for _, p in sorted(holders)] == [
        "vitit-muntarbhorn", "marzuki-darusman", "tomas-ojea-quintana", "elizabeth-salmon"]


def test_registry_evaluation_type_mapping() -> None:
    assert evaluation_type("Coalition") == "NGO"
    assert evaluation_type("SpecialProcedure") == "UNBody"
    assert evaluation_type("ExpertGroup") == "UNBody"
    assert evaluation_type("UNMechanism") == "UNBody"
    assert evaluation_type("TreatyBody") == "UNBody"
    assert evaluation_type("LegalNorm") == "LegalPrinciple"
    assert evaluation_type("DomesticLaw") == "Law"
    assert evaluation_type("BorderCrossing") == "Place"
    assert evaluation_type("Country") == "Place"
    assert evaluation_type("IntergovernmentalOrganization") == "IntergovernmentalOrganization"
    with pytest.raises(ValueError):
        evaluation_type("Spaceship")


def test_registry_content_hash_is_stable_and_sensitive(tmp_path: Path,
                                                       registry: Registry) -> None:
    assert registry.content_hash() == load_registry().content_hash()
    copy = tmp_path / "reference"
    shutil.copytree(default_reference_dir(), copy)
    assert load_registry(copy).content_hash() == registry.content_hash()
    people = copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "Thai law professor", "Thai jurist"), encoding="utf-8")
    assert load_registry(copy).content_hash() != registry.content_hash()


def test_registry_env_var_overrides_directory(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _write_minimal(tmp_path)
    monkeypatch.setenv("RKG_REFERENCE_DIR", str(tmp_path))
    assert [e.id for e in load_registry().entries] == ["utopia", "utopia-city"]


def test_registry_deterministic_across_hash_seeds() -> None:
    code = ("from graph.registry import load_registry; r = load_registry(); "
            "import hashlib; print(r.content_hash(), "
            "hashlib.sha256(repr((r.surface_forms(), r.demonyms(), r.entries)).encode())"
            ".hexdigest())")
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("RKG_REFERENCE_DIR", None)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1


# ---------------------------------------------------------------------- broken fixtures

STATE = """\
entries:
  - id: utopia
    type: State
    label: Utopia
    aliases: [Republic of Utopia]
    metonyms: [Utopia City]
    ambiguous: [Utopia City]
    wikidata: null
    iso2: "UT"
    iso3: "UTO"
    capital: {capital}
    demonyms: [Utopian]
    description: A state that exists only in tests.
"""
CITY = """\
entries:
  - id: utopia-city
    type: Settlement
    label: Utopia City
    ambiguous: [Utopia City]
    located_in: utopia
    coordinates: [1.0, 2.0]
    description: Its capital.
"""


def _write_minimal(folder: Path, capital: str = "utopia-city") -> None:
    (folder / "states.yaml").write_text(STATE.format(capital=capital), encoding="utf-8")
    (folder / "places.yaml").write_text(CITY, encoding="utf-8")


def _error(folder: Path) -> str:
    with pytest.raises(RegistryError) as info:
        load_registry(folder)
    return str(info.value)


def test_registry_minimal_fixture_loads(tmp_path: Path) -> None:
    _write_minimal(tmp_path)
    registry = load_registry(tmp_path)
    assert registry["utopia"].get("capital") == "utopia-city"
    assert registry.demonyms() == {"Utopian": "utopia"}


def test_registry_duplicate_id_names_file_and_entry(tmp_path: Path) -> None:
    _write_minimal(tmp_path)
    (tmp_path / "more.yaml").write_text(CITY, encoding="utf-8")
    message = _error(tmp_path)
    assert "more.yaml" in message and "'utopia-city'" in message and "duplicate id" in message


def test_registry_dangling_capital_names_file_and_entry(tmp_path: Path) -> None:
    _write_minimal(tmp_path, capital="atlantis")
    message = _error(tmp_path)
    assert "states.yaml" in message and "'utopia'" in message
    assert "dangling capital 'atlantis'" in message


def test_registry_alias_clash_names_file_and_entry(tmp_path: Path) -> None:
    _write_minimal(tmp_path)
    (tmp_path / "clash.yaml").write_text("""\
entries:
  - id: erewhon
    type: State
    label: Erewhon
    aliases: [Republic of Utopia]
    iso2: "ER"
    iso3: "ERW"
    demonyms: [Erewhonian]
    description: Another test state.
""", encoding="utf-8")
    message = _error(tmp_path)
    assert "clash.yaml" in message and "'erewhon'" in message
    assert "states.yaml" in message and "'utopia'" in message
    assert "republic of utopia" in message


def test_registry_alias_shared_when_both_ambiguous_is_fine(tmp_path: Path) -> None:
    _write_minimal(tmp_path)
    (tmp_path / "twin.yaml").write_text("""\
entries:
  - id: utopia-town
    type: Settlement
    label: Utopia City
    ambiguous: [utopia city]
    located_in: utopia
    description: A namesake town.
""", encoding="utf-8")
    assert len(load_registry(tmp_path)) == 3


def test_registry_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    _write_minimal(tmp_path)
    (tmp_path / "broken.yaml").write_text(
        "entries:\n  - id: x\n    label: [unclosed\n    type: State\n", encoding="utf-8")
    message = _error(tmp_path)
    assert "broken.yaml" in message and "malformed YAML at line" in message


def test_registry_partial_date_in_treaty_action(tmp_path: Path) -> None:
    _write_minimal(tmp_path)
    (tmp_path / "treaties.yaml").write_text("""\
entries:
  - id: pact
    type: Treaty
    label: Test Pact
    adopted: "1950"
    description: A treaty.
actions:
  - {state: utopia, treaty: pact, kind: ratification, date: "1982-09"}
  - {state: utopia, treaty: pact, kind: signature}
  - {state: atlantis, treaty: pact, kind: accession, date: "1990-01-01"}
""", encoding="utf-8")
    message = _error(tmp_path)
    assert "treaties.yaml: action #1 (utopia / pact)" in message
    assert "full yyyy-mm-dd date" in message
    assert "action #2 (utopia / pact): missing key 'date'" in message
    assert "dangling state 'atlantis'" in message


def test_registry_collects_every_problem(tmp_path: Path) -> None:
    _write_minimal(tmp_path, capital="atlantis")
    (tmp_path / "bad.yaml").write_text("""\
entries:
  - id: Bad_Slug
    type: NGO
    label: Bad
    description: A bad slug.
  - id: spaceship
    type: Spaceship
    label: Spaceship
    description: An unknown type.
  - id: no-label
    type: NGO
    description: Missing its label.
  - id: odd-date
    type: NGO
    label: Odd
    founded: "2023-13-01"
    country: utopia
    description: A month that does not exist.
""", encoding="utf-8")
    message = _error(tmp_path)
    assert message.startswith("5 problems")
    for fragment in ("'Bad_Slug': bad id", "'spaceship': unknown type 'Spaceship'",
                     "'no-label': missing or empty key 'label'", "'odd-date': bad date",
                     "'utopia': dangling capital"):
        assert fragment in message


def test_registry_rejects_typos_and_split_names(tmp_path: Path) -> None:
    _write_minimal(tmp_path)
    (tmp_path / "typo.yaml").write_text("""\
entries:
  - id: pen
    type: NGO
    label: PEN
    aliases: [PEN International (North Korea center in Exile, 2023)]
    contry: utopia
    description: An NGO with a misspelt key and an alias split at a comma.
""", encoding="utf-8")
    message = _error(tmp_path)
    assert "unknown key 'contry'" in message
    assert "unbalanced ()" in message
