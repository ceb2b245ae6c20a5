"""The path search as it was before issue 13 (commit 83612f3), kept as the baseline that
bench/query_bench.py measures the current `queries.report.find_path` against in the same run.

Bidirectional ring search with a bridge query per ring, every relationship type through
every node (hubs, countries and sanctioning bodies included), one path per combination of
parallel relationships. Not used by the tool.


The connection search between two entities is undirected (a ship and its operator's other
ship are connected even though both edges point at the operator), which FalkorDB's
shortestPath cannot do. So: a bidirectional breadth-first search, one indexed query per
ring, always growing the side with the smaller frontier, until the two balls meet. Every
shortest path lies inside the fetched subgraph: with radii ra and rb, ra + rb >= its length,
so each of its edges touches a node strictly inside one of the balls. Rings carry only ids,
names and types; the properties (evidence) of the edges on the paths found come in one
query at the end.
"""

from __future__ import annotations

from itertools import islice, product
from typing import TYPE_CHECKING, Any

import networkx as nx

from bench.cypher import statement
from graph.errors import QueryError
from graph.ontology import load as load_ontology

if TYPE_CHECKING:
    from graph.store import GraphStore

MAX_EDGES = 200_000

# The statements of the old search, as it sent them: bench/cypher/path_*.cypher. (It could
# also filter by relationship type; the benchmark never asked it to, so that variant is gone.)
_RING, _BRIDGE, _DEGREE, _NODES, _EDGE_PROPS = (
    statement(f"path_{name}") for name in ("ring", "bridge", "degree", "nodes", "edge_props")
)


def _label(labels: list[str] | None) -> str | None:
    entity = load_ontology().entity_label
    return next((lab for lab in labels or [] if lab != entity), None)


def connect(
    store: GraphStore,
    a: str,
    b: str,
    max_hops: int,
    *,
    max_edges: int = MAX_EDGES,
) -> nx.MultiGraph:
    """The subgraph holding every shortest path (of at most `max_hops`) between `a` and `b`,
    undirected. Nodes carry name/label; edges carry type, start, end and key (no properties).
    MENTIONS (article -> entity) is never followed.

    Before growing a ball, one query looks for relationships between the two frontiers (a
    path one longer than the radii); only when there is none does the side whose frontier
    has fewer relationships (counted in the database) grow a ring. So hubs (a country every
    ship is flagged in) are fetched only when a path must go through them.
    """
    g = nx.MultiGraph()
    for row in store.run(_NODES, {"ids": [a, b]}).rows:
        g.add_node(row["id"], name=row["name"], label=_label(row["labels"]))

    def add(rows: list[dict[str, Any]]) -> list[str]:
        new = []
        for row in rows:
            other = row["other"]
            if other not in g:
                g.add_node(other, name=row["name"], label=_label(row["labels"]))
                new.append(other)
            key = (row["start"], row["type"], row["key"], row["end"])
            if not g.has_edge(row["start"], row["end"], key=key):
                g.add_edge(row["start"], row["end"], key=key, type=row["type"], start=row["start"],
                           end=row["end"], rkey=row["key"])
        return new

    seen = {a: {a}, b: {b}}
    frontier = {a: [a], b: [b]}
    radius = {a: 0, b: 0}
    while frontier[a] and frontier[b] and radius[a] + radius[b] < max_hops:
        bridge = store.run(_BRIDGE, {"ids": frontier[a], "others": frontier[b]}).rows
        if bridge:
            add(bridge)
            break
        if radius[a] + radius[b] + 1 >= max_hops:
            break  # a longer path would need another ring on top of the bridge just missed
        degree = {
            side: store.run(_DEGREE, {"ids": frontier[side]}).rows[0]["degree"]
            for side in (a, b)
        }
        side = a if degree[a] <= degree[b] else b
        rows = store.run(_RING, {"ids": frontier[side]}).rows
        add(rows)
        nxt = []
        for row in rows:
            if row["other"] not in seen[side]:
                seen[side].add(row["other"])
                nxt.append(row["other"])
        if g.number_of_edges() > max_edges:
            raise QueryError(
                f"The search between {a} and {b} touched more than {max_edges} relationships. "
                "Lower --max-hops."
            )
        radius[side] += 1
        frontier[side] = nxt
    return g


def node_ref(g: nx.MultiGraph, node: str) -> dict[str, Any]:
    data = g.nodes[node]
    return {"id": node, "name": data.get("name"), "label": data.get("label")}


def shortest_paths(
    g: nx.MultiGraph, a: str, b: str, max_hops: int, *, limit: int = 10
) -> list[tuple[list[str], list[dict[str, Any]]]]:
    """Up to `limit` shortest paths from `a` to `b` of at most `max_hops` relationships.

    Each is (node ids, relationships), a relationship being {"type", "start", "end", "key"};
    two parallel relationships between the same nodes make two paths.
    """
    if a not in g or b not in g or not nx.has_path(g, a, b):
        return []
    out: list[tuple[list[str], list[dict[str, Any]]]] = []
    for nodes in nx.all_shortest_paths(g, a, b):
        if len(nodes) - 1 > max_hops:
            return []
        options = [
            sorted(g.get_edge_data(u, v).values(), key=lambda e: (e["type"], e["start"], e["rkey"]))
            for u, v in zip(nodes, nodes[1:])
        ]
        for combo in islice(product(*options), limit - len(out)):
            out.append((list(nodes), [
                {"type": e["type"], "start": e["start"], "end": e["end"], "key": e["rkey"]} for e in combo
            ]))
        if len(out) >= limit:
            break
    return out


def edge_properties(store: GraphStore, edges: list[dict[str, Any]]) -> dict[tuple[str, str, str, str], dict]:
    """The properties of relationships named by {start, end, type, key}, in one query."""
    if not edges:
        return {}
    unique = {(e["start"], e["end"], e["type"], e["key"]): e for e in edges}
    rows = store.run(_EDGE_PROPS, {"edges": [
        {"start": s, "end": t, "type": ty, "key": k} for s, t, ty, k in unique
    ]}).rows
    return {(r["start"], r["end"], r["type"], r["key"]): r["props"] or {} for r in rows}


def find_path(store: GraphStore, a: str, b: str, max_hops: int = 4, *, limit: int = 10) -> list[dict[str, Any]]:
    """The old `find_path`: same lookup, search, properties and evidence join as before."""
    from graph.view import EvidenceJoin, check_hops
    from queries.report import relationship, resolve_entity

    check_hops(max_hops, "max_hops")
    start, end = resolve_entity(store, a), resolve_entity(store, b)
    sub = connect(store, start["id"], end["id"], max_hops)
    found = shortest_paths(sub, start["id"], end["id"], max_hops, limit=limit)
    props = edge_properties(store, [e for _, edges in found for e in edges])
    arts = EvidenceJoin(store.view())
    paths = []
    for node_ids, edges in found:
        nodes = [node_ref(sub, n) for n in node_ids]
        steps = [
            relationship(nodes[i], nodes[i + 1],
                         {**e, "props": props.get((e["start"], e["end"], e["type"], e["key"]), {})}, arts)
            for i, e in enumerate(edges)
        ]
        paths.append({"length": len(steps), "nodes": nodes, "steps": steps})
    arts.fetch()
    return paths
