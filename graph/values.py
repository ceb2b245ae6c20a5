"""Query results as plain Python values, whichever driver returned them.

Nodes become {"id", "labels", "properties"} (id: our `id` property, else the database's own
id), relationships {"type", "start", "end", "properties"} (start and end: node ids as above),
paths the list of their nodes and relationships in order; lists and maps are walked, and any
other value goes through the driver's `scalar` hook (Neo4j dates become ISO strings).

A relationship whose end node is not itself in the result carries only the database's internal
id for it: the walker collects those and asks the driver once for their `id` properties.

The walker is written once; each backend describes its driver's result types in a Driver
(graph/embedded.py for FalkorDB, graph/neo4j_server.py for Neo4j).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_ATOMS = (str, int, float, bool, type(None))


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Driver:
    """How one driver's result values look: its node, relationship and path classes, and what
    the walker reads of each."""

    node_class: type
    node: Callable[[Any], tuple[Hashable, Any, Iterable[str], Mapping[str, Any]]]
    """(internal id, our `id` property or None, labels, properties) of a node"""
    edge_class: type
    edge: Callable[[Any], tuple[str, Hashable | None, Hashable | None, Mapping[str, Any]]]
    """(type, start node's internal id, end node's internal id, properties) of a relationship"""
    path_class: type
    path: Callable[[Any], tuple[Sequence[Any], Sequence[Any]]]
    """(nodes, relationships) of a path, in order"""
    external_ids: Callable[[list[Any]], Iterable[tuple[Hashable, Any]]]
    """(internal id, our `id` property or None) of the nodes with these internal ids"""
    scalar: Callable[[Any], Any] = _same
    """a value that is no node, relationship, path, list or map, as a plain value"""
    plain_properties: bool = False
    """True when property values come plain already (FalkorDB's): copied, not walked"""


def plain_rows(columns: list[str], rows: list[list[Any]], driver: Driver) -> list[dict[str, Any]]:
    """Each row as {column: plain value}."""
    known: dict[Hashable, Any] = {}  # internal id -> our id
    missing: set[Hashable] = set()
    # Bound once: this runs for every value of every result.
    node_class, edge_class, path_class = driver.node_class, driver.edge_class, driver.path_class
    node, edge, path, scalar = driver.node, driver.edge, driver.path, driver.scalar
    copy_properties = driver.plain_properties

    def scan(v: Any) -> None:
        if isinstance(v, _ATOMS):
            return
        if isinstance(v, node_class):
            key, ext, _, _ = node(v)
            known[key] = ext if ext is not None else key
        elif isinstance(v, edge_class):
            _, start, end, _ = edge(v)
            missing.update(k for k in (start, end) if k is not None)
        elif isinstance(v, path_class):
            nodes, edges = path(v)
            for x in (*nodes, *edges):
                scan(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                scan(x)
        elif isinstance(v, dict):
            for x in v.values():
                scan(x)

    for row in rows:
        for v in row:
            scan(v)
    missing -= set(known)
    if missing:
        for internal, ext in driver.external_ids(sorted(missing)):
            known[internal] = ext if ext is not None else internal

    def properties(props: Mapping[str, Any]) -> dict[str, Any]:
        return dict(props) if copy_properties else {k: plain(x) for k, x in props.items()}

    def plain(v: Any) -> Any:
        if isinstance(v, _ATOMS):
            return v
        if isinstance(v, node_class):
            key, _, labels, props = node(v)
            return {"id": known[key], "labels": sorted(labels or []), "properties": properties(props)}
        if isinstance(v, edge_class):
            rtype, start, end, props = edge(v)
            return {
                "type": rtype,
                "start": known.get(start, start) if start is not None else None,
                "end": known.get(end, end) if end is not None else None,
                "properties": properties(props),
            }
        if isinstance(v, path_class):
            nodes, edges = path(v)
            out: list[Any] = []
            for i, n in enumerate(nodes):
                out.append(plain(n))
                if i < len(edges):
                    out.append(plain(edges[i]))
            return out
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return scalar(v)

    return [dict(zip(columns, (plain(v) for v in row))) for row in rows]
