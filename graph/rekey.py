"""Re-keying entities: a node's id changes, and every stored copy of the id follows, in one batch.

    add_rekeys(batch, store, [("person:voskin", "person:marek-voskin")])

A label declaring `id_name: fullest` (graph/ontology.yaml) takes its id from the fullest name its
articles give (ingest/resolve.py), so that the id does not depend on which article came first.
When a later article gives a fuller name, the resolver re-keys the node and the writer adds these
statements to that article's batch (graph/writer.py, ArticleFacts.rekeys), before its facts: a
run stopped at any point leaves the article and the new id together, or neither, and running
again gives the same graph.

What follows the node by itself: its relationships (MENTIONS, facts, MATCH_CANDIDATE links and
their review status). The stored copies of the id, made to follow here:
- MATCH_CANDIDATE.candidate_id, a hash of both ends' ids (graph/listings.py candidate_id): made
  again, so that matching finds a rejected pair rejected under the new id too;
- the `denials` items naming it as their target, on the entities its articles mention;
- watches (graph/watch.py): a watch's target, its id (watch:<kind>:<target>) and the fact keys in
  its `known`; alerts' `watch` and `subject`.
Exports are written from the graph: the next export has the new id. Values travel as parameters;
labels, types and properties come from the store's ontology.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from graph import sources
from graph.cypher import Rows
from graph.evidence import _ENCODER
from graph.listings import CANDIDATE_TYPE, candidate_id

if TYPE_CHECKING:
    from graph.ontology import Ontology
    from graph.store import Batch, GraphStore

WATCH = "Watch"
ALERT = "Alert"
ARTICLE = "Article"
DENIALS = "denials"


def statements(onto: Ontology) -> dict[str, str]:
    """Every statement text this module sends, by name (tests lint them on Neo4j's parser)."""
    e = onto.entity_label
    m = onto.rel_type(CANDIDATE_TYPE).name
    mentions = onto.rel_type(onto.mention_type).name
    art, w, a = onto.label(ARTICLE).name, onto.label(WATCH).name, onto.label(ALERT).name
    return {
        "node": f"UNWIND $rows AS row MATCH (n:{e} {{id: row.old}}) SET n.id = row.new",
        "links": (f"UNWIND $ids AS id MATCH (a:{e} {{id: id}})-[:{m}]->(b:{e}) RETURN a.id AS a, b.id AS b "
                  f"UNION UNWIND $ids AS id MATCH (a:{e})-[:{m}]->(b:{e} {{id: id}}) RETURN a.id AS a, b.id AS b"),
        "candidate_ids": (f"UNWIND $rows AS row MATCH (a:{e} {{id: row.a}})-[r:{m}]->(b:{e} {{id: row.b}}) "
                          "SET r.candidate_id = row.cid"),
        # A denial's start and target are entities one article mentions: looked for among the
        # entities the re-keyed one's articles mention, never over the whole graph.
        "denials": (f"UNWIND $rows AS row MATCH (:{e} {{id: row.new}})<-[:{mentions}]-(:{art})-[:{mentions}]->(x:{e}) "
                    f"WHERE x.{DENIALS} IS NOT NULL WITH DISTINCT x, row "
                    f"WHERE any(d IN x.{DENIALS} WHERE d CONTAINS row.was) "
                    f"SET x.{DENIALS} = {sources.sorted_list(f'[d IN x.{DENIALS} | replace(d, row.was, row.now)]')}"),
        "watches": f"MATCH (w:{w}) RETURN w.id AS id, w.kind AS kind, w.target AS target, w.known AS known",
        "watch": f"UNWIND $rows AS row MATCH (w:{w} {{id: row.old}}) SET w.id = row.id, w.target = row.target, w.known = row.known",
        "alert_watch": f"UNWIND $rows AS row MATCH (x:{a} {{watch: row.old}}) SET x.watch = row.new",
        "alert_subject": f"UNWIND $rows AS row MATCH (x:{a}) WHERE x.subject = row.old SET x.subject = row.new",
        "taken": f"UNWIND $ids AS id MATCH (n:{e} {{id: id}}) RETURN n.id AS id",
        # The entities articles `aids` mention (not those a list names: they keep their id), with
        # the names the other articles give them (MENTIONS.name, one per article).
        "left": (f"MATCH (a:{art})-[:{mentions}]->(n:{e}) WHERE a.id IN $aids AND (n.listed IS NULL OR n.listed = false) "
                 f"WITH DISTINCT n OPTIONAL MATCH (b:{art})-[m:{mentions}]->(n) WHERE NOT b.id IN $aids "
                 "RETURN n.id AS id, labels(n) AS labels, collect(m.name) AS names ORDER BY id"),
    }


_BUILT: dict[int, tuple[object, dict[str, str]]] = {}


def _q(onto: Ontology) -> dict[str, str]:
    hit = _BUILT.get(id(onto))
    if hit is None or hit[0] is not onto:
        hit = _BUILT[id(onto)] = (onto, statements(onto))
    return hit[1]


def _target(node_id: str) -> str:
    """A denial item's `"target":"<id>"` as the evidence encoder writes it."""
    return _ENCODER.encode({"target": node_id})[1:-1]


def fact_key(key: str, new: dict[str, str]) -> str:
    """A watch's fact key (parts joined by "|", graph/watch.py) with re-keyed ids replaced."""
    return "|".join(new.get(part, part) for part in key.split("|"))


def names_left(store: GraphStore, aids: Iterable[str]) -> dict[str, tuple[str | None, list[str]]]:
    """Entity id -> (label, names) of the entities the articles `aids` mention, but those a list
    names: the names the other articles give each (none: no other article mentions it). What
    ingest/lifecycle.py works out an entity's id from once the articles are withdrawn."""
    rows = store.run(_q(store.ontology)["left"], {"aids": sorted(set(aids))}, timeout=600).rows
    return {r["id"]: (store.ontology.label_of(r["labels"]), [n for n in r["names"] if n]) for r in rows}


def add_rekeys(b: Batch, store: GraphStore, rekeys: Iterable[tuple[str, str]]) -> None:
    """Add to batch `b` the re-keying of each node (old id, new id) and of every stored copy of
    its id (see the module's docstring). Reads what it needs first; writes nothing itself.
    A node whose new id another node holds keeps its own; no old id may be another's new one."""
    new = {old: now for old, now in rekeys if old != now}
    if not new:
        return
    q = _q(store.ontology)
    for r in store.run(q["taken"], {"ids": sorted(set(new.values()))}).rows:
        new = {old: now for old, now in new.items() if now != r["id"]}
    if not new:
        return
    pairs = [{"old": old, "new": now} for old, now in new.items()]
    links = store.run(q["links"], {"ids": sorted(new)}).rows
    watches = store.run(q["watches"]).rows
    b.run(q["node"], Rows(rows=pairs))
    if links:
        ends = sorted({(new.get(r["a"], r["a"]), new.get(r["b"], r["b"])) for r in links})
        b.run(q["candidate_ids"], Rows(rows=[{"a": x, "b": y, "cid": candidate_id(x, y)} for x, y in ends]))
    b.run(q["denials"], Rows(rows=[{"new": now, "was": _target(old), "now": _target(now)} for old, now in new.items()]))
    moved, renamed = [], []
    for w in watches:
        known = [fact_key(k, new) for k in w["known"] or ()]
        target = new.get(w["target"], w["target"])
        wid = f"watch:{w['kind']}:{target}" if target != w["target"] else w["id"]
        if wid != w["id"] or known != list(w["known"] or ()):
            moved.append({"old": w["id"], "id": wid, "target": target, "known": sorted(set(known))})
            if wid != w["id"]:
                renamed.append({"old": w["id"], "new": wid})
    if moved:
        b.run(q["watch"], Rows(rows=moved))
    if renamed:
        b.run(q["alert_watch"], Rows(rows=renamed))
    b.run(q["alert_subject"], Rows(rows=pairs))
