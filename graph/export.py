"""Export the graph to files other tools read: JSON, GraphML/GEXF (Gephi), FtM (Aleph,
OpenSanctions tooling) and CSV in the neo4j-admin import layout.

    summary = export(store, "graphml", "graph.graphml")
    summary = export(store, "neo4j-admin", "out/")      # summary.command: the bulk-load command

The graph is read in pages ordered by id, so 100k+ nodes never travel in one result.
`load_json` reads a JSON export back into a store (export -> load gives the same graph).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import InputError
from graph.view import node_label

FORMATS = ("graphml", "gexf", "json", "ftm", "neo4j-admin")
PAGE = 5000
ARRAY_DELIMITER = "\x1f"  # neo4j-admin --array-delimiter=U+001F: never in names or evidence text
JSON_FORMAT = "sanctions-kg/1"


@dataclass
class ExportSummary:
    format: str
    paths: list[str]
    nodes: int = 0
    relationships: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # what the format cannot hold, by kind
    command: str | None = None  # neo4j-admin: the command that bulk-loads the files


# -- cells that spreadsheets would run -------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(value: str) -> str:
    """A CSV cell that spreadsheets show as text: a leading = + - @ tab or CR gets a ' before it.

    Excel, LibreOffice and Google Sheets run a cell starting with those as a formula
    (`=HYPERLINK(...)`, `@SUM(...)`); numbers such as -3.5 stay numbers.
    """
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


# -- reading the graph in pages ----------------------------------------------------------------


def iter_nodes(store, page: int = PAGE) -> Iterator[dict[str, Any]]:
    """Every node as {"id", "labels", "properties"}: entities, then articles, each by id."""
    for label in (store.ontology.entity_label, "Article"):
        after = ""
        while True:
            res = store.run(
                f"MATCH (n:{label}) WHERE n.id > $after "
                "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.id LIMIT $page",
                {"after": after, "page": page}, timeout=600,
            )
            for r in res:
                yield {"id": r["id"], "labels": sorted(r["labels"]), "properties": r["props"]}
            if len(res) < page:
                break
            after = res.rows[-1]["id"]


def iter_relationships(store, page: int = PAGE) -> Iterator[dict[str, Any]]:
    """Every relationship as {"type", "start", "end", "properties"}, paged by start node id."""
    for label in (store.ontology.entity_label, "Article"):
        after = ""
        while True:
            starts = store.run(
                f"MATCH (n:{label}) WHERE n.id > $after RETURN n.id AS id ORDER BY n.id LIMIT $page",
                {"after": after, "page": page}, timeout=600,
            ).values("id")
            if not starts:
                break
            res = store.run(
                f"UNWIND $ids AS sid MATCH (a:{label} {{id: sid}})-[r]->(b) "
                "RETURN a.id AS start, type(r) AS type, b.id AS end, properties(r) AS props "
                "ORDER BY start, type, end, r.key",
                {"ids": starts}, timeout=600,
            )
            for r in res:
                yield {"type": r["type"], "start": r["start"], "end": r["end"], "properties": r["props"]}
            if len(starts) < page:
                break
            after = starts[-1]


# -- formats -----------------------------------------------------------------------------------


def export(store, fmt: str, out: str | Path) -> ExportSummary:
    """Write the whole graph to `out` in `fmt` (a file; a folder for neo4j-admin).

    The export is written beside `out` under a temporary name and renamed into place when
    complete: a full disk or an unwritable place is one InputError, and leaves no partial
    file behind (an earlier export at `out` stays as it was).
    """
    out = Path(out)
    writers = {"json": _json, "graphml": _networkx, "gexf": _networkx, "ftm": _ftm}
    if fmt not in (*writers, "neo4j-admin"):
        raise InputError(f"Unknown export format {fmt!r}. Use one of: {', '.join(FORMATS)}.")
    if fmt == "neo4j-admin":
        if out.exists() and not out.is_dir():
            raise InputError(f"{out} is a file; neo4j-admin export writes a folder of CSV files. Give a folder path.")
        if not out.parent.is_dir():
            raise InputError(f"Folder {out.parent} does not exist. Create it or pick another output path.")
        return _into_folder(store, out, fmt)
    if out.is_dir():
        raise InputError(f"{out} is a folder; --format {fmt} writes one file. Give a file path.")
    if out.exists() and not out.is_file():
        if not out.is_char_device():
            raise InputError(f"{out} is not a regular file (a pipe or socket). Give a file path.")
        try:  # /dev/stdout, /dev/null: written directly
            return writers[fmt](store, out, fmt)
        except OSError as exc:
            raise InputError(_cannot_write(out, exc)) from None
    if not out.parent.is_dir():
        raise InputError(f"Folder {out.parent} does not exist. Create it or pick another output path.")
    return _into_file(store, out, fmt, writers[fmt])


def _cannot_write(out: Path, exc: OSError) -> str:
    return f"Cannot write {out}: {exc.strerror or exc}. Nothing was written; free space or pick another output path."


def _mode(out: Path, default: int) -> int:
    """The permission bits `out` gets: an existing file's own, else `default` less the umask,
    as a plain open() or mkdir() gives (mkstemp and mkdtemp make theirs owner-only)."""
    import os
    import stat

    try:
        return stat.S_IMODE(out.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return default & ~mask


def _into_file(store, out: Path, fmt: str, writer) -> ExportSummary:
    import os
    import tempfile

    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
        os.close(fd)
    except OSError as exc:
        raise InputError(_cannot_write(out, exc)) from None
    tmp = Path(tmp_name)
    try:
        summary = writer(store, tmp, fmt)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode(out, 0o666))
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(_cannot_write(out, exc)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    summary.paths = [str(out)]
    return summary


def _into_folder(store, out: Path, fmt: str) -> ExportSummary:
    import os
    import shutil
    import tempfile

    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    except OSError as exc:
        raise InputError(_cannot_write(out, exc)) from None
    try:
        summary = _neo4j_admin(store, out, fmt, write_to=tmp)
        if out.exists():
            for f in sorted(tmp.iterdir()):
                os.replace(f, out / f.name)
            tmp.rmdir()
        else:
            os.chmod(tmp, _mode(out, 0o777))
            os.rename(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(_cannot_write(out, exc)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary


def _json(store, out: Path, fmt: str) -> ExportSummary:
    summary = ExportSummary(fmt, [str(out)])
    with out.open("w", encoding="utf-8") as fh:
        fh.write(f'{{"format": "{JSON_FORMAT}",\n "nodes": [')
        for i, node in enumerate(iter_nodes(store)):
            fh.write(("," if i else "") + "\n  " + json.dumps(node, ensure_ascii=False, sort_keys=True))
            summary.nodes += 1
        fh.write('\n ],\n "relationships": [')
        for i, rel in enumerate(iter_relationships(store)):
            fh.write(("," if i else "") + "\n  " + json.dumps(rel, ensure_ascii=False, sort_keys=True))
            summary.relationships += 1
        fh.write("\n ]\n}\n")
    return summary


def load_json(store, path: str | Path) -> tuple[int, int]:
    """Load a JSON export into `store` (upserts: loading twice changes nothing); (nodes, relationships)."""
    from graph.safe_load import json_loads

    try:
        data = json_loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError, InputError) as exc:
        raise InputError(f"Cannot read {path} as a sanctions-kg JSON export: {exc}.") from None
    if not isinstance(data, dict) or data.get("format") != JSON_FORMAT:
        raise InputError(f"{path} is not a sanctions-kg JSON export (no \"format\": \"{JSON_FORMAT}\").")
    onto = store.ontology
    # Rows are grouped by which list properties they hold: an upsert statement sets every list
    # property any of its rows names, so a row without one would get an empty list it never had.
    by_label: dict[tuple, list[dict]] = {}
    for node in data["nodes"]:
        row = {**node["properties"], "id": node["id"]}
        label = node_label(node["labels"], onto)
        by_label.setdefault((label, _list_props(row)), []).append(row)
    by_type: dict[tuple, list[dict]] = {}
    for rel in data["relationships"]:
        row = {**rel["properties"], "start": rel["start"], "end": rel["end"]}
        by_type.setdefault((rel["type"], _list_props(row)), []).append(row)
    with store.batch() as b:
        for (label, _), rows in by_label.items():
            for i in range(0, len(rows), PAGE):
                b.upsert_nodes(label, rows[i : i + PAGE])
        for (rel_type, _), rows in by_type.items():
            for i in range(0, len(rows), PAGE):
                b.upsert_relationships(rel_type, rows[i : i + PAGE])
    return len(data["nodes"]), len(data["relationships"])


def _list_props(row: dict) -> tuple[str, ...]:
    return tuple(sorted(k for k, v in row.items() if isinstance(v, list)))


def _flat(value: Any) -> Any:
    """GraphML and GEXF hold scalars only: lists travel as JSON strings."""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


# XML 1.0 allows tab, LF, CR and everything from U+0020 but surrogates, U+FFFE and U+FFFF.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> Any:
    """A value XML can hold: characters XML 1.0 forbids become visible \\xNN / \\uNNNN escapes."""
    if not isinstance(value, str):
        return value
    return _XML_INVALID.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                            else f"\\u{ord(m.group()):04x}", value)


def _networkx(store, out: Path, fmt: str) -> ExportSummary:
    """GraphML or GEXF: every property (lists as JSON, so a ship's `identity` and an entity's
    `denials` travel as they are stored), and on each fact its claim as claim_* properties."""
    import networkx as nx

    from graph import claims as claims_mod

    summary = ExportSummary(fmt, [str(out)])
    g = nx.MultiDiGraph()
    index = claims_mod.ExportIndex()
    for node in iter_nodes(store):
        index.observe(node)
        attrs = {k: xml_text(_flat(v)) for k, v in node["properties"].items() if v is not None and k != "id"}
        label = node_label(node["labels"], store.ontology)
        # "label" is what Gephi shows on a node; "kind" is the ontology label.
        attrs.update(kind=label, labels=";".join(node["labels"]), label=str(attrs.get("name") or attrs.get("title") or xml_text(node["id"])))
        g.add_node(xml_text(node["id"]), **attrs)
        summary.nodes += 1
    for rel in iter_relationships(store):
        attrs = {k: xml_text(_flat(v)) for k, v in rel["properties"].items() if v is not None}
        # GEXF reserves an edge's "type" (directed/undirected): the relationship type is "rel_type".
        attrs.update(rel_type=rel["type"], label=rel["type"])
        if rel["properties"].get("evidence"):
            # The fact's claim (graph/claims.py) as plain properties: claim_sources, claim_hedged, ...
            c = index.claim(rel)
            attrs.update({f"claim_{k}": xml_text(v) for k, v in c.as_dict().items() if v is not None})
        g.add_edge(xml_text(rel["start"]), xml_text(rel["end"]), **attrs)
        summary.relationships += 1
    if fmt == "graphml":
        nx.write_graphml(g, out, named_key_ids=True)
    else:
        nx.write_gexf(g, out)
    return summary


# -- FollowTheMoney ----------------------------------------------------------------------------

_FTM_ID = re.compile(r"^([a-z]+):([0-9A-Za-z][0-9A-Za-z.\-]*[0-9A-Za-z]|[0-9A-Za-z])$")


def ftm_id(node_id: str) -> str:
    """An FtM entity id for a graph id; ingest/lists/ftm.py turns "prefix--rest" back into "prefix:rest"."""
    import hashlib

    m = _FTM_ID.match(node_id)
    if m:
        return f"{m.group(1)}--{m.group(2)}"
    return "kg-" + hashlib.sha1(node_id.encode("utf-8")).hexdigest()


def _ftm(store, out: Path, fmt: str) -> ExportSummary:
    """FtM entities as JSON lines. Schemas, properties and relationship types come from the
    ontology's `ftm:` mapping (graph/ftm_map.py), which the FtM list import reads too. Each
    Ownership and Sanction carries its claim (graph/claims.py): the publishers and article urls
    behind it (publisher, sourceUrl), the claim in words (description), and when it was first
    and last reported (first_seen, last_seen, as OpenSanctions writes them); a ship its former
    names (previousName), the years of its renames (nameChangeDate) and its other flags
    (pastFlags), from its identity (graph/identity.py)."""
    from followthemoney import model

    from graph import claims as claims_mod, ftm_map

    mapping = ftm_map.load()
    summary = ExportSummary(fmt, [str(out)])
    countries: dict[str, str] = {}  # Country node id -> ISO2
    names: dict[str, str] = {}  # node id -> name, for Sanction.authority
    kinds: dict[str, str] = {}  # node id -> FtM schema
    entities: dict[str, Any] = {}
    index = claims_mod.ExportIndex()
    for node in iter_nodes(store):
        index.observe(node)
        label = node_label(node["labels"], store.ontology)
        props = node["properties"]
        names[node["id"]] = str(props.get("name") or node["id"])
        if label == "Country":
            if props.get("iso2"):
                countries[node["id"]] = str(props["iso2"]).lower()
            continue
        schema = mapping.schema_of(label)
        if schema is None:
            summary.skipped[label] = summary.skipped.get(label, 0) + 1
            continue
        e = model.make_entity(schema)
        e.id = ftm_id(node["id"])
        name_prop = "full" if schema == "Address" else "name"
        e.add(name_prop, props.get("name"), quiet=True)
        if schema != "Address":
            e.add("alias", [a for a in props.get("aliases") or [] if a != props.get("name")], quiet=True)
        for prop, ftm_prop in mapping.properties(label).items():
            value = props.get(prop)
            if value and prop == "imo":
                value = f"IMO{value}"
            e.add(ftm_prop, value, quiet=True, fuzzy=ftm_prop == "flag")
        if schema == "Vessel":
            _ftm_identity(e, props)
        entities[node["id"]] = e
        kinds[node["id"]] = schema
        summary.nodes += 1
    extra: list[Any] = []
    for rel in iter_relationships(store):
        t, start, end, props = rel["type"], rel["start"], rel["end"], rel["properties"]
        sentences = [json.loads(x).get("sentence") for x in props.get("evidence") or [] if x.startswith("{")]
        spec = mapping.relationship(t)
        if spec.get("schema") == "Sanction" and start in entities:
            s = model.make_entity("Sanction")
            s.make_id(start, end, props.get("key") or "")
            s.add(spec["from"], entities[start].id)
            s.add(spec["to"], names.get(end), quiet=True)
            s.add("country", countries.get(end), quiet=True)
            s.add("program", props.get("program"), quiet=True)
            s.add("listingDate", props.get("date") or (str(props["year"]) if props.get("year") else None), quiet=True)
            s.add("authorityId", props.get("list_id"), quiet=True)
            s.add("summary", [x for x in sentences if x], quiet=True)
            data = _with_claim(s, index, rel)
            if props.get("list_name"):
                data["datasets"] = [props["list_name"]]
            extra.append(data)
        elif spec.get("schema") == "Ownership" and start in entities and end in entities:
            o = model.make_entity("Ownership")
            o.make_id("ownership", start, end)
            o.add(spec["from"], entities[start].id)
            o.add(spec["to"], entities[end].id)
            o.add("summary", [x for x in sentences if x], quiet=True)
            extra.append(_with_claim(o, index, rel))
        elif spec.get("property") and kinds.get(start) == spec.get("from_schema") and end in entities:
            entities[start].add(spec["property"], entities[end].id, quiet=True)
            continue
        elif t in ("LOCATED_IN", "PART_OF") and start in entities and end in countries:
            prop = "country" if "country" in entities[start].schema.properties else None
            if prop:
                entities[start].add(prop, countries[end], quiet=True)
            continue
        elif t in ("ASSOCIATED_WITH", "PART_OF", "OPERATED_BY") and start in entities and end in entities:
            u = model.make_entity("UnknownLink")
            u.make_id("link", t, start, end)
            u.add("subject", entities[start].id)
            u.add("object", entities[end].id)
            u.add("role", props.get("cue") or t.lower().replace("_", " "), quiet=True)
            extra.append(_with_claim(u, index, rel))
        else:
            summary.skipped[t] = summary.skipped.get(t, 0) + 1
            continue
        summary.relationships += 1
    with out.open("w", encoding="utf-8") as fh:
        for e in entities.values():
            fh.write(json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        for data in extra:
            fh.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
    return summary


def _with_claim(proxy, index, rel: dict[str, Any]) -> dict[str, Any]:
    """The interval entity's dict with its claim: publishers, urls, the claim in words, and
    first_seen / last_seen (when it was first and last reported)."""
    c = index.claim(rel)
    proxy.add("publisher", index.publishers(rel), quiet=True)
    proxy.add("sourceUrl", index.urls(rel), quiet=True)
    proxy.add("description", c.summary(), quiet=True)
    data = proxy.to_dict()
    if c.first:
        data["first_seen"], data["last_seen"] = c.first, c.last
    return data


def _ftm_identity(e, props: dict[str, Any]) -> None:
    """A ship's former names, rename years and other flags (graph/identity.py) as FtM holds them."""
    from graph import evidence as ev_mod

    items = [ev_mod.decode(x) for x in props.get("identity") or []]
    e.add("previousName", sorted({str(i.get("value")) for i in items
                                  if i.get("field") == "name" and i.get("status") == "former"}), quiet=True)
    e.add("nameChangeDate", sorted({str(i["date"]) for i in items if i.get("status") == "current" and i.get("date")}),
          quiet=True)
    flag = props.get("flag")
    e.add("pastFlags", sorted({str(i.get("value")) for i in items if i.get("field") == "flag" and i.get("value") != flag}),
          quiet=True, fuzzy=True)


# -- neo4j-admin -------------------------------------------------------------------------------

_CSV_TYPES = {"string": "string", "int": "long", "float": "double", "bool": "boolean", "date": "date", "list": "string[]"}


def _csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "list":
        return ARRAY_DELIMITER.join(str(v) for v in value)
    if kind == "bool":
        return "true" if value else "false"
    return str(value)


def _neo4j_admin(store, out: Path, fmt: str, write_to: Path | None = None) -> ExportSummary:
    """CSV files for neo4j-admin, written into `write_to` (default `out`) and naming `out`.

    The cells are the data exactly as stored, for Neo4j: unlike `query --format csv`, they are
    not changed against spreadsheet formulas (see docs/security.md).
    """
    onto = store.ontology
    write_to = write_to or out
    write_to.mkdir(parents=True, exist_ok=True)
    summary = ExportSummary(fmt, [])
    node_files: dict[str, tuple[Any, csv.writer, list[str]]] = {}
    try:
        for node in iter_nodes(store):
            label = node_label(node["labels"], onto)
            if label not in node_files:
                props = [p for p in onto.label(label).properties.values() if p.name != "id"]
                path = out / f"nodes_{label}.csv"
                fh = (write_to / path.name).open("w", encoding="utf-8", newline="")
                w = csv.writer(fh)
                w.writerow(["id:ID", ":LABEL"] + [f"{p.name}:{_CSV_TYPES[p.type]}" for p in props])
                node_files[label] = (fh, w, [p.name for p in props])
                summary.paths.append(str(path))
            fh, w, cols = node_files[label]
            declared = onto.label(label).properties
            w.writerow([node["id"], ARRAY_DELIMITER.join(node["labels"])]
                       + [_csv_value(node["properties"].get(c), declared[c].type) for c in cols])
            summary.nodes += 1
    finally:
        for fh, _, _ in node_files.values():
            fh.close()
    rel_files: dict[str, tuple[Any, csv.writer, list[str]]] = {}
    try:
        for rel in iter_relationships(store):
            t = rel["type"]
            if t not in rel_files:
                props = list(onto.rel_type(t).properties.values())
                path = out / f"relationships_{t}.csv"
                fh = (write_to / path.name).open("w", encoding="utf-8", newline="")
                w = csv.writer(fh)
                w.writerow([":START_ID", ":END_ID", ":TYPE"] + [f"{p.name}:{_CSV_TYPES[p.type]}" for p in props])
                rel_files[t] = (fh, w, [p.name for p in props])
                summary.paths.append(str(path))
            fh, w, cols = rel_files[t]
            declared = onto.rel_type(t).properties
            w.writerow([rel["start"], rel["end"], t] + [_csv_value(rel["properties"].get(c), declared[c].type) for c in cols])
            summary.relationships += 1
    finally:
        for fh, _, _ in rel_files.values():
            fh.close()
    args = ["neo4j-admin database import full neo4j", "--overwrite-destination",
            "--array-delimiter=U+001F", "--multiline-fields=true"]
    args += [f"--nodes={p}" for p in summary.paths if Path(p).name.startswith("nodes_")]
    args += [f"--relationships={p}" for p in summary.paths if Path(p).name.startswith("relationships_")]
    summary.command = " ".join(args)
    (write_to / "import.sh").write_text(
        "#!/bin/sh\n# Bulk-load these CSV files into an empty, stopped Neo4j 5 database 'neo4j', then start it;\n"
        "# sanctions-kg creates its constraints and indexes on first connection.\n"
        + " \\\n  ".join(args) + "\n",
        encoding="utf-8",
    )
    return summary
