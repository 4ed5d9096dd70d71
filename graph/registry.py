"""The reference registry: curated knowledge of the world, loaded and checked from YAML.

The registry (``ontology/reference/*.yaml``, described in ``docs/registry.md``) lists states,
the UN system, treaties and who joined them, organisations, places and people, with their
names. The NLP builder links text to it; the RDF stage mints IRIs from its ids.

>>> registry = load_registry()
>>> registry["china"].label
'China'

Loading validates everything and raises one :class:`~graph.errors.RegistryError` listing every
problem found, each naming its file and entry. This module imports only the standard library,
PyYAML and :mod:`graph.errors`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from graph.datafiles import data_dir
from graph.errors import RegistryError

__all__ = [
    "ACTION_KINDS",
    "KNOWN_TYPES",
    "Entry",
    "Registry",
    "TreatyActionRecord",
    "default_reference_dir",
    "evaluation_type",
    "load_registry",
]

ENV_VAR = "RKG_REFERENCE_DIR"

# Ontology type -> evaluation type (the coarse types of the gold facts).
_EVALUATION_TYPES: Mapping[str, str] = MappingProxyType({
    "State": "State",
    "GovernmentAgency": "GovernmentAgency",
    "NGO": "NGO",
    "Coalition": "NGO",
    "NationalHumanRightsInstitution": "NationalHumanRightsInstitution",
    "IntergovernmentalOrganization": "IntergovernmentalOrganization",
    "UNPrincipalOrgan": "UNBody",
    "UNSubsidiaryBody": "UNBody",
    "UNOffice": "UNBody",
    "TreatyBody": "UNBody",
    "SpecialProcedure": "UNBody",
    "UNMechanism": "UNBody",
    "ExpertGroup": "UNBody",
    "MediaOrganization": "MediaOrganization",
    "Person": "Person",
    "Treaty": "Treaty",
    "LegalNorm": "LegalPrinciple",
    "DomesticLaw": "Law",
    "Resolution": "Resolution",
    "Settlement": "Place",
    "AdministrativeRegion": "Place",
    "BorderCrossing": "Place",
    "Country": "Place",
    "DetentionFacility": "DetentionFacility",
})

KNOWN_TYPES: frozenset[str] = frozenset(_EVALUATION_TYPES)

ACTION_KINDS: frozenset[str] = frozenset(
    {"signature", "ratification", "accession", "succession", "acceptance", "approval"}
)

UN_TYPES = frozenset({"UNPrincipalOrgan", "UNSubsidiaryBody", "UNOffice", "TreatyBody",
                      "SpecialProcedure", "UNMechanism", "ExpertGroup"})
BODY_TYPES = UN_TYPES | {"IntergovernmentalOrganization"}
ORG_TYPES = frozenset({"GovernmentAgency", "NGO", "Coalition", "NationalHumanRightsInstitution",
                       "MediaOrganization"})
AGENT_TYPES = BODY_TYPES | ORG_TYPES | {"State"}
PLACE_TYPES = frozenset({"Settlement", "AdministrativeRegion", "BorderCrossing", "Country",
                         "DetentionFacility"})
LEGAL_TYPES = frozenset({"Treaty", "LegalNorm", "DomesticLaw", "Resolution"})
# The one place for the entity-type sets: the NLP stage and every extractor import these.
PERSON_TYPES = frozenset({"Person", "PersonGroup"})
ACTOR_TYPES = AGENT_TYPES | PERSON_TYPES  # who can speak, act or hold a post
MENTION_PLACE_TYPES = PLACE_TYPES | {"Place"}  # a place mention may be typed only "Place"

_COMMON_KEYS = frozenset({"id", "type", "label", "aliases", "metonyms", "ambiguous", "wikidata",
                          "description", "notes"})
# Optional keys any entry may have, kept in Entry.extra.
_OPTIONAL_KEYS = frozenset({"match", "case_sensitive", "also_types"})
_TYPE_KEYS: dict[str, frozenset[str]] = {
    "State": frozenset({"iso2", "iso3", "capital", "demonyms", "un_member_since"}),
    "Treaty": frozenset({"adopted", "entry_into_force", "enshrines", "untc", "parent",
                         "parties_note"}),
    "LegalNorm": frozenset({"body"}),
    "DomesticLaw": frozenset({"state", "adopted", "enshrines"}),
    "Resolution": frozenset({"body", "date", "symbol", "enshrines"}),
    "Person": frozenset({"nationality", "posts"}),
}
for _t in BODY_TYPES:
    _TYPE_KEYS[_t] = frozenset({"parent", "established", "abolished", "mandate", "treaty",
                                "members", "country", "seat"})
for _t in ORG_TYPES:
    _TYPE_KEYS[_t] = frozenset({"country", "parent", "members", "founded", "dissolved",
                                "seat"})
for _t in PLACE_TYPES:
    _TYPE_KEYS[_t] = frozenset({"located_in", "coordinates", "state", "operator", "connects"})

# key -> (types the referenced entry may have, whether the key holds a list)
_REFERENCES: dict[str, tuple[frozenset[str], bool]] = {
    "capital": (frozenset({"Settlement"}), False),
    "parent": (AGENT_TYPES | LEGAL_TYPES, False),
    "located_in": (PLACE_TYPES | {"State"}, False),
    "enshrines": (frozenset({"LegalNorm"}), True),
    "country": (frozenset({"State"}), False),
    "state": (frozenset({"State"}), False),
    "nationality": (frozenset({"State"}), False),
    "members": (AGENT_TYPES, True),
    "body": (AGENT_TYPES, False),
    "treaty": (frozenset({"Treaty"}), False),
    "seat": (PLACE_TYPES, False),
    "operator": (AGENT_TYPES, False),
    "connects": (PLACE_TYPES | {"State"}, True),
}
_DATE_KEYS = ("un_member_since", "established", "abolished", "founded", "dissolved", "adopted",
              "entry_into_force", "date")
_INTERVALS = (("established", "abolished"), ("founded", "dissolved"),
              ("adopted", "entry_into_force"))

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def evaluation_type(ontology_type: str) -> str:
    """The evaluation type (gold facts' coarse type) of an ontology type.

    >>> evaluation_type("SpecialProcedure")
    'UNBody'
    """
    try:
        return _EVALUATION_TYPES[ontology_type]
    except KeyError:
        raise ValueError(f"unknown ontology type {ontology_type!r}") from None


def default_reference_dir() -> Path:
    """``$RKG_REFERENCE_DIR`` if set, else the repository's ``ontology/reference``."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return data_dir("ontology") / "reference"


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass(frozen=True)
class Entry:
    """One registry entry. ``extra`` holds the type-specific keys (lists become tuples)."""

    id: str
    type: str
    label: str
    aliases: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    wikidata: str | None = None
    description: str = ""
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}),
                                     hash=False, compare=False)
    source_file: str = ""

    @property
    def evaluation_type(self) -> str:
        return evaluation_type(self.type)

    @property
    def matchable(self) -> bool:
        """False for entries kept for reasoning only (``match: false``), not tagged in text."""
        return self.extra.get("match", True) is not False

    @property
    def names(self) -> tuple[str, ...]:
        """The label followed by the aliases (metonyms excluded)."""
        return (self.label, *self.aliases)

    def get(self, key: str, default: Any = None) -> Any:
        """A type-specific key (``capital``, ``located_in``, ``posts``…)."""
        return self.extra.get(key, default)


@dataclass(frozen=True, order=True)
class TreatyActionRecord:
    """A state's signature, ratification, accession… of a treaty, per the source."""

    state: str
    treaty: str
    kind: str
    date: str  # yyyy-mm-dd
    source: str = "UNTC"
    note: str | None = None


def _typographic_variants(name: str) -> tuple[str, ...]:
    """The name, plus its curly-apostrophe / en-dash and straight twins."""
    curly = name.replace("'", "\u2019")
    straight = name.replace("\u2019", "'").replace("\u2013", "-")
    return tuple(dict.fromkeys((name, curly, straight)))


def _canon(value: Any) -> Any:
    """YAML values made JSON-able and stable: dates as ISO strings."""
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _canon(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canon(v) for v in value]
    return value


class Registry:
    """Entries by id, treaty actions, and the views the NLP and RDF stages need."""

    def __init__(self, entries: list[Entry], actions: list[TreatyActionRecord],
                 raw: Mapping[str, Any], directory: Path) -> None:
        self.entries: tuple[Entry, ...] = tuple(sorted(entries, key=lambda e: e.id))
        self.treaty_actions: tuple[TreatyActionRecord, ...] = tuple(sorted(actions))
        self.directory = directory
        self._by_id = {e.id: e for e in self.entries}
        self._raw = raw

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    def __getitem__(self, entry_id: str) -> Entry:
        return self._by_id[entry_id]

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def by_type(self, *types: str) -> tuple[Entry, ...]:
        """Entries of the given ontology types, sorted by id."""
        return tuple(e for e in self.entries if e.type in types)

    def by_evaluation_type(self, eval_type: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if evaluation_type(e.type) == eval_type)

    def by_wikidata(self, qid: str) -> Entry | None:
        return next((e for e in self.entries if e.wikidata == qid), None)

    def actions_for(self, state: str | None = None,
                    treaty: str | None = None) -> tuple[TreatyActionRecord, ...]:
        return tuple(a for a in self.treaty_actions
                     if (state is None or a.state == state)
                     and (treaty is None or a.treaty == treaty))

    def surface_forms(self) -> list[tuple[str, str, bool]]:
        """``(form, entry id, is_metonym)`` for every label, alias and metonym, sorted.

        Demonyms are not included (see :meth:`demonyms`): "Chinese" alone is not China, and
        neither are entries marked ``match: false``. A form with a straight apostrophe also
        comes with a curly one, and a form with a curly apostrophe or an en dash with its
        straight twin, since documents use both.
        """
        forms: set[tuple[str, str, bool]] = set()
        for e in self.entries:
            if not e.matchable:
                continue
            for names, is_metonym in ((e.names, False), (e.metonyms, True)):
                for name in names:
                    for variant in _typographic_variants(name):
                        forms.add((variant, e.id, is_metonym))
        return sorted(forms)

    def case_sensitive_forms(self) -> frozenset[str]:
        """Forms to match only as written: names of entries marked ``case_sensitive: true``.

        Their names are also ordinary phrases ("Open Doors", "Crossing Borders", "No Fence"),
        so a case-folding matcher would find them in running text.
        """
        return frozenset(
            variant
            for e in self.entries if e.matchable and e.extra.get("case_sensitive") is True
            for name in (*e.names, *e.metonyms) for variant in _typographic_variants(name))

    def demonyms(self) -> dict[str, str]:
        """Demonym -> state id ("Chinese" -> "china"), for "Chinese authorities" and the like."""
        out: dict[str, str] = {}
        for e in self.by_type("State"):
            for d in e.get("demonyms", ()):
                out[d] = e.id
        return dict(sorted(out.items()))

    def located_in_chain(self, entry_id: str) -> tuple[str, ...]:
        """The ids an entry lies in, nearest first: a city -> (its prefecture, its province,
        its state)."""
        chain: list[str] = []
        current = self._by_id[entry_id].get("located_in")
        while current is not None and current not in chain:
            chain.append(current)
            parent = self._by_id.get(current)
            current = parent.get("located_in") if parent else None
        return tuple(chain)

    def state_of(self, entry_id: str) -> str | None:
        """The state a place (or organisation with a ``country``) belongs to, if known."""
        entry = self._by_id[entry_id]
        if entry.type == "State":
            return entry.id
        for key in ("country", "state", "nationality"):
            if entry.get(key):
                return str(entry.get(key))
        for link in self.located_in_chain(entry_id):
            if self._by_id[link].type == "State":
                return link
        return None

    def content_hash(self) -> str:
        """SHA-256 of a canonical JSON dump of every file's content (for build provenance)."""
        dump = json.dumps(_canon(self._raw), sort_keys=True, ensure_ascii=False,
                          separators=(",", ":"))
        return hashlib.sha256(dump.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- loading and validation


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, file: str, where: str | None, message: str) -> None:
        self.items.append(f"{file}: {where}: {message}" if where else f"{file}: {message}")


def _check_date(value: Any, *, full: bool = False) -> str | None:
    """The ISO string of a valid date value, or None. YAML may give dates or ints."""
    if isinstance(value, _dt.datetime):
        return None
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and not full:
        value = str(value)
    if not isinstance(value, str):
        return None
    m = (_FULL_DATE if full else _DATE).match(value)
    if not m:
        return None
    parts = [int(p) for p in value.split("-")]
    try:
        _dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None
    return value


def _name_problem(name: str) -> str | None:
    """Why a label/alias is malformed (often a flow list split at a comma), or None."""
    if name != name.strip() or "  " in name:
        return "stray whitespace"
    if not any(ch.isalpha() for ch in name):
        return "no letter in it"
    for left, right in ("()", "[]"):
        if name.count(left) != name.count(right):
            return f"unbalanced {left}{right} (quote names that contain a comma)"
    if name.count('"') % 2:
        return "unbalanced quote"
    return None


def _strings(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return list(value)
    return None


# libyaml's loader when PyYAML has it (about 10x faster), else the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, problems: _Problems) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(path.name, None, f"cannot be read: {exc}")
        return None
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.add(path.name, None, f"malformed YAML at {where}: {problem}")
        return None


def _parse_entry(raw: Any, index: int, file: str, problems: _Problems) -> Entry | None:
    if not isinstance(raw, Mapping):
        problems.add(file, f"entry #{index + 1}", "is not a mapping")
        return None
    eid = raw.get("id")
    where = f"entry {eid!r}" if isinstance(eid, str) else f"entry #{index + 1}"
    ok = True
    for key in ("id", "type", "label", "description"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problems.add(file, where, f"missing or empty key {key!r}")
            ok = False
    if not ok:
        return None
    eid = str(raw["id"])
    etype = raw["type"]
    if not _SLUG.match(eid):
        problems.add(file, where, "bad id: use lowercase a-z, 0-9 and single '-' only")
    if etype not in KNOWN_TYPES:
        problems.add(file, where, f"unknown type {etype!r}")
        return None
    allowed = _COMMON_KEYS | _OPTIONAL_KEYS | _TYPE_KEYS.get(etype, frozenset())
    for key in sorted(set(raw) - allowed, key=str):
        problems.add(file, where, f"unknown key {key!r} for type {etype}")
    lists: dict[str, list[str]] = {}
    for key in ("aliases", "metonyms", "ambiguous"):
        value = _strings(raw.get(key))
        if value is None:
            problems.add(file, where, f"{key!r} must be a list of non-empty strings")
            value = []
        lists[key] = value
    wikidata = raw.get("wikidata")
    if wikidata is not None and not (isinstance(wikidata, str) and _WIKIDATA.match(wikidata)):
        problems.add(file, where, f"bad wikidata id {wikidata!r} (want Q123 or null)")
        wikidata = None
    extra = {k: _canon(v) for k, v in raw.items() if k not in _COMMON_KEYS}
    _check_extra(etype, extra, file, where, problems)
    for name in [raw["label"], *lists["aliases"], *lists["metonyms"]]:
        problem = _name_problem(name)
        if problem:
            problems.add(file, where, f"bad name {name!r}: {problem}")
    names = {n.casefold() for n in [raw["label"], *lists["aliases"], *lists["metonyms"]]}
    for amb in lists["ambiguous"]:
        if amb.casefold() not in names:
            problems.add(file, where, f"ambiguous form {amb!r} is not among its names")
    return Entry(
        id=eid, type=etype, label=raw["label"],
        aliases=tuple(dict.fromkeys(lists["aliases"])),
        metonyms=tuple(dict.fromkeys(lists["metonyms"])),
        ambiguous=tuple(dict.fromkeys(lists["ambiguous"])),
        wikidata=wikidata, description=raw["description"].strip(),
        extra=_freeze(extra), source_file=file,
    )


def _check_extra(etype: str, extra: dict[str, Any], file: str, where: str,
                 problems: _Problems) -> None:
    for key in _DATE_KEYS:
        if key in extra and extra[key] is not None and _check_date(extra[key]) is None:
            problems.add(file, where, f"bad date {key}={extra[key]!r} (want yyyy[-mm[-dd]])")
        elif key in extra and extra[key] is not None:
            extra[key] = _check_date(extra[key])
    for start, end in _INTERVALS:
        if extra.get(start) and extra.get(end) and str(extra[end]) < str(extra[start]):
            problems.add(file, where, f"{end} {extra[end]} is before {start} {extra[start]}")
    if etype == "State":
        for key, size in (("iso2", 2), ("iso3", 3)):
            code = extra.get(key)
            if not (isinstance(code, str) and len(code) == size and code.isupper()):
                problems.add(file, where, f"bad or missing {key} {code!r} (quote it in YAML)")
        if _strings(extra.get("demonyms")) is None:
            problems.add(file, where, "'demonyms' must be a list of strings")
    for flag in ("match", "case_sensitive"):
        if flag in extra and not isinstance(extra[flag], bool):
            problems.add(file, where, f"{flag!r} must be true or false, not {extra[flag]!r}")
    if "coordinates" in extra:
        c = extra["coordinates"]
        if not (isinstance(c, list) and len(c) == 2
                and all(isinstance(x, int | float) and not isinstance(x, bool) for x in c)
                and -90 <= c[0] <= 90 and -180 <= c[1] <= 180):
            problems.add(file, where, f"bad coordinates {c!r} (want [lat, lon])")
    if "posts" in extra:
        posts = extra["posts"]
        if not isinstance(posts, list):
            problems.add(file, where, "'posts' must be a list")
            extra["posts"] = []
        for i, post in enumerate(extra["posts"]):
            pwhere = f"{where}, post #{i + 1}"
            if not isinstance(post, dict) or not isinstance(post.get("post"), str):
                problems.add(file, pwhere, "a post needs a 'post' string")
                continue
            for key in sorted(set(post) - {"post", "organization", "start", "end", "note"}):
                problems.add(file, pwhere, f"unknown key {key!r}")
            for key in ("start", "end"):
                if post.get(key) is not None and _check_date(post[key]) is None:
                    problems.add(file, pwhere, f"bad date {key}={post[key]!r}")
            if post.get("start") and post.get("end") and str(post["end"]) < str(post["start"]):
                problems.add(file, pwhere, "end is before start")


def _parse_action(raw: Any, index: int, file: str,
                  problems: _Problems) -> TreatyActionRecord | None:
    where = f"action #{index + 1}"
    if not isinstance(raw, Mapping):
        problems.add(file, where, "is not a mapping")
        return None
    if isinstance(raw.get("state"), str) and isinstance(raw.get("treaty"), str):
        where = f"action #{index + 1} ({raw['state']} / {raw['treaty']})"
    ok = True
    for key in ("state", "treaty", "kind", "date"):
        if raw.get(key) in (None, ""):
            problems.add(file, where, f"missing key {key!r}")
            ok = False
    for key in sorted(set(raw) - {"state", "treaty", "kind", "date", "source", "note"}, key=str):
        problems.add(file, where, f"unknown key {key!r}")
    if not ok:
        return None
    date = _check_date(raw["date"], full=True)
    if date is None:
        problems.add(file, where, f"bad date {raw['date']!r}: a full yyyy-mm-dd date is needed")
    if raw["kind"] not in ACTION_KINDS:
        problems.add(file, where, f"unknown kind {raw['kind']!r} "
                     f"(one of {', '.join(sorted(ACTION_KINDS))})")
    if date is None or raw["kind"] not in ACTION_KINDS:
        return None
    return TreatyActionRecord(state=str(raw["state"]), treaty=str(raw["treaty"]),
                              kind=raw["kind"], date=date, source=str(raw.get("source", "UNTC")),
                              note=raw.get("note"))


def _check_references(entries: list[Entry], actions: list[tuple[str, int, TreatyActionRecord]],
                      problems: _Problems) -> None:
    by_id = {e.id: e for e in entries}

    def check(file: str, where: str, key: str, target: Any) -> None:
        types, _ = _REFERENCES[key]
        if not isinstance(target, str):
            problems.add(file, where, f"{key} must be an id, not {target!r}")
        elif target not in by_id:
            problems.add(file, where, f"dangling {key} {target!r}: no such entry")
        elif by_id[target].type not in types:
            problems.add(file, where, f"{key} {target!r} is a {by_id[target].type}, "
                         f"not one of {', '.join(sorted(types))}")

    for e in entries:
        where = f"entry {e.id!r}"
        for key, (_, is_list) in _REFERENCES.items():
            value = e.extra.get(key)
            if value is None:
                continue
            if is_list:
                if not isinstance(value, tuple):
                    problems.add(e.source_file, where, f"{key} must be a list of ids")
                    continue
                for target in value:
                    check(e.source_file, where, key, target)
            else:
                check(e.source_file, where, key, value)
        for i, post in enumerate(e.extra.get("posts") or ()):
            if isinstance(post, Mapping) and post.get("organization") is not None:
                org = post["organization"]
                if org not in by_id:
                    problems.add(e.source_file, f"{where}, post #{i + 1}",
                                 f"dangling organization {org!r}: no such entry")
                elif by_id[org].type not in AGENT_TYPES:
                    problems.add(e.source_file, f"{where}, post #{i + 1}",
                                 f"organization {org!r} is a {by_id[org].type}")
        # located_in and parent must not loop
        for key in ("located_in", "parent"):
            seen = {e.id}
            current = e.extra.get(key)
            while isinstance(current, str) and current in by_id:
                if current in seen:
                    problems.add(e.source_file, where, f"{key} chain loops through {current!r}")
                    break
                seen.add(current)
                current = by_id[current].extra.get(key)
    for file, index, a in actions:
        where = f"action #{index + 1} ({a.state} / {a.treaty})"
        for key, target, wanted in (("state", a.state, "State"), ("treaty", a.treaty, "Treaty")):
            if target not in by_id:
                problems.add(file, where, f"dangling {key} {target!r}: no such entry")
            elif by_id[target].type != wanted:
                problems.add(file, where, f"{key} {target!r} is a {by_id[target].type}")


def _check_names(entries: list[Entry], problems: _Problems) -> None:
    """A name claimed by two entries of one type must be marked ambiguous by both."""
    claims: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        for form in {n.casefold() for n in (e.label, *e.aliases, *e.metonyms)}:
            claims[(e.type, form)].append(e)
    for (etype, form), claimants in sorted(claims.items()):
        if len(claimants) < 2:
            continue
        unmarked = [e for e in claimants if form not in {a.casefold() for a in e.ambiguous}]
        for e in unmarked:
            others = ", ".join(repr(o.id) for o in claimants if o is not e)
            problems.add(e.source_file, f"entry {e.id!r}",
                         f"name {form!r} is also claimed by {etype} {others}; "
                         "list it under 'ambiguous' in both entries")
    demonyms: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.type == "State":
            for d in e.extra.get("demonyms") or ():
                demonyms[d.casefold()].append(e)
    for d, states in sorted(demonyms.items()):
        if len(states) > 1:
            problems.add(states[1].source_file, f"entry {states[1].id!r}",
                         f"demonym {d!r} is also claimed by {states[0].id!r}")
    qids: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.wikidata:
            qids[e.wikidata].append(e)
    for qid, same in sorted(qids.items()):
        if len(same) > 1:
            problems.add(same[1].source_file, f"entry {same[1].id!r}",
                         f"wikidata {qid} is also given to {same[0].id!r}")


def load_registry(directory: Path | None = None) -> Registry:
    """Load and validate every ``*.yaml`` file of the registry directory.

    ``directory`` defaults to :func:`default_reference_dir`. Raises :class:`RegistryError`
    listing every problem (file and entry named) when anything is wrong.
    """
    directory = Path(directory) if directory is not None else default_reference_dir()
    problems = _Problems()
    if not directory.is_dir():
        raise RegistryError(f"{directory}: the reference registry directory does not exist")
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise RegistryError(f"{directory}: no *.yaml files in the reference registry")
    raw_all: dict[str, Any] = {}
    entries: list[Entry] = []
    actions: list[tuple[str, int, TreatyActionRecord]] = []
    seen: dict[str, str] = {}
    for path in files:
        data = _read_yaml(path, problems)
        raw_all[path.name] = data
        if data is None:
            continue
        if not isinstance(data, Mapping) or not set(data) <= {"entries", "actions"}:
            problems.add(path.name, None, "top level must be a mapping with 'entries' "
                         "and/or 'actions' only")
            continue
        for key in ("entries", "actions"):
            if key in data and not isinstance(data[key], list):
                problems.add(path.name, None, f"{key!r} must be a list")
        for i, raw in enumerate(data.get("entries") or []):
            entry = _parse_entry(raw, i, path.name, problems)
            if entry is None:
                continue
            if entry.id in seen:
                problems.add(path.name, f"entry {entry.id!r}",
                             f"duplicate id (first defined in {seen[entry.id]})")
                continue
            seen[entry.id] = path.name
            entries.append(entry)
        for i, raw in enumerate(data.get("actions") or []):
            action = _parse_action(raw, i, path.name, problems)
            if action is not None:
                actions.append((path.name, i, action))
    _check_references(entries, actions, problems)
    _check_names(entries, problems)
    first: dict[tuple[str, str, str], int] = {}
    for file, i, a in actions:
        triple = (a.state, a.treaty, a.kind)
        if triple in first:
            problems.add(file, f"action #{i + 1} ({a.state} / {a.treaty})",
                         f"duplicate {a.kind} (also action #{first[triple] + 1})")
        else:
            first[triple] = i
    if problems.items:
        count = len(problems.items)
        raise RegistryError(f"{count} problem{'s' if count > 1 else ''} in the reference "
                            f"registry ({directory}):\n  " + "\n  ".join(problems.items))
    return Registry(entries, [a for _, _, a in actions], raw_all, directory)
