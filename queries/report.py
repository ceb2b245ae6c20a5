"""Relationship reports on one entity, entity lookup, connections between two entities, listings.

    entity = resolve_entity(store, "lady r")          # id, name or alias, case-insensitive
    report = build_report(store, "Lady R", hops=2)    # a plain dict: see Report below
    paths = find_path(store, "Lady R", "Russia", max_hops=4)

Every fact in a report carries its evidence: items {article, sentence, method, title, source,
published, url}, the article fields joined from the Article nodes. A report costs five
indexed round trips (entity, its relationships, its ownership chain, its sanctions exposure,
the articles), so it stays fast on large graphs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from graph import evidence as evidence_mod
from graph.errors import ConfigError, LookupFailed
from graph.ontology import load as load_ontology

if TYPE_CHECKING:
    from graph.store import GraphStore

# Edges that carry control: followed upwards for the ownership chain.
OWNERSHIP_TYPES = ("OWNED_BY", "OPERATED_BY", "PART_OF")
# Edges through which sanctions exposure spreads (either direction). Port calls, locations and
# sanctions themselves are left out: every ship that called at Vostochny is not exposed.
EXPOSURE_TYPES = ("OWNED_BY", "OPERATED_BY", "PART_OF", "ASSOCIATED_WITH")
IDENTIFIERS = load_ontology().identifiers  # listed apart in a report, as are what `show: false` hides
HIDDEN_PROPERTIES = load_ontology().hidden_properties
MAX_HOPS = 6
MAX_CHAIN = 8
MAX_PER_GROUP = 200  # relationships of one type and direction listed in a report
MAX_INDIRECT = 50  # nearest sanctioned entities listed; a hub can be near hundreds


class NodeRef(TypedDict):
    id: str
    name: str | None
    label: str | None


class EvidenceItem(TypedDict, total=False):
    article: str
    sentence: str
    method: str
    date: str
    list_name: str | None  # sanctions-list evidence: the list and the entry in it
    list_entry: str | None
    cite: str  # where it comes from, in words (see cite())
    title: str | None
    source: str | None
    published: str | None
    url: str | None


def _label(labels: list[str] | None) -> str | None:
    return load_ontology().label_of(labels)


def _ref(id_: str, name: str | None, labels: list[str] | None) -> NodeRef:
    return {"id": id_, "name": name, "label": _label(labels)}


def _entity(props: dict[str, Any], labels: list[str]) -> dict[str, Any]:
    return {
        "id": props.get("id"),
        "label": _label(labels),
        "name": props.get("name"),
        "aliases": list(props.get("aliases") or []),
        "identifiers": {k: props[k] for k in IDENTIFIERS if props.get(k) is not None},
        "properties": {k: v for k, v in sorted(props.items()) if k not in HIDDEN_PROPERTIES},
        "_ais_dark": list(props.get("ais_dark") or []),
    }


def _public(entity: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entity.items() if not k.startswith("_")}


# -- lookup ---------------------------------------------------------------------------------

_BY_ID = "MATCH (n:Entity {id: $id}) RETURN n {.*} AS props, labels(n) AS labels"
_BY_KEYS = (
    "UNWIND $keys AS k MATCH (n:Entity) WHERE k IN n.keys "
    "RETURN DISTINCT n {.*} AS props, labels(n) AS labels"
)
_BY_LOWER_NAME = (
    "MATCH (n:Entity) WHERE toLower(n.name) = $lower "
    "OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) = $lower) "
    "RETURN n {.*} AS props, labels(n) AS labels"
)
_ALL_NAMES = "MATCH (n:Entity) RETURN n.id AS id, n.name AS name, n.aliases AS aliases, labels(n) AS labels"


def _describe(candidates: list[dict[str, Any]]) -> str:
    return "; ".join(f"{c['name']} ({c['label']}, {c['id']})" for c in candidates)


def resolve_entity(store: GraphStore, ref: str) -> dict[str, Any]:
    """The entity `ref` names: an id, or a name or alias (case-insensitive).

    Returns {"id", "label", "name", "aliases", "identifiers", "properties"}. An ambiguous name
    raises LookupFailed listing the candidates (`.candidates`); an unknown one raises
    LookupFailed suggesting close matches.
    """
    entity = _resolve(store, ref)
    return _public(entity)


def _resolve(store: GraphStore, ref: str) -> dict[str, Any]:
    ref = (ref or "").strip()
    if not ref:
        raise LookupFailed("Give an entity id, name or alias to look up.")
    rows = store.run(_BY_ID, {"id": ref}).rows
    if not rows:
        rows = _by_name(store, ref)
    if len(rows) == 1:
        return _entity(rows[0]["props"], rows[0]["labels"])
    if len(rows) > 1:
        candidates = sorted(
            ({"id": r["props"].get("id"), "name": r["props"].get("name"), "label": _label(r["labels"])} for r in rows),
            key=lambda c: (c["label"] or "", c["id"] or ""),
        )
        raise LookupFailed(
            f"{ref!r} matches {len(candidates)} entities: {_describe(candidates)}. Use an id to pick one.",
            candidates=candidates,
        )
    raise _unknown(store, ref)


def _by_name(store: GraphStore, ref: str) -> list[dict[str, Any]]:
    # Lookup keys are the ingest's normalised names: the indexed way in. Names written by
    # other tools may lack keys, hence the lower-case scan as a last resort.
    from ingest.normalize import name_keys, normalize_name

    exact = normalize_name(ref)
    if exact:
        rows = store.run(_BY_KEYS, {"keys": [exact]}).rows
        if rows:
            return rows
        broader = [k for k in name_keys(ref) if k != exact]
        if broader:
            rows = store.run(_BY_KEYS, {"keys": broader}).rows
            if rows:
                return rows
    return store.run(_BY_LOWER_NAME, {"lower": ref.lower()}).rows


def _unknown(store: GraphStore, ref: str) -> LookupFailed:
    from rapidfuzz import fuzz, process

    rows = store.run(_ALL_NAMES).rows
    if not rows:
        return LookupFailed(f"No entity matches {ref!r}: the graph is empty. Ingest some articles first.")
    choices: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        cand = {"id": r["id"], "name": r["name"], "label": _label(r["labels"])}
        for name in {r["name"], *(r["aliases"] or [])}:
            if name:
                choices.setdefault(name, []).append(cand)
    matches = process.extract(ref, list(choices), scorer=fuzz.WRatio, processor=str.lower, limit=5, score_cutoff=75)
    close: list[dict[str, Any]] = []
    for name, _score, _ in matches:
        for cand in choices[name]:
            if cand not in close:
                close.append(cand)
    close = close[:5]
    hint = f" Did you mean: {_describe(close)}?" if close else ""
    return LookupFailed(f"No entity matches {ref!r} by id, name or alias.{hint}", candidates=close)


# -- evidence -------------------------------------------------------------------------------

_ARTICLES = (
    "MATCH (a:Article) WHERE a.id IN $ids "
    "RETURN a.id AS id, a.title AS title, a.source AS source, a.published AS published, a.url AS url"
)


def _list_entry(entry: str | None) -> tuple[str | None, str | None]:
    """'us-ofac-sdn:28470' -> ('us-ofac-sdn', '28470')."""
    if not entry:
        return None, None
    name, sep, entry_id = str(entry).rpartition(":")
    return (name, entry_id) if sep else (None, entry_id)


def cite(item: dict[str, Any]) -> str:
    """Where an evidence item comes from, in words every view prints the same way:
    an article's title (source, date), or a sanctions list's name and entry."""
    if item.get("method") == "list" or item.get("list_entry"):
        name, entry_id = item.get("list_name"), item.get("list_entry")
        if name and entry_id:
            return f"sanctions list {name}, entry {entry_id}"
        return f"sanctions list entry {entry_id}" if entry_id else "a sanctions list (entry not recorded)"
    title = item.get("title") or item.get("article")
    if not title:
        return "source not recorded"
    meta = ", ".join(str(x) for x in (item.get("source"), item.get("published")) if x)
    return f"{title} ({meta})" if meta else str(title)


class _Articles:
    """Collects the article ids that evidence names, then joins their fields in one query.

    Every evidence item a view shows passes through here: it gets its article's title,
    source, date and url, the list name and entry for sanctions-list evidence, and `cite`,
    the one wording of where it comes from.
    """

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.items: list[EvidenceItem] = []

    def evidence(self, raw: list[str] | None) -> list[EvidenceItem]:
        out: list[EvidenceItem] = []
        for ev in evidence_mod.decode_all(raw):
            item: EvidenceItem = dict(ev)  # type: ignore[assignment]
            if item.get("article"):
                self.ids.add(item["article"])
            if item.get("method") == "list" or item.get("entry"):
                name, entry_id = _list_entry(item.pop("entry", None))  # type: ignore[misc]
                item["list_name"], item["list_entry"] = name, entry_id
            self.items.append(item)
            out.append(item)
        return out

    def fetch(self, store: GraphStore, extra: set[str] = frozenset()) -> dict[str, dict[str, Any]]:
        ids = sorted(self.ids | set(extra))
        found = {r["id"]: r for r in store.run(_ARTICLES, {"ids": ids}).rows} if ids else {}
        for item in self.items:
            art = found.get(item.get("article", ""), {})
            for key in ("title", "source", "published", "url"):
                item[key] = art.get(key)  # type: ignore[literal-required]
            item["cite"] = cite(item)  # type: ignore[arg-type]
        return found


def evidence_items(store: GraphStore, raw: list[str] | None) -> list[EvidenceItem]:
    """Stored evidence strings as the items every view shows (see _Articles)."""
    arts = _Articles()
    items = arts.evidence(raw)
    arts.fetch(store)
    return items


def relationship(subject: NodeRef, other: NodeRef, rel: dict[str, Any], arts: _Articles) -> dict[str, Any]:
    """A stored relationship seen from `subject`: the one shape every view (CLI, JSON API,
    pages) draws, so that none can flip an edge.

    `rel` is {"type", "start" (the stored start node's id), "props"}. Returns
    {"from": subject, "to": other, "source", "target" (the stored start and end),
     "type", "direction" ("out" when the subject is the start), "properties", "evidence"}.
    """
    props = dict(rel.get("props") or {})
    raw = props.pop("evidence", None)
    for key in ("articles", "methods", "key"):
        props.pop(key, None)
    out = rel["start"] == subject["id"]
    return {
        "from": subject,
        "to": other,
        "source": subject if out else other,
        "target": other if out else subject,
        "type": rel["type"],
        "direction": "out" if out else "in",
        "properties": props,
        "evidence": arts.evidence(raw),
    }


def _path_steps(nodes: list[dict[str, Any]], rels: list[dict[str, Any]], arts: _Articles) -> list[dict[str, Any]]:
    refs = [_ref(n["id"], n["name"], n["labels"]) for n in nodes]
    return [relationship(refs[i], refs[i + 1], rel, arts) for i, rel in enumerate(rels)]


# -- the report -----------------------------------------------------------------------------

# Relationships by type and direction, newest first, at most MAX_PER_GROUP of each: a port
# that hundreds of ships called at would otherwise send every call. `total` counts them all.
_RELS = (
    "MATCH (e:Entity {id: $id})-[r]-(o) "
    "WITH type(r) AS type, startNode(r) = e AS out, r, o "
    "ORDER BY coalesce(r.date, o.published, '') DESC, o.name "
    "WITH type, out, count(r) AS total, "
    "collect({props: properties(r), id: o.id, name: o.name, labels: labels(o)}) AS items "
    "RETURN type, out, total, items[0..$cap] AS items"
)
_PATH_COLUMNS = (
    "[n IN nodes(p) | {id: n.id, name: n.name, labels: labels(n)}] AS nodes, "
    "[r IN relationships(p) | {type: type(r), start: startNode(r).id, props: properties(r)}] AS rels"
)
# Each relationship of the chain once, at the depth it is first reached (a path per prefix
# would send the top of a long chain many times over).
_CHAIN = (
    f"MATCH p = (e:Entity {{id: $id}})-[:{'|'.join(OWNERSHIP_TYPES)}*1..{MAX_CHAIN}]->(:Entity) "
    "WITH relationships(p) AS rels UNWIND range(0, size(rels) - 1) AS i "
    "WITH rels[i] AS r, min(i) AS depth "
    "WITH r, depth, startNode(r) AS x, endNode(r) AS y "
    "RETURN depth, type(r) AS type, properties(r) AS props, "
    "{id: x.id, name: x.name, labels: labels(x)} AS source, {id: y.id, name: y.name, labels: labels(y)} AS target "
    "ORDER BY depth, source.name, type, target.name"
)


def _exposure_query(hops: int) -> str:
    # The one place a number reaches Cypher text: validated here as an int in range.
    return (
        f"MATCH p = (e:Entity {{id: $id}})-[:{'|'.join(EXPOSURE_TYPES)}*1..{_hops(hops, 'hops')}]-(s:Entity) "
        "WHERE s <> e AND (s)-[:SANCTIONED_BY]->() "
        # One shortest path per sanctioned entity, picked in the database.
        "WITH s, collect(p) AS paths "
        "WITH s, reduce(best = head(paths), q IN paths | CASE WHEN length(q) < length(best) THEN q ELSE best END) AS p "
        f"RETURN s.id AS sanctioned, length(p) AS hops, [(s)-[:SANCTIONED_BY]->(x) | x.id] AS by, {_PATH_COLUMNS} "
        "ORDER BY hops, sanctioned "
        f"LIMIT {MAX_INDIRECT + 1}"
    )


def _hops(value: Any, what: str, low: int = 1, high: int = MAX_HOPS) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{what} must be a whole number from {low} to {high}; got {value!r}.")
    return value


def _sort_date(value: Any) -> tuple[int, str]:
    return (0, str(value)) if value else (1, "")


_SANCTIONED_AMONG = (
    "MATCH (v:Entity)-[:SANCTIONED_BY]->(s:Entity) WHERE v.id IN $ids "
    "RETURN v.id AS id, collect(DISTINCT {id: s.id, name: s.name, labels: labels(s)}) AS by"
)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _status(direct: list[dict], indirect: list[dict], calls: list[dict], hops: int, calls_capped: bool) -> dict[str, str]:
    """The one-line verdict every view shows first: {"level": sanctioned|exposed|clear, "text"}."""
    parts: list[str] = []
    level = "clear"
    if direct:
        by = list(dict.fromkeys(d["by"]["name"] or d["by"]["id"] for d in direct))
        parts.append("Sanctioned by " + ", ".join(by))
        level = "sanctioned"
    if calls:
        vessels = {c["vessel"]["id"] for c in calls}
        flagged = {c["vessel"]["id"] for c in calls if c["sanctioned_by"]}
        more = "at least " if calls_capped else ""
        if flagged:
            parts.append(f"{more}{_plural(len(flagged), 'sanctioned vessel')} called here "
                         f"({_plural(len(vessels), 'vessel')}, {_plural(len(calls), 'call')} recorded)")
            level = "sanctioned" if direct else "exposed"
        else:
            parts.append(f"none of the {more}{_plural(len(vessels), 'vessel')} recorded calling here is sanctioned")
    if indirect:
        parts.append(f"linked to {_plural(len(indirect), 'sanctioned entity', 'sanctioned entities')} "
                     f"within {_plural(hops, 'hop')}")
        if level == "clear":
            level = "exposed"
    if not direct and not indirect and not any(c["sanctioned_by"] for c in calls):
        parts.insert(0, f"No sanction recorded for it or within {_plural(hops, 'hop')} of it")
    elif not direct and level == "exposed":
        parts.insert(0, "Not sanctioned itself")
    text = "; ".join(parts)
    return {"level": level, "text": text[:1].upper() + text[1:]}


def build_report(store: GraphStore, ref: str, *, hops: int = 2) -> dict[str, Any]:
    """Everything the graph says about one entity, each fact with its evidence.

    {"entity": {...}, "status": {"level", "text"}, "sanctions": {"direct": [...], "indirect": [...]},
     "ownership": [...], "port_calls": [...], "incoming_calls": [...], "relationships": {TYPE: [...]},
     "ais_dark": [...], "articles": [...], "relationship_totals": {TYPE: n}}

    `sanctions.direct`: the designations of the entity itself (by whom, when, programme,
    list, evidence). `sanctions.indirect`: sanctioned entities within `hops` (1..6) through
    ownership, operation, membership and stated ties, nearest first, once each with its
    shortest path, and only where it adds something: not an entity whose sanctioners all
    sanctioned the subject too (a sister ship of a sanctioned ship), nor one reached only
    through another listed sanctioned entity with the same sanctioners (`indirect_omitted`
    counts them). `incoming_calls`: the vessels that called at the entity (a port), newest
    first, each with the bodies that sanctioned it.
    """
    _hops(hops, "hops")
    entity = _resolve(store, ref)
    eid = entity["id"]
    subject = _ref(eid, entity["name"], [entity["label"]] if entity["label"] else [])
    arts = _Articles()

    direct: list[dict[str, Any]] = []
    port_calls: list[dict[str, Any]] = []
    incoming: list[dict[str, Any]] = []
    relationships: dict[str, list[dict[str, Any]]] = {}
    mentioned: set[str] = set()
    totals: dict[str, int] = {}
    capped: set[str] = set()
    rows = []
    for group in store.run(_RELS, {"id": eid, "cap": MAX_PER_GROUP}).rows:
        totals[group["type"]] = totals.get(group["type"], 0) + group["total"]
        if group["total"] > len(group["items"]):
            capped.add(group["type"])
        rows += [{"type": group["type"], "out": group["out"], **item} for item in group["items"]]
    for row in rows:
        rtype = row["type"]
        other = _ref(row["id"], row["name"], row["labels"])
        if rtype == "MENTIONS":
            mentioned.add(row["id"])
            continue
        rel = relationship(subject, other, {"type": rtype, "start": eid if row["out"] else row["id"],
                                            "props": row["props"]}, arts)
        props = rel["properties"]
        if row["out"] and rtype == "SANCTIONED_BY":
            direct.append({"by": other, "year": props.get("year"), "date": props.get("date"),
                           "program": props.get("program"), "list_name": props.get("list_name"),
                           "list_id": props.get("list_id"), "evidence": rel["evidence"]})
        elif row["out"] and rtype == "CALLED_AT":
            port_calls.append({"port": other, "date": props.get("date"), "activity": props.get("activity"),
                               "evidence": rel["evidence"]})
        elif not row["out"] and rtype == "CALLED_AT":
            incoming.append({"vessel": other, "date": props.get("date"), "activity": props.get("activity"),
                             "evidence": rel["evidence"], "sanctioned_by": []})
        elif row["out"] and rtype in OWNERSHIP_TYPES:
            continue  # the first link of the ownership chain, shown there
        else:
            relationships.setdefault(rtype, []).append({
                "direction": rel["direction"], "other": other, "source": rel["source"],
                "target": rel["target"], "properties": props, "evidence": rel["evidence"],
            })
    if incoming:
        by_vessel = {
            r["id"]: [_ref(x["id"], x["name"], x["labels"]) for x in r["by"]]
            for r in store.run(_SANCTIONED_AMONG, {"ids": sorted({c["vessel"]["id"] for c in incoming})}).rows
        }
        for call in incoming:
            call["sanctioned_by"] = sorted(by_vessel.get(call["vessel"]["id"], []), key=lambda x: x["name"] or "")

    ownership: list[dict[str, Any]] = []
    for row in store.run(_CHAIN, {"id": eid}).rows:
        src, dst = row["source"], row["target"]
        a, b = _ref(src["id"], src["name"], src["labels"]), _ref(dst["id"], dst["name"], dst["labels"])
        ownership.append(relationship(a, b, {"type": row["type"], "start": a["id"], "props": row["props"]}, arts))

    indirect, omitted, exposure = _indirect(store, eid, hops, {d["by"]["id"] for d in direct}, arts)

    ais_dark = arts.evidence(entity["_ais_dark"])
    found = arts.fetch(store, mentioned)
    articles = [
        {"id": a, **{k: found.get(a, {}).get(k) for k in ("title", "source", "published", "url")}}
        for a in sorted(mentioned)
    ]
    # Newest first, undated last.
    articles.sort(key=lambda a: a["published"] or "", reverse=True)
    port_calls.sort(key=lambda c: (_sort_date(c["date"]), c["port"]["name"] or ""))
    incoming.sort(key=lambda c: (c["date"] or "", c["vessel"]["name"] or ""), reverse=True)
    incoming.sort(key=lambda c: c["date"] is None)  # undated last, the rest newest first
    for items in relationships.values():
        items.sort(key=lambda x: (x["direction"], x["other"]["name"] or ""))
    direct.sort(key=lambda d: (d["year"] or 0, d["by"]["name"] or ""))
    return {
        "entity": _public(entity),
        "status": _status(direct, indirect, incoming, hops, "CALLED_AT" in capped and bool(incoming)),
        "sanctions": {"direct": direct, "indirect": indirect, "hops": hops,
                      "indirect_omitted": omitted,
                      "indirect_truncated": len(exposure) > MAX_INDIRECT},
        "ownership": ownership,
        "port_calls": port_calls,
        "incoming_calls": incoming,
        "relationships": dict(sorted(relationships.items())),
        "ais_dark": ais_dark,
        "articles": articles,
        # How many relationships of each type the entity has (a report lists at most
        # MAX_PER_GROUP per type and direction, newest first).
        "relationship_totals": dict(sorted(totals.items())),
    }


def _indirect(
    store: GraphStore, eid: str, hops: int, own: set[str], arts: _Articles
) -> tuple[list[dict[str, Any]], int, list[dict[str, Any]]]:
    """Sanctioned entities near `eid` that add something to its own designations (`own`:
    the ids of its sanctioners), each with its shortest path; and how many were left out."""
    exposure = store.run(_exposure_query(hops), {"id": eid}).rows
    by_of: dict[str, set[str]] = {row["sanctioned"]: set(row["by"] or []) for row in exposure}
    indirect: list[dict[str, Any]] = []
    omitted = 0
    for row in exposure[:MAX_INDIRECT]:  # nearest first
        sid, by = row["sanctioned"], set(row["by"] or [])
        shares_own = bool(own) and by <= own
        through = [n["id"] for n in row["nodes"][1:-1] if n["id"] in by_of]
        through_same = any(by <= (by_of.get(t, set()) | own) for t in through)
        if shares_own or through_same:
            omitted += 1
            continue
        steps = _path_steps(row["nodes"], row["rels"], arts)
        indirect.append({"sanctioned": steps[-1]["to"], "hops": row["hops"], "sanctioned_by": sorted(by),
                         "path": steps})
    return indirect, omitted, exposure


# -- connections between two entities ------------------------------------------------------

def find_path(
    store: GraphStore,
    a: str,
    b: str,
    max_hops: int = 4,
    *,
    rel_types: list[str] | None = None,
    via_sanctioners: bool = False,
    limit: int = 10,
) -> list[dict[str, Any]]:
    """The shortest connections between entities `a` and `b` (ids or names), either direction.

    Returns up to `limit` paths, each {"length", "nodes": [NodeRef...], "steps": [step...]}
    where a step is a `relationship()` {"from", "to", "source", "target", "type",
    "direction", "properties", "evidence"}. Empty when they are not connected within
    `max_hops` (1..6). `rel_types` limits the relationship types followed (default: every
    type but MENTIONS). Parallel relationships of one type are one hop; a connection does
    not pass through a country or a sanctioning body's designations unless
    `via_sanctioners` (graph/analysis.py says why).
    """
    from graph import analysis

    _hops(max_hops, "max_hops")
    onto = load_ontology()
    types = [onto.rel_type(t.upper()).name for t in rel_types] if rel_types else None
    start, end = _resolve(store, a), _resolve(store, b)
    if start["id"] == end["id"]:
        raise ConfigError(f"{a!r} and {b!r} are the same entity ({start['id']}); give two different ones.")
    sub = analysis.connect(store, start["id"], end["id"], max_hops, rel_types=types,
                           via_sanctioners=via_sanctioners)
    found = analysis.shortest_paths(sub, start["id"], end["id"], max_hops, limit=limit)
    props = analysis.edge_properties(store, [e for _, edges in found for e in edges])
    analysis.name_nodes(store, sub, [n for node_ids, _ in found for n in node_ids])
    arts = _Articles()
    paths = []
    for node_ids, edges in found:
        nodes = [analysis.node_ref(sub, n) for n in node_ids]
        steps = [
            relationship(nodes[i], nodes[i + 1],
                         {**e, "props": props.get((e["start"], e["end"], e["type"]), {})}, arts)
            for i, e in enumerate(edges)
        ]
        paths.append({"length": len(steps), "nodes": nodes, "steps": steps})
    arts.fetch(store)
    return paths


# -- listings -------------------------------------------------------------------------------

def list_entities(
    store: GraphStore, label: str | None = None, sanctioned: bool = False, *, limit: int | None = None
) -> list[dict[str, Any]]:
    """Entities (of one label, or only the directly sanctioned ones) by name:
    [{"id", "label", "name", "aliases", "mentions" (articles), "sanctioned_by": [names]}]."""
    onto = load_ontology()
    if label:
        by_lower = {n.lower(): n for n in onto.entity_labels}
        if label.lower() not in by_lower:
            raise ConfigError(f"Unknown entity type {label!r}. Use one of: {', '.join(onto.entity_labels)}.")
        label = by_lower[label.lower()]
    match = f"MATCH (n:{label or onto.entity_label})"
    if sanctioned:
        query = f"{match}-[:SANCTIONED_BY]->(by:Entity) WITH n, collect(DISTINCT by.name) AS by"
    else:
        query = f"{match} OPTIONAL MATCH (n)-[:SANCTIONED_BY]->(by:Entity) WITH n, collect(DISTINCT by.name) AS by"
    query += (
        " OPTIONAL MATCH (a:Article)-[:MENTIONS]->(n) WITH n, by, count(DISTINCT a) AS mentions"
        " RETURN n.id AS id, n.name AS name, labels(n) AS labels, n.aliases AS aliases, mentions, by"
        " ORDER BY name, id"
    )
    if limit is not None:
        query += " LIMIT $limit"
    rows = store.run(query, {"limit": int(limit)} if limit is not None else {}).rows
    return [
        {"id": r["id"], "label": _label(r["labels"]), "name": r["name"], "aliases": list(r["aliases"] or []),
         "mentions": r["mentions"], "sanctioned_by": sorted(x for x in r["by"] if x)}
        for r in rows
    ]


def stats(store: GraphStore) -> dict[str, Any]:
    """What the graph holds: node counts per label, relationship counts per type, totals."""
    counts = store.counts()
    onto = load_ontology()
    extra = store.run(
        "OPTIONAL MATCH (s:Entity)-[:SANCTIONED_BY]->() WITH count(DISTINCT s) AS sanctioned "
        "OPTIONAL MATCH (v:Vessel) WHERE size(coalesce(v.ais_dark, [])) > 0 "
        "RETURN sanctioned, count(v) AS went_dark"
    ).rows[0]
    return {
        "entities": sum(n for lab, n in counts["nodes"].items() if lab in onto.entity_labels),
        "articles": counts["nodes"].get("Article", 0),
        "relationships_total": sum(counts["relationships"].values()),
        "sanctioned": extra["sanctioned"],
        "went_dark": extra["went_dark"],
        "nodes": counts["nodes"],
        "relationships": counts["relationships"],
    }


__all__ = [
    "EXPOSURE_TYPES",
    "OWNERSHIP_TYPES",
    "build_report",
    "find_path",
    "list_entities",
    "resolve_entity",
    "stats",
]
