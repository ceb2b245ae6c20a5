"""The knowledge-aware re-scan's cost: `ingest` against `ingest --no-rescan` (issue 27's bar: within 2x).

    uv run python -m bench.rescan_bench --articles 2000 --rounds 1

The corpus is generated here (seeded, invented names): one-line articles, each typing one ship
with a cue ("The tanker <A> met <B> off Fujairah ...") and naming the next article's ship bare,
so when the next article types that name, every article but the first is re-scanned once.
Both modes run side by side in one run, each round in a fresh database and a fresh
`sanctions-kg ingest` process (`--processes 1`, the server stopped at the end); wall seconds
and the CPU seconds of the command and the database server it started are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import provenance

ROOT = Path(__file__).resolve().parent.parent
SYLLABLES = ("ka", "lo", "mer", "tas", "vin", "do", "rek", "sul", "pa", "zor", "ni", "bel", "qua", "tem", "fo",
             "gri", "hal", "jus", "wen", "yor")


def names(n: int, seed: int = 7) -> list[str]:
    """n distinct ship names of two invented two-syllable words each."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        words = ["".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize() for _ in range(2)]
        name = " ".join(words)
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def write_corpus(n: int, folder: Path) -> None:
    ships = names(n + 1)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text = (f"The tanker {ships[i]} met {ships[i + 1]} off Fujairah on Monday, traders said.\n")
        (folder / f"a{i:05d}.txt").write_text(text)


def run_ingest(corpus: Path, rescan: bool) -> dict:
    """One fresh database, one ingest process; wall and CPU seconds (the command and its server)."""
    work = Path(tempfile.mkdtemp(prefix="rescan-bench-"))
    try:
        cmd = [str(Path(sys.executable).parent / "sanctions-kg"), "--db", str(work / "graph.db"), "--keep-server", "0",
               "ingest", str(corpus), "--processes", "1"] + ([] if rescan else ["--no-rescan"])
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=stdout, stderr=stderr, text=True,
                                    env={**os.environ, "NO_COLOR": "1"})
            server = _server_cpu(proc, str(work))
            wall = time.perf_counter() - started
            stdout.seek(0), stderr.seek(0)
            out = subprocess.CompletedProcess(cmd, proc.returncode, stdout.read(), stderr.read())
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if out.returncode:
            raise SystemExit(f"ingest failed ({out.returncode}): {out.stderr.strip()[-400:]}")
        found = re.search(r"re-scanned: (\d+)", out.stdout)
        return {"wall_s": round(wall, 1), "cpu_s": round((after.ru_utime + after.ru_stime)
                                                        - (before.ru_utime + before.ru_stime), 1),
                "server_cpu_s": round(server, 1),
                "rescanned": int(found.group(1)) if found else 0,
                "summary": out.stdout.strip().splitlines()[:2]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _server_cpu(proc: subprocess.Popen, work: str) -> float:
    """Wait for `proc`; the CPU seconds of the database server it started (a daemon, not its
    child: a redis-server of this environment started after `proc`, or one whose command line
    names `work`; sampled every 0.2 s until `proc` ends; the server stops with it)."""
    import psutil

    venv = str(Path(sys.executable).parent.parent)
    born = psutil.Process(proc.pid).create_time() - 0.5
    seen: dict[int, float] = {}
    while True:
        done = proc.poll() is not None
        for p in psutil.process_iter(["pid", "cmdline", "create_time"]):
            try:
                line = " ".join(p.info["cmdline"] or ())
                ours = ("redis-server" in line and venv in line and p.info["create_time"] >= born) or work in line
                if p.pid != proc.pid and ours:
                    t = p.cpu_times()
                    seen[p.pid] = t.user + t.system
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        if done:
            return sum(seen.values())
        time.sleep(0.2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    corpus = ROOT / "bench" / "out" / f"rescan-{args.articles}"
    if not (corpus / ".complete").exists():
        write_corpus(args.articles, corpus)
        (corpus / ".complete").write_text(str(args.articles))
    runs: dict[str, list[dict]] = {"rescan": [], "no-rescan": []}
    for r in range(args.rounds):
        order = ("rescan", "no-rescan") if r % 2 == 0 else ("no-rescan", "rescan")
        for mode in order:
            row = run_ingest(corpus, rescan=mode == "rescan")
            runs[mode].append(row)
            print(f"  round {r + 1}: {mode:<9} {row['wall_s']:>7} s wall, {row['cpu_s']:>7} CPU s, "
                  f"server {row['server_cpu_s']:>6} CPU s, "
                  f"{row['rescanned']} re-scanned", flush=True)
    best = {mode: min(rows, key=lambda x: x["wall_s"]) for mode, rows in runs.items()}
    ratio = best["rescan"]["wall_s"] / best["no-rescan"]["wall_s"]
    cpu_ratio = best["rescan"]["cpu_s"] / max(best["no-rescan"]["cpu_s"], 0.1)
    both = {mode: min(r["cpu_s"] + r["server_cpu_s"] for r in rows) for mode, rows in runs.items()}
    print(json.dumps({"provenance": provenance(), "articles": args.articles, "runs": runs,
                      "ratio_wall": round(ratio, 2), "ratio_cpu": round(cpu_ratio, 2),
                      "ratio_cpu_with_server": round(both["rescan"] / max(both["no-rescan"], 0.1), 2),
                      "load_after": os.getloadavg()}, indent=2))


if __name__ == "__main__":
    main()
