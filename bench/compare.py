"""Before and after in one run: the ingest, writer and report benches on an earlier commit and on
this checkout, side by side, and each figure's ratio after/before.

    uv run python -m bench.compare --base fd8c2c9 --rounds 2

The earlier commit is checked out once as a detached git worktree in the temporary folder
(`$TMPDIR/sanctions-kg-bench/base-<sha>`, outside the checkout so no tool reads it as project
code; `--trees` to choose) with its own `uv sync --frozen`, so both sides run their own code on the same machine moment. Each round
runs every bench on both sides, the side that goes first alternating between rounds, so load
from other processes hits both alike. Figures (median over rounds):

- ingest: c/a and b/a at 2 processes (bench/ingest_bench.py: full ingest and extraction
  against bare spaCy in the same subprocess run); higher is better;
- writer: our writer against raw UNWIND (bench/write_bench.py), bulk create, bulk update and
  per-article; lower is better;
- report: `build_report` p50 and p95 on a generated graph (bench/query_bench.py, in-process);
  lower is better.

A figure holds when after is no worse than before by more than `--tolerance` (5%).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import emit, provenance

ROOT = Path(__file__).resolve().parent.parent

# bench -> (command after `python -m`, [(figure, json path, higher_is_better)])
BENCHES: dict[str, tuple[list[str], list[tuple[str, tuple[str, ...], bool]]]] = {
    "ingest": (
        ["bench.ingest_bench", "--processes", "2", "--rounds", "1", "--no-reingest"],
        [("c/a 2p", ("throughput", "ratios", "c/a 2p"), True), ("b/a 2p", ("throughput", "ratios", "b/a 2p"), True)],
    ),
    "writer": (
        ["bench.write_bench", "--rounds", "1"],
        [("ours/raw create", ("ratio_create",), False), ("ours/raw update", ("ratio_update",), False),
         ("ours/raw article", ("ratio_article",), False)],
    ),
    "report": (
        ["bench.query_bench", "--cli", "0"],
        [("report p50 ms", ("in_process", "report", "p50_ms"), False),
         ("report p95 ms", ("in_process", "report", "p95_ms"), False)],
    ),
}


def base_tree(rev: str, trees: Path) -> Path:
    """A detached worktree of `rev` in `trees`, synced; made once and reused."""
    found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=ROOT,
                           capture_output=True, text=True)
    if found.returncode != 0:
        raise SystemExit(f"bench.compare: --base {rev!r} is not a commit of this repository; "
                         "give a commit id, tag or branch (git log --oneline shows them)")
    sha = found.stdout.strip()
    tree = trees / f"base-{sha[:12]}"
    if not (tree / "pyproject.toml").exists():
        trees.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=True)
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=ROOT, check=True,
                       capture_output=True)
    subprocess.run(["uv", "sync", "--frozen", "--quiet"], cwd=tree, check=True)
    return tree


def _dig(data: dict, path: tuple[str, ...]):
    for key in path:
        data = data[key]
    return data


def run_bench(tree: Path, name: str, extra: list[str], timeout: float) -> dict[str, float]:
    cmd, figures = BENCHES[name]
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "result.json"
        env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
        proc = subprocess.run(["uv", "run", "--frozen", "python", "-m", *cmd, *extra, "--json", str(out)],
                              cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0 or not out.exists():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            raise SystemExit(f"bench.compare: {name} failed in {tree}: {tail[0][:300]}")
        data = json.loads(out.read_text())
    return {fig: float(_dig(data, path)) for fig, path, _ in figures}


def figures(got: dict[str, dict[str, dict[str, list[float]]]], only: list[str], tolerance: float) -> list[dict]:
    """Each figure's median before and after, their ratio, and whether it holds: after is no
    worse than before by more than `tolerance` (lower, or higher, as the figure wants)."""
    table = []
    for name in only:
        for fig, _path, higher in BENCHES[name][1]:
            before = statistics.median(got[name][fig]["before"])
            after = statistics.median(got[name][fig]["after"])
            ratio = after / before if before else float("nan")
            worse = (1 - ratio) if higher else (ratio - 1)
            table.append({"bench": name, "figure": fig, "before": round(before, 3), "after": round(after, 3),
                          "after/before": round(ratio, 3), "holds": worse <= tolerance,
                          "runs": got[name][fig]})
    return table


def compare(base: str, rounds: int, only: list[str], args: argparse.Namespace) -> dict:
    trees = {"before": base_tree(base, args.trees), "after": ROOT}
    extra = {
        "ingest": ["--articles", str(args.articles)],
        "writer": ["--entities", str(args.entities // 5), "--relationships", str(args.relationships // 5)],
        "report": ["--entities", str(args.entities), "--relationships", str(args.relationships),
                   "--samples", str(args.samples)],
    }
    got: dict[str, dict[str, dict[str, list[float]]]] = {}
    for r in range(rounds):
        sides = ["before", "after"] if r % 2 == 0 else ["after", "before"]
        for name in only:
            for side in sides:
                print(f"round {r + 1}/{rounds}: {name} {side}", file=sys.stderr, flush=True)
                figs = run_bench(trees[side], name, extra[name], args.timeout)
                for fig, v in figs.items():
                    got.setdefault(name, {}).setdefault(fig, {}).setdefault(side, []).append(v)
    table = figures(got, only, args.tolerance)
    return {"provenance": provenance(), "base": base, "rounds": rounds, "tolerance": args.tolerance,
            "figures": table, "load_after": os.getloadavg()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="the earlier commit (any git revision)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", nargs="+", choices=sorted(BENCHES), default=list(BENCHES))
    ap.add_argument("--articles", type=int, default=300, help="ingest corpus size")
    ap.add_argument("--entities", type=int, default=20_000, help="report graph size (writer: a fifth)")
    ap.add_argument("--relationships", type=int, default=100_000)
    ap.add_argument("--samples", type=int, default=100, help="reports timed per side and round")
    ap.add_argument("--tolerance", type=float, default=0.05)
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per bench run")
    ap.add_argument("--trees", type=Path, default=Path(tempfile.gettempdir()) / "sanctions-kg-bench",
                    help="where the earlier commit is checked out")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    res = compare(args.base, args.rounds, args.only, args)
    emit(res, args.json)
    for row in res["figures"]:
        mark = "holds" if row["holds"] else "WORSE"
        print(f"{row['bench']:7} {row['figure']:18} before {row['before']:>9} after {row['after']:>9} "
              f"after/before {row['after/before']:.3f}  {mark}", file=sys.stderr)


if __name__ == "__main__":
    main()
