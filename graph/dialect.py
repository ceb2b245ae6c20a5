"""Where FalkorDB's Cypher and Neo4j 5's differ, and the one text each backend sends instead.

Everything else in the project writes Cypher both accept. The differences that matter to us:

| what                      | Neo4j 5                                   | FalkorDB                                        |
|---------------------------|-------------------------------------------|-------------------------------------------------|
| unique id                 | CREATE CONSTRAINT ... IF NOT EXISTS       | range index, then GRAPH.CONSTRAINT CREATE       |
| index if missing          | CREATE INDEX ... IF NOT EXISTS            | no IF NOT EXISTS: look in db.indexes() first    |
| internal node id          | elementId(n)                              | id(n)                                           |
| shortest path             | MATCH p = shortestPath((a)-[*..N]-(b))    | only in RETURN, directed, ends bound first      |
| full-text search          | db.index.fulltext.queryNodes              | db.idx.fulltext.queryNodes                      |

Paths that neither does well in one text (all shortest paths in both directions) go through
networkx on a fetched subgraph: see graph/analysis.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.ontology import Ontology

NEO4J = "neo4j"
FALKORDB = "falkordb"


def _ident(name: str) -> str:
    # Names come from the ontology; this guards against a future ontology entry that would
    # break out of the identifier.
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a safe Cypher identifier: {name!r}")
    return name


@dataclass(frozen=True)
class Dialect:
    name: str

    @property
    def node_id_function(self) -> str:
        return "elementId" if self.name == NEO4J else "id"

    def unique_id_targets(self, ontology: Ontology) -> list[str]:
        """Labels that get a unique `id`: the shared entity label, Article and every label."""
        return [ontology.entity_label, *ontology.labels]

    def schema_statements(self, ontology: Ontology) -> list[str]:
        """Neo4j: the statements that set up constraints and indexes (idempotent)."""
        if self.name != NEO4J:
            raise ValueError("FalkorDB schema goes through EmbeddedStore.ensure_schema")
        out = []
        for label in self.unique_id_targets(ontology):
            lab = _ident(label)
            out.append(
                f"CREATE CONSTRAINT {lab.lower()}_id_unique IF NOT EXISTS "
                f"FOR (n:{lab}) REQUIRE n.id IS UNIQUE"
            )
        for label, prop in ontology.indexes:
            lab, p = _ident(label), _ident(prop)
            out.append(f"CREATE INDEX {lab.lower()}_{p}_index IF NOT EXISTS FOR (n:{lab}) ON (n.{p})")
        return out

    def ids_query(self) -> str:
        """Map internal node ids to our `id` property."""
        fn = self.node_id_function
        return f"MATCH (n) WHERE {fn}(n) IN $ids RETURN {fn}(n) AS internal, n.id AS id"

    def shortest_path_query(self, max_hops: int, rel_types: list[str] | None = None) -> str:
        """One shortest directed path from the entity `$a` to the entity `$b`.

        One row with the path `p`, or no row: no path within `max_hops`, an unknown id, or
        `$a` = `$b` (Neo4j raises an error for a shortest path from a node to itself).
        """
        hops = int(max_hops)
        types = ":" + "|".join(_ident(t) for t in rel_types) if rel_types else ""
        ends = "MATCH (a:Entity {id: $a}), (b:Entity {id: $b}) WHERE a <> b "
        if self.name == NEO4J:
            return ends + f"MATCH p = shortestPath((a)-[{types}*..{hops}]->(b)) RETURN p"
        return ends + f"WITH shortestPath((a)-[{types}*..{hops}]->(b)) AS p WHERE p IS NOT NULL RETURN p"


def for_backend(name: str) -> Dialect:
    if name not in (NEO4J, FALKORDB):
        raise ValueError(f"unknown dialect {name!r}")
    return Dialect(name)
