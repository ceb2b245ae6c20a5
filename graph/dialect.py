"""Where FalkorDB's Cypher and Neo4j 5's differ: every text one backend sends and the other
would not is built here, and each backend asks its own dialect (`store.dialect`).

Everything else in the project writes Cypher both accept (graph/cypher.py's upserts, the
domain queries, queries/*.cypher: checked against Neo4j's parser by tests/test_cypher_lint.py
and run on FalkorDB by the rest of the suite). The differences we send:

| what                | Neo4j 5                                   | FalkorDB                                          |
|---------------------|-------------------------------------------|---------------------------------------------------|
| schema in place     | nothing to look up: IF NOT EXISTS         | `indexes_query`, `constraints_query` (db.indexes(), db.constraints()) |
| index               | CREATE INDEX name IF NOT EXISTS FOR ...   | CREATE INDEX FOR ..., only for indexes missing    |
| unique id           | CREATE CONSTRAINT name IF NOT EXISTS ...  | a range index on id, then GRAPH.CONSTRAINT CREATE (a Redis command, not Cypher: EmbeddedStore.ensure_schema sends it for `unique_id_targets`) |
| internal node id    | elementId(n)                              | id(n)                                             |

Named queries that cannot share one text have a `NAME.falkordb.cypher` / `NAME.neo4j.cypher`
variant (queries/library.py) under these dialect names.

Differences we do not send, so nothing here builds them (add them here, with a test on both
backends, when a caller needs one): shortestPath (FalkorDB: only in WITH/RETURN, directed,
ends bound first; graph/analysis.py searches paths itself) and full-text search
(db.index.fulltext.* against db.idx.fulltext.*).
"""

from __future__ import annotations

from collections.abc import Collection

from graph.ontology import Ontology

NEO4J = "neo4j"
FALKORDB = "falkordb"


def _ident(name: str) -> str:
    # Names come from the ontology; this guards against a future ontology entry that would
    # break out of the identifier.
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a safe Cypher identifier: {name!r}")
    return name


class Dialect:
    """What one backend's Cypher needs; the shared parts are here, the differences below."""

    name: str = ""
    node_id_function: str = ""

    def unique_id_targets(self, ontology: Ontology) -> list[str]:
        """Labels that get a unique `id`: the shared entity label, Article and every label."""
        return [ontology.entity_label, *ontology.labels]

    def schema_statements(self, ontology: Ontology, existing: Collection[tuple[str, str]] = ()) -> list[str]:
        """The statements that set up the unique ids and indexes the ontology asks for.

        `existing`: the (label, property) indexes already there, for a backend that cannot
        say IF NOT EXISTS (FalkorDB: read them with `indexes_query`).
        """
        raise NotImplementedError

    def ids_query(self) -> str:
        """Map internal node ids (`$ids`) to our `id` property: rows (internal, id)."""
        fn = self.node_id_function
        return f"MATCH (n) WHERE {fn}(n) IN $ids RETURN {fn}(n) AS internal, n.id AS id"


class Neo4jDialect(Dialect):
    name = NEO4J
    node_id_function = "elementId"

    def schema_statements(self, ontology: Ontology, existing: Collection[tuple[str, str]] = ()) -> list[str]:
        # Idempotent on the server's side; `existing` is not needed.
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


class FalkorDBDialect(Dialect):
    name = FALKORDB
    node_id_function = "id"
    # The schema in place: one row per label with its indexed properties / per constraint.
    indexes_query = "CALL db.indexes() YIELD label, properties RETURN label, properties"
    constraints_query = "CALL db.constraints() YIELD type, label, properties RETURN type, label, properties"

    def schema_statements(self, ontology: Ontology, existing: Collection[tuple[str, str]] = ()) -> list[str]:
        # A unique constraint needs a range index on its property first; creating an index
        # that exists is an error, so only the missing ones.
        wanted = [(label, "id") for label in self.unique_id_targets(ontology)] + list(ontology.indexes)
        have = set(existing)
        out = []
        for label, prop in dict.fromkeys(wanted):
            if (label, prop) not in have:
                out.append(f"CREATE INDEX FOR (n:{_ident(label)}) ON (n.{_ident(prop)})")
        return out


DIALECTS: dict[str, Dialect] = {d.name: d for d in (Neo4jDialect(), FalkorDBDialect())}


def for_backend(name: str) -> Dialect:
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(f"unknown dialect {name!r}; one of {', '.join(DIALECTS)}") from None
