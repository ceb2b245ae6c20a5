"""docs/neo4j.md lists Cypher forms Neo4j accepts and the embedded FalkorDB refuses: each is run
on both backends here, so the page stays true (a form FalkorDB learns fails this test until the
page drops it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import QueryError

PAGE = (Path(__file__).resolve().parents[1] / "docs" / "neo4j.md").read_text("utf-8")

NEO4J_ONLY = {
    "shortestPath in MATCH": "MATCH p = shortestPath((a:Entity {id: 'x:a'})-[*..4]-(b:Entity {id: 'x:b'})) RETURN length(p) AS n",
    "elementId()": "MATCH (a:Entity {id: 'x:a'}) RETURN elementId(a) AS e",
    "EXISTS {}": "MATCH (a:Entity) WHERE EXISTS { MATCH (a)--() } RETURN a.id AS id",
    "COUNT {}": "MATCH (a:Entity) RETURN a.id AS id, COUNT { MATCH (a)--() } AS n",
    "=~": "MATCH (a:Entity) WHERE a.name =~ 'A.*' RETURN a.id AS id",
}
PAGE_NAMES = {"shortestPath in MATCH": "`MATCH p = shortestPath(", "elementId()": "`elementId()`",
              "EXISTS {}": "`EXISTS {}`", "COUNT {}": "`COUNT {}`", "=~": "`=~`"}


@pytest.mark.parametrize("form", sorted(NEO4J_ONLY))
def test_forms_the_neo4j_page_names_run_on_neo4j_only(store, backend, form):
    assert PAGE_NAMES[form] in PAGE, f"docs/neo4j.md should name {form} among the Neo4j-only forms"
    store.upsert_nodes("Vessel", [{"id": "x:a", "name": "Alder"}, {"id": "x:b", "name": "Birch"}])
    store.upsert_relationships("ASSOCIATED_WITH", [{"start": "x:a", "end": "x:b"}])
    if backend == "neo4j":
        store.run(NEO4J_ONLY[form])  # accepted
    else:
        with pytest.raises(QueryError) as err:
            store.run(NEO4J_ONLY[form])
        assert "\n" not in str(err.value) and str(err.value)
