"""What a sanctions-list reader produces, whatever the file layout: entities, sanctions, links.

Readers (ftm.py, ofac.py) only parse; importer.py decides which graph nodes they become.
Entities are keyed by their list key `<list name>:<entry id>` (e.g. `us-ofac-sdn:28470`), which
is stored in the node's `list_ids` so that a re-import finds the node again, even after the
entry was merged onto an entity extracted from articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from ingest.normalize import normalize_name, slug

LIST_SOURCE_PREFIX = "list:"  # `source` of a node that only a sanctions list names


@dataclass
class ListedEntity:
    """One list entry naming a vessel, company, body or person."""

    key: str  # <list name>:<entry id>
    label: str  # ontology label
    name: str
    node_id: str  # the id a new node gets: imo:<n> for vessels with an IMO, else <list ns>:<entry id>
    aliases: list[str] = field(default_factory=list)
    props: dict[str, object] = field(default_factory=dict)  # imo, mmsi, call_sign, flag, vessel_type, legal_form
    countries: list[str] = field(default_factory=list)  # ISO2 codes of the entity's country/jurisdiction


@dataclass
class ListedSanction:
    """A designation of one entity by an authority under one program."""

    entity: str  # ListedEntity.key
    list_name: str
    entry_id: str  # the list's id for the entry (OFAC ent_num, FtM Sanction id, ...)
    authority: str | None = None  # authority name as the list writes it
    country: str | None = None  # ISO2 of the sanctioning state
    program: str | None = None
    date: str | None = None  # ISO listing date
    source_url: str | None = None
    summary: str | None = None  # one line naming the list entry, for the evidence item


@dataclass
class ListedLink:
    """A relationship between two list entries (Ownership -> OWNED_BY, ...)."""

    type: str  # ontology relationship type
    start: str  # ListedEntity.key
    end: str
    key: str = ""
    props: dict[str, object] = field(default_factory=dict)
    summary: str | None = None


@dataclass
class ParsedList:
    name: str  # list name, e.g. us-ofac-sdn or opensanctions
    entities: dict[str, ListedEntity] = field(default_factory=dict)
    sanctions: list[ListedSanction] = field(default_factory=list)
    links: list[ListedLink] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    iso2: str | None = None


@cache
def _countries() -> dict[str, str]:
    raw = yaml.safe_load((resources.files("ingest") / "data" / "countries.yaml").read_text("utf-8"))
    items = raw.get("countries", raw) if isinstance(raw, dict) else raw
    return {str(c["iso2"]).upper(): c["name"] for c in items if c.get("iso2")}


def country(code_or_name: str | None) -> Place | None:
    """The Country node for an ISO2 code or a country name, with the id extraction gives it."""
    if not code_or_name:
        return None
    from followthemoney.types import registry

    code = registry.country.clean(code_or_name, fuzzy=True)
    if not code:
        return None
    code = code.upper()
    name = _countries().get(code) or registry.country.caption(code.lower())
    if not name or "-" in code:  # FtM's pseudo-codes (e.g. "SUHH", "XK-") are not states we model
        return None
    return Place(id="country:" + slug(normalize_name(name)), name=name, iso2=code)


@dataclass(frozen=True)
class Authority:
    id: str
    name: str
    aliases: tuple[str, ...]
    country: Place | None
    part_of: str | None = None  # name of the body it belongs to


# Authorities the list readers name, by the forms lists use. Names match ingest/data/agencies.yaml,
# so the Agency node is the one articles mention ("OFAC", "the US Treasury").
_AUTHORITIES = [
    ("Office of Foreign Assets Control", "US", ["OFAC", "US OFAC", "U.S. Office of Foreign Assets Control", "us-ofac"]),
    ("Office of Financial Sanctions Implementation", "GB", ["OFSI", "HM Treasury"]),
    ("UK Foreign Office", "GB", ["Foreign, Commonwealth and Development Office", "FCDO"]),
    ("UN Security Council", None, ["United Nations Security Council", "UNSC", "UN Security Council 1718 Committee"]),
    ("Council of the European Union", None, ["EU Council", "European Union", "EU"]),
]


def authority(name: str | None, country_code: str | None = None) -> Authority | None:
    """The Agency a list names as the sanctioning authority (a known body, or one made from its name)."""
    if not name:
        return None
    norm = normalize_name(name)
    for canonical, code, aliases in _AUTHORITIES:
        if norm in {normalize_name(a) for a in (canonical, *aliases)}:
            return Authority(
                id="agency:" + slug(normalize_name(canonical)),
                name=canonical,
                aliases=tuple(aliases),
                country=country(code) if code else country(country_code),
            )
    return Authority(id="agency:" + slug(norm), name=name, aliases=(), country=country(country_code))
