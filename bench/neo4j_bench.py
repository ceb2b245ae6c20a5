"""Neo4j beside the embedded FalkorDB: the writer, report and path benches on both, one run.

    uv run python -m bench.neo4j_bench --entities 10000 --relationships 30000 --rounds 3

The same generated graph (bench/graphgen.py) is written through our writer into a fresh
embedded store and into Neo4j (emptied first), round after round, the order of the two
alternating so load from other processes hits both alike: bulk batches (`--batch` rows per
statement), then the update path (the same rows again), then the per-article shape (one
atomic `store.batch()` per article-sized group); a quarter of the per-article writes first, on
both, uncounted, warms Neo4j's JIT and both sides' caches. After the last round both hold the same
graph (node and relationship counts are compared); the report, ownership-chain, 3-hop
exposure and path queries of bench/query_bench.py then run on each, on the same entities.

The figures are ratios Neo4j / embedded of medians (writes) and of p50 / p95 latencies
(reads): < 1 means Neo4j is faster. Neo4j is the server `NEO4J_URI` names (with
NEO4J_USERNAME / NEO4J_PASSWORD), or else the test server tests/neo4j_test_server.py fetches
and starts (Neo4j Community from Maven Central, the same one `uv run pytest` runs).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bench import emit, provenance
from bench.graphgen import generate
from bench.query_bench import run_queries
from bench.write_bench import article_plan, bulk_plan, ours_write, ours_write_groups
from graph.backends import open_store
from graph.settings import from_env

ROOT = Path(__file__).resolve().parents[1]


def _test_server():
    """tests/neo4j_test_server.py, loaded by path (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location("neo4j_test_server", ROOT / "tests" / "neo4j_test_server.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def neo4j_settings(stack: ExitStack):
    """Settings for NEO4J_URI when set, else for a test server started (and stopped) here."""
    if os.environ.get("NEO4J_URI"):
        return from_env(db=os.environ["NEO4J_URI"])
    server_module = _test_server()
    server_module.build(lambda line: print(line, file=sys.stderr, flush=True))
    server = stack.enter_context(server_module.Neo4jTestServer())
    os.environ.update(server.env)
    return from_env(db=server.uri)


def _empty_neo4j(store) -> None:
    # In slices: one transaction deleting a large graph needs a large heap.
    while store.run("MATCH (n) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS n", write=True).rows[0]["n"]:
        pass


def _counts(store) -> tuple[int, int]:
    nodes = store.run("MATCH (n) RETURN count(n) AS n").rows[0]["n"]
    rels = store.run("MATCH ()-[r]->() RETURN count(r) AS n").rows[0]["n"]
    return nodes, rels


def _ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else float("nan")


def run(entities: int, relationships: int, batch: int, rounds: int, article_rows: int, samples: int,
        seed: int = 7) -> dict:
    g = generate(entities, relationships, seed)
    plan = bulk_plan(g, batch)
    small = generate(max(50, article_rows // 6), article_rows, seed + 1)
    groups = article_plan(small)
    kinds = ("bulk_create", "bulk_update", "article")
    times: dict[str, dict[str, list[float]]] = {b: {k: [] for k in kinds} for b in ("embedded", "neo4j")}
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="neo4j-bench-") as d:
        settings = neo4j_settings(stack)
        stores = {"embedded": None, "neo4j": None}

        def fresh(backend: str, tag: str):
            if stores[backend] is not None:
                stores[backend].close()
            if backend == "embedded":
                stores[backend] = open_store(str(Path(d) / f"{tag}.db"))
            else:
                stores[backend] = open_store(settings=settings)
                _empty_neo4j(stores[backend])
            return stores[backend]

        def timed(fn, *args) -> float:
            t = time.perf_counter()
            fn(*args)
            return time.perf_counter() - t

        try:
            for backend in ("embedded", "neo4j"):  # warm-up, not counted: Neo4j's JIT, both caches
                ours_write_groups(fresh(backend, "warm-up"), groups[: max(1, len(groups) // 4)])
            for rnd in range(rounds):
                order = ("embedded", "neo4j") if rnd % 2 == 0 else ("neo4j", "embedded")
                for backend in order:
                    store = fresh(backend, f"article-{rnd}")
                    times[backend]["article"].append(timed(ours_write_groups, store, groups))
                    store = fresh(backend, f"bulk-{rnd}")
                    times[backend]["bulk_create"].append(timed(ours_write, store, plan))
                    times[backend]["bulk_update"].append(timed(ours_write, store, plan))
            counts = {b: _counts(s) for b, s in stores.items()}
            if counts["embedded"] != counts["neo4j"]:
                raise SystemExit(f"the two stores hold different graphs: {counts}")
            reads = {}
            for backend in ("embedded", "neo4j"):
                reads[backend], _ = run_queries(stores[backend], samples, seed)
        finally:
            for s in stores.values():
                if s is not None:
                    s.close()
    med = {b: {k: statistics.median(v) for k, v in t.items()} for b, t in times.items()}
    read_ratios = {}
    for kind, stats in reads["embedded"].items():
        other = reads["neo4j"].get(kind)
        if isinstance(stats, dict) and isinstance(other, dict) and "p50_ms" in stats:
            read_ratios[kind] = {"p50": _ratio(other["p50_ms"], stats["p50_ms"]),
                                 "p95": _ratio(other["p95_ms"], stats["p95_ms"]),
                                 "embedded_p50_ms": stats["p50_ms"], "neo4j_p50_ms": other["p50_ms"]}
    return {
        "provenance": provenance(),
        "graph": {"nodes": g.n_nodes, "relationships": g.n_rels, "stored": counts["embedded"],
                  "article_rows": small.n_nodes + small.n_rels, "article_groups": len(groups)},
        "batch": batch, "rounds": rounds, "samples": samples,
        "seconds": {b: {k: [round(x, 3) for x in v] for k, v in t.items()} for b, t in times.items()},
        "write_ratio_neo4j_over_embedded": {k: _ratio(med["neo4j"][k], med["embedded"][k]) for k in kinds},
        "read_ratio_neo4j_over_embedded": read_ratios,
        "reads": reads,
        "load": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=10_000)
    ap.add_argument("--relationships", type=int, default=30_000)
    ap.add_argument("--batch", type=int, default=1000, help="rows per statement (bulk)")
    ap.add_argument("--article-rows", type=int, default=3000, help="relationship rows in the per-article run")
    ap.add_argument("--samples", type=int, default=60, help="entities queried per read kind")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", type=Path, default=None, help="also write the result here")
    args = ap.parse_args(argv)
    res = run(args.entities, args.relationships, args.batch, args.rounds, args.article_rows, args.samples)
    emit(res, args.json)
    w = res["write_ratio_neo4j_over_embedded"]
    print(f"Neo4j/embedded, writes: bulk create {w['bulk_create']}x, bulk update {w['bulk_update']}x, "
          f"per-article {w['article']}x")
    for kind, r in res["read_ratio_neo4j_over_embedded"].items():
        print(f"Neo4j/embedded, {kind}: p50 {r['p50']}x ({r['neo4j_p50_ms']} / {r['embedded_p50_ms']} ms), p95 {r['p95']}x")


if __name__ == "__main__":
    main()
