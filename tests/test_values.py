"""graph/values.py: the one walker that turns driver result values into plain values; each
backend only describes its driver's types (the real drivers: tests/test_store.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph import values


@dataclass
class N:  # a driver's node: internal id, labels, properties
    key: int
    labels: list[str]
    props: dict = field(default_factory=dict)


@dataclass
class E:  # a driver's relationship, naming its ends by internal id
    type: str
    start: int | None
    end: int | None
    props: dict = field(default_factory=dict)


@dataclass
class P:
    nodes: list[N]
    edges: list[E]


class Stamp:  # a driver value that is not plain (like a Neo4j date)
    def __init__(self, text: str):
        self.text = text


def driver(asked: list, ids: dict) -> values.Driver:
    return values.Driver(
        node_class=N, node=lambda n: (n.key, n.props.get("id"), n.labels, n.props),
        edge_class=E, edge=lambda e: (e.type, e.start, e.end, e.props),
        path_class=P, path=lambda p: (p.nodes, p.edges),
        external_ids=lambda keys: asked.append(keys) or [(k, ids.get(k)) for k in keys],
        scalar=lambda v: v.text if isinstance(v, Stamp) else v,
    )


def test_nodes_relationships_and_paths_become_plain_values():
    ship = N(1, ["Vessel", "Entity"], {"id": "imo:1234567", "name": "Sea Example"})
    port = N(2, ["Port", "Entity"], {"id": "port:exampleton", "seen": Stamp("2024-05-01")})
    call = E("CALLED_AT", 1, 2, {"date": Stamp("2024-05-02")})
    owner = E("OWNED_BY", 1, 9)  # its end node is not in the result
    stray = E("PART_OF", 8, None)  # an end the driver does not know at all
    asked: list = []
    rows = values.plain_rows(
        ["p", "o", "s", "nested", "n"],
        [[P([ship, port], [call]), owner, stray, {"xs": [Stamp("a"), 3, None]}, N(5, ["Entity"])]],
        driver(asked, {9: "company:owner-example"}),
    )
    s = {"id": "imo:1234567", "labels": ["Entity", "Vessel"], "properties": {"id": "imo:1234567", "name": "Sea Example"}}
    p = {"id": "port:exampleton", "labels": ["Entity", "Port"], "properties": {"id": "port:exampleton", "seen": "2024-05-01"}}
    c = {"type": "CALLED_AT", "start": "imo:1234567", "end": "port:exampleton", "properties": {"date": "2024-05-02"}}
    assert rows == [{
        "p": [s, c, p],
        "o": {"type": "OWNED_BY", "start": "imo:1234567", "end": "company:owner-example", "properties": {}},
        "s": {"type": "PART_OF", "start": 8, "end": None, "properties": {}},  # no id property: the internal id
        "nested": {"xs": ["a", 3, None]},
        "n": {"id": 5, "labels": ["Entity"], "properties": {}},
    }]
    assert asked == [[8, 9]]  # one lookup, for the ends not in the result only


def test_no_lookup_when_every_end_is_in_the_result():
    asked: list = []
    a, b = N(1, ["Entity"], {"id": "x:a"}), N(2, ["Entity"], {"id": "x:b"})
    rows = values.plain_rows(["a", "r", "b"], [[a, E("ASSOCIATED_WITH", 1, 2), b]], driver(asked, {}))
    assert rows[0]["r"]["start"] == "x:a" and rows[0]["r"]["end"] == "x:b"
    assert asked == []
