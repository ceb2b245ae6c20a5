"""The names the graph knows, as ingest reads them: the known-names index, the resolver's keys,
and which stored articles may mention a name (their `name_keys`) without mentioning its entity.

Reads only, each one statement; labels and properties are read from and checked against the
ontology (graph/ontology.yaml), values travel as parameters. The policy (which labels the index
holds, how names are keyed) is ingest's (ingest/knowledge.py, ingest/resolve.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from graph.errors import OntologyError
from graph.ontology import Ontology
from graph.writer import ARTICLE, MENTIONS, NAME_KEYS

if TYPE_CHECKING:
    from graph.store import GraphStore


@dataclass(frozen=True, slots=True)
class IndexedName:
    """One entity of the name index."""

    id: str
    label: str | None  # its own label (Ontology.label_of)
    name: str | None
    aliases: tuple[str, ...]
    imo: str | None
    listed: bool | None
    source: str | None = None  # article, or list:<name> for a node only a list names


@dataclass(frozen=True, slots=True)
class NodeKeys:
    """One entity node as the resolver knows it: its lookup keys and its deciding identifier."""

    id: str
    label: str | None
    keys: tuple[str, ...]
    identifier: str | None  # its value of the label's resolve_by property (imo), if any


@dataclass(frozen=True, slots=True)
class Candidate:
    """A complete article that holds the keys of `names` and does not mention their entities
    under those names."""

    article_id: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """A stored article with its kept text, for extracting it again."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    path: str | None = None


class NameLookup(Protocol):
    """A name to look for: its key (ingest.knowledge.name_key), its entity's id, the name, and
    the name's normalised key within its label (ingest.resolve.local_key)."""

    key: str
    id: str
    name: str
    local: str


_INDEX_ID = "imo"  # the identifier the name index carries (KnownName.imo)


def _labels(onto: Ontology, names: Iterable[str]) -> list[str]:
    out = []
    for name in names:
        if not onto.label(name).is_entity:
            raise OntologyError(f"{name} is not an entity label; the name index holds entities only.")
        out.append(name)
    return out


def _index_query(onto: Ontology, labels: Sequence[str], listed_labels: Sequence[str]) -> str:
    if _INDEX_ID not in onto.identifiers:
        raise OntologyError(f"No entity label declares the identifier {_INDEX_ID!r} in graph/ontology.yaml.")
    some = " OR ".join(f"n:{lab}" for lab in _labels(onto, labels))
    listed = " OR ".join(f"n:{lab}" for lab in _labels(onto, listed_labels))
    where = " OR ".join([x for x in (some, f"(n.listed = true AND ({listed}))" if listed else "") if x]) or "false"
    return f"""MATCH (n:{onto.entity_label})
WHERE {where}
RETURN n.id AS id, labels(n) AS labels, n.name AS name, n.aliases AS aliases, n.{_INDEX_ID} AS imo, n.listed AS listed, n.source AS source
ORDER BY CASE WHEN n.{_INDEX_ID} IS NULL AND n.listed IS NULL THEN 1 ELSE 0 END, n.id
LIMIT $cap"""


def name_index(store: GraphStore, labels: Sequence[str], listed_labels: Sequence[str], cap: int) -> list[IndexedName]:
    """The entities of `labels`, and those of `listed_labels` a sanctions list names, at most
    `cap`: vessels with an IMO number and listed entities first, then by id (one query)."""
    onto = store.ontology
    res = store.run(_index_query(onto, labels, listed_labels), {"cap": int(cap)}, timeout=300)
    return [
        IndexedName(r["id"], onto.label_of(r["labels"]), r["name"], tuple(r["aliases"] or ()), r.get("imo"), r.get("listed"),
                    r.get("source"))
        for r in res
    ]


def _keys_query(onto: Ontology) -> tuple[str, tuple[str, ...]]:
    idents = tuple(sorted({lab.resolve_by for lab in onto.labels.values() if lab.resolve_by}))
    return (
        f"MATCH (n:{onto.entity_label}) RETURN n.id AS id, labels(n) AS labels, n.keys AS keys"
        + "".join(f", n.{p} AS {p}" for p in idents),
        idents,
    )


def resolution_index(store: GraphStore) -> list[NodeKeys]:
    """Every entity node with its lookup keys and its label's resolve_by identifier (one query)."""
    onto = store.ontology
    query, _ = _keys_query(onto)
    out = []
    for row in store.run(query).rows:
        label = onto.label_of(row["labels"])
        prop = onto.labels[label].resolve_by if label in onto.labels else None
        out.append(NodeKeys(row["id"], label, tuple(row["keys"] or ()), row.get(prop) if prop else None))
    return out


def _sourced_query(onto: Ontology) -> str:
    return f"MATCH (n:{onto.entity_label}) WHERE n.source STARTS WITH $p RETURN n.id AS id"


def ids_sourced_from(store: GraphStore, prefix: str) -> set[str]:
    """The ids of the entity nodes whose `source` starts with `prefix` (list:<name> for list-only ones)."""
    return {r["id"] for r in store.run(_sourced_query(store.ontology), {"p": prefix})}


def _candidates_query(onto: Ontology) -> str:
    return f"""UNWIND $items AS it
MATCH (a:{ARTICLE}) WHERE it.key IN a.{NAME_KEYS} AND a.complete = true
OPTIONAL MATCH (a)-[m:{MENTIONS}]->(n:{onto.entity_label} {{id: it.id}})
WITH a, it, m WHERE m IS NULL OR NOT it.local IN coalesce(m.keys, [it.local])
RETURN a.id AS id, collect(it.n) AS items"""


def unmentioned(store: GraphStore, names: Iterable[NameLookup]) -> list[Candidate]:
    """The complete articles that hold a name's key and do not mention its entity under that
    name (MENTIONS.keys; an edge written before it had keys counts as under every name), each
    with the names concerned (one indexed lookup for all `names`)."""
    items = [{"key": n.key, "id": n.id, "n": n.name, "local": n.local} for n in names]
    res = store.run(_candidates_query(store.ontology), {"items": items}, timeout=300)
    return [Candidate(r["id"], tuple(r["items"])) for r in res]


def _texts_query() -> str:
    return (
        f"UNWIND $ids AS id MATCH (a:{ARTICLE} {{id: id}}) WHERE a.text IS NOT NULL "
        "RETURN a.id AS id, a.text AS text, a.title AS title, a.source AS source, a.url AS url, "
        "a.published AS published, a.path AS path"
    )


def stored_texts(store: GraphStore, ids: Sequence[str]) -> list[StoredArticle]:
    """The articles among `ids` whose text is kept, with their metadata (one query)."""
    res = store.run(_texts_query(), {"ids": list(ids)}, timeout=300)
    return [StoredArticle(r["id"], r["text"], r["title"], r["source"], r["url"], r["published"], r["path"]) for r in res]


# -- owed re-scan work (ingest/knowledge.py: begin_rescan / end_rescan) -------------------------
RESCAN = "Rescan"  # the label of the one node that records re-scan work owed (graph/ontology.yaml)
_PENDING = "pending"


def _rescan_check(onto: Ontology) -> None:
    lab = onto.label(RESCAN)
    for prop in ("id", "base", "since"):
        if prop not in lab.properties:
            raise OntologyError(f"Label {RESCAN} has no property {prop!r} in graph/ontology.yaml; re-scans need it.")


def _owed_query() -> str:
    return f"MATCH (r:{RESCAN} {{id: $id}}) RETURN r.base AS base"


def _owe_query() -> str:
    # One statement: of two runs that begin together, the first one's base stays (the older).
    return f"""MERGE (r:{RESCAN} {{id: $id}})
ON CREATE SET r.base = $base, r.since = $since
RETURN r.base AS base"""


def _paid_query() -> str:
    return f"MATCH (r:{RESCAN} {{id: $id}}) DELETE r"


def owed_rescan(store: GraphStore) -> list[str] | None:
    """The base of the re-scan work the store records as owed, or None (none owed)."""
    _rescan_check(store.ontology)
    rows = store.run(_owed_query(), {"id": _PENDING}, timeout=300).rows
    return list(rows[0]["base"] or []) if rows else None


def owe_rescan(store: GraphStore, base: Sequence[str]) -> list[str]:
    """Record re-scan work as owed from `base` unless some is already owed; returns the base on
    record (the older one when there was one: what changed since covers both)."""
    from datetime import datetime, timezone

    _rescan_check(store.ontology)
    since = datetime.now(timezone.utc).isoformat(timespec="seconds")
    rows = store.run(_owe_query(), {"id": _PENDING, "base": list(base), "since": since}, write=True, timeout=300).rows
    return list(rows[0]["base"] or []) if rows else list(base)


def paid_rescan(store: GraphStore) -> None:
    """The owed re-scan work is done: remove its record."""
    _rescan_check(store.ontology)
    store.run(_paid_query(), {"id": _PENDING}, write=True, timeout=300)


def statements(onto: Ontology) -> list[str]:
    """Every statement text this module sends for `onto`, with the ingest policy's index labels
    (for the offline Neo4j syntax check)."""
    return [
        _index_query(onto, ("Vessel", "Company"), ("Person", "Organization", "Agency")),
        _keys_query(onto)[0],
        _sourced_query(onto),
        _candidates_query(onto),
        _texts_query(),
        _owed_query(),
        _owe_query(),
        _paid_query(),
    ]
