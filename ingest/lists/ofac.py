"""OFAC's SDN list in its legacy CSV layout: sdn.csv, with add.csv (addresses) and alt.csv (aliases).

The files have no header row. Columns, as OFAC documents them:
    sdn.csv  ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT,
             Vess_flag, Vess_owner, Remarks
    add.csv  ent_num, Add_num, Address, City/State/Province/Postal Code, Country, Add_remarks
    alt.csv  ent_num, alt_num, alt_type, alt_name, alt_remarks
`-0- ` marks an empty field. Several programs share one field as "RUSSIA-EO14024] [UKRAINE-EO13662".
IMO numbers, MMSIs and "Linked To:" names sit in Remarks ("Vessel Registration Identification
IMO 9161003; ...").
A ship's names and flags as the entry states them become its identity history (graph/identity.py):
its name and flag, alt.csv's a.k.a. / f.k.a. / n.k.a. names (with a date their alt_remarks give),
and Remarks' "Former Vessel Flag".
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from graph.errors import InputError
from graph.formats import valid_imo
from ingest.lists.records import ListedEntity, ListedIdentity, ListedLink, ListedSanction, ParsedList, stated_date

LIST_NAME = "us-ofac-sdn"
AUTHORITY = "Office of Foreign Assets Control"
SDN_COLUMNS = 12

_IMO = re.compile(r"\bIMO\s*:?\s*(\d{7})\b")
_MMSI = re.compile(r"\bMMSI\s*:?\s*(\d{9})\b")
_LINKED = re.compile(r"Linked To:\s*([^;]+?)\s*(?:;|\.$|$)")
_FORMER_FLAG = re.compile(r"Former Vessel Flag\s+([^;]+?)\s*(?:;|\.$|$)")
# alt.csv's alt_type: a.k.a. is another name the entry goes by, f.k.a. a former one, n.k.a. the new one.
_ALT_STATUS = {"aka": "listed", "fka": "former", "nka": "current"}
_ALT_WORDS = {"listed": "a.k.a.", "former": "f.k.a.", "current": "n.k.a."}
_LEGAL_FORM = re.compile(r",\s*(OOO|LLC|JSC|PJSC|OJSC|CJSC|AO|PAO|ZAO|OAO|LTD\.?|LIMITED|INC\.?|CO\.?,? LTD\.?|GMBH|S\.A\.|FZE|PLC)$", re.I)


def _null(value: str | None) -> str | None:
    value = (value or "").strip()
    return None if value in ("", "-0-") else value


def find_files(path: Path) -> tuple[Path, Path | None, Path | None]:
    """sdn.csv and its add.csv/alt.csv siblings, from the file or the folder holding them."""
    sdn = path / "sdn.csv" if path.is_dir() else path
    if not sdn.is_file():
        raise InputError(
            f"No OFAC SDN file at {sdn}. Give sdn.csv, or the folder holding sdn.csv, add.csv and alt.csv."
        )
    folder = sdn.parent
    extra = []
    for name in ("add.csv", "alt.csv"):
        found = [p for p in folder.iterdir() if p.name.lower() == name]
        extra.append(found[0] if found else None)
    return sdn, extra[0], extra[1]


def _rows(path: Path) -> list[list[str]]:
    from ingest.lists.records import read_list_file
    from ingest.readers import decode_bytes

    # OFAC publishes these files in Windows-1252; UTF-8 (and UTF-16) files are read as such.
    text = decode_bytes(read_list_file(path), guess=False)
    if text is None:
        raise InputError(f"Cannot read {path}: it is not a text file. Give OFAC's sdn.csv (CSV text).")
    try:
        return [r for r in csv.reader(text.splitlines()) if r and any(c.strip() for c in r)]
    except csv.Error as exc:
        raise InputError(f"Cannot read {path}: {exc}.") from None


def _programs(field: str | None) -> list[str]:
    if not field:
        return []
    return [p.strip(" []") for p in field.split("] [") if p.strip(" []")]


def _person_name(name: str) -> str:
    """OFAC writes individuals as "LAST, First Middle"; the reading order is "First Middle LAST"."""
    if "," in name:
        last, first = name.split(",", 1)
        return f"{first.strip()} {last.strip()}".strip()
    return name


def read(path: str | Path) -> ParsedList:
    """Parse the SDN CSV files at `path` (sdn.csv or its folder)."""
    sdn_path, add_path, alt_path = find_files(Path(path))
    parsed = ParsedList(name=LIST_NAME)
    names: dict[str, str] = {}  # normalised upper-case SDN name -> list key, for "Linked To"
    owners: list[tuple[str, str]] = []
    linked: list[tuple[str, str]] = []
    first_line: dict[str, int] = {}
    for i, row in enumerate(_rows(sdn_path), 1):
        if len(row) < SDN_COLUMNS:
            raise InputError(
                f"{sdn_path} line {i}: {len(row)} columns, expected {SDN_COLUMNS} "
                "(ent_num, SDN_Name, SDN_Type, Program, ..., Remarks). Is this OFAC's sdn.csv?"
            )
        ent_num, sdn_name, sdn_type = row[0].strip(), _null(row[1]), (_null(row[2]) or "").lower()
        history: list[ListedIdentity] = []
        if not ent_num.isdigit() or not sdn_name:
            raise InputError(f"{sdn_path} line {i}: no entry number and name; is this OFAC's sdn.csv?")
        if ent_num in first_line:
            # Two entries under one number: their sanctions and aliases would land on one node.
            raise InputError(
                f"{sdn_path} line {i}: entry number {ent_num} is also on line {first_line[ent_num]}; "
                "OFAC entry numbers are unique, so nothing was imported. Fix the file or download it again."
            )
        first_line[ent_num] = i
        remarks = _null(row[11]) or ""
        key = f"{LIST_NAME}:{ent_num}"
        props: dict[str, object] = {}
        aliases = [sdn_name]
        if sdn_type == "vessel":
            label = "Vessel"
            imo = next((m for m in _IMO.findall(remarks) if valid_imo(m)), None)
            mmsi = _MMSI.search(remarks)
            props.update(
                imo=imo,
                mmsi=mmsi.group(1) if mmsi else None,
                call_sign=_null(row[5]),
                vessel_type=_null(row[6]),
                flag=_null(row[9]),
            )
            node_id = f"imo:{imo}" if imo else f"ofac:{ent_num}"
            entry = f"OFAC SDN entry {ent_num}"
            history = [ListedIdentity("name", sdn_name, "listed", note=f"{entry}: {sdn_name}")]
            if _null(row[9]):
                history.append(ListedIdentity("flag", str(_null(row[9])), "listed", note=f"{entry}: flag {_null(row[9])}"))
            history += [ListedIdentity("flag", f, "former", note=f"{entry}: Former Vessel Flag {f}")
                        for f in _FORMER_FLAG.findall(remarks)]
            if _null(row[10]):
                owners.append((key, _null(row[10]) or ""))
            name = sdn_name
        elif sdn_type == "individual":
            label = "Person"
            name = _person_name(sdn_name)
            aliases.append(name)
            node_id = f"ofac:{ent_num}"
        elif sdn_type in ("", "entity"):
            label = "Company"
            name = sdn_name
            form = _LEGAL_FORM.search(sdn_name)
            if form:
                props["legal_form"] = form.group(1).upper()
                # "EXAMPLE SHIPPING, OOO" reads "EXAMPLE SHIPPING OOO" in text.
                aliases.append(sdn_name[: form.start()].strip() + " " + form.group(1))
            node_id = f"ofac:{ent_num}"
        else:  # aircraft: not a label of ours
            parsed.skip(f"SDN_Type {sdn_type}")
            continue
        parsed.entities[key] = ListedEntity(
            key=key, label=label, name=name, node_id=node_id, aliases=aliases,
            props={k: v for k, v in props.items() if v}, identity=history if label == "Vessel" else [],
        )
        names[sdn_name.upper()] = key
        for program in _programs(_null(row[3])) or [None]:
            parsed.sanctions.append(
                ListedSanction(
                    entity=key, list_name=LIST_NAME, entry_id=ent_num, authority=AUTHORITY, country="US",
                    program=program, summary=f"OFAC SDN entry {ent_num}: {sdn_name}"
                    + (f" [{program}]" if program else ""),
                )
            )
        for target in _LINKED.findall(remarks):
            linked.append((key, target.strip().rstrip(".")))
    if alt_path:
        for row in _rows(alt_path):
            entity = parsed.entities.get(f"{LIST_NAME}:{row[0].strip()}")
            alt = _null(row[3]) if len(row) > 3 else None
            if entity and alt:
                entity.aliases.append(_person_name(alt) if entity.label == "Person" else alt)
                if entity.label == "Vessel":
                    status = _ALT_STATUS.get((_null(row[2]) or "").lower().replace(".", ""), "listed")
                    remark = _null(row[4]) if len(row) > 4 else None
                    entity.identity.append(ListedIdentity(
                        "name", alt, status, stated_date(remark),
                        f"OFAC SDN entry {row[0].strip()}: {_ALT_WORDS[status]} {alt}" + (f" ({remark})" if remark else "")))
    for entity in parsed.entities.values():
        # A ship with a former name goes by its entry's name since the rename (the latest date an f.k.a. gives).
        former = [x for x in entity.identity if x.field == "name" and x.status == "former"]
        if former and entity.identity[0].status == "listed":
            first = entity.identity[0]
            entity.identity[0] = ListedIdentity(first.field, first.value, "current",
                                                max((x.date for x in former if x.date), default=None), first.note)
    if add_path:
        for row in _rows(add_path):
            entity = parsed.entities.get(f"{LIST_NAME}:{row[0].strip()}")
            place = _null(row[4]) if len(row) > 4 else None
            if entity and place and place not in entity.countries:
                entity.countries.append(place)
    for start, owner in owners:
        end = names.get(owner.upper())
        if end:
            parsed.links.append(ListedLink("OWNED_BY", start, end, summary=f"OFAC SDN: vessel owner {owner}"))
        else:
            parsed.skip("vessel owner not on the list")
    owned = {(link.start, link.end) for link in parsed.links}
    for start, target in linked:
        end = names.get(target.upper())
        if (start, end) in owned:
            continue  # the owner field already says more than "Linked To"
        if end and end != start:
            parsed.links.append(
                ListedLink("ASSOCIATED_WITH", start, end, props={"cue": "linked to"},
                           summary=f"OFAC SDN: Linked To: {target}")
            )
        elif not end:
            parsed.skip("Linked To name not on the list")
    return parsed

