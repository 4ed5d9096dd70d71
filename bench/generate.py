"""Synthetic corpora for benchmarks and scale tests: realistic articles, deterministic.

    python bench/generate.py OUT_DIR --documents 1000 [--seed 7]

Each article is assembled from varied templates and wordings (news reports, NGO statements,
UN press releases, op-eds), with actors, places, treaties, dates and counts drawn from the
reference registry (`graph.registry.load_registry()`), plus the noise real corpora carry:
site boilerplate, organisations and people no registry knows, and documents about something
else entirely (no events). The same seed and size always give byte-identical files, so
benchmark runs compare like with like. Every file starts with a header block (`Title:`,
`Source:`, `Date:`, `URL:`) that `graph.reading` understands.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from graph.registry import Entry, Registry, load_registry

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MONTH_ABBR = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.",
              "Oct.", "Nov.", "Dec.")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SMALL = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "a dozen")

BOILERPLATE_TOP = ("Skip to main content", "Menu", "Home > News > Asia", "Share this article",
                   "Advertisement", "Get Informed, Stay Inspired", "Print")
BOILERPLATE_BOTTOM = ("Related articles", "Subscribe to our newsletter", "Donate now",
                      "Follow us on Facebook, Twitter and Instagram", "Scroll to top",
                      "Privacy policy", "© {year} All rights reserved.", "Most read",
                      "We use cookies to improve your experience on this website.")

# Unknown actors, invented from parts no registry holds (minted as unreviewed entities).
ORG_FIRST = ("Northern Light", "Han River", "Tumen Crossing", "Free Hearts", "Bridge of Hope",
             "Seoul Dawn", "Open Border", "Silent Voices", "New Horizon", "Mercy Road",
             "Korean Future", "Blue Sky", "Homecoming", "Lantern", "Crossing Point")
ORG_LAST = ("Rescue Network", "Refugee Solidarity", "Human Rights Institute", "Foundation",
            "Defectors Association", "Advocacy Center", "Legal Aid Committee", "Alliance",
            "Relief Council", "Watch")
SURNAMES = ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han",
            "Shin", "Seo", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong", "Jeon")
GIVEN = ("Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Soo-ah", "Joon-young",
         "Eun-ji", "Hyun-woo", "Mi-rae", "Sung-min", "Ye-jin", "Tae-hee", "Kyung-soo")
ROLES = ("director", "executive director", "president", "researcher", "spokesperson",
         "founder", "secretary general", "senior analyst", "program officer")

GOVERNMENT = ("authorities", "officials", "police", "border guards", "security forces")
HARMS = ("torture", "forced labour", "sexual violence", "execution", "arbitrary detention",
         "enforced disappearance", "imprisonment in political prison camps",
         "beatings during interrogation", "public executions", "forced abortions")
PEOPLE = ("North Korean defectors", "North Korean refugees", "North Koreans",
          "North Korean escapees", "defectors", "North Korean women and children",
          "North Korean asylum seekers", "escapees")
RETURN_VERBS = ("forcibly repatriated", "sent back", "deported", "forcibly returned",
                "handed over", "repatriated")
OFF_TOPIC = (
    "The city council approved a new budget for public libraries and cultural centres.",
    "Organisers said the festival drew more visitors than last year despite the rain.",
    "The trade fair featured exhibitors from more than forty countries.",
    "Analysts expect the central bank to keep interest rates unchanged next quarter.",
    "The museum will reopen after renovation work on its east wing is completed.",
    "Local farmers reported a strong harvest of rice and soybeans this autumn.",
    "The university announced a new scholarship programme for engineering students.",
    "Heavy snow closed several mountain roads and delayed trains in the north.",
    "The orchestra performed works by Beethoven and Brahms to a full house.",
    "Officials said the new high-speed rail line would cut travel times by an hour.",
)
BACKGROUND = (
    "China regards North Koreans who cross the border without permission as illegal economic "
    "migrants rather than refugees, and returns them under a 1986 border protocol with "
    "Pyongyang.",
    "Human rights groups say returnees are interrogated by the Ministry of State Security and "
    "many are sent to detention facilities where abuse is widespread.",
    "The principle of non-refoulement prohibits returning anyone to a country where they "
    "would face a real risk of torture or other serious harm.",
    "Most North Koreans who flee cross the Tumen or Yalu rivers into China before travelling "
    "on to Southeast Asia and eventually South Korea.",
    "Activists estimate that tens of thousands of North Koreans are hiding in China, many of "
    "them women who are vulnerable to trafficking.",
    "The border was sealed for more than three years during the pandemic, and crossings have "
    "only slowly resumed since then.",
    "South Korea's constitution considers North Koreans its citizens, and defectors who reach "
    "Seoul receive resettlement support.",
    "Brokers charge thousands of dollars to guide escapees across the border, and the fees "
    "have risen sharply in recent years.",
)


@dataclass(frozen=True)
class Pools:
    """Registry entries the templates draw from, by role."""

    perpetrators: tuple[Entry, ...]
    china: Entry
    north_korea: Entry
    places: tuple[Entry, ...]
    facilities: tuple[Entry, ...]
    speakers: tuple[Entry, ...]
    people: tuple[Entry, ...]
    states: tuple[Entry, ...]
    treaties: tuple[Entry, ...]
    media: tuple[Entry, ...]
    un_bodies: tuple[Entry, ...]
    assemblies: tuple[Entry, ...]


def pools(registry: Registry) -> Pools:
    def ids(*names: str) -> tuple[Entry, ...]:
        return tuple(registry[n] for n in names if n in registry)

    china_places = tuple(
        e for e in registry.by_type("Settlement", "BorderCrossing", "AdministrativeRegion")
        if registry.state_of(e.id) in ("china", None) and e.matchable)
    china_treaties = sorted({a.treaty for a in registry.actions_for(state="china")})
    return Pools(
        perpetrators=ids("china", "russia", "laos", "vietnam", "thailand", "mongolia"),
        china=registry["china"], north_korea=registry["north-korea"],
        places=china_places or registry.by_type("Settlement")[:20],
        facilities=tuple(e for e in registry.by_type("DetentionFacility") if e.matchable),
        speakers=tuple(e for e in registry.by_type(
            "NGO", "NationalHumanRightsInstitution", "SpecialProcedure", "Coalition")
            if e.matchable),
        people=tuple(e for e in registry.by_type("Person") if e.matchable and e.get("posts")),
        states=ids("south-korea", "united-states", "japan", "united-kingdom", "germany",
                   "canada", "australia", "france", "netherlands", "sweden"),
        treaties=tuple(registry[t] for t in china_treaties if t in registry),
        media=tuple(e for e in registry.by_type("MediaOrganization") if e.matchable),
        un_bodies=ids("unhcr", "ohchr", "unga", "hrc", "committee-against-torture",
                      "un-secretary-general", "third-committee", "coi-dprk"),
        assemblies=ids("unga", "hrc", "third-committee", "chr"),
    )


class Writer:
    """One article: picks names and numbers with its own seeded random generator."""

    def __init__(self, rng: random.Random, p: Pools, when: date) -> None:
        self.rng = rng
        self.p = p
        self.when = when
        self.unknown_orgs: list[str] = []

    def pick(self, seq: Sequence[str]) -> str:
        return self.rng.choice(seq)

    def name(self, entry: Entry) -> str:
        """The label mostly, an alias sometimes (as real text varies)."""
        names = entry.names
        if len(names) > 1 and self.rng.random() < 0.35:
            return self.rng.choice(names[1:])
        return entry.label

    def state_actor(self, entry: Entry) -> str:
        demonyms = entry.get("demonyms", ())
        if demonyms and self.rng.random() < 0.6:
            return f"{demonyms[0]} {self.pick(GOVERNMENT)}"
        return self.name(entry)

    def unknown_org(self) -> str:
        name = f"{self.pick(ORG_FIRST)} {self.pick(ORG_LAST)}"
        self.unknown_orgs.append(name)
        return name

    def unknown_person(self) -> str:
        return f"{self.pick(SURNAMES)} {self.pick(GIVEN)}"

    def count(self) -> str:
        r = self.rng.random()
        n = self.rng.choice((12, 20, 30, 40, 50, 60, 80, 100, 200, 300, 500, 600))
        if r < 0.3:
            return str(n)
        if r < 0.5:
            return f"{self.pick(('more than', 'about', 'at least', 'nearly', 'some'))} {n}"
        if r < 0.65:
            return self.pick(("hundreds of", "dozens of", "scores of"))
        if r < 0.8:
            return self.pick(SMALL)
        return f"{n:,}" if n >= 1000 else f"up to {n}"

    def event_date(self) -> str:
        back = self.rng.randint(1, 40)
        d = self.when - timedelta(days=back)
        r = self.rng.random()
        if r < 0.3:
            return f"on {MONTH_ABBR[d.month - 1]} {d.day}"
        if r < 0.5:
            return f"on {d.day} {MONTHS[d.month - 1]} {d.year}"
        if r < 0.65:
            return f"on {WEEKDAYS[d.weekday()]}"
        if r < 0.8:
            return f"in {MONTHS[d.month - 1]} {d.year}"
        if r < 0.9:
            return "last week"
        return f"earlier this {self.pick(('month', 'year'))}"

    def people(self) -> str:
        return self.pick(PEOPLE)

    def place(self) -> str:
        return self.name(self.rng.choice(self.p.places))

    # -- sentences -------------------------------------------------------------------------
    def forced_return(self) -> str:
        perp = self.p.china if self.rng.random() < 0.8 else self.rng.choice(self.p.perpetrators)
        actor = self.state_actor(perp)
        when, count, who = self.event_date(), self.count(), self.people()
        place, verb = self.place(), self.pick(RETURN_VERBS)
        nk = self.name(self.p.north_korea)
        forms = (
            f"{upper_first(when)}, {actor} {verb} {count} {who} to {nk} through {place}.",
            f"{upper_first(actor)} {verb} {count} {who} {when}, according to "
            f"{self.source()}.",
            f"{upper_first(count)} {who} were {verb} from {place} {when}.",
            f"{upper_first(self.source())} said {actor} had {verb} {count} {who} to {nk} "
            f"{when}.",
            f"The {who} were {verb} across the border near {place} {when}, the group said.",
            f"{upper_first(when)}, some {count} {who} held in {place} were {verb} to {nk} by "
            f"{actor}.",
        )
        return self.pick(forms)

    def detention(self) -> str:
        facility = self.name(self.rng.choice(self.p.facilities)) if self.p.facilities \
            else "a border detention centre"
        who = self.people()
        forms = (
            f"The {who} had been held at the {facility} before their return.",
            f"Before the repatriation, {self.count()} {who} were detained at {facility}.",
            f"Witnesses said {who} were kept for weeks in the {facility}.",
        )
        return self.pick(forms)

    def source(self) -> str:
        r = self.rng.random()
        if r < 0.4 and self.p.speakers:
            return self.name(self.rng.choice(self.p.speakers))
        if r < 0.6 and self.p.media:
            return self.name(self.rng.choice(self.p.media))
        if r < 0.8:
            return self.unknown_org()
        return "a Seoul-based rights group"

    def speaker(self) -> str:
        r = self.rng.random()
        if r < 0.35 and self.p.speakers:
            return self.name(self.rng.choice(self.p.speakers))
        if r < 0.55 and self.p.states:
            return self.state_actor(self.rng.choice(self.p.states))
        if r < 0.7 and self.p.un_bodies:
            return self.name(self.rng.choice(self.p.un_bodies))
        if r < 0.85 and self.p.people:
            return self.name(self.rng.choice(self.p.people))
        return self.unknown_org()

    def statement(self) -> str:
        who = self.speaker()
        china = self.name(self.p.china) if self.rng.random() < 0.7 else self.pick(
            ("Beijing", "the Chinese government", "Chinese authorities"))
        topic = self.pick(("halt forced repatriations", "stop the forced return of "
                           f"{self.people()}", "respect the principle of non-refoulement",
                           "allow UNHCR access to North Koreans in detention",
                           "release the detained defectors"))
        forms = (
            f"{who} urged {china} to {topic}.",
            f"{who} called on {china} to {topic} {self.event_date()}.",
            f"{who} condemned the forced repatriation of {self.people()} by {china}.",
            f"{who} expressed deep concern about the fate of the returnees.",
            f"In a letter to {china}, {who} demanded that the government {topic}.",
            f"{who} welcomed the resolution and recommended that {china} {topic}.",
            f"\u201cThe international community must not remain silent,\u201d {who} said.",
        )
        return self.pick(forms)

    def post(self) -> str:
        if self.p.people and self.rng.random() < 0.6:
            person = self.rng.choice(self.p.people)
            post = person.get("posts")[-1]
            return (f"{self.name(person)}, {post['post']}, said the returns violated "
                    f"international law.")
        name, role, org = self.unknown_person(), self.pick(ROLES), self.unknown_org()
        return f"\u201cThey face grave danger,\u201d said {name}, {role} at {org}."

    def treaty(self) -> str:
        if not self.p.treaties:
            return ""
        t = self.rng.choice(self.p.treaties)
        year = self.rng.choice((1982, 1988, 1992, 2001))
        forms = (
            f"China is a party to the {self.name(t)}, which it ratified in {year}.",
            f"As a signatory to the {self.name(t)}, China is bound by the principle of "
            f"non-refoulement.",
            f"Critics say the returns breach China's obligations under the {self.name(t)}.",
        )
        return self.pick(forms)

    def harm(self) -> str:
        a, b = self.rng.sample(HARMS, 2)
        forms = (
            f"Returnees face {a} and {b} in North Korea.",
            f"Those sent back are at risk of {a}, {b} and other serious abuses.",
            f"Former detainees have described {a} after being returned.",
        )
        return self.pick(forms)

    def resolution(self) -> str:
        body = (self.name(self.rng.choice(self.p.assemblies)) if self.p.assemblies
                else "UN General Assembly")
        forms = (
            f"The {body} adopted a resolution on the human rights situation in North Korea "
            f"{self.event_date()}, without a vote.",
            f"A resolution adopted by the {body} {self.event_date()} called on all states to "
            f"respect non-refoulement.",
        )
        return self.pick(forms)


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _date_header(d: date, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.5:
        return d.isoformat()
    if r < 0.8:
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return f"{MONTHS[d.month - 1]} {d.year}"


def article(index: int, p: Pools, seed: int) -> tuple[str, str]:
    """(file name, text) of the index-th article of a corpus with this seed."""
    rng = random.Random(f"{seed}:{index}")
    when = date(2008, 1, 1) + timedelta(days=rng.randint(0, 365 * 16))
    w = Writer(rng, p, when)
    kind = rng.choices(("news", "statement", "un", "offtopic"), (0.55, 0.2, 0.15, 0.1))[0]
    publisher = (w.name(rng.choice(p.media)) if kind in ("news", "offtopic") and p.media
                 else w.unknown_org() if kind == "statement" and rng.random() < 0.4
                 else w.name(rng.choice(p.speakers)) if kind == "statement"
                 else "UN News")
    paragraphs: list[str] = []
    if kind == "offtopic":
        title = rng.choice(("City news roundup", "Weekend briefing", "Business and culture "
                            "in brief", "Regional digest"))
        for _ in range(rng.randint(4, 8)):
            paragraphs.append(" ".join(rng.sample(OFF_TOPIC, rng.randint(2, 4))))
    else:
        title = rng.choice((
            f"{w.name(p.china)} repatriates North Korean defectors despite appeals",
            "Rights groups condemn forced returns of North Koreans",
            "UN experts urge halt to repatriations of North Korean escapees",
            "Defectors face torture after forced return, activists warn",
            f"Concern grows over fate of North Koreans detained in {w.place()}",
        ))
        makers = [w.forced_return, w.statement, w.harm, w.detention, w.post, w.treaty,
                  w.statement, w.resolution]
        weights = [3, 3, 2, 1, 1, 1, 2, 1] if kind != "un" else [1, 4, 2, 1, 2, 2, 2, 3]
        for _ in range(rng.randint(5, 11)):
            sentences = [m() for m in rng.choices(makers, weights, k=rng.randint(1, 3))]
            if rng.random() < 0.5:
                sentences.append(rng.choice(BACKGROUND))
            paragraphs.append(" ".join(s for s in sentences if s))
        if rng.random() < 0.3:
            paragraphs.append(" ".join(rng.sample(BACKGROUND, 2)))
    top = [line for line in BOILERPLATE_TOP if rng.random() < 0.3]
    bottom = [line.format(year=when.year) for line in BOILERPLATE_BOTTOM
              if rng.random() < 0.3]
    header = [f"Title: {title}", f"Source: {publisher}", f"Date: {_date_header(when, rng)}",
              f"URL: https://news.example.org/{when.year}/{index:06d}"]
    dateline = rng.choice(("SEOUL", "GENEVA", "BEIJING", "TOKYO", "WASHINGTON"))
    if paragraphs and rng.random() < 0.6:
        paragraphs[0] = f"{dateline} \u2014 {paragraphs[0]}"
    body = "\n\n".join([*top, *paragraphs, *bottom])
    return f"{when.isoformat()}-{index:06d}.txt", "\n".join(header) + "\n\n" + body + "\n"


def generate(out: Path, documents: int, *, seed: int = 7,
             registry: Registry | None = None) -> list[Path]:
    """Write `documents` articles into `out` (created); returns their paths in order."""
    p = pools(registry or load_registry())
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(documents):
        name, text = article(i, p, seed)
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def edit(path: Path, note: str = "The group repeated its appeal on Friday.") -> None:
    """Change one document the way an updated article changes: a sentence added."""
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{text}\n\n{note}\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the articles into")
    parser.add_argument("--documents", "-n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    paths = generate(args.out, args.documents, seed=args.seed)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    print(f"wrote {len(paths)} documents ({words} words) to {args.out}")


if __name__ == "__main__":
    main()
