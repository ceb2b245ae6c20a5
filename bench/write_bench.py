"""Our writer (store.batch → upsert_nodes / upsert_relationships) against raw batched UNWIND.

    uv run python -m bench.write_bench --entities 20000 --relationships 60000 --rounds 3

The same generated rows (bench/graphgen.py) go into a fresh embedded store twice per round:
once as hand-written `UNWIND $rows AS row MERGE … SET x += row.props` statements sent straight
to FalkorDB (rows pre-shaped outside the timer, list properties overwritten rather than
merged), once through our writer from flat rows (ontology checks, row shaping and the
list-union SET inside the timer). Each side then writes the same rows a second time (the
update path, where list unions have work to do). Two batch shapes:

- bulk: `--batch` rows per statement, one statement per commit;
- per-article: about what one article yields (a few nodes of several labels, ~10 edges),
  our side as one atomic `store.batch()` (MULTI/EXEC), the raw side one query per statement.

Rounds alternate raw and ours so load from other processes hits both alike; the ratio of
medians is the figure (target: ours ≤ 1.3× raw).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench import emit, provenance
from bench.graphgen import GraphRows, generate
from graph.ontology import load
from graph.backends import open_store


def raw_node_statement(label: str, entity_label: str, is_entity: bool) -> str:
    if is_entity:
        return f"UNWIND $rows AS row MERGE (n:{entity_label} {{id: row.id}}) SET n:{label} SET n += row.props"
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props"


def raw_rel_statement(rel: str, start: str, end: str) -> str:
    return (
        f"UNWIND $rows AS row MATCH (a:{start} {{id: row.start}}) MATCH (b:{end} {{id: row.end}}) "
        f"MERGE (a)-[r:{rel} {{key: row.key}}]->(b) SET r += row.props"
    )


def raw_shape_nodes(rows: list[dict]) -> list[dict]:
    return [{"id": r["id"], "props": {k: v for k, v in r.items() if k != "id"}} for r in rows]


def raw_shape_rels(rows: list[dict]) -> list[dict]:
    skip = ("start", "end", "key")
    return [{"start": r["start"], "end": r["end"], "key": r["key"],
             "props": {k: v for k, v in r.items() if k not in skip}} for r in rows]


def _chunks(rows: list, size: int):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def bulk_plan(g: GraphRows, size: int) -> list[tuple[str, str, list[dict]]]:
    """(kind, name, rows) per statement: every node label first, then every relationship type."""
    plan = [("node", label, chunk) for label, rows in g.nodes.items() for chunk in _chunks(rows, size)]
    plan += [("rel", rel, chunk) for rel, rows in g.rels.items() for chunk in _chunks(rows, size)]
    return plan


def article_plan(g: GraphRows, nodes_per: int = 8, rels_per: int = 10) -> list[list[tuple[str, str, list[dict]]]]:
    """Groups the size of one article's writes: nodes of a few labels, then edges among them.

    Nodes are written before any group's edges need them: group i writes a slice of nodes and
    the i-th slice of edges, and all nodes are in after the first len(nodes)/nodes_per groups,
    so edge groups come after node groups.
    """
    node_items = [(label, r) for label, rows in g.nodes.items() for r in rows]
    rel_items = [(rel, r) for rel, rows in g.rels.items() for r in rows]
    groups: list[list[tuple[str, str, list[dict]]]] = []
    for kind, items, per in (("node", node_items, nodes_per), ("rel", rel_items, rels_per)):
        for chunk in _chunks(items, per):
            by: dict[str, list[dict]] = {}
            for name, row in chunk:
                by.setdefault(name, []).append(row)
            groups.append([(kind, name, rows) for name, rows in by.items()])
    return groups


class Raw:
    def __init__(self, store):
        self.store, self.graph = store, store.graph
        onto = load()
        self.nodes = {name: raw_node_statement(name, onto.entity_label, lab.is_entity) for name, lab in onto.labels.items()}
        self.rels = {name: raw_rel_statement(name, onto.match_label(rt.sources), onto.match_label(rt.targets))
                     for name, rt in onto.relationships.items()}

    def prepare(self, plan):
        shaped = []
        for kind, name, rows in plan:
            text = self.nodes[name] if kind == "node" else self.rels[name]
            shaped.append((text, raw_shape_nodes(rows) if kind == "node" else raw_shape_rels(rows)))
        return shaped

    def write(self, shaped) -> None:
        for text, rows in shaped:
            self.graph.query(text, {"rows": rows})


def ours_write(store, plan) -> None:
    for kind, name, rows in plan:
        with store.batch() as b:
            (b.upsert_nodes if kind == "node" else b.upsert_relationships)(name, rows)


def ours_write_groups(store, groups) -> None:
    for group in groups:
        with store.batch() as b:
            for kind, name, rows in group:
                (b.upsert_nodes if kind == "node" else b.upsert_relationships)(name, rows)


def raw_write_groups(raw: Raw, shaped_groups) -> None:
    for shaped in shaped_groups:
        raw.write(shaped)


def _fresh(tmp: Path, tag: str):
    return open_store(str(tmp / f"{tag}.db"))


def run(entities: int, relationships: int, batch: int, rounds: int, article_rows: int, seed: int = 7) -> dict:
    g = generate(entities, relationships, seed)
    n_rows = g.n_nodes + g.n_rels
    plan = bulk_plan(g, batch)
    # The per-article shape on a slice (thousands of tiny transactions take a while).
    small = generate(max(50, article_rows // 6), article_rows, seed + 1)
    groups = article_plan(small)
    n_small = small.n_nodes + small.n_rels
    times: dict[str, list[float]] = {k: [] for k in (
        "raw_bulk_create", "ours_bulk_create", "raw_bulk_update", "ours_bulk_update",
        "raw_article", "ours_article")}
    with tempfile.TemporaryDirectory(prefix="write-bench-") as d:
        tmp = Path(d)
        for rnd in range(rounds):
            order = ("raw", "ours") if rnd % 2 == 0 else ("ours", "raw")
            for side in order:
                store = _fresh(tmp, f"{side}-{rnd}")
                try:
                    if side == "raw":
                        raw = Raw(store)
                        shaped = raw.prepare(plan)
                        t = time.perf_counter(); raw.write(shaped); times["raw_bulk_create"].append(time.perf_counter() - t)
                        t = time.perf_counter(); raw.write(shaped); times["raw_bulk_update"].append(time.perf_counter() - t)
                    else:
                        t = time.perf_counter(); ours_write(store, plan); times["ours_bulk_create"].append(time.perf_counter() - t)
                        t = time.perf_counter(); ours_write(store, plan); times["ours_bulk_update"].append(time.perf_counter() - t)
                    counts = store.run("MATCH (n) RETURN count(n) AS n").rows[0]["n"]
                    rcount = store.run("MATCH ()-[r]->() RETURN count(r) AS n").rows[0]["n"]
                finally:
                    store.close()
                store = _fresh(tmp, f"{side}-article-{rnd}")
                try:
                    if side == "raw":
                        raw = Raw(store)
                        shaped_groups = [raw.prepare(gr) for gr in groups]
                        t = time.perf_counter(); raw_write_groups(raw, shaped_groups); times["raw_article"].append(time.perf_counter() - t)
                    else:
                        t = time.perf_counter(); ours_write_groups(store, groups); times["ours_article"].append(time.perf_counter() - t)
                finally:
                    store.close()
    med = {k: statistics.median(v) for k, v in times.items()}
    result = {
        "provenance": provenance(),
        "rows": n_rows, "nodes": g.n_nodes, "relationships": g.n_rels, "batch": batch, "rounds": rounds,
        "stored_nodes": counts, "stored_relationships": rcount,
        "article_rows": n_small, "article_groups": len(groups),
        "seconds": {k: [round(x, 3) for x in v] for k, v in times.items()},
        "rows_per_s": {k: round((n_small if "article" in k else n_rows) / v) for k, v in med.items()},
        "ratio_create": round(med["ours_bulk_create"] / med["raw_bulk_create"], 3),
        "ratio_update": round(med["ours_bulk_update"] / med["raw_bulk_update"], 3),
        "ratio_article": round(med["ours_article"] / med["raw_article"], 3),
    }
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=20_000)
    ap.add_argument("--relationships", type=int, default=60_000)
    ap.add_argument("--batch", type=int, default=1000, help="rows per statement (bulk)")
    ap.add_argument("--article-rows", type=int, default=6000, help="relationship rows in the per-article run")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", type=Path, default=None, help="also write the result here")
    args = ap.parse_args(argv)
    res = run(args.entities, args.relationships, args.batch, args.rounds, args.article_rows)
    emit(res, args.json)
    print(f"ours/raw time: bulk create {res['ratio_create']}x, bulk update {res['ratio_update']}x, "
          f"per-article {res['ratio_article']}x (target <= 1.3x)")


if __name__ == "__main__":
    main()
