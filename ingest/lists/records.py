"""What a sanctions-list reader produces, whatever the file layout: entities, sanctions, links.

Readers (ftm.py, ofac.py) only parse; importer.py decides which graph nodes they become.
Entities are keyed by their list key `<list name>:<entry id>` (e.g. `us-ofac-sdn:28470`), which
is stored in the node's `list_ids` so that a re-import finds the node again, even after the
entry was merged onto an entity extracted from articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

# `source` of a node that only a sanctions list names; declared with the store's list Cypher,
# taken from here by the importer and ingest/pipeline.py.
from graph.listings import LIST_SOURCE_PREFIX as LIST_SOURCE_PREFIX
from ingest.normalize import normalize_name, slug


@dataclass(frozen=True)
class ListedIdentity:
    """A name or flag a list entry gives a ship, as the list states it (graph/identity.py).

    status: "listed" (the entry's name, an a.k.a., its flag), "former" (f.k.a., a previous name,
    a past flag) or "current" (n.k.a., or the name the ship was renamed to). date: the date the
    list gives for it, ISO or a year: a rename's (FtM nameChangeDate) or a date in the alias'
    remarks; a listed name without one is dated by the entry's listing date on import."""

    field: str  # name | flag
    value: str
    status: str  # listed | former | current
    date: str | None = None
    note: str = ""  # the entry's words for it, e.g. "OFAC SDN entry 36001: f.k.a. ORCHID BAY"


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
    identity: list[ListedIdentity] = field(default_factory=list)  # a ship's names and flags as the entry states them


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


_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2}) ([A-Z][a-z]{2})[a-z]* (\d{4})\b")  # OFAC writes "08 May 2022"
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def stated_date(text: str | None) -> str | None:
    """The date a list's remark states: ISO (2022-05-08), OFAC's "08 May 2022", else a year."""
    from datetime import date, datetime

    if not text:
        return None
    m = _ISO_DATE.search(text)
    if m:
        try:
            return date.fromisoformat(m.group(1)).isoformat()
        except ValueError:
            pass
    m = _DAY_MONTH_YEAR.search(text)
    if m:
        try:
            return datetime.strptime(f"{m.group(1)} {m.group(2)} {m.group(3)}", "%d %b %Y").date().isoformat()
        except ValueError:
            pass
    m = _YEAR.search(text)
    return m.group(1) if m else None


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


# -- reading list files within bounds (graph/limits.py) --------------------------------------------


def open_list_file(path):
    """A list file opened for binary reading: a regular file only (a FIFO or device is refused)."""
    import os
    import stat

    from graph.errors import InputError
    from ingest.readers import display_name

    name = display_name(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(f"Cannot read {name}: {exc.strerror or exc}.") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError(f"Cannot read {name}: not a regular file (a pipe, socket or device). Save it to a file and give that.")
    return os.fdopen(fd, "rb")


def read_list_file(path) -> bytes:
    """A whole list file, at most SANCTIONS_KG_MAX_INPUT_BYTES."""
    from graph.errors import InputError
    from graph.limits import too_large, limits
    from ingest.readers import display_name, read_capped

    with open_list_file(path) as fh:
        try:
            raw = read_capped(fh, limits().max_input_bytes)
        except OSError as exc:
            raise InputError(f"Cannot read {display_name(path)}: {exc.strerror or exc}.") from None
    if raw is None:
        raise InputError(f"Cannot read {display_name(path)}: {too_large('the file', 'max_input_bytes')}.")
    return raw


def list_lines(path):
    """(line number, text) of a JSON-lines list, streamed; each line decoded on its own.

    UTF-8 (with or without a BOM), UTF-16 (with a BOM, or told by its NUL bytes) and
    single-byte lines (cp1252) are read; a line over SANCTIONS_KG_MAX_RECORD_BYTES is an
    InputError naming the line and the setting.
    """
    import io

    from graph.errors import InputError
    from graph.limits import limits, too_large
    from ingest.readers import _single_byte, display_name

    limit = limits().max_record_bytes
    name = display_name(path)
    with open_list_file(path) as fh:
        head = fh.peek(4096)[:4096]
        codec = None
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            codec = "utf-16"
        elif b"\x00" in head:
            even, odd = head[0::2], head[1::2]
            codec = "utf-16-le" if odd.count(0) > even.count(0) else "utf-16-be"
        elif head.startswith(b"\xef\xbb\xbf"):
            fh.read(3)
        stream = io.TextIOWrapper(fh, encoding=codec, errors="replace", newline="") if codec else fh
        n = 0
        while True:
            # Read with a bound: one endless line must not fill the memory.
            line = stream.readline(limit + 1)
            if not line:
                return
            n += 1
            if len(line) > limit and not line.endswith(("\n" if codec else b"\n")):
                raise InputError(f"{name} line {n}: {too_large('the line', 'max_record_bytes')}.")
            if codec:
                yield n, line
                continue
            try:
                yield n, line.decode("utf-8")
            except UnicodeDecodeError:
                yield n, _single_byte(line)
