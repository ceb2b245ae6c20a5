"""Graph algorithms that neither backend's Cypher does the same way: run in networkx on a
subgraph fetched from the store.

The connection search between two entities is undirected (a ship and its operator's other
ship are connected even though both edges point at the operator), which FalkorDB's
shortestPath cannot do. So: a bidirectional breadth-first search, one indexed query per
ring, always growing the side whose frontier has fewer relationships, until the two balls
meet. Rings carry only ids, types and degrees; names and the properties (evidence) of the
edges on the paths found come in one query each at the end.

What a connection may pass through (the ends themselves are never restricted):
- not a country, and not a sanctioning body by its SANCTIONED_BY edges: two ships the United
  States sanctioned are not "connected" through it (`via_sanctioners=True` allows both);
- a hub (more than `hub_degree` relationships: the port every ship calls at) only as the
  point where the two searches meet: it is reached but not expanded, so a connection passes
  through at most one hub. That keeps a search from fetching tens of thousands of port calls.
Parallel relationships of one type between the same two nodes are one hop (their evidence
together), so two connections never differ only in which of the port calls they took.
"""

from __future__ import annotations

from itertools import islice, product
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.errors import QueryError
from graph.ontology import load as load_ontology

if TYPE_CHECKING:
    from graph.store import GraphStore

MAX_EDGES = 200_000
HUB_DEGREE = 500
# Not passed through unless asked: a country links everything flagged, located or owned in it.
NO_PASSING_LABELS = ("Country",)
SANCTIONS_TYPE = "SANCTIONED_BY"

# One query per ring. Each frontier node's relationships are counted first, up to the hub
# threshold (a subquery with LIMIT: a port with 50,000 calls costs as much as one with 1,001);
# a hub is not expanded. Counting each returned neighbour's degree instead (indegree()) costs
# ~1 ms a row on FalkorDB: more than the ring itself.
_RING = (
    "MATCH (n:Entity) WHERE n.id IN $ids "
    "CALL {{ WITH n MATCH (n)-[c]-(:Entity) WITH c LIMIT $cap RETURN count(c) AS degree }} "
    "WITH n, degree WHERE degree < $cap OR n.id IN $ends "
    "MATCH (n)-[r]-(m:Entity) WHERE {last}true{types}{passing} "
    "RETURN DISTINCT startNode(r).id AS start, endNode(r).id AS end, type(r) AS type, m.id AS other"
)
_PASSING = (
    " AND (m.id IN $ends OR NOT m:{label})"
    " AND (type(r) <> $sanctions OR endNode(r).id IN $ends)"
)
_NODES = "MATCH (n:Entity) WHERE n.id IN $ids RETURN n.id AS id, n.name AS name, labels(n) AS labels"
_ENDS = (
    "MATCH (n:Entity) WHERE n.id IN $ids "
    "CALL { WITH n MATCH (n)-[c]-(:Entity) WITH c LIMIT $cap RETURN count(c) AS degree } "
    "RETURN n.id AS id, degree"
)
_EDGE_PROPS = (
    "UNWIND $edges AS e "
    "MATCH (x:Entity {id: e.start})-[r]->(y:Entity {id: e.end}) WHERE type(r) = e.type "
    "RETURN e.start AS start, e.end AS end, e.type AS type, coalesce(r.key, '') AS key, properties(r) AS props"
)


def connect(
    store: GraphStore,
    a: str,
    b: str,
    max_hops: int,
    *,
    rel_types: list[str] | None = None,
    via_sanctioners: bool = False,
    hub_degree: int = HUB_DEGREE,
    max_edges: int = MAX_EDGES,
) -> nx.Graph:
    """The subgraph holding the shortest connections (of at most `max_hops`) between `a` and
    `b`, undirected, under the rules in the module docstring. Nodes carry name/label; an edge
    (u, v) carries `types`: {type: (start, end)}, one entry per relationship type between
    the two. MENTIONS (article -> entity) is never followed.
    """
    onto = load_ontology()
    if SANCTIONS_TYPE not in onto.relationships or any(lab not in onto.labels for lab in NO_PASSING_LABELS):
        raise QueryError("The ontology lacks SANCTIONED_BY or Country, which the connection search relies on.")
    passing = "" if via_sanctioners else "".join(_PASSING.format(label=lab) for lab in NO_PASSING_LABELS)
    ring = _RING.format(types=" AND type(r) IN $types" if rel_types else "", passing=passing, last="")
    # The last ring the hop limit allows only matters where it reaches the other ball.
    last_ring = _RING.format(types=" AND type(r) IN $types" if rel_types else "", passing=passing,
                             last="m.id IN $targets AND ")
    params: dict[str, Any] = {"ends": [a, b], "sanctions": SANCTIONS_TYPE, "cap": hub_degree + 1}
    if rel_types:
        params["types"] = list(rel_types)

    g = nx.Graph()
    weight: dict[str, int] = {}
    for row in store.run(_ENDS, {"ids": [a, b], "cap": params["cap"]}).rows:
        g.add_node(row["id"])
        weight[row["id"]] = row["degree"]
    if a not in g or b not in g:
        return g
    dist = {a: {a: 0}, b: {b: 0}}
    frontier = {a: [a], b: [b]}
    radius = {a: 0, b: 0}
    expanded, fetched, spread = {a: 0, b: 0}, {a: 0, b: 0}, {a: 1.0, b: 1.0}
    while frontier[a] and frontier[b] and radius[a] + radius[b] < max_hops:
        # Grow the side whose next ring is smaller: an end by its relationships, a ring by its
        # size times the relationships per node seen on that side so far.
        size = {x: weight[x] if frontier[x] == [x] else len(frontier[x]) * spread[x] for x in (a, b)}
        side = a if size[a] <= size[b] else b
        other = b if side == a else a
        if radius[a] + radius[b] + 1 == max_hops:
            rows = store.run(last_ring, {"ids": frontier[side], "targets": list(dist[other]), **params}).rows
        else:
            rows = store.run(ring, {"ids": frontier[side], **params}).rows
        expanded[side] += len(frontier[side])
        fetched[side] += len(rows)
        spread[side] = max(1.0, fetched[side] / expanded[side])
        radius[side] += 1
        nxt: list[str] = []
        met = False
        for row in rows:
            m = row["other"]
            if m not in g:
                g.add_node(m)
            u, v = row["start"], row["end"]
            if not g.has_edge(u, v):
                g.add_edge(u, v, types={})
            g.edges[u, v]["types"][row["type"]] = (u, v)
            if m not in dist[side]:
                dist[side][m] = radius[side]
                nxt.append(m)
            if m in dist[other] and dist[side][m] + dist[other][m] <= max_hops:
                met = True
        if g.number_of_edges() > max_edges:
            raise QueryError(
                f"The search between {a} and {b} touched more than {max_edges} relationships. "
                "Lower --max-hops, or follow fewer relationship types (--via)."
            )
        frontier[side] = nxt
        if met:
            break
    return g


def name_nodes(store: GraphStore, g: nx.Graph, ids: list[str]) -> None:
    """Give the nodes `ids` of `g` their name and label (only those on the paths shown)."""
    label_of = store.ontology.label_of
    for row in store.run(_NODES, {"ids": sorted(set(ids))}).rows:
        g.nodes[row["id"]].update(name=row["name"], label=label_of(row["labels"]))


def node_ref(g: nx.MultiGraph, node: str) -> dict[str, Any]:
    data = g.nodes[node]
    return {"id": node, "name": data.get("name"), "label": data.get("label")}


def shortest_paths(
    g: nx.Graph, a: str, b: str, max_hops: int, *, limit: int = 10
) -> list[tuple[list[str], list[dict[str, Any]]]]:
    """Up to `limit` shortest paths from `a` to `b` of at most `max_hops` relationships.

    Each is (node ids, relationships), a relationship being {"type", "start", "end"}: two
    relationship types between the same nodes make two paths, parallel ones of one type not.
    """
    if a not in g or b not in g or not nx.has_path(g, a, b):
        return []
    # Gather more than asked, then sort, so the same graph always gives the same paths in
    # the same order (networkx follows the order the rows came in).
    pool = max(limit * 20, 200)
    out: list[tuple[list[str], list[dict[str, Any]]]] = []
    for nodes in nx.all_shortest_paths(g, a, b):
        if len(nodes) - 1 > max_hops:
            return []
        options = [
            sorted(({"type": t, "start": s, "end": e} for t, (s, e) in g.edges[u, v]["types"].items()),
                   key=lambda x: (x["type"], x["start"]))
            for u, v in zip(nodes, nodes[1:])
        ]
        for combo in islice(product(*options), pool - len(out)):
            out.append((list(nodes), list(combo)))
        if len(out) >= pool:
            break
    out.sort(key=lambda p: ([e["type"] for e in p[1]], p[0]))
    return out[:limit]


def edge_properties(store: GraphStore, edges: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict]:
    """The relationships named by {start, end, type}, in one query: parallel ones of one type
    merged (the first by key gives the properties; evidence of all, `count` when several)."""
    if not edges:
        return {}
    unique = sorted({(e["start"], e["end"], e["type"]) for e in edges})
    rows = store.run(_EDGE_PROPS, {"edges": [{"start": s, "end": t, "type": ty} for s, t, ty in unique]}).rows
    merged: dict[tuple[str, str, str], dict] = {}
    for r in sorted(rows, key=lambda r: r["key"]):
        k = (r["start"], r["end"], r["type"])
        props = dict(r["props"] or {})
        if k not in merged:
            merged[k] = props
            continue
        first = merged[k]
        first["count"] = first.get("count", 1) + 1
        dates = {d for d in (first.get("date"), props.get("date"), *first.get("dates", [])) if d}
        if dates:
            first["dates"] = sorted(dates)
        seen = first.setdefault("evidence", [])
        seen.extend(x for x in props.get("evidence") or [] if x not in seen)
    return merged
