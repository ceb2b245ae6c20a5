"""The typed read view of the graph: every read that reports, the JSON API and the CLI make in
domain terms, as methods that take plain values and return dataclasses.

    view = View(store)
    view.entity_by_id("imo:9161003")           # Entity | None
    view.neighbours(entity.id, cap=200)        # relationships by type and direction
    view.evidence(raw)                         # evidence items, article fields joined

Only this module (and the other modules of graph/) speaks Cypher that names the ontology's
labels and relationship types; callers never see a statement or a result column. Labels and
types come from the store's ontology (`store.ontology`), checked there, so an undeclared name
cannot reach a query; values travel as parameters. User Cypher (`query`, the web console,
queries/*.cypher) does not come through here.

Each method is one round trip (two where noted), as the callers made before; the report's
evidence is joined to its articles once for the whole report (EvidenceJoin).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from graph import evidence as evidence_mod
from graph.errors import ConfigError

if TYPE_CHECKING:
    from graph.ontology import Ontology
    from graph.store import GraphStore

# Which relationship types the reads follow is the ontology's (`roles:` in graph/ontology.yaml):
# onto.ownership_types (followed upwards for the ownership chain), onto.exposure_types (sanctions
# exposure spreads along them, either way: port calls, places and sanctions do not carry it),
# onto.sanction_type, onto.mention_type, and onto.ais_dark (label, property) for the stats.
ARTICLE = "Article"
MAX_HOPS = 6
MAX_CHAIN = 8
ARTICLE_FIELDS = ("title", "source", "published", "url")


# -- nodes as results hold them ---------------------------------------------------------------

def is_node(value: Any) -> bool:
    """Whether a plain result value is a node: {"id", "labels", "properties"} (graph/values.py)."""
    return isinstance(value, dict) and len(value) == 3 and value.keys() == {"id", "labels", "properties"}


def is_relationship(value: Any) -> bool:
    """Whether a plain result value is a relationship: {"type", "start", "end", "properties"}."""
    return isinstance(value, dict) and len(value) == 4 and value.keys() == {"type", "start", "end", "properties"}


def node_label(labels: Iterable[str] | None, onto: Ontology) -> str:
    """The label a node is shown by: its own (Ontology.label_of), else for a node the ontology
    does not describe its first label, else ""."""
    labels = list(labels or ())
    return onto.label_of(labels) or (labels[0] if labels else "")


def display_name(properties: dict[str, Any] | None, node_id: Any) -> str:
    """What a node is called on screen: its name, an article's title, else its id."""
    props = properties or {}
    return str(props.get("name") or props.get("title") or node_id)


# -- what the view returns ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Ref:
    """A node named in a result: id, name and its own label."""

    id: str
    name: str | None
    label: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "label": self.label}


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity with every stored property (`properties` holds id, name and aliases too)."""

    id: str
    label: str | None
    name: str | None
    aliases: tuple[str, ...]
    properties: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Named:
    """An entity's names, for lookups and the search index."""

    id: str
    labels: tuple[str, ...]
    label: str | None
    name: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Neighbour:
    other: Ref
    properties: dict[str, Any]  # the relationship's, evidence included


@dataclass(frozen=True, slots=True)
class NeighbourGroup:
    """An entity's relationships of one type and direction, newest first, at most `cap`."""

    type: str
    outgoing: bool  # the entity is the stored start
    total: int  # how many there are, also beyond the cap
    items: tuple[Neighbour, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """A stored relationship between two named nodes."""

    type: str
    source: Ref
    target: Ref
    properties: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ChainLink:
    depth: int  # 0: the entity's own link
    link: Link


@dataclass(frozen=True, slots=True)
class PathStep:
    """One relationship of a path: its type, the id of its stored start, its properties."""

    type: str
    start: str
    properties: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Exposure:
    """A sanctioned entity near another, with the shortest path to it."""

    sanctioned: str
    hops: int
    by: tuple[str, ...]  # ids of those that sanctioned it
    nodes: tuple[Ref, ...]
    steps: tuple[PathStep, ...]


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str | None
    source: str | None
    published: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class Listed:
    """An entity in a listing: how many articles mention it, who sanctioned it."""

    id: str
    label: str | None
    name: str | None
    aliases: tuple[str, ...]
    mentions: int
    sanctioned_by: tuple[str, ...]  # names, sorted


@dataclass(frozen=True, slots=True)
class Node:
    """Any node (entity or article) with its labels and properties."""

    id: str
    labels: tuple[str, ...]
    label: str  # node_label()
    properties: dict[str, Any]

    @property
    def name(self) -> str:
        return display_name(self.properties, self.id)


@dataclass(frozen=True, slots=True)
class Edge:
    """The relationships of one type from one node to another, their evidence together."""

    type: str
    start: Node
    end: Node
    properties: dict[str, Any]  # the first one's, without evidence
    evidence: list[EvidenceItem]


@dataclass(frozen=True, slots=True)
class Stats:
    nodes: dict[str, int]  # per label
    relationships: dict[str, int]  # per type
    sanctioned: int  # entities with a sanction of their own
    went_dark: int  # vessels with AIS gaps recorded


# -- evidence --------------------------------------------------------------------------------

class EvidenceItem(TypedDict, total=False):
    """One evidence item as every view shows it (a serialised shape, hence a dict)."""

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


class EvidenceJoin:
    """Collects the evidence a view shows, then joins its articles' fields in one query.

    Every evidence item passes through here: it gets its article's title, source, date and
    url, the list name and entry for sanctions-list evidence, and `cite`, the one wording of
    where it comes from. `add` the stored evidence strings as they come, `fetch` once at the
    end: the items it returned are filled in then.
    """

    def __init__(self, view: View) -> None:
        self.view = view
        self.ids: set[str] = set()
        self.items: list[EvidenceItem] = []

    def add(self, raw: list[str] | None) -> list[EvidenceItem]:
        out: list[EvidenceItem] = []
        for ev in evidence_mod.decode_all(raw):
            item: EvidenceItem = dict(ev)  # type: ignore[assignment]
            if item.get("article"):
                self.ids.add(item["article"])
            if item.get("method") == "list" or item.get("entry"):
                name, entry_id = _list_entry(item.pop("entry", None))  # type: ignore[typeddict-item]
                item["list_name"], item["list_entry"] = name, entry_id
            self.items.append(item)
            out.append(item)
        return out

    def fetch(self, extra: Iterable[str] = ()) -> dict[str, Article]:
        """Fill in the items added so far; returns the articles found (also those of `extra`)."""
        found = self.view.articles(sorted(self.ids | set(extra)))
        for item in self.items:
            art = found.get(item.get("article", ""))
            for key in ARTICLE_FIELDS:
                item[key] = getattr(art, key) if art is not None else None  # type: ignore[literal-required]
            item["cite"] = cite(item)  # type: ignore[arg-type]
        return found


def check_hops(value: Any, what: str, low: int = 1, high: int = MAX_HOPS) -> int:
    """`value` as a whole number of hops in low..high, else ConfigError naming `what`."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{what} must be a whole number from {low} to {high}; got {value!r}.")
    return value


def exposure_query(onto: Ontology, hops: int, limit: int) -> str:
    """The sanctions-exposure statement (see View.exposure); $id is the entity's id.

    The one place numbers reach Cypher text (variable-length bounds cannot be parameters):
    both are checked here as whole numbers."""
    hops = check_hops(hops, "hops")
    limit = check_hops(limit, "limit", 1, 1_000_000)
    e = onto.entity_label
    types = "|".join(onto.rel_type(t).name for t in onto.exposure_types)
    sanctions = onto.rel_type(onto.sanction_type).name
    return (
        f"MATCH p = (e:{e} {{id: $id}})-[:{types}*1..{hops}]-(s:{e}) "
        f"WHERE s <> e AND (s)-[:{sanctions}]->() "
        # One shortest path per sanctioned entity, picked in the database.
        "WITH s, collect(p) AS paths "
        "WITH s, reduce(best = head(paths), q IN paths | CASE WHEN length(q) < length(best) THEN q ELSE best END) AS p "
        f"RETURN s.id AS sanctioned, length(p) AS hops, [(s)-[:{sanctions}]->(x) | x.id] AS by, {_PATH_COLUMNS} "
        "ORDER BY hops, sanctioned "
        f"LIMIT {limit}"
    )


_PATH_COLUMNS = (
    "[n IN nodes(p) | {id: n.id, name: n.name, labels: labels(n)}] AS nodes, "
    "[r IN relationships(p) | {type: type(r), start: startNode(r).id, props: properties(r)}] AS rels"
)


class View:
    """Typed reads of one store. Cheap to make: make one where you need it."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.onto = store.ontology
        self._e = self.onto.entity_label

    def _ref(self, row: dict[str, Any]) -> Ref:
        return Ref(row["id"], row["name"], self.onto.label_of(row["labels"]))

    def _entity(self, row: dict[str, Any]) -> Entity:
        props = row["props"]
        return Entity(props.get("id"), self.onto.label_of(row["labels"]), props.get("name"),
                      tuple(props.get("aliases") or ()), props)

    def _entities(self, query: str, params: dict[str, Any]) -> list[Entity]:
        return [self._entity(r) for r in self.store.run(query, params).rows]

    # -- entities by id, name or alias ---------------------------------------------------------

    def entity_by_id(self, entity_id: str) -> Entity | None:
        found = self._entities(f"MATCH (n:{self._e} {{id: $id}}) RETURN n {{.*}} AS props, labels(n) AS labels",
                               {"id": entity_id})
        return found[0] if found else None

    def entities_by_identifier(self, label: str, prop: str, value: str) -> list[Entity]:
        """Entities of `label` holding identifier `prop` = `value`: the one whose id it makes
        (imo:9161003), else those carrying it as a property (a node named before its number was
        known). Both indexed."""
        found = self.entity_by_id(f"{prop}:{value}")
        if found is not None:
            return [found]
        lab = self.onto.label(label)
        if prop not in lab.properties:
            raise ConfigError(f"Label {label} has no property {prop!r} in the ontology.")
        return self._entities(f"MATCH (n:{lab.name} {{{prop}: $value}}) RETURN n {{.*}} AS props, labels(n) AS labels",
                              {"value": value})

    def entities_by_keys(self, keys: list[str]) -> list[Entity]:
        """Entities holding any of these lookup keys (the ingest's normalised names): indexed."""
        return self._entities(
            f"UNWIND $keys AS k MATCH (n:{self._e}) WHERE k IN n.keys "
            "RETURN DISTINCT n {.*} AS props, labels(n) AS labels",
            {"keys": keys},
        )

    def entities_named(self, name: str) -> list[Entity]:
        """Entities whose name or an alias is `name`, case-insensitive: a scan, for names
        written without lookup keys."""
        return self._entities(
            f"MATCH (n:{self._e}) WHERE toLower(n.name) = $lower "
            "OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) = $lower) "
            "RETURN n {.*} AS props, labels(n) AS labels",
            {"lower": name.lower()},
        )

    def names(self) -> list[Named]:
        """Every entity's id, labels, name and aliases."""
        rows = self.store.run(
            f"MATCH (n:{self._e}) RETURN n.id AS id, n.name AS name, n.aliases AS aliases, labels(n) AS labels"
        ).rows
        label_of = self.onto.label_of
        return [Named(r["id"], tuple(r["labels"] or ()), label_of(r["labels"]), r["name"], tuple(r["aliases"] or ()))
                for r in rows]

    def entity_count(self) -> int:
        return int(self.store.run(f"MATCH (n:{self._e}) RETURN count(n) AS c").rows[0]["c"])

    def nodes(self, ids: list[str], *, max_rows: int | None = None) -> list[Node]:
        """The entities and articles with these ids (two round trips: one per label)."""
        out: list[Node] = []
        for label in (self._e, self.onto.label(ARTICLE).name):
            res = self.store.run(f"MATCH (n:{label}) WHERE n.id IN $ids RETURN n", {"ids": ids}, max_rows=max_rows)
            for row in res.rows:
                n = row["n"]
                out.append(Node(str(n["id"]), tuple(n["labels"]), node_label(n["labels"], self.onto), n["properties"]))
        return out

    # -- relationships ----------------------------------------------------------------------

    def neighbours(self, entity_id: str, *, cap: int) -> list[NeighbourGroup]:
        """The entity's relationships by type and direction, newest first, at most `cap` of
        each: a port that hundreds of ships called at would otherwise send every call."""
        rows = self.store.run(
            f"MATCH (e:{self._e} {{id: $id}})-[r]-(o) "
            "WITH type(r) AS type, startNode(r) = e AS out, r, o "
            "ORDER BY coalesce(r.date, o.published, '') DESC, o.name "
            "WITH type, out, count(r) AS total, "
            "collect({props: properties(r), id: o.id, name: o.name, labels: labels(o)}) AS items "
            "RETURN type, out, total, items[0..$cap] AS items",
            {"id": entity_id, "cap": cap},
        ).rows
        ref = self._ref
        return [
            NeighbourGroup(g["type"], bool(g["out"]), g["total"],
                           tuple(Neighbour(ref(i), i["props"]) for i in g["items"]))
            for g in rows
        ]

    def sanctioners(self, ids: list[str]) -> dict[str, list[Ref]]:
        """Entity id -> those that sanctioned it, for the entities among `ids` with a sanction."""
        rows = self.store.run(
            f"MATCH (v:{self._e})-[:{self.onto.rel_type(self.onto.sanction_type).name}]->(s:{self._e}) WHERE v.id IN $ids "
            "RETURN v.id AS id, collect(DISTINCT {id: s.id, name: s.name, labels: labels(s)}) AS by",
            {"ids": ids},
        ).rows
        return {r["id"]: [self._ref(x) for x in r["by"]] for r in rows}

    def ownership_chain(self, entity_id: str) -> list[ChainLink]:
        """Who owns, operates or holds the entity, upwards, at most MAX_CHAIN links deep: each
        relationship once, at the depth it is first reached (a path per prefix would send the
        top of a long chain many times over); by depth, then source, type and target name."""
        e = self._e
        types = "|".join(self.onto.rel_type(t).name for t in self.onto.ownership_types)
        rows = self.store.run(
            f"MATCH p = (e:{e} {{id: $id}})-[:{types}*1..{MAX_CHAIN}]->(:{e}) "
            "WITH relationships(p) AS rels UNWIND range(0, size(rels) - 1) AS i "
            "WITH rels[i] AS r, min(i) AS depth "
            "WITH r, depth, startNode(r) AS x, endNode(r) AS y "
            "RETURN depth, type(r) AS type, properties(r) AS props, "
            "{id: x.id, name: x.name, labels: labels(x)} AS source, {id: y.id, name: y.name, labels: labels(y)} AS target "
            "ORDER BY depth, source.name, type, target.name",
            {"id": entity_id},
        ).rows
        return [ChainLink(r["depth"], Link(r["type"], self._ref(r["source"]), self._ref(r["target"]), r["props"]))
                for r in rows]

    def exposure(self, entity_id: str, hops: int, *, limit: int) -> list[Exposure]:
        """Sanctioned entities within `hops` of the entity through ownership, operation,
        membership and stated ties (the ontology's exposure_types), nearest first, each once with its
        shortest path; at most `limit`."""
        rows = self.store.run(exposure_query(self.onto, hops, limit), {"id": entity_id}).rows
        return [
            Exposure(r["sanctioned"], r["hops"], tuple(r["by"] or ()), tuple(self._ref(n) for n in r["nodes"]),
                     tuple(PathStep(x["type"], x["start"], x["props"]) for x in r["rels"]))
            for r in rows
        ]

    def edge(self, start: str, rel_type: str, end: str, key: str | None = None, *,
             max_rows: int | None = None) -> Edge | None:
        """The relationships of `rel_type` from `start` to `end` (only the one with `key` when
        given), their evidence joined with its articles; None when there is none."""
        rt = self.onto.rel_type(rel_type)
        a_label, b_label = self.onto.match_label(rt.sources), self.onto.match_label(rt.targets)
        res = self.store.run(
            f"MATCH (a:{a_label} {{id: $start}})-[r:{rt.name}]->(b:{b_label} {{id: $end}}) "
            "WHERE $key IS NULL OR r.key = $key RETURN a, r, b",
            {"start": start, "end": end, "key": key},
            max_rows=max_rows,
        )
        if not res.rows:
            return None
        row = res.rows[0]
        raw: list[str] = []
        for r in (x["r"] for x in res.rows):
            raw.extend(r["properties"].get("evidence") or [])

        def node(n: dict[str, Any], node_id: str) -> Node:
            return Node(node_id, tuple(n["labels"]), node_label(n["labels"], self.onto), n["properties"])

        return Edge(rt.name, node(row["a"], start), node(row["b"], end),
                    {k: v for k, v in row["r"]["properties"].items() if k != "evidence"}, self.evidence(raw))

    # -- evidence and articles ----------------------------------------------------------------

    def articles(self, ids: list[str]) -> dict[str, Article]:
        """The articles with these ids, by id (no round trip for none)."""
        if not ids:
            return {}
        rows = self.store.run(
            f"MATCH (a:{self.onto.label(ARTICLE).name}) WHERE a.id IN $ids "
            "RETURN a.id AS id, a.title AS title, a.source AS source, a.published AS published, a.url AS url",
            {"ids": ids},
        ).rows
        return {r["id"]: Article(r["id"], r["title"], r["source"], r["published"], r["url"]) for r in rows}

    def evidence_join(self) -> EvidenceJoin:
        return EvidenceJoin(self)

    def evidence(self, raw: list[str] | None) -> list[EvidenceItem]:
        """Stored evidence strings as the items every view shows (see EvidenceJoin)."""
        join = EvidenceJoin(self)
        items = join.add(raw)
        join.fetch()
        return items

    # -- listings and counts -------------------------------------------------------------------

    def listing(self, label: str | None = None, *, sanctioned: bool = False, limit: int | None = None) -> list[Listed]:
        """Entities (of one declared label, or only those sanctioned themselves) by name, then id."""
        node = self.onto.label(label).name if label else self._e
        sanctions = self.onto.rel_type(self.onto.sanction_type).name
        if sanctioned:
            query = f"MATCH (n:{node})-[:{sanctions}]->(by:{self._e}) WITH n, collect(DISTINCT by.name) AS by"
        else:
            query = (f"MATCH (n:{node}) OPTIONAL MATCH (n)-[:{sanctions}]->(by:{self._e}) "
                     "WITH n, collect(DISTINCT by.name) AS by")
        query += (
            f" OPTIONAL MATCH (a:{self.onto.label(ARTICLE).name})-[:{self.onto.rel_type(self.onto.mention_type).name}]->(n)"
            " WITH n, by, count(DISTINCT a) AS mentions"
            " RETURN n.id AS id, n.name AS name, labels(n) AS labels, n.aliases AS aliases, mentions, by"
            " ORDER BY name, id"
        )
        if limit is not None:
            query += " LIMIT $limit"
        rows = self.store.run(query, {"limit": int(limit)} if limit is not None else {}).rows
        return [
            Listed(r["id"], self.onto.label_of(r["labels"]), r["name"], tuple(r["aliases"] or ()), r["mentions"],
                   tuple(sorted(x for x in r["by"] if x)))
            for r in rows
        ]

    def stats(self) -> Stats:
        """Node counts per label, relationship counts per type, the sanctioned entities and
        the vessels that went dark (two round trips)."""
        counts = self.store.counts()
        label, dark = self.onto.ais_dark
        vessel = self.onto.label(label).name
        extra = self.store.run(
            f"OPTIONAL MATCH (s:{self._e})-[:{self.onto.rel_type(self.onto.sanction_type).name}]->() "
            "WITH count(DISTINCT s) AS sanctioned "
            f"OPTIONAL MATCH (v:{vessel}) WHERE size(coalesce(v.{dark}, [])) > 0 "
            "RETURN sanctioned, count(v) AS went_dark"
        ).rows[0]
        return Stats(counts["nodes"], counts["relationships"], extra["sanctioned"], extra["went_dark"])


__all__ = [
    "Article",
    "ChainLink",
    "Edge",
    "Entity",
    "EvidenceItem",
    "EvidenceJoin",
    "Exposure",
    "Link",
    "Listed",
    "Named",
    "Neighbour",
    "NeighbourGroup",
    "Node",
    "PathStep",
    "Ref",
    "Stats",
    "View",
    "check_hops",
    "cite",
    "display_name",
    "is_node",
    "is_relationship",
    "node_label",
]
