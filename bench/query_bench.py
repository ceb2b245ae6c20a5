"""Query latency on a generated graph of >= 100,000 entities and >= 500,000 relationships.

    uv run python -m bench.query_bench --entities 100000 --relationships 500000 --samples 200

The graph (bench/graphgen.py, fixed seed) is written once through our writer and cached as
bench/out/query-<entities>-<relationships>.db (gitignored); later runs reuse it. Then, on
entities picked with a fixed seed (vessels with deep ownership chains, random vessels and
companies):

- report: `queries.report.build_report(store, id, hops=2)`
- ownership chain: the named query `ownership_chain` through `run_named`
- 3-hop sanctions exposure: the report's exposure query at 3 hops, and `build_report(hops=3)`
- path: `queries.report.find_path(store, a, b, max_hops=4)`, then on the same pairs the
  search as it was before issue 13 (bench/path_baseline.py) as `path_baseline`;
  `--only-path` measures just these two

p50/p95/max in milliseconds, in-process. Then `sanctions-kg report <id>` end to end as a
subprocess (the installed entry point, no `uv run` in the timing): attaching to the server
this process keeps running ("warm"), starting the database from its file every time
("cold", `--keep-server 0`), and as a user runs it with the CLI's idle keep-alive ("kept":
the first call starts the server and leaves it running, the next calls attach to it; then
`sanctions-kg stop`). Targets: report p95 < 50 ms in-process; `sanctions-kg report` < 1 s
end to end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import emit, provenance
from bench.cypher import statement
from bench.graphgen import GraphRows, generate
from graph.backends import open_store

OUT = Path(__file__).resolve().parent / "out"
ROOT = Path(__file__).resolve().parent.parent


def db_path(entities: int, relationships: int) -> Path:
    return OUT / f"query-{entities}-{relationships}.db"


def _remove_db(path: Path) -> None:
    for p in (path, Path(f"{path}.settings"), Path(f"{path}.lock"), Path(f"{path}.done")):
        p.unlink(missing_ok=True)
    shutil.rmtree(f"{path}.aof", ignore_errors=True)
    shutil.rmtree(path.parent / f"{path.name}.aof", ignore_errors=True)


def write_graph(store, g: GraphRows, batch: int = 5000) -> float:
    """Write every row through our writer; returns seconds."""
    t = time.perf_counter()
    for label, rows in g.nodes.items():
        for i in range(0, len(rows), batch):
            with store.batch() as b:
                b.upsert_nodes(label, rows[i:i + batch])
    for rel, rows in g.rels.items():
        for i in range(0, len(rows), batch):
            with store.batch() as b:
                b.upsert_relationships(rel, rows[i:i + batch])
    return time.perf_counter() - t


def ensure_graph(entities: int, relationships: int, seed: int, rebuild: bool = False) -> tuple[Path, dict]:
    """The cached graph's path, building it first when missing; info about the build."""
    path = db_path(entities, relationships)
    done = Path(f"{path}.done")
    if done.exists() and path.exists() and not rebuild:
        return path, json.loads(done.read_text())
    OUT.mkdir(parents=True, exist_ok=True)
    _remove_db(path)
    t = time.perf_counter()
    g = generate(entities, relationships, seed)
    gen_s = time.perf_counter() - t
    with open_store(str(path)) as store:
        write_s = write_graph(store, g)
        counts = store.counts()
    info = {
        "seed": seed, "generate_s": round(gen_s, 1), "write_s": round(write_s, 1),
        "rows": g.n_nodes + g.n_rels, "rows_per_s": round((g.n_nodes + g.n_rels) / write_s),
        "entities": sum(v for k, v in counts["nodes"].items() if k != "Article"),
        "articles": counts["nodes"].get("Article", 0),
        "relationships": sum(counts["relationships"].values()),
    }
    done.write_text(json.dumps(info))
    return path, info


def _stats(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))], 2),
        "max_ms": round(ms[-1], 2),
    }


def _timed(fn, args_list: list) -> tuple[dict, list]:
    """Latency of fn over args_list; calls that raise a library error count as refused
    (their time is in the figures too: the user waited that long for the message)."""
    from graph.errors import SanctionsKGError

    ms, results, refused = [], [], {}
    for args in args_list:
        t = time.perf_counter()
        try:
            results.append(fn(*args))
        except SanctionsKGError as exc:
            msg = str(exc).split(":")[0][:80]
            refused[msg] = refused.get(msg, 0) + 1
            results.append(None)
        ms.append((time.perf_counter() - t) * 1000)
    stats = _stats(ms)
    if refused:
        stats["refused"] = refused
    return stats, results


def pick_refs(store, samples: int, seed: int) -> dict[str, list[str]]:
    """Entity ids to query: chain vessels (deep ownership), random vessels, random companies."""
    rng = random.Random(seed)
    vessels = store.run(statement("sample_vessels")).values()
    companies = store.run(statement("sample_companies")).values()
    chained = store.run(statement("sample_chained_vessels")).values()
    third = max(1, samples // 3)
    refs = rng.sample(chained, min(third, len(chained)))
    refs += rng.sample(vessels, third) + rng.sample(companies, samples - 2 * third)
    return {"refs": refs, "vessels": vessels, "companies": companies}


def path_pairs(store, refs: list[str], picked: dict, samples: int, seed: int) -> list[tuple[str, str]]:
    """Half between a vessel and the top of its ownership chain (connected), half random
    (vessel, company)."""
    from queries.library import run_named

    rng = random.Random(seed + 1)
    pairs = []
    for ref in refs:
        if len(pairs) >= samples // 2:
            break
        chain = run_named(store, "ownership_chain", {"entity": ref})
        top = chain.rows[0].get("top_owner_id") if chain.rows else None
        if top and top != ref:
            pairs.append((ref, top))
    while len(pairs) < samples:
        pairs.append((rng.choice(picked["vessels"]), rng.choice(picked["companies"])))
    return pairs


def _crosses_sanctioner(path: dict) -> bool:
    steps = path["steps"]
    return any(s["type"] == "SANCTIONED_BY" and s["target"]["id"] not in (steps[0]["from"]["id"], steps[-1]["to"]["id"])
               for s in steps) or any(n["label"] == "Country" for n in path["nodes"][1:-1])


def _twins(paths: list[dict]) -> int:
    """Paths that repeat another's nodes and relationship types (differ only in parallel edges)."""
    keys = [(tuple(n["id"] for n in p["nodes"]), tuple(s["type"] for s in p["steps"])) for p in paths]
    return len(keys) - len(set(keys))


def run_paths(store, pairs: list[tuple[str, str]]) -> dict:
    """find_path now, then as before issue 13, on the same pairs. Not interleaved: a baseline
    call that hits the socket timeout leaves its query running in the database, which would
    slow the next calls down."""
    from graph.errors import SanctionsKGError

    from bench import path_baseline
    from queries.report import find_path

    kinds = {"path": lambda a, b: find_path(store, a, b, max_hops=4),
             "path_baseline": lambda a, b: path_baseline.find_path(store, a, b, max_hops=4)}
    ms: dict[str, list[float]] = {k: [] for k in kinds}
    found: dict[str, list] = {k: [] for k in kinds}
    refused: dict[str, dict[str, int]] = {k: {} for k in kinds}
    for kind in kinds:
        kinds[kind](*pairs[0])  # imports (networkx) and caches
        for a, b in pairs:
            t = time.perf_counter()
            try:
                result = kinds[kind](a, b)
            except SanctionsKGError as exc:
                msg = str(exc).split(":")[0][:80]
                refused[kind][msg] = refused[kind].get(msg, 0) + 1
                result = None
            ms[kind].append((time.perf_counter() - t) * 1000)
            found[kind].append(result)
    out = {}
    for kind in kinds:
        stats = _stats(ms[kind])
        got = [p for p in found[kind] if p]
        stats.update(
            found=len(got),
            paths_median=statistics.median(len(p) for p in got) if got else 0,
            paths_total=sum(len(p) for p in got),
            twin_paths=sum(_twins(p) for p in got),
            through_sanctioner_or_country=sum(1 for p in got for x in p if _crosses_sanctioner(x)),
        )
        if refused[kind]:
            stats["refused"] = refused[kind]
        out[kind] = stats
    return out


def run_queries(store, samples: int, seed: int, only_path: bool = False) -> dict:
    from graph.ontology import load as load_ontology
    from graph.view import exposure_query
    from queries.library import run_named
    from queries.report import MAX_INDIRECT, build_report

    picked = pick_refs(store, samples, seed)
    refs = picked["refs"]
    out: dict = {}
    if only_path:
        out.update(run_paths(store, path_pairs(store, refs, picked, samples, seed)))
        return out, refs
    for ref in refs[:5]:  # warm the server's and the client's caches
        build_report(store, ref)
    out["report"], reports = _timed(lambda r: build_report(store, r, hops=2), [(r,) for r in refs])
    out["report"]["facts_median"] = statistics.median(
        len(r["port_calls"]) + len(r["ownership"]) + sum(len(v) for v in r["relationships"].values())
        for r in reports if r
    )
    out["ownership_chain"], chains = _timed(
        lambda r: run_named(store, "ownership_chain", {"entity": r}), [(r,) for r in refs]
    )
    out["ownership_chain"]["rows_median"] = statistics.median(len(c) for c in chains if c is not None)
    exposure = exposure_query(load_ontology(), 3, MAX_INDIRECT + 1)  # the statement a report at hops=3 sends
    out["exposure_3hop"], rows = _timed(lambda r: store.run(exposure, {"id": r}), [(r,) for r in refs])
    out["exposure_3hop"]["rows_median"] = statistics.median(len(x) for x in rows if x is not None)
    out["report_hops3"], _ = _timed(lambda r: build_report(store, r, hops=3), [(r,) for r in refs])
    out.update(run_paths(store, path_pairs(store, refs, picked, samples, seed)))
    hub = store.run(statement("top_hub")).rows[0]  # the best-connected entity, where a report costs most
    t = time.perf_counter()
    build_report(store, hub["id"])
    out["report_top_hub"] = {"id": hub["id"], "degree": hub["d"], "ms": round((time.perf_counter() - t) * 1000, 1)}
    return out, refs


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("sanctions-kg")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cli"]


def _env(bytecode: bool) -> dict:
    """The environment for CLI calls. bytecode=True lets Python cache compiled modules (in
    bench/out/pycache, not in the venv), as on a machine without PYTHONDONTWRITEBYTECODE."""
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache")
    return env


def _report(path: Path, ref: str, env: dict, keep: float) -> float:
    """One `sanctions-kg --db PATH --keep-server KEEP report ID` as a subprocess; wall ms."""
    t = time.perf_counter()
    proc = subprocess.run(_cli() + ["--db", str(path), "--keep-server", f"{keep:g}", "report", ref],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    ms = (time.perf_counter() - t) * 1000
    if proc.returncode != 0:
        raise RuntimeError(f"sanctions-kg report {ref} failed: {proc.stderr.strip()[:500]}")
    return ms


def _stop(path: Path, env: dict) -> None:
    proc = subprocess.run(_cli() + ["--db", str(path), "stop"], capture_output=True, text=True, cwd=ROOT, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"sanctions-kg stop failed: {proc.stderr.strip()[:500]}")


def run_cli(path: Path, refs: list[str], times: int, bytecode: bool = False) -> dict:
    """`sanctions-kg report ID` with `--keep-server 0` (each call that starts the server also
    stops it, as before the keep-alive); wall time per call."""
    env = _env(bytecode)
    if bytecode:  # fill the bytecode cache first
        subprocess.run(_cli() + ["--db", str(path), "--keep-server", "0", "report", refs[0]], capture_output=True,
                       cwd=ROOT, env=env)
    return _stats([_report(path, ref, env, keep=0) for ref in refs[:times]])


def run_cli_kept(path: Path, refs: list[str], times: int, bytecode: bool = False, keep: float = 300) -> dict:
    """As a user runs it: the first call starts the server and keeps it (`first_ms`), the next
    `times` attach to it (p50 etc.); then `sanctions-kg stop`. No server may be running before."""
    env = _env(bytecode)
    if bytecode:
        subprocess.run(_cli() + ["--help"], capture_output=True, cwd=ROOT, env=env)  # fill the bytecode cache
    try:
        first = _report(path, refs[0], env, keep)
        kept = [_report(path, ref, env, keep) for ref in refs[1:times + 1] or refs[:1]]
    finally:
        _stop(path, env)
    return {"first_ms": round(first, 1), **_stats(kept)}


CLI_KINDS = {
    # name: (arguments after `--db PATH`, how many entity ids they take); the in-process
    # measurement each one matches is named alike in "in_process".
    "report": (["report", "{0}"], 1),
    "ownership_chain": (["query", "--name", "ownership_chain", "-p", "entity={0}"], 1),
    "report_hops3": (["report", "{0}", "--hops", "3"], 1),  # the 3-hop sanctions exposure, as users ask for it
    "path": (["path", "{0}", "{1}", "--max-hops", "4"], 2),
}


def run_cli_kinds(path: Path, refs: list[str], times: int) -> dict:
    """Each kind of query through the CLI, attached to a running server (the caller holds the
    store open, as a kept server would be): p50/p95 wall ms of `times` calls each."""
    env = _env(False)
    out = {}
    for kind, (args, n_ids) in CLI_KINDS.items():
        ms = []
        for i in range(times):
            ids = [refs[(i * n_ids + k) % len(refs)] for k in range(n_ids)]
            cmd = _cli() + ["--db", str(path), "--keep-server", "0"] + [a.format(*ids) for a in args]
            t = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
            ms.append((time.perf_counter() - t) * 1000)
            if proc.returncode not in (0, 1):  # 1: e.g. no path within 4 hops, an answer too
                raise RuntimeError(f"{' '.join(cmd[1:])} failed: {proc.stderr.strip()[:300]}")
        out[kind] = _stats(ms)
    return out


def run_cli_noop(times: int) -> dict:
    """`sanctions-kg --help`: the interpreter and CLI import floor of every command."""
    ms = []
    for _ in range(times):
        t = time.perf_counter()
        subprocess.run(_cli() + ["--help"], capture_output=True, cwd=ROOT, check=True)
        ms.append((time.perf_counter() - t) * 1000)
    return _stats(ms)


def run(entities: int, relationships: int, samples: int, cli_times: int, seed: int, rebuild: bool,
        only_path: bool = False) -> dict:
    path, build = ensure_graph(entities, relationships, seed, rebuild)
    t = time.perf_counter()
    store = open_store(str(path))
    open_s = time.perf_counter() - t
    if only_path:
        cli_times = 0
    try:
        queries, refs = run_queries(store, samples, seed, only_path)
        cli_warm = run_cli(path, refs, cli_times) if cli_times else None
        cli_warm_bc = run_cli(path, refs, cli_times, bytecode=True) if cli_times else None
        cli_kinds = run_cli_kinds(path, refs, cli_times) if cli_times else None
    finally:
        store.close()
    cli_cold = run_cli(path, refs, cli_times) if cli_times else None
    cli_cold_bc = run_cli(path, refs, cli_times, bytecode=True) if cli_times else None
    cli_kept = run_cli_kept(path, refs, cli_times) if cli_times else None
    cli_kept_bc = run_cli_kept(path, refs, cli_times, bytecode=True) if cli_times else None
    return {
        "provenance": provenance(),
        "graph": {"path": os.path.relpath(path, ROOT), **build,
                  "db_file_mb": round(path.stat().st_size / 2**20, 1)},
        "open_store_s": round(open_s, 2),
        "in_process": queries,
        "cli_help": run_cli_noop(3) if cli_times else None,
        "cli_report_warm": cli_warm,
        "cli_report_cold": cli_cold,
        "cli_report_warm_bytecode_cached": cli_warm_bc,
        "cli_report_cold_bytecode_cached": cli_cold_bc,
        "cli_report_kept": cli_kept,
        "cli_report_kept_bytecode_cached": cli_kept_bc,
        "cli_attached": cli_kinds,
        "load": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--relationships", type=int, default=500_000)
    ap.add_argument("--samples", type=int, default=200, help="entities queried per query kind")
    ap.add_argument("--cli", type=int, default=10, help="CLI calls of each kind: report warm, cold and kept; ownership chain, 3-hop report and path attached (0: skip)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rebuild", action="store_true", help="write the graph again even if cached")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--only-path", action="store_true",
                    help="measure only find_path and its pre-issue-13 baseline (no other queries, no CLI)")
    args = ap.parse_args(argv)
    res = run(args.entities, args.relationships, args.samples, args.cli, args.seed, args.rebuild, args.only_path)
    emit(res, args.json)


if __name__ == "__main__":
    main()
