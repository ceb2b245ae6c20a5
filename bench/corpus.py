"""A synthetic corpus of sanctions-shipping articles for the benchmarks, from a fixed seed.

    uv run python -m bench.corpus --articles 1000 --out bench/out/corpus-1000
    uv run python -m bench.corpus --articles 1000 --format jsonl --out bench/out/corpus-1000.jsonl

Articles are written from our own templates in the style of the sample articles: vessels
with valid IMO numbers (check digit computed), companies with legal forms, ports under their
aliases (Rason / Rajin / Najin), agencies, sanctions with years, port calls with dates,
ownership chains and ships going dark. The same seed and size give byte-identical files,
so runs on different days read the same text.

The text is for throughput and memory measurements, not for accuracy: it has no gold
annotations.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from graph.formats import imo_check_digit, valid_imo  # noqa: F401 (valid_imo: for checking what is generated)

SEED = 20240521
MAX_ARTICLES = 10_000

# -- vocabularies (our own word lists) -----------------------------------------------------
_SHIP_WORDS_A = [
    "Lady", "Ocean", "Sea", "Northern", "Eastern", "Golden", "Silver", "Blue", "Arctic", "Pacific",
    "Baltic", "Amur", "Volga", "Neva", "Sakhalin", "Kapitan", "Admiral", "Star", "Bright", "Grand",
    "Royal", "Polar", "Crystal", "Marina", "Aurora", "Orion", "Sirius", "Vega", "Jade", "Coral",
]
_SHIP_WORDS_B = [
    "R", "Maria", "Angara", "Maia", "Spirit", "Wind", "Pearl", "Dawn", "Glory", "Fortune", "Hope",
    "Voyager", "Trader", "Pioneer", "Express", "Carrier", "Breeze", "Horizon", "Sun", "Moon", "Light",
    "Queen", "Prince", "Falcon", "Eagle", "Dolphin", "Harmony", "Unity", "Victory", "Legend",
]
_SHIP_TYPES = ["cargo ship", "container ship", "oil tanker", "bulk carrier", "general cargo vessel",
               "tanker", "freighter", "ro-ro vessel", "crude tanker", "vessel"]
# (adjective, country) of flag states.
_FLAGS = [("Russian", "Russia"), ("Panamanian", "Panama"), ("Cameroonian", "Cameroon"),
          ("Togolese", "Togo"), ("Comoros-flagged", "Comoros"), ("Liberian", "Liberia"),
          ("Sierra Leone-flagged", "Sierra Leone"), ("Gabonese", "Gabon"), ("Palauan", "Palau"),
          ("Cook Islands-flagged", "the Cook Islands")]
_CO_STEMS = [
    "Oboron", "Transmare", "Sevmor", "Dalnevostochny", "Primorye", "Baltic Star", "Volna", "Severny",
    "Kamchatka", "Amur", "Neptune", "Poseidon", "Triton", "Okhotsk", "Sakhalin", "Gazmar", "Nordic",
    "Caspian", "Azov", "Pallada", "Orion", "Stellar", "Meridian", "Zenith", "Horizon", "Atlas",
    "Polaris", "Aurora", "Crescent", "Emerald", "Sapphire", "Topaz", "Granit", "Kristall", "Taiga",
]
_CO_WORDS = ["Shipping", "Maritime", "Logistics", "Trading", "Marine", "Navigation", "Tankers",
             "Ship Management", "Freight", "Lines", "Holdings", "Transport"]
_LEGAL = ["OOO", "LLC", "JSC", "PJSC", "AO", "Ltd", "Co.", "Inc.", "GmbH", "S.A.", "FZE", "Pte Ltd"]
_CO_COUNTRY = ["Russian", "Hong Kong-based", "Dubai-based", "Marshall Islands-registered",
               "Seychelles-registered", "Cyprus-based", "Singapore-based", "Chinese", "Indian"]
# (display name, aliases) from the ports the domain reports on.
_PORTS = [
    ("Rason", ["Rason", "Rajin", "Najin", "the port of Rajin", "Rason port"]),
    ("Nampo", ["Nampo", "Nampho", "the port of Nampo"]),
    ("Chongjin", ["Chongjin"]),
    ("Vostochny", ["Vostochny", "the port of Vostochny", "Vostochny Port"]),
    ("Dunay", ["Dunay", "the naval port of Dunay"]),
    ("Nakhodka", ["Nakhodka", "the port of Nakhodka"]),
    ("Kozmino", ["Kozmino", "the Kozmino terminal"]),
    ("Primorsk", ["Primorsk"]),
    ("Ust-Luga", ["Ust-Luga"]),
    ("Novorossiysk", ["Novorossiysk"]),
    ("Port Kavkaz", ["Port Kavkaz"]),
    ("Sevastopol", ["Sevastopol"]),
    ("Tartus", ["Tartus", "the Syrian port of Tartus"]),
    ("Bandar Abbas", ["Bandar Abbas"]),
    ("Kharg Island", ["Kharg Island"]),
    ("Fujairah", ["Fujairah", "the port of Fujairah"]),
    ("Jebel Ali", ["Jebel Ali"]),
    ("Vladivostok", ["Vladivostok"]),
]
_SANCTIONERS = [
    "the US Treasury's Office of Foreign Assets Control", "OFAC", "the US Department of the Treasury",
    "the State Department", "the European Union", "the UK's Office of Financial Sanctions Implementation",
    "the United Kingdom", "the United States", "the UN Security Council",
]
_OWNER_STATES = ["the Russian Ministry of Defence", "Russia's Defense Ministry", "the Russian Navy",
                 "the Islamic Revolutionary Guard Corps", "the National Iranian Oil Company",
                 "Sovcomflot"]
_SOURCES = ["NK Pro", "NK News", "Planet Labs", "the Royal United Services Institute", "RUSI",
            "CSIS's Beyond Parallel project", "the UN Panel of Experts", "UK defence intelligence",
            "Lloyd's List", "TankerTrackers", "Reuters", "Windward", "Kpler"]
_PERSONS = ["Kim Jong-un", "Choe Son-hui", "Sergei Shoigu", "Andrei Belousov", "Ivan Petrov",
            "Dmitry Orlov", "Li Wei", "Ahmad Karimi"]
_CARGO = ["containers", "munitions", "artillery shells", "crude oil", "refined products", "coal",
          "rail cars", "ammunition crates", "fuel oil", "iron ore"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_PUBLISHERS = ["NK Pro", "Maritime Watch", "Shipping Monitor", "Sanctions Review", "Open Seas Daily"]


@dataclass
class Vessel:
    name: str
    imo: str
    kind: str
    flag: tuple[str, str]  # (adjective, country)


@dataclass
class Company:
    name: str
    nationality: str


@dataclass
class World:
    vessels: list[Vessel]
    companies: list[Company]
    owner_of: dict[str, str]        # vessel name -> company name
    parent_of: dict[str, str]       # company name -> parent company / state body


def build_world(rng: random.Random, n_articles: int) -> World:
    """Entities shared by all articles; pools grow with the corpus so mentions repeat realistically."""
    n_vessels = max(40, n_articles // 2)
    n_companies = max(20, n_articles // 5)
    names: set[str] = set()
    vessels: list[Vessel] = []
    imos: set[str] = set()
    while len(vessels) < n_vessels:
        name = f"{rng.choice(_SHIP_WORDS_A)} {rng.choice(_SHIP_WORDS_B)}"
        if name in names:
            name = f"{name} {rng.randint(1, 99)}"
            if name in names:
                continue
        six = f"{rng.choice('789')}{rng.randint(0, 99999):05d}"
        imo = six + str(imo_check_digit(six))
        if imo in imos:
            continue
        names.add(name)
        imos.add(imo)
        vessels.append(Vessel(name, imo, rng.choice(_SHIP_TYPES), rng.choice(_FLAGS)))
    companies: list[Company] = []
    cnames: set[str] = set()
    while len(companies) < n_companies:
        stem = rng.choice(_CO_STEMS)
        if rng.random() < 0.5:
            stem = f"{stem}{rng.choice(['logistika', 'flot', 'trans', 'mor', 'neft', ''])}".strip()
        name = f"{stem} {rng.choice(_CO_WORDS)} {rng.choice(_LEGAL)}"
        if name in cnames:
            continue
        cnames.add(name)
        companies.append(Company(name, rng.choice(_CO_COUNTRY)))
    owner_of = {v.name: rng.choice(companies).name for v in vessels}
    parent_of: dict[str, str] = {}
    for i, c in enumerate(companies):
        r = rng.random()
        if r < 0.4 and i > 0:
            parent_of[c.name] = companies[rng.randrange(0, i)].name  # acyclic: parents come earlier
        elif r < 0.7:
            parent_of[c.name] = rng.choice(_OWNER_STATES)
    return World(vessels, companies, owner_of, parent_of)


def _sentence(text: str) -> str:
    """Capitalise the first letter and end with one full stop ("S.A." must not become "S.A..")."""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _fmt_date(d: date) -> str:
    return f"{d.strftime('%B')} {d.day}, {d.year}"


class _Writer:
    """Sentences about one story: a few vessels, their owners, ports and the sanctions."""

    def __init__(self, rng: random.Random, world: World, published: date):
        self.rng, self.w, self.published = rng, world, published

    def port(self) -> str:
        return self.rng.choice(self.rng.choice(_PORTS)[1])

    def when(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            return "on " + _fmt_date(self.published - timedelta(days=rng.randint(3, 400)))
        if r < 0.6:
            return "on " + rng.choice(_WEEKDAYS)
        if r < 0.8:
            return f"in {(self.published - timedelta(days=rng.randint(30, 700))).strftime('%B %Y')}"
        return rng.choice(["two days later", "last week", "earlier this month", "since last August"])

    def vessel_intro(self, v: Vessel) -> str:
        rng = self.rng
        forms = [
            f"the {v.flag[0]} {v.kind} {v.name} (IMO {v.imo})",
            f"the {v.kind} {v.name} (IMO: {v.imo})",
            f"{v.name}, a {v.flag[0]} {v.kind} with IMO number {v.imo},",
            f"the {v.name} (IMO {v.imo}), a {v.kind} flagged in {v.flag[1]}",
        ]
        return rng.choice(forms)

    def sentences(self, vessels: list[Vessel]) -> list[str]:
        rng, w = self.rng, self.w
        out: list[str] = []
        lead = vessels[0]
        p1, p2 = self.port(), self.port()
        src = rng.choice(_SOURCES)
        out.append(
            f"Satellite images reviewed by {src} show {self.vessel_intro(lead)} loading "
            f"{rng.choice(_CARGO)} at {p1} {self.when()}."
        )
        out.append(
            f"The ship then sailed to {p2}, where it docked {self.when()} and unloaded its cargo, "
            f"according to {rng.choice(_SOURCES)}."
        )
        for v in vessels[1:]:
            out.append(rng.choice([
                f"A second vessel, {self.vessel_intro(v)}, called at {self.port()} {self.when()}.",
                f"{rng.choice(_SOURCES)} also identified {self.vessel_intro(v)} at {self.port()} {self.when()}.",
                f"Tracking data show that {self.vessel_intro(v)} arrived in {self.port()} {self.when()}.",
            ]))
        if rng.random() < 0.6:
            out.append(rng.choice([
                f"{lead.name} went dark, switching off its AIS transponder after leaving {p1}.",
                f"The {lead.name} did not turn on its AIS transponder between ports, {src} said.",
                f"Like other ships in the trade, {lead.name} turned off its automatic identification system {self.when()}.",
            ]))
        for v in vessels:
            owner = w.owner_of[v.name]
            out.append(rng.choice([
                f"{v.name} is owned by {owner}, according to shipping databases.",
                f"The vessel's registered owner is {owner}, which also manages the {v.name}.",
                f"{owner} operates {v.name}, records from the International Maritime Organization show.",
                f"{v.name} is managed by {owner}.",
            ]))
            parent = w.parent_of.get(owner)
            if parent:
                out.append(rng.choice([
                    f"{owner} is a subsidiary of {parent}.",
                    f"{owner} is controlled by {parent}, according to corporate filings.",
                    f"Records show {owner} is wholly owned by {parent}.",
                ]))
        sanctioner = rng.choice(_SANCTIONERS)
        year = rng.randint(2018, 2024)
        if len(vessels) > 1 and rng.random() < 0.5:
            out.append(f"{sanctioner[0].upper()}{sanctioner[1:]} sanctioned all of these ships in {year}.")
        else:
            targets = [lead.name, w.owner_of[lead.name]]
            out.append(rng.choice([
                f"{sanctioner[0].upper()}{sanctioner[1:]} sanctioned {targets[0]} and {targets[1]} in {year} "
                f"for ties to {rng.choice(_OWNER_STATES)}.",
                f"In {year}, {sanctioner} designated {targets[1]} for its role in the trade.",
                f"{targets[0]} was sanctioned by {sanctioner} in {year}.",
            ]))
        filler = [
            f"Analysts at {rng.choice(_SOURCES)} said the shipments had grown since {rng.randint(2021, 2024)}.",
            f"The trade between North Korea and Russia breaches UN Security Council resolutions, {rng.choice(_SOURCES)} said.",
            f"{rng.choice(_PERSONS)} has not commented on the reports.",
            "Officials did not respond to a request for comment.",
            f"The cargo was later moved by rail from {self.port()} toward the front, analysts believe.",
            f"The port of {rng.choice(['Rajin', 'Najin', 'Rason'])} lies in North Korea's far north-east, near the Russian border.",
            f"Vostochny is a commercial port near Nakhodka, while Dunay is used by the Russian Navy.",
            f"Such ship-to-ship transfers are a common way to hide the origin of {rng.choice(_CARGO)}.",
            f"{rng.choice(_SOURCES)} counted at least {rng.randint(3, 40)} voyages on the route {self.when()}.",
        ]
        rng.shuffle(filler)
        out.extend(filler[: rng.randint(3, 7)])
        return [_sentence(x.removesuffix(".")) if x.endswith("..") or x[0].islower() else x for x in out]


def generate(n_articles: int, seed: int = SEED) -> list[dict]:
    """N articles as dicts {id, title, published, source, text}; deterministic for (n, seed)."""
    if not 1 <= n_articles <= MAX_ARTICLES:
        raise ValueError(f"articles must be between 1 and {MAX_ARTICLES}, got {n_articles}")
    rng = random.Random(seed)
    world = build_world(rng, n_articles)
    start = date(2022, 1, 1)
    articles = []
    for i in range(n_articles):
        published = start + timedelta(days=rng.randint(0, 1000))
        vessels = rng.sample(world.vessels, rng.choice([1, 1, 2, 2, 3, 4]))
        writer = _Writer(rng, world, published)
        sents = writer.sentences(vessels)
        # Two or three paragraphs, as in the sample articles.
        cut = sorted(rng.sample(range(1, len(sents)), min(2, len(sents) - 1)))
        paras = [" ".join(sents[a:b]) for a, b in zip([0, *cut], [*cut, len(sents)]) if sents[a:b]]
        title = rng.choice([
            f"{vessels[0].name} spotted at {writer.port()} as sanctions tighten",
            f"Sanctioned ship {vessels[0].name} carries {rng.choice(_CARGO)} to Russia",
            f"How {world.owner_of[vessels[0].name]} keeps its fleet moving",
        ])
        articles.append({
            "id": f"bench-{i:05d}",
            "title": title,
            "published": published.isoformat(),
            "source": rng.choice(_PUBLISHERS),
            "text": f"{title}\n\n" + "\n\n".join(paras) + "\n",
        })
    return articles


def word_count(text: str) -> int:
    return len(text.split())


def write(articles: list[dict], out: Path, fmt: str = "txt") -> list[Path]:
    """Write articles as one .txt/.md file each in folder `out`, or as one jsonl file `out`."""
    if fmt == "jsonl":
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for a in articles:
                fh.write(json.dumps(a, ensure_ascii=False) + "\n")
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for a in articles:
        path = out / f"{a['id']}.{fmt}"
        text = a["text"]
        if fmt == "md":
            body = text.split("\n\n", 1)[1]
            text = f"# {a['title']}\n\n*{a['source']}, {a['published']}*\n\n{body}"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000, help=f"how many (1..{MAX_ARTICLES})")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--format", choices=["txt", "md", "jsonl"], default="txt")
    ap.add_argument("--out", type=Path, default=None, help="folder (txt/md) or file (jsonl)")
    args = ap.parse_args(argv)
    arts = generate(args.articles, args.seed)
    out = args.out or Path("bench/out") / (f"corpus-{args.articles}" + (".jsonl" if args.format == "jsonl" else ""))
    write(arts, out, args.format)
    words = sum(word_count(a["text"]) for a in arts)
    print(f"{len(arts)} articles, {words} words ({words / len(arts):.0f}/article) -> {out}")


if __name__ == "__main__":
    main()
