"""Shared set-up for the sanctions-list tests: a real embedded store with a few 'extracted' entities."""

from __future__ import annotations

from pathlib import Path

from graph import evidence
from graph.backends import open_store

DATA = Path(__file__).parent / "data" / "lists"
OFAC = DATA / "ofac"
FTM = DATA / "entities.ftm.json"
ARTICLE = "a" * 64
OFAC_ID = "agency:office-of-foreign-assets-control"


def seed_extracted(store) -> None:
    """What extraction would have written for one article about Lady R and Oboronlogistics."""
    store.upsert_nodes("Article", [{"id": ARTICLE, "title": "Russian ships carry North Korean arms"}])
    store.upsert_nodes("Vessel", [{"id": "imo:9161003", "name": "Lady R", "imo": "9161003", "source": "article",
                                   "aliases": ["Lady R"], "keys": ["lady r"]}])
    store.upsert_nodes("Company", [
        {"id": "company:oboronlogistics", "name": "Oboronlogistics LLC", "source": "article",
         "aliases": ["Oboronlogistics LLC"], "keys": ["oboronlogistics", "oboronlogistics llc"]},
        {"id": "company:severnyi-marine-trading", "name": "Severnyi Marine Trading", "source": "article",
         "aliases": ["Severnyi Marine Trading"], "keys": ["severnyi marine trading"]},
        {"id": "company:planet-labs-pbc", "name": "Planet Labs PBC", "source": "article",
         "aliases": ["Planet Labs PBC"], "keys": ["planet labs", "planet labs pbc"]},
    ])
    store.upsert_nodes("Agency", [{"id": OFAC_ID, "name": "Office of Foreign Assets Control", "source": "article",
                                   "aliases": ["OFAC"], "keys": ["ofac", "office of foreign assets control"]}])
    store.upsert_relationships("MENTIONS", [{"start": ARTICLE, "end": e} for e in
                                            ("imo:9161003", "company:oboronlogistics", OFAC_ID)])
    store.upsert_relationships("SANCTIONED_BY", [{
        "start": "imo:9161003", "end": OFAC_ID, "year": 2022, "articles": [ARTICLE], "methods": ["rule"],
        "evidence": [evidence.encode(ARTICLE, "The United States sanctioned the Lady R in 2022.", "rule")],
    }])


def open_tmp(tmp_path, name: str = "g.db"):
    return open_store(str(tmp_path / name))


def node(store, node_id: str) -> dict | None:
    res = store.run("MATCH (n:Entity {id: $id}) RETURN properties(n) AS p, labels(n) AS l", {"id": node_id})
    return {**res.rows[0]["p"], "labels": res.rows[0]["l"]} if res.rows else None


def edges(store, start: str, rel_type: str) -> list[dict]:
    res = store.run(
        "MATCH (a:Entity {id: $id})-[r]->(b) WHERE type(r) = $t RETURN b.id AS end, properties(r) AS p ORDER BY end, r.key",
        {"id": start, "t": rel_type},
    )
    return [{"end": r["end"], **r["p"]} for r in res]


def snapshot(store) -> tuple[list, list]:
    """The whole graph as sorted plain values, to compare two stores (list properties as stored:
    sorted by the store, graph/cypher.py)."""
    from graph.export import iter_nodes, iter_relationships

    nodes = sorted((n["id"], tuple(n["labels"]), tuple(sorted((k, str(v)) for k, v in n["properties"].items())))
                   for n in iter_nodes(store))
    rels = sorted((r["type"], r["start"], r["end"], tuple(sorted((k, str(v)) for k, v in r["properties"].items())))
                  for r in iter_relationships(store))
    return nodes, rels
