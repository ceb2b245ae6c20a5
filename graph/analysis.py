"""Graph algorithms that neither backend's Cypher does the same way: run in networkx on a
subgraph fetched from the store.

The connection search between two entities is undirected (a ship and its operator's other
ship are connected even though both edges point at the operator), which FalkorDB's
shortestPath cannot do. So: fetch the ball of radius ceil(h/2) around one end and floor(h/2)
around the other, one indexed query per ring, and search the union. Every path of length
<= h lies inside that union: each of its edges is within the first ball or the second.
"""

from __future__ import annotations

from itertools import islice, product
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.errors import QueryError
from graph.ontology import load as load_ontology

if TYPE_CHECKING:
    from graph.store import GraphStore

MAX_EDGES = 50_000

_RING = (
    "MATCH (n:Entity)-[r]-(m:Entity) WHERE n.id IN $ids{types} "
    "RETURN DISTINCT startNode(r).id AS start, endNode(r).id AS end, type(r) AS type, "
    "properties(r) AS props, m.id AS other, m.name AS name, labels(m) AS labels"
)
_NODES = "MATCH (n:Entity) WHERE n.id IN $ids RETURN n.id AS id, n.name AS name, labels(n) AS labels"


def _ring_query(rel_types: list[str] | None) -> str:
    # Types travel as a parameter; the text only says whether to filter.
    return _RING.format(types=" AND type(r) IN $types" if rel_types else "")


def _label(labels: list[str] | None) -> str | None:
    entity = load_ontology().entity_label
    return next((lab for lab in labels or [] if lab != entity), None)


def fetch_neighbourhood(
    store: GraphStore,
    seeds: list[str],
    hops: int,
    *,
    rel_types: list[str] | None = None,
    graph: nx.MultiGraph | None = None,
    max_edges: int = MAX_EDGES,
) -> nx.MultiGraph:
    """The entities within `hops` of `seeds` and every relationship among them touched on the
    way, as an undirected MultiGraph. Nodes carry name/label; edges carry type, start, props.
    MENTIONS (article -> entity) is never followed."""
    g = graph if graph is not None else nx.MultiGraph()
    query = _ring_query(rel_types)
    missing = [s for s in seeds if s not in g]
    if missing:
        for row in store.run(_NODES, {"ids": missing}).rows:
            g.add_node(row["id"], name=row["name"], label=_label(row["labels"]))
    frontier, seen = list(seeds), set(seeds)
    for _ in range(hops):
        if not frontier:
            break
        params: dict[str, Any] = {"ids": frontier}
        if rel_types:
            params["types"] = list(rel_types)
        nxt: list[str] = []
        for row in store.run(query, params).rows:
            other = row["other"]
            if other not in g:
                g.add_node(other, name=row["name"], label=_label(row["labels"]))
            props = row["props"] or {}
            key = (row["start"], row["type"], props.get("key", ""), row["end"])
            if not g.has_edge(row["start"], row["end"], key=key):
                g.add_edge(row["start"], row["end"], key=key, type=row["type"], start=row["start"], props=props)
            if other not in seen:
                seen.add(other)
                nxt.append(other)
        if g.number_of_edges() > max_edges:
            raise QueryError(
                f"The search touched more than {max_edges} relationships around {', '.join(seeds)}. "
                "Lower --max-hops, or follow fewer relationship types."
            )
        frontier = nxt
    return g


def fetch_between(
    store: GraphStore, a: str, b: str, max_hops: int, *, rel_types: list[str] | None = None
) -> nx.MultiGraph:
    """The subgraph that holds every path of length <= max_hops between `a` and `b`."""
    g = fetch_neighbourhood(store, [a], (max_hops + 1) // 2, rel_types=rel_types)
    return fetch_neighbourhood(store, [b], max_hops // 2, rel_types=rel_types, graph=g)


def node_ref(g: nx.MultiGraph, node: str) -> dict[str, Any]:
    data = g.nodes[node]
    return {"id": node, "name": data.get("name"), "label": data.get("label")}


def shortest_paths(
    g: nx.MultiGraph, a: str, b: str, max_hops: int, *, limit: int = 10
) -> list[tuple[list[str], list[dict[str, Any]]]]:
    """Up to `limit` shortest paths from `a` to `b` of at most `max_hops` relationships.

    Each is (node ids, relationships), a relationship being {"type", "start", "props"}; two
    parallel relationships between the same nodes make two paths.
    """
    if a not in g or b not in g or not nx.has_path(g, a, b):
        return []
    out: list[tuple[list[str], list[dict[str, Any]]]] = []
    for nodes in nx.all_shortest_paths(g, a, b):
        if len(nodes) - 1 > max_hops:
            return []
        options = [
            sorted(g.get_edge_data(u, v).values(), key=lambda e: (e["type"], e["start"], str(e["props"].get("key"))))
            for u, v in zip(nodes, nodes[1:])
        ]
        for combo in islice(product(*options), limit - len(out)):
            out.append((list(nodes), [{"type": e["type"], "start": e["start"], "props": e["props"]} for e in combo]))
        if len(out) >= limit:
            break
    return out
