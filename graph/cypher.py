"""Cypher statements the store sends for writes, built from the ontology.

Labels, relationship types and property names come only from graph/ontology.yaml; every value
travels in `$rows`. Both backends send exactly these statements, so one text serves Neo4j 5 and
FalkorDB (checked by tests/test_cypher_lint.py against Neo4j's own parser).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from graph import sources
from graph.errors import OntologyError, OutboundRefused
from graph.ontology import Ontology, Property, load

Statement = tuple[str, dict[str, Any]]


# -- no outbound connections from a statement ----------------------------------------------------
_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`", re.S)
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
# LOAD CSV (FalkorDB and Neo4j fetch its URL, even in a read-only query), and the procedures
# that fetch files or URLs (APOC's loaders, importers and exporters), as clauses: not inside a
# string, a comment, a backticked name, a property (`n.load`) or a parameter.
_FETCH = re.compile(r"(?<![.$:\w])(LOAD\s+CSV|apoc\s*\.\s*(?:load|import|export)\b[\w.\s]*)", re.I)


def check_no_fetch(query: str) -> None:
    """Refuse a statement that would make the database open a file or a connection (one line)."""
    text = _COMMENTS.sub(" ", _STRINGS.sub("''", query))
    m = _FETCH.search(text)
    if m:
        what = " ".join(m.group(1).split())
        raise OutboundRefused(
            f"{what.upper() if what.lower().startswith('load') else what} was refused: queries never fetch files or URLs "
            "(no outbound connections from the database). Load articles with `ingest` and lists with `import-sanctions`."
        )


def _union(target: str, prop: str, cap: int | None = None, *, indexed: bool = False) -> str:
    """Set `target.prop` to the sorted union of its list and `row.prop` (sorted, each item once:
    _split_rows), so that the stored list does not depend on the order items came in;
    optionally capped: past `cap` items, the `cap` smallest are kept.

    `indexed` (a node property with an index, e.g. Entity.keys): set only when the row brings an
    item the list lacks, or the list is not there yet. FalkorDB indexes the node again on every
    SET of an indexed property, even to the value it holds, and most rows of an entity many
    articles name (a country, a port) bring no new key (bench/RESULTS.md §19)."""
    union = sources.sorted_union(f"{target}.{prop}", f"row.{prop}")
    if indexed and not cap:
        new = f"any(x IN coalesce(row.{prop}, []) WHERE NOT x IN {target}.{prop})"
        return (f"FOREACH (s_u IN CASE WHEN {target}.{prop} IS NULL OR {new} THEN [1] ELSE [] END | "
                f"SET {target}.{prop} = {union})")
    if not cap:
        return f"SET {target}.{prop} = {union}"
    cap = int(cap)
    # Items are distinct: an item is among the `cap` smallest when fewer than `cap` are smaller
    # (a list stored unsorted, before lists were kept sorted, is capped alike). The size test
    # comes first in an OR (which stops at true), not in a CASE (whose ELSE branch, quadratic in
    # the items, FalkorDB would evaluate for every row).
    return f"SET {target}.{prop} = [u IN [{union}] | [x IN u WHERE size(u) <= {cap} OR size([y IN u WHERE y < x]) < {cap}]][0]"


def _sort_items(rows: list[dict[str, Any]]) -> None:
    """Each row's sourced items sorted, each once (what sources.sorted_union takes)."""
    for row in rows:
        if sources.SOURCES in row:
            row[sources.SOURCES] = sorted(set(row[sources.SOURCES]))


def _sourced(target: str, props: list[str], declared: Mapping[str, Property]) -> list[str]:
    """The lines that join the rows' sourced items to `target`'s (graph/sources.py) and derive
    each of `props` from them; a property no item names keeps its value (stored before sources
    were kept, or set plainly by the row)."""
    union = sources.sorted_union(f"{target}.{sources.SOURCES}", f"row.{sources.SOURCES}")
    sets = [f"{target}.{sources.SOURCES} = {sources.none_if_empty('s_items')}"]
    sets += [f"{target}.{p} = coalesce({sources.value('s_items', p, declared[p].type)}, {target}.{p})" for p in props]
    return [f"WITH {target}, row, {union} AS s_items", "SET " + ",\n    ".join(sets)]


_SCALARS = (str, bool, int, float)


class Rows(dict):
    """The parameters of a statement built here: `{"rows": [...]}`, and `$rows` is the only
    parameter its text uses. The embedded store may rename it (`$rows_3`) to send several
    such statements as one query (graph/embedded.py, EmbeddedStore._commit)."""


class CheckedParams(Rows):
    """Parameters built here, every value already checked against the ontology: plain
    strings without NUL bytes, finite numbers, booleans and lists of strings. The embedded
    store sends them without walking every value again (that second walk cost ~15% of a
    bulk write).

    `sealed` is set only on those built here: the embedded store writes their parameter
    header itself on the strength of "no NUL" (graph/embedded.py, checked_header), which a
    CheckedParams made elsewhere does not promise."""

    sealed = False


def _checked(rows: list[dict[str, Any]]) -> CheckedParams:
    params = CheckedParams(rows=rows)
    params.sealed = True
    return params


NUL = "\x00"


def nul_error(what: str) -> str:
    # FalkorDB cannot take one as a parameter value; Neo4j could, but refuses it as well, so
    # that one input makes the same graph on both backends.
    return (f"{what} holds a NUL byte (\\x00), which the graph store does not take as a value; "
            "remove it from the input (nothing of this batch was written).")


def find_nul(params: Mapping[str, Any]) -> str | None:
    """The name of a parameter whose value holds a NUL byte anywhere (in lists and maps too)."""
    def has(v: Any) -> bool:
        if isinstance(v, str):
            return NUL in v
        if isinstance(v, (list, tuple)):
            return any(has(x) for x in v)
        if isinstance(v, Mapping):
            return any(has(k) or has(x) for k, x in v.items())
        return False

    if isinstance(params, CheckedParams) and params.sealed:
        return None  # built here: every value already checked
    return next((name for name, v in params.items() if has(v)), None)


def _params(rows: list[dict[str, Any]], ids: tuple[str, ...]) -> dict[str, Any]:
    # Values are checked by _split_rows; ids are copied as given, so only plain str/int ids
    # make the whole parameter map checked (anything else takes the store's full check).
    values = [row.get(k) for row in rows for k in ids]
    text = [v for v in values if isinstance(v, str)]
    if len(text) == len(values) or all(isinstance(v, (str, int)) for v in values):
        if NUL in "".join(text):
            return Rows(rows=rows)  # the store's full check names it
        return _checked(rows)
    return Rows(rows=rows)


def _scalar(value: Any, prop: Property, what: str) -> Any:
    """A value a node or relationship property can hold, or OntologyError.

    Checked here, before anything is sent, so one bad value refuses the whole batch on both
    backends instead of failing one statement of it at the server.
    """
    if prop.type == "date" and isinstance(value, (date, datetime)):
        return value.isoformat()  # the ontology stores dates as ISO strings
    if not isinstance(value, _SCALARS) or (isinstance(value, float) and not math.isfinite(value)):
        raise OntologyError(
            f"{what}.{prop.name} must be a {prop.type}; got {type(value).__name__} {value!r:.80}."
        )
    if isinstance(value, str) and NUL in value:
        raise OntologyError(nul_error(f"{what}.{prop.name}"))
    return value


def _split_rows(
    rows: Iterable[Mapping[str, Any]], declared: dict[str, Property], what: str, skip: set[str],
    ordered: Iterable[str] = (),
) -> tuple[list[dict[str, Any]], list[str]]:
    """Check rows against the declared properties; return cleaned rows and the list props used.
    Each list is sorted, each item once (lists are stored sorted: _union), but those named in
    `ordered`, which a row sets as it gives them (upsert_nodes' `replace`)."""
    ordered = set(ordered)
    out: list[dict[str, Any]] = []
    lists: set[str] = set()
    for row in rows:
        props: dict[str, Any] = {}
        clean: dict[str, Any] = {k: row[k] for k in skip if k in row}
        for key, value in row.items():
            if key in skip or value is None:
                continue
            prop = declared.get(key)
            if prop is None:
                raise OntologyError(
                    f"{what} has no property {key!r} in graph/ontology.yaml. "
                    f"Declared: {', '.join(sorted(declared))}."
                )
            if prop.type == "list":
                if isinstance(value, str) or not isinstance(value, (list, tuple, set)):
                    raise OntologyError(f"{what}.{key} is a list property; got {type(value).__name__}.")
                items = list(map(str, value))
                clean[key] = items if key in ordered else sorted(set(items))
                if NUL in "".join(items):  # one scan: this runs for every list of every row
                    raise OntologyError(nul_error(f"{what}.{key}"))
                lists.add(key)
            elif type(value) is str:  # the common case, as _scalar takes it (a date may be a string)
                if NUL in value:
                    raise OntologyError(nul_error(f"{what}.{key}"))
                props[key] = value
            else:
                props[key] = _scalar(value, prop, what)
        clean["props"] = props
        out.append(clean)
    return out, sorted(lists)


def upsert_nodes(label: str, rows: Iterable[Mapping[str, Any]], ontology: Ontology | None = None,
                 *, replace: Iterable[str] = ()) -> Statement:
    """MERGE nodes of `label` on id; scalars overwrite, lists merge as sorted set unions (the
    list properties named in `replace` are set to the row's list, in its order, instead)."""
    onto = ontology or load()
    lab = onto.label(label)
    rows = list(rows)
    for row in rows:
        if not row.get("id"):
            raise OntologyError(f"Every {label} row needs a non-empty 'id'; got {dict(row)!r:.200}.")
    replace = tuple(replace)
    clean, lists = _split_rows(rows, {k: v for k, v in lab.properties.items() if k != "id"}, label, {"id"}, replace)
    if lab.is_entity:
        merge = f"MERGE (n:{onto.entity_label} {{id: row.id}}) ON CREATE SET n:{label}"
    else:
        merge = f"MERGE (n:{label} {{id: row.id}})"
    lines = ["UNWIND $rows AS row", merge, "SET n += row.props"]
    indexed = {p for lb, p in onto.indexes if lb == label or (lab.is_entity and lb == onto.entity_label)}
    lines += [f"SET n.{p} = row.{p}" if p in replace else _union("n", p, indexed=p in indexed)
              for p in lists if p != sources.SOURCES]
    derived = sources.props_in(rows, lab.sourced)
    _sort_items(clean)
    if derived or sources.SOURCES in lists:
        lines += _sourced("n", derived, lab.properties)
    return "\n".join(lines), _params(clean, ("id",))


def upsert_relationships(
    rel_type: str, rows: Iterable[Mapping[str, Any]], ontology: Ontology | None = None
) -> Statement:
    """MERGE relationships on (start id, type, key, end id); lists merge as sorted set unions."""
    onto = ontology or load()
    rt = onto.rel_type(rel_type)
    rows = list(rows)
    for row in rows:
        if not row.get("start") or not row.get("end"):
            raise OntologyError(f"Every {rel_type} row needs 'start' and 'end' ids; got {dict(row)!r:.200}.")
    declared = {k: v for k, v in rt.properties.items() if k != "key"}
    clean, lists = _split_rows(rows, declared, rel_type, {"start", "end", "key"})
    for row in clean:
        row["key"] = str(row.get("key") or "")
    start, end = onto.match_label(rt.sources), onto.match_label(rt.targets)
    lines = [
        "UNWIND $rows AS row",
        f"MATCH (a:{start} {{id: row.start}})",
        f"MATCH (b:{end} {{id: row.end}})",
        f"MERGE (a)-[r:{rel_type} {{key: row.key}}]->(b)",
        "SET r += row.props",
    ]
    lines += [_union("r", p, onto.evidence_cap if p == "evidence" else None) for p in lists if p != sources.SOURCES]
    derived = sources.props_in(rows, rt.sourced)
    _sort_items(clean)
    if derived or sources.SOURCES in lists:
        lines += _sourced("r", derived, rt.properties)
    return "\n".join(lines), _params(clean, ("start", "end", "key"))


def all_write_statements(ontology: Ontology | None = None) -> list[str]:
    """One write statement of each shape the store can send, with every property in use.

    Used by the offline Neo4j syntax check, so each statement text that reaches a server has
    been parsed by Neo4j's own front end.
    """
    onto = ontology or load()
    texts: list[str] = []
    for name, lab in onto.labels.items():
        row = {p: (["x"] if prop.is_list else "x") for p, prop in lab.properties.items()}
        row["id"] = "x"
        texts.append(upsert_nodes(name, [row], onto)[0])
    for name, rt in onto.relationships.items():
        row = {p: (["x"] if prop.is_list else "x") for p, prop in rt.properties.items()}
        row.update(start="a", end="b")
        texts.append(upsert_relationships(name, [row], onto)[0])
    return texts
