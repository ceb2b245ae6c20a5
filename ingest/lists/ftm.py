"""FollowTheMoney entities as JSON lines, the layout OpenSanctions publishes (`entities.ftm.json`).

Each line is one entity `{"id", "schema", "properties": {...}, "datasets": [...]}`, read with the
`followthemoney` model so values are cleaned the way FtM tools clean them. Thing schemata become
nodes (Vessel, Company, Organization, LegalEntity, PublicBody, Person); Sanction becomes a
SANCTIONED_BY edge; Ownership (and Vessel owner/operator) become OWNED_BY / OPERATED_BY.
A Vessel's names and flags become its identity history (graph/identity.py): name and alias as
listed, previousName as former and the name renamed to as current (dated by nameChangeDate),
flag as listed and pastFlags as former.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph.errors import InputError
from graph.formats import valid_imo
from ingest.lists.records import ListedEntity, ListedIdentity, ListedLink, ListedSanction, ParsedList

NAMESPACE = "ftm"  # list key and node id prefix of FtM entities: ftm:<entity id>

# FtM schema -> ontology label, property names and which relationships FtM holds how: the
# ontology's `ftm:` mapping (graph/ftm_map.py), the one the FtM export (graph/export.py) writes by.

# Ids our own FtM export writes for graph ids: "imo:9161003" -> "imo--9161003" (FtM ids may not
# hold ":"); reading them back restores the graph id, so export -> import lands on the same nodes.
_OWN_ID = re.compile(r"^(imo|vessel|company|agency|organization|port|country|person|location|ofac|ftm)--(.+)$")


def node_id_from_ftm(entity_id: str) -> str:
    m = _OWN_ID.match(entity_id)
    return f"{m.group(1)}:{m.group(2)}" if m else f"{NAMESPACE}:{entity_id}"


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    from graph.limits import LimitExceeded
    from ingest.lists.records import list_lines
    from ingest.readers import display_name
    from graph.safe_load import json_loads

    name = display_name(path)
    for i, line in list_lines(path):
        line = line.strip()
        if not line:
            continue
        try:
            data = json_loads(line)
        except LimitExceeded as exc:
            raise InputError(f"{name} line {i}: {exc}; nothing was imported.") from None
        except ValueError:
            raise InputError(
                f"{name} line {i} is not JSON. Expected FollowTheMoney entities, one JSON object a line "
                "(OpenSanctions' entities.ftm.json); for OFAC's CSV files use --format ofac."
            ) from None
        if not isinstance(data, dict) or "schema" not in data:
            raise InputError(f"{name} line {i} is not a FollowTheMoney entity (no \"schema\").")
        problem = _shape_problem(data)
        if problem:
            raise InputError(f"{name} line {i}: not a valid FollowTheMoney entity: {problem}; nothing was imported.")
        yield i, data


def _shape_problem(data: dict[str, Any]) -> str | None:
    """What is wrong with an entity's shape ({"id": str, "schema": str, "properties": {str: [str]}})."""
    if not isinstance(data.get("schema"), str):
        return '"schema" must be a string'
    if data.get("id") is not None and not isinstance(data["id"], str):
        return '"id" must be a string'
    props = data.get("properties", {})
    if not isinstance(props, dict):
        return '"properties" must be an object'
    for key, values in props.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return f'property "{key}" must be a list of strings'
    datasets = data.get("datasets", [])
    if not isinstance(datasets, list) or not all(isinstance(d, str) for d in datasets):
        return '"datasets" must be a list of strings'
    return None


def _date(values: list[str]) -> str | None:
    return min(values) if values else None


def _vessel_identity(proxy, entry: str) -> list[ListedIdentity]:
    """A Vessel's names and flags as the entity states them. FtM does not tie a nameChangeDate to
    one previous name: the latest is the current name's, and a lone previous name's."""
    from followthemoney.types import registry

    changed = max(proxy.get("nameChangeDate"), default=None)
    former = proxy.get("previousName")
    out = [ListedIdentity("name", n, "current" if former and changed else "listed", changed if former else None,
                          f"{entry}: name {n}") for n in proxy.get("name")]
    out += [ListedIdentity("name", n, "listed", None, f"{entry}: alias {n}") for n in proxy.get("alias")]
    out += [ListedIdentity("name", n, "former", changed if len(former) == 1 else None, f"{entry}: previous name {n}")
            for n in former]
    flag = lambda code: registry.country.caption(code) or code  # noqa: E731
    out += [ListedIdentity("flag", flag(c), "listed", None, f"{entry}: flag {flag(c)}") for c in proxy.get("flag")]
    out += [ListedIdentity("flag", flag(c), "former", None, f"{entry}: past flag {flag(c)}") for c in proxy.get("pastFlags")]
    return out


def read(path: str | Path) -> ParsedList:
    """Parse a FollowTheMoney JSON lines file."""
    from followthemoney import model
    from followthemoney.exc import InvalidData
    from followthemoney.types import registry

    from graph import ftm_map

    mapping = ftm_map.load()
    sanction, ownership = mapping.relationship("SANCTIONED_BY"), mapping.relationship("OWNED_BY")
    vessel_props = {ftm: prop for prop, ftm in mapping.properties("Vessel").items()}
    path = Path(path)
    parsed = ParsedList(name=NAMESPACE)
    seen: dict[str, None] = {}  # the file's datasets, in order of first appearance
    for i, data in _lines(path):
        try:
            proxy = model.get_proxy(data, cleaned=False)
        except (InvalidData, TypeError, ValueError) as exc:
            raise InputError(f"{path} line {i}: not a valid FollowTheMoney entity: {exc}.") from None
        if not proxy.id:
            parsed.skip("entity without id")
            continue
        datasets = [str(d) for d in data.get("datasets") or []]
        seen.update(dict.fromkeys(datasets))
        schema = proxy.schema
        if schema.is_a(sanction["schema"]):
            entity = proxy.first(sanction["from"])
            if not entity:
                parsed.skip("Sanction without entity")
                continue
            program = proxy.first("program") or proxy.first("programId")
            entry = proxy.first("authorityId") or proxy.first("unscId") or proxy.id
            list_name = datasets[0] if datasets else path.stem
            parsed.sanctions.append(
                ListedSanction(
                    entity=f"{NAMESPACE}:{entity}",
                    list_name=list_name,
                    entry_id=entry,
                    authority=proxy.first(sanction["to"]),
                    country=proxy.first("country"),
                    program=program,
                    date=_date(proxy.get("listingDate") or proxy.get("startDate") or proxy.get("date")),
                    source_url=proxy.first("sourceUrl"),
                    summary=f"{list_name} entry {entry}" + (f" [{program}]" if program else "")
                    + (f": {proxy.first('reason')}" if proxy.first("reason") else ""),
                )
            )
            continue
        if schema.is_a(ownership["schema"]):
            owner, asset = proxy.first(ownership["to"]), proxy.first(ownership["from"])
            if not owner or not asset:
                parsed.skip("Ownership without owner or asset")
                continue
            share = proxy.first("percentage")
            parsed.links.append(
                ListedLink("OWNED_BY", f"{NAMESPACE}:{asset}", f"{NAMESPACE}:{owner}",
                           summary=f"FtM Ownership {proxy.id}" + (f" ({share}%)" if share else ""))
            )
            continue
        label = mapping.label_of(schema)
        if label is None:
            parsed.skip(f"schema {schema.name}")
            continue
        key = f"{NAMESPACE}:{proxy.id}"
        names = proxy.get("name")
        if not names:
            parsed.skip(f"{schema.name} without name")
            continue
        aliases = names + proxy.get("alias") + proxy.get("previousName")
        props: dict[str, object] = {}
        node_id = node_id_from_ftm(proxy.id)
        if label == "Vessel":
            imo = next((i for v in proxy.get(mapping.properties("Vessel")["imo"])
                        if valid_imo(i := v.upper().removeprefix("IMO").strip())), None)
            if imo:
                props["imo"] = imo
                node_id = f"imo:{imo}"
            for ftm_prop, prop in vessel_props.items():
                if prop == "imo":
                    continue
                value = proxy.first(ftm_prop)
                if value and ftm_prop == "flag":
                    value = registry.country.caption(value)
                props[prop] = value
            history = _vessel_identity(proxy, f"{datasets[0] if datasets else path.stem} entity {proxy.id}")
            for prop, rel in mapping.vessel_links():
                for ref in proxy.get(prop):
                    parsed.links.append(ListedLink(rel, key, f"{NAMESPACE}:{ref}", summary=f"FtM Vessel.{prop}"))
        else:
            history = []
            for prop, ftm_prop in mapping.properties(label).items():
                if ftm_prop in schema.properties and proxy.first(ftm_prop):
                    props[prop] = proxy.first(ftm_prop)
        countries = [c for prop in ("country", "jurisdiction", "nationality") if prop in schema.properties
                     for c in proxy.get(prop)]
        parsed.entities[key] = ListedEntity(
            key=key, label=label, name=proxy.caption or names[0], node_id=node_id,
            aliases=list(dict.fromkeys(aliases)), props={k: v for k, v in props.items() if v},
            countries=countries, identity=history,
        )
    # The import is named as its sanctions are: by the file's datasets (or the file's name), the
    # same name in the summary, on list-only nodes (source) and on each sanction.
    parsed.name = "+".join(sorted(seen)) or path.stem
    return parsed

